// The balance law of claim C3 (docs/derivations.md#6-balance-law-and-c-claim-c3).
#pragma once

#include "closed_form/setting.hpp"

namespace icl::closed_form {

// Zero-shot flow from a pretrained point with Q x-block q_x I and value v_y e_y ends at
// Q[0,0] = q, value x-part a theta0, q a = 1, q^2 - a^2 = d q_x^2; the scale-free c = a / v_y.
// a^2 = (sqrt(d^2 q_x^4 + 4) - d q_x^2) / 2.
template <class T>
T c_from_balance(const T& q_x, const T& v_y, int d) {
  const T k = T(d) * q_x * q_x * q_x * q_x;
  const T dq2 = T(d) * q_x * q_x;
  const T a2 = (sqrt_of(T(T(d) * k + T(4))) - dq2) / T(2);
  return sqrt_of(a2) / v_y;
}

// c* for P(gamma) (v_y = 1, q_x = gamma): solves 1/c^2 - c^2 = d gamma^2.
template <class T>
T c_star(const T& gamma, int d) {
  return c_from_balance(gamma, T(1), d);
}

}  // namespace icl::closed_form
