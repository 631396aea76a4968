// The exact risk of one layer with H heads as a quadratic in the tensor T = (1/H) sum_h M_h (x) v_h
// (docs/architectures.md#3-the-exact-engine-for-one-layer). The prediction is
//   yhat = (1/N) [sum_s f(z_q, z_s) + f(z_q, z_q)],   f(a, b) = sum_ijk T_ijk a_i b_j b_k,
// so the risk has the six terms of the one-head engine (terms.hpp, ShotWeights), each a linear or
// quadratic form in T with Gaussian moments of the tokens up to degree 6. Every quadratic form
// q(T) is computed through its gradient, a linear map of T: q(T) = <T, grad q(T)> / 2, and the
// Hessian-vector product of q is grad q of the direction. Internal to the exact engine: use
// exact/heads.hpp.
#pragma once

#include <vector>

#include "exact/detail/terms.hpp"
#include "exact/task.hpp"

namespace icl::exact::detail {

// A D x D x D tensor, stored as D slices X_i (X_i)(j, k) = T_ijk, each a column-major D x D matrix.
template <class S>
struct Cubic {
  int D = 0;
  Vec<S> a;

  Cubic() = default;
  explicit Cubic(int dim) : D(dim), a(Vec<S>::Zero(static_cast<Eigen::Index>(dim) * dim * dim)) {}

