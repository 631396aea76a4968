// The prediction of one linear attention layer on a prompt (docs/derivations.md#1-conventions).
#pragma once

#include <stdexcept>
#include <vector>

#include "model/params.hpp"

namespace icl {

// QueryIncluded: sum over all N = n + 1 rows, query included, divide by N (the paper's code).
// Classical: sum over the n context rows only, divide by n (earlier papers; undefined for n = 0).
enum class Convention { QueryIncluded, Classical };

// Z has N = n + 1 rows: the n demonstrations (1, x_i, y_i), then the query (1, x_q, 0).
template <class T>
Mat<T> make_prompt(const Mat<T>& X, const Vec<T>& y) {
  const auto N = X.rows();
  const auto d = X.cols();
  if (y.size() != N - 1) throw std::invalid_argument("make_prompt: need one label per demonstration");
  Mat<T> Z = Mat<T>::Zero(N, d + 2);
  Z.col(0).setConstant(T(1));
  Z.middleCols(1, d) = X;
  Z.col(d + 1).head(N - 1) = y;
  return Z;
}

// Full layer output out = Z + (1/N) A (Z V^T), A[r, s] = z_r^T Q z_s (classical: mask out the
// query column of A and divide by n). Reference implementation; predict() is the fast path.
template <class T>
Mat<T> attention_output(const MergedParams<T>& p, const Mat<T>& Z, Convention conv) {
  const auto N = Z.rows();
  Mat<T> A = Z * p.Q * Z.transpose();
  T scale = T(N);
  if (conv == Convention::Classical) {
    if (N < 2) throw std::invalid_argument("the classical convention needs n >= 1 demonstrations");
    A.col(N - 1).setZero();
    scale = T(N - 1);
  }
  return Z + (A * (Z * p.V.transpose())) / scale;
}

// yhat = (1/N) sum_s (z_q^T Q z_s)(v . z_s): the bottom-right entry of attention_output.
template <class T>
T predict(const MergedParams<T>& p, const Mat<T>& Z, Convention conv = Convention::QueryIncluded) {
  const auto N = Z.rows();
  const Vec<T> u = p.Q.transpose() * Z.row(N - 1).transpose();
  const Vec<T> v = p.value_row();
  const Vec<T> keys = Z * u;
  const Vec<T> values = Z * v;
  if (conv == Convention::Classical) {
    if (N < 2) throw std::invalid_argument("the classical convention needs n >= 1 demonstrations");
    return keys.head(N - 1).dot(values.head(N - 1)) / T(N - 1);
  }
  return keys.dot(values) / T(N);
}

template <class T>
Vec<T> predict_batch(const MergedParams<T>& p, const std::vector<Mat<T>>& prompts,
                     Convention conv = Convention::QueryIncluded) {
  Vec<T> out(static_cast<Eigen::Index>(prompts.size()));
  for (std::size_t i = 0; i < prompts.size(); ++i) out(static_cast<Eigen::Index>(i)) = predict(p, prompts[i], conv);
  return out;
}

}  // namespace icl
