// Reverse-mode (adjoint) gradient of the exact risk: the lines of detail/terms.hpp run backwards, so one
// gradient costs a small multiple of one risk evaluation, O(d^2), in every scalar (rationals stay
// exact). Forward-mode AD (objective.hpp) costs O(d^2) per coordinate and is kept as the
// independent cross-check (docs/exact_risk.md#9-the-adjoint-gradient). Internal to the exact
// engine: use exact::value_and_gradient (exact/objective.hpp).
#pragma once

#include <array>
#include <tuple>
#include <utility>

#include "exact/detail/terms.hpp"

namespace icl::exact::detail {

// The partial derivatives of one moment identity of the Moments value M at one point (<= 5 scalar
// arguments), by forward-mode AD on the identity alone: a mutant identity gets its own partials.
template <class S, class F, class... A, std::size_t... I>
std::array<S, sizeof...(A)> partials_impl(F f, std::index_sequence<I...>, const A&... args) {
  using AD = Eigen::AutoDiffScalar<Vec<S>>;
  constexpr int K = sizeof...(A);
  const AD out = f(AD(S(args), K, static_cast<int>(I))...);
  std::array<S, K> g;
  for (int j = 0; j < K; ++j)
    g[static_cast<std::size_t>(j)] = out.derivatives().size() == K ? S(out.derivatives()(j)) : S(0);
  return g;
}
template <class S, class F, class... A>
std::array<S, sizeof...(A)> partials(F f, const A&... args) {
  return partials_impl<S>(f, std::index_sequence_for<A...>{}, args...);
}

// The four identities of a Moments value as generic callables (for partials).
struct MomentCalls {
  const Moments& M;
  auto quad_square() const {
    return [this](const auto& a, const auto& b) { return M.quad_square(a, b); };
  }
  auto lin_lin_quad() const {
    return [this](const auto& a, const auto& b, const auto& c) { return M.lin_lin_quad(a, b, c); };
  }
  auto sextic() const {
    return [this](const auto& a, const auto& b, const auto& c, const auto& e, const auto& f) {
      return M.sextic(a, b, c, e, f);
    };
  }
  auto product_fourth() const {
    return [this](const auto& a, const auto& b, const auto& c) { return M.product_fourth(a, b, c); };
  }
};

// Adjoints (d loss / d field) of the fields of QueryTerms, accumulated over every task vector.
template <class S>
struct QueryAdjoint {
  S p{0}, r{0}, v0{0}, vy{0}, kk{0}, kw{0}, ww{0}, rho2{0}, QQ{0}, trA{0}, E_u0_sq{0}, E_f{0}, E_f_sq{0};
  Vec<S> pi, k, rho, w, Qw, Aw, QT_rho, p1;
  Mat<S> Qxx;
  explicit QueryAdjoint(int d)
      : pi(Vec<S>::Zero(d)),
        k(Vec<S>::Zero(d)),
        rho(Vec<S>::Zero(d)),
        w(Vec<S>::Zero(d)),
        Qw(Vec<S>::Zero(d)),
        Aw(Vec<S>::Zero(d)),
        QT_rho(Vec<S>::Zero(d)),
        p1(Vec<S>::Zero(d)),
        Qxx(Mat<S>::Zero(d, d)) {}
};

// Adjoints of the fields of ThetaProducts (tt is a constant of the task).
template <class S>
struct ThetaAdjoint {
  S tw{0}, tk{0}, tpi{0}, trho{0}, tQw{0}, tQt{0}, tQT_rho{0}, tp1{0}, tAw{0};
  Vec<S> Qt;
  explicit ThetaAdjoint(int d) : Qt(Vec<S>::Zero(d)) {}
};

// g * d R(q, t; n) / d(fields): adds the query-field adjoints to aq and R(q, t; n) itself to `risk_sum`
// (the forward pass is done here anyway), returns the theta adjoints.
// Each block reverses one line of context_terms / risk_given_theta, last line first.
template <class S>
ThetaAdjoint<S> context_adjoint(const QueryTerms<S>& q, const ThetaProducts<S>& t, long n, const S& s2, const S& g,
                                QueryAdjoint<S>& aq, S& risk_sum, const Moments& M) {
  using R = real_t<S>;
  const MomentCalls C{M};
  const ContextTerms<S> c = context_terms(q, t, s2, M);
  const ShotWeights<R> wt(n);
  risk_sum += risk_from_terms(q, t, c, wt, s2);
  ThetaAdjoint<S> at(static_cast<int>(q.w.size()));
  const S a_tmu1 = g * wt.t_mu1, a_Etf = g * wt.E_t_f, a_Em2 = g * wt.E_m2, a_Em1sq = g * wt.E_m1_sq;
  const S a_Em1f = g * wt.E_m1_f;
  aq.E_f_sq += g * wt.E_f_sq;

  // E_m1_f = mu0 E_f + mu1.p1 + LLQ(mu1.w, trA, mu1.Aw)
  const auto L = partials<S>(C.lin_lin_quad(), c.mu1w, q.trA, c.mu1Aw);
  S a_mu0 = a_Em1f * q.E_f;
  aq.E_f += a_Em1f * c.mu0;
  Vec<S> a_mu1 = a_Em1f * q.p1 + (a_Em1f * L[0]) * q.w + (a_Em1f * L[2]) * q.Aw;
  aq.p1 += a_Em1f * c.mu1;
  aq.w += (a_Em1f * L[0]) * c.mu1;
  aq.trA += a_Em1f * L[1];
  aq.Aw += (a_Em1f * L[2]) * c.mu1;
  // E_t_f = tp1 + LLQ(tw, trA, tAw)
  const auto T = partials<S>(C.lin_lin_quad(), t.tw, q.trA, t.tAw);
  at.tp1 += a_Etf;
  S a_tw = a_Etf * T[0];
  aq.trA += a_Etf * T[1];
  at.tAw += a_Etf * T[2];
  // E_m2 = E_u0_sq (v0^2 + sy) + v0^2 E_var_x + 4 v0 E_u0_c + PF(E_var_x, sy, E_c_sq)
  const auto P = partials<S>(C.product_fourth(), c.E_var_x, c.sy, c.E_c_sq);
  const S v0sq = q.v0 * q.v0;
  aq.E_u0_sq += a_Em2 * (v0sq + c.sy);
  S a_v0 = a_Em2 * (R(2) * q.v0 * q.E_u0_sq + R(2) * q.v0 * c.E_var_x + R(4) * c.E_u0_c);
  S a_sy = a_Em2 * (q.E_u0_sq + P[1]);
  S a_Evx = a_Em2 * (v0sq + P[0]);
  const S a_Eu0c = a_Em2 * R(4) * q.v0;
  const S a_Ecsq = a_Em2 * P[2];
  // E_c_sq = c0^2 + |c1|^2;  E_u0_c = p c0 + pi.c1
  S a_c0 = R(2) * c.c0 * a_Ecsq + q.p * a_Eu0c;
  Vec<S> a_c1 = (R(2) * a_Ecsq) * c.c1 + a_Eu0c * q.pi;
  aq.p += c.c0 * a_Eu0c;
  aq.pi += a_Eu0c * c.c1;
  // E_m1_sq = mu0^2 + |mu1|^2
  a_mu0 += R(2) * c.mu0 * a_Em1sq;
  a_mu1 += (R(2) * a_Em1sq) * c.mu1;
  // t_mu1 = v0 tpi + tQw + vy tQt + rho_coef trho
  a_v0 += t.tpi * a_tmu1;
  at.tpi += q.v0 * a_tmu1;
  at.tQw += a_tmu1;
  S a_vy = t.tQt * a_tmu1;
  at.tQt += q.vy * a_tmu1;
  S a_rc = t.trho * a_tmu1;
  at.trho += c.rho_coef * a_tmu1;
  // mu1 = v0 pi + c1;  mu0 = p v0 + c0
  a_v0 += q.pi.dot(a_mu1) + q.p * a_mu0;
  aq.pi += q.v0 * a_mu1;
  a_c1 += a_mu1;
  aq.p += q.v0 * a_mu0;
  a_c0 += a_mu0;
  // E_var_x = kk + 2 r tk + r^2 ts + QQ + 2 tQT_rho + ts rho2
  aq.kk += a_Evx;
  aq.r += (R(2) * t.tk + R(2) * q.r * c.ts) * a_Evx;
  at.tk += R(2) * q.r * a_Evx;
  aq.QQ += a_Evx;
  at.tQT_rho += R(2) * a_Evx;
  aq.rho2 += c.ts * a_Evx;
  // c1 = Qw + vy Qt + rho_coef rho
  aq.Qw += a_c1;
  a_vy += t.Qt.dot(a_c1);
  at.Qt += q.vy * a_c1;
  a_rc += q.rho.dot(a_c1);
  aq.rho += c.rho_coef * a_c1;
  // rho_coef = tb + vy s2
  const S a_tb = a_rc;
  a_vy += s2 * a_rc;
  // c0 = kw + vy tk + r tw + r vy ts
  aq.kw += a_c0;
  a_vy += (t.tk + q.r * c.ts) * a_c0;
  at.tk += q.vy * a_c0;
  aq.r += (t.tw + q.vy * c.ts) * a_c0;
  a_tw += q.r * a_c0;
  // sy = ww + 2 vy tw + vy^2 ts
  aq.ww += a_sy;
  a_vy += (R(2) * t.tw + R(2) * q.vy * c.ts) * a_sy;
  a_tw += R(2) * q.vy * a_sy;
  // tb = tw + vy tt
  a_tw += a_tb;
  a_vy += t.tt * a_tb;

  aq.v0 += a_v0;
  aq.vy += a_vy;
  at.tw += a_tw;
  return at;
}

// theta_products backwards for a fixed t: every product is linear in the query fields.
template <class S>
void theta_adjoint(const Vec<S>& t, const ThetaAdjoint<S>& at, QueryAdjoint<S>& aq) {
  aq.Qxx += at.Qt * t.transpose() + at.tQt * (t * t.transpose());
  aq.w += at.tw * t;
  aq.k += at.tk * t;
  aq.pi += at.tpi * t;
  aq.rho += at.trho * t;
  aq.Qw += at.tQw * t;
  aq.QT_rho += at.tQT_rho * t;
  aq.p1 += at.tp1 * t;
  aq.Aw += at.tAw * t;
}

// axis_products backwards (t = +-e_i): O(d), no outer products.
template <class S>
void axis_adjoint(int i, bool negative, const ThetaAdjoint<S>& at, QueryAdjoint<S>& aq) {
  const auto pick = [&](const S& x) { return negative ? S(-x) : x; };
  aq.Qxx.col(i) += negative ? Vec<S>(-at.Qt) : at.Qt;
  aq.Qxx(i, i) += at.tQt;
  aq.w(i) += pick(at.tw);
  aq.k(i) += pick(at.tk);
  aq.pi(i) += pick(at.tpi);
  aq.rho(i) += pick(at.trho);
  aq.Qw(i) += pick(at.tQw);
  aq.QT_rho(i) += pick(at.tQT_rho);
  aq.p1(i) += pick(at.tp1);
  aq.Aw(i) += pick(at.tAw);
}

// query_terms backwards: the field adjoints become d loss / d v and d loss / d Q (added to gv, gQ).
template <class S>
void query_adjoint(const QueryTerms<S>& q, QueryAdjoint<S> aq, Vec<S>& gv, Mat<S>& gQ, const Moments& M) {
  using R = real_t<S>;
  const MomentCalls C{M};
  const int d = static_cast<int>(q.w.size());
  // E_f_sq = p0^2 + |p1|^2 + QS(trP2, trP2sq) + 2 p0 trP2 + 2 LLQ(p1.w, trA, p1.Aw) + SX(ww, trA, trA2, w.Aw, |Aw|^2)
  const S a = aq.E_f_sq;
  const auto QS = partials<S>(C.quad_square(), q.trP2, q.trP2sq);
  const auto L = partials<S>(C.lin_lin_quad(), q.p1.dot(q.w), q.trA, q.p1.dot(q.Aw));
  const auto X = partials<S>(C.sextic(), q.ww, q.trA, q.trA2, q.w.dot(q.Aw), q.Aw.squaredNorm());
  S a_p0 = (R(2) * q.p0 + R(2) * q.trP2) * a;
  aq.p1 += (R(2) * a) * q.p1 + (R(2) * a * L[0]) * q.w + (R(2) * a * L[2]) * q.Aw;
  S a_trP2 = (QS[0] + R(2) * q.p0) * a;
  const S a_trP2sq = QS[1] * a;
  aq.w += (R(2) * a * L[0]) * q.p1 + (a * X[3]) * q.Aw;
  aq.trA += R(2) * a * L[1] + a * X[1];
  aq.Aw += (R(2) * a * L[2]) * q.p1 + (a * X[3]) * q.w + (R(2) * a * X[4]) * q.Aw;
  aq.ww += a * X[0];
  S a_trA2 = a * X[2];
  // E_f = p0 + trP2
  a_p0 += aq.E_f;
  a_trP2 += aq.E_f;
  // trP2sq = (aw^2 + |a|^2 ww) / 2 + 2 v0 a.Aw + v0^2 trA2
  S a_aw = q.aw * a_trP2sq;
  Vec<S> a_a = (q.ww * a_trP2sq) * q.a + (R(2) * q.v0 * a_trP2sq) * q.Aw;
  aq.ww += q.a.squaredNorm() / R(2) * a_trP2sq;
  aq.v0 += (R(2) * q.a.dot(q.Aw) + R(2) * q.v0 * q.trA2) * a_trP2sq;
  aq.Aw += (R(2) * q.v0 * a_trP2sq) * q.a;
  a_trA2 += q.v0 * q.v0 * a_trP2sq;
  // trP2 = aw + v0 trA;  aw = a.w
  a_aw += a_trP2;
  aq.v0 += q.trA * a_trP2;
  aq.trA += q.v0 * a_trP2;
  a_a += a_aw * q.w;
  aq.w += a_aw * q.a;
  // p1 = p w + v0 a;  p0 = p v0;  a = pi + k
  aq.p += q.w.dot(aq.p1) + q.v0 * a_p0;
  aq.w += q.p * aq.p1;
  aq.v0 += q.a.dot(aq.p1) + q.p * a_p0;
  a_a += q.v0 * aq.p1;
  aq.pi += a_a;
  aq.k += a_a;
  // E_u0_sq = p^2 + |pi|^2
  aq.p += R(2) * q.p * aq.E_u0_sq;
  aq.pi += (R(2) * aq.E_u0_sq) * q.pi;
  // Qw = Qxx w;  Aw = sym(Qxx) w;  QT_rho = Qxx^T rho
  aq.Qxx += aq.Qw * q.w.transpose() + (aq.Aw * q.w.transpose() + q.w * aq.Aw.transpose()) / R(2) +
            q.rho * aq.QT_rho.transpose();
  aq.w += q.Qxx.transpose() * aq.Qw + (q.Qxx * aq.Aw + q.Qxx.transpose() * aq.Aw) / R(2);
  aq.rho += q.Qxx * aq.QT_rho;
  // kk, kw, ww, rho2, QQ = |Qxx|^2, trA = tr Qxx, trA2 = |sym Qxx|^2
  aq.k += (R(2) * aq.kk) * q.k + aq.kw * q.w;
  aq.w += aq.kw * q.k + (R(2) * aq.ww) * q.w;
  aq.rho += (R(2) * aq.rho2) * q.rho;
  aq.Qxx += (R(2) * aq.QQ) * q.Qxx + a_trA2 * (q.Qxx + q.Qxx.transpose());
  aq.Qxx.diagonal().array() += aq.trA;
  // The leaves: entries of v and Q (docs/exact_risk.md#3-the-query-terms).
  const int y = d + 1;
  gv(0) += aq.v0;
  gv(y) += aq.vy;
  gv.segment(1, d) += aq.w;
  gQ(0, 0) += aq.p;
  gQ(0, y) += aq.r;
  gQ.col(0).segment(1, d) += aq.pi;
  gQ.row(0).segment(1, d) += aq.k.transpose();
  gQ.col(y).segment(1, d) += aq.rho;
  gQ.block(1, 1, d, d) += aq.Qxx;
}

// weight * R(v, Q; n, task), adding weight * its gradient to gv (length D) and gQ (D x D).
template <class S>
S risk_with_gradient(const Vec<S>& v, const Mat<S>& Q, const TaskLaw<S>& task, long n, const S& s2, const S& weight,
                     Vec<S>& gv, Mat<S>& gQ, const Moments& M) {
  check_risk_arguments(v, Q, task, n);
  const int d = static_cast<int>(Q.rows()) - 2;
  const QueryTerms<S> q = query_terms(v, Q, M);
  QueryAdjoint<S> aq(d);
  S sum(0);  // the risk of each task point, summed in risk()'s order so that the value is the same bits
  if (task.theta) {
    const auto at = context_adjoint(q, theta_products(q, *task.theta), n, s2, weight, aq, sum, M);
    theta_adjoint(*task.theta, at, aq);
  } else {
    const S g = weight / real_t<S>(2 * d);
    for (int i = 0; i < d; ++i)
      for (bool negative : {false, true})
        axis_adjoint(i, negative, context_adjoint(q, axis_products(q, i, negative), n, s2, g, aq, sum, M), aq);
  }
  query_adjoint(q, std::move(aq), gv, gQ, M);
  return weight * (task.theta ? sum : S(sum / real_t<S>(2 * d)));
}

}  // namespace icl::exact::detail
