// Claim C2: full zero-shot fine-tuning degrades ICL. THEORY.md section 4,
// docs/derivations.md#4-full-zero-shot-fine-tuning-family-fc. Its checks (templates on the formula
// policy F), the mutants they must kill, and its statements for every n (claim P).
#include "poly/poly.hpp"
#include "prove/statements.hpp"
#include "theorems/common.hpp"
#include "theorems/theorems.hpp"
#include "verify/mutants.hpp"

namespace icl::theorems {
namespace {

// n -> R_F(c; n, task) - R_pre(gamma; n), exactly.
template <class F>
std::function<Rational(long)> full_ft_gap(const Rational& c, const Rational& gamma, Task task,
                                          const Setting<Rational>& s) {
  return [=](long n) { return F::risk_full_ft(c, n, task, s) - F::risk_pretrained(gamma, n, s); };
}

// The C2 cases: c, gamma, d, s2.
struct FullFtCase {
  Rational c, gamma;
  int d;
  Rational s2;
  std::string label() const {
    return fmt::format("c={} gamma={} d={} s2={}", to_fraction(c), to_fraction(gamma), d, to_fraction(s2));
  }
};

inline std::vector<FullFtCase> full_ft_cases() {
  std::vector<FullFtCase> out;
  for (const Rational& c : {Rational(3, 10), Rational(1), Rational(3), Rational(-2), Rational(100)})
    for (const auto& g : paper_gammas())
      for (int d : kDims)
        for (const Rational& s2 : {Rational(0), Rational(1, 10)}) out.push_back({c, g, d, s2});
  return out;
}

// The exact sign of the gap at n = 0..checked_up_to agrees with the runs computed from the polynomial.
inline bool runs_match_direct(const std::vector<SignRun>& runs, const std::function<Rational(long)>& gap,
                              long checked_up_to) {
  for (long n = 0; n <= checked_up_to; ++n) {
    const Rational g = gap(n);
    const int sign = g > 0 ? 1 : (g < 0 ? -1 : 0);
    for (const auto& r : runs)
      if (n >= r.lo && (!r.hi || n <= *r.hi) && r.sign != sign) return false;
  }
  return true;
}

// ---- checks -----------------------------------------------------------------------------------

template <class F>
Outcome zero_shot_optimal(const CheckContext&) {
  std::vector<IdentityCase> cases;
  for (int d : kDims)
    for (const auto& s2 : noise_levels())
      for (const Rational& c : {Rational(-2), Rational(1, 3), Rational(1), Rational(3), Rational(100)})
        cases.push_back({fmt::format("{} c={}", label(d, s2), to_fraction(c)),
                         F::risk_full_ft(c, 0, Task::Target, setting_in<Rational>(d, s2)), s2});
  return all_equal(cases, "zero-shot risk of F(c) vs s2");
}

template <class F>
Outcome worse_from_n0_target(const CheckContext&) {
  std::string sanity;
  for (const auto& k : full_ft_cases()) {
    const Setting<Rational> s{k.d, k.s2};
    const auto gap = full_ft_gap<F>(k.c, k.gamma, Task::Target, s);
    const auto p = curve_numerator(gap);  // (n+1)^2 gap, degree <= 2
    // Structure of THEORY.md: leading c^2 gamma (2-gamma) / c^2, constant -c^2 / c^2.
    if (p.coeff(2) != k.gamma * (2 - k.gamma) || p.coeff(0) != -1)
      return Outcome{Verdict::Fail,
                     fmt::format("{}: gap polynomial {} n^2 + ... + {} is not gamma(2-gamma) n^2 + b1 n - 1", k.label(),
                                 show(p.coeff(2)), show(p.coeff(0)))};
    const auto runs = integer_sign_runs(p);
    const auto n0 = sign_holds_from(runs, 1);
    if (!n0 || describe_runs(runs, 1) != fmt::format("[{}, inf)", *n0))
      return Outcome{Verdict::Fail, fmt::format("{}: worse set is {}, not a tail", k.label(), describe_runs(runs, 1))};
    if (!runs_match_direct(runs, gap, 60))
      return Outcome{Verdict::Fail, k.label() + ": polynomial sign runs disagree with direct evaluation"};
    if (k.c == 1 && k.gamma == Rational(10, 13) && k.d == 5 && k.s2 == Rational(1, 10)) {
      if (*n0 != 2) return Outcome{Verdict::Fail, fmt::format("sanity case: n0 = {}, THEORY.md says 2", *n0)};
      sanity = fmt::format("n0 = {} at c=1 gamma=10/13 d=5 s2=1/10 (b1 = {})", *n0, show(p.coeff(1) * k.c * k.c));
    }
  }
  return Outcome{Verdict::Pass, fmt::format("worse set is exactly {{n >= n0}} with gap leading gamma(2-gamma), "
                                            "constant -c^2, in {} cases; {}",
                                            full_ft_cases().size(), sanity)};
}

template <class F>
Outcome worse_outside_range_opposite(const CheckContext&) {
  std::string sanity;
  for (const auto& k : full_ft_cases()) {
    const Setting<Rational> s{k.d, k.s2};
    const auto gap = full_ft_gap<F>(k.c, k.gamma, Task::Opposite, s);
    const auto p = curve_numerator(gap);  // (n+1)^2 gap, degree <= 2
    if (p.coeff(0) <= 0 || p.coeff(2) <= 0)
      return Outcome{Verdict::Fail, fmt::format("{}: gap polynomial has leading {} and constant {} (both must be > 0)",
                                                k.label(), show(p.coeff(2)), show(p.coeff(0)))};
    const auto runs = integer_sign_runs(p);
    if (!sign_holds_from(runs, 1) || runs.front().sign != 1)
      return Outcome{Verdict::Fail, fmt::format("{}: worse set {} is not 'all n outside a bounded range'", k.label(),
                                                describe_runs(runs, 1))};
    if (!runs_match_direct(runs, gap, 60))
      return Outcome{Verdict::Fail, k.label() + ": polynomial sign runs disagree with direct evaluation"};
    if (k.c == 1 && k.gamma == Rational(10, 13) && k.d == 5 && k.s2 == Rational(1, 10))
      sanity = fmt::format("at c=1 gamma=10/13 d=5 s2=1/10 worse for n in {}, not worse for n in {}",
                           describe_runs(runs, 1), describe_runs(runs, -1));
  }
  return Outcome{Verdict::Pass, fmt::format("constant term > 0 and worse set co-bounded in {} cases; {}",
                                            full_ft_cases().size(), sanity)};
}

template <class F>
Outcome collapse_limit(const CheckContext&) {
  std::vector<IdentityCase> cases;
  for (const auto& k : full_ft_cases())
    for (Task task : {Task::Target, Task::Opposite}) {
      const Setting<Rational> s{k.d, k.s2};
      const auto p = curve_numerator([&](long n) { return F::risk_full_ft(k.c, n, task, s); });
      cases.push_back({k.label() + " " + task_name(task), p.coeff(2), 1 + k.s2});
    }
  return all_equal(cases, "lim R_F = leading coefficient of (n+1)^2 R_F vs 1 + s2");
}

template <class F>
Outcome c2_precision(const CheckContext&) {
  PrecisionAgreement acc;
  for (const auto& k : full_ft_cases())
    for (Task task : {Task::Target, Task::Opposite})
      for (long n : {0L, 1L, 5L, 40L, 1000L})
        accumulate_precision(acc, [&]<class T>(std::type_identity<T>) {
          return F::risk_full_ft(from_rational<T>(k.c), n, task, setting_in<T>(k.d, k.s2));
        });
  return precision_outcome(acc);
}

template <class F>
Check c2_monte_carlo(int d) {
  return family_monte_carlo<F>("C2", d, "Monte Carlo risk of F(1/2) agrees with R_F on +-theta0 (s2 = 1/2)", [](int) {
    return FamilySpec{FamilyKind::FullFt, Rational(1, 2), Rational(0)};
  });
}

template <class F = PaperFormulas>
Claim claim_c2() {
  Claim claim{
      "C2",
      "Full zero-shot fine-tuning attains the zero-shot optimum and degrades ICL",
      "Every F(c) (v = (0, c theta0, 1), Q[0,0] = 1/c) has zero-shot risk s2. On theta0, c^2 (n+1)^2 (R_F - R_pre) "
      "= c^2 gamma (2-gamma) n^2 + b1 n - c^2, so F(c) is worse than P(gamma) exactly for n >= n0; on -theta0 the "
      "constant term is positive, so it is worse for every n outside a bounded (possibly empty) range. Both risks "
      "tend to 1 + s2: the prompt no longer helps.",
      {"c != 0, 0 < gamma < 2", "x ~ N(0, I_d), task theta0 (unit) or -theta0, noise s2 >= 0"},
      {}};
  claim.checks = {
      {"C2.zero_shot_optimal", "R_F(c; 0, theta0) = s2 for every c", zero_shot_optimal<F>},
      {"C2.worse_from_n0.target",
       "on theta0, F(c) is worse than P(gamma) exactly for n >= n0 (n0 = 2 at c=1, gamma=10/13, d=5, s2=1/10)",
       worse_from_n0_target<F>},
      {"C2.worse_outside_range.opposite", "on -theta0, F(c) is worse than P(gamma) for every n outside a bounded range",
       worse_outside_range_opposite<F>},
      {"C2.collapse_limit", "R_F(c; n, +-theta0) -> 1 + s2 as n -> infinity", collapse_limit<F>},
  };
  for (int d : kDims) claim.checks.push_back(c2_monte_carlo<F>(d));
  claim.checks.push_back({"C2.precision", "R_F: double vs 50 digits vs exact", c2_precision<F>});
  return claim;
}

}  // namespace
}  // namespace icl::theorems

