// The claims of THEORY.md section 4, one file each. A claim file holds the statement, its
// hypotheses and its checks; the machinery lives in src/verify.
#pragma once

#include <vector>

#include "verify/check.hpp"
#include "verify/selftest.hpp"

namespace icl::theorems {

// The exact engine (E), then C1..C6, against the paper's formulas.
std::vector<Claim> all_claims();

// The claims that use the exact engine, each compiled in its own translation unit.
Claim paper_claim_engine();
Claim paper_claim_c6();
Claim claim_certificates();  // claim H: Hessian certificates (theorems/h_certificates.cpp)
Claim paper_claim_proofs();  // claim P: the fast proofs (theorems/registry_proofs.cpp)
Claim claim_training();      // claim T: training lands where C1-C7 say (theorems/t_training.cpp)

// Every mutant with the claim that must catch it (src/verify/mutants.hpp), claim by claim.
std::vector<MutantCase> all_mutant_cases();
std::vector<MutantCase> mutant_cases_engine();
std::vector<MutantCase> mutant_cases_c1();
std::vector<MutantCase> mutant_cases_c2();
std::vector<MutantCase> mutant_cases_c3();
std::vector<MutantCase> mutant_cases_c4();
std::vector<MutantCase> mutant_cases_c5();
std::vector<MutantCase> mutant_cases_c6();
std::vector<MutantCase> mutant_cases_proofs();
std::vector<MutantCase> mutant_cases_training();  // claim T (theorems/mutants_t.cpp)
std::vector<MutantCase> mutant_cases_h();         // claim H (theorems/mutants_h.cpp)

}  // namespace icl::theorems
