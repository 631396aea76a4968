// The options every appendix command shares (table, figure, report): --fast, --seed, --threads,
// --quiet, read into a report::Budget.
#pragma once

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <string>
#include <thread>

#include "cli/commands.hpp"
#include "report/sources.hpp"
#include "train/schedule.hpp"

namespace icl::cli {

struct BudgetArgs {
  bool fast = false, quiet = false;
  std::string seed = "1", threads;
};

inline void add_budget_options(CLI::App& app, BudgetArgs& a) {
  app.add_flag("--fast", a.fast,
               "Small SGD runs (600 + 2000 steps, 1000 prompts/step), 4000 Monte Carlo prompts per figure point and "
               "the fast checks; default: the paper's sizes (5000 + 5000 steps, 5000 prompts/step, 100000 prompts, "
               "check --full)");
  app.add_option("--seed", a.seed, "Seed of the SGD runs and the Monte Carlo points (default 1)")->type_name("SEED");
  app.add_option("--threads", a.threads, "Threads (default: all cores); the output does not depend on it")
      ->type_name("K");
  app.add_flag("--quiet", a.quiet, "No progress bar (it is drawn only on a terminal, after one second)");
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
  b.seed = read_seed(a.seed, "--seed");
  b.threads = a.threads.empty() ? static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))
                                : static_cast<int>(read_integer(a.threads, "--threads", 1, 1024));
  return b;
}

}  // namespace icl::cli
