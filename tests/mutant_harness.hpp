// Runs one claim with the test budgets and reports which checks failed.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "verify/check.hpp"
#include "verify/selftest.hpp"

namespace icl::testing {

inline CheckContext test_context() {
  CheckContext ctx;
  ctx.mc_samples = 20000;
  ctx.threads = 2;
  return ctx;
}

inline std::vector<std::string> failing_checks(const Claim& claim) {
  std::vector<std::string> failed;
  for (const auto& r : run_checks({claim}, {}, test_context()))
    if (r.verdict == Verdict::Fail) failed.push_back(r.id + ": " + r.evidence);
  return failed;
}

// The paper's formulas pass every check of the claim, and a check that says no mutant can break
// it (Check::unguardable) is a NOTE.
inline void expect_all_pass(const Claim& claim) {
  std::vector<std::string> failed;
  for (const auto& r : run_checks({claim}, {}, test_context())) {
    if (r.verdict == Verdict::Fail) failed.push_back(r.id + ": " + r.evidence);
    for (const auto& c : claim.checks)
      if (c.id == r.id && !c.unguardable.empty()) {
        INFO("unguardable check " << r.id);
        CHECK(r.verdict == Verdict::Note);
      }
  }
  for (const auto& f : failed) MESSAGE(f);
  CHECK(failed.empty());
}

// Every mutant registered for the claim `id` is killed (at least `min_count` of them exist); each
// mutant's killers are printed. Returns the outcomes (for expect_guarded).
inline std::vector<MutantOutcome> expect_mutants_killed(const std::vector<MutantCase>& cases, const std::string& id,
                                                        std::size_t min_count) {
  const auto results = run_mutants(cases, {id}, test_context());
  CHECK(results.size() >= min_count);
  for (const auto& r : results) {
    std::string by;
    for (const auto& k : r.caught_by) by += " " + k;
    INFO("mutant: " << r.name);
    CHECK(r.killed());
    const std::string line = r.name + " caught by" + by;
    MESSAGE(line);
  }
  return results;
}

// Every check of `claim` is killed by one of the mutants' `outcomes` or exempt with its reason: no
// check is UNGUARDED (what `iclverify selftest --coverage` reports).
inline void expect_guarded(const Claim& claim, const std::vector<MutantOutcome>& outcomes) {
  for (const auto& c : coverage({claim}, outcomes, {claim.id})) {
    INFO("check " << c.id << " is killed by no mutant and exempt from none");
    CHECK(c.guard() != Guard::Unguarded);
  }
}

}  // namespace icl::testing
