// Hypothesis grids shared by the claim files (THEORY.md section 3 and 4).
#pragma once

#include <array>

#include "closed_form/closed_form.hpp"
#include "verify/verify.hpp"

namespace icl::theorems {

inline constexpr std::array<int, 3> kDims{1, 5, 20};

inline std::vector<Rational> noise_levels() { return {Rational(0), Rational(1, 10), Rational(1)}; }

// The authors' constant 20/26 = 10/13 and the SGD-reached gamma*(20) = 42/53 (d = 5, s2 = 1/10).
inline std::vector<Rational> paper_gammas() { return {Rational(10, 13), Rational(42, 53)}; }

// Noise of the Monte Carlo checks: large enough that every noise term of a closed form moves the
// risk by many standard errors (with s2 = 1/10 a dropped s2/c^2 term hides in the noise).
inline Rational mc_noise() { return Rational(1, 2); }

// The sanity setting of THEORY.md: d = 5, s2 = 1/10.
inline Setting<Rational> sanity_setting() { return Setting<Rational>{5, Rational(1, 10)}; }

template <class T>
Setting<T> setting_in(int d, const Rational& s2) {
  return Setting<T>{d, from_rational<T>(s2)};
}

inline std::string label(int d, const Rational& s2) { return fmt::format("d={} s2={}", d, to_fraction(s2)); }

// The check "<claim>.monte_carlo.d<d>": the family spec(d) through Monte Carlo against its closed
// form on +-theta0, at the noise level mc_noise().
template <class F, class Spec>
Check family_monte_carlo(const std::string& claim, int d, const std::string& summary, Spec spec) {
  return {fmt::format("{}.monte_carlo.d{}", claim, d), summary,
          [d, spec](const CheckContext& ctx) { return mc_agreement<F>(spec(d), d, mc_noise(), ctx); }};
}

}  // namespace icl::theorems
