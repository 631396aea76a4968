// The mutation self-test of one claim of the registry: the paper's formulas pass every check, every
// deliberately wrong variant registered for the claim is caught, and every check is killed by one of
// them or exempt with its reason (no UNGUARDED check, as `selftest --coverage` reports). ctest runs one entry per claim
// (tests/mutant_tests.cmake asks this binary for the registry's ids), so they run in parallel.
//   test_mutants --list-claims   the registry's claim ids, one a line
//   test_mutants --claim=ID      the suite of claim ID (every claim, in turn, without --claim)
#define DOCTEST_CONFIG_IMPLEMENT
#include <algorithm>
#include <iostream>
#include <string>

#include "mutant_harness.hpp"
#include "theorems/theorems.hpp"

using namespace icl;

namespace {

std::string g_claim;  // from --claim=ID; empty: every claim

void claim_suite(const std::string& id) {
  bool found = false;
  const auto outcomes = testing::expect_mutants_killed(theorems::all_mutant_cases(), id, 2);
  for (const auto& c : theorems::all_claims())
    if (c.id == id) {
      testing::expect_all_pass(c);
      testing::expect_guarded(c, outcomes);
      found = true;
    }
  CHECK(found);
}

}  // namespace

TEST_CASE("the claim passes and every mutant of it is killed") {
  for (const auto& id : theorems::claim_ids())
    if (g_claim.empty() || g_claim == id) {
      INFO("claim " << id);
      claim_suite(id);
    }
  if (!g_claim.empty()) {
    INFO("--claim=" << g_claim << " must name a claim of the registry");
    const auto ids = theorems::claim_ids();
    CHECK(std::find(ids.begin(), ids.end(), g_claim) != ids.end());
  }
}

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--list-claims") {
      for (const auto& id : theorems::claim_ids()) std::cout << id << "\n";
      return 0;
    }
    if (arg.rfind("--claim=", 0) == 0) g_claim = arg.substr(8);
  }
  doctest::Context context;
  context.applyCommandLine(argc, argv);
  return context.run();
}
