// Exact population risk, gradient and Hessian-vector products of one layer with H heads
// (docs/architectures.md#3-the-exact-engine-for-one-layer). The prediction depends on the heads
// only through T = (1/H) sum_h M_h (x) v_h, and the risk is a quadratic in T whose coefficients are
// Gaussian moments (detail/head_terms.hpp): O(D^4) per task point after an O(H D^3) tensor, then
// O(1) per n on a curve. The gradient is the chain rule from grad_T R; the Hessian-vector product
// is exact (the Hessian in T is a constant operator, plus the bilinear map (M_h, v_h) -> T).
// double, Float50 and Rational are compiled once (exact/detail/instances.hpp).
#pragma once

#include <stdexcept>
#include <vector>

#include "exact/detail/head_terms.hpp"
#include "exact/detail/instances.hpp"
#include "exact/objective.hpp"
#include "exact/quadratic.hpp"
#include "model/arch.hpp"

namespace icl::exact {

namespace detail {

// Throws std::invalid_argument unless `a` is one layer of valid heads.
template <class S>
void check_one_layer(const Arch<S>& a) {
  validate_arch(a);
  if (a.L() != 1)
    throw std::invalid_argument("the exact engine covers one layer (L = 1); " + std::to_string(a.L()) +
                                " layers need Monte Carlo");
}

// (1/H) sum_h M_h (x) v_h for H pairs: T_ijk = (1/H) sum_h M_h[i, j] v_h[k].
template <class S>
Cubic<S> tensor_of(const std::vector<Mat<S>>& M, const std::vector<Vec<S>>& v) {
  const int D = static_cast<int>(v.front().size());
  Cubic<S> T(D);
  for (std::size_t h = 0; h < M.size(); ++h)
    for (int i = 0; i < D; ++i) T.slice(i) += M[h].row(i).transpose() * v[h].transpose();
  T.a /= S(static_cast<long>(M.size()));
  return T;
}

// T = (1/H) sum_h M_h (x) v_h of the heads of one layer.
template <class S>
Cubic<S> head_tensor(const std::vector<Head<S>>& heads) {
  std::vector<Mat<S>> M;
  std::vector<Vec<S>> v;
  for (const auto& h : heads) {
    M.push_back(h.M());
    v.push_back(h.v());
  }
  return tensor_of(M, v);
}

}  // namespace detail

// R(n) of one layer for every n of `shots`, in order; throws std::invalid_argument unless L = 1,
// n >= 0 and a fixed task has length d.
template <class S>
std::vector<S> arch_curve(const Arch<S>& a, const TaskLaw<S>& task, const std::vector<long>& shots, const S& s2) {
  detail::check_one_layer(a);
  for (long n : shots)
    if (n < 0) throw std::invalid_argument("exact risk: n must be >= 0");
  if (task.theta && task.theta->size() != a.d()) throw std::invalid_argument("exact risk: theta must have length d");
  const detail::Cubic<S> T = detail::head_tensor(a.layers.front());
  const auto points = detail::task_points(task, a.d(), s2);
  std::vector<S> out(shots.size(), S(0));
  for (const auto& at : points) {
    const auto values = detail::head_term_values(at, T);
    for (std::size_t j = 0; j < shots.size(); ++j)
      out[j] += detail::risk_from_values(at, values, detail::ShotWeights<real_t<S>>(shots[j]), s2);
  }
  for (auto& r : out) r = r / S(static_cast<long>(points.size()));
  return out;
}

template <class S>
S arch_risk(const Arch<S>& a, const TaskLaw<S>& task, long n, const S& s2) {
  return arch_curve(a, task, {n}, s2).front();
}

// --- losses over the heads of one layer -------------------------------------------------------
// Coordinates {block, row, col} with block = h * (blocks per head) + b, b = block::V, Q (merged)
// or block::V, Qsep, K (separate), as in model/point.hpp.

inline int blocks_per_head(Parameterization kind) { return kind == Parameterization::Merged ? 2 : 3; }

// The coordinates of every head's blocks an update may change, head by head.
std::vector<Coordinate> head_coordinates(Parameterization kind, int H, int D, Update update);

// The matrix of coordinate block `block` (Arch<T> or const Arch<T>).
template <class A>
auto& head_block(A& a, int block) {
  auto& h = a.layers.front()[static_cast<std::size_t>(block / blocks_per_head(a.kind()))];
  const int b = block % blocks_per_head(a.kind());
  return b == block::V ? h.V : (b == block::Q ? h.Q : h.K);
}

template <class T>
Vec<T> gather(const Arch<T>& a, const std::vector<Coordinate>& coords) {
  Vec<T> x(static_cast<Eigen::Index>(coords.size()));
  for (std::size_t j = 0; j < coords.size(); ++j) x(j) = head_block(a, coords[j].block)(coords[j].row, coords[j].col);
  return x;
}

template <class T>
void scatter(Arch<T>& a, const std::vector<Coordinate>& coords, const Vec<T>& x) {
  for (std::size_t j = 0; j < coords.size(); ++j) head_block(a, coords[j].block)(coords[j].row, coords[j].col) = x(j);
}

namespace detail {

// Sum over the loss terms and their task points of weight * (grad_T R, or the Hessian applied to
// T when linear = false), and the loss value.
template <class S>
S loss_gradient_in_T(const Objective<S>& obj, const Cubic<S>& T, int d, bool linear, Cubic<S>& G) {
  if (obj.terms.empty()) throw std::invalid_argument("a loss needs at least one term");
  S value(0);
  for (const auto& term : obj.terms) {
    if (term.task.theta && term.task.theta->size() != d)
      throw std::invalid_argument("exact risk: theta must have length d");
    const auto points = task_points(term.task, d, obj.s2);
    const S w = term.weight / S(static_cast<long>(points.size()));
    const ShotWeights<real_t<S>> k(term.n);
    for (const auto& at : points) {
      if (linear) value += w * risk_from_values(at, head_term_values(at, T), k, obj.s2);
      add_risk_gradient(at, T, k, w, linear, G);
    }
  }
  return value;
}

// dL/dM_h = (1/H) G x_3 v_h and dL/dv_h = (1/H) G :_12 M_h.
template <class S>
Mat<S> gradient_M(const Cubic<S>& G, const Vec<S>& v, long H) {
  Mat<S> g(G.D, G.D);
  for (int i = 0; i < G.D; ++i) g.row(i) = (G.slice(i) * v).transpose();
  return g / S(H);
}

template <class S>
Vec<S> gradient_v(const Cubic<S>& G, const Mat<S>& M, long H) {
  Vec<S> g = Vec<S>::Zero(G.D);
  for (int i = 0; i < G.D; ++i) g += G.slice(i).transpose() * M.row(i).transpose();
  return g / S(H);
}

template <class S>
Point<S> head_point(const Head<S>& h) {
  if (h.merged()) return Point<S>::merged(MergedParams<S>{h.V, h.Q});
  return Point<S>::separate(SeparateParams<S>{h.V, h.Q, h.K});
}

template <class S>
Vec<S> gather_blocks(const std::vector<std::vector<Mat<S>>>& per_head, const std::vector<Coordinate>& coords, int per) {
  Vec<S> g(static_cast<Eigen::Index>(coords.size()));
  for (std::size_t j = 0; j < coords.size(); ++j) {
    const auto& c = coords[j];
    g(static_cast<Eigen::Index>(j)) = per_head[static_cast<std::size_t>(c.block / per)][c.block % per](c.row, c.col);
  }
  return g;
}

}  // namespace detail

template <class S>
S heads_objective_value(const Objective<S>& obj, const Arch<S>& a) {
  detail::check_one_layer(a);
  detail::Cubic<S> G(a.D());
  return detail::loss_gradient_in_T(obj, detail::head_tensor(a.layers.front()), a.d(), true, G);
}

// The loss and its exact gradient with respect to `coords` (head_coordinates).
template <class S>
ValueGradient<S> heads_value_and_gradient(const Objective<S>& obj, const Arch<S>& a,
                                          const std::vector<Coordinate>& coords) {
  detail::check_one_layer(a);
  const auto& heads = a.layers.front();
  detail::Cubic<S> G(a.D());
  const S value = detail::loss_gradient_in_T(obj, detail::head_tensor(heads), a.d(), true, G);
  const long H = a.H();
  std::vector<std::vector<Mat<S>>> blocks;
  for (const auto& h : heads)
    blocks.push_back(
        gradient_blocks(detail::head_point(h), detail::gradient_v(G, h.M(), H), detail::gradient_M(G, h.v(), H)));
  return {value, detail::gather_blocks(blocks, coords, blocks_per_head(a.kind()))};
}

// The exact Hessian-vector product H u with respect to `coords`.
template <class S>
Vec<S> heads_hessian_vector(const Objective<S>& obj, const Arch<S>& a, const std::vector<Coordinate>& coords,
                            const Vec<S>& u) {
  detail::check_one_layer(a);
  const auto& heads = a.layers.front();
  const int D = a.D();
  const long H = a.H();
  // The direction as blocks per head (zero where the update does not reach).
  Arch<S> du = a;
  for (auto& h : du.layers.front())
    for (Mat<S>* m : {&h.V, &h.Q, &h.K})
      if (m->size() != 0) m->setZero();
  scatter(du, coords, u);
  const auto& dheads = du.layers.front();
  // dT = (1/H) sum_h (dM_h (x) v_h + M_h (x) dv_h), dM_h = dQ^T K + Q^T dK (separate): the tensor
  // of the 2H pairs (dM_h, v_h), (M_h, dv_h), times 2 for the average over 2H.
  std::vector<Mat<S>> dM, pairs_M;
  std::vector<Vec<S>> pairs_v;
  for (std::size_t h = 0; h < heads.size(); ++h) {
    const auto& x = heads[h];
    const auto& dx = dheads[h];
    dM.push_back(x.merged() ? dx.Q : Mat<S>(dx.Q.transpose() * x.K + x.Q.transpose() * dx.K));
    pairs_M.insert(pairs_M.end(), {dM.back(), x.M()});
    pairs_v.insert(pairs_v.end(), {x.v(), dx.v()});
  }
  detail::Cubic<S> dT = detail::tensor_of(pairs_M, pairs_v);
  dT.a *= real_t<S>(2);
  detail::Cubic<S> G(D), Gdot(D);
  detail::loss_gradient_in_T(obj, detail::head_tensor(heads), a.d(), true, G);
  detail::loss_gradient_in_T(obj, dT, a.d(), false, Gdot);
  std::vector<std::vector<Mat<S>>> blocks;
  for (std::size_t h = 0; h < heads.size(); ++h) {
    const auto& x = heads[h];
    const auto& dx = dheads[h];
    const Mat<S> M = x.M();
    const Mat<S> gM = detail::gradient_M(G, x.v(), H);
    const Mat<S> dgM = detail::gradient_M(Gdot, x.v(), H) + detail::gradient_M(G, dx.v(), H);
    const Vec<S> dgv = detail::gradient_v(Gdot, M, H) + detail::gradient_v(G, dM[h], H);
    std::vector<Mat<S>> b{Mat<S>::Zero(D, D)};
    b[block::V].row(D - 1) = dgv.transpose();
    if (x.merged()) {
      b.push_back(dgM);
    } else {  // dL/dQ = K gM^T, dL/dK = Q gM
      b.push_back(Mat<S>(dx.K * gM.transpose() + x.K * dgM.transpose()));
      b.push_back(Mat<S>(dx.Q * gM + x.Q * dgM));
    }
    blocks.push_back(b);
  }
  return detail::gather_blocks(blocks, coords, blocks_per_head(a.kind()));
}

template <class S>
Mat<S> heads_hessian(const Objective<S>& obj, const Arch<S>& a, const std::vector<Coordinate>& coords) {
  const auto p = static_cast<Eigen::Index>(coords.size());
  Mat<S> Hm(p, p);
  for (Eigen::Index j = 0; j < p; ++j) Hm.col(j) = heads_hessian_vector(obj, a, coords, Vec<S>(Vec<S>::Unit(p, j)));
  return Hm;
}

// lim_{n -> infinity} R(n) = t.t + s2 - 2 t_mu1 + E_m1_sq (the weights of the other terms vanish):
// the risk with unboundedly many shots. Throws as arch_curve.
template <class S>
S arch_risk_limit(const Arch<S>& a, const TaskLaw<S>& task, const S& s2) {
  detail::check_one_layer(a);
  if (task.theta && task.theta->size() != a.d()) throw std::invalid_argument("exact risk: theta must have length d");
  const detail::Cubic<S> T = detail::head_tensor(a.layers.front());
  const auto points = detail::task_points(task, a.d(), s2);
  S sum(0);
  for (const auto& at : points) {
    const auto v = detail::head_term_values(at, T);
    sum += at.tt + s2 - real_t<S>(2) * v.t_mu1 + v.E_m1_sq;
  }
  return sum / S(static_cast<long>(points.size()));
}

template <class T>
struct HeadsOptimum {
  Arch<T> arch;
  Mat<T> free;  // directions (in coordinates) along which every stage is flat at the optimum
};

// masked_optimum (quadratic.hpp) for the heads of one layer: lexicographic over the stages, the
// minimizer nearest to `start`; throws std::invalid_argument unless the loss is quadratic in the
// update (v-only over all heads, merged kq-only, separate q-only or k-only).
template <class T>
HeadsOptimum<T> heads_masked_optimum(const std::vector<Objective<T>>& stages, const Arch<T>& start,
                                     const std::vector<Coordinate>& coords, Update update) {
  detail::check_one_layer(start);
  if (!is_quadratic(start.kind(), update))
    throw std::invalid_argument("the loss is not quadratic in these coordinates (kq in the separate parameterization)");
  const auto m =
      detail::lexicographic_minimum(stages, gather(start, coords), [&](const Objective<T>& obj, const Vec<T>& x) {
        Arch<T> at = start;
        scatter(at, coords, x);
        return heads_value_and_gradient(obj, at, coords).gradient;
      });
  Arch<T> out = start;
  scatter(out, coords, m.x);
  return {out, m.free};
}

// Compiled once per scalar (src/exact/detail/instances.hpp, src/exact/instances_*.cpp): the curves in
// every scalar; the loss, its derivatives and the optimum in the scalars the program optimizes heads
// in (double and rational; ICL_EXACT_HEADS_SCALARS). Another scalar instantiates them where it is used.
#define ICL_EXACT_HEADS_CURVE_INSTANCES(EXTERN, T)                                                                     \
  EXTERN template std::vector<T> arch_curve<T>(const Arch<T>&, const TaskLaw<T>&, const std::vector<long>&, const T&); \
  EXTERN template T arch_risk_limit<T>(const Arch<T>&, const TaskLaw<T>&, const T&);
#define ICL_EXACT_HEADS_INSTANCES(EXTERN, T)                                                                          \
  EXTERN template T heads_objective_value<T>(const Objective<T>&, const Arch<T>&);                                    \
  EXTERN template ValueGradient<T> heads_value_and_gradient<T>(const Objective<T>&, const Arch<T>&,                   \
                                                               const std::vector<Coordinate>&);                       \
  EXTERN template Vec<T> heads_hessian_vector<T>(const Objective<T>&, const Arch<T>&, const std::vector<Coordinate>&, \
                                                 const Vec<T>&);                                                      \
  EXTERN template HeadsOptimum<T> heads_masked_optimum<T>(const std::vector<Objective<T>>&, const Arch<T>&,           \
                                                          const std::vector<Coordinate>&, Update);
#define ICL_EXACT_HEADS_CURVE_INSTANCES_EXTERN(T) ICL_EXACT_HEADS_CURVE_INSTANCES(extern, T)
#define ICL_EXACT_HEADS_INSTANCES_EXTERN(T) ICL_EXACT_HEADS_INSTANCES(extern, T)
ICL_EXACT_SCALARS(ICL_EXACT_HEADS_CURVE_INSTANCES_EXTERN)
ICL_EXACT_HEADS_SCALARS(ICL_EXACT_HEADS_INSTANCES_EXTERN)
#undef ICL_EXACT_HEADS_CURVE_INSTANCES_EXTERN
#undef ICL_EXACT_HEADS_INSTANCES_EXTERN

}  // namespace icl::exact
