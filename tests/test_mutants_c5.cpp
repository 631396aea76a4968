// Claim C5: the paper's formulas pass; every deliberately wrong variant is caught.
#include "mutant_harness.hpp"
#include "theorems/c5_auxiliary_fewshot.hpp"
#include "verify/mutants.hpp"

using namespace icl;

TEST_CASE("C5: the paper's formulas pass every check") {
  testing::expect_all_pass(theorems::claim_c5<PaperFormulas>());
}

TEST_CASE_TEMPLATE("C5: a mutant is caught", M, mutants::WStarD3, mutants::WStarNoNoise, mutants::WStarOffByOne) {
  testing::expect_killed<M>(theorems::claim_c5<M>());
}
