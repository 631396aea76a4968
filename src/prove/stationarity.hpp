// The machinery of the statements stat.* (in the claim files: stat.gamma_star in C1, stat.b_zero_shot
// in C4, stat.w_star in C5, stat.kq_optimum in C6): the exact gradient vanishes at the closed-form
// optima identically in n (or m) and s2 (docs/proofs.md#stationarity). Each gradient is a rational
// function of the grid variables whose numerator has the degree stated at its axes; vanishing on the
// grid proves it is zero.
#pragma once

#include <fmt/format.h>

#include "exact/exact.hpp"
#include "prove/knobs.hpp"
#include "prove/proof.hpp"

namespace icl::prove {

using VectorFunction = std::function<Vec<Rational>(const GridPoint&)>;

// Every component of g vanishes at every grid point (REFUTED at the first nonzero component).
Proof prove_vanishing(const std::string& what, const std::vector<GridAxis>& axes, const VectorFunction& g);

// The dimensions a stationarity statement runs over: 1..5 (fast) or 1..12 (full).
inline std::vector<int> proof_dims(const ProofOptions& o) {
  std::vector<int> out;
  for (int d = 1; d <= (o.full ? 12 : 5); ++d) out.push_back(d);
  return out;
}

template <class Build>
Proof for_each_d(const ProofOptions& o, const std::string& summary, Build build) {
  std::vector<Proof> parts;
  for (int d : proof_dims(o)) parts.push_back(build(d));
  return all_of(fmt::format("{}; d = 1..{}", summary, proof_dims(o).size()), parts);
}

inline Vec<Rational> gradient_at(const exact::Objective<Rational>& obj, const MergedParams<Rational>& p,
                                 exact::Update update) {
  const auto point = Point<Rational>::merged(p);
  return exact::value_and_gradient(obj, point, exact::coordinates(point.kind, point.D(), update)).gradient;
}

}  // namespace icl::prove
