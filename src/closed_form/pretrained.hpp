// Pretrained family P(gamma) (docs/derivations.md#3-pretrained-family-pgamma).
#pragma once

#include "closed_form/setting.hpp"

namespace icl::closed_form {

// R_pre(gamma; n) = 1 + s2 - 2 gamma n / N + gamma^2 n (n + d + 1 + d s2) / N^2, any unit theta.
template <class T>
T risk_pretrained(const T& gamma, long n, const Setting<T>& s) {
  const T N = rows_of<T>(n);
  const T nn = T(n);
  return T(1) + s.s2 - T(2) * gamma * nn / N + gamma * gamma * nn * (nn + T(s.d + 1) + T(s.d) * s.s2) / (N * N);
}

// gamma*(m) = (m + 1) / (m + 1 + d (1 + s2)): the minimizer of R_pre(.; m), query-included convention.
template <class T>
T gamma_star(long m, const Setting<T>& s) {
  return rows_of<T>(m) / (rows_of<T>(m) + T(s.d) * (T(1) + s.s2));
}

// The authors' constant m / (m + 1 + d).
template <class T>
T gamma_authors(long m, int d) {
  return T(m) / T(m + 1 + d);
}

// Classical convention (sum over the n context rows, divide by n; n >= 1):
// R = 1 + s2 - 2 gamma + gamma^2 (n + d + 1 + d s2) / n.
template <class T>
T risk_pretrained_classical(const T& gamma, long n, const Setting<T>& s) {
  const T nn = T(n);
  return T(1) + s.s2 - T(2) * gamma + gamma * gamma * (nn + T(s.d + 1) + T(s.d) * s.s2) / nn;
}

// Its minimizer m / (m + d + 1 + d s2); with s2 = 0 this is the authors' constant.
template <class T>
T gamma_star_classical(long m, const Setting<T>& s) {
  return T(m) / (T(m + s.d + 1) + T(s.d) * s.s2);
}

// For n >= 1 and 0 < gamma < 2 the prompt helps (R_pre(gamma; n) < 1 + s2) iff
// n + 1 > d gamma (1 + s2) / (2 - gamma).
template <class T>
T icl_threshold(const T& gamma, const Setting<T>& s) {
  return T(s.d) * gamma * (T(1) + s.s2) / (T(2) - gamma);
}

}  // namespace icl::closed_form
