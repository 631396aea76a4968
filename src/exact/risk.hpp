// Exact population risk of ANY attention parameters: no sampling, no truncation
// (docs/exact_risk.md). Templated on the scalar S: rationals give exact rationals, Float50 gives
// 50 digits, an Eigen AutoDiffScalar gives the exact gradient. Cost O(d^2) for a fixed task and
// O(d^2) for the sphere average (2d cheap evaluations after an O(d^2) precomputation).
// double, Float50 and Rational are compiled once (exact/detail/instances.hpp); the Gaussian moments are a
// runtime value (exact::Moments, Isserlis unless a mutant passes another).
#pragma once

#include <stdexcept>
#include <vector>

#include "exact/detail/instances.hpp"
#include "exact/detail/terms.hpp"
#include "exact/moments.hpp"
#include "exact/task.hpp"
#include "model/params.hpp"

namespace icl::exact {

// The risk of one point for any number of shots and any task: the terms that depend on neither
// (detail::QueryTerms, O(d^2)) are computed once, at construction. For each task point the
// context terms cost O(d^2) and then every n costs O(1), so a curve over many n costs about one
// evaluation (docs/exact_risk.md#3-the-query-terms).
// Sphere: on |t| = 1 the risk is a polynomial of degree <= 2 in t, so its average over the
// sphere equals its average over the 2d points +-e_i (docs/exact_risk.md#5-the-sphere-average).
template <class S>
class PreparedPoint {
 public:
  // v: the value row (length D = d + 2 >= 3), Q: the merged key-query matrix (D x D); throws
  // std::invalid_argument otherwise. `moments`: the Gaussian moments the expectations close with.
  PreparedPoint(const Vec<S>& v, const Mat<S>& Q, const Moments& moments = Moments::isserlis());
  explicit PreparedPoint(const MergedParams<S>& p, const Moments& moments = Moments::isserlis());

  int d() const { return static_cast<int>(q_.w.size()); }

  // R(n, task) = E[(y_q - yhat)^2] with label noise s2; throws std::invalid_argument for n < 0
  // or a task of the wrong length.
  S risk(const TaskLaw<S>& task, long n, const S& s2) const;

  // R(n, task) for every n of `shots`, in order (the same values as risk(task, n, s2)).
  std::vector<S> curve(const TaskLaw<S>& task, const std::vector<long>& shots, const S& s2) const;

 private:
  Moments moments_;
  detail::QueryTerms<S> q_;
};

template <class S>
PreparedPoint<S>::PreparedPoint(const Vec<S>& v, const Mat<S>& Q, const Moments& moments) : moments_(moments) {
  detail::check_point_shape(v, Q);
  q_ = detail::query_terms(v, Q, moments_);
}

template <class S>
PreparedPoint<S>::PreparedPoint(const MergedParams<S>& p, const Moments& moments)
    : PreparedPoint(Vec<S>(p.value_row()), p.Q, moments) {}

template <class S>
S PreparedPoint<S>::risk(const TaskLaw<S>& task, long n, const S& s2) const {
  return curve(task, {n}, s2).front();
}

template <class S>
std::vector<S> PreparedPoint<S>::curve(const TaskLaw<S>& task, const std::vector<long>& shots, const S& s2) const {
  for (long n : shots)
    if (n < 0) throw std::invalid_argument("exact risk: n must be >= 0");
  if (task.theta && task.theta->size() != d()) throw std::invalid_argument("exact risk: theta must have length d");
  std::vector<detail::ShotWeights<real_t<S>>> weights;
  for (long n : shots) weights.emplace_back(n);
  std::vector<S> out;
  if (task.theta) {
    const auto t = detail::theta_products(q_, *task.theta);
    const auto c = detail::context_terms(q_, t, s2, moments_);
    for (const auto& w : weights) out.push_back(detail::risk_from_terms(q_, t, c, w, s2));
    return out;
  }
  // The 2d axis points, summed in the order +e_1, -e_1, +e_2, ... that the adjoint uses too.
  for (int i = 0; i < d(); ++i)
    for (bool negative : {false, true}) {
      const auto t = detail::axis_products(q_, i, negative);
      const auto c = detail::context_terms(q_, t, s2, moments_);
      for (std::size_t k = 0; k < weights.size(); ++k) {
        const S r = detail::risk_from_terms(q_, t, c, weights[k], s2);
        if (i == 0 && !negative)
          out.push_back(r);
        else
          out[k] += r;
      }
    }
  for (auto& r : out) r = r / real_t<S>(2 * d());
  return out;
}

// R(v, Q; n, task) = E[(y_q - yhat)^2] for the value row v (length D) and merged Q (D x D).
template <class S>
S risk(const Vec<S>& v, const Mat<S>& Q, const TaskLaw<S>& task, long n, const S& s2,
       const Moments& moments = Moments::isserlis()) {
  return PreparedPoint<S>(v, Q, moments).risk(task, n, s2);
}

template <class S>
S risk(const MergedParams<S>& p, const TaskLaw<S>& task, long n, const S& s2,
       const Moments& moments = Moments::isserlis()) {
  return PreparedPoint<S>(p, moments).risk(task, n, s2);
}

// Compiled once per scalar (src/exact/detail/instances.hpp, src/exact/instances_*.cpp).
#define ICL_EXACT_RISK_INSTANCES(EXTERN, T)                                                                   \
  EXTERN template class PreparedPoint<T>;                                                                     \
  EXTERN template T risk<T>(const Vec<T>&, const Mat<T>&, const TaskLaw<T>&, long, const T&, const Moments&); \
  EXTERN template T risk<T>(const MergedParams<T>&, const TaskLaw<T>&, long, const T&, const Moments&);
#define ICL_EXACT_RISK_INSTANCES_EXTERN(T) ICL_EXACT_RISK_INSTANCES(extern, T)
ICL_EXACT_SCALARS(ICL_EXACT_RISK_INSTANCES_EXTERN)
#undef ICL_EXACT_RISK_INSTANCES_EXTERN

}  // namespace icl::exact
