// Zero-shot full fine-tuning family F(c) (docs/derivations.md#4-full-zero-shot-fine-tuning-family-fc).
#pragma once

#include "closed_form/setting.hpp"

namespace icl::closed_form {

// On theta0:  (n/N)^2 + s2 + (n/N^2) ((1 + 1/c)^2 + s2/c^2)
// On -theta0: (1 + 1/N)^2 + s2 + (n/N^2) ((1 - 1/c)^2 + s2/c^2)
template <class T>
T risk_full_ft(const T& c, long n, Task task, const Setting<T>& s) {
  const T N = rows_of<T>(n);
  const T nn = T(n);
  const T sign = T(task_sign(task));
  const T bias = task == Task::Target ? T(nn / N) : T(T(1) + T(1) / N);
  const T per_shot = (T(1) + sign / c) * (T(1) + sign / c) + s.s2 / (c * c);
  return bias * bias + s.s2 + nn / (N * N) * per_shot;
}

}  // namespace icl::closed_form
