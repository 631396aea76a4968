#include "claims/ginac_rational.hpp"

#include <sstream>

namespace icl::claims {

GiNaC::numeric to_numeric(const Rational& q) { return GiNaC::numeric(to_fraction(q).c_str()); }

Rational to_rational(const GiNaC::numeric& x) {
  std::ostringstream num, den;
  num << x.numer();
  den << x.denom();
  return Rational(num.str()) / Rational(den.str());
}

std::optional<Rational> rational_value(const GiNaC::ex& e) {
  const GiNaC::ex v = GiNaC::normal(e);
  if (!GiNaC::is_a<GiNaC::numeric>(v)) return std::nullopt;
  const auto& x = GiNaC::ex_to<GiNaC::numeric>(v);
  if (!x.is_rational()) return std::nullopt;
  return to_rational(x);
}

std::optional<GiNaC::ex> substitute(const GiNaC::ex& e, const GiNaC::exmap& values) {
  try {
    return GiNaC::normal(e.subs(values));
  } catch (const std::exception&) {  // GiNaC throws pole_error / division by zero
    return std::nullopt;
  }
}

}  // namespace icl::claims
