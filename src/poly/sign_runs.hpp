// Exact sign of a polynomial at every integer n >= 0, with no cut-off
// (docs/derivations.md#7-risk-curves-as-polynomials-in-n).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "poly/polynomial.hpp"

namespace icl {

// A maximal run of consecutive integers lo..hi (hi empty: and every larger n) on which the
// polynomial has one sign (-1, 0 or +1).
struct SignRun {
  int sign;
  long lo;
  std::optional<long> hi;
};

// The runs covering n = 0, 1, 2, ... for a polynomial of degree <= 2 with rational coefficients.
// Exact: monotone branches around the vertex, each searched by galloping and bisection with exact
// evaluations. Throws std::domain_error for degree > 2 or a sign change beyond 2^62.
std::vector<SignRun> integer_sign_runs(const Polynomial<Rational>& p);

// The least n0 such that the sign is `sign` for every n >= n0, if there is one.
std::optional<long> sign_holds_from(const std::vector<SignRun>& runs, int sign);

// The integers where the sign is `sign`, as "[lo, hi]" pieces joined by ", " ("none" if empty).
std::string describe_runs(const std::vector<SignRun>& runs, int sign);

}  // namespace icl
