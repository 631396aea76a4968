// The risk atoms of a claim file as exact rational functions, from the exact engine only
// (docs/claim-files.md#how-a-risk-atom-becomes-a-formula). risk(F, task, k) of a family whose blocks
// are expressions in d, s2 and the symbols is
//   R = Num(k, d, s2, symbols) / ((k+1)^2 q_v^2 q_M^2 [d on the sphere]),
// q_v, q_M the common denominators of the value row's and the key-query matrix's coefficients, and
// Num a polynomial with a degree bound per variable: 2 in k; in a symbol g, 2 h_v(g) + 2 h_M(g)
// (the risk has degree <= 2 in the value row and <= 2 in M; h = the larger degree of a numerator
// over the common denominator, or of the denominator); in d, that plus 2 (fixed task) or 3 (sphere);
// in s2, that plus 2. Num is interpolated on a tensor grid of exact engine values with 2 extra
// nodes per axis that must agree (fit_tensor): a wrong bound throws DegreeBoundError.
#pragma once

#include <ginac/ginac.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "claims/claim_file.hpp"
#include "poly/tensor_fit.hpp"

namespace icl::claims {

// Extra nodes per axis that confirm the degree bounds.
inline constexpr int kConfirmations = 2;
// Past this many engine points an atom is not fitted (the statement is OPEN).
inline constexpr long kMaxGridPoints = 400000;

struct AtomFit {
  GiNaC::ex value;             // rational function of the shot variable k and the free variables
  std::vector<GridAxis> axes;  // the grid (k last)
  long points = 0;             // engine evaluations (curves count once per point of the other axes)
  bool d_axis = false;         // d was a variable of the fit (so "every d" rests on its degree bound)
  // What the fit consists of, for a proof certificate (docs/proof-certificates.md): the family's
  // coefficients and their common denominators, the grid with a reason per degree bound, the
  // engine's exact value at every node and the interpolated numerator.
  nlohmann::json certificate;
};

// Fits risk(fam, task, k) with `fixed` (symbol -> number) substituted first. Throws DegreeBoundError
// when a bound fails at a confirmation node, std::length_error past kMaxGridPoints.
AtomFit fit_atom(const ClaimFile& f, const Family& fam, TaskKind task, const GiNaC::exmap& fixed,
                 const GiNaC::symbol& k, long max_points = kMaxGridPoints);

// The exact engine's risk of fam on task at n shots, at `values` (every free symbol, d and s2 among
// them when symbolic, mapped to a number). Throws InputError when a coefficient is undefined there.
Rational engine_risk(const ClaimFile& f, const Family& fam, TaskKind task, const GiNaC::exmap& values, long n);

// The parameters of fam at `values` as a one-head parameter file's JSON ({"V", "Q"} merged), so that
// a reader can check a value with `iclverify risk --params`.
std::string family_params_json(const ClaimFile& f, const Family& fam, const GiNaC::exmap& values);

// Fits are shared by the statements of a file and by their mutants.
class AtomCache {
 public:
  explicit AtomCache(long max_points = kMaxGridPoints) : max_points_(max_points) {}
  const AtomFit& get(const ClaimFile& f, const Family& fam, TaskKind task, const GiNaC::exmap& fixed,
                     const GiNaC::symbol& k);

 private:
  long max_points_;
  std::map<std::string, AtomFit> fits_;
};

}  // namespace icl::claims
