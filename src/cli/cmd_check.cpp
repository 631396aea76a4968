// iclverify check: run the theorem checks registered from theorems/.
#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/inputs.hpp"
#include "core/number.hpp"
#include "theorems/theorems.hpp"

namespace icl::cli {
namespace {

struct CheckArgs {
  std::string only, format;
  ContextArgs context;
  bool full = false;
};

// The request: the claims and checks chosen and the context they run in, read and checked.
struct CheckRequest {
  CheckArgs a;
  std::vector<Claim> claims;
  std::vector<std::string> only;
  CheckContext ctx;
};

CheckRequest check_request(const CheckArgs& a) {
  CheckRequest r{a, theorems::all_claims(), {}, read_context(a.context)};
  if (!a.only.empty()) {
    r.only = read_ids(a.only);
    std::string unknown;
    if (has_unknown_id(r.claims, r.only, unknown))
      throw InputError(fmt::format("--only: '{}' is neither a claim nor a check id (see iclverify list)", unknown));
  }
  r.ctx.full = a.full;
  return r;
}

Result run_check(const CheckRequest& r) {
  const CheckArgs& a = r.a;
  const CheckContext& ctx = r.ctx;
  const auto start = std::chrono::steady_clock::now();
  const auto results = run_checks(r.claims, r.only, ctx);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  int fails = 0, notes = 0;
  for (const auto& r : results) {
    fails += r.verdict == Verdict::Fail;
    notes += r.verdict == Verdict::Note;
  }
  const int status = fails > 0 ? 1 : 0;

  if (a.format == "json") {
    nlohmann::json j;
    j["checks"] = nlohmann::json::array();
    for (const auto& r : results)
      j["checks"].push_back({{"id", r.id},
                             {"claim", r.claim},
                             {"verdict", verdict_name(r.verdict)},
                             {"evidence", r.evidence},
                             {"seconds", r.seconds}});
    j["summary"] = {{"checks", results.size()},
                    {"pass", results.size() - static_cast<std::size_t>(fails + notes)},
                    {"note", notes},
                    {"fail", fails},
                    {"mc_samples", ctx.mc_samples},
                    {"seed", ctx.seed},
                    {"seconds", secs}};
    return {j.dump(2) + "\n", status};
  }
  std::size_t width = 0;
  for (const auto& r : results) width = std::max(width, r.id.size());
  std::string out;
  for (const auto& r : results)
    out += fmt::format("{}  {:<{}}  {}\n", verdict_name(r.verdict), r.id, width, r.evidence);
  // The summary goes to stderr (after the verdicts) so that stdout holds only verdict lines.
  return {out, status,
          fmt::format(
              "{} checks: {} PASS, {} NOTE, {} FAIL in {:.1f} s (Monte Carlo {} samples/case, seed {}, {} threads)\n",
              results.size(), results.size() - static_cast<std::size_t>(fails + notes), notes, fails, secs,
              ctx.mc_samples, ctx.seed, ctx.threads)};
}

}  // namespace

Runner add_check(CLI::App& app) {
  auto a = std::make_shared<CheckArgs>();
  app.add_option("--only", a->only, "Comma-separated claim ids (C1) or check ids (C1.icl_threshold); default all")
      ->type_name("IDS");
  add_format(app, a->format, {"table", "json"}, "table: 'VERDICT  ID  evidence' lines");
  app.add_flag("--full", a->full, "The paper's sizes where a check has them (Hessian certificates also at d = 40)");
  add_context(app, a->context, "200000");
  app.footer(
      "Exit status: 0 if no check FAILs (NOTE is a reported finding, not a failure), 1 otherwise, 2 on bad input.\n");
  return [a] { return job(check_request(*a), run_check); };
}

}  // namespace icl::cli
