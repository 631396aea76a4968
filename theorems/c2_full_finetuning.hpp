// Claim C2: full zero-shot fine-tuning degrades ICL. THEORY.md section 4,
// docs/derivations.md#4-full-zero-shot-fine-tuning-family-fc.
#pragma once

#include "poly/poly.hpp"
#include "theorems/common.hpp"

namespace icl::theorems {

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

  claim.checks.push_back(
      {"C2.zero_shot_optimal", "R_F(c; 0, theta0) = s2 for every c", [](const CheckContext&) {
         std::vector<IdentityCase> cases;
         for (int d : kDims)
           for (const auto& s2 : noise_levels())
             for (const Rational& c : {Rational(-2), Rational(1, 3), Rational(1), Rational(3), Rational(100)})
               cases.push_back({fmt::format("{} c={}", label(d, s2), to_fraction(c)),
                                F::risk_full_ft(c, 0, Task::Target, setting_in<Rational>(d, s2)), s2});
         return all_equal(cases, "zero-shot risk of F(c) vs s2");
       }});

  claim.checks.push_back(
      {"C2.worse_from_n0.target",
       "on theta0, F(c) is worse than P(gamma) exactly for n >= n0 (n0 = 2 at c=1, gamma=10/13, d=5, s2=1/10)",
       [](const CheckContext&) {
         std::string sanity;
         for (const auto& k : full_ft_cases()) {
           const Setting<Rational> s{k.d, k.s2};
           const auto gap = full_ft_gap<F>(k.c, k.gamma, Task::Target, s);
           const auto p = curve_numerator(gap);  // (n+1)^2 gap, degree <= 2
           // Structure of THEORY.md: leading c^2 gamma (2-gamma) / c^2, constant -c^2 / c^2.
           if (p.coeff(2) != k.gamma * (2 - k.gamma) || p.coeff(0) != -1)
             return Outcome{Verdict::Fail,
                            fmt::format("{}: gap polynomial {} n^2 + ... + {} is not gamma(2-gamma) n^2 + b1 n - 1",
                                        k.label(), show(p.coeff(2)), show(p.coeff(0)))};
           const auto runs = integer_sign_runs(p);
           const auto n0 = sign_holds_from(runs, 1);
           if (!n0 || describe_runs(runs, 1) != fmt::format("[{}, inf)", *n0))
             return Outcome{Verdict::Fail,
                            fmt::format("{}: worse set is {}, not a tail", k.label(), describe_runs(runs, 1))};
           if (!runs_match_direct(runs, gap, 60))
             return Outcome{Verdict::Fail, k.label() + ": polynomial sign runs disagree with direct evaluation"};
           if (k.c == 1 && k.gamma == Rational(10, 13) && k.d == 5 && k.s2 == Rational(1, 10)) {
             if (*n0 != 2) return Outcome{Verdict::Fail, fmt::format("sanity case: n0 = {}, THEORY.md says 2", *n0)};
             sanity =
                 fmt::format("n0 = {} at c=1 gamma=10/13 d=5 s2=1/10 (b1 = {})", *n0, show(p.coeff(1) * k.c * k.c));
           }
         }
         return Outcome{Verdict::Pass, fmt::format("worse set is exactly {{n >= n0}} with gap leading gamma(2-gamma), "
                                                   "constant -c^2, in {} cases; {}",
                                                   full_ft_cases().size(), sanity)};
       }});

  claim.checks.push_back(
      {"C2.worse_outside_range.opposite", "on -theta0, F(c) is worse than P(gamma) for every n outside a bounded range",
       [](const CheckContext&) {
         std::string sanity;
         for (const auto& k : full_ft_cases()) {
           const Setting<Rational> s{k.d, k.s2};
           const auto gap = full_ft_gap<F>(k.c, k.gamma, Task::Opposite, s);
           const auto p = curve_numerator(gap);  // (n+1)^2 gap, degree <= 2
           if (p.coeff(0) <= 0 || p.coeff(2) <= 0)
             return Outcome{Verdict::Fail,
                            fmt::format("{}: gap polynomial has leading {} and constant {} (both must be > 0)",
                                        k.label(), show(p.coeff(2)), show(p.coeff(0)))};
           const auto runs = integer_sign_runs(p);
           if (!sign_holds_from(runs, 1) || runs.front().sign != 1)
             return Outcome{Verdict::Fail, fmt::format("{}: worse set {} is not 'all n outside a bounded range'",
                                                       k.label(), describe_runs(runs, 1))};
           if (!runs_match_direct(runs, gap, 60))
             return Outcome{Verdict::Fail, k.label() + ": polynomial sign runs disagree with direct evaluation"};
           if (k.c == 1 && k.gamma == Rational(10, 13) && k.d == 5 && k.s2 == Rational(1, 10))
             sanity = fmt::format("at c=1 gamma=10/13 d=5 s2=1/10 worse for n in {}, not worse for n in {}",
                                  describe_runs(runs, 1), describe_runs(runs, -1));
         }
         return Outcome{Verdict::Pass, fmt::format("constant term > 0 and worse set co-bounded in {} cases; {}",
                                                   full_ft_cases().size(), sanity)};
       }});

  claim.checks.push_back(
      {"C2.collapse_limit", "R_F(c; n, +-theta0) -> 1 + s2 as n -> infinity", [](const CheckContext&) {
         std::vector<IdentityCase> cases;
         for (const auto& k : full_ft_cases())
           for (Task task : {Task::Target, Task::Opposite}) {
             const Setting<Rational> s{k.d, k.s2};
             const auto p = curve_numerator([&](long n) { return F::risk_full_ft(k.c, n, task, s); });
             cases.push_back({k.label() + " " + task_name(task), p.coeff(2), 1 + k.s2});
           }
         return all_equal(cases, "lim R_F = leading coefficient of (n+1)^2 R_F vs 1 + s2");
       }});

  for (int d : kDims)
    claim.checks.push_back({fmt::format("C2.monte_carlo.d{}", d),
                            "Monte Carlo risk of F(1/2) agrees with R_F on +-theta0 (s2 = 1/2)",
                            [d](const CheckContext& ctx) {
                              const FamilySpec spec{FamilyKind::FullFt, Rational(1, 2), Rational(0)};
                              return mc_agreement<F>(spec, d, mc_noise(), ctx);
                            }});

  claim.checks.push_back({"C2.precision", "R_F: double vs 50 digits vs exact", [](const CheckContext&) {
                            PrecisionAgreement acc;
                            for (const auto& k : full_ft_cases())
                              for (Task task : {Task::Target, Task::Opposite})
                                for (long n : {0L, 1L, 5L, 40L, 1000L})
                                  accumulate_precision(acc, [&]<class T>(std::type_identity<T>) {
                                    return F::risk_full_ft(from_rational<T>(k.c), n, task, setting_in<T>(k.d, k.s2));
                                  });
                            return precision_outcome(acc);
                          }});
  return claim;
}

}  // namespace icl::theorems
