// Module core: the scalar types and exact numbers every other module is built on.
//   scalar.hpp       double, Float50 (50 digits), Rational (GMP); conversions; sqrt only where inexact is allowed
//   number.hpp       decimals and fractions read exactly as rationals; printing as fractions and decimals
//   precompiled.hpp  the library headers parsed once per build (a precompiled header, not an API)
#pragma once

#include "core/number.hpp"
#include "core/scalar.hpp"
