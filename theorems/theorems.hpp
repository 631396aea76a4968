// The registry of claims (THEORY.md section 4): one table, theorems/registry.cpp, one row per claim,
// from which `iclverify check`, `list`, `selftest`, `prove`, `report` and the ctest entries all read.
// A claim file (theorems/<file>.cpp) holds the claim's statement, hypotheses and named checks, the
// mutants its checks must kill and its statements for every n; the machinery lives in src/verify
// and src/prove. Adding a claim is adding its file and its row.
#pragma once

#include <string>
#include <vector>

#include "verify/check.hpp"
#include "verify/selftest.hpp"

namespace icl::prove {
struct Statement;
}

namespace icl::theorems {

// What a claim file defines (one function returning this, named after the file).
struct ClaimFile {
  Claim (*claim)();                               // statement, hypotheses, checks (the paper's formulas)
  std::vector<MutantCase> (*mutants)();           // the file's mutants; MutantCase::claim names who must
                                                  // kill each: this claim, or P for a mutant of its statements
  std::vector<prove::Statement> (*statements)();  // statements for every n (`iclverify prove`, claim P)
};

struct ClaimEntry {
  std::string id;  // "C1": the id of the claim the file builds
  ClaimFile file;
  // The report's figures (catalog names; "comparison" stands for its 12 configurations) and tables that
  // illustrate it.
  std::vector<std::string> figures, tables;
};

// The table, in the order of `check`, `list`, `selftest` and the report.
const std::vector<ClaimEntry>& registry();

// Every claim, built against the paper's formulas, in registry order.
std::vector<Claim> all_claims();

// Every mutant, grouped by the claim that must kill it, in registry order.
std::vector<MutantCase> all_mutant_cases();

// The ids of the registry's claims, in order.
std::vector<std::string> claim_ids();

}  // namespace icl::theorems
