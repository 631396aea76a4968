// Claim C4: the paper's formulas pass; every deliberately wrong variant is caught.
#include "mutant_harness.hpp"
#include "theorems/c4_value_only.hpp"
#include "verify/mutants.hpp"

using namespace icl;

TEST_CASE("C4: the paper's formulas pass every check") {
  const auto failed = testing::failing_checks(theorems::claim_c4<PaperFormulas>());
  for (const auto& f : failed) MESSAGE(f);
  CHECK(failed.empty());
}

TEST_CASE("C4 mutant ValueOnlyD3 is caught") {
  testing::expect_killed<mutants::ValueOnlyD3>(theorems::claim_c4<mutants::ValueOnlyD3>());
}

TEST_CASE("C4 mutant ValueOnlyNoNoise is caught") {
  testing::expect_killed<mutants::ValueOnlyNoNoise>(theorems::claim_c4<mutants::ValueOnlyNoNoise>());
}

TEST_CASE("C4 mutant ValueOnlyOffByOneN is caught") {
  testing::expect_killed<mutants::ValueOnlyOffByOneN>(theorems::claim_c4<mutants::ValueOnlyOffByOneN>());
}

TEST_CASE("C4 mutant BetaD3 is caught") {
  testing::expect_killed<mutants::BetaD3>(theorems::claim_c4<mutants::BetaD3>());
}

TEST_CASE("C4 mutant LimitSignFlip is caught") {
  testing::expect_killed<mutants::LimitSignFlip>(theorems::claim_c4<mutants::LimitSignFlip>());
}
