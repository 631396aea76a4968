// The pieces the claims' statements (theorems/) are built from, besides proof.hpp and knobs.hpp:
// facts, the exact sign sets of a gap polynomial checked against the engine, engine gaps, the paper's
// setting, and C3's conservation law decided by Schwartz-Zippel (docs/proofs.md).
#pragma once

#include <fmt/format.h>

#include <string>
#include <utility>
#include <vector>

#include "prove/knobs.hpp"
#include "prove/proof.hpp"

namespace icl::prove {

// PROVED if `holds`, else REFUTED; `what` says what was decided, with its numbers.
Proof fact(bool holds, const std::string& what);

// The exact sign sets of one gap polynomial, after checking the closed form against the engine.
Proof gap_sets(const std::string& what, const Polynomial<Rational>& formula, const Polynomial<Rational>& engine);

// (n+1)^2 (R_engine(A) - R_engine(B)) on a task, as a polynomial in n.
template <class F>
Polynomial<Rational> engine_gap(const MergedParams<Rational>& a, const MergedParams<Rational>& b,
                                const exact::TaskLaw<Rational>& task, const Rational& s2) {
  return numerator_in_n<F>([&](long n) { return exact::risk(a, task, n, s2) - exact::risk(b, task, n, s2); });
}

// The paper's setting of C2 and C5: d = 5, s2 = 1/10, gamma from m = 20 under both conventions.
inline Setting<Rational> paper_setting() { return {5, Rational(1, 10)}; }

template <class F>
std::vector<std::pair<std::string, Rational>> paper_gammas_both() {
  return {{"authors m/(m+1+d)", closed_form::gamma_authors<Rational>(20, 5)},
          {"gamma*(20)", F::gamma_star(20, paper_setting())}};
}

// C3: <Q, grad_Q L> + sign <v, grad_v L> = 0 identically (sign = -1), by Schwartz-Zippel at random
// integer points, for the zero-shot, few-shot and pretraining losses at d = 1..4.
Proof conservation_law(int sign);

}  // namespace icl::prove
