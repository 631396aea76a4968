// Gaussian moment identities the exact engine is built from (docs/exact_risk.md#2-moments).
// Bundled as a policy type so that a deliberately wrong moment (src/verify/mutants.hpp) can be
// run through the same engine and must be caught by the checks.
#pragma once

#include <Eigen/Core>
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

// For x ~ N(0, I_d), A symmetric, b, c, w vectors (Isserlis' theorem):
struct GaussianMoments {
  static constexpr const char* name = "Isserlis";

  // E[(x^T A x)^2] = (tr A)^2 + 2 tr(A^2)
  template <class T>
  static T quad_square(const T& trA, const T& trA2) {
    return trA * trA + real_t<T>(2) * trA2;
  }
  // E[(b.x)(c.x)(x^T A x)] = (b.c) tr A + 2 b^T A c
  template <class T>
  static T lin_lin_quad(const T& bc, const T& trA, const T& bAc) {
    return bc * trA + real_t<T>(2) * bAc;
  }
  // E[(w.x)^2 (x^T A x)^2] = |w|^2 ((tr A)^2 + 2 tr A^2) + 4 tr A (w^T A w) + 8 |A w|^2
  template <class T>
  static T sextic(const T& ww, const T& trA, const T& trA2, const T& wAw, const T& AwAw) {
    return ww * quad_square(trA, trA2) + real_t<T>(4) * trA * wAw + real_t<T>(8) * AwAw;
  }
  // E[X^2 Y^2] for centred jointly Gaussian X, Y: Var X Var Y + 2 Cov(X, Y)^2
  template <class T>
  static T product_fourth(const T& var_x, const T& var_y, const T& cov2) {
    return var_x * var_y + real_t<T>(2) * cov2;
  }
};

}  // namespace icl::exact
