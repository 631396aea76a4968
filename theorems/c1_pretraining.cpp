// Claim C1: pretraining. THEORY.md section 4, docs/derivations.md#3-pretrained-family-pgamma.
// Its checks (templates on the formula policy F), the mutants they must kill, and its statements
// for every n (claim P).
#include "prove/statements.hpp"
#include "prove/stationarity.hpp"
#include "theorems/common.hpp"
#include "theorems/theorems.hpp"
#include "verify/mutants.hpp"

namespace icl::theorems {
namespace {

// ---- checks -----------------------------------------------------------------------------------

template <class F>
Outcome gamma_star_stationary(const CheckContext&) {
  std::vector<StationaryCase> cases;
  for (int d : kDims)
    for (const auto& s2 : noise_levels())
      for (long m : {1L, 5L, 20L}) {
        const auto s = setting_in<Rational>(d, s2);
        cases.push_back({fmt::format("{} m={}", label(d, s2), m),
                         [s, m](const Rational& g) { return F::risk_pretrained(g, m, s); }, F::gamma_star(m, s), 2});
      }
  return all_stationary_minima(cases, "R_pre at gamma*(m)");
}

template <class F>
Outcome icl_threshold(const CheckContext&) {
  int cases = 0;
  for (int d : kDims)
    for (const auto& s2 : noise_levels())
      for (const Rational& g :
           {Rational(1, 10), Rational(10, 13), Rational(42, 53), Rational(3, 2), Rational(19, 10)}) {
        const auto s = setting_in<Rational>(d, s2);
        const Rational threshold = F::icl_threshold(g, s);
        for (long n = 1; n <= 200; ++n, ++cases) {
          const bool helps = F::risk_pretrained(g, n, s) < 1 + s2;
          if (helps != (Rational(n + 1) > threshold))
            return Outcome{Verdict::Fail,
                           fmt::format("{} gamma={} n={}: prompt {} but threshold {} says otherwise", label(d, s2),
                                       to_fraction(g), n, helps ? "helps" : "does not help", show(threshold))};
        }
      }
  return Outcome{Verdict::Pass, fmt::format("sign of R_pre - (1+s2) matches the threshold exactly in {} cases "
                                            "(n = 1..200, 5 gammas, 3 d, 3 s2)",
                                            cases)};
}

template <class F>
Outcome notebook_threshold(const CheckContext&) {
  const auto s = sanity_setting();
  const Rational value = F::icl_threshold(Rational(10, 13), s) - 1;
  const Outcome eq =
      all_equal({{"gamma=10/13 d=5 s2=1/10", value, Rational(39, 16)}}, "threshold - 1 against the notebook's 2.4375");
  if (eq.verdict == Verdict::Fail) return eq;
  return Outcome{Verdict::Pass, fmt::format("{} = {} exactly, so the prompt helps from n = 3 shots",
                                            "d gamma (1+s2)/(2-gamma) - 1", show(value))};
}

template <class F>
Outcome classical_convention(const CheckContext&) {
  std::vector<IdentityCase> cases;
  std::vector<StationaryCase> minima;
  for (int d : kDims)
    for (long m : {1L, 5L, 20L, 1000L}) {
      const Setting<Rational> noiseless{d, Rational(0)};
      cases.push_back({fmt::format("d={} m={}", d, m), F::gamma_star_classical(m, noiseless),
                       closed_form::gamma_authors<Rational>(m, d)});
      for (const auto& s2 : noise_levels()) {
        const auto s = setting_in<Rational>(d, s2);
        minima.push_back({fmt::format("{} m={}", label(d, s2), m),
                          [s, m](const Rational& g) { return F::risk_pretrained_classical(g, m, s); },
                          F::gamma_star_classical(m, s), 2});
      }
    }
  const Outcome stat = all_stationary_minima(minima, "classical R_pre at its gamma*");
  if (stat.verdict == Verdict::Fail) return stat;
  const Outcome eq = all_equal(cases, "classical gamma*(m) at s2=0 vs m/(m+1+d)");
  if (eq.verdict == Verdict::Fail) return eq;
  return Outcome{Verdict::Pass, stat.evidence + "; " + eq.evidence};
}

template <class F>
Outcome authors_constant(const CheckContext&) {
  const auto s = sanity_setting();
  const long m = 20;
  const Rational g_star = F::gamma_star(m, s);
  const Rational g_auth = closed_form::gamma_authors<Rational>(m, s.d);
  const Rational gap = F::risk_pretrained(g_auth, m, s) - F::risk_pretrained(g_star, m, s);
  const std::string ev = fmt::format(
      "gamma*(20) = {} (query-included optimum) vs authors {} (classical, noiseless optimum); excess m-shot "
      "risk of the authors' constant = {} (relative {})",
      show(g_star), show(g_auth), show(gap), sci(to_double(Rational(gap / F::risk_pretrained(g_star, m, s)))));
  if (gap < 0) return Outcome{Verdict::Fail, "authors' constant beats gamma*: " + ev};
  return Outcome{g_star == g_auth ? Verdict::Pass : Verdict::Note, ev};
}

template <class F>
Outcome monte_carlo_classical(const CheckContext& ctx) {
  const int d = 5;
  const auto params = pretrained_params<double>(d, 10.0 / 13.0);
  const Setting<double> s{d, 0.1};
  const Placement<double> pl = mc_placement(d);
  std::vector<McCase> cases;
  for (long n : {1L, 2L, 5L, 20L, 40L}) {
    const sim::McOptions opt{ctx.mc_samples, case_seed(ctx, 900 + static_cast<std::uint64_t>(n)), ctx.threads};
    const TrustedValue exact = trusted_value([&]<class T>(std::type_identity<T>) {
      return F::risk_pretrained_classical(T(10) / T(13), n, setting_in<T>(d, Rational(1, 10)));
    });
    cases.push_back({fmt::format("classical n={}", n), exact.value,
                     sim::mc_risk(params, sim::TaskSpec::fixed(pl.theta0), n, s.s2, opt, Convention::Classical),
                     exact.double_vs_50});
  }
  return all_within_z(cases, ctx);
}

template <class F>
Outcome c1_precision(const CheckContext&) {
  PrecisionAgreement acc;
  for (int d : kDims)
    for (const auto& s2 : noise_levels())
      for (long n : {0L, 1L, 5L, 20L, 40L, 1000L}) {
        accumulate_precision(acc, [&]<class T>(std::type_identity<T>) {
          return F::risk_pretrained(from_rational<T>(Rational(10, 13)), n, setting_in<T>(d, s2));
        });
        accumulate_precision(acc,
                             [&]<class T>(std::type_identity<T>) { return F::gamma_star(n, setting_in<T>(d, s2)); });
      }
  return precision_outcome(acc);
}

template <class F>
Check c1_monte_carlo(int d) {
  return family_monte_carlo<F>("C1", d, "Monte Carlo risk of P(10/13) agrees with R_pre on +-theta0 (s2 = 1/2)",
                               [](int) {
                                 return FamilySpec{FamilyKind::Pretrained, Rational(10, 13), Rational(0)};
                               });
}

template <class F = PaperFormulas>
Claim claim_c1() {
  Claim claim{"C1",
              "Pretraining: P(gamma*(m)) minimizes the m-shot risk; the prompt helps only past a threshold",
              "For m >= 1, gamma*(m) = (m+1)/(m+1+d(1+s2)) minimizes R_pre(gamma; m) = 1 + s2 - 2 gamma n/N + "
              "gamma^2 n (n+d+1+d s2)/N^2 (query-included convention, N = n+1). For n >= 1 and 0 < gamma < 2, "
              "R_pre(gamma; n) < 1 + s2 iff n + 1 > d gamma (1+s2)/(2-gamma). The authors' m/(m+1+d) is the optimum "
              "of the classical convention (divide by n) without noise, not of the query-included one.",
              {"x ~ N(0, I_d), theta uniform on the unit sphere or any unit theta",
               "labels y = theta.x + eps, eps ~ N(0, s2)", "one layer, one head, merged (V, Q)"},
              {}};
  claim.checks = {
      {"C1.gamma_star_stationary", "dR_pre/dgamma = 0 exactly at gamma*(m), with R_pre'' > 0",
       gamma_star_stationary<F>},
      {"C1.icl_threshold", "for n >= 1: R_pre(gamma; n) < 1 + s2 iff n + 1 > d gamma (1+s2)/(2-gamma)",
       icl_threshold<F>},
      {"C1.notebook_threshold", "the authors' notebook: d gamma (1+s2)/(2-gamma) - 1 = 2.4375", notebook_threshold<F>},
      {"C1.classical_convention", "m/(m+1+d) is the minimizer of the classical-convention risk with s2 = 0",
       classical_convention<F>},
      {"C1.authors_constant", "gamma*(m) against the authors' m/(m+1+d) at m = 20, d = 5, s2 = 1/10",
       authors_constant<F>},
  };
  for (int d : kDims) claim.checks.push_back(c1_monte_carlo<F>(d));
  claim.checks.insert(
      claim.checks.end(),
      {
          {"C1.monte_carlo.classical", "Monte Carlo of the classical convention agrees with its closed form (d = 5)",
           monte_carlo_classical<F>},
          {"C1.precision", "R_pre and gamma*: double vs 50 digits vs exact", c1_precision<F>},
      });
  return claim;
}

}  // namespace
}  // namespace icl::theorems

