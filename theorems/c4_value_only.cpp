// Claim C4: value-only zero-shot fine-tuning preserves ICL. THEORY.md section 4 (as corrected),
// docs/derivations.md#5-value-only-family-vb-w. Its checks (templates on the formula policy F), the
// mutants they must kill, and its statements for every n (claim P).
#include "poly/poly.hpp"
#include "prove/statements.hpp"
#include "prove/stationarity.hpp"
#include "theorems/common.hpp"
#include "theorems/theorems.hpp"
#include "verify/mutants.hpp"

namespace icl::theorems {
namespace {

// ---- checks -----------------------------------------------------------------------------------

template <class F>
Outcome zero_shot_risk(const CheckContext&) {
  std::vector<IdentityCase> cases;
  for (int d : kDims)
    for (const auto& s2 : noise_levels())
      for (const Rational& w : {Rational(0), Rational(1, 5), Rational(10, 13), Rational(1), Rational(3)}) {
        const auto s = setting_in<Rational>(d, s2);
        cases.push_back({fmt::format("{} w={}", label(d, s2), to_fraction(w)),
                         value_only_aligned<F>(F::template beta_zero_shot<Rational>(d), w, 0, Task::Target, s),
                         Rational(2, d + 4) + s2});
      }
  cases.push_back({"sanity d=5 s2=1/10",
                   value_only_aligned<F>(F::template beta_zero_shot<Rational>(5), Rational(1, 2), 0, Task::Target,
                                         sanity_setting()),
                   Rational(29, 90)});
  return all_equal(cases, "zero-shot risk of V(theta0/(d+4), w)");
}

template <class F>
Outcome zero_shot_optimum(const CheckContext&) {
  std::vector<StationaryCase> cases;
  for (int d : kDims)
    for (const auto& s2 : noise_levels()) {
      const auto s = setting_in<Rational>(d, s2);
      const Rational beta = F::template beta_zero_shot<Rational>(d);
      cases.push_back({label(d, s2) + " along theta0",
                       [s](const Rational& b) { return value_only_aligned<F>(b, Rational(1, 2), 0, Task::Target, s); },
                       beta, 2});
      // b = beta theta0 + t e_perp: ||b||^2 = beta^2 + t^2, b.theta0 = beta.
      if (d >= 2)
        cases.push_back({label(d, s2) + " across theta0",
                         [s, beta](const Rational& t) {
                           return F::risk_value_only(
                               closed_form::ValueOnlyGeometry<Rational>{beta, beta * beta + t * t, Rational(1, 2)}, 0,
                               s);
                         },
                         Rational(0), 2});
    }
  return all_stationary_minima(cases, "zero-shot R_v at b = theta0/(d+4)");
}

template <class F>
Outcome limit_gap(const CheckContext&) {
  std::string sanity;
  int cases = 0;
  for (int d : kDims)
    for (const Rational& s2 : {Rational(0), Rational(1, 10)})
      for (const auto& g : paper_gammas())
        for (Task task : {Task::Target, Task::Opposite}) {
          const auto s = setting_in<Rational>(d, s2);
          const Rational beta = F::template beta_zero_shot<Rational>(d);
          const Rational sign(task_sign(task));
          const auto gap_at = [&](long n) {
            return value_only_aligned<F>(beta, g, n, task, s) - F::risk_pretrained(g, n, s);
          };
          const auto p = curve_numerator(gap_at);  // (n+1)^2 gap
          const Rational K = -sign * 2 * (1 - g) / (d + 4) + Rational(1, (d + 4) * (d + 4));
          const std::string where = fmt::format("{} gamma={} {}", label(d, s2), to_fraction(g), task_name(task));
          const Rational limit =
              curve_numerator([&](long n) { return value_only_aligned<F>(beta, g, n, task, s); }).coeff(2);
          if (limit != F::value_only_limit(g, task, s))
            return Outcome{Verdict::Fail, fmt::format("{}: limit {} vs closed form {}", where, show(limit),
                                                      show(F::value_only_limit(g, task, s)))};
          if (p.coeff(2) != K)
            return Outcome{Verdict::Fail,
                           fmt::format("{}: gap tends to {}, THEORY.md constant {}", where, show(p.coeff(2)), show(K))};
          // n (gap - K) = n (alpha n + beta0) / (n+1)^2 with alpha = p1 - 2K, beta0 = p0 - K,
          // so |n (gap - K)| <= |alpha| + |beta0| for every n >= 0, and -> alpha.
          const Rational alpha = p.coeff(1) - 2 * K, beta0 = p.coeff(0) - K;
          const Rational bound = abs_of(alpha) + abs_of(beta0);
          for (long n = 1; n <= 1'000'000; n *= 10) {
            const Rational scaled = Rational(n) * (gap_at(n) - K);
            if (abs_of(scaled) > bound)
              return Outcome{Verdict::Fail, fmt::format("{}: n (gap - K) = {} at n = {} exceeds {}", where,
                                                        show(scaled), n, show(bound))};
          }
          ++cases;
          if (d == 5 && s2 == Rational(1, 10) && g == Rational(10, 13))
            sanity += fmt::format("{}K = {} on {}, n (gap - K) -> {}", sanity.empty() ? "" : "; ", show(K),
                                  task == Task::Target ? "theta0" : "-theta0", show(alpha));
        }
  return Outcome{Verdict::Pass,
                 fmt::format("{} cases: gap -> K exactly and |n (gap - K)| <= |alpha| + |beta| for all n "
                             "(spot-checked exactly at n = 10^0..10^6); at d=5 gamma=10/13 s2=1/10: {}",
                             cases, sanity)};
}

template <class F>
Outcome c4_precision(const CheckContext&) {
  PrecisionAgreement acc;
  for (int d : kDims)
    for (const auto& s2 : noise_levels())
      for (Task task : {Task::Target, Task::Opposite})
        for (long n : {0L, 1L, 5L, 40L, 1000L})
          accumulate_precision(acc, [&]<class T>(std::type_identity<T>) {
            return value_only_aligned<F>(F::template beta_zero_shot<T>(d), from_rational<T>(Rational(10, 13)), n, task,
                                         setting_in<T>(d, s2));
          });
  return precision_outcome(acc);
}

template <class F>
Check c4_monte_carlo(int d) {
  return family_monte_carlo<F>(
      "C4", d, "Monte Carlo risk of V(b, 10/13), b = theta0/(d+4) + perp/10, agrees with R_v on +-theta0 (s2 = 1/2)",
      [](int dim) {
        return FamilySpec{FamilyKind::ValueOnly, Rational(10, 13), F::template beta_zero_shot<Rational>(dim),
                          dim >= 2 ? Rational(1, 10) : Rational(0)};
      });
}

template <class F = PaperFormulas>
Claim claim_c4() {
  Claim claim{
      "C4",
      "Value-only zero-shot fine-tuning keeps the ICL mechanism; the few-shot limit moves by O(1/d)",
      "V(theta0/(d+4), gamma) has zero-shot risk 2/(d+4) + s2 (pretrained: 1 + s2), and b = theta0/(d+4) is the "
      "zero-shot optimum over b. Its Q is the pretrained Q; as n grows its risk on +-theta0 tends to "
      "(1 - gamma -+ 1/(d+4))^2 + s2, so the gap to R_pre tends to the constant -+2(1-gamma)/(d+4) + 1/(d+4)^2 "
      "(not to zero), at rate O(1/n).",
      {"Q x-block = I after rescaling (Q, v) -> (Q/gamma, gamma v)", "unit task theta0; evaluation on +-theta0"},
      {}};
  claim.checks = {
      {"C4.zero_shot_risk", "R_v(theta0/(d+4), w; 0, theta0) = 2/(d+4) + s2 for every w (29/90 at d=5, s2=1/10)",
       zero_shot_risk<F>},
      {"C4.zero_shot_optimum", "b = theta0/(d+4) is a strict minimum of the zero-shot risk along theta0 and across it",
       zero_shot_optimum<F>},
      {"C4.limit_gap",
       "n (gap - K) is bounded for all n, K = -+2(1-gamma)/(d+4) + 1/(d+4)^2; the limit is (1 - gamma -+ 1/(d+4))^2 + "
       "s2",
       limit_gap<F>},
  };
  for (int d : kDims) claim.checks.push_back(c4_monte_carlo<F>(d));
  claim.checks.push_back({"C4.precision", "R_v: double vs 50 digits vs exact", c4_precision<F>});
  return claim;
}

}  // namespace
}  // namespace icl::theorems

