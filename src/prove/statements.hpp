// Claim P: the statements of `iclverify prove` (each claim file's, gathered by theorems/registry.cpp)
// as checks of `iclverify check`, and the mutants of claim P: a formula policy run through the
// statements that read it.
#pragma once

#include <string>
#include <vector>

#include "prove/knobs.hpp"
#include "prove/proof.hpp"
#include "prove/toolkit.hpp"
#include "verify/check.hpp"
#include "verify/selftest.hpp"

namespace icl::prove {

// Claim P: one check "P.<statement id>" per statement, in the fast set; PROVED is PASS, anything
// else FAIL (a statement of THEORY.md that is REFUTED or left OPEN is a failure of the check).
Claim proofs_claim(const std::vector<Statement>& statements);

// A mutant of claim P: the policy M (a formula mutant or a wrong proof knob) run through the
// statements that read the mutated member (only those are instantiated, so the self-test stays fast).
template <class M>
MutantCase proof_mutant(std::vector<Statement (*)()> statements) {
  return {M::name, "P", [statements] {
            std::vector<Statement> kept;
            for (auto make : statements) kept.push_back(make());
            return proofs_claim(kept);
          }};
}

}  // namespace icl::prove
