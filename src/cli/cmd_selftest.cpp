// iclverify selftest --mutants: run every theorem check against deliberately wrong formulas and
// moments; every mutant must be killed (some check FAILs). A survivor names a check too weak.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "cli/commands.hpp"
#include "core/number.hpp"
#include "theorems/theorems.hpp"

namespace icl::cli {
namespace {

struct SelftestArgs {
  bool mutants = false;
  std::string only, format = "table", samples = "20000", seed = "20261123", threads;
};

Result run_selftest(const SelftestArgs& a) {
  if (!a.mutants) throw InputError("selftest: nothing to run; give --mutants");
  const auto cases = theorems::all_mutant_cases();
  std::vector<std::string> only;
  if (!a.only.empty()) {
    only = split_ids(a.only);
    std::set<std::string> claims;
    for (const auto& c : cases) claims.insert(c.claim);
    for (const auto& id : only)
      if (!claims.count(id))
        throw InputError(fmt::format("--only: '{}' is not a claim with mutants (E, C1..C6, P)", id));
  }
  const CheckContext ctx = read_context(a.samples, a.seed, a.threads);
  const auto results = run_mutants(cases, only, ctx);
  std::size_t killed = 0;
  for (const auto& r : results) killed += r.killed();
  const int status = killed == results.size() ? 0 : 1;

  if (a.format == "json") {
    nlohmann::json j;
    j["mutants"] = nlohmann::json::array();
    for (const auto& r : results)
      j["mutants"].push_back({{"claim", r.claim},
                              {"name", r.name},
                              {"killed", r.killed()},
                              {"caught_by", r.caught_by},
                              {"seconds", r.seconds}});
    j["killed"] = killed;
    j["total"] = results.size();
    j["mc_samples"] = ctx.mc_samples;
    return {j.dump(2) + "\n", status};
  }
  std::string out;
  for (const auto& r : results) {
    std::string by;
    for (const auto& id : r.caught_by) by += (by.empty() ? "" : ", ") + id;
    out += fmt::format("{:<8}  {:<3}  {}{}\n", r.killed() ? "KILLED" : "SURVIVED", r.claim, r.name,
                       r.killed() ? "  (caught by " + by + ")" : "  (no check of " + r.claim + " fails: too weak)");
  }
  out += fmt::format("killed {}/{}\n", killed, results.size());
  return {out, status};
}

}  // namespace

Runner add_selftest(CLI::App& app) {
  auto a = std::make_shared<SelftestArgs>();
  app.add_flag("--mutants", a->mutants, "Run every claim's checks against each deliberately wrong variant");
  app.add_option("--only", a->only, "Comma-separated claim ids (E, C1..C6, P); default all")->type_name("IDS");
  app.add_option("--format", a->format, "table (default): one KILLED/SURVIVED line per mutant, then 'killed K/M'; json")
      ->type_name("FORMAT")
      ->check(CLI::IsMember({"table", "json"}));
  app.add_option("--mc-samples", a->samples, "Monte Carlo prompts per case (default 20000)")->type_name("N");
  app.add_option("--seed", a->seed, "Base seed of the Monte Carlo checks (default 20261123)")->type_name("SEED");
  app.add_option("--threads", a->threads, "Monte Carlo threads (default: all cores)")->type_name("K");
  app.footer("Exit status: 0 if every mutant is killed, 1 if one survives, 2 on bad input.\n");
  return [a] { return run_selftest(*a); };
}

}  // namespace icl::cli
