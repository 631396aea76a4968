// Claim C2: the paper's formulas pass; every deliberately wrong variant is caught.
#include "mutant_harness.hpp"
#include "theorems/c2_full_finetuning.hpp"
#include "verify/mutants.hpp"

using namespace icl;

TEST_CASE("C2: the paper's formulas pass every check") {
  testing::expect_all_pass(theorems::claim_c2<PaperFormulas>());
}

TEST_CASE_TEMPLATE("C2: a mutant is caught", M, mutants::FullFtOffByOneN, mutants::FullFtNoNoise,
                   mutants::FullFtSignFlip) {
  testing::expect_killed<M>(theorems::claim_c2<M>());
}