// ---- statements for every n (claim P) ---------------------------------------------------------

namespace icl::prove {
namespace {

// (n+1)^2 R_v(beta theta0, w; n, +-theta0) = engine at V(beta theta0, w).
template <class F>
Statement cf_value_only() {
  return {"cf.R_v",
          "R_v(b, w; n, +-theta0) with b = beta theta0 is the exact risk of V(b, w), for all n, beta, w, s2, d",
          [](const ProofOptions& o) {
            const std::vector<GridAxis> axes{n_axis(n_degree<F>()), param_axis("beta", 0, 2), param_axis("w", 0, 2),
                                             s2_axis(1), d_axis(o)};
            std::vector<Proof> parts;
            for (Task task : {Task::Target, Task::Opposite})
              parts.push_back(prove_identity(
                  fmt::format("(n+1)^2 R_v = engine, {}", task_name(task)), axes,
                  [task](const GridPoint& x) {
                    const long n = as_long(x[0]);
                    return rows_squared(n) *
                           value_only_aligned<F>(x[1], x[2], n, task, Setting<Rational>{int(as_long(x[4])), x[3]});
                  },
                  [task](const GridPoint& x) {
                    const long n = as_long(x[0]);
                    const int d = int(as_long(x[4]));
                    const auto p = value_only_params(Vec<Rational>(x[1] * first_axis<Rational>(d)), x[2]);
                    return rows_squared(n) * exact::risk(p, axis_task(task, d), n, x[3]);
                  }));
            return all_of("(n+1)^2 R_v = engine on +-theta0 as a polynomial in n, beta, w, s2; " + all_d_text(axes[4]),
                          parts);
          }};
}

// C4: the limits of the value-only and pretrained risks and of their gap, times (d+4)^2.
template <class F>
Statement c4_limits() {
  return {
      "C4.limits",
      "as n -> infinity, R_v(V(theta0/(d+4), gamma); +-theta0) -> (1 - gamma -+ 1/(d+4))^2 + s2, R_pre -> (1-gamma)^2 "
      "+ s2, gap -> -+2(1-gamma)/(d+4) + 1/(d+4)^2 (-41/1053 and 67/1053 at d=5, gamma=10/13, s2=1/10)",
      [](const ProofOptions& o) {
        const std::vector<GridAxis> axes{param_axis("gamma", 0, 2), s2_axis(1), d_axis(o)};
        const auto setting = [](const GridPoint& x) { return Setting<Rational>{int(as_long(x[2])), x[1]}; };
        const auto lim_v = [](Task task, const Rational& gamma, const Setting<Rational>& s) {
          const Rational beta = F::template beta_zero_shot<Rational>(s.d);
          return numerator_in_n<F>([&](long n) { return value_only_aligned<F>(beta, gamma, n, task, s); }).coeff(2);
        };
        const auto lim_pre = [](const Rational& gamma, const Setting<Rational>& s) {
          return numerator_in_n<F>([&](long n) { return F::risk_pretrained(gamma, n, s); }).coeff(2);
        };
        const auto K = [](Task task, const Rational& gamma, int d) {
          return Rational(-2 * task_sign(task)) * (1 - gamma) / (d + 4) + Rational(1, (d + 4) * (d + 4));
        };
        const auto scale = [](const GridPoint& x) { return (x[2] + 4) * (x[2] + 4); };
        std::vector<Proof> parts{prove_identity(
            "lim R_pre = (1-gamma)^2 + s2", axes, [=](const GridPoint& x) { return lim_pre(x[0], setting(x)); },
            [](const GridPoint& x) { return (1 - x[0]) * (1 - x[0]) + x[1]; })};
        for (Task task : {Task::Target, Task::Opposite}) {
          parts.push_back(prove_identity(
              fmt::format("{}: (d+4)^2 lim R_v = (d+4)^2 value_only_limit", task_name(task)), axes,
              [=](const GridPoint& x) { return scale(x) * lim_v(task, x[0], setting(x)); },
              [=](const GridPoint& x) { return scale(x) * F::value_only_limit(x[0], task, setting(x)); }));
          parts.push_back(prove_identity(
              fmt::format("{}: (d+4)^2 (lim R_v - lim R_pre) = (d+4)^2 K", task_name(task)), axes,
              [=](const GridPoint& x) {
                return scale(x) * (lim_v(task, x[0], setting(x)) - lim_pre(x[0], setting(x)));
              },
              [=](const GridPoint& x) { return scale(x) * K(task, x[0], int(as_long(x[2]))); }));
        }
        const auto s = paper_setting();
        const Rational g(10, 13);
        const Rational k_plus = lim_v(Task::Target, g, s) - lim_pre(g, s);
        const Rational k_minus = lim_v(Task::Opposite, g, s) - lim_pre(g, s);
        parts.push_back(prove_identity(
            "K on theta0 at d=5 gamma=10/13 s2=1/10 = -41/1053", {}, [=](const GridPoint&) { return k_plus; },
            [](const GridPoint&) { return Rational(-41, 1053); }));
        parts.push_back(prove_identity(
            "K on -theta0 at d=5 gamma=10/13 s2=1/10 = 67/1053", {}, [=](const GridPoint&) { return k_minus; },
            [](const GridPoint&) { return Rational(67, 1053); }));
        return all_of(fmt::format("limits proved as polynomials in gamma, s2 (times (d+4)^2); {}; at d=5 "
                                  "gamma=10/13 s2=1/10: K = {} on theta0, {} on -theta0",
                                  all_d_text(axes[2]), show(k_plus), show(k_minus)),
                      parts);
      }};
}

// C4: the zero-shot risk of V(theta0/(d+4), w) is 2/(d+4) + s2 for every w (times d+4).
template <class F>
Statement c4_zero_shot() {
  return {"C4.zero_shot", "R_v(theta0/(d+4), w; 0, theta0) = 2/(d+4) + s2 for every w, s2, d",
          [](const ProofOptions& o) {
            const std::vector<GridAxis> axes{param_axis("w", 0, 2), s2_axis(1), d_axis(o)};
            return prove_identity(
                "(d+4) R_v(0) = 2 + (d+4) s2", axes,
                [](const GridPoint& x) {
                  const int d = int(as_long(x[2]));
                  return (x[2] + 4) * value_only_aligned<F>(F::template beta_zero_shot<Rational>(d), x[0], 0,
                                                            Task::Target, Setting<Rational>{d, x[1]});
                },
                [](const GridPoint& x) { return 2 + (x[2] + 4) * x[1]; });
          }};
}

// The value gradient of the zero-shot loss at V(theta0/(d+4), w): affine in w, <= 1 in s2.
template <class F>
Statement stat_b_zero_shot() {
  return {"stat.b_zero_shot", "the gradient over V of R(0, theta0) vanishes at V(theta0/(d+4), w) for every w and s2",
          [](const ProofOptions& o) {
            return for_each_d(o, "dR(0)/dV at b = theta0/(d+4) is 0 for all w, s2", [](int d) {
              const Vec<Rational> b = F::template beta_zero_shot<Rational>(d) * first_axis<Rational>(d);
              return prove_vanishing(fmt::format("d={}: dR(0)/dV", d), {param_axis("w", 0, 1), s2_axis(1)},
                                     [d, b](const GridPoint& x) {
                                       const exact::Objective<Rational> zs{x[1], {{1, 0, axis_task(Task::Target, d)}}};
                                       return gradient_at(zs, value_only_params(b, x[0]), exact::Update::Value);
                                     });
            });
          }};
}

}  // namespace
}  // namespace icl::prove

