#include "verify/check.hpp"

#include <algorithm>
#include <chrono>
#include <exception>

#include "core/interrupt.hpp"

namespace icl {

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::Pass:
      return "PASS";
    case Verdict::Fail:
      return "FAIL";
    case Verdict::Note:
      return "NOTE";
  }
  return "FAIL";
}

namespace {
bool selected(const std::vector<std::string>& only, const std::string& claim, const std::string& id) {
  if (only.empty()) return true;
  return std::find(only.begin(), only.end(), claim) != only.end() ||
         std::find(only.begin(), only.end(), id) != only.end();
}
}  // namespace

std::vector<CheckResult> run_checks(const std::vector<Claim>& claims, const std::vector<std::string>& only,
                                    const CheckContext& ctx) {
  std::vector<CheckResult> results;
  for (const auto& claim : claims) {
    for (const auto& check : claim.checks) {
      if (!selected(only, claim.id, check.id)) continue;
      poll_interrupt();
      const auto start = std::chrono::steady_clock::now();
      Outcome out{Verdict::Fail, ""};
      try {
        out = check.run(ctx);
      } catch (const std::exception& e) {
        out = Outcome{Verdict::Fail, std::string("threw: ") + e.what()};
      }
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      results.push_back(CheckResult{claim.id, check.id, out.verdict, out.evidence, secs});
    }
  }
  return results;
}

bool has_unknown_id(const std::vector<Claim>& claims, const std::vector<std::string>& only, std::string& unknown) {
  for (const auto& name : only) {
    bool found = false;
    for (const auto& claim : claims) {
      if (claim.id == name) found = true;
      for (const auto& check : claim.checks) found = found || check.id == name;
    }
    if (!found) {
      unknown = name;
      return true;
    }
  }
  return false;
}

}  // namespace icl
