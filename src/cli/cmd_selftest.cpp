// iclverify selftest --mutants: run every theorem check against deliberately wrong formulas and
// moments; every mutant must be killed (some check FAILs). A survivor names a check too weak.
// --coverage: for every check, the mutants it kills; a check no mutant kills is UNGUARDED unless
// it says why none can (Check::unguardable, NOTE-only checks).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/inputs.hpp"
#include "core/number.hpp"
#include "theorems/theorems.hpp"

namespace icl::cli {
namespace {

struct SelftestArgs {
  bool mutants = false, coverage = false;
  std::string only, format;
  ContextArgs context;
};

// Short names of the mutants, "C1#3" = the third mutant of claim C1, in run order.
std::vector<std::string> mutant_ids(const std::vector<MutantOutcome>& results) {
  std::map<std::string, int> per_claim;
  std::vector<std::string> ids;
  for (const auto& r : results) ids.push_back(fmt::format("{}#{}", r.claim, ++per_claim[r.claim]));
  return ids;
}

std::string mutant_lines(const std::vector<MutantOutcome>& results) {
  std::string out;
  for (const auto& r : results) {
    std::string by;
    for (const auto& id : r.caught_by) by += (by.empty() ? "" : ", ") + id;
    out += fmt::format("{:<8}  {:<3}  {}{}\n", r.killed() ? "KILLED" : "SURVIVED", r.claim, r.name,
                       r.killed() ? "  (caught by " + by + ")" : "  (no check of " + r.claim + " fails: too weak)");
  }
  return out;
}

std::string coverage_table(const std::vector<CheckCoverage>& cov, const std::vector<MutantOutcome>& results) {
  const auto ids = mutant_ids(results);
  std::size_t w = std::string("check").size();
  for (const auto& c : cov) w = std::max(w, c.id.size());
  std::string out =
      fmt::format("{:<{}}  {:<9}  {}\n{:-<{}}  {:-<9}  {:-<9}\n", "check", w, "guard", "killed by", "", w, "", "");
  for (const auto& c : cov) {
    std::string by;
    for (auto i : c.killed_by) by += (by.empty() ? "" : " ") + ids[i];
    if (c.guard() == Guard::Exempt) by = "none can: " + c.unguardable;
    if (c.guard() == Guard::Unguarded) by = "none";
    out += fmt::format("{:<{}}  {:<9}  {}\n", c.id, w, guard_name(c.guard()), by);
  }
  out += "\nmutants:\n";
  for (std::size_t i = 0; i < results.size(); ++i)
    out += fmt::format("{:<6}  {}{}\n", ids[i], results[i].name, results[i].killed() ? "" : "  (SURVIVED)");
  return out;
}

// The request: the mutants of the claims chosen and the context they run in, read and checked.
struct SelftestRequest {
  SelftestArgs a;
  std::vector<MutantCase> cases;
  std::vector<std::string> only;
  CheckContext ctx;
};

SelftestRequest selftest_request(const SelftestArgs& a) {
  if (!a.mutants && !a.coverage) throw InputError("selftest: nothing to run; give --mutants or --coverage");
  SelftestRequest r{a, theorems::all_mutant_cases(), {}, read_context(a.context)};
  if (!a.only.empty()) {
    r.only = read_ids(a.only);
    std::vector<std::string> claims;  // in registry order
    for (const auto& id : theorems::claim_ids())
      if (std::any_of(r.cases.begin(), r.cases.end(), [&](const auto& c) { return c.claim == id; }))
        claims.push_back(id);
    for (const auto& id : r.only)
      if (std::find(claims.begin(), claims.end(), id) == claims.end())
        throw InputError(fmt::format("--only: '{}' is not a claim with mutants ({})", id, fmt::join(claims, ", ")));
  }
  return r;
}

Result run_selftest(const SelftestRequest& r) {
  const SelftestArgs& a = r.a;
  const CheckContext& ctx = r.ctx;
  const auto results = run_mutants(r.cases, r.only, ctx);
  std::size_t killed = 0;
  for (const auto& r : results) killed += r.killed();
  std::vector<CheckCoverage> cov;
  std::size_t counts[3] = {0, 0, 0};
  if (a.coverage) {
    cov = coverage(theorems::all_claims(), results, r.only);
    for (const auto& c : cov) ++counts[static_cast<int>(c.guard())];
  }
  const std::size_t unguarded = counts[static_cast<int>(Guard::Unguarded)];
  const int status = killed == results.size() && unguarded == 0 ? 0 : 1;
  const std::string cov_line =
      fmt::format("coverage {}/{} checks: {} guarded, {} exempt, {} UNGUARDED", cov.size() - unguarded, cov.size(),
                  counts[static_cast<int>(Guard::Guarded)], counts[static_cast<int>(Guard::Exempt)], unguarded);

  if (a.format == "json") {
    nlohmann::json j;
    const auto ids = mutant_ids(results);
    if (a.mutants) {
      j["mutants"] = nlohmann::json::array();
      for (std::size_t i = 0; i < results.size(); ++i) {
        const auto& r = results[i];
        j["mutants"].push_back({{"id", ids[i]},
                                {"claim", r.claim},
                                {"name", r.name},
                                {"killed", r.killed()},
                                {"caught_by", r.caught_by},
                                {"seconds", r.seconds}});
      }
    }
    if (a.coverage) {
      j["coverage"] = nlohmann::json::array();
      for (const auto& c : cov) {
        nlohmann::json by = nlohmann::json::array();
        for (auto i : c.killed_by) by.push_back({{"id", ids[i]}, {"name", results[i].name}});
        nlohmann::json e{{"claim", c.claim}, {"check", c.id}, {"guard", guard_name(c.guard())}, {"killed_by", by}};
        if (!c.unguardable.empty()) e["unguardable"] = c.unguardable;
        j["coverage"].push_back(e);
      }
      j["checks"] = cov.size();
      j["unguarded"] = unguarded;
    }
    j["killed"] = killed;
    j["total"] = results.size();
    j["mc_samples"] = ctx.mc_samples;
    return {j.dump(2) + "\n", status};
  }
  std::string out;
  if (a.mutants) out += mutant_lines(results);
  if (a.coverage) out += coverage_table(cov, results);
  out += fmt::format("killed {}/{}\n", killed, results.size());
  if (a.coverage) out += cov_line + "\n";
  return {out, status};
}

}  // namespace

Runner add_selftest(CLI::App& app) {
  auto a = std::make_shared<SelftestArgs>();
  app.add_flag("--mutants", a->mutants, "Run every claim's checks against each deliberately wrong variant");
  app.add_flag("--coverage", a->coverage,
               "Run the mutants and print, for every check, the mutants it kills (a table: check, guard, killed by; "
               "then the mutants by short id, e.g. C1#3). A check no mutant kills is UNGUARDED, unless it is a NOTE "
               "that says why nothing can break it (guard 'exempt', with the reason)");
  app.add_option("--only", a->only,
                 fmt::format("Comma-separated claim ids ({}); default all", fmt::join(theorems::claim_ids(), ", ")))
      ->type_name("IDS");
  add_format(app, a->format, {"table", "json"},
             "table: one KILLED/SURVIVED line per mutant, the coverage table (with --coverage), then 'killed K/M' "
             "and 'coverage G/C checks: ...'; json: killed_by as lists");
  add_context(app, a->context, "20000");
  app.footer(
      "The --coverage table, one row per check of every claim (mutant ids are listed after it):\n"
      "  check                     guard      killed by\n"
      "  C3.c_star_solves_balance  guarded    C3#1 C3#2   (these mutants make it FAIL)\n"
      "  C3.authors_fit            exempt     none can: <why: a report-only NOTE>\n"
      "  X.some_check              UNGUARDED  none        (no mutant makes it FAIL: exit 1)\n"
      "Exit status: 0 if every mutant is killed (and, with --coverage, no check is UNGUARDED), 1 otherwise, 2 on bad "
      "input.\n");
  return [a] { return job(selftest_request(*a), run_selftest); };
}

}  // namespace icl::cli
