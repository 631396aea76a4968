// Claim C5: the paper's formulas pass; every deliberately wrong variant is caught.
#include "mutant_harness.hpp"
#include "theorems/c5_auxiliary_fewshot.hpp"
#include "verify/mutants.hpp"

using namespace icl;

TEST_CASE("C5: the paper's formulas pass every check") {
  const auto failed = testing::failing_checks(theorems::claim_c5<PaperFormulas>());
  for (const auto& f : failed) MESSAGE(f);
  CHECK(failed.empty());
}

TEST_CASE("C5 mutant WStarD3 is caught") {
  testing::expect_killed<mutants::WStarD3>(theorems::claim_c5<mutants::WStarD3>());
}

TEST_CASE("C5 mutant WStarNoNoise is caught") {
  testing::expect_killed<mutants::WStarNoNoise>(theorems::claim_c5<mutants::WStarNoNoise>());
}

TEST_CASE("C5 mutant WStarOffByOne is caught") {
  testing::expect_killed<mutants::WStarOffByOne>(theorems::claim_c5<mutants::WStarOffByOne>());
}