// ---- statements for every n (claim P) ---------------------------------------------------------

namespace icl::prove {
namespace {

// (n+1)^2 R_zs(c; n, +-) = engine at F(c), in the variable u = 1/c (the risk is quadratic in 1/c).
template <class F>
Statement cf_full_ft() {
  return {
      "cf.R_zs", "R_zs(c; n, +-theta0) is the exact risk of F(c), for all n, c != 0, s2, d", [](const ProofOptions& o) {
        const std::vector<GridAxis> axes{n_axis(n_degree<F>()), param_axis("u", 1, 2), s2_axis(1), d_axis(o)};
        std::vector<Proof> parts;
        for (Task task : {Task::Target, Task::Opposite})
          parts.push_back(prove_identity(
              fmt::format("(n+1)^2 R_zs = engine, {}, u = 1/c", task_name(task)), axes,
              [task](const GridPoint& x) {
                const long n = as_long(x[0]);
                return rows_squared(n) *
                       F::risk_full_ft(Rational(1 / x[1]), n, task, Setting<Rational>{int(as_long(x[3])), x[2]});
              },
              [task](const GridPoint& x) {
                const long n = as_long(x[0]);
                const int d = int(as_long(x[3]));
                const auto p = full_ft_params(first_axis<Rational>(d), Rational(1 / x[1]));
                return rows_squared(n) * exact::risk(p, axis_task(task, d), n, x[2]);
              }));
        return all_of("(n+1)^2 R_zs = engine on +-theta0 as a polynomial in n, 1/c, s2; " + all_d_text(axes[3]), parts);
      }};
}

// The closed-form gap (n+1)^2 (R_F(1/u; n, task) - R_pre(gamma; n)) as a polynomial in n.
template <class F>
Polynomial<Rational> full_ft_gap(const Rational& u, const Rational& gamma, Task task, const Setting<Rational>& s) {
  return numerator_in_n<F>(
      [&](long n) { return F::risk_full_ft(Rational(1 / u), n, task, s) - F::risk_pretrained(gamma, n, s); });
}

inline std::vector<GridAxis> u_gamma_s2_d(const ProofOptions& o) {
  return {param_axis("u", 1, 2), param_axis("gamma", 0, 2), s2_axis(1), d_axis(o)};
}

// C2 structure: on theta0 the gap polynomial is gamma(2-gamma) n^2 + b1 n - 1; on -theta0 its constant is 3.
template <class F>
Statement c2_structure() {
  return {
      "C2.worse_sets",
      "F(c) is worse than P(gamma) exactly for n >= n0 on theta0, and for every n outside a bounded range on -theta0",
      [](const ProofOptions& o) {
        const auto axes = u_gamma_s2_d(o);
        const auto gap_coeff = [](Task task, int k) {
          return [task, k](const GridPoint& x) {
            return full_ft_gap<F>(x[0], x[1], task, Setting<Rational>{int(as_long(x[3])), x[2]}).coeff(k);
          };
        };
        const auto leading = [](const GridPoint& x) { return x[1] * (2 - x[1]); };
        const auto constant = [](Rational c) { return [c](const GridPoint&) { return c; }; };
        return all_of(
            "(n+1)^2 gap = gamma(2-gamma) n^2 + b1 n - 1 on theta0 (one positive root: the set is {n >= n0}) and "
            "= gamma(2-gamma) n^2 + b1' n + 3 on -theta0 (the set of n where F(c) is not worse is bounded), as "
            "polynomials in u = 1/c, gamma, s2, d; " +
                all_d_text(axes[3]),
            {prove_identity("theta0: n^2 coefficient = gamma(2-gamma)", axes, gap_coeff(Task::Target, 2), leading),
             prove_identity("theta0: constant = -1", axes, gap_coeff(Task::Target, 0), constant(-1)),
             prove_identity("-theta0: n^2 coefficient = gamma(2-gamma)", axes, gap_coeff(Task::Opposite, 2), leading),
             prove_identity("-theta0: constant = 3", axes, gap_coeff(Task::Opposite, 0), constant(3))});
      }};
}

// C2 limit: the n^2 coefficient of (n+1)^2 R_F is 1 + s2 on both tasks.
template <class F>
Statement c2_limit() {
  return {"C2.limit", "R_zs(c; n, +-theta0) -> 1 + s2 as n -> infinity, for every c != 0, s2, d",
          [](const ProofOptions& o) {
            const std::vector<GridAxis> axes{param_axis("u", 1, 2), s2_axis(1), d_axis(o)};
            std::vector<Proof> parts;
            for (Task task : {Task::Target, Task::Opposite})
              parts.push_back(prove_identity(
                  fmt::format("{}: lim R_zs = 1 + s2", task_name(task)), axes,
                  [task](const GridPoint& x) {
                    const Setting<Rational> s{int(as_long(x[2])), x[1]};
                    return numerator_in_n<F>([&](long n) { return F::risk_full_ft(Rational(1 / x[0]), n, task, s); })
                        .coeff(2);
                  },
                  [](const GridPoint& x) { return 1 + x[1]; }));
            return all_of("lim R_zs = 1 + s2 on +-theta0 (n^2 coefficient of (n+1)^2 R_zs); " + all_d_text(axes[2]),
                          parts);
          }};
}

// C2 sets: the exact sets for c = 1 at the paper's setting (THEORY.md: n0 = 2 for gamma = 10/13).
template <class F>
Statement c2_sets() {
  return {"C2.sets",
          "at c = 1, d = 5, s2 = 1/10: the exact sets of n where F(c) is worse than P(gamma) on +-theta0 "
          "(THEORY.md: from n0 = 2 on theta0 for gamma = 10/13)",
          [](const ProofOptions&) {
            const auto s = paper_setting();
            std::vector<Proof> parts;
            std::string text;
            for (const auto& [name, gamma] : paper_gammas_both<F>())
              for (Task task : {Task::Target, Task::Opposite}) {
                const Proof p = gap_sets(fmt::format("gamma={} ({}) {}", to_fraction(gamma), name, task_name(task)),
                                         full_ft_gap<F>(Rational(1), gamma, task, s),
                                         engine_gap<F>(full_ft_params(first_axis<Rational>(5), Rational(1)),
                                                       pretrained_params(5, gamma), axis_task(task, 5), s.s2));
                parts.push_back(p);
                if (p.verdict != ProofVerdict::Proved) continue;
                text += fmt::format("; gamma={} {}: worse for n in {}", to_fraction(gamma), task_name(task),
                                    p.certificate["positive"].dump());
                if (task == Task::Target && gamma == Rational(10, 13))
                  parts.push_back(prove_identity(
                      "THEORY.md: n0 = 2 at gamma=10/13", {},
                      [c = p.certificate](const GridPoint&) {
                        return Rational(c["positive"].back()[0].template get<long>());
                      },
                      [](const GridPoint&) { return Rational(2); }));
              }
            return all_of("closed form = engine polynomial, sets from isolated roots" + text, parts);
          }};
}

}  // namespace
}  // namespace icl::prove

