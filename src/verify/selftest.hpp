// The mutation self-test: every theorem check must be able to fail. Each mutant is a claim built
// against a deliberately wrong formula or moment (src/verify/mutants.hpp); it is KILLED when at
// least one of the claim's checks FAILs, and a survivor names a check that is too weak.
#pragma once

#include <functional>
#include <string>
#include <type_traits>
#include <vector>

#include "verify/check.hpp"

namespace icl {

struct MutantCase {
  std::string name;   // what is wrong, e.g. "R_pre with N = n + 2"
  std::string claim;  // the claim whose checks must catch it
  std::function<Claim()> make;
};

// One MutantCase per mutant type Ms, built by make(std::type_identity<M>{}).
template <class... Ms, class Make>
std::vector<MutantCase> mutant_cases(Make make) {
  return {MutantCase{Ms::name, Ms::claim, [make] { return make(std::type_identity<Ms>{}); }}...};
}

struct MutantOutcome {
  std::string name;
  std::string claim;
  std::vector<std::string> caught_by;  // ids of the checks that FAILed
  double seconds;
  bool killed() const { return !caught_by.empty(); }
};

// Runs the mutants of the claims in `only` (all if empty).
std::vector<MutantOutcome> run_mutants(const std::vector<MutantCase>& cases, const std::vector<std::string>& only,
                                       const CheckContext& ctx);

// Which mutants each check kills, read off the mutants' caught_by (nothing is run again).
enum class Guard {
  Guarded,    // some mutant makes the check FAIL
  Exempt,     // no mutant does, and the check says why none can (Check::unguardable)
  Unguarded,  // no mutant does: the check is not shown able to fail
};

const char* guard_name(Guard g);

struct CheckCoverage {
  std::string claim;
  std::string id;
  std::vector<std::size_t> killed_by;  // indices into the outcomes given to coverage()
  std::string unguardable;             // Check::unguardable
  Guard guard() const {
    if (!killed_by.empty()) return Guard::Guarded;
    return unguardable.empty() ? Guard::Unguarded : Guard::Exempt;
  }
};

// One entry per check of the claims in `only` (all if empty), in claim order.
std::vector<CheckCoverage> coverage(const std::vector<Claim>& claims, const std::vector<MutantOutcome>& outcomes,
                                    const std::vector<std::string>& only);

}  // namespace icl
