// Claim C5: the auxiliary few-shot loss (value-only). THEORY.md section 4,
// docs/derivations.md#5-value-only-family-vb-w.
#pragma once

#include "poly/poly.hpp"
#include "theorems/common.hpp"

namespace icl::theorems {

// (n+1)^2 (R_v(b0, w*(n_ft)) - R_v(b0, gamma)) on +-theta0: the effect of the auxiliary loss.
template <class F>
Polynomial<Rational> auxiliary_gap(const Rational& gamma, long n_ft, Task task, const Setting<Rational>& s) {
  const Rational beta = F::template beta_zero_shot<Rational>(s.d);
  const Rational w = F::w_star(n_ft, s);
  return curve_numerator([&](long n) {
    return value_only_aligned<F>(beta, w, n, task, s) - value_only_aligned<F>(beta, gamma, n, task, s);
  });
}

struct AuxiliaryRanges {
  std::vector<SignRun> target, opposite;
};

template <class F>
AuxiliaryRanges auxiliary_ranges(const Rational& gamma, long n_ft, const Setting<Rational>& s) {
  return {integer_sign_runs(auxiliary_gap<F>(gamma, n_ft, Task::Target, s)),
          integer_sign_runs(auxiliary_gap<F>(gamma, n_ft, Task::Opposite, s))};
}

template <class F = PaperFormulas>
Claim claim_c5() {
  Claim claim{
      "C5",
      "Auxiliary few-shot loss: better on theta0 around n_ft, worse on -theta0 for all large n",
      "With the few-shot weight annealed to zero, value-only fine-tuning ends at b = theta0/(d+4), w = w*(n_ft) = "
      "[(n_ft+1) - (n_ft+3+2d)/(d+4)] / (n_ft+1+d+d s2). Against w = gamma its few-shot risk on theta0 is lower "
      "exactly for 1 <= n <= n1 (a range containing n_ft) and its risk on -theta0 is higher exactly for n >= n2.",
      {"value-only updates, Q x-block = I", "w*(n_ft) < gamma (else the auxiliary loss moves w the other way)"},
      {}};

  claim.checks.push_back(
      {"C5.w_star_stationary", "dR_v/dw = 0 exactly at w*(n), R_v'' > 0 (n >= 1)", [](const CheckContext&) {
         std::vector<StationaryCase> cases;
         for (int d : kDims)
           for (const auto& s2 : noise_levels())
             for (long n : {1L, 2L, 5L, 20L, 40L}) {
               const auto s = setting_in<Rational>(d, s2);
               const Rational beta = F::template beta_zero_shot<Rational>(d);
               cases.push_back(
                   {fmt::format("{} n={}", label(d, s2), n),
                    [s, n, beta](const Rational& w) { return value_only_aligned<F>(beta, w, n, Task::Target, s); },
                    F::w_star(n, s), 2});
             }
         return all_stationary_minima(cases, "R_v at w*(n)");
       }});

  claim.checks.push_back(
      {"C5.w_star_value", "w*(20) = 0.654088... at d = 5, s2 = 1/10 (THEORY.md)", [](const CheckContext&) {
         const Rational w = F::w_star(20, sanity_setting());
         const std::string digits = to_decimal(static_cast<Float50>(w), 6);
         return Outcome{digits == "0.654088" ? Verdict::Pass : Verdict::Fail,
                        fmt::format("w*(20) = {} (6 digits: {})", show(w), digits)};
       }});

  claim.checks.push_back(
      {"C5.ranges", "lower on theta0 exactly for 1 <= n <= n1 (n1 >= n_ft), higher on -theta0 exactly for n >= n2",
       [](const CheckContext&) {
         std::string sanity;
         int cases = 0;
         for (int d : kDims)
           for (const Rational& s2 : {Rational(0), Rational(1, 10)})
             for (const auto& g : paper_gammas())
               for (long n_ft : {5L, 20L}) {
                 const auto s = setting_in<Rational>(d, s2);
                 const std::string where = fmt::format("{} gamma={} n_ft={}", label(d, s2), to_fraction(g), n_ft);
                 if (!(F::w_star(n_ft, s) < g)) continue;  // outside the hypothesis
                 const auto r = auxiliary_ranges<F>(g, n_ft, s);
                 const std::string lower = describe_runs(r.target, -1);
                 const bool lower_ok = r.target.size() >= 2 && r.target[0].sign == 0 && r.target[0].hi == 0 &&
                                       r.target[1].sign == -1 && r.target[1].lo == 1 && r.target[1].hi &&
                                       *r.target[1].hi >= n_ft && sign_holds_from(r.target, 1);
                 if (!lower_ok)
                   return Outcome{
                       Verdict::Fail,
                       fmt::format("{}: lower on theta0 for n in {}, not [1, n1] with n1 >= n_ft", where, lower)};
                 const auto n2 = sign_holds_from(r.opposite, 1);
                 if (!n2 || describe_runs(r.opposite, 1) != fmt::format("[{}, inf)", *n2))
                   return Outcome{Verdict::Fail, fmt::format("{}: higher on -theta0 for n in {}, not a tail", where,
                                                             describe_runs(r.opposite, 1))};
                 ++cases;
                 if (d == 5 && s2 == Rational(1, 10) && n_ft == 20)
                   sanity += fmt::format("{}gamma={}: n1={} n2={}", sanity.empty() ? "" : ", ", to_fraction(g),
                                         *r.target[1].hi, *n2);
               }
         return Outcome{
             Verdict::Pass,
             fmt::format("shape holds exactly (no cut-off) in {} cases; d=5 s2=1/10 n_ft=20: {}", cases, sanity)};
       }});

  claim.checks.push_back(
      {"C5.outside_hypothesis", "what the auxiliary loss does when gamma is not above w*(n_ft)",
       [](const CheckContext&) {
         const auto s = sanity_setting();
         std::string ev;
         for (const Rational& g : {Rational(1, 2), Rational(3, 2)}) {
           const auto r = auxiliary_ranges<F>(g, 20, s);
           ev += fmt::format("{}gamma={}: lower on theta0 for n in {}, higher on -theta0 for n in {}",
                             ev.empty() ? "" : "; ", to_fraction(g), describe_runs(r.target, -1),
                             describe_runs(r.opposite, 1));
         }
         return Outcome{Verdict::Note, fmt::format("w*(20) = {} at d=5 s2=1/10; {}", show(F::w_star(20, s)), ev)};
       },
       "outside the hypothesis w*(n_ft) < gamma the claim states nothing to fail; the ranges are reported (the "
       "same computation is judged inside it by C5.ranges)"});

  claim.checks.push_back({"C5.precision", "w*(n): double vs 50 digits vs exact", [](const CheckContext&) {
                            PrecisionAgreement acc;
                            for (int d : kDims)
                              for (const auto& s2 : noise_levels())
                                for (long n : {0L, 1L, 5L, 20L, 40L, 1000L})
                                  accumulate_precision(acc, [&]<class T>(std::type_identity<T>) {
                                    return F::w_star(n, setting_in<T>(d, s2));
                                  });
                            return precision_outcome(acc);
                          }});
  return claim;
}

}  // namespace icl::theorems
