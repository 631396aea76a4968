#include "verify/selftest.hpp"

#include <algorithm>
#include <chrono>

namespace icl {

std::vector<MutantOutcome> run_mutants(const std::vector<MutantCase>& cases, const std::vector<std::string>& only,
                                       const CheckContext& ctx) {
  std::vector<MutantOutcome> out;
  for (const auto& c : cases) {
    if (!only.empty() && std::find(only.begin(), only.end(), c.claim) == only.end()) continue;
    const auto start = std::chrono::steady_clock::now();
    MutantOutcome o{c.name, c.claim, {}, 0};
    for (const auto& r : run_checks({c.make()}, {}, ctx))
      if (r.verdict == Verdict::Fail) o.caught_by.push_back(r.id);
    o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    out.push_back(std::move(o));
  }
  return out;
}

const char* guard_name(Guard g) {
  switch (g) {
    case Guard::Guarded:
      return "guarded";
    case Guard::Exempt:
      return "exempt";
    case Guard::Unguarded:
      return "UNGUARDED";
  }
  return "UNGUARDED";
}

std::vector<CheckCoverage> coverage(const std::vector<Claim>& claims, const std::vector<MutantOutcome>& outcomes,
                                    const std::vector<std::string>& only) {
  std::vector<CheckCoverage> out;
  for (const auto& claim : claims) {
    if (!only.empty() && std::find(only.begin(), only.end(), claim.id) == only.end()) continue;
    for (const auto& check : claim.checks) {
      CheckCoverage c{claim.id, check.id, {}, check.unguardable};
      for (std::size_t i = 0; i < outcomes.size(); ++i) {
        const auto& by = outcomes[i].caught_by;
        if (outcomes[i].claim == claim.id && std::find(by.begin(), by.end(), check.id) != by.end())
          c.killed_by.push_back(i);
      }
      out.push_back(std::move(c));
    }
  }
  return out;
}

}  // namespace icl
