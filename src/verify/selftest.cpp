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

}  // namespace icl
