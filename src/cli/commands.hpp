// Subcommands of the iclverify command line. Each registers its options on the app and returns
// the function that runs it; a run returns the text for stdout (printed only on success) and the
// exit status.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

#include "verify/check.hpp"

namespace icl::cli {

struct Result {
  Result(std::string o, int s = 0, std::string e = {}) : out(std::move(o)), status(s), err(std::move(e)) {}
  std::string out;
  int status;
  std::string err;  // a summary for people, printed on stderr after `out`
};

using Runner = std::function<Result()>;

Runner add_risk(CLI::App& app);
Runner add_check(CLI::App& app);
Runner add_list(CLI::App& app);
Runner add_grad(CLI::App& app);
Runner add_optimum(CLI::App& app);
Runner add_selftest(CLI::App& app);
Runner add_hessian(CLI::App& app);  // cmd_hessian.cpp
Runner add_prove(CLI::App& app);
Runner add_curve(CLI::App& app);
Runner add_compare(CLI::App& app);
Runner add_train(CLI::App& app);     // cmd_train.cpp
Runner add_protocol(CLI::App& app);  // cmd_protocol.cpp
Runner add_table(CLI::App& app);     // cmd_table.cpp
Runner add_figure(CLI::App& app);    // cmd_figure.cpp
Runner add_report(CLI::App& app);    // cmd_report.cpp

// Shared option readers: parse a flag's text, throwing InputError naming the flag.
long read_integer(const std::string& text, const std::string& flag, long lo, long hi);
unsigned long long read_seed(const std::string& text, const std::string& flag);

// "C1,C2.x" -> {"C1", "C2.x"}; an empty id is an InputError naming --only.
std::vector<std::string> split_ids(const std::string& text);

// The budgets of a check or self-test run from --mc-samples, --seed and --threads (empty: all cores).
CheckContext read_context(const std::string& samples, const std::string& seed, const std::string& threads);

}  // namespace icl::cli
