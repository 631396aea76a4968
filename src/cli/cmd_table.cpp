// iclverify table: one appendix table in LaTeX, CSV, Markdown, JSON or aligned text
// (docs/report.md#tables).
#include <fmt/format.h>

#include "claims/verify.hpp"
#include "cli/inputs.hpp"
#include "cli/report_args.hpp"
#include "core/number.hpp"
#include "report/files.hpp"
#include "report/tables.hpp"
#include "sweep/aggregate.hpp"
#include "train/progress.hpp"

namespace icl::cli {
namespace {

struct TableArgs {
  BudgetArgs budget;
  std::string which, format, shots = "0,1,2,3,5,10,20,40", digits, d = "5", sigma2 = "1/10", m = "20", out;
  std::string claims, family, where;  // table --claims FILE --family NAME --where NAME=VALUE,...
  std::string store, by, value;       // table --store S.sqlite --by AXES --value PATH (a sweep's store)
  CLI::Option* digits_opt = nullptr;
};

std::string render(const report::DataTable& t, const std::string& format, const report::NumberStyle& style) {
  if (format == "latex") return report::render_latex(t, style);
  if (format == "csv") return report::render_csv(t);
  if (format == "json") return report::render_json(t);
  if (format == "md") return report::render_markdown(t, style);
  return "# " + t.caption + "\n" + report::render_text(t, style);
}

// A family of a claim file: its exact risk curves (docs/claim-files.md#tables).
report::DataTable claims_table(const TableArgs& a) {
  if (a.family.empty()) throw InputError("--claims needs --family NAME");
  const auto f = claims::read_claim_file(a.claims);
  const auto c = claims::family_curves(f, a.family, a.where, read_shots(a.shots));
  report::DataTable t{"claims_" + a.family, c.caption, {"n", "theta0", "-theta0", "sphere"}, {}, ""};
  for (std::size_t i = 0; i < c.shots.size(); ++i)
    t.rows.push_back({report::Cell::exact(c.shots[i]), report::Cell::exact(c.risk[i][0]),
                      report::Cell::exact(c.risk[i][1]), report::Cell::exact(c.risk[i][2])});
  return t;
}

// A sweep's store: one number of every point, summarized over the options not in --by (docs/sweep.md).
report::DataTable store_table(const TableArgs& a) {
  if (a.value.empty()) throw InputError("--store needs --value PATH (a number in the command's JSON)");
  const std::vector<std::string> by = a.by.empty() ? std::vector<std::string>{} : read_ids(a.by);
  report::DataTable t{
      "study", fmt::format("{} of the points of {}, over the options not grouped", a.value, a.store), by, {}, ""};
  for (const char* c : {"mean", "se", "min", "max", "count"}) t.columns.push_back(c);
  for (const auto& g : sweep::aggregate(a.store, by, a.value)) {
    std::vector<report::Cell> row;
    for (const auto& k : g.key) row.push_back(report::Cell::label(k));
    row.push_back(report::Cell::approx(g.mean));
    row.push_back(g.se ? report::Cell::approx(*g.se) : report::Cell::label("-"));
    row.push_back(report::Cell::approx(g.min));
    row.push_back(report::Cell::approx(g.max));
    row.push_back(report::Cell::approx(static_cast<double>(g.count)));
    t.rows.push_back(std::move(row));
  }
  return t;
}

// The request: which table, its setting and how to show its numbers, read and checked.
struct TableJob {
  TableArgs a;
  report::TableRequest request;
  report::NumberStyle style;
  report::Budget budget;
};

TableJob table_request(const TableArgs& a) {
  TableJob r{a, {}, {}, {}};
  if (!a.store.empty()) {
    if (!a.which.empty() || !a.claims.empty()) throw InputError("--store goes without --which and --claims");
    r.style = report::NumberStyle{false, 6};
    return r;
  }
  if (!a.by.empty() || !a.value.empty()) throw InputError("--by and --value go with --store");
  if (a.which.empty() == a.claims.empty())
    throw InputError("give --which NAME, --claims FILE --family NAME or --store S.sqlite --value PATH");
  if (a.claims.empty() && (!a.family.empty() || !a.where.empty()))
    throw InputError("--family and --where go with --claims");
  r.request.shots = read_shots(a.shots);
  r.request.setting.d = read_dimension(a.d, 1000);
  r.request.setting.s2 = read_sigma2(a.sigma2);
  r.request.setting.m = parse_integer(a.m, "--m", 1, 1000000000);
  if (a.digits_opt->count() > 0) {
    r.style.fractions = false;
    r.style.digits = read_digits(a.digits);
  }
  r.budget = read_budget(a.budget);
  return r;
}

Result run_table(const TableJob& r) {
  const TableArgs& a = r.a;
  std::string text;
  if (!a.store.empty()) {
    text = render(store_table(a), a.format, r.style);
  } else {
    train::ProgressBar bar("table", a.budget.quiet);
    report::Sources tracked(r.budget, bar.callback());
    const report::DataTable t = a.claims.empty() ? report::build_table(a.which, r.request, tracked) : claims_table(a);
    text = render(t, a.format, r.style);
  }
  if (a.out.empty()) return {text};
  report::write_file_atomic(a.out, text);
  return {"", 0, fmt::format("wrote {}\n", a.out)};
}

}  // namespace

Runner add_table(CLI::App& app) {
  auto a = std::make_shared<TableArgs>();
  const CatalogHelp help = catalog_help(report::table_catalog());
  app.add_option("--which", a->which, "The table (list below); or --claims")
      ->type_name("NAME")
      ->check(CLI::IsMember(help.names));
  app.add_option("--claims", a->claims,
                 "A claim file (docs/claim-files.md): tabulate one of its families' exact risk on theta0, -theta0 "
                 "and the sphere at --shots")
      ->type_name("FILE");
  app.add_option("--family", a->family, "With --claims: the family")->type_name("NAME");
  app.add_option("--where", a->where,
                 "With --claims: a number for each free name of the family, e.g. \"gamma=10/13,c=1\" (and d, s2 "
                 "when the file leaves them symbolic)")
      ->type_name("NAME=VALUE,...");
  app.add_option("--store", a->store,
                 "A sweep's store (docs/sweep.md): one number of every finished point, grouped by --by, with mean, "
                 "standard error, min, max and count over the other options (the seeds)")
      ->type_name("S.sqlite");
  app.add_option("--by", a->by, "With --store: the options to group by, comma-separated (none: one row)")
      ->type_name("AXES");
  app.add_option("--value", a->value,
                 "With --store: the number, a path into the command's JSON (final_loss, rows.1.risk, or a JSON "
                 "pointer /rows/1/risk)")
      ->type_name("PATH");
  add_format(app, a->format, {"table", "latex", "csv", "md", "json"},
             "table: aligned text; latex: booktabs, siunitx; csv, json: numbers at full precision (exact as p/q)");
  a->digits_opt = add_digits(app, a->digits,
                             "latex, md, table: every number (default: exact values as fractions, \\frac in LaTeX, "
                             "others to 6 digits)");
  add_shots(app, a->shots, "the rows of the risk tables");
  add_dimension(app, a->d, "closed-form tables, at most 1000");
  add_sigma2(app, a->sigma2, "closed-form tables");
  app.add_option("--m", a->m, "Closed-form tables: pretraining shots m = n_ft (default 20)")->type_name("M");
  app.add_option("--out", a->out, "Write the table to FILE (atomically) instead of stdout")->type_name("FILE");
  add_budget_options(app, a->budget);
  app.footer("Tables:\n" + help.list +
             "The learned tables use the protocol's fixed setting (d = 5, sigma2 = 1/10, m = n_ft = 20).\n"
             "Exit status: 0; 2 on bad input; 3 if an SGD run diverged.\n");
  return [a] {
    return job(table_request(*a),
               [](const TableJob& r) { return diverged_as_exit_3("table", [&] { return run_table(r); }); });
  };
}

}  // namespace icl::cli
