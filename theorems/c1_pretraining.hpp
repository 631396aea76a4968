// Claim C1: pretraining. THEORY.md section 4, docs/derivations.md#3-pretrained-family-pgamma.
#pragma once

#include "theorems/common.hpp"

namespace icl::theorems {

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

  claim.checks.push_back(
      {"C1.gamma_star_stationary", "dR_pre/dgamma = 0 exactly at gamma*(m), with R_pre'' > 0", [](const CheckContext&) {
         std::vector<StationaryCase> cases;
         for (int d : kDims)
           for (const auto& s2 : noise_levels())
             for (long m : {1L, 5L, 20L}) {
               const auto s = setting_in<Rational>(d, s2);
               cases.push_back({fmt::format("{} m={}", label(d, s2), m),
                                [s, m](const Rational& g) { return F::risk_pretrained(g, m, s); }, F::gamma_star(m, s),
                                2});
             }
         return all_stationary_minima(cases, "R_pre at gamma*(m)");
       }});

  claim.checks.push_back(
      {"C1.icl_threshold", "for n >= 1: R_pre(gamma; n) < 1 + s2 iff n + 1 > d gamma (1+s2)/(2-gamma)",
       [](const CheckContext&) {
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
                   return Outcome{
                       Verdict::Fail,
                       fmt::format("{} gamma={} n={}: prompt {} but threshold {} says otherwise", label(d, s2),
                                   to_fraction(g), n, helps ? "helps" : "does not help", show(threshold))};
               }
             }
         return Outcome{Verdict::Pass, fmt::format("sign of R_pre - (1+s2) matches the threshold exactly in {} cases "
                                                   "(n = 1..200, 5 gammas, 3 d, 3 s2)",
                                                   cases)};
       }});

  claim.checks.push_back({"C1.notebook_threshold", "the authors' notebook: d gamma (1+s2)/(2-gamma) - 1 = 2.4375",
                          [](const CheckContext&) {
                            const auto s = sanity_setting();
                            const Rational value = F::icl_threshold(Rational(10, 13), s) - 1;
                            const Outcome eq = all_equal({{"gamma=10/13 d=5 s2=1/10", value, Rational(39, 16)}},
                                                         "threshold - 1 against the notebook's 2.4375");
                            if (eq.verdict == Verdict::Fail) return eq;
                            return Outcome{Verdict::Pass,
                                           fmt::format("{} = {} exactly, so the prompt helps from n = 3 shots",
                                                       "d gamma (1+s2)/(2-gamma) - 1", show(value))};
                          }});

  claim.checks.push_back(
      {"C1.classical_convention", "m/(m+1+d) is the minimizer of the classical-convention risk with s2 = 0",
       [](const CheckContext&) {
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
       }});

  claim.checks.push_back(
      {"C1.authors_constant", "gamma*(m) against the authors' m/(m+1+d) at m = 20, d = 5, s2 = 1/10",
       [](const CheckContext&) {
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
       }});

  for (int d : kDims)
    claim.checks.push_back({fmt::format("C1.monte_carlo.d{}", d),
                            "Monte Carlo risk of P(10/13) agrees with R_pre on +-theta0 (s2 = 1/2)",
                            [d](const CheckContext& ctx) {
                              const FamilySpec spec{FamilyKind::Pretrained, Rational(10, 13), Rational(0)};
                              return mc_agreement<F>(spec, d, mc_noise(), ctx);
                            }});

  claim.checks.push_back(
      {"C1.monte_carlo.classical", "Monte Carlo of the classical convention agrees with its closed form (d = 5)",
       [](const CheckContext& ctx) {
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
       }});

  claim.checks.push_back(
      {"C1.precision", "R_pre and gamma*: double vs 50 digits vs exact", [](const CheckContext&) {
         PrecisionAgreement acc;
         for (int d : kDims)
           for (const auto& s2 : noise_levels())
             for (long n : {0L, 1L, 5L, 20L, 40L, 1000L}) {
               accumulate_precision(acc, [&]<class T>(std::type_identity<T>) {
                 return F::risk_pretrained(from_rational<T>(Rational(10, 13)), n, setting_in<T>(d, s2));
               });
               accumulate_precision(
                   acc, [&]<class T>(std::type_identity<T>) { return F::gamma_star(n, setting_in<T>(d, s2)); });
             }
         return precision_outcome(acc);
       }});
  return claim;
}

}  // namespace icl::theorems
