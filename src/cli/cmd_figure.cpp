// iclverify figure: one figure of the paper's regression section as PNG, SVG or PDF (gnuplot) or
// as a pgfplots source (.tex) (docs/report.md#figures); or, with --store, a protocol study's risk
// curves over its seeds (docs/sweep.md, "Figures and the report").
#include <fmt/format.h>

#include "cli/report_args.hpp"
#include "core/number.hpp"
#include "report/figures.hpp"
#include "report/study.hpp"
#include "train/progress.hpp"

namespace icl::cli {
namespace {

struct FigureArgs {
  BudgetArgs budget;
  std::string name, out;
  // The comparison figure: the configuration and the protocol's sizes (empty: the budget's).
  std::string heads = "1", layers = "1", optimizer = "sgd", steps_pretrain, steps_finetune, batch;
  std::vector<CLI::Option*> comparison_opts;
  // A study's curves instead of a catalog figure.
  std::string store;
  std::vector<std::string> where;
  CLI::Option* where_opt = nullptr;
};

// The budget, with the comparison figure's configuration and sizes; those options apply to it only.
report::Budget figure_budget(const FigureArgs& a) {
  report::Budget b = read_budget(a.budget);
  for (const CLI::Option* opt : a.comparison_opts) applies_only_to(a.name == "comparison", opt, "--which comparison");
  b.arch.heads = read_heads(a.heads);
  b.arch.layers = read_layers(a.layers);
  b.arch.optimizer = a.optimizer == "adam" ? train::Optimizer::Adam : train::Optimizer::Sgd;
  const auto size = [](const std::string& text, const char* flag) {
    return text.empty() ? 0L : static_cast<long>(parse_integer(text, flag, 1, 100000000));
  };
  b.arch_steps_pretrain = size(a.steps_pretrain, "--steps-pretrain");
  b.arch_steps_finetune = size(a.steps_finetune, "--steps-finetune");
  b.arch_batch = size(a.batch, "--batch");
  return b;
}

// The request: a named figure with its budget, or a study's group (--store) with its title.
struct FigureRequest {
  std::string name, out;
  bool quiet = false;
  report::Budget budget;
  std::optional<report::Figure> study;  // --store: the figure, drawn from the store already
  std::string summary;                  // --store: "9 methods, 3 seeds"
};

// `figure --store`: the one group of the study that the --where conditions leave.
void read_study_figure(const FigureArgs& a, FigureRequest& r) {
  if (!a.name.empty())
    throw InputError(fmt::format("--store draws the study's curves: give no figure name (got '{}')", a.name));
  for (const CLI::Option* opt : a.comparison_opts) applies_only_to(false, opt, "--which comparison");
  std::vector<report::Where> where;
  for (const auto& w : a.where) where.push_back(report::parse_where(w));
  const report::Study study = report::read_study(a.store, where);
  if (study.groups.size() > 1) {
    std::string choices;
    for (const auto& name : study.varying) choices += (choices.empty() ? "" : ", ") + name;
    throw InputError(
        fmt::format("--store {}: the points differ in {} besides the seed ({} groups): choose one with "
                    "--where NAME=VALUE",
                    a.store, choices, study.groups.size()));
  }
  const report::StudyGroup& g = study.groups.front();
  std::string title = fmt::format("{}: {} seeds", a.store, g.seeds.size());
  for (const auto& [name, value] : where) title += fmt::format(", {}={}", name, value);
  r.study = report::study_figure(g, "study", title);
  r.summary = fmt::format("{} methods, {} seeds", g.methods.size(), g.seeds.size());
}

FigureRequest figure_request(const FigureArgs& a) {
  FigureRequest r{a.name, a.out, a.budget.quiet, {}, {}, {}};
  if (!a.store.empty()) {
    read_study_figure(a, r);
  } else {
    applies_only_to(false, a.where_opt, "--store");
    if (a.name.empty()) throw InputError("figure: give a figure name (list below in --help) or --store");
    r.budget = figure_budget(a);
  }
  report::check_writable(a.out);  // a bad --out fails before any work
  return r;
}

Result run_figure(const FigureRequest& r) {
  if (r.study) {
    report::write_figure(*r.study, r.out);
    return {"", 0, fmt::format("wrote {} ({})\n", r.out, r.summary)};
  }
  train::ProgressBar bar("figure", r.quiet);
  report::Sources sources(r.budget, bar.callback());
  const report::Figure f = report::build_figure(r.name, sources);
  report::write_figure(f, r.out);
  return {"", 0, fmt::format("wrote {}\n", r.out)};
}

}  // namespace

Runner add_figure(CLI::App& app) {
  auto a = std::make_shared<FigureArgs>();
  const CatalogHelp help = catalog_help(report::figure_catalog());
  app.add_option("name,--which", a->name, "The figure (list below)")
      ->type_name("NAME")
      ->check(CLI::IsMember(help.names));
  app.add_option("--out", a->out,
                 "Output file; the extension picks the format: .png, .svg, .pdf (gnuplot) or .tex (pgfplots source)")
      ->type_name("PATH")
      ->required();
  add_budget_options(app, a->budget);
  app.add_option("--store", a->store,
                 "Instead of a named figure: a protocol study's risk curves per method on theta0 and -theta0, the seed "
                 "mean with +-1 standard error bars (a store of `iclverify sweep`)")
      ->type_name("S.sqlite");
  a->where_opt = app.add_option("--where", a->where,
                                "With --store: only the points whose option NAME has VALUE (repeatable); needed when "
                                "the points differ in more than the seed")
                     ->type_name("NAME=VALUE");
  auto comparison_opt = [&](const std::string& flag, std::string& text, const std::string& what,
                            const std::string& type) {
    CLI::Option* opt = app.add_option(flag, text, "comparison: " + what)->type_name(type);
    a->comparison_opts.push_back(opt);
    return opt;
  };
  comparison_opt("--heads", a->heads, "heads per layer H, 1..64 (default 1)", "H");
  comparison_opt("--layers", a->layers, "layers L, 1..16 (default 1)", "L");
  comparison_opt("--optimizer", a->optimizer, "sgd (momentum 0.9, default) or adam (betas 0.9, 0.9)", "NAME")
      ->check(CLI::IsMember({"sgd", "adam"}));
  comparison_opt("--steps-pretrain", a->steps_pretrain, "pretraining steps (default 500, --fast 200)", "T1");
  comparison_opt("--steps-finetune", a->steps_finetune, "steps of each fine-tuning run (default 500, --fast 200)",
                 "T2");
  comparison_opt("--batch", a->batch, "prompts per step (default 1000, --fast 500)", "B");
  app.footer("Figures:\n" + help.list +
             "Lines are closed forms (or the theory point's exact risk), markers Monte Carlo means with +-1 standard "
             "error bars or learned models' exact risks. Images need gnuplot (Debian gnuplot-nox); .tex does not.\n"
             "Exit status: 0; 2 on bad input (nothing written); 3 if an SGD run diverged.\n"
             "Example: iclverify figure --store two_layers.sqlite --where optimizer=sgd --out two_layers_sgd.png\n");
  return [a] {
    return job(figure_request(*a),
               [](const FigureRequest& r) { return diverged_as_exit_3("figure", [&] { return run_figure(r); }); });
  };
}

}  // namespace icl::cli
