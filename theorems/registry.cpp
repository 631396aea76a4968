// The registry: one row per claim. A row names the claim's id, the file that defines its checks,
// mutants and statements, and the report's figures and tables that illustrate it. `check`, `list`,
// `selftest`, `prove`, `report` and ctest (tests/mutant_tests.cmake) read this table and nothing else.
#include "claims/embedded.hpp"
#include "prove/paper.hpp"
#include "prove/statements.hpp"
#include "theorems/theorems.hpp"

namespace icl::theorems {

// Defined by the claim files, one each (theorems/<name>.cpp).
ClaimFile e_engine();
ClaimFile c1_pretraining();
ClaimFile c2_full_finetuning();
ClaimFile c3_balance();
ClaimFile c4_value_only();
ClaimFile c5_auxiliary_fewshot();
ClaimFile c6_key_query();
ClaimFile c7_separate();
ClaimFile h_certificates();
ClaimFile t_training();
ClaimFile a_architectures();
ClaimFile l_lora();

namespace {

// Claim P is built from the other claims' statements; their files hold its mutants (claim "P"), and the
// statements of theorems/*.toml are guarded by their own refuted `verify --mutate` mutants.
ClaimFile proofs() {
  return {[] { return prove::proofs_claim(paper_statements()); }, [] { return claims::claim_file_mutant_cases(); },
          [] { return std::vector<prove::Statement>{}; }};
}

}  // namespace

const std::vector<ClaimEntry>& registry() {
  static const std::vector<ClaimEntry> table{
      // id   file                    figures                                 tables
      {"E", e_engine(), {"fc-curves"}, {"risk-families"}},
      {"C1", c1_pretraining(), {"pretrained"}, {"optima", "w-star"}},
      {"C2", c2_full_finetuning(), {"fc-curves"}, {"risk-families"}},
      {"C3", c3_balance(), {"learned-vs-theory"}, {"optima"}},
      {"C4", c4_value_only(), {"value-only"}, {"risk-families", "optima"}},
      {"C5", c5_auxiliary_fewshot(), {"value-only"}, {"w-star", "optima"}},
      {"C6", c6_key_query(), {"all-methods"}, {"optima"}},
      {"C7", c7_separate(), {"all-methods"}, {"risk-methods-target", "risk-methods-opposite"}},
      {"H", h_certificates(), {}, {"verdicts"}},
      {"P", proofs(), {}, {"verdicts"}},
      {"T", t_training(), {"learned-vs-theory", "all-methods"}, {"risk-methods-target", "risk-methods-opposite"}},
      {"A", a_architectures(), {"comparison"}, {"architectures", "verdicts"}},
      {"L", l_lora(), {}, {"verdicts"}},
  };
  return table;
}

std::vector<Claim> all_claims() {
  std::vector<Claim> out;
  for (const auto& e : registry()) out.push_back(e.file.claim());
  return out;
}

std::vector<MutantCase> all_mutant_cases() {
  std::vector<MutantCase> every;
  for (const auto& e : registry()) {
    auto cases = e.file.mutants();
    every.insert(every.end(), cases.begin(), cases.end());
  }
  std::vector<MutantCase> out;
  for (const auto& e : registry())
    for (const auto& c : every)
      if (c.claim == e.id) out.push_back(c);
  return out;
}

std::vector<std::string> claim_ids() {
  std::vector<std::string> out;
  for (const auto& e : registry()) out.push_back(e.id);
  return out;
}

std::vector<prove::Statement> paper_statements() {
  std::vector<prove::Statement> out;
  for (const auto& e : registry()) {
    auto part = e.file.statements();
    out.insert(out.end(), part.begin(), part.end());
  }
  // the paper's statements as claim files (theorems/*.toml), decided through `verify`
  auto files = claims::claim_file_statements();
  out.insert(out.end(), files.begin(), files.end());
  return out;
}

}  // namespace icl::theorems
