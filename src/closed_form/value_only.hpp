// Value-only family V(b, w) (docs/derivations.md#5-value-only-family-vb-w).
#pragma once

#include "closed_form/setting.hpp"
#include "model/params.hpp"

namespace icl::closed_form {

// The risk of V(b, w) on a unit task theta depends on b only through b.theta and ||b||^2.
template <class T>
struct ValueOnlyGeometry {
  T b_dot_theta;
  T b_norm2;
  T w;
};

// With c = b + w theta:
// R_v = 1 + s2 - (2/N) [n c.theta + (d+2) b.theta]
//       + (1/N^2) [n (n+d+1) ||c||^2 + w^2 n d s2 + (d+2)(d+4) ||b||^2 + 2 n (d+2) b.c]
template <class T>
T risk_value_only(const ValueOnlyGeometry<T>& g, long n, const Setting<T>& s) {
  const T N = rows_of<T>(n);
  const T nn = T(n);
  const T d = T(s.d);
  const T c_dot_theta = g.b_dot_theta + g.w;
  const T c_norm2 = g.b_norm2 + T(2) * g.w * g.b_dot_theta + g.w * g.w;
  const T b_dot_c = g.b_norm2 + g.w * g.b_dot_theta;
  const T linear = nn * c_dot_theta + (d + T(2)) * g.b_dot_theta;
  const T quadratic = nn * (nn + d + T(1)) * c_norm2 + g.w * g.w * nn * d * s.s2 + (d + T(2)) * (d + T(4)) * g.b_norm2 +
                      T(2) * nn * (d + T(2)) * b_dot_c;
  return T(1) + s.s2 - T(2) * linear / N + quadratic / (N * N);
}

// b = beta theta0, evaluated on theta = +-theta0.
template <class T>
T risk_value_only(const T& beta, const T& w, long n, Task task, const Setting<T>& s) {
  return risk_value_only(ValueOnlyGeometry<T>{T(task_sign(task)) * beta, beta * beta, w}, n, s);
}

// Any b in R^d and any unit theta.
template <class T>
T risk_value_only(const Vec<T>& b, const T& w, const Vec<T>& theta, long n, const Setting<T>& s) {
  return risk_value_only(ValueOnlyGeometry<T>{b.dot(theta), b.squaredNorm(), w}, n, s);
}

// Zero-shot optimum over b: b = theta0 / (d + 4); this returns the coefficient 1/(d + 4).
template <class T>
T beta_zero_shot(int d) {
  return T(1) / T(d + 4);
}

// w*(n) = [(n + 1) - (n + 3 + 2d)/(d + 4)] / (n + 1 + d + d s2), at b = theta0/(d+4), on theta0.
template <class T>
T w_star(long n, const Setting<T>& s) {
  const T d = T(s.d);
  return (rows_of<T>(n) - T(n + 3 + 2 * s.d) / (d + T(4))) / (rows_of<T>(n) + d + d * s.s2);
}

// lim_{n -> inf} R_v(theta0/(d+4), w; n, +-theta0) = (1 - w -+ 1/(d+4))^2 + s2.
template <class T>
T value_only_limit(const T& w, Task task, const Setting<T>& s) {
  const T shift = T(1) - w - T(task_sign(task)) * beta_zero_shot<T>(s.d);
  return shift * shift + s.s2;
}

}  // namespace icl::closed_form
