#include "cli/app.hpp"

#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "cli/commands.hpp"
#include "core/interrupt.hpp"
#include "core/number.hpp"
#include "sweep/sweep.hpp"

namespace icl::cli {
namespace {

// The app and the runner of each subcommand (the registrars bind the options to the runners' state).
struct CommandLine {
  CLI::App app{
      "iclverify: closed forms, Monte Carlo and theorem checks for fine-tuning one-layer linear attention "
      "without losing in-context learning (THEORY.md)."};
  std::map<CLI::App*, Runner> runners;
  std::string only;  // when set, the one subcommand registered (a sweep validating its points)

  template <class Registrar>
  void add(const char* name, const char* description, Registrar registrar) {
    if (!only.empty() && only != name) return;
    CLI::App* sub = app.add_subcommand(name, description);
    runners[sub] = registrar(*sub);
  }
};

// The host of a command line that runs no sweep (validation, the option lists).
const Host& no_host() {
  static const Host host;
  return host;
}

std::unique_ptr<CommandLine> make_command_line(const Host& host = no_host(), const std::string& only = "") {
  auto cl = std::make_unique<CommandLine>();
  cl->only = only;
  cl->app.require_subcommand(1, 1);
  cl->app.set_help_all_flag("--help-all", "Print help for every subcommand");
  cl->app.set_version_flag("--version", "iclverify " + sweep::program_version(),
                           "Print the program version (git describe at configure time, build type) and exit");
  cl->add("risk", "Risk curve of a named family (closed form), optionally against Monte Carlo", add_risk);
  cl->add("grad", "Exact gradient of a loss (zs, fs, zs+fs, pretrain) at any parameter point", add_grad);
  cl->add("optimum", "Exact optimum of value-only or key-query-only fine-tuning and its risk curve", add_optimum);
  cl->add("check", "Run the theorem checks; one PASS/FAIL/NOTE line each; exit 1 on any FAIL", add_check);
  cl->add("selftest", "Mutation self-test: every check must catch deliberately wrong formulas (killed K/M)",
          add_selftest);
  cl->add("prove", "Prove every statement for all n: PROVED, REFUTED (exact counterexample) or OPEN, with certificates",
          add_prove);
  cl->add("curve", "A risk curve as an exact rational function of n: numerator, denominator, limit (--symbolic)",
          add_curve);
  cl->add("compare", "For which n >= 0 model A's risk is above, equal to or below model B's, exactly (no cut-off)",
          add_compare);
  cl->add("diagnose",
          "What a fine-tuning did to ICL: risk before/after, where it got worse, what moved, nearest family, "
          "retention, verdict",
          add_diagnose);
  cl->add("hessian",
          "Second-order certificate of a claimed optimum: exact Hessian spectrum vs the predicted zero count",
          add_hessian);
  cl->add("train",
          "Train the model: the authors' SGD protocol, or exact gradient descent / gradient flow on the exact risk",
          add_train);
  cl->add("protocol", "The authors' whole SGD protocol: pretraining, every fine-tuning method, learned vs theory",
          add_protocol);
  cl->add("table", "An appendix table (risk, optima, w*(n), verdicts) in LaTeX, CSV, Markdown, JSON or text",
          add_table);
  cl->add("figure", "A figure of the paper's regression section: PNG, SVG, PDF (gnuplot) or pgfplots .tex", add_figure);
  cl->add("report", "The whole appendix in a directory: every table (.tex, .csv), figure (.png, .tex) and an index",
          add_report);
  cl->add("verify", "Claim files (TOML): your own statements PROVED or REFUTED against the exact engine for every n",
          add_verify);
  cl->add("list", "List the claims with their statements, hypotheses and checks", add_list);
  cl->add("sweep", "A study: many runs of one command into one SQLite store (local jobs, MPI, Slurm shards)",
          [&host](CLI::App& sub) { return add_sweep(sub, host); });
  return cl;
}

Outcome failure(const std::string& message) { return {2, "", "iclverify: error: " + message + "\n"}; }

std::string names_of(const CLI::App& app) {
  std::string out;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    out += (out.empty() ? "" : ", ") + sub->get_name();
  return out;
}

// The parsed subcommand's prepared job (its request checked); exceptions propagate to the caller.
Job prepare(CommandLine& cl) {
  for (auto& [sub, prepare_run] : cl.runners)
    if (sub->parsed()) return prepare_run();
  throw InputError("no subcommand given (" + names_of(cl.app) + ")");
}

// Prepares and runs the parsed subcommand; exceptions propagate to run_command_line.
Outcome dispatch(CommandLine& cl) {
  Result r = prepare(cl)();
  return {r.status, std::move(r.out), std::move(r.err)};
}

// Parses `args` into `cl`'s options; an outcome (help, a parse error) when there is nothing to run.
std::optional<Outcome> parse(CommandLine& cl, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  try {
    cl.app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::Success& e) {  // --help, --help-all, --version: printed, exit 0
    std::ostringstream out, err;
    return Outcome{cl.app.exit(e, out, err), out.str(), err.str()};
  } catch (const CLI::ParseError& e) {
    return failure(e.what());
  }
  return std::nullopt;
}

Outcome parse_and_run(CommandLine& cl, const std::vector<std::string>& args) {
  if (auto o = parse(cl, args)) return *o;
  return dispatch(cl);
}

}  // namespace

Outcome run_command_line(const std::vector<std::string>& args, const Host& host) {
  try {
    auto cl = make_command_line(host);
    return parse_and_run(*cl, args);
  } catch (const InputError& e) {
    return failure(e.what());
  } catch (const Interrupted&) {
    return {kInterruptedStatus, "", "iclverify: interrupted\n"};
  } catch (const std::exception& e) {
    return {4, "", std::string("iclverify: internal error: ") + e.what() + "\n"};
  }
}

Outcome validate_command_line(const std::vector<std::string>& args) {
  try {
    // Only the named subcommand is built (a study validates every point; the whole app costs ~10 ms).
    auto cl = make_command_line(no_host(), args.size() > 1 ? args[1] : "");
    if (auto o = parse(*cl, args)) return *o;
    prepare(*cl);  // the request only: nothing runs
    return {};
  } catch (const InputError& e) {
    return failure(e.what());
  } catch (const std::exception& e) {
    return {4, "", std::string("iclverify: internal error: ") + e.what() + "\n"};
  }
}

std::vector<OptionInfo> command_options(const std::string& command) {
  auto cl = make_command_line();
  const auto named = cl->app.get_subcommands([&](const CLI::App* s) { return s->get_name() == command; });
  if (named.empty()) throw std::invalid_argument("unknown command '" + command + "' (" + names_of(cl->app) + ")");
  std::vector<OptionInfo> out;
  for (const CLI::Option* opt : named.front()->get_options()) {
    if (opt->check_lname("help") || opt->check_lname("help-all")) continue;
    if (opt->get_positional() && !opt->nonpositional())
      out.push_back({opt->get_single_name(), false, true});
    else if (!opt->get_lnames().empty())
      out.push_back({opt->get_lnames().front(), opt->get_expected_max() == 0, false});
  }
  return out;
}

std::vector<std::string> command_names() {
  auto cl = make_command_line();
  std::vector<std::string> out;
  for (const CLI::App* sub : cl->app.get_subcommands([](const CLI::App*) { return true; }))
    out.push_back(sub->get_name());
  return out;
}

}  // namespace icl::cli
