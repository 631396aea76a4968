// Proofs for every n: a statement, its verdict (PROVED, REFUTED with an exact counterexample, or
// OPEN) and its certificate (docs/proofs.md). The helpers here decide polynomial identities on
// tensor grids and describe polynomials, roots and sign runs as JSON.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "poly/flint_poly.hpp"
#include "poly/tensor_fit.hpp"

namespace icl::prove {

enum class ProofVerdict { Proved, Refuted, Open };

const char* proof_verdict_name(ProofVerdict v);

struct Proof {
  ProofVerdict verdict;
  std::string summary;         // one line: what was decided and the figure that decided it
  nlohmann::json certificate;  // degree bounds, grid, polynomial, roots, counterexample
};

struct ProofOptions {
  bool full = false;  // d in 1..12 instead of 1..5
  // Statements that can (the claim files') put their proof certificate (docs/proof-certificates.md)
  // under "proof_certificate" in their Proof's certificate.
  bool certificates = false;
};

struct Statement {
  std::string id;     // "cf.R_pre"
  std::string claim;  // the statement in words
  std::function<Proof(const ProofOptions&)> prove;
};

using GridFunction = std::function<Rational(const GridPoint&)>;

// lhs == rhs at every point of the grid (PROVED when both are polynomials within the axes' degree
// bounds: the bounds are derived in docs/proofs.md and confirmed at the extra nodes, where a
// mismatch is OPEN). A point where they differ is REFUTED with that exact counterexample.
Proof prove_identity(const std::string& what, const std::vector<GridAxis>& axes, const GridFunction& lhs,
                     const GridFunction& rhs);

// PROVED iff every part is; otherwise the first REFUTED part, else the first OPEN part. The
// certificate lists the parts' certificates under "parts".
Proof all_of(const std::string& summary, const std::vector<Proof>& parts);

// The standard axes: shots n (0, 1, ...), dimension d (1, 2, ...), noise s2 (0, 1, ...).
GridAxis n_axis(int degree, const std::string& name = "n");
GridAxis d_axis(const ProofOptions& o);  // degree 2: d = 1..5 (fast) or 1..12 (full)
GridAxis s2_axis(int degree);
GridAxis param_axis(const std::string& name, const Rational& x0, int degree);  // step 1

long as_long(const Rational& x);

// "d = 1..5 on the grid; every d by the degree <= 2 in d, confirmed at 2 more d".
std::string all_d_text(const GridAxis& d);

// "[lo, hi]" lists as JSON ([lo, null] for "and every larger n"), for the runs of one sign.
nlohmann::json runs_json(const std::vector<SignRun>& runs, int sign);
nlohmann::json roots_json(const std::vector<RootInterval>& roots);
std::vector<std::string> fractions(const Polynomial<Rational>& p);
nlohmann::json axes_json(const std::vector<GridAxis>& axes);
std::string show(const Rational& q);  // "p/q (= decimal)"

// The part of a certificate that decides the sign of p at every integer n >= 0: the polynomial,
// its isolated real roots (width 2^-20) and the runs of each sign.
nlohmann::json sign_certificate(const Polynomial<Rational>& p);

}  // namespace icl::prove
