// Claim C1: the paper's formulas pass; every deliberately wrong variant is caught.
#include "mutant_harness.hpp"
#include "theorems/c1_pretraining.hpp"
#include "verify/mutants.hpp"

using namespace icl;

TEST_CASE("C1: the paper's formulas pass every check") {
  testing::expect_all_pass(theorems::claim_c1<PaperFormulas>());
}

TEST_CASE_TEMPLATE("C1: a mutant is caught", M, mutants::PretrainedOffByOneN, mutants::PretrainedNoNoise,
                   mutants::GammaStarNoNoise, mutants::GammaStarOffByOne, mutants::ThresholdWrongDenominator,
                   mutants::ClassicalOffByOne) {
  testing::expect_killed<M>(theorems::claim_c1<M>());
}
