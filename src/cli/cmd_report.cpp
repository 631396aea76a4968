// iclverify report: the whole appendix in one directory (docs/report.md#report).
#include <fmt/format.h>

#include "cli/report_args.hpp"
#include "core/number.hpp"
#include "report/directory.hpp"
#include "train/progress.hpp"

namespace icl::cli {
namespace {

struct ReportArgs {
  BudgetArgs budget;
  std::string out;
  std::vector<std::string> stores;
};

// The request: the output directory, the budget and the stores, read and checked.
report::ReportOptions report_request(const ReportArgs& a) {
  if (a.out.empty()) throw InputError("--out: the directory must not be empty");
  return {a.out, read_budget(a.budget), a.stores};
}

Result run_report(const ReportArgs& a, const report::ReportOptions& o) {
  train::ProgressBar bar("report", a.budget.quiet);
  const report::ReportSummary s = report::write_report(o, bar.callback());
  std::string out;
  for (const auto& f : s.files) out += (std::filesystem::path(a.out) / f).string() + "\n";
  std::string err =
      fmt::format("wrote {} files to {} in {:.1f} s; {} checks: {} PASS, {} NOTE, {} FAIL\n", s.files.size(), a.out,
                  s.seconds, s.checks, s.checks - s.notes - s.fails, s.notes, s.fails);
  if (!s.images) err += "gnuplot not found (Debian gnuplot-nox): figures written as pgfplots sources only\n";
  return {out, s.fails > 0 ? 1 : 0, err};
}

}  // namespace

Runner add_report(CLI::App& app) {
  auto a = std::make_shared<ReportArgs>();
  app.add_option("--out", a->out, "Output directory (created if needed; files in it are replaced)")
      ->type_name("DIR")
      ->required();
  add_budget_options(app, a->budget);
  app.add_option(
         "--store", a->stores,
         "A protocol study (a store of `iclverify sweep`) for the \"Studies\" section: per group of its points, "
         "a figure and a table over the seeds (repeatable)")
      ->type_name("S.sqlite");
  app.footer(
      "Writes every table as .tex and .csv, every figure as .png (with gnuplot) and .tex (pgfplots), and\n"
      "index.md and index.html: each claim with its verdict, findings, figures and tables. stdout lists the files\n"
      "written. Exit status: 0; 1 if a check FAILs (the report is still written); 2 on bad input; 3 if an SGD run\n"
      "diverged.\n");
  return [a] {
    return job(report_request(*a), [a](const report::ReportOptions& o) {
      return diverged_as_exit_3("report", [&] { return run_report(*a, o); });
    });
  };
}

}  // namespace icl::cli
