// What every closed form depends on besides its own parameters: dimension, noise, task sign.
#pragma once

#include "core/scalar.hpp"

namespace icl {

// x ~ N(0, I_d), labels y = theta . x + eps, eps ~ N(0, s2).
template <class T>
struct Setting {
  int d;
  T s2;
};

// The fine-tuning task theta0 ("target") or the unseen task -theta0 ("opposite").
enum class Task { Target, Opposite };

inline int task_sign(Task t) { return t == Task::Target ? 1 : -1; }
inline const char* task_name(Task t) { return t == Task::Target ? "target" : "opposite"; }

// N = n + 1 rows: n demonstrations and the query.
template <class T>
T rows_of(long n) {
  return T(n + 1);
}

}  // namespace icl
