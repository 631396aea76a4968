// iclverify: a verifier for the theory of fine-tuning linear attention without losing ICL.
#include <exception>
#include <iostream>
#include <map>

#include "cli/commands.hpp"
#include "core/number.hpp"

namespace {

int fail(const std::string& message) {
  std::cerr << "iclverify: error: " << message << "\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "iclverify: closed forms, Monte Carlo and theorem checks for fine-tuning one-layer linear attention "
      "without losing in-context learning (THEORY.md)."};
  app.require_subcommand(1, 1);
  app.set_help_all_flag("--help-all", "Print help for every subcommand");
  std::map<CLI::App*, icl::cli::Runner> runners;
  auto add = [&](const char* name, const char* description, auto registrar) {
    CLI::App* sub = app.add_subcommand(name, description);
    runners[sub] = registrar(*sub);
  };
  add("risk", "Risk curve of a named family (closed form), optionally against Monte Carlo", icl::cli::add_risk);
  add("grad", "Exact gradient of a loss (zs, fs, zs+fs, pretrain) at any parameter point", icl::cli::add_grad);
  add("optimum", "Exact optimum of value-only or key-query-only fine-tuning and its risk curve", icl::cli::add_optimum);
  add("check", "Run the theorem checks; one PASS/FAIL/NOTE line each; exit 1 on any FAIL", icl::cli::add_check);
  add("selftest", "Mutation self-test: every check must catch deliberately wrong formulas (killed K/M)",
      icl::cli::add_selftest);
  add("prove", "Prove every statement for all n: PROVED, REFUTED (exact counterexample) or OPEN, with certificates",
      icl::cli::add_prove);
  add("curve", "A risk curve as an exact rational function of n: numerator, denominator, limit (--symbolic)",
      icl::cli::add_curve);
  add("compare", "For which n >= 0 model A's risk is above, equal to or below model B's, exactly (no cut-off)",
      icl::cli::add_compare);
  add("diagnose",
      "What a fine-tuning did to ICL: risk before/after, where it got worse, what moved, nearest family, retention, "
      "verdict",
      icl::cli::add_diagnose);
  add("hessian", "Second-order certificate of a claimed optimum: exact Hessian spectrum vs the predicted zero count",
      icl::cli::add_hessian);
  add("train",
      "Train the model: the authors' SGD protocol, or exact gradient descent / gradient flow on the exact risk",
      icl::cli::add_train);
  add("protocol", "The authors' whole SGD protocol: pretraining, every fine-tuning method, learned vs theory",
      icl::cli::add_protocol);
  add("table", "An appendix table (risk, optima, w*(n), verdicts) in LaTeX, CSV, Markdown, JSON or text",
      icl::cli::add_table);
  add("figure", "A figure of the paper's regression section: PNG, SVG, PDF (gnuplot) or pgfplots .tex",
      icl::cli::add_figure);
  add("report", "The whole appendix in a directory: every table (.tex, .csv), figure (.png, .tex) and an index",
      icl::cli::add_report);
  add("verify", "Claim files (TOML): your own statements PROVED or REFUTED against the exact engine for every n",
      icl::cli::add_verify);
  add("list", "List the claims with their statements, hypotheses and checks", icl::cli::add_list);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return fail(e.what());
  }
  try {
    for (auto& [sub, run] : runners) {
      if (!sub->parsed()) continue;
      const icl::cli::Result r = run();
      std::cout << r.out << std::flush;
      std::cerr << r.err << std::flush;
      return r.status;
    }
    return fail(
        "no subcommand given (risk, grad, optimum, hessian, check, selftest, prove, curve, compare, diagnose, train, "
        "protocol, table, figure, report, verify, list)");
  } catch (const icl::InputError& e) {
    return fail(e.what());
  } catch (const std::exception& e) {
    std::cerr << "iclverify: internal error: " << e.what() << "\n";
    return 4;
  }
}
