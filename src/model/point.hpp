// One parameter point in either parameterization (docs/derivations.md#1-conventions).
#pragma once

#include <string>
#include <vector>

#include "model/params.hpp"

namespace icl {

enum class Parameterization { Merged, Separate };

// The position of each matrix in Point::blocks (and exact::Coordinate::block): V first, then the
// merged Q, or Qsep and K in the separate parameterization.
namespace block {
inline constexpr int V = 0;
inline constexpr int Q = 1;     // merged
inline constexpr int Qsep = 1;  // separate
inline constexpr int K = 2;     // separate
}  // namespace block

// The matrices of one parameter point: merged {V, Q}; separate {V, Qsep, K} (merged Q = Qsep^T K).
template <class T>
struct Point {
  Parameterization kind = Parameterization::Merged;
  std::vector<Mat<T>> blocks;

  static Point merged(const MergedParams<T>& p) { return Point{Parameterization::Merged, {p.V, p.Q}}; }
  static Point separate(const SeparateParams<T>& p) { return Point{Parameterization::Separate, {p.V, p.Qsep, p.K}}; }

  int D() const { return static_cast<int>(blocks.front().rows()); }
  const Mat<T>& V() const { return blocks[block::V]; }
  const Mat<T>& Qsep() const { return blocks[block::Qsep]; }  // separate only
  const Mat<T>& K() const { return blocks[block::K]; }        // separate only
  // The merged key-query matrix: Q itself, or Qsep^T K.
  Mat<T> Q() const { return kind == Parameterization::Merged ? blocks[block::Q] : Mat<T>(Qsep().transpose() * K()); }
  MergedParams<T> as_merged() const { return MergedParams<T>{V(), Q()}; }

  template <class S>
  Point<S> cast() const {
    Point<S> out{kind, {}};
    for (const auto& b : blocks) out.blocks.push_back(b.template cast<S>());
    return out;
  }
};

// The merged model (V, Q) as a point of `kind`: itself, or the separate point Qsep = I, K = Q. That is
// the same model (Qsep^T K = Q), at a point where Qsep is invertible, so that (Qsep, K) -> Qsep^T K is
// onto near it (docs/certificates.md#3-separate-parameterization).
template <class T>
Point<T> in_parameterization(const MergedParams<T>& p, Parameterization kind) {
  if (kind == Parameterization::Merged) return Point<T>::merged(p);
  const auto D = p.Q.rows();
  return Point<T>::separate(SeparateParams<T>{p.V, Mat<T>::Identity(D, D), p.Q});
}

inline const char* parameterization_name(Parameterization kind) {
  return kind == Parameterization::Merged ? "merged" : "separate";
}

inline std::vector<std::string> block_names(Parameterization kind) {
  if (kind == Parameterization::Merged) return {"V", "Q"};
  return {"V", "Qsep", "K"};
}

}  // namespace icl
