// Task placements and task laws in rationals, shared by the claims that run the exact engine (E, C6).
#pragma once

#include "exact/exact.hpp"
#include "theorems/common.hpp"

namespace icl::theorems {

// theta0 = e_1 and, for d >= 2, theta0 = (3/5, 4/5, 0, ...) with perp = (-4/5, 3/5, 0, ...).
inline std::vector<Placement<Rational>> exact_placements(int d) {
  std::vector<Placement<Rational>> out{axis_placement<Rational>(d)};
  if (d >= 2) {
    Placement<Rational> pl{Vec<Rational>::Zero(d), Vec<Rational>::Zero(d)};
    pl.theta0(0) = Rational(3, 5), pl.theta0(1) = Rational(4, 5);
    pl.perp(0) = Rational(-4, 5), pl.perp(1) = Rational(3, 5);
    out.push_back(pl);
  }
  return out;
}

template <class T>
exact::TaskLaw<T> on_task(const Vec<T>& theta0, Task task) {
  return exact::TaskLaw<T>::fixed(Vec<T>(T(task_sign(task)) * theta0));
}

}  // namespace icl::theorems
