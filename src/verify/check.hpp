// The machinery every claim shares: checks, verdicts, and running them.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace icl {

// PASS: the check holds. FAIL: it does not. NOTE: a finding reported with its numbers
// (e.g. a published constant that differs from what the project derives); never a failure.
enum class Verdict { Pass, Fail, Note };

const char* verdict_name(Verdict v);

// A verdict and the figure that decided it (a deviation, a z-score, a count).
struct Outcome {
  Verdict verdict;
  std::string evidence;
};

// Budgets shared by all checks of one run.
struct CheckContext {
  long long mc_samples = 200000;  // per Monte Carlo case
  std::uint64_t seed = 20261123;  // base seed; each case derives its own stream
  int threads = 2;
  bool full = false;  // the paper's sizes (d = 40 certificates, ...) instead of the fast ones
};

struct Check {
  std::string id;       // "C1.gamma_star_stationary"
  std::string summary;  // one line: what is checked
  std::function<Outcome(const CheckContext&)> run;
  // Why no mutant can make this check FAIL; only for a check that always reports NOTE (a finding
  // stated with its numbers, no pass/fail statement). Empty: some mutant must kill the check
  // (`iclverify selftest --coverage` lists it UNGUARDED otherwise). Keep it rare.
  std::string unguardable{};
};

// A claim reads like the paper: statement, hypotheses, then its checks.
struct Claim {
  std::string id;
  std::string title;
  std::string statement;
  std::vector<std::string> hypotheses;
  std::vector<Check> checks;
};

struct CheckResult {
  std::string claim;
  std::string id;
  Verdict verdict;
  std::string evidence;
  double seconds;
};

// Runs the checks whose id, or whose claim id, is in `only` (all if `only` is empty).
// A check that throws is a FAIL whose evidence is the exception's message.
std::vector<CheckResult> run_checks(const std::vector<Claim>& claims, const std::vector<std::string>& only,
                                    const CheckContext& ctx);

// True if some check or claim id in `only` names nothing in `claims` (the name is returned in `unknown`).
bool has_unknown_id(const std::vector<Claim>& claims, const std::vector<std::string>& only, std::string& unknown);

}  // namespace icl
