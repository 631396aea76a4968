// The exact value of a binary floating-point number as a Rational: a finite double is m 2^e with an
// integer m of at most 53 bits, so it is a dyadic rational, read without any rounding (a float is a
// double exactly, so float32 data goes through the same conversion).
#pragma once

#include <cmath>
#include <stdexcept>

#include "core/scalar.hpp"

namespace icl {

// Throws std::invalid_argument for NaN and infinities (no rational value).
inline Rational exact_rational(double x) {
  if (!std::isfinite(x)) throw std::invalid_argument("NaN or infinity has no exact rational value");
  int e = 0;
  const double m = std::frexp(x, &e);                               // x = m 2^e, 1/2 <= |m| < 1 (or 0)
  const auto mantissa = static_cast<long long>(std::ldexp(m, 53));  // |m| 2^53 < 2^53: an exact integer
  e -= 53;
  const Integer scale = Integer(1) << static_cast<unsigned>(e < 0 ? -e : e);
  const Rational q{Integer(mantissa)};
  return e < 0 ? Rational(q / Rational(scale)) : Rational(q * Rational(scale));
}

}  // namespace icl
