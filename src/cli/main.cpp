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
    return fail("no subcommand given (risk, grad, optimum, check, selftest, list)");
  } catch (const icl::InputError& e) {
    return fail(e.what());
  } catch (const std::exception& e) {
    std::cerr << "iclverify: internal error: " << e.what() << "\n";
    return 4;
  }
}
