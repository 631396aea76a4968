// Claim C1: the paper's formulas pass; every deliberately wrong variant is caught.
#include "mutant_harness.hpp"
#include "theorems/c1_pretraining.hpp"
#include "verify/mutants.hpp"

using namespace icl;

TEST_CASE("C1: the paper's formulas pass every check") {
  const auto failed = testing::failing_checks(theorems::claim_c1<PaperFormulas>());
  for (const auto& f : failed) MESSAGE(f);
  CHECK(failed.empty());
}

TEST_CASE("C1 mutant PretrainedOffByOneN is caught") {
  testing::expect_killed<mutants::PretrainedOffByOneN>(theorems::claim_c1<mutants::PretrainedOffByOneN>());
}

TEST_CASE("C1 mutant PretrainedNoNoise is caught") {
  testing::expect_killed<mutants::PretrainedNoNoise>(theorems::claim_c1<mutants::PretrainedNoNoise>());
}

TEST_CASE("C1 mutant GammaStarNoNoise is caught") {
  testing::expect_killed<mutants::GammaStarNoNoise>(theorems::claim_c1<mutants::GammaStarNoNoise>());
}

TEST_CASE("C1 mutant GammaStarOffByOne is caught") {
  testing::expect_killed<mutants::GammaStarOffByOne>(theorems::claim_c1<mutants::GammaStarOffByOne>());
}

TEST_CASE("C1 mutant ThresholdWrongDenominator is caught") {
  testing::expect_killed<mutants::ThresholdWrongDenominator>(theorems::claim_c1<mutants::ThresholdWrongDenominator>());
}

TEST_CASE("C1 mutant ClassicalOffByOne is caught") {
  testing::expect_killed<mutants::ClassicalOffByOne>(theorems::claim_c1<mutants::ClassicalOffByOne>());
}