  Eigen::Index index(int i, int j, int k) const { return (static_cast<Eigen::Index>(i) * D + k) * D + j; }
  S& operator()(int i, int j, int k) { return a(index(i, j, k)); }
  const S& operator()(int i, int j, int k) const { return a(index(i, j, k)); }
  Eigen::Map<Mat<S>> slice(int i) { return Eigen::Map<Mat<S>>(a.data() + index(i, 0, 0), D, D); }
  Eigen::Map<const Mat<S>> slice(int i) const { return Eigen::Map<const Mat<S>>(a.data() + index(i, 0, 0), D, D); }
};

template <class S>
S inner(const Cubic<S>& x, const Cubic<S>& y) {
  return x.a.dot(y.a);
}

// (r (x) X)_ijk = r_i X_jk.
template <class S>
Cubic<S> outer(const Vec<S>& r, const Mat<S>& X) {
  Cubic<S> out(static_cast<int>(r.size()));
  for (int i = 0; i < out.D; ++i) out.slice(i) = r(i) * X;
  return out;
}

// u_i = <X_i, C>: the contraction of the last two indices with C.
template <class S>
Vec<S> contract_last_two(const Cubic<S>& T, const Mat<S>& C) {
  Vec<S> u(T.D);
  for (int i = 0; i < T.D; ++i) u(i) = T.slice(i).cwiseProduct(C).sum();
  return u;
}

// The average of T over the six orders of its indices.
template <class S>
Cubic<S> symmetrize(const Cubic<S>& T) {
  Cubic<S> out(T.D);
  for (int i = 0; i < T.D; ++i)
    for (int j = 0; j < T.D; ++j)
      for (int k = 0; k < T.D; ++k)
        out(i, j, k) = (T(i, j, k) + T(i, k, j) + T(j, i, k) + T(j, k, i) + T(k, i, j) + T(k, j, i)) / real_t<S>(6);
  return out;
}

// A token z = mu + w, w ~ N(0, Sigma); C = E[z z^T] = mu mu^T + Sigma.
template <class S>
struct TokenLaw {
  Vec<S> mu;
  Mat<S> Sigma, C;
};

// The query (1, x_q, 0): mu = e_0, Sigma = the projection on the x coordinates.
template <class S>
TokenLaw<S> query_law(int d) {
  const int D = d + 2;
  TokenLaw<S> z{Vec<S>::Unit(D, 0), Mat<S>::Zero(D, D), Mat<S>::Zero(D, D)};
  z.Sigma.block(1, 1, d, d).setIdentity();
  z.C = z.mu * z.mu.transpose() + z.Sigma;
  return z;
}

// A context token (1, x, t.x + eps): Cov(x) = I, Cov(x, y) = t, Var(y) = t.t + s2.
template <class S>
TokenLaw<S> context_law(const Vec<S>& t, const S& s2) {
  const int d = static_cast<int>(t.size()), D = d + 2;
  TokenLaw<S> z{Vec<S>::Unit(D, 0), Mat<S>::Zero(D, D), Mat<S>::Zero(D, D)};
  z.Sigma.block(1, 1, d, d).setIdentity();
  z.Sigma.block(1, D - 1, d, 1) = t;
  z.Sigma.block(D - 1, 1, 1, d) = t.transpose();
  z.Sigma(D - 1, D - 1) = t.squaredNorm() + s2;
  z.C = z.mu * z.mu.transpose() + z.Sigma;
  return z;
}

// (M4 . X)_jk = sum_{j'k'} E[z_j z_k z_j' z_k'] X_j'k' by Isserlis' theorem:
//   <C, X> C + mu a^T + a mu^T + Sigma Xs Sigma,  Xs = X + X^T, a = Sigma Xs mu.
template <class S>
Mat<S> fourth_moment_apply(const TokenLaw<S>& z, const Mat<S>& X) {
  const Mat<S> Xs = X + X.transpose();
  const Vec<S> a = z.Sigma * (Xs * z.mu);
  const S cx = z.C.cwiseProduct(X).sum();
  return cx * z.C + z.mu * a.transpose() + a * z.mu.transpose() + z.Sigma * Xs * z.Sigma;
}

// E[(r.z) z (x) z (x) z], a symmetric tensor: with rho = r.mu and s = Sigma r,
//   rho mu mu mu + rho (mu Sigma)_3 + (mu mu s)_3 + (s Sigma)_3,
// where (.)_3 sums the three placements of the odd factor.
template <class S>
Cubic<S> third_moment_along(const TokenLaw<S>& z, const Vec<S>& r) {
  const int D = static_cast<int>(z.mu.size());
  const S rho = r.dot(z.mu);
  const Vec<S> s = z.Sigma * r;
  const auto& m = z.mu;
  const auto& P = z.Sigma;
  Cubic<S> out(D);
  for (int b = 0; b < D; ++b)
    for (int c = 0; c < D; ++c)
      for (int e = 0; e < D; ++e)
        out(b, c, e) = rho * (m(b) * m(c) * m(e) + m(b) * P(c, e) + m(c) * P(b, e) + m(e) * P(b, c)) +
                       m(b) * m(c) * s(e) + m(b) * m(e) * s(c) + m(c) * m(e) * s(b) + s(b) * P(c, e) + s(c) * P(b, e) +
                       s(e) * P(b, c);
  return out;
}

// Y_i = sum_i' Cq_ii' T_i': the slices weighted by the query's second moments (E_m2's inner factor).
template <class S>
Mat<S> query_weighted_slice(const TokenLaw<S>& query, const Cubic<S>& T, int i) {
  Mat<S> Y = Mat<S>::Zero(T.D, T.D);
  for (int k = 0; k < T.D; ++k)
    if (query.C(i, k) != S(0)) Y += query.C(i, k) * T.slice(k);
  return Y;
}

// The six term values at one task point, as the one-head engine names them (terms.hpp):
// t_mu1 = E[y_q m1], E_t_f = E[y_q f_q], E_m2 = E[f(z_q, z)^2], E_m1_sq = E[m1^2],
// E_m1_f = E[m1 f_q], E_f_sq = E[f_q^2], with m1 = E[f(z_q, z) | z_q] = u.z_q, u = <T_i, C>.
template <class S>
struct HeadTermValues {
  S t_mu1, E_t_f, E_m2, E_m1_sq, E_m1_f, E_f_sq;
};

// Everything that depends on the task point but not on T.
template <class S>
struct TaskPoint {
  TokenLaw<S> query, context;
  Vec<S> t_hat;  // E[y_q z_q] = (0, t, 0)
  S tt;
};

template <class S>
TaskPoint<S> task_point(const Vec<S>& t, const S& s2) {
  const int d = static_cast<int>(t.size());
  TaskPoint<S> p{query_law<S>(d), context_law(t, s2), Vec<S>::Zero(d + 2), t.squaredNorm()};
  p.t_hat.segment(1, d) = t;
  return p;
}

// The gradients of the four quadratic forms (each linear in T) and of the two linear ones.
template <class S>
struct HeadTermGradients {
  const TaskPoint<S>& at;

