// Where gradient flow of a rank-one value adapter ends on the exact zero-shot loss, from the
// pretrained point P(gamma) (docs/beyond.md#lora-adapters, "rank one on V"). Only the last row of
// B (a number beta) and the row a of A matter: the value row is v = e_y + s beta a. The zero-shot
// loss is a quadratic in v with Hessian diag(h0, h1 I_d, 0) and minimizer v_x = theta0/(gamma(d+4)),
// v0 = 0, any v_y. So along the flow
//   - a_y (A's label entry) never moves: its gradient s beta dL/dv_y is 0;
//   - a0 and the part of a_x across theta0 decay to 0;
//   - |a|^2 - beta^2 is conserved (the balance of field.hpp), = |a(0)|^2 since B(0) = 0;
// and the end point has s beta a_theta = U := 1/(gamma (d+4)), a_theta^2 - beta^2 = |a(0)|^2 - a_y^2 =: rho:
//   beta^2 = (sqrt(rho^2 + 4 U^2 / s^2) - rho) / 2,  sign(beta) = sign(a(0) . theta0),
//   v = (0, U theta0, 1 + s beta a_y).
// In V(b, w) coordinates (Q's x-block scaled to I): b = theta0/(d+4) as C4, but w = gamma (1 + s beta a_y):
// C4's w = gamma exactly when A starts with a_y = 0.
#pragma once

#include "core/scalar.hpp"

namespace icl::lora {

template <class T>
struct RankOneValueEnd {
  T beta;     // B's last entry at the end
  T a_theta;  // a . theta0 at the end
  T v_y;      // the value row's label weight at the end (pretrained: 1)
  Vec<T> v;   // the value row at the end
  T b, w;     // V(b theta0, w): b = 1/(d+4), w = gamma v_y
};

// a0: the row of A at the start (length D = d + 2), s = alpha / r = alpha, theta0 a unit vector.
// Needs a0 . theta0 != 0 (else the flow stays at the saddle beta = 0). Floating scalars only (a
// square root).
template <class T>
RankOneValueEnd<T> rank_one_value_end(int d, const T& gamma, const T& s, const Vec<T>& a0, const Vec<T>& theta0) {
  const int D = d + 2;
  const T U = T(1) / (gamma * T(d + 4));
  const T a_y = a0(D - 1);
  const T rho = T(a0.squaredNorm() - a_y * a_y);
  const T disc = rho * rho + T(4) * U * U / (s * s);
  T beta = sqrt_of(T((sqrt_of(disc) - rho) / T(2)));
  if (a0.segment(1, d).dot(theta0) < T(0)) beta = -beta;
  RankOneValueEnd<T> out;
  out.beta = beta;
  out.a_theta = U / (s * beta);
  out.v_y = T(1) + s * beta * a_y;
  out.v = Vec<T>::Zero(D);
  out.v.segment(1, d) = U * theta0;
  out.v(D - 1) = out.v_y;
  out.b = T(1) / T(d + 4);
  out.w = gamma * out.v_y;
  return out;
}

}  // namespace icl::lora
