// Token layout and the two parameterizations of one linear attention head (docs/derivations.md#1-conventions).
#pragma once

#include <Eigen/Dense>
#include <stdexcept>

#include "core/scalar.hpp"

namespace icl {

template <class T>
using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
template <class T>
using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;

// A token is z = (1, x, y) in R^D, D = d + 2: index 0 is the constant, 1..d the covariate, D-1 the label.
struct Layout {
  int d;
  int D() const { return d + 2; }
  static constexpr int constant = 0;
  int x(int i) const { return 1 + i; }
  int y() const { return d + 1; }
};

// Merged key-query product: A[r, s] = z_r^T Q z_s; only the last row of V reaches the prediction.
template <class T>
struct MergedParams {
  Mat<T> V;
  Mat<T> Q;

  Layout layout() const { return Layout{static_cast<int>(V.rows()) - 2}; }
  int d() const { return layout().d; }
  Vec<T> value_row() const { return V.row(V.rows() - 1).transpose(); }
};

// Separate query, key and value: A[r, s] = (Qsep z_r) . (K z_s), i.e. merged Q = Qsep^T K.
template <class T>
struct SeparateParams {
  Mat<T> V;
  Mat<T> Qsep;
  Mat<T> K;

  MergedParams<T> merged() const { return MergedParams<T>{V, Qsep.transpose() * K}; }
};

// Throws std::invalid_argument unless V and Q are D x D with D >= 3.
template <class T>
void validate_shape(const MergedParams<T>& p) {
  const auto D = p.V.rows();
  if (D < 3 || p.V.cols() != D || p.Q.rows() != D || p.Q.cols() != D)
    throw std::invalid_argument("parameters must be D x D matrices with D = d + 2 >= 3");
}

}  // namespace icl
