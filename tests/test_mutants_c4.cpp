// Claim C4: the paper's formulas pass; every deliberately wrong variant is caught.
#include "mutant_harness.hpp"
#include "theorems/c4_value_only.hpp"
#include "verify/mutants.hpp"

using namespace icl;

TEST_CASE("C4: the paper's formulas pass every check") {
  testing::expect_all_pass(theorems::claim_c4<PaperFormulas>());
}

TEST_CASE_TEMPLATE("C4: a mutant is caught", M, mutants::ValueOnlyD3, mutants::ValueOnlyNoNoise,
                   mutants::ValueOnlyOffByOneN, mutants::BetaD3, mutants::LimitSignFlip) {
  testing::expect_killed<M>(theorems::claim_c4<M>());
}
