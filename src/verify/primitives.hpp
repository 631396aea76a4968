// Building blocks of theorem checks: exact identities, exact stationarity, cross-precision
// agreement and Monte Carlo agreement. Each returns the figure a verdict line carries.
#pragma once

#include <fmt/format.h>

#include <functional>
#include <string>
#include <type_traits>
#include <vector>

#include "core/scalar.hpp"
#include "poly/polynomial.hpp"
#include "sim/monte_carlo.hpp"
#include "verify/check.hpp"

namespace icl {

// --- exact identities ---------------------------------------------------------------------

struct IdentityCase {
  std::string label;
  Rational got;
  Rational want;
};

// PASS iff got == want exactly in every case; FAIL names the first case that differs.
Outcome all_equal(const std::vector<IdentityCase>& cases, const std::string& what);

// --- exact stationarity --------------------------------------------------------------------

// The first and second derivative of f at x, from the exact interpolant of f (a polynomial of
// degree <= degree_bound, confirmed at three more points).
struct LocalShape {
  Rational slope;
  Rational curvature;
};
LocalShape local_shape(const std::function<Rational(const Rational&)>& f, const Rational& x, int degree_bound);

struct StationaryCase {
  std::string label;
  std::function<Rational(const Rational&)> f;
  Rational x;
  int degree_bound;
};

// PASS iff every case has slope exactly 0 and curvature > 0 (a strict minimum).
Outcome all_stationary_minima(const std::vector<StationaryCase>& cases, const std::string& what);

// --- cross-precision agreement -------------------------------------------------------------

// Maximal relative deviations of double from 50 digits, and of 50 digits from exact rationals.
struct PrecisionAgreement {
  double double_vs_50 = 0;
  double f50_vs_exact = 0;
  int cases = 0;
};

inline constexpr double kDoubleTolerance = 1e-12;
inline constexpr double kFloat50Tolerance = 1e-45;

// f is a generic callable f(std::type_identity<T>) -> T evaluating one case in scalar T.
template <class F>
void accumulate_precision(PrecisionAgreement& acc, F f, bool exact_available = true) {
  const Float50 v50 = f(std::type_identity<Float50>{});
  acc.double_vs_50 = std::max(acc.double_vs_50, relative_deviation(f(std::type_identity<double>{}), v50));
  if (exact_available) {
    const Rational exact = f(std::type_identity<Rational>{});
    acc.f50_vs_exact = std::max(acc.f50_vs_exact, relative_deviation(v50, exact));
  }
  ++acc.cases;
}

Outcome precision_outcome(const PrecisionAgreement& acc, bool exact_available = true);

// --- Monte Carlo agreement -----------------------------------------------------------------

// A value computed in double and in 50 digits: `value` is the 50-digit result rounded to double,
// `double_vs_50` the relative deviation of the plain double evaluation from it.
struct TrustedValue {
  double value;
  double double_vs_50;
};

// Above this relative deviation a double evaluation is flagged as cancellation (the 50-digit value
// is the one used either way).
inline constexpr double kCancellation = 1e-8;

// f is a generic callable f(std::type_identity<T>) -> T.
template <class F>
TrustedValue trusted_value(F f) {
  const Float50 v50 = f(std::type_identity<Float50>{});
  return {to_double(v50), relative_deviation(f(std::type_identity<double>{}), v50)};
}

struct McCase {
  std::string label;
  double exact;  // the 50-digit value of the exact risk, rounded to double
  sim::McEstimate estimate;
  double double_vs_50 = 0;
};

inline constexpr double kZLimit = 4.0;

// PASS iff every |z| <= 4; the evidence names the worst case and the double vs 50-digit agreement
// of the exact values (flagging cancellation beyond kCancellation).
Outcome all_within_z(const std::vector<McCase>& cases, const CheckContext& ctx);

// A per-case seed: the run's base seed mixed with the case index, so cases are independent.
std::uint64_t case_seed(const CheckContext& ctx, std::uint64_t case_index);

// --- formatting ----------------------------------------------------------------------------

// A rational as "p/q (= decimal)" with 6 significant digits.
std::string show(const Rational& q);
std::string sci(double x);  // 2 significant digits, scientific

}  // namespace icl
