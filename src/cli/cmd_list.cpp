// iclverify list: the claims with their statements, hypotheses and checks.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/inputs.hpp"
#include "theorems/theorems.hpp"

namespace icl::cli {
namespace {

Result run_list(const std::string& format) {
  const auto claims = theorems::all_claims();
  if (format == "json") {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& c : claims) {
      nlohmann::json checks = nlohmann::json::array();
      for (const auto& k : c.checks) checks.push_back({{"id", k.id}, {"summary", k.summary}});
      j.push_back({{"id", c.id},
                   {"title", c.title},
                   {"statement", c.statement},
                   {"hypotheses", c.hypotheses},
                   {"checks", checks}});
    }
    return {nlohmann::json{{"claims", j}}.dump(2) + "\n", 0};
  }
  std::string out;
  for (const auto& c : claims) {
    out += fmt::format("{}  {}\n  {}\n", c.id, c.title, c.statement);
    for (const auto& h : c.hypotheses) out += fmt::format("  assumes: {}\n", h);
    for (const auto& k : c.checks) out += fmt::format("  check {}: {}\n", k.id, k.summary);
    out += "\n";
  }
  return {out, 0};
}

}  // namespace

Runner add_list(CLI::App& app) {
  auto format = std::make_shared<std::string>();
  add_format(app, *format, {"table", "json"});
  return [format] { return job(*format, run_list); };
}

}  // namespace icl::cli
