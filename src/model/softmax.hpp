// Softmax attention (issue 28, THEORY.md section 9; docs/beyond.md#softmax-attention): the attention
// kind of a model of L layers x H heads, and the row-wise softmax every softmax layer applies. A
// softmax layer maps the whole prompt
//   Z <- Z + (1/H) sum_h softmax_rows(Z M_h Z^T) (Z V_h^T),   M_h = Q_h^T K_h,
// no 1/N, no extra scaling, no mask (the query attends to every row, itself included); the prediction
// is Z[N-1, D-1] after the last layer, as for linear attention (model/arch.hpp holds both layers).
// Softmax has no closed form and no exact engine: only floating-point scalars evaluate it.
#pragma once

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "model/params.hpp"

namespace icl {

enum class Attention { Linear, Softmax };

inline const char* attention_name(Attention a) { return a == Attention::Softmax ? "softmax" : "linear"; }

// Exact scalars (rationals) cannot take exp: every softmax evaluation in them is this error.
template <class T>
inline constexpr bool evaluates_softmax = !std::numeric_limits<T>::is_exact;

inline std::invalid_argument no_exact_softmax() {
  return std::invalid_argument("softmax attention has no exact evaluation (it needs exp); use double");
}

// s <- softmax(s) for one row or column vector, shifted by its maximum first (exp of the largest
// score is exp(0) = 1, so no overflow however large the scores).
template <class T, class Vector>
void softmax_in_place(Vector&& s) {
  using std::exp;
  T top = s(0);
  for (Eigen::Index i = 1; i < s.size(); ++i)
    if (s(i) > top) top = s(i);
  T sum(0);
  for (Eigen::Index i = 0; i < s.size(); ++i) {
    s(i) = exp(T(s(i) - top));
    sum += s(i);
  }
  for (Eigen::Index i = 0; i < s.size(); ++i) s(i) /= sum;
}

// Row-wise softmax of a score matrix.
template <class T>
void softmax_rows_in_place(Mat<T>& A) {
  for (Eigen::Index r = 0; r < A.rows(); ++r) softmax_in_place<T>(A.row(r));
}

}  // namespace icl
