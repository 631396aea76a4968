// Multivariate polynomials from exact values on a tensor grid, with every degree bound confirmed
// (docs/proofs.md#grids). A polynomial of degree <= k_j in variable j that vanishes on a grid of
// k_j + 1 distinct values per variable is zero; the nodes beyond k_j + 1 confirm the bound.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "poly/polynomial.hpp"

namespace icl {

// One variable of a grid: nodes x0, x0 + h, ..., x0 + (nodes - 1) h; the first degree + 1 nodes
// interpolate, the rest confirm.
struct GridAxis {
  std::string name;
  Rational x0, h;
  int degree;
  int nodes;
  Rational node(int i) const { return x0 + Rational(i) * h; }
  int confirmations() const { return nodes - degree - 1; }
};

// A point of the grid, one value per axis.
using GridPoint = std::vector<Rational>;

// Exponents (one per variable) -> exact coefficient; absent means 0.
struct MultiPolynomial {
  std::vector<std::string> vars;
  std::map<std::vector<int>, Rational> terms;

  bool is_zero() const { return terms.empty(); }
  Rational operator()(const GridPoint& x) const;
  // "2 gamma n - gamma^2 n^2 + ..." (terms in graded order, exact coefficients).
  std::string to_string() const;
  // The coefficient of var^k, as a polynomial in the other variables (same variable list).
  MultiPolynomial coefficient(const std::string& var, int k) const;
};

MultiPolynomial operator-(const MultiPolynomial& a, const MultiPolynomial& b);

// Every point of the grid, in row-major order (the last axis fastest).
std::vector<GridPoint> grid_points(const std::vector<GridAxis>& axes);

// Interpolates `values` (row-major over grid_points(axes)) axis by axis and confirms each
// degree bound at the extra nodes. Throws DegreeBoundError naming the axis on a mismatch.
MultiPolynomial fit_tensor(const std::vector<GridAxis>& axes, const std::vector<Rational>& values);

}  // namespace icl
