// The paper's claim files (theorems/*.toml), compiled into the program at configure time so that
// `prove` and claim P of `check` run them from any directory; and their statements as statements of
// `prove` (ids "C2.worse_set_on_theta0,_gamma_=_10/13": the file's claim, then the name with '_' for ' ').
#pragma once

#include <string>
#include <vector>

#include "prove/proof.hpp"
#include "verify/selftest.hpp"

namespace icl::claims {

struct EmbeddedFile {
  std::string path;  // "theorems/c1_pretraining.toml"
  std::string text;
};

// Defined in the generated file build/generated/claim_files.cpp (CMakeLists.txt).
const std::vector<EmbeddedFile>& embedded_claim_files();

// Every statement of the embedded files, decided through `verify` (PROVED is PROVED; REFUTED,
// DECIDED and OPEN are not).
std::vector<prove::Statement> claim_file_statements();

// The mutants of claim P that guard those statements: one per statement, named after it, that runs the
// statement's check "P.<id>" on the first of its `verify --mutate` mutants that the verifier refutes
// (so the check FAILs; a statement none of whose mutants is refuted leaves its mutant SURVIVED and the
// check UNGUARDED). The files' atoms are fitted once and shared by these mutants.
std::vector<MutantCase> claim_file_mutant_cases();

}  // namespace icl::claims