// ---- statements for every n (claim P) ---------------------------------------------------------

namespace icl::prove {
namespace {

// (n+1)^2 R_pre(gamma; n) = (n+1)^2 R_engine(P(gamma); n, task) for task theta0 and the sphere.
template <class F>
Statement cf_pretrained() {
  return {"cf.R_pre",
          "R_pre(gamma; n) is the exact risk of P(gamma) on theta0 and on the sphere, for all n, gamma, s2, d",
          [](const ProofOptions& o) {
            const std::vector<GridAxis> axes{n_axis(n_degree<F>()), param_axis("gamma", 0, 2), s2_axis(1), d_axis(o)};
            const auto formula = [](const GridPoint& x) {
              const long n = as_long(x[0]);
              return rows_squared(n) * F::risk_pretrained(x[1], n, Setting<Rational>{int(as_long(x[3])), x[2]});
            };
            std::vector<Proof> parts;
            for (bool sphere : {false, true})
              parts.push_back(prove_identity(
                  sphere ? "(n+1)^2 R_pre = engine, sphere" : "(n+1)^2 R_pre = engine, theta0", axes, formula,
                  [sphere](const GridPoint& x) {
                    const long n = as_long(x[0]);
                    const int d = int(as_long(x[3]));
                    const auto task = sphere ? exact::TaskLaw<Rational>::sphere() : axis_task(Task::Target, d);
                    return rows_squared(n) * exact::risk(pretrained_params(d, x[1]), task, n, x[2]);
                  }));
            return all_of("(n+1)^2 R_pre = engine on theta0 and the sphere; " + all_d_text(axes[3]), parts);
          }};
}

// C1: (n+1)^2 (R_pre - (1+s2)) = gamma n (2-gamma) (T(gamma) - (n+1)), T = d gamma (1+s2)/(2-gamma).
template <class F>
Statement c1_threshold() {
  return {"C1.threshold", "for n >= 1 and 0 < gamma < 2: R_pre(gamma; n) < 1 + s2 iff n + 1 > d gamma (1+s2)/(2-gamma)",
          [](const ProofOptions& o) {
            const std::vector<GridAxis> axes{GridAxis{"n", 1, 1, n_degree<F>(), n_degree<F>() + 4},
                                             GridAxis{"gamma", Rational(1, 7), Rational(1, 7), 2, 6}, s2_axis(1),
                                             d_axis(o)};
            const auto setting = [](const GridPoint& x) { return Setting<Rational>{int(as_long(x[3])), x[2]}; };
            const Proof factor = prove_identity(
                "(n+1)^2 (R_pre - 1 - s2) = gamma n (2 - gamma) (T - (n+1))", axes,
                [setting](const GridPoint& x) {
                  const long n = as_long(x[0]);
                  return rows_squared(n) * (F::risk_pretrained(x[1], n, setting(x)) - 1 - x[2]);
                },
                [setting](const GridPoint& x) {
                  return x[1] * x[0] * (2 - x[1]) * (F::icl_threshold(x[1], setting(x)) - x[0] - 1);
                });
            const Rational notebook = F::icl_threshold(Rational(10, 13), Setting<Rational>{5, Rational(1, 10)}) - 1;
            const Proof value = prove_identity(
                "d gamma (1+s2)/(2-gamma) - 1 at gamma=10/13 d=5 s2=1/10 = 39/16", {},
                [notebook](const GridPoint&) { return notebook; }, [](const GridPoint&) { return Rational(39, 16); });
            return all_of(
                fmt::format("factorization proved, so the sign of R_pre - (1+s2) is that of T - (n+1) (gamma n "
                            "(2-gamma) > 0); notebook value T - 1 = {}; {}",
                            show(notebook), all_d_text(axes[3])),
                {factor, value});
          }};
}

// The full gradient of the sphere-averaged m-shot risk at P(gamma*(m)). Numerator degree in m:
// (m+1)^2 grad is <= 2 in m and <= 2 in gamma, gamma* = (m+1)/(m+1+d(1+s2)): <= 4.
template <class F>
Statement stat_gamma_star() {
  return {
      "stat.gamma_star", "the gradient over all of (V, Q) of R(m, sphere) vanishes at P(gamma*(m)) for every m >= 1",
      [](const ProofOptions& o) {
        return for_each_d(o, "gradient over all (V, Q) at P(gamma*(m)) is 0 for all m, s2 in {0, 1/10}", [](int d) {
          std::vector<Proof> parts;
          for (const Rational& s2 : {Rational(0), Rational(1, 10)})
            parts.push_back(prove_vanishing(
                fmt::format("d={} s2={}: grad R(m, sphere) at P(gamma*(m))", d, to_fraction(s2)),
                {GridAxis{"m", 1, 1, 4, 8}}, [d, s2](const GridPoint& x) {
                  const long m = as_long(x[0]);
                  const Rational g = F::gamma_star(m, Setting<Rational>{d, s2});
                  const exact::Objective<Rational> obj{s2, {{1, m, exact::TaskLaw<Rational>::sphere()}}};
                  return Vec<Rational>(rows_squared(m) * gradient_at(obj, pretrained_params(d, g), exact::Update::All));
                }));
          return all_of("", parts);
        });
      }};
}

// A mutant of the proofs themselves: a wrong degree bound in n.
struct DegreeBoundOne : PaperFormulas {
  static constexpr const char* name = "(n+1)^2 R(n) claimed of degree <= 1 in n";
  static constexpr int proof_n_degree = 1;
};

}  // namespace
}  // namespace icl::prove