// ---- mutants ----------------------------------------------------------------------------------

namespace icl::theorems {
namespace {

using closed_form::ValueOnlyGeometry;
using mutants::through_float;

struct ValueOnlyD3 : PaperFormulas {
  static constexpr const char* name = "R_v with (d+2)(d+3) ||b||^2";
  static constexpr const char* claim = "C4";
  template <class T>
  static T risk_value_only(const ValueOnlyGeometry<T>& g, long n, const Setting<T>& s) {
    const T N = T(n + 1);
    return PaperFormulas::risk_value_only(g, n, s) - T(s.d + 2) * g.b_norm2 / (N * N);
  }
};
struct ValueOnlyNoNoise : PaperFormulas {
  static constexpr const char* name = "R_v without the w^2 n d s2 term";
  static constexpr const char* claim = "C4";
  template <class T>
  static T risk_value_only(const ValueOnlyGeometry<T>& g, long n, const Setting<T>& s) {
    const T N = T(n + 1);
    return PaperFormulas::risk_value_only(g, n, s) - g.w * g.w * T(n) * T(s.d) * s.s2 / (N * N);
  }
};
struct ValueOnlyOffByOneN : PaperFormulas {
  static constexpr const char* name = "R_v with N = n + 2 in the linear term";
  static constexpr const char* claim = "C4";
  template <class T>
  static T risk_value_only(const ValueOnlyGeometry<T>& g, long n, const Setting<T>& s) {
    const T lin = T(n) * (g.b_dot_theta + g.w) + T(s.d + 2) * g.b_dot_theta;
    return PaperFormulas::risk_value_only(g, n, s) + T(2) * lin / T(n + 1) - T(2) * lin / T(n + 2);
  }
};
struct BetaD3 : PaperFormulas {
  static constexpr const char* name = "zero-shot optimum b = theta0/(d+3)";
  static constexpr const char* claim = "C4";
  template <class T>
  static T beta_zero_shot(int d) {
    return T(1) / T(d + 3);
  }
};
struct LimitSignFlip : PaperFormulas {
  static constexpr const char* name = "value-only limit (1 - w +- 1/(d+4))^2 with the sign flipped";
  static constexpr const char* claim = "C4";
  template <class T>
  static T value_only_limit(const T& w, Task task, const Setting<T>& s) {
    return PaperFormulas::value_only_limit(w, task == Task::Target ? Task::Opposite : Task::Target, s);
  }
};
struct ValueOnlyThroughFloat : PaperFormulas {
  static constexpr const char* name = "R_v through a float intermediate in double";
  static constexpr const char* claim = "C4";
  template <class T>
  static T risk_value_only(const ValueOnlyGeometry<T>& g, long n, const Setting<T>& s) {
    return through_float(PaperFormulas::risk_value_only(g, n, s));
  }
};

std::vector<MutantCase> c4_mutants() {
  auto cases =
      mutant_cases<ValueOnlyD3, ValueOnlyNoNoise, ValueOnlyOffByOneN, BetaD3, LimitSignFlip, ValueOnlyThroughFloat>(
          []<class M>(std::type_identity<M>) { return claim_c4<M>(); });
  using namespace prove;
  for (auto proof :
       {proof_mutant<ValueOnlyD3>({cf_value_only<ValueOnlyD3>, c4_zero_shot<ValueOnlyD3>}),
        proof_mutant<ValueOnlyNoNoise>({cf_value_only<ValueOnlyNoNoise>}),
        proof_mutant<ValueOnlyOffByOneN>({cf_value_only<ValueOnlyOffByOneN>, c4_limits<ValueOnlyOffByOneN>}),
        proof_mutant<BetaD3>({c4_zero_shot<BetaD3>, stat_b_zero_shot<BetaD3>}),
        proof_mutant<LimitSignFlip>({c4_limits<LimitSignFlip>})})
    cases.push_back(proof);
  return cases;
}

}  // namespace

ClaimFile c4_value_only() {
  return {claim_c4<PaperFormulas>, c4_mutants, [] {
            using namespace prove;
            return std::vector<Statement>{cf_value_only<PaperFormulas>(), c4_limits<PaperFormulas>(),
                                          c4_zero_shot<PaperFormulas>(), stat_b_zero_shot<PaperFormulas>()};
          }};
}

}  // namespace icl::theorems
