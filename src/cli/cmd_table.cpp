// iclverify table: one appendix table in LaTeX, CSV, Markdown, JSON or aligned text
// (docs/report.md#tables).
#include <fmt/format.h>

#include "cli/report_args.hpp"
#include "core/number.hpp"
#include "report/files.hpp"
#include "report/tables.hpp"
#include "train/progress.hpp"

namespace icl::cli {
namespace {

struct TableArgs {
  BudgetArgs budget;
  std::string which, format = "table", shots = "0,1,2,3,5,10,20,40", digits, d = "5", sigma2 = "1/10", m = "20", out;
  CLI::Option* digits_opt = nullptr;
};

std::string render(const report::DataTable& t, const std::string& format, const report::NumberStyle& style) {
  if (format == "latex") return report::render_latex(t, style);
  if (format == "csv") return report::render_csv(t);
  if (format == "json") return report::render_json(t);
  if (format == "md") return report::render_markdown(t, style);
  return "# " + t.caption + "\n" + report::render_text(t, style);
}

Result run_table(const TableArgs& a) {
  report::TableRequest request;
  request.shots = parse_index_list(a.shots, "--shots");
  request.setting.d = static_cast<int>(read_integer(a.d, "--d", 1, 1000));
  request.setting.s2 = parse_rational(a.sigma2, "--sigma2");
  if (request.setting.s2 < 0) throw InputError(fmt::format("--sigma2: '{}' must be >= 0", a.sigma2));
  request.setting.m = read_integer(a.m, "--m", 1, 1000000000);
  report::NumberStyle style;
  if (a.digits_opt->count() > 0) {
    style.fractions = false;
    style.digits = static_cast<int>(read_integer(a.digits, "--digits", 1, 50));
  }
  train::ProgressBar bar("table", a.budget.quiet);
  report::Sources tracked(read_budget(a.budget), bar.callback());
  const report::DataTable t = report::build_table(a.which, request, tracked);
  const std::string text = render(t, a.format, style);
  if (a.out.empty()) return {text};
  report::write_file_atomic(a.out, text);
  return {"", 0, fmt::format("wrote {}\n", a.out)};
}

}  // namespace

Runner add_table(CLI::App& app) {
  auto a = std::make_shared<TableArgs>();
  const CatalogHelp help = catalog_help(report::table_catalog());
  app.add_option("--which", a->which, "The table (list below)")
      ->type_name("NAME")
      ->required()
      ->check(CLI::IsMember(help.names));
  app.add_option("--format", a->format,
                 "table (default, aligned text), latex (booktabs, siunitx), csv or json (numbers at full precision: "
                 "exact as p/q), md")
      ->type_name("FORMAT")
      ->check(CLI::IsMember({"table", "latex", "csv", "md", "json"}));
  a->digits_opt = app.add_option("--digits", a->digits,
                                 "latex, md, table: every number to K significant digits (default: exact values as "
                                 "fractions, \\frac in LaTeX, others to 6 digits)")
                      ->type_name("K");
  app.add_option("--shots", a->shots,
                 "Rows of the risk tables: a list 0,1,5 or a range 0:40 (default 0,1,2,3,5,10,20,40)")
      ->type_name("LIST");
  app.add_option("--d", a->d, "Closed-form tables: covariate dimension (default 5)")->type_name("D");
  app.add_option("--sigma2", a->sigma2, "Closed-form tables: label noise variance (default 1/10)")->type_name("S2");
  app.add_option("--m", a->m, "Closed-form tables: pretraining shots m = n_ft (default 20)")->type_name("M");
  app.add_option("--out", a->out, "Write the table to FILE (atomically) instead of stdout")->type_name("FILE");
  add_budget_options(app, a->budget);
  app.footer("Tables:\n" + help.list +
             "The learned tables use the protocol's fixed setting (d = 5, sigma2 = 1/10, m = n_ft = 20).\n"
             "Exit status: 0; 2 on bad input; 3 if an SGD run diverged.\n");
  return [a] { return diverged_as_exit_3("table", [&] { return run_table(*a); }); };
}

}  // namespace icl::cli
