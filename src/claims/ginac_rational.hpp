// Exact numbers between GiNaC (CLN rationals) and the project's Rational (GMP), through their
// exact decimal "p/q" text; and the evaluation of a GiNaC expression to an exact Rational.
#pragma once

#include <ginac/ginac.h>

#include <optional>

#include "core/scalar.hpp"

namespace icl::claims {

GiNaC::numeric to_numeric(const Rational& q);
Rational to_rational(const GiNaC::numeric& x);

// The exact rational value of e, if e is a rational number (no symbols left); nullopt otherwise.
std::optional<Rational> rational_value(const GiNaC::ex& e);

// e with every symbol of `values` replaced; nullopt when a denominator vanishes there.
std::optional<GiNaC::ex> substitute(const GiNaC::ex& e, const GiNaC::exmap& values);

}  // namespace icl::claims
