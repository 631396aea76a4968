// The exact loss as a function of the adapter factors (A, B): the chain rule through
// W = W0 + s B A (s = alpha / r) on top of the exact engine's gradient in W (exact/objective.hpp):
//   dL/dA = s B^T G,  dL/dB = s G A^T,  G = dL/dW.
// The chain rule is a policy type, so that a wrong one (the mutants of claim L) runs through the
// same trainers and checks.
#pragma once

#include <vector>

#include "exact/objective.hpp"
#include "lora/adapter.hpp"

namespace icl::lora {

// The chain rule of W = W0 + s B A.
struct PeftChainRule {
  template <class T>
  static Mat<T> grad_A(const T& s, const Mat<T>& /*A*/, const Mat<T>& B, const Mat<T>& G) {
    return s * (B.transpose() * G);
  }
  template <class T>
  static Mat<T> grad_B(const T& s, const Mat<T>& A, const Mat<T>& /*B*/, const Mat<T>& G) {
    return s * (G * A.transpose());
  }
};

// The trained numbers of an Adapted point: for each adapter, A row by row, then B row by row.
// A trainer's field (train/exact_trainers.hpp): start(), point(x), value_and_gradient(loss, x).
template <class T, class Rule = PeftChainRule>
struct Field {
  Adapted<T> at_start;

  Vec<T> start() const { return factors(at_start); }

  static Vec<T> factors(const Adapted<T>& ad) {
    Eigen::Index n = 0;
    for (const auto& a : ad.adapters) n += a.A.size() + a.B.size();
    Vec<T> x(n);
    Eigen::Index k = 0;
    for (const auto& a : ad.adapters) {
      for (Eigen::Index i = 0; i < a.A.rows(); ++i)
        for (Eigen::Index j = 0; j < a.A.cols(); ++j) x(k++) = a.A(i, j);
      for (Eigen::Index i = 0; i < a.B.rows(); ++i)
        for (Eigen::Index j = 0; j < a.B.cols(); ++j) x(k++) = a.B(i, j);
    }
    return x;
  }

  Adapted<T> adapted(const Vec<T>& x) const {
    Adapted<T> ad = at_start;
    Eigen::Index k = 0;
    for (auto& a : ad.adapters) {
      for (Eigen::Index i = 0; i < a.A.rows(); ++i)
        for (Eigen::Index j = 0; j < a.A.cols(); ++j) a.A(i, j) = x(k++);
      for (Eigen::Index i = 0; i < a.B.rows(); ++i)
        for (Eigen::Index j = 0; j < a.B.cols(); ++j) a.B(i, j) = x(k++);
    }
    return ad;
  }

  Point<T> point(const Vec<T>& x) const { return adapted(x).merged(); }

  exact::ValueGradient<T> value_and_gradient(const exact::Objective<T>& loss, const Vec<T>& x) const {
    const Adapted<T> ad = adapted(x);
    const Point<T> W = ad.merged();
    const int D = W.D();
    std::vector<exact::Coordinate> coords;  // every entry of every adapted block, row-major
    for (const auto& a : ad.adapters)
      for (int i = 0; i < D; ++i)
        for (int j = 0; j < D; ++j) coords.push_back({a.block, i, j});
    const auto vg = exact::value_and_gradient(loss, W, coords);
    Vec<T> g(x.size());
    Eigen::Index k = 0, c = 0;
    for (const auto& a : ad.adapters) {
      Mat<T> G(D, D);
      for (int i = 0; i < D; ++i)
        for (int j = 0; j < D; ++j) G(i, j) = vg.gradient(c++);
      const Mat<T> gA = Rule::grad_A(ad.scale, a.A, a.B, G);
      const Mat<T> gB = Rule::grad_B(ad.scale, a.A, a.B, G);
      for (Eigen::Index i = 0; i < gA.rows(); ++i)
        for (Eigen::Index j = 0; j < gA.cols(); ++j) g(k++) = gA(i, j);
      for (Eigen::Index i = 0; i < gB.rows(); ++i)
        for (Eigen::Index j = 0; j < gB.cols(); ++j) g(k++) = gB(i, j);
    }
    return {vg.value, g};
  }
};

// The balance A A^T - B^T B of each adapter (r x r): gradient flow conserves it exactly, because
// A dL/dA^T + dL/dA A^T = s (A G^T B + B^T G A^T) = dL/dB^T B + B^T dL/dB (docs/beyond.md).
template <class T>
std::vector<Mat<T>> balances(const Adapted<T>& ad) {
  std::vector<Mat<T>> out;
  for (const auto& a : ad.adapters) out.push_back(a.A * a.A.transpose() - a.B.transpose() * a.B);
  return out;
}

}  // namespace icl::lora
