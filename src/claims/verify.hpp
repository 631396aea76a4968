// Module claims: a researcher's derivations as data (docs/claim-files.md). A claim file's statements
// are decided against the exact engine, for every n (and every d, s2 and symbol value where the
// degree bounds reach): PROVED, REFUTED with an exact counterexample, DECIDED (sets or a limit
// printed, nothing expected) or OPEN.
//   expr.hpp        the expression reader (GiNaC expressions, risk atoms)
//   blocks.hpp      the block algebra of the families (I, P = theta0 theta0^T, theta0, scalars)
//   claim_file.hpp  the TOML reader and its checks
//   atoms.hpp       risk atoms as exact rational functions, interpolated from the engine
//   verify.hpp      the decisions, --mutate, and their JSON
#pragma once

#include <array>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "claims/atoms.hpp"
#include "claims/claim_file.hpp"
#include "core/number.hpp"

namespace icl::claims {

enum class ClaimVerdict { Proved, Refuted, Decided, Open };
const char* verdict_name(ClaimVerdict v);

struct Decision {
  std::string file, name, kind, note;
  ClaimVerdict verdict = ClaimVerdict::Open;
  std::string evidence;
  nlohmann::json counterexample;  // REFUTED: values, both sides exact, difference (limit: the true limit)
  nlohmann::json sets;            // sets: {"positive", "zero", "negative"} runs [lo, hi] (hi null: no end)
  nlohmann::json limit;           // limit: {"value", "equals"}
  // --mutate: how many mutants this statement refuted, of how many, and the survivors.
  std::optional<int> mutants, refuted;
  std::vector<std::string> survivors;
  bool d_fitted = false;  // an atom was fitted with d as a variable ("every d" by the degree bound)
  // With Verifier::set_certificates(true): {"parts": [...]}, what the decision consists of, one part
  // per decision on exact rational functions (a stationary list: one per name). See certificate.hpp.
  nlohmann::json certificate;

  bool ok() const { return verdict == ClaimVerdict::Proved || verdict == ClaimVerdict::Decided; }
  nlohmann::json to_json() const;
};

// Decides the statements of one file, sharing the atoms' fits between them.
class Verifier {
 public:
  // max_points: the largest grid an atom is fitted on (past it, d is taken one value at a time).
  explicit Verifier(const ClaimFile& file, long max_points = kMaxGridPoints) : f_(file), k_("k"), cache_(max_points) {}

  Decision decide(const Statement& s);
  // Decisions carry their proof certificate (off by default: --mutate decides many statements).
  void set_certificates(bool on) { certify_ = on; }
  // Every mutant of s (integer constants +-1, symbols swapped, task signs flipped); fills the
  // mutant counts of `original`.
  void mutate(const Statement& s, Decision& original);
  // The first of those mutants, in their fixed order, that is REFUTED: what it changed and its decision
  // (nothing when every mutant survives). The mutant of the statement that `selftest` runs.
  struct Refutation {
    std::string mutant;
    Decision decision;
  };
  std::optional<Refutation> first_refuted_mutant(const Statement& s);

  // The exact value of an expression at numbers for every free name (n included), atoms from the engine.
  Rational evaluate(const Expr& x, const GiNaC::exmap& values);
  // The expression as a rational function (atoms fitted), with `where` substituted.
  // What the atoms of a statement rest on: each atom's grid in words (once), and whether any was
  // fitted with d as a variable (so "every d" rests on the degree bound in d).
  struct AtomsUsed {
    std::vector<std::string> evidence;
    bool d_axis = false;
    nlohmann::json atoms = nlohmann::json::object();  // "FAMILY|TASK" -> the fit's certificate
  };
  GiNaC::ex symbolic(const Expr& x, const GiNaC::exmap& where, AtomsUsed* used = nullptr);

 private:
  Decision decide_once(const Statement& s);
  // "<file>: the expression is undefined at the values of where ...": one message for every pole.
  InputError undefined_at_where() const;
  // Decides each well-formed, distinct mutant of s in order, calling visit(what, decision) until it
  // returns false; returns how many were decided.
  int for_each_mutant(const Statement& s, const std::function<bool(const std::string&, const Decision&)>& visit);
  // decide_once's work; `part` receives what the decision consists of (the certificate's part).
  Decision decide_part(const Statement& s, nlohmann::json& part);

  const ClaimFile& f_;
  GiNaC::symbol k_;
  AtomCache cache_;
  bool certify_ = false;
};

}  // namespace icl::claims

namespace icl::claims {

// `table --claims FILE --family NAME --where ...`: the exact risk of one family of a claim file on
// theta0, -theta0 and the sphere at each n of `shots`, every free name given a number by `values`
// ("gamma=10/13,c=1"; d and s2 when the file leaves them symbolic). Throws InputError naming a
// missing or unknown name, an unknown family, or a family undefined at the values.
struct FamilyCurves {
  std::string caption;
  std::vector<long> shots;
  std::vector<std::array<Rational, 3>> risk;  // theta0, -theta0, sphere
};
FamilyCurves family_curves(const ClaimFile& f, const std::string& family, const std::string& values,
                           const std::vector<long>& shots);

}  // namespace icl::claims
