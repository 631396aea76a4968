// Key-query-only fine-tuning from P(gamma) (claim C6, docs/derivations.md#8-key-query-only-fine-tuning).
// With v = e_y the zero-shot loss ignores Q; the few-shot optimum over Q memorizes theta0 in the
// x-to-label block, Q[x, y] = c theta0, and erases the ICL block: yhat = (c/N)(theta0.x_q) sum_i y_i^2.
#pragma once

#include "closed_form/setting.hpp"

namespace icl::closed_form {

// c*(n_ft) = (n_ft + 1) / ((n_ft + 2)(1 + s2)) minimizes the n_ft-shot risk on theta0.
template <class T>
T kq_memory_star(long n_ft, const Setting<T>& s) {
  return T(n_ft + 1) / (T(n_ft + 2) * (T(1) + s.s2));
}

// R_kq(c; n, +-) = 1 + s2 -+ 2 c n (1+s2)/N + c^2 n (n+2) (1+s2)^2 / N^2   (unit theta0)
template <class T>
T risk_kq_memory(const T& c, long n, Task task, const Setting<T>& s) {
  const T N = rows_of<T>(n);
  const T nn = T(n);
  const T a = T(1) + s.s2;
  return a - T(2 * task_sign(task)) * c * nn * a / N + c * c * nn * T(n + 2) * a * a / (N * N);
}

}  // namespace icl::closed_form
