// Exact real roots and signs of univariate polynomials with rational coefficients, through FLINT
// (fmpz_poly: Sturm root counts, root bounds, gcd). docs/proofs.md#real-roots.
#pragma once

#include <vector>

#include "poly/polynomial.hpp"
#include "poly/sign_runs.hpp"

namespace icl {

// An isolating interval of one real root: lo < root < hi, or lo == hi == root (an exact root).
struct RootInterval {
  Rational lo, hi;
};

// The distinct real roots of p (p != 0), in increasing order, as disjoint isolating intervals of
// width <= `width`. Bisection of a Fujiwara root bound; each count is a Sturm count (FLINT) of the
// squarefree part after the Moebius map x = (lo + hi t)/(1 + t), which sends (lo, hi) to t > 0.
std::vector<RootInterval> isolate_real_roots(const Polynomial<Rational>& p, const Rational& width);

// The number of distinct real roots of p (p != 0), by FLINT's Sturm sequence.
long count_real_roots(const Polynomial<Rational>& p);

// The runs of one sign of p over n = 0, 1, 2, ... for ANY degree (integer_sign_runs is the
// degree <= 2 special case): exact signs at the integers next to each isolated root, and the
// sign of the leading coefficient past the largest root. Throws std::domain_error past 2^62.
std::vector<SignRun> sign_runs_any_degree(const Polynomial<Rational>& p);

// The sign of x: -1, 0 or +1.
int sign_of(const Rational& x);

// The largest integer <= x.
Integer floor_of(const Rational& x);

}  // namespace icl