// ---- mutants ----------------------------------------------------------------------------------

namespace icl::theorems {
namespace {

using mutants::through_float;

struct PretrainedOffByOneN : PaperFormulas {  // N = n + 2
  static constexpr const char* name = "R_pre with N = n + 2";
  static constexpr const char* claim = "C1";
  template <class T>
  static T risk_pretrained(const T& g, long n, const Setting<T>& s) {
    const T N = T(n + 2);
    return T(1) + s.s2 - T(2) * g * T(n) / N + g * g * T(n) * (T(n + s.d + 1) + T(s.d) * s.s2) / (N * N);
  }
};
struct PretrainedNoNoise : PaperFormulas {  // drops the d s2 term
  static constexpr const char* name = "R_pre without the noise term d s2";
  static constexpr const char* claim = "C1";
  template <class T>
  static T risk_pretrained(const T& g, long n, const Setting<T>& s) {
    const T N = T(n + 1);
    return T(1) + s.s2 - T(2) * g * T(n) / N + g * g * T(n) * T(n + s.d + 1) / (N * N);
  }
};
struct GammaStarNoNoise : PaperFormulas {
  static constexpr const char* name = "gamma* = (m+1)/(m+1+d)";
  static constexpr const char* claim = "C1";
  template <class T>
  static T gamma_star(long m, const Setting<T>& s) {
    return T(m + 1) / T(m + 1 + s.d);
  }
};
struct GammaStarOffByOne : PaperFormulas {
  static constexpr const char* name = "gamma* = m/(m + d(1+s2))";
  static constexpr const char* claim = "C1";
  template <class T>
  static T gamma_star(long m, const Setting<T>& s) {
    return T(m) / (T(m) + T(s.d) * (T(1) + s.s2));
  }
};
struct GammaStarNumeratorM : PaperFormulas {
  static constexpr const char* name = "gamma* = m/(m+1+d(1+s2)) (m for m+1 in the numerator)";
  static constexpr const char* claim = "C1";
  template <class T>
  static T gamma_star(long m, const Setting<T>& s) {
    return T(m) / (T(m + 1) + T(s.d) * (T(1) + s.s2));
  }
};
struct ThresholdWrongDenominator : PaperFormulas {
  static constexpr const char* name = "ICL threshold with (1 - gamma) for (2 - gamma)";
  static constexpr const char* claim = "C1";
  template <class T>
  static T icl_threshold(const T& g, const Setting<T>& s) {
    return T(s.d) * g * (T(1) + s.s2) / (T(1) - g);
  }
};
struct ClassicalOffByOne : PaperFormulas {
  static constexpr const char* name = "classical gamma* = m/(m+d+d s2)";
  static constexpr const char* claim = "C1";
  template <class T>
  static T gamma_star_classical(long m, const Setting<T>& s) {
    return T(m) / (T(m + s.d) + T(s.d) * s.s2);
  }
};
struct ClassicalIsQueryIncluded : PaperFormulas {
  static constexpr const char* name = "classical R_pre = the query-included R_pre (conventions confused)";
  static constexpr const char* claim = "C1";
  template <class T>
  static T risk_pretrained_classical(const T& g, long n, const Setting<T>& s) {
    return PaperFormulas::risk_pretrained(g, n, s);
  }
};
struct PretrainedThroughFloat : PaperFormulas {
  static constexpr const char* name = "R_pre through a float intermediate in double";
  static constexpr const char* claim = "C1";
  template <class T>
  static T risk_pretrained(const T& g, long n, const Setting<T>& s) {
    return through_float(PaperFormulas::risk_pretrained(g, n, s));
  }
};

std::vector<MutantCase> c1_mutants() {
  auto cases =
      mutant_cases<PretrainedOffByOneN, PretrainedNoNoise, GammaStarNoNoise, GammaStarOffByOne, GammaStarNumeratorM,
                   ThresholdWrongDenominator, ClassicalOffByOne, ClassicalIsQueryIncluded, PretrainedThroughFloat>(
          []<class M>(std::type_identity<M>) { return claim_c1<M>(); });
  using namespace prove;
  for (auto proof :
       {proof_mutant<PretrainedOffByOneN>({cf_pretrained<PretrainedOffByOneN>, c1_threshold<PretrainedOffByOneN>}),
        proof_mutant<PretrainedNoNoise>({cf_pretrained<PretrainedNoNoise>, c1_threshold<PretrainedNoNoise>}),
        proof_mutant<ThresholdWrongDenominator>({c1_threshold<ThresholdWrongDenominator>}),
        proof_mutant<GammaStarNoNoise>({stat_gamma_star<GammaStarNoNoise>}),
        proof_mutant<GammaStarOffByOne>({stat_gamma_star<GammaStarOffByOne>}),
        proof_mutant<DegreeBoundOne>({cf_pretrained<DegreeBoundOne>, c1_threshold<DegreeBoundOne>})})
    cases.push_back(proof);
  return cases;
}

}  // namespace

ClaimFile c1_pretraining() {
  return {claim_c1<PaperFormulas>, c1_mutants, [] {
            using namespace prove;
            return std::vector<Statement>{cf_pretrained<PaperFormulas>(), c1_threshold<PaperFormulas>(),
                                          stat_gamma_star<PaperFormulas>()};
          }};
}

}  // namespace icl::theorems
