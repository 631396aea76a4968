// Losses as weighted sums of exact risks, over the merged (V, Q) or separate (V, Qsep, K)
// parameterization, with the exact gradient (the adjoint of adjoint.hpp; forward-mode automatic
// differentiation with Eigen's AutoDiff module as the cross-check) and exact Hessian-vector
// products (docs/exact_risk.md#6-derivatives).
#pragma once

#include <array>
#include <stdexcept>
#include <string>
#include <vector>

#include "exact/detail/adjoint.hpp"
#include "exact/detail/instances.hpp"
#include "exact/risk.hpp"
#include "model/point.hpp"

namespace icl::exact {

// Which matrices an update may change: all; the value matrix; the key-query product (merged Q, or
// both Qsep and K); the query matrix Qsep only; the key matrix K only (the last two: separate only).
enum class Update { All, Value, KeyQuery, Query, Key };

struct Coordinate {
  int block, row, col;
};

// The blocks (positions in Point::blocks, model/point.hpp) an update may change. Throws
// std::invalid_argument for q or k in the merged parameterization.
std::vector<int> updated_blocks(Parameterization kind, Update update);

// The coordinates of the blocks an update may change, block by block, row-major.
// Throws std::invalid_argument for q or k in the merged parameterization.
std::vector<Coordinate> coordinates(Parameterization kind, int D, Update update);

// The position of coordinate `c` in `coords` (as coordinates() lays them out); throws
// std::invalid_argument if the update does not train it.
inline Eigen::Index coordinate_index(const std::vector<Coordinate>& coords, const Coordinate& c) {
  for (std::size_t j = 0; j < coords.size(); ++j)
    if (coords[j].block == c.block && coords[j].row == c.row && coords[j].col == c.col)
      return static_cast<Eigen::Index>(j);
  throw std::invalid_argument("coordinate_index: the coordinate is not among the updated ones");
}

template <class T>
Vec<T> gather(const Point<T>& p, const std::vector<Coordinate>& coords) {
  Vec<T> x(static_cast<Eigen::Index>(coords.size()));
  for (std::size_t j = 0; j < coords.size(); ++j) x(j) = p.blocks[coords[j].block](coords[j].row, coords[j].col);
  return x;
}

template <class T>
void scatter(Point<T>& p, const std::vector<Coordinate>& coords, const Vec<T>& x) {
  for (std::size_t j = 0; j < coords.size(); ++j) p.blocks[coords[j].block](coords[j].row, coords[j].col) = x(j);
}

// One term of a loss: weight * R(P; n, task).
template <class T>
struct LossTerm {
  T weight;
  long n;
  TaskLaw<T> task;
};

// A loss: a weighted sum of exact risks at one noise level.
template <class T>
struct Objective {
  T s2;
  std::vector<LossTerm<T>> terms;

