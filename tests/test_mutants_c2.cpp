// Claim C2: the paper's formulas pass; every deliberately wrong variant is caught.
#include "mutant_harness.hpp"
#include "theorems/c2_full_finetuning.hpp"
#include "verify/mutants.hpp"

using namespace icl;

TEST_CASE("C2: the paper's formulas pass every check") {
  const auto failed = testing::failing_checks(theorems::claim_c2<PaperFormulas>());
  for (const auto& f : failed) MESSAGE(f);
  CHECK(failed.empty());
}

TEST_CASE("C2 mutant FullFtOffByOneN is caught") {
  testing::expect_killed<mutants::FullFtOffByOneN>(theorems::claim_c2<mutants::FullFtOffByOneN>());
}

TEST_CASE("C2 mutant FullFtNoNoise is caught") {
  testing::expect_killed<mutants::FullFtNoNoise>(theorems::claim_c2<mutants::FullFtNoNoise>());
}

TEST_CASE("C2 mutant FullFtSignFlip is caught") {
  testing::expect_killed<mutants::FullFtSignFlip>(theorems::claim_c2<mutants::FullFtSignFlip>());
}
