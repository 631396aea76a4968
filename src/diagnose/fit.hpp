// The mathematics of `diagnose` that does not need the risk engine (docs/diagnose.md): the effective
// tensor of a layer, the least-squares fit of the named families in it, the inferred task direction
// and an exactly unit rational task. Templates on the scalar (Rational for the command).
//
// One layer predicts through T = (1/H) sum_h M_h (x) v_h only (docs/architectures.md#1-the-model),
// and only through its part E(T) that a prompt can read: the query index i over the constant and x
// (the query's label slot is 0), symmetric in the two context indices (f(a, b) = sum T_ijk a_i b_j b_k).
// E(T) does not change under the symmetries (V_h, M_h) -> (s V_h, M_h / s), Q_h -> G Q_h, K_h -> G^-T K_h.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/number.hpp"
#include "exact/detail/head_terms.hpp"
#include "exact/heads.hpp"
#include "model/families.hpp"

namespace icl::diagnose {

template <class S>
using Tensor = exact::detail::Cubic<S>;

// E(T): entries with query index i = y set to 0, the rest symmetrized in (j, k).
template <class S>
Tensor<S> effective(const Tensor<S>& T) {
  Tensor<S> E(T.D);
  for (int i = 0; i + 1 < T.D; ++i) E.slice(i) = (T.slice(i) + T.slice(i).transpose()) / S(2);
  return E;
}

// E(T) of one layer's heads.
template <class S>
Tensor<S> layer_tensor(const std::vector<Head<S>>& heads) {
  return effective(exact::detail::head_tensor(heads));
}

// E(T) of a single merged head.
template <class S>
Tensor<S> point_tensor(const MergedParams<S>& p) {
  return layer_tensor(std::vector<Head<S>>{Head<S>{p.V, p.Q, Mat<S>()}});
}

// A named family whose tensor is affine in its coordinates p: E(T(p)) = A0 + sum_k p_k A_k. `at`
// builds the family's parameters (model/families.hpp); `origin` is any point where `at` is defined.
template <class S>
struct AffineFamily {
  std::string name;
  std::vector<std::string> coordinates;
  std::function<MergedParams<S>(const std::vector<S>&)> at;
  std::vector<S> origin;
};

// F(c) (THEORY.md section 3) in u = 1/c: T = e0 (x) e0 (x) (0, theta0, 0) + u e0 (x) e0 (x) e_y.
template <class S>
AffineFamily<S> full_ft_family(const Vec<S>& theta0) {
  return {
      "F(c)", {"1/c"}, [theta0](const std::vector<S>& p) { return full_ft_params(theta0, S(S(1) / p[0])); }, {S(1)}};
}

// V(b theta0, w): Q x-block I, value row (0, b theta0, w); P(gamma) is V(0, gamma).
template <class S>
AffineFamily<S> value_only_family(const Vec<S>& theta0) {
  return {"V(b,w)",
          {"b", "w"},
          [theta0](const std::vector<S>& p) { return value_only_params(Vec<S>(p[0] * theta0), p[1]); },
          {S(0), S(0)}};
}

// The key-query memorizing point of C6: value e_y, Q[x, y] = c theta0, the ICL block erased.
template <class S>
AffineFamily<S> kq_memory_family(const Vec<S>& theta0) {
  return {"KQ(c)", {"c"}, [theta0](const std::vector<S>& p) { return kq_memory_params(theta0, p[0]); }, {S(0)}};
}

template <class S>
struct Fit {
  std::vector<S> p;  // the fitted coordinates
  S residual2;       // ||E(T_B) - E(T(p))||^2
};

// The least-squares coordinates of `target` in the family (one exact solve of the Gram system; the
// A_k are the family's unit steps from its origin, exact because T is affine in p).
template <class S>
Fit<S> fit_family(const AffineFamily<S>& f, const Tensor<S>& target) {
  const Tensor<S> A0 = point_tensor(f.at(f.origin));
  const auto K = static_cast<Eigen::Index>(f.origin.size());
  std::vector<Vec<S>> steps;
  for (Eigen::Index k = 0; k < K; ++k) {
    std::vector<S> q = f.origin;
    q[static_cast<std::size_t>(k)] += S(1);
    steps.push_back(point_tensor(f.at(q)).a - A0.a);
  }
  Mat<S> G(K, K);
  Vec<S> r(K);
  for (Eigen::Index k = 0; k < K; ++k) {
    r(k) = steps[static_cast<std::size_t>(k)].dot(target.a - A0.a);
    for (Eigen::Index l = 0; l < K; ++l)
      G(k, l) = steps[static_cast<std::size_t>(k)].dot(steps[static_cast<std::size_t>(l)]);
  }
  const Vec<S> x = Eigen::FullPivLU<Mat<S>>(G).solve(r);
  Vec<S> residual = target.a - A0.a;
  Fit<S> out{f.origin, S(0)};
  for (Eigen::Index k = 0; k < K; ++k) {
    out.p[static_cast<std::size_t>(k)] += x(k);
    residual -= x(k) * steps[static_cast<std::size_t>(k)];
  }
  out.residual2 = residual.squaredNorm();
  return out;
}

// E[p(x) x] for the zero-shot prediction p(x) = sum_ijk T_ijk z_i z_j z_k of one layer, z = (1, x, 0),
// x ~ N(0, I) (Isserlis): p's best linear predictor, s_a = T_a00 + T_0a0 + T_00a + sum_b (T_bba + T_bab
// + T_abb) with a, b over x.
template <class S>
Vec<S> zero_shot_slope(const Tensor<S>& T) {
  const int d = T.D - 2;
  Vec<S> s = Vec<S>::Zero(d);
  for (int a = 1; a <= d; ++a) {
    s(a - 1) = T(a, 0, 0) + T(0, a, 0) + T(0, 0, a);
    for (int b = 1; b <= d; ++b) s(a - 1) += T(b, b, a) + T(b, a, b) + T(a, b, b);
  }
  return s;
}

// The direction fine-tuning wrote into the layers (docs/diagnose.md#theta0): the change of the
// zero-shot slope, summed over the layers (every method's zero-shot loss drives it towards theta0:
// F(c) has slope theta0, V(b theta0, w) (d + 2) b theta0); when it did not change, the change of the
// memorizing column T[x, y, y] = M[x, y] v_y (KQ(c): c theta0, invisible to a zero-shot prompt).
// Zero when neither moved.
template <class S>
Vec<S> written_direction(const Arch<S>& pre, const Arch<S>& post) {
  const int d = pre.d(), y = pre.D() - 1;
  Vec<S> slope = Vec<S>::Zero(d), memory = Vec<S>::Zero(d);
  for (std::size_t l = 0; l < pre.layers.size(); ++l) {
    const Tensor<S> Ta = exact::detail::head_tensor(pre.layers[l]), Tb = exact::detail::head_tensor(post.layers[l]);
    slope += zero_shot_slope(Tb) - zero_shot_slope(Ta);
    for (int a = 1; a <= d; ++a) memory(a - 1) += Tb(a, y, y) - Ta(a, y, y);
  }
  return slope.isZero() ? memory : slope;
}

// The exact square root of q >= 0 if it is a rational square.
std::optional<Rational> exact_sqrt(const Rational& q);

// A unit task along v != 0 with rational entries: v / |v| exactly when |v| is rational; otherwise the
// rational point of the unit sphere whose stereographic coordinates (from the pole opposite the
// largest entry) round those of v / |v| to 10^-30, within 10^-29 of v / |v| and exactly of norm 1.
struct UnitTask {
  Vec<Rational> theta;
  bool exact;  // theta = v / |v| exactly
};
UnitTask unit_task(const Vec<Rational>& v);

}  // namespace icl::diagnose
