// The exact risk's intermediate terms (docs/exact_risk.md#3-the-query-terms,
// #4-the-context-terms): the query terms, the task products and the context terms, and how they
// combine for n shots. Internal to the exact engine: use exact/risk.hpp.
#pragma once

#include <stdexcept>

#include "exact/moments.hpp"
#include "exact/task.hpp"

namespace icl::exact::detail {

// Everything that does not depend on theta, from the value row v = (v0, w, vy) and the rows of Q
// the query reaches (docs/exact_risk.md#3-the-query-terms). Notation: p = Q00, pi = Q[x,0],
// k = Q[0,x], r = Q[0,y], rho = Q[x,y], A = sym(Q[x,x]); the query's own score is
// s_q = p + (pi + k).x + x^T A x and its own term f_q = s_q (v0 + w.x).
template <class S>
struct QueryTerms {
  S p, r, v0, vy;
  Vec<S> pi, k, rho, w;
  Mat<S> Qxx;
  Vec<S> Qw, Aw, QT_rho, a, p1;  // a = pi + k
  S kk, kw, ww, rho2, QQ, trA, trA2, E_u0_sq;
  S p0, aw, trP2, trP2sq, E_f, E_f_sq;  // f_q = p0 + p1.x + x^T P2 x + ..., aw = a.w
};

// The task vector t enters only through these products (and the vector Q[x,x] t).
template <class S>
struct ThetaProducts {
  S tt, tw, tk, tpi, trho, tQw, tQt, tQT_rho, tp1, tAw;  // t.t, t.w, ..., t^T Q[x,x] t, ...
  Vec<S> Qt;                                             // Q[x,x] t
};

template <class S>
QueryTerms<S> query_terms(const Vec<S>& v, const Mat<S>& Q, const Moments& M) {
  using R = real_t<S>;
  const Layout L{static_cast<int>(Q.rows()) - 2};
  const int d = L.d;
  QueryTerms<S> q;
  q.p = Q(0, 0);
  q.r = Q(0, L.y());
  q.v0 = v(0);
  q.vy = v(L.y());
  q.pi = Q.col(0).segment(1, d);
  q.k = Q.row(0).segment(1, d).transpose();
  q.rho = Q.col(L.y()).segment(1, d);
  q.w = v.segment(1, d);
  q.Qxx = Q.block(1, 1, d, d);
  q.Qw = q.Qxx * q.w;
  q.Aw = (q.Qw + q.Qxx.transpose() * q.w) / R(2);
  q.QT_rho = q.Qxx.transpose() * q.rho;
  q.kk = q.k.squaredNorm();
  q.kw = q.k.dot(q.w);
  q.ww = q.w.squaredNorm();
  q.rho2 = q.rho.squaredNorm();
  q.QQ = q.Qxx.squaredNorm();
  q.trA = q.Qxx.trace();
  q.trA2 = ((q.Qxx + q.Qxx.transpose()) / R(2)).squaredNorm();
  q.E_u0_sq = q.p * q.p + q.pi.squaredNorm();

  // f_q = p0 + p1.x + x^T P2 x + (w.x)(x^T A x), P2 = sym(a w^T) + v0 A, a = pi + k.
  q.a = q.pi + q.k;
  q.p0 = q.p * q.v0;
  q.p1 = q.p * q.w + q.v0 * q.a;
  q.aw = q.a.dot(q.w);
  q.trP2 = q.aw + q.v0 * q.trA;
  q.trP2sq = (q.aw * q.aw + q.a.squaredNorm() * q.ww) / R(2) + R(2) * q.v0 * q.a.dot(q.Aw) + q.v0 * q.v0 * q.trA2;
  q.E_f = q.p0 + q.trP2;
  q.E_f_sq = q.p0 * q.p0 + q.p1.squaredNorm() + M.quad_square(q.trP2, q.trP2sq) + R(2) * q.p0 * q.trP2 +
             R(2) * M.lin_lin_quad(q.p1.dot(q.w), q.trA, q.p1.dot(q.Aw)) +
             M.sextic(q.ww, q.trA, q.trA2, q.w.dot(q.Aw), q.Aw.squaredNorm());
  return q;
}

template <class S>
ThetaProducts<S> theta_products(const QueryTerms<S>& q, const Vec<S>& t) {
  ThetaProducts<S> tp;
  tp.Qt = q.Qxx * t;
  tp.tt = t.squaredNorm();
  tp.tw = t.dot(q.w);
  tp.tk = t.dot(q.k);
  tp.tpi = t.dot(q.pi);
  tp.trho = t.dot(q.rho);
  tp.tQw = t.dot(q.Qw);
  tp.tQt = t.dot(tp.Qt);
  tp.tQT_rho = t.dot(q.QT_rho);
  tp.tp1 = t.dot(q.p1);
  tp.tAw = t.dot(q.Aw);
  return tp;
}

// t = sign * e_i: every product is a coordinate, no arithmetic with a constructed unit vector.
template <class S>
ThetaProducts<S> axis_products(const QueryTerms<S>& q, int i, bool negative) {
  using R = real_t<S>;
  const auto pick = [&](const S& x) { return negative ? S(-x) : x; };
  ThetaProducts<S> tp;
  tp.Qt = negative ? Vec<S>(-q.Qxx.col(i)) : Vec<S>(q.Qxx.col(i));
  tp.tt = R(1) + q.p * R(0);  // a literal 1 with the derivative layout of the parameters
  tp.tw = pick(q.w(i));
  tp.tk = pick(q.k(i));
  tp.tpi = pick(q.pi(i));
  tp.trho = pick(q.rho(i));
  tp.tQw = pick(q.Qw(i));
  tp.tQt = q.Qxx(i, i);
  tp.tQT_rho = pick(q.QT_rho(i));
  tp.tp1 = pick(q.p1(i));
  tp.tAw = pick(q.Aw(i));
  return tp;
}

// The context terms for one task vector t (docs/exact_risk.md#4-the-context-terms). Conditional on
// the query, a context token contributes f = (u0 + X)(v0 + Y) with centred jointly Gaussian
// X = alpha.x + uy eps, Y = beta.x + vy eps (alpha = u_x + uy t, beta = w + vy t); their moments
// are affine or quadratic in the query, and the query expectation closes with the identities of M (a Moments value).
// Kept as named fields: the adjoint (adjoint.hpp) runs these same lines backwards.
template <class S>
struct ContextTerms {
  S ts, tb, sy, c0, rho_coef, E_var_x, mu0, t_mu1, E_m1_sq, E_u0_c, E_c_sq, E_m2, E_t_f, mu1w, mu1Aw, E_m1_f;
  Vec<S> c1, mu1;
};

template <class S>
ContextTerms<S> context_terms(const QueryTerms<S>& q, const ThetaProducts<S>& t, const S& s2, const Moments& M) {
  using R = real_t<S>;
  ContextTerms<S> c;
  c.ts = t.tt + s2;
  c.tb = t.tw + q.vy * t.tt;                              // t.beta
  c.sy = q.ww + R(2) * q.vy * t.tw + q.vy * q.vy * c.ts;  // Var Y
  c.c0 = q.kw + q.vy * t.tk + q.r * t.tw + q.r * q.vy * c.ts;
  c.rho_coef = c.tb + q.vy * s2;
  c.c1 = q.Qw + q.vy * t.Qt + c.rho_coef * q.rho;  // Cov(X, Y) = c0 + c1.x
  c.E_var_x = q.kk + R(2) * q.r * t.tk + q.r * q.r * c.ts + q.QQ + R(2) * t.tQT_rho + c.ts * q.rho2;
  c.mu0 = q.p * q.v0 + c.c0;  // m1 = E[f | query] = mu0 + mu1.x, mu1 = v0 pi + c1
  c.mu1 = q.v0 * q.pi + c.c1;
  c.t_mu1 = q.v0 * t.tpi + t.tQw + q.vy * t.tQt + c.rho_coef * t.trho;
  c.E_m1_sq = c.mu0 * c.mu0 + c.mu1.squaredNorm();
  c.E_u0_c = q.p * c.c0 + q.pi.dot(c.c1);
  c.E_c_sq = c.c0 * c.c0 + c.c1.squaredNorm();
  c.E_m2 = q.E_u0_sq * (q.v0 * q.v0 + c.sy) + q.v0 * q.v0 * c.E_var_x + R(4) * q.v0 * c.E_u0_c +
           M.product_fourth(c.E_var_x, c.sy, c.E_c_sq);
  c.E_t_f = t.tp1 + M.lin_lin_quad(t.tw, q.trA, t.tAw);
  c.mu1w = c.mu1.dot(q.w);
  c.mu1Aw = c.mu1.dot(q.Aw);
  c.E_m1_f = c.mu0 * q.E_f + c.mu1.dot(q.p1) + M.lin_lin_quad(c.mu1w, q.trA, c.mu1Aw);
  return c;
}

// How the terms enter R for n shots, N = n + 1 (the query-included convention):
// R = tt + s2 - 2 (n t_mu1 + E_t_f) / N + (n E_m2 + n (n - 1) E_m1_sq + 2 n E_m1_f + E_f_sq) / N^2.
template <class R>
struct ShotWeights {
  R t_mu1, E_t_f, E_m2, E_m1_sq, E_m1_f, E_f_sq;
  explicit ShotWeights(long n) {
    const R nn = R(n), N = R(n + 1);
    t_mu1 = -R(2) * nn / N;
    E_t_f = -R(2) / N;
    E_m2 = nn / (N * N);
    E_m1_sq = nn * R(n - 1) / (N * N);
    E_m1_f = R(2) * nn / (N * N);
    E_f_sq = R(1) / (N * N);
  }
};

// The risk for one task vector t from its context terms and the shot weights of n.
template <class S>
S risk_from_terms(const QueryTerms<S>& q, const ThetaProducts<S>& t, const ContextTerms<S>& c,
                  const ShotWeights<real_t<S>>& k, const S& s2) {
  return t.tt + s2 + k.t_mu1 * c.t_mu1 + k.E_t_f * c.E_t_f + k.E_m2 * c.E_m2 + k.E_m1_sq * c.E_m1_sq +
         k.E_m1_f * c.E_m1_f + k.E_f_sq * q.E_f_sq;
}

// The risk for one task vector t.
template <class S>
S risk_given_theta(const QueryTerms<S>& q, const ThetaProducts<S>& t, long n, const S& s2, const Moments& M) {
  return risk_from_terms(q, t, context_terms(q, t, s2, M), ShotWeights<real_t<S>>(n), s2);
}

// Throws std::invalid_argument unless Q is D x D and v has length D >= 3.
template <class S>
void check_point_shape(const Vec<S>& v, const Mat<S>& Q) {
  if (Q.rows() - 2 < 1 || Q.cols() != Q.rows() || v.size() != Q.rows())
    throw std::invalid_argument("exact risk: need a D x D matrix Q and a value row of length D, D >= 3");
}

// check_point_shape, then n >= 0 and a fixed task of length d = D - 2.
template <class S>
void check_risk_arguments(const Vec<S>& v, const Mat<S>& Q, const TaskLaw<S>& task, long n) {
  check_point_shape(v, Q);
  if (n < 0) throw std::invalid_argument("exact risk: n must be >= 0");
  if (task.theta && task.theta->size() != Q.rows() - 2)
    throw std::invalid_argument("exact risk: theta must have length d");
}

}  // namespace icl::exact::detail
