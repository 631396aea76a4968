// Exact optimum of masked fine-tuning (docs/exact_risk.md#7-masked-optima). For fixed Q the risk
// is a convex quadratic in the value row, and for fixed V a convex quadratic in Q (also in Qsep
// for fixed K, and in K for fixed Qsep): the optimum is one linear solve, done exactly in
// rationals. The system is often singular; the answer is the minimizer nearest to the starting
// point (the one gradient flow from the start converges to) and the directions left free.
#pragma once

#include <Eigen/LU>
#include <stdexcept>

#include "exact/detail/instances.hpp"
#include "exact/objective.hpp"

namespace icl::exact {

// True when the loss is quadratic in the coordinates of `update` (the others held fixed).
inline bool is_quadratic(Parameterization kind, Update update) {
  if (update == Update::Value || update == Update::Query || update == Update::Key) return true;
  return kind == Parameterization::Merged && update == Update::KeyQuery;
}

namespace detail {

template <class T>
struct AffineMinimizers {
  Vec<T> x;     // the minimizer nearest to the anchor
  Mat<T> free;  // columns span the directions along which the minimum is flat
};

// Residual test for a linear solve: exactly zero in rationals, relative 1e-9 / 1e-40 otherwise.
template <class T>
bool solves(const Mat<T>& A, const Vec<T>& x, const Vec<T>& b) {
  const Vec<T> res = A * x - b;
  if constexpr (is_exact_v<T>) {
    return res.isZero(0);
  } else {
    T tol(1e-9);
    if constexpr (!std::is_same_v<T, double>) tol = T("1e-40");
    const T scale = T(1) + A.cwiseAbs().maxCoeff() * x.cwiseAbs().maxCoeff() + b.cwiseAbs().maxCoeff();
    return res.cwiseAbs().maxCoeff() <= tol * scale;
  }
}

// Minimizes x0 + B y |-> g.(B y) + (B y)^T H (B y) / 2 over y; returns the minimizer nearest to
// `anchor` and the free directions. Throws std::domain_error when the quadratic is unbounded below.
template <class T>
AffineMinimizers<T> minimize_on(const Mat<T>& H, const Vec<T>& g, const Vec<T>& x0, const Mat<T>& B,
                                const Vec<T>& anchor) {
  const Mat<T> Hb = B.transpose() * H * B;
  const Vec<T> gb = -(B.transpose() * g);
  const Eigen::FullPivLU<Mat<T>> lu(Hb);
  const Vec<T> y = lu.solve(gb);
  if (!solves(Hb, y, gb)) throw std::domain_error("the quadratic loss is unbounded below on these coordinates");
  const Vec<T> xp = x0 + B * y;
  const Mat<T> F = lu.dimensionOfKernel() == 0 ? Mat<T>(B.rows(), 0) : Mat<T>(B * lu.kernel());
  if (F.cols() == 0) return {xp, F};
  const Vec<T> c = Eigen::FullPivLU<Mat<T>>(F.transpose() * F).solve(Vec<T>(F.transpose() * (anchor - xp)));
  return {Vec<T>(xp + F * c), F};
}

// Lexicographic minimization of quadratic stages over x from x_start: minimize stages[0], then
// stages[1] over its minimizers, and so on; gradient_at(stage, x) is the exact gradient. The loss is
// quadratic, so H e_j = g(x + e_j) - g(x) exactly. Returns the minimizer nearest to x_start.
template <class T, class Stage, class Gradient>
AffineMinimizers<T> lexicographic_minimum(const std::vector<Stage>& stages, const Vec<T>& x_start,
                                          const Gradient& gradient_at) {
  const auto p = x_start.size();
  AffineMinimizers<T> m{x_start, Mat<T>::Identity(p, p)};
  for (const auto& obj : stages) {
    const Vec<T> g = gradient_at(obj, m.x);
    Mat<T> H(p, p);
    for (Eigen::Index j = 0; j < p; ++j) H.col(j) = gradient_at(obj, Vec<T>(m.x + Vec<T>::Unit(p, j))) - g;
    m = minimize_on(H, g, m.x, m.free, x_start);
    if (m.free.cols() == 0) break;
  }
  return m;
}

}  // namespace detail

template <class T>
struct MaskedOptimum {
  Point<T> point;
  Mat<T> free;  // directions (in coordinates) along which every stage is flat at the optimum
};

// Lexicographic minimization over `coords` from `start`: minimize stages[0], then stages[1] over
// the minimizers of stages[0], and so on. One stage is an ordinary weighted loss; the two stages
// {zs}, {fs} are the limit of zs + lambda fs as lambda -> 0+ (the end of the annealed schedule).
// Among all minimizers the one nearest to `start` is returned.
template <class T>
MaskedOptimum<T> masked_optimum(const std::vector<Objective<T>>& stages, const Point<T>& start,
                                const std::vector<Coordinate>& coords, Update update,
                                const Moments& moments = Moments::isserlis()) {
  if (!is_quadratic(start.kind, update))
    throw std::invalid_argument("the loss is not quadratic in these coordinates (kq in the separate parameterization)");
  const auto m =
      detail::lexicographic_minimum(stages, gather(start, coords), [&](const Objective<T>& obj, const Vec<T>& x) {
        Point<T> at = start;
        scatter(at, coords, x);
        return value_and_gradient(obj, at, coords, moments).gradient;
      });
  Point<T> out = start;
  scatter(out, coords, m.x);
  return {out, m.free};
}

// Compiled once per scalar (src/exact/detail/instances.hpp, src/exact/instances_*.cpp).
#define ICL_EXACT_QUADRATIC_INSTANCES(EXTERN, T)                                                        \
  EXTERN template MaskedOptimum<T> masked_optimum<T>(const std::vector<Objective<T>>&, const Point<T>&, \
                                                     const std::vector<Coordinate>&, Update, const Moments&);
#define ICL_EXACT_QUADRATIC_INSTANCES_EXTERN(T) ICL_EXACT_QUADRATIC_INSTANCES(extern, T)
ICL_EXACT_SCALARS(ICL_EXACT_QUADRATIC_INSTANCES_EXTERN)
#undef ICL_EXACT_QUADRATIC_INSTANCES_EXTERN

}  // namespace icl::exact
