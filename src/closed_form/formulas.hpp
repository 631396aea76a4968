// The closed forms bundled as one policy type, so that a theorem check is written once and can be
// run against the paper's formulas or against a deliberately wrong variant (src/verify/mutants.hpp).
#pragma once

#include "closed_form/balance.hpp"
#include "closed_form/full_finetune.hpp"
#include "closed_form/key_query.hpp"
#include "closed_form/pretrained.hpp"
#include "closed_form/value_only.hpp"

namespace icl {

struct PaperFormulas {
  static constexpr const char* name = "paper";

  template <class T>
  static T risk_pretrained(const T& gamma, long n, const Setting<T>& s) {
    return closed_form::risk_pretrained(gamma, n, s);
  }
  template <class T>
  static T gamma_star(long m, const Setting<T>& s) {
    return closed_form::gamma_star(m, s);
  }
  template <class T>
  static T risk_pretrained_classical(const T& gamma, long n, const Setting<T>& s) {
    return closed_form::risk_pretrained_classical(gamma, n, s);
  }
  template <class T>
  static T gamma_star_classical(long m, const Setting<T>& s) {
    return closed_form::gamma_star_classical(m, s);
  }
  template <class T>
  static T icl_threshold(const T& gamma, const Setting<T>& s) {
    return closed_form::icl_threshold(gamma, s);
  }
  template <class T>
  static T risk_full_ft(const T& c, long n, Task task, const Setting<T>& s) {
    return closed_form::risk_full_ft(c, n, task, s);
  }
  template <class T>
  static T risk_value_only(const closed_form::ValueOnlyGeometry<T>& g, long n, const Setting<T>& s) {
    return closed_form::risk_value_only(g, n, s);
  }
  template <class T>
  static T beta_zero_shot(int d) {
    return closed_form::beta_zero_shot<T>(d);
  }
  template <class T>
  static T w_star(long n, const Setting<T>& s) {
    return closed_form::w_star(n, s);
  }
  template <class T>
  static T value_only_limit(const T& w, Task task, const Setting<T>& s) {
    return closed_form::value_only_limit(w, task, s);
  }
  template <class T>
  static T kq_memory_star(long n_ft, const Setting<T>& s) {
    return closed_form::kq_memory_star(n_ft, s);
  }
  template <class T>
  static T risk_kq_memory(const T& c, long n, Task task, const Setting<T>& s) {
    return closed_form::risk_kq_memory(c, n, task, s);
  }
  template <class T>
  static T c_from_balance(const T& q_x, const T& v_y, int d) {
    return closed_form::c_from_balance(q_x, v_y, d);
  }
};

// Derived faces are free functions of the policy, so that a mutant of a primitive reaches them too.

// R_v with b = beta theta0, evaluated on +-theta0.
template <class F, class T>
T value_only_aligned(const T& beta, const T& w, long n, Task task, const Setting<T>& s) {
  return F::risk_value_only(closed_form::ValueOnlyGeometry<T>{T(task_sign(task)) * beta, beta * beta, w}, n, s);
}

// c* for P(gamma): v_y = 1, q_x = gamma.
template <class F, class T>
T c_star(const T& gamma, int d) {
  return F::c_from_balance(gamma, T(1), d);
}

}  // namespace icl
