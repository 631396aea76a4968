// The options every appendix command shares (table, figure, report): --fast, --seed, --threads,
// --quiet, read into a report::Budget.
#pragma once

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/inputs.hpp"
#include "report/sources.hpp"
#include "train/schedule.hpp"

namespace icl::cli {

// A catalog of tables or figures for the command line: the names (for CLI::IsMember) and one help
// line each, "  NAME  description (what it runs)".
struct CatalogHelp {
  std::vector<std::string> names;
  std::string list;
};

template <class Info>
CatalogHelp catalog_help(const std::vector<Info>& catalog) {
  CatalogHelp h;
  std::size_t width = 0;
  for (const auto& e : catalog) width = std::max(width, e.name.size());
  for (const auto& e : catalog) {
    h.names.push_back(e.name);
    std::string runs = e.trains ? " (runs the SGD protocol)" : "";
    if constexpr (requires { e.checks; })
      if (e.checks) runs = " (runs the checks)";
    h.list += fmt::format("  {:<{}}  {}{}\n", e.name, width, e.description, runs);
  }
  return h;
}

struct BudgetArgs {
  bool fast = false, quiet = false;
  std::string seed = "1", threads;
};

inline void add_budget_options(CLI::App& app, BudgetArgs& a) {
  app.add_flag("--fast", a.fast,
               "Small SGD runs (600 + 2000 steps, 1000 prompts/step), 4000 Monte Carlo prompts per figure point and "
               "the fast checks; default: the paper's sizes (5000 + 5000 steps, 5000 prompts/step, 100000 prompts, "
               "check --full)");
  add_seed(app, a.seed, "the SGD runs and the Monte Carlo points");
  add_threads(app, a.threads);
  add_quiet(app, a.quiet);
}

// Runs an appendix command; a diverged SGD run is exit status 3 with one line, as in `protocol`.
template <class Run>
Result diverged_as_exit_3(const char* command, Run run) {
  try {
    return run();
  } catch (const train::DivergenceError& e) {
    return {"", 3, fmt::format("iclverify: error: {}: the SGD protocol {}\n", command, e.what())};
  }
}

inline report::Budget read_budget(const BudgetArgs& a) {
  report::Budget b;
  b.fast = a.fast;
  b.seed = read_seed(a.seed);
  b.threads = read_threads(a.threads);
  return b;
}

}  // namespace icl::cli