// ---- mutants ----------------------------------------------------------------------------------

namespace icl::theorems {
namespace {

using mutants::through_float;

struct FullFtOffByOneN : PaperFormulas {
  static constexpr const char* name = "F(c) risk with N = n + 2";
  static constexpr const char* claim = "C2";
  template <class T>
  static T risk_full_ft(const T& c, long n, Task task, const Setting<T>& s) {
    const T N = T(n + 2);
    const T sign = T(task_sign(task));
    const T bias = task == Task::Target ? T(T(n) / N) : T(T(1) + T(1) / N);
    return bias * bias + s.s2 + T(n) / (N * N) * ((T(1) + sign / c) * (T(1) + sign / c) + s.s2 / (c * c));
  }
};
struct FullFtNoNoise : PaperFormulas {
  static constexpr const char* name = "F(c) risk without the s2/c^2 term";
  static constexpr const char* claim = "C2";
  template <class T>
  static T risk_full_ft(const T& c, long n, Task task, const Setting<T>& s) {
    return PaperFormulas::risk_full_ft(c, n, task, s) - T(n) / (T(n + 1) * T(n + 1)) * s.s2 / (c * c);
  }
};
struct FullFtSignFlip : PaperFormulas {
  static constexpr const char* name = "F(c) risk on theta0 with (1 - 1/c)";
  static constexpr const char* claim = "C2";
  template <class T>
  static T risk_full_ft(const T& c, long n, Task task, const Setting<T>& s) {
    if (task == Task::Opposite) return PaperFormulas::risk_full_ft(c, n, task, s);
    const T N = T(n + 1);
    const T m = T(1) - T(1) / c;
    return T(n) / N * T(n) / N + s.s2 + T(n) / (N * N) * (m * m + s.s2 / (c * c));
  }
};
struct FullFtQueryLabelCounted : PaperFormulas {
  static constexpr const char* name = "F(c) risk on theta0 with bias 1 for n/N (the query's own label counted)";
  static constexpr const char* claim = "C2";
  template <class T>
  static T risk_full_ft(const T& c, long n, Task task, const Setting<T>& s) {
    const T r = PaperFormulas::risk_full_ft(c, n, task, s);
    if (task == Task::Opposite) return r;
    const T bias = T(n) / T(n + 1);
    return r + T(1) - bias * bias;
  }
};
struct FullFtThroughFloat : PaperFormulas {
  static constexpr const char* name = "F(c) risk through a float intermediate in double";
  static constexpr const char* claim = "C2";
  template <class T>
  static T risk_full_ft(const T& c, long n, Task task, const Setting<T>& s) {
    return through_float(PaperFormulas::risk_full_ft(c, n, task, s));
  }
};

std::vector<MutantCase> c2_mutants() {
  auto cases =
      mutant_cases<FullFtOffByOneN, FullFtNoNoise, FullFtSignFlip, FullFtQueryLabelCounted, FullFtThroughFloat>(
          []<class M>(std::type_identity<M>) { return claim_c2<M>(); });
  using namespace prove;
  for (auto proof : {proof_mutant<FullFtOffByOneN>(
                         {cf_full_ft<FullFtOffByOneN>, c2_structure<FullFtOffByOneN>, c2_limit<FullFtOffByOneN>}),
                     proof_mutant<FullFtNoNoise>({cf_full_ft<FullFtNoNoise>, c2_sets<FullFtNoNoise>}),
                     proof_mutant<FullFtSignFlip>({cf_full_ft<FullFtSignFlip>, c2_structure<FullFtSignFlip>})})
    cases.push_back(proof);
  return cases;
}

}  // namespace

ClaimFile c2_full_finetuning() {
  return {claim_c2<PaperFormulas>, c2_mutants, [] {
            using namespace prove;
            return std::vector<Statement>{cf_full_ft<PaperFormulas>(), c2_structure<PaperFormulas>(),
                                          c2_sets<PaperFormulas>(), c2_limit<PaperFormulas>()};
          }};
}

}  // namespace icl::theorems
