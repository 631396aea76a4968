// The mutation self-test, claim by claim (one ctest entry each, so they run in parallel): the
// paper's formulas pass every check, and every deliberately wrong variant is caught.
#include "mutant_harness.hpp"
#include "theorems/theorems.hpp"

using namespace icl;

namespace {

void claim_suite(const std::string& id) {
  bool found = false;
  for (const auto& c : theorems::all_claims())
    if (c.id == id) {
      testing::expect_all_pass(c);
      found = true;
    }
  CHECK(found);
  testing::expect_mutants_killed(theorems::all_mutant_cases(), id, 2);
}

}  // namespace

TEST_CASE("E") { claim_suite("E"); }
TEST_CASE("C1") { claim_suite("C1"); }
TEST_CASE("C2") { claim_suite("C2"); }
TEST_CASE("C3") { claim_suite("C3"); }
TEST_CASE("C4") { claim_suite("C4"); }
TEST_CASE("C5") { claim_suite("C5"); }
TEST_CASE("C6") { claim_suite("C6"); }
TEST_CASE("T") { claim_suite("T"); }
TEST_CASE("H") { claim_suite("H"); }