  // grad E[(y_q) m1] = (Cq t_hat) (x) C;  grad E[y_q f_q] = E[(t_hat.z_q) z_q z_q z_q].
  Cubic<S> t_mu1() const { return outer(Vec<S>(at.query.C * at.t_hat), at.context.C); }
  Cubic<S> E_t_f() const { return third_moment_along(at.query, at.t_hat); }

  // E_m2 = sum_ii' Cq_ii' <T_i, M4 . T_i'>: gradient slice i = 2 M4 . (sum_i' Cq_ii' T_i').
  Cubic<S> E_m2(const Cubic<S>& T) const {
    Cubic<S> g(T.D);
    for (int i = 0; i < T.D; ++i)
      g.slice(i) = real_t<S>(2) * fourth_moment_apply(at.context, query_weighted_slice(at.query, T, i));
    return g;
  }
  // E_m1_sq = u^T Cq u: gradient 2 (Cq u) (x) C.
  Cubic<S> E_m1_sq(const Cubic<S>& T) const {
    const Vec<S> u = contract_last_two(T, at.context.C);
    return outer(Vec<S>(real_t<S>(2) * (at.query.C * u)), at.context.C);
  }
  // E_m1_f = <E3q(u), T>: gradient E3q(u) + g (x) C with g_i = <E3q(e_i), T>.
  Cubic<S> E_m1_f(const Cubic<S>& T) const {
    const Vec<S> u = contract_last_two(T, at.context.C);
    Cubic<S> out = third_moment_along(at.query, u);
    Vec<S> g(T.D);
    for (int i = 0; i < T.D; ++i) g(i) = inner(third_moment_along(at.query, Vec<S>(Vec<S>::Unit(T.D, i))), T);
    out.a += outer(g, at.context.C).a;
    return out;
  }
  // f_q = p(x_q), a cubic in x ~ N(0, I_d) read off the symmetrized tensor U: with index 0 the
  // constant and a, b, c over x, c0 = U_000, c1_a = U_a00, A_ab = U_ab0, B_abc = U_abc and
  //   p = (c0 + 3 tr A) + (3 c1 + 3 B:I).x + 3 He2(A) + He3(B)   (Hermite parts, orthogonal),
  //   E_f_sq = s0^2 + |s1|^2 + 18 |A|^2 + 6 |B|^2,  s0 = c0 + 3 tr A, s1 = 3 c1 + 3 B:I.
  // The gradient is the symmetrization of the derivative in the entries read.
  Cubic<S> E_f_sq(const Cubic<S>& T) const {
    const Cubic<S> U = symmetrize(T);
    const int D = T.D, d = D - 2;
    S s0 = U(0, 0, 0);
    for (int a = 1; a <= d; ++a) s0 += real_t<S>(3) * U(a, a, 0);
    Vec<S> s1(D);
    for (int a = 1; a <= d; ++a) {
      S bi = U(a, 0, 0);
      for (int b = 1; b <= d; ++b) bi += U(a, b, b);
      s1(a) = real_t<S>(3) * bi;
    }
    Cubic<S> raw(D);
    raw(0, 0, 0) = real_t<S>(2) * s0;
    for (int a = 1; a <= d; ++a) {
      raw(a, a, 0) += real_t<S>(6) * s0;
      raw(a, 0, 0) += real_t<S>(6) * s1(a);
      for (int b = 1; b <= d; ++b) {
        raw(a, b, b) += real_t<S>(6) * s1(a);
        raw(a, b, 0) += real_t<S>(36) * U(a, b, 0);
        for (int c = 1; c <= d; ++c) raw(a, b, c) += real_t<S>(12) * U(a, b, c);
      }
    }
    return symmetrize(raw);
  }
};

// The six values at one task point, each directly (the forms above without their gradients):
// O(D^4) for E_m2, O(D^3) for the others.
template <class S>
HeadTermValues<S> head_term_values(const TaskPoint<S>& at, const Cubic<S>& T) {
  const Vec<S> u = contract_last_two(T, at.context.C);
  S m2(0);
  for (int i = 0; i < T.D; ++i)
    m2 += T.slice(i).cwiseProduct(fourth_moment_apply(at.context, query_weighted_slice(at.query, T, i))).sum();
  const Cubic<S> U = symmetrize(T);
  const int d = T.D - 2;
  S s0 = U(0, 0, 0), ff(0);
  for (int a = 1; a <= d; ++a) s0 += real_t<S>(3) * U(a, a, 0);
  for (int a = 1; a <= d; ++a) {
    S bi = U(a, 0, 0);
    for (int b = 1; b <= d; ++b) {
      bi += U(a, b, b);
      ff += real_t<S>(18) * U(a, b, 0) * U(a, b, 0);
      for (int c = 1; c <= d; ++c) ff += real_t<S>(6) * U(a, b, c) * U(a, b, c);
    }
    ff += real_t<S>(9) * bi * bi;
  }
  return {Vec<S>(at.query.C * at.t_hat).dot(u),
          inner(third_moment_along(at.query, at.t_hat), T),
          m2,
          u.dot(at.query.C * u),
          inner(third_moment_along(at.query, u), T),
          s0 * s0 + ff};
}

// The same six values as forms through their gradients: linear forms <grad, T>, quadratic forms
// <T, grad(T)> / 2 (the cross-check of the gradients in tests/test_heads.cpp).
template <class S>
HeadTermValues<S> head_term_values_from_gradients(const TaskPoint<S>& at, const Cubic<S>& T) {
  const HeadTermGradients<S> g{at};
  const auto half = [&](const Cubic<S>& grad) { return inner(T, grad) / real_t<S>(2); };
  return {inner(g.t_mu1(), T), inner(g.E_t_f(), T), half(g.E_m2(T)),
          half(g.E_m1_sq(T)),  half(g.E_m1_f(T)),   half(g.E_f_sq(T))};
}

// R(n) at one task point from the term values and the shot weights of n.
template <class S>
S risk_from_values(const TaskPoint<S>& at, const HeadTermValues<S>& v, const ShotWeights<real_t<S>>& k, const S& s2) {
  return at.tt + s2 + k.t_mu1 * v.t_mu1 + k.E_t_f * v.E_t_f + k.E_m2 * v.E_m2 + k.E_m1_sq * v.E_m1_sq +
         k.E_m1_f * v.E_m1_f + k.E_f_sq * v.E_f_sq;
}

// weight * grad_T R(n) at one task point, added to G; without the linear terms (linear = false) it
// is the Hessian (a constant) applied to T.
template <class S>
void add_risk_gradient(const TaskPoint<S>& at, const Cubic<S>& T, const ShotWeights<real_t<S>>& k, const S& weight,
                       bool linear, Cubic<S>& G) {
  const HeadTermGradients<S> g{at};
  const auto add = [&](const real_t<S>& w, const Cubic<S>& grad) { G.a += (weight * S(w)) * grad.a; };
  if (linear) {
    add(k.t_mu1, g.t_mu1());
    add(k.E_t_f, g.E_t_f());
  }
  add(k.E_m2, g.E_m2(T));
  add(k.E_m1_sq, g.E_m1_sq(T));
  add(k.E_m1_f, g.E_m1_f(T));
  add(k.E_f_sq, g.E_f_sq(T));
}

// The task points of a law with their weights: theta itself, or the 2d points +-e_i of the sphere
// average (the risk restricted to the sphere is a polynomial of degree <= 2 in theta for any T,
// docs/architectures.md#3-the-exact-engine-for-one-layer).
template <class S>
std::vector<TaskPoint<S>> task_points(const TaskLaw<S>& task, int d, const S& s2) {
  if (task.theta) return {task_point(*task.theta, s2)};
  std::vector<TaskPoint<S>> out;
  for (int i = 0; i < d; ++i)
    for (int sign : {1, -1}) out.push_back(task_point(Vec<S>(real_t<S>(sign) * Vec<S>::Unit(d, i)), s2));
  return out;
}

}  // namespace icl::exact::detail
