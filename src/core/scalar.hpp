// The three scalar types every formula is evaluated in (docs/design.md#scalars):
// double, 50-digit binary floating point, and exact rationals.
#pragma once

#include <Eigen/Core>
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <boost/multiprecision/eigen.hpp>
#include <boost/multiprecision/gmp.hpp>
#include <cmath>
#include <string>
#include <type_traits>

namespace icl {

// Expression templates are off so that `auto` and Eigen see plain values.
using Float50 = boost::multiprecision::number<boost::multiprecision::cpp_bin_float<50>, boost::multiprecision::et_off>;
using Rational = boost::multiprecision::number<boost::multiprecision::gmp_rational, boost::multiprecision::et_off>;
using Integer = boost::multiprecision::number<boost::multiprecision::gmp_int, boost::multiprecision::et_off>;

template <class T>
inline constexpr bool is_exact_v = std::is_same_v<T, Rational>;

// Converts an exact rational input to the scalar a formula is evaluated in.
template <class T>
T from_rational(const Rational& q) {
  if constexpr (std::is_same_v<T, Rational>) {
    return q;
  } else if constexpr (std::is_same_v<T, double>) {
    return q.template convert_to<double>();
  } else {
    return static_cast<T>(q);
  }
}

template <class T>
double to_double(const T& x) {
  if constexpr (std::is_same_v<T, double>) {
    return x;
  } else {
    return x.template convert_to<double>();
  }
}

template <class T>
Float50 to_float50(const T& x) {
  if constexpr (std::is_same_v<T, Float50>) {
    return x;
  } else if constexpr (std::is_same_v<T, double>) {
    return Float50(x);
  } else {
    return static_cast<Float50>(x);
  }
}

// Square root for the floating types; a rational has no exact square root in general,
// so asking for one is a compile-time error rather than a silent rounding.
template <class T>
T sqrt_of(const T& x) {
  static_assert(!is_exact_v<T>, "sqrt of a rational is not exact: evaluate in double or Float50");
  using boost::multiprecision::sqrt;
  using std::sqrt;
  return sqrt(x);
}

// |x|, for every scalar type.
template <class T>
T abs_of(const T& x) {
  return x < T(0) ? T(-x) : x;
}

// Relative deviation |a - b| / max(|b|, tiny), computed in 50 digits.
template <class A, class B>
double relative_deviation(const A& a, const B& b) {
  const Float50 fa = to_float50(a);
  const Float50 fb = to_float50(b);
  const Float50 diff = abs_of(Float50(fa - fb));
  const Float50 scale = abs_of(fb);
  if (scale == 0) return diff.template convert_to<double>();
  return Float50(diff / scale).template convert_to<double>();
}

// "p/q" (or "p" when q = 1).
std::string to_fraction(const Rational& q);

// A decimal string with `digits` significant digits (scientific notation only when needed).
std::string to_decimal(const Float50& x, int digits);
std::string to_decimal(double x);  // shortest round-trip representation

}  // namespace icl