  template <class S>
  Objective<S> cast() const {
    Objective<S> out{S(s2), {}};
    for (const auto& t : terms) out.terms.push_back(LossTerm<S>{S(t.weight), t.n, t.task.template cast<S>()});
    return out;
  }
};

template <class T>
T objective_value(const Objective<T>& obj, const Point<T>& point, const Moments& moments = Moments::isserlis()) {
  const Mat<T> Q = point.Q();
  const Vec<T> v = point.V().row(point.D() - 1).transpose();
  if (obj.terms.empty()) throw std::invalid_argument("a loss needs at least one term");
  T sum = obj.terms.front().weight * risk(v, Q, obj.terms.front().task, obj.terms.front().n, obj.s2, moments);
  for (std::size_t i = 1; i < obj.terms.size(); ++i)
    sum += obj.terms[i].weight * risk(v, Q, obj.terms[i].task, obj.terms[i].n, obj.s2, moments);
  return sum;
}

// The chain rule from the gradient in (v, Q) -- gv = dL/dv for the value row v, gQ = dL/dQ for the
// merged Q -- to the blocks of `point`: V's last row is v; separate Q = Qsep^T K gives
// dL/dQsep = K gQ^T and dL/dK = Qsep gQ.
template <class T>
std::vector<Mat<T>> gradient_blocks(const Point<T>& point, const Vec<T>& gv, const Mat<T>& gQ) {
  const int D = point.D();
  std::vector<Mat<T>> out{Mat<T>::Zero(D, D)};
  out[block::V].row(D - 1) = gv.transpose();
  if (point.kind == Parameterization::Merged) {
    out.push_back(gQ);
  } else {
    out.push_back(point.K() * gQ.transpose());
    out.push_back(point.Qsep() * gQ);
  }
  return out;
}

template <class T>
struct ValueGradient {
  T value;
  Vec<T> gradient;  // one entry per coordinate
};

// Exact gradient with respect to `coords` by the adjoint (detail/adjoint.hpp), O(d^2) per loss
// term, then the chain rule to the blocks (gradient_blocks).
template <class T>
ValueGradient<T> value_and_gradient(const Objective<T>& obj, const Point<T>& point,
                                    const std::vector<Coordinate>& coords,
                                    const Moments& moments = Moments::isserlis()) {
  if (obj.terms.empty()) throw std::invalid_argument("a loss needs at least one term");
  const int D = point.D();
  const Mat<T> Q = point.Q();
  const Vec<T> v = point.V().row(D - 1).transpose();
  Vec<T> gv = Vec<T>::Zero(D);
  Mat<T> gQ = Mat<T>::Zero(D, D);
  T value = detail::risk_with_gradient(v, Q, obj.terms.front().task, obj.terms.front().n, obj.s2,
                                       obj.terms.front().weight, gv, gQ, moments);
  for (std::size_t i = 1; i < obj.terms.size(); ++i)
    value += detail::risk_with_gradient(v, Q, obj.terms[i].task, obj.terms[i].n, obj.s2, obj.terms[i].weight, gv, gQ,
                                        moments);
  const std::vector<Mat<T>> blocks = gradient_blocks(point, gv, gQ);
  Vec<T> g(static_cast<Eigen::Index>(coords.size()));
  for (std::size_t j = 0; j < coords.size(); ++j)
    g(static_cast<Eigen::Index>(j)) = blocks[coords[j].block](coords[j].row, coords[j].col);
  return {value, g};
}

// The same gradient by forward-mode AD: every coordinate carries a unit derivative, so the
// derivative part of the result is the gradient, exact in every scalar. O(d^2) per coordinate;
// the independent cross-check of the adjoint.
template <class T>
ValueGradient<T> value_and_gradient_forward(const Objective<T>& obj, const Point<T>& point,
                                            const std::vector<Coordinate>& coords,
                                            const Moments& moments = Moments::isserlis()) {
  using AD = Eigen::AutoDiffScalar<Vec<T>>;
  const auto p = static_cast<Eigen::Index>(coords.size());
  // Every input carries a derivative vector of full length (zero for constants): Eigen's
  // AutoDiff cannot always reconcile an empty derivative inside a compound expression.
  const auto constant = [p](const T& x) { return AD(x, Vec<T>::Zero(p)); };
  Point<AD> ad{point.kind, {}};
  for (const auto& b : point.blocks) ad.blocks.push_back(b.unaryExpr(constant));
  for (Eigen::Index j = 0; j < p; ++j) {
    const Coordinate& c = coords[static_cast<std::size_t>(j)];
    ad.blocks[c.block](c.row, c.col) = AD(point.blocks[c.block](c.row, c.col), p, j);
  }
  Objective<AD> ad_obj{constant(obj.s2), {}};
  for (const auto& t : obj.terms) {
    TaskLaw<AD> task = TaskLaw<AD>::sphere();
    if (t.task.theta) task = TaskLaw<AD>::fixed(t.task.theta->unaryExpr(constant));
    ad_obj.terms.push_back(LossTerm<AD>{constant(t.weight), t.n, task});
  }
  const AD out = objective_value(ad_obj, ad, moments);
  Vec<T> g = out.derivatives();
  if (g.size() == 0) g = Vec<T>::Zero(p);  // the loss does not depend on these coordinates
  return {out.value(), g};
}

// Along a line P + h u the loss is a polynomial in h of degree <= 4 (merged) or <= 6 (separate):
// the stencil with no truncation error there.
inline Stencil exact_stencil(Parameterization kind) {
  return kind == Parameterization::Merged ? Stencil::FivePoint : Stencil::SevenPoint;
}

// H u from the exact gradient by the central stencil `stencil` (exact_stencil(point.kind) is exact;
// another stencil is for the mutation self-test).
template <class T>
Vec<T> hessian_vector(const Objective<T>& obj, const Point<T>& point, const std::vector<Coordinate>& coords,
                      const Vec<T>& u, Stencil stencil, const Moments& moments = Moments::isserlis()) {
  // f'(0) = sum_j c_j (f(jh) - f(-jh)) / (denominator h), j = 1..k
  static constexpr std::array<int, 2> five{8, -1};       // / 12
  static constexpr std::array<int, 3> seven{45, -9, 1};  // / 60
  const bool five_point = stencil == Stencil::FivePoint;
  const int k = five_point ? 2 : 3;
  const int denom = five_point ? 12 : 60;
  T h = T(1);
  if constexpr (!is_exact_v<T>) {
    const T un = sqrt_of(T(u.squaredNorm()));
    if (un == T(0)) return Vec<T>::Zero(u.size());
    h = T(1) / un;  // a unit step along u keeps the stencil's rounding at the scale of u
  }
  const Vec<T> x0 = gather(point, coords);
  Vec<T> acc = Vec<T>::Zero(static_cast<Eigen::Index>(coords.size()));
  for (int j = 1; j <= k; ++j) {
    const int c = five_point ? five[static_cast<std::size_t>(j - 1)] : seven[static_cast<std::size_t>(j - 1)];
    for (int sign : {1, -1}) {
      Point<T> shifted = point;
      scatter(shifted, coords, Vec<T>(x0 + T(sign * j) * h * u));
      acc += T(sign * c) * value_and_gradient(obj, shifted, coords, moments).gradient;
    }
  }
  return acc / (T(denom) * h);
}

// The exact Hessian-vector product H u, with no truncation error.
template <class T>
Vec<T> hessian_vector(const Objective<T>& obj, const Point<T>& point, const std::vector<Coordinate>& coords,
                      const Vec<T>& u) {
  return hessian_vector(obj, point, coords, u, exact_stencil(point.kind));
}

// The dense Hessian, column by column from Hessian-vector products.
template <class T>
Mat<T> hessian(const Objective<T>& obj, const Point<T>& point, const std::vector<Coordinate>& coords) {
  const auto p = static_cast<Eigen::Index>(coords.size());
  Mat<T> H(p, p);
  for (Eigen::Index j = 0; j < p; ++j) H.col(j) = hessian_vector(obj, point, coords, Vec<T>(Vec<T>::Unit(p, j)));
  return H;
}

// Compiled once per scalar (src/exact/detail/instances.hpp, src/exact/instances_*.cpp). Not
// value_and_gradient_forward: the AD cross-check instantiates the whole engine again in AutoDiff
// scalars, and only the tests and the benchmark call it, so it is instantiated where it is used.
#define ICL_EXACT_OBJECTIVE_INSTANCES(EXTERN, T)                                                                 \
  EXTERN template T objective_value<T>(const Objective<T>&, const Point<T>&, const Moments&);                    \
  EXTERN template ValueGradient<T> value_and_gradient<T>(const Objective<T>&, const Point<T>&,                   \
                                                         const std::vector<Coordinate>&, const Moments&);        \
  EXTERN template Vec<T> hessian_vector<T>(const Objective<T>&, const Point<T>&, const std::vector<Coordinate>&, \
                                           const Vec<T>&, Stencil, const Moments&);                              \
  EXTERN template Vec<T> hessian_vector<T>(const Objective<T>&, const Point<T>&, const std::vector<Coordinate>&, \
                                           const Vec<T>&);                                                       \
  EXTERN template Mat<T> hessian<T>(const Objective<T>&, const Point<T>&, const std::vector<Coordinate>&);
#define ICL_EXACT_OBJECTIVE_INSTANCES_EXTERN(T) ICL_EXACT_OBJECTIVE_INSTANCES(extern, T)
ICL_EXACT_SCALARS(ICL_EXACT_OBJECTIVE_INSTANCES_EXTERN)
#undef ICL_EXACT_OBJECTIVE_INSTANCES_EXTERN

}  // namespace icl::exact
