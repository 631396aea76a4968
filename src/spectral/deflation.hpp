// The deflation basis B of a certificate stage: the predicted flat directions as sparse columns in
// the stage's coordinates (docs/certificates.md#4-deflation). Its exact rank is decided in
// rationals, block by block, and it is applied through its sparsity, never as a dense matrix.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "core/scalar.hpp"
#include "spectral/flat_directions.hpp"

namespace icl::spectral {

struct SparseBasis {
  Eigen::Index rows = 0;
  std::vector<std::vector<std::pair<Eigen::Index, Rational>>> columns;
  Eigen::Index cols() const { return static_cast<Eigen::Index>(columns.size()); }
};

// The directions in the coordinates `coords` of a D x D parameterization. An entry outside `coords`
// is a bug in the prediction: std::logic_error.
SparseBasis to_basis(const std::vector<Direction>& directions, const std::vector<exact::Coordinate>& coords, int D);

// rank(B), exactly: columns that share no row are independent of each other, so B splits into
// connected components (union-find on shared rows) whose ranks add; each component is decided by
// an exact FullPivLU in rationals.
struct BasisRank {
  int rank = 0;
  int components = 0;
  int largest_component = 0;  // columns
};
BasisRank exact_rank(const SparseBasis& B);

// sum_j r_j b_j with r_j uniform in [1, 2^32), drawn from pcg64(seed, stream): if H B != 0 then
// H (B r) = 0 has probability <= 2^-32 (a nonzero linear form in r vanishes on at most one value of
// each r_j, Schwartz-Zippel).
Vec<Rational> random_combination(const SparseBasis& B, std::uint64_t seed, std::uint64_t stream);

// y += mu * Bn (Bn^T x), Bn = B with columns scaled to unit length (double).
class Deflation {
 public:
  Deflation(const SparseBasis& B, double mu);
  void add_to(const double* x, double* y) const;
  void add_to(Mat<double>& A) const;  // A += mu Bn Bn^T
  double mu() const { return mu_; }

 private:
  std::vector<std::vector<std::pair<Eigen::Index, double>>> unit_columns_;
  double mu_;
};

}  // namespace icl::spectral
