// The flat directions the theory predicts at a certified point, as explicit sparse vectors
// (docs/certificates.md#2-predicted-zero-counts). They are the deflation basis B of the certificate:
// the Hessian must map each of them to 0, they must be independent, and the Hessian must be
// positive definite on their complement. Nothing here counts eigenvalues.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/scalar.hpp"
#include "exact/objective.hpp"
#include "model/params.hpp"

namespace icl::spectral {

// One direction in parameter space, entry by entry: (block, row, col) -> value; absent entries are 0.
struct Direction {
  std::vector<std::pair<exact::Coordinate, Rational>> entries;
};

// Predicted flat directions that share one reason ("scaling (V, Q) -> (sV, Q/s)").
struct FlatFamily {
  std::string why;
  std::vector<Direction> directions;
};

// The merged families (blocks 0 = V, 1 = Q) at the merged point p.
FlatFamily scaling_family(const MergedParams<Rational>& p);  // (V's value row, -Q) without Q's label row
FlatFamily label_weight_family(const Layout& L);             // v_y, read only through z[y]
FlatFamily antisymmetric_family(const Layout& L);            // E_ij - E_ji on Q's (1, x) block
FlatFamily label_column_family(const Layout& L);             // Q[r, y], r < y
FlatFamily noiseless_kq_family(const Layout& L, const Vec<Rational>& theta0);  // Q[r, x] = -theta0, Q[r, y] = 1

// Every one of `coords` as a unit direction (a loss that does not read them at all).
FlatFamily unit_family(std::string why, const std::vector<exact::Coordinate>& coords);

// The separate point with Qsep = I and K = Q (docs/certificates.md#3-separate):
// a merged direction (dv, dQ) lifted to (dv, dQsep = 0, dK = dQ) ...
FlatFamily lift_to_separate(const FlatFamily& merged);
// ... the GL(D) orbit (Qsep, K) -> (G Qsep, G^-T K): dQsep = E_ab, dK = -E_ba K, for the columns b
// below the label (Qsep's label column is inert) ...
FlatFamily gl_orbit_family(const Mat<Rational>& K);
// ... and K's label row, which builds only Q's label row (never read by the prediction).
FlatFamily key_label_row_family(const Layout& L);

}  // namespace icl::spectral
