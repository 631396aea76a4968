// Claim C3: the paper's formulas pass; every deliberately wrong variant is caught.
#include "mutant_harness.hpp"
#include "theorems/c3_balance.hpp"
#include "verify/mutants.hpp"

using namespace icl;

TEST_CASE("C3: the paper's formulas pass every check") {
  testing::expect_all_pass(theorems::claim_c3<PaperFormulas>());
}

TEST_CASE_TEMPLATE("C3: a mutant is caught", M, mutants::CStarSignFlip, mutants::CStarNoVy) {
  testing::expect_killed<M>(theorems::claim_c3<M>());
}
