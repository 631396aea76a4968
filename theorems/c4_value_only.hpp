// Claim C4: value-only zero-shot fine-tuning preserves ICL. THEORY.md section 4 (as corrected),
// docs/derivations.md#5-value-only-family-vb-w.
#pragma once

#include "poly/poly.hpp"
#include "theorems/common.hpp"

namespace icl::theorems {

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

  claim.checks.push_back(
      {"C4.zero_shot_risk", "R_v(theta0/(d+4), w; 0, theta0) = 2/(d+4) + s2 for every w (29/90 at d=5, s2=1/10)",
       [](const CheckContext&) {
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
                          value_only_aligned<F>(F::template beta_zero_shot<Rational>(5), Rational(1, 2), 0,
                                                Task::Target, sanity_setting()),
                          Rational(29, 90)});
         return all_equal(cases, "zero-shot risk of V(theta0/(d+4), w)");
       }});

  claim.checks.push_back(
      {"C4.zero_shot_optimum", "b = theta0/(d+4) is a strict minimum of the zero-shot risk along theta0 and across it",
       [](const CheckContext&) {
         std::vector<StationaryCase> cases;
         for (int d : kDims)
           for (const auto& s2 : noise_levels()) {
             const auto s = setting_in<Rational>(d, s2);
             const Rational beta = F::template beta_zero_shot<Rational>(d);
             cases.push_back(
                 {label(d, s2) + " along theta0",
                  [s](const Rational& b) { return value_only_aligned<F>(b, Rational(1, 2), 0, Task::Target, s); }, beta,
                  2});
             // b = beta theta0 + t e_perp: ||b||^2 = beta^2 + t^2, b.theta0 = beta.
             if (d >= 2)
               cases.push_back(
                   {label(d, s2) + " across theta0",
                    [s, beta](const Rational& t) {
                      return F::risk_value_only(
                          closed_form::ValueOnlyGeometry<Rational>{beta, beta * beta + t * t, Rational(1, 2)}, 0, s);
                    },
                    Rational(0), 2});
           }
         return all_stationary_minima(cases, "zero-shot R_v at b = theta0/(d+4)");
       }});

  claim.checks.push_back(
      {"C4.limit_gap",
       "n (gap - K) is bounded for all n, K = -+2(1-gamma)/(d+4) + 1/(d+4)^2; the limit is (1 - gamma -+ 1/(d+4))^2 + "
       "s2",
       [](const CheckContext&) {
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
                   return Outcome{Verdict::Fail, fmt::format("{}: gap tends to {}, THEORY.md constant {}", where,
                                                             show(p.coeff(2)), show(K))};
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
       }});

  for (int d : kDims)
    claim.checks.push_back(
        {fmt::format("C4.monte_carlo.d{}", d),
         "Monte Carlo risk of V(b, 10/13), b = theta0/(d+4) + perp/10, agrees with R_v on +-theta0 (s2 = 1/2)",
         [d](const CheckContext& ctx) {
           const FamilySpec spec{FamilyKind::ValueOnly, Rational(10, 13), F::template beta_zero_shot<Rational>(d),
                                 d >= 2 ? Rational(1, 10) : Rational(0)};
           return mc_agreement<F>(spec, d, mc_noise(), ctx);
         }});

  claim.checks.push_back({"C4.precision", "R_v: double vs 50 digits vs exact", [](const CheckContext&) {
                            PrecisionAgreement acc;
                            for (int d : kDims)
                              for (const auto& s2 : noise_levels())
                                for (Task task : {Task::Target, Task::Opposite})
                                  for (long n : {0L, 1L, 5L, 40L, 1000L})
                                    accumulate_precision(acc, [&]<class T>(std::type_identity<T>) {
                                      return value_only_aligned<F>(F::template beta_zero_shot<T>(d),
                                                                   from_rational<T>(Rational(10, 13)), n, task,
                                                                   setting_in<T>(d, s2));
                                    });
                            return precision_outcome(acc);
                          }});
  return claim;
}

}  // namespace icl::theorems
