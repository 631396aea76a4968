// Module cli: the iclverify command line. Each subcommand (cmd_<name>.cpp, declared below) registers
// its options on the app and returns the function that prepares its run (below); a run returns the text for stdout
// (printed only on success) and the exit status. main.cpp dispatches and maps errors to exit codes.
//   inputs.hpp       the input layer: every option several subcommands share, registered and read once
//   engine_args.hpp  grad and optimum: the point, the task and the loss as exact objects
//   model_spec.hpp   curve and compare: a model as a parameter file or a family spec
//   report_args.hpp  table, figure and report: the budget options
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace icl::cli {

struct Result {
  Result(std::string o, int s = 0, std::string e = {}) : out(std::move(o)), status(s), err(std::move(e)) {}
  std::string out;
  int status;
  std::string err;  // a summary for people, printed on stderr after `out`
};

// A subcommand runs in two steps. Its Runner *prepares*: it turns the parsed options into the command's
// typed request, checking every rule and reading every input file, with no work done and nothing written,
// and returns the Job that does the work. `validate_command_line` (a sweep checks every point of a study
// before it runs any) prepares and stops there, so a bad value is refused with the command line's message.
using Job = std::function<Result()>;
using Runner = std::function<Job()>;

// The job of a prepared request: `run(request)`.
template <class Request, class Run>
Job job(Request request, Run run) {
  return [request = std::move(request), run] { return run(request); };
}

// A command that is not split yet: its checks run with its work (validation sees only the parser's).
template <class Run>
Job unsplit(Run run) {
  return Job(std::move(run));
}

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
Runner add_verify(CLI::App& app);    // cmd_verify.cpp
Runner add_diagnose(CLI::App& app);  // cmd_diagnose.cpp
struct Host;
Runner add_sweep(CLI::App& app, const Host& host);  // cmd_sweep.cpp

}  // namespace icl::cli
