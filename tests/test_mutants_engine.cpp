// Claim E and C6: the engine's true moments pass; a wrong moment or a wrong C6 closed form is caught.
#include "mutant_harness.hpp"
#include "theorems/c6_key_query.hpp"
#include "theorems/e_engine.hpp"
#include "verify/mutants.hpp"

using namespace icl;

TEST_CASE("E: the true Gaussian moments pass every check") { testing::expect_all_pass(theorems::claim_engine()); }

TEST_CASE_TEMPLATE("E: a wrong moment in the engine is caught", M, mutants::SexticSix, mutants::QuadSquareOne,
                   mutants::ProductFourthGaussianFree) {
  testing::expect_killed<M>(theorems::claim_engine<PaperFormulas, M>());
}

TEST_CASE("C6: the derived formulas pass every check") { testing::expect_all_pass(theorems::claim_c6()); }

TEST_CASE_TEMPLATE("C6: a mutant is caught", M, mutants::KqStarNoTwo, mutants::KqRiskFourthMoment) {
  testing::expect_killed<M>(theorems::claim_c6<M>());
}
