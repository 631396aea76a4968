#include "prove/statements.hpp"

namespace icl::prove {

Claim proofs_claim(const std::vector<Statement>& statements) {
  Claim claim{"P",
              "Proofs for every n: closed forms = exact engine, and the claims, decided exactly",
              "Each closed form of THEORY.md section 3 equals the exact engine as a polynomial in n, its parameter, s2 "
              "and d; the threshold of C1, the worse sets and limits of C2, C3's conservation law, the limits of C4, "
              "n1 and n2 of C5 and the stationarity of every closed-form optimum hold for every n (docs/proofs.md).",
              {"degree bounds of docs/proofs.md, confirmed at extra grid nodes", "fast set: d = 1..5"},
              {}};
  for (const auto& s : statements)
    claim.checks.push_back({"P." + s.id, s.claim, [prove = s.prove](const CheckContext&) {
                              const Proof p = prove(ProofOptions{});
                              return Outcome{p.verdict == ProofVerdict::Proved ? Verdict::Pass : Verdict::Fail,
                                             std::string(proof_verdict_name(p.verdict)) + ": " + p.summary};
                            }});
  return claim;
}

}  // namespace icl::prove
