// Claim C3: the paper's formulas pass; every deliberately wrong variant is caught.
#include "mutant_harness.hpp"
#include "theorems/c3_balance.hpp"
#include "verify/mutants.hpp"

using namespace icl;

TEST_CASE("C3: the paper's formulas pass every check") {
  const auto failed = testing::failing_checks(theorems::claim_c3<PaperFormulas>());
  for (const auto& f : failed) MESSAGE(f);
  CHECK(failed.empty());
}

TEST_CASE("C3 mutant CStarSignFlip is caught") {
  testing::expect_killed<mutants::CStarSignFlip>(theorems::claim_c3<mutants::CStarSignFlip>());
}

TEST_CASE("C3 mutant CStarNoVy is caught") {
  testing::expect_killed<mutants::CStarNoVy>(theorems::claim_c3<mutants::CStarNoVy>());
}
