#include "verify/primitives.hpp"

#include <cmath>

namespace icl {

Outcome all_equal(const std::vector<IdentityCase>& cases, const std::string& what) {
  for (const auto& c : cases)
    if (c.got != c.want)
      return {Verdict::Fail, fmt::format("{}: {} gives {}, expected {}", what, c.label, show(c.got), show(c.want))};
  return {Verdict::Pass, fmt::format("{}: exact equality in {} cases", what, cases.size())};
}

LocalShape local_shape(const std::function<Rational(const Rational&)>& f, const Rational& x, int degree_bound) {
  // Nodes around x with an irregular step, so no node coincides with a special point by accident.
  const Rational h(1, 7);
  const auto p = fit_polynomial<Rational>(f, degree_bound, x - h, h);
  const auto dp = p.derivative();
  return LocalShape{dp(x), dp.derivative()(x)};
}

Outcome all_stationary_minima(const std::vector<StationaryCase>& cases, const std::string& what) {
  for (const auto& c : cases) {
    const auto shape = local_shape(c.f, c.x, c.degree_bound);
    if (shape.slope != 0)
      return {Verdict::Fail, fmt::format("{}: {}: derivative {} != 0", what, c.label, show(shape.slope))};
    if (shape.curvature <= 0)
      return {Verdict::Fail,
              fmt::format("{}: {}: second derivative {} is not > 0", what, c.label, show(shape.curvature))};
  }
  return {Verdict::Pass,
          fmt::format("{}: derivative exactly 0 and second derivative > 0 in {} cases", what, cases.size())};
}

Outcome precision_outcome(const PrecisionAgreement& acc, bool exact_available) {
  const bool ok_double = acc.double_vs_50 <= kDoubleTolerance;
  const bool ok_exact = !exact_available || acc.f50_vs_exact <= kFloat50Tolerance;
  std::string ev = fmt::format("{} cases: double vs 50 digits max rel {} (tol {})", acc.cases, sci(acc.double_vs_50),
                               sci(kDoubleTolerance));
  ev += exact_available
            ? fmt::format("; 50 digits vs exact max rel {} (tol {})", sci(acc.f50_vs_exact), sci(kFloat50Tolerance))
            : std::string("; no exact value (irrational)");
  return {ok_double && ok_exact ? Verdict::Pass : Verdict::Fail, ev};
}

Outcome all_within_z(const std::vector<McCase>& cases, const CheckContext& ctx) {
  const McCase* worst = nullptr;
  double worst_z = -1;
  for (const auto& c : cases) {
    const double z = std::fabs(sim::z_score(c.estimate, c.exact));
    if (z > worst_z || std::isnan(z)) {
      worst_z = std::isnan(z) ? INFINITY : z;
      worst = &c;
    }
  }
  if (!worst) return {Verdict::Fail, "no Monte Carlo case"};
  double dev = 0;
  int cancelled = 0;
  for (const auto& c : cases) {
    dev = std::max(dev, c.double_vs_50);
    cancelled += c.double_vs_50 > kCancellation;
  }
  const std::string trust = cancelled > 0 ? fmt::format(
                                                "; CANCELLATION in double in {} cases (max rel {}), 50-digit "
                                                "values used",
                                                cancelled, sci(dev))
                                          : fmt::format("; exact values: double vs 50 digits max rel {}", sci(dev));
  const bool ok = worst_z <= kZLimit;
  return {ok ? Verdict::Pass : Verdict::Fail,
          fmt::format("max |z| = {:.2f} (limit {}) over {} cases, {} samples each, seed {}; worst {}: MC {:.6g} "
                      "+- {:.2g} vs exact {:.6g}{}",
                      worst_z, kZLimit, cases.size(), worst->estimate.samples, ctx.seed, worst->label,
                      worst->estimate.mean, worst->estimate.se, worst->exact, trust)};
}

std::uint64_t case_seed(const CheckContext& ctx, std::uint64_t case_index) {
  // splitmix64 of (seed, index): distinct, well-mixed seeds per case.
  std::uint64_t z = ctx.seed + 0x9E3779B97F4A7C15ULL * (case_index + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::string show(const Rational& q) {
  const std::string frac = to_fraction(q);
  if (boost::multiprecision::denominator(q) == 1 && frac.size() < 12) return frac;
  const std::string dec = to_decimal(static_cast<Float50>(q), 6);
  return frac.size() <= 24 ? fmt::format("{} (= {})", frac, dec) : dec;
}

std::string sci(double x) { return fmt::format("{:.1e}", x); }

}  // namespace icl
