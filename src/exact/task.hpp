// The task law of a prompt: a fixed task vector theta, or theta uniform on the unit sphere.
#pragma once

#include <optional>

#include "model/params.hpp"

namespace icl::exact {

// The task of a prompt: a fixed vector theta (any norm), or theta uniform on the unit sphere.
template <class T>
struct TaskLaw {
  std::optional<Vec<T>> theta;  // empty: sphere

  static TaskLaw fixed(Vec<T> t) { return TaskLaw{std::move(t)}; }
  static TaskLaw sphere() { return TaskLaw{std::nullopt}; }
  bool is_sphere() const { return !theta.has_value(); }

  template <class S>
  TaskLaw<S> cast() const {
    if (!theta) return TaskLaw<S>::sphere();
    return TaskLaw<S>::fixed(theta->template cast<S>());
  }
};

}  // namespace icl::exact
