// Gaussian moment identities the exact engine is built from (docs/exact_risk.md#2-moments).
// Bundled as a runtime value (exact::Moments) so that a deliberately wrong moment (claim E's mutants,
// theorems/e_engine.cpp) runs through the same compiled engine and must be caught by the checks.
#pragma once

#include <Eigen/Core>
#include <optional>
// Eigen/Core must come before the AutoDiff module.
#include <unsupported/Eigen/AutoDiff>

#include "model/params.hpp"

namespace icl::exact {

// The plain scalar under an automatic-differentiation scalar. The engine writes its literals in
// this type (R(2) * x, never S(2) * x): an AD literal would carry an empty derivative vector.
template <class S>
struct real_of {
  using type = S;
};
template <class T>
struct real_of<Eigen::AutoDiffScalar<Vec<T>>> {
  using type = T;
};
template <class S>
using real_t = typename real_of<S>::type;

// A central stencil for f'(0) from f(+-j h), j = 1..points/2: 5 points are exact for polynomials
// of degree <= 4 along the line, 7 points for degree <= 6 (docs/exact_risk.md#6-derivatives).
enum class Stencil { FivePoint = 5, SevenPoint = 7 };

// For x ~ N(0, I_d), A symmetric, b, c, w vectors, the four identities the engine closes its
// expectations with. Moments::isserlis() is Isserlis' theorem; every other value is a deliberately
// wrong moment (a mutant): its integer pairing counts differ, or quad_square is expanded around a
// rational shift K (the same polynomial, evaluated with a cancellation in floating point).
struct Moments {
  const char* name = "Isserlis";
  int quad_pairings = 2;     // E[(x^T A x)^2] = (tr A)^2 + 2 tr(A^2)
  int lin_lin_pairings = 2;  // E[(b.x)(c.x)(x^T A x)] = (b.c) tr A + 2 b^T A c
  int sextic_trace = 4;      // E[(w.x)^2 (x^T A x)^2] = |w|^2 E[(x^T A x)^2] + 4 tr A (w^T A w) + 8 |A w|^2
  int sextic_square = 8;
  int product_pairings = 2;    // E[X^2 Y^2] = Var X Var Y + 2 Cov(X, Y)^2, X, Y centred jointly Gaussian
  long shift_numerator = 0;    // quad_square as (tr A + K)^2 - K (2 tr A + K) + ... with K = num / den
  long shift_denominator = 1;  // (0: no shift)
  // A derivative stencil the separate parameterization's Hessian-vector checks use instead of the
  // exact one (claim E's stencil mutant; the engine itself takes the stencil as an argument).
  std::optional<Stencil> separate_stencil{};

  static Moments isserlis() { return {}; }

  template <class T>
  T quad_square(const T& trA, const T& trA2) const {
    using R = real_t<T>;
    if (shift_numerator == 0) return plain_quad_square(trA, trA2);
    const R K = R(shift_numerator) / R(shift_denominator);
    return (trA + K) * (trA + K) - K * (R(2) * trA + K) + R(quad_pairings) * trA2;
  }
  template <class T>
  T lin_lin_quad(const T& bc, const T& trA, const T& bAc) const {
    return bc * trA + real_t<T>(lin_lin_pairings) * bAc;
  }
  template <class T>
  T sextic(const T& ww, const T& trA, const T& trA2, const T& wAw, const T& AwAw) const {
    using R = real_t<T>;
    return ww * plain_quad_square(trA, trA2) + R(sextic_trace) * trA * wAw + R(sextic_square) * AwAw;
  }
  template <class T>
  T product_fourth(const T& var_x, const T& var_y, const T& cov2) const {
    if (product_pairings == 0) return var_x * var_y;
    return var_x * var_y + real_t<T>(product_pairings) * cov2;
  }

 private:
  template <class T>
  T plain_quad_square(const T& trA, const T& trA2) const {
    return trA * trA + real_t<T>(quad_pairings) * trA2;
  }
};

}  // namespace icl::exact
