// iclverify figure: one figure of the paper's regression section as PNG, SVG or PDF (gnuplot) or
// as a pgfplots source (.tex) (docs/report.md#figures).
#include <fmt/format.h>

#include "cli/report_args.hpp"
#include "core/number.hpp"
#include "report/figures.hpp"
#include "train/progress.hpp"

namespace icl::cli {
namespace {

struct FigureArgs {
  BudgetArgs budget;
  std::string name, out;
};

Result run_figure(const FigureArgs& a) {
  report::check_writable(a.out);  // a bad --out fails before any work
  train::ProgressBar bar("figure", a.budget.quiet);
  report::Sources sources(read_budget(a.budget), bar.callback());
  const report::Figure f = report::build_figure(a.name, sources);
  report::write_figure(f, a.out);
  return {"", 0, fmt::format("wrote {}\n", a.out)};
}

}  // namespace

Runner add_figure(CLI::App& app) {
  auto a = std::make_shared<FigureArgs>();
  const CatalogHelp help = catalog_help(report::figure_catalog());
  app.add_option("name", a->name, "The figure (list below)")
      ->type_name("NAME")
      ->required()
      ->check(CLI::IsMember(help.names));
  app.add_option("--out", a->out,
                 "Output file; the extension picks the format: .png, .svg, .pdf (gnuplot) or .tex (pgfplots source)")
      ->type_name("PATH")
      ->required();
  add_budget_options(app, a->budget);
  app.footer("Figures:\n" + help.list +
             "Lines are closed forms (or the theory point's exact risk), markers Monte Carlo means with +-1 standard "
             "error bars or learned models' exact risks. Images need gnuplot (Debian gnuplot-nox); .tex does not.\n"
             "Exit status: 0; 2 on bad input (nothing written); 3 if an SGD run diverged.\n");
  return [a] { return diverged_as_exit_3("figure", [&] { return run_figure(*a); }); };
}

}  // namespace icl::cli
