// The appendix builders: every table parses back to the exact engine's numbers (CSV, LaTeX, JSON),
// a tampered cell is caught, the figures' curves are the engine's risks and their Monte Carlo
// markers agree within their standard errors.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "closed_form/family.hpp"
#include "closed_form/formulas.hpp"
#include "core/number.hpp"
#include "exact/exact.hpp"
#include "model/families.hpp"
#include "report/figures.hpp"
#include "report/latex_text.hpp"
#include "report/report.hpp"  // the module's index header compiles
#include "report/study.hpp"
#include "report/tables.hpp"
#include "theorems/theorems.hpp"

using namespace icl;
using namespace icl::report;

namespace {

using F = PaperFormulas;

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::string cell;
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (c == '"') {
        if (quoted && i + 1 < line.size() && line[i + 1] == '"') {
          cell += '"';
          ++i;
        } else {
          quoted = !quoted;
        }
      } else if (c == ',' && !quoted) {
        cells.push_back(cell);
        cell.clear();
      } else {
        cell += c;
      }
    }
    cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

// The exact engine's risk (src/exact, not the closed forms) of a family on +-theta0 = +-e_1.
Rational engine_risk(const FamilySpec& f, long n, Task task, const Rational& s2, int d) {
  const Placement<Rational> pl = axis_placement<Rational>(d);
  const Vec<Rational> theta = Rational(task_sign(task)) * pl.theta0;
  return exact::risk(family_params<Rational>(f, pl), exact::TaskLaw<Rational>::fixed(theta), n, s2);
}

// The engine's value of every numeric cell of risk-families, column by column (column 0 is n).
// The F(c*) columns are checked in 50 digits against the closed form (c* is irrational).
struct Expected {
  std::vector<Rational> exact;  // one per column; 0 where the column is F(c*)
  Float50 fc_target, fc_opposite;
};

Expected expected_row(long n, const PaperSetting& p) {
  const Setting<Rational> s{p.d, p.s2};
  const Rational g = closed_form::gamma_authors<Rational>(p.m, p.d), g_star = F::gamma_star(p.m, s);
  const Rational beta = Rational(1, p.d + 4), w_star = F::w_star(p.m, s);
  auto pre = [&](const Rational& gamma) {
    return engine_risk({FamilyKind::Pretrained, gamma, 0}, n, Task::Target, p.s2, p.d);
  };
  auto vo = [&](const Rational& w, Task t) { return engine_risk({FamilyKind::ValueOnly, w, beta}, n, t, p.s2, p.d); };
  const Float50 c = closed_form::c_star(static_cast<Float50>(g), p.d);
  const Setting<Float50> s50{p.d, static_cast<Float50>(p.s2)};
  return {{Rational(n), pre(g), pre(g_star), 0, 0, vo(g, Task::Target), vo(g, Task::Opposite), vo(w_star, Task::Target),
           vo(w_star, Task::Opposite)},
          F::risk_full_ft(c, n, Task::Target, s50),
          F::risk_full_ft(c, n, Task::Opposite, s50)};
}

// Cells of the parsed CSV that disagree with the engine.
int csv_mismatches(const std::vector<std::vector<std::string>>& rows, const PaperSetting& p) {
  int bad = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const long n = std::stol(rows[i][0]);
    const Expected e = expected_row(n, p);
    for (std::size_t j = 0; j < rows[i].size(); ++j) {
      if (j == 3 || j == 4) {
        const Float50 got(rows[i][j]);
        const Float50 want = j == 3 ? e.fc_target : e.fc_opposite;
        bad += abs_of(Float50(got - want)) > Float50("1e-45") * abs_of(want);
      } else {
        bad += parse_rational(rows[i][j], "csv") != e.exact[j];
      }
    }
  }
  return bad;
}

Sources closed_form_sources() { return Sources(Budget{true, 7, 2}); }

}  // namespace

TEST_CASE("risk-families CSV parses back to the exact engine; a tampered cell is caught") {
  Sources src = closed_form_sources();
  TableRequest r;
  r.shots = {0, 1, 2, 7, 20, 40};
  const DataTable t = build_table("risk-families", r, src);
  const auto rows = parse_csv(render_csv(t));
  REQUIRE(rows.size() == r.shots.size() + 1);
  REQUIRE(rows[0].size() == 9);
  CHECK(csv_mismatches(rows, r.setting) == 0);

  auto tampered = rows;
  tampered[3][6] += "1";  // one more digit in one denominator
  CHECK(csv_mismatches(tampered, r.setting) == 1);
  tampered = rows;
  tampered[2][3] = to_decimal(Float50(Float50(rows[2][3]) * Float50("1.000000000000000000001")), 50);
  CHECK(csv_mismatches(tampered, r.setting) == 1);

  SUBCASE("another setting (d = 3, s2 = 1/2, m = 7) is the engine's too") {
    r.setting = PaperSetting{3, Rational(1, 2), 7};
    const auto other = parse_csv(render_csv(build_table("risk-families", r, src)));
    CHECK(csv_mismatches(other, r.setting) == 0);
    CHECK(csv_mismatches(other, PaperSetting{}) > 0);  // not the default setting's numbers
  }
}

TEST_CASE("risk-families LaTeX: \\frac cells are the exact values; --digits rounds in S columns") {
  Sources src = closed_form_sources();
  TableRequest r;
  r.shots = {1, 20};
  const DataTable t = build_table("risk-families", r, src);
  const std::string tex = render_latex(t, NumberStyle{});
  CHECK(tex.find("\\toprule") != std::string::npos);
  CHECK(tex.find("\\midrule") != std::string::npos);
  CHECK(tex.find("\\bottomrule") != std::string::npos);
  CHECK(tex.find("\\label{tab:risk-families}") != std::string::npos);
  for (char c : tex) CHECK(static_cast<unsigned char>(c) < 0x80);

  // Row n = 20: column 1 is P(10/13); its \frac must be the engine's R_pre.
  const std::regex frac(R"(\$(-?)\\frac\{(\d+)\}\{(\d+)\}\$)");
  const auto line_start = tex.find("$20$ &");
  REQUIRE(line_start != std::string::npos);
  const std::string line = tex.substr(line_start, tex.find('\n', line_start) - line_start);
  std::smatch m;
  REQUIRE(std::regex_search(line, m, frac));
  const Rational got = parse_rational(m[2].str() + "/" + m[3].str(), "tex");
  CHECK(got == expected_row(20, r.setting).exact[1]);
  CHECK(std::count(line.begin(), line.end(), '&') == 8);

  const std::string rounded = render_latex(t, NumberStyle{false, 4});
  CHECK(rounded.find("{SSSSSSSSS}") != std::string::npos);
  CHECK(rounded.find("\\frac") == std::string::npos);
  CHECK(rounded.find(to_decimal(static_cast<Float50>(expected_row(20, r.setting).exact[1]), 4)) != std::string::npos);
}

TEST_CASE("LaTeX: a table past kLongtableRows rows is a longtable with its header on every page") {
  Sources src = closed_form_sources();
  TableRequest r;
  r.shots.clear();
  for (long n = 0; n <= static_cast<long>(kLongtableRows); ++n) r.shots.push_back(n);
  const DataTable t = build_table("risk-families", r, src);
  REQUIRE(t.rows.size() == kLongtableRows + 1);
  const std::string tex = render_latex(t, NumberStyle{});
  CHECK(tex.find("\\begin{longtable}") != std::string::npos);
  CHECK(tex.find("\\begin{table}") == std::string::npos);
  CHECK(tex.find("\\endfirsthead") < tex.find("\\endhead"));
  std::size_t tops = 0;
  for (auto p = tex.find("\\toprule"); p != std::string::npos; p = tex.find("\\toprule", p + 1)) ++tops;
  CHECK(tops == 2);  // the first page's header and the repeated one
  CHECK(tex.find("$40$ &") != std::string::npos);
  r.shots.pop_back();
  CHECK(render_latex(build_table("risk-families", r, src), NumberStyle{}).find("longtable") == std::string::npos);
}

TEST_CASE("JSON keeps exact cells as fractions and doubles as numbers") {
  Sources src = closed_form_sources();
  TableRequest r;
  r.shots = {0, 3};
  const auto j = nlohmann::json::parse(render_json(build_table("w-star", r, src)));
  CHECK(j["name"] == "w-star");
  REQUIRE(j["rows"].size() == 2);
  const Setting<Rational> s{5, Rational(1, 10)};
  for (std::size_t i = 0; i < 2; ++i) {
    const long n = r.shots[i];
    CHECK(parse_rational(j["rows"][i]["w*(n)"].get<std::string>(), "json") == F::w_star(n, s));
    CHECK(parse_rational(j["rows"][i]["γ*(n)"].get<std::string>(), "json") == F::gamma_star(n, s));
  }
  DataTable approx{"x", "c", {"a", "b"}, {{Cell::approx(0.1), Cell::label("t")}}, {}};
  const auto k = nlohmann::json::parse(render_json(approx));
  CHECK(k["rows"][0]["a"].get<double>() == 0.1);
  CHECK(k["rows"][0]["b"] == "t");
  CHECK_THROWS_AS(Cell::approx(std::nan("")), std::invalid_argument);
}

TEST_CASE("w-star: each w*(n) and gamma*(n) is the exact minimizer (neighbours are worse)") {
  Sources src = closed_form_sources();
  TableRequest r;
  r.shots = {1, 5, 20, 40};  // at n = 0 the risk does not depend on gamma or w
  const auto rows = parse_csv(render_csv(build_table("w-star", r, src)));
  const Setting<Rational> s{5, Rational(1, 10)};
  const Rational beta(1, 9), h(1, 1000);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const long n = std::stol(rows[i][0]);
    const Rational g = parse_rational(rows[i][1], "g"), w = parse_rational(rows[i][3], "w");
    for (const Rational& dg : {h, Rational(-h)}) {
      CHECK(F::risk_pretrained(Rational(g + dg), n, s) > parse_rational(rows[i][2], "R"));
      CHECK(value_only_aligned<F>(beta, Rational(w + dg), n, Task::Target, s) > parse_rational(rows[i][4], "R"));
    }
    CHECK(F::risk_pretrained(g, n, s) == parse_rational(rows[i][2], "R"));
  }
}

TEST_CASE("optima: the exact engine's masked optima equal the closed forms") {
  Sources src = closed_form_sources();
  const TableRequest request;
  const DataTable t = build_table("optima", request, src);
  int compared = 0;
  for (const auto& row : t.rows) {
    if (row[2].is_label()) continue;
    CHECK_MESSAGE(row[1].rational() == row[2].rational(), row[0].text());
    ++compared;
  }
  CHECK(compared == 4);
  const auto csv = render_csv(t);
  CHECK(csv.find("42/53") != std::string::npos);    // gamma*(20)
  CHECK(csv.find("104/159") != std::string::npos);  // w*(20)
}

TEST_CASE("unknown tables and figures are input errors naming the choices") {
  Sources src = closed_form_sources();
  TableRequest r;
  CHECK_THROWS_WITH_AS(build_table("risk", r, src), doctest::Contains("risk-families"), InputError);
  CHECK_THROWS_WITH_AS(build_figure("fc", src), doctest::Contains("fc-curves"), InputError);
  r.shots = {41};
  CHECK_THROWS_AS(build_table("risk-methods-target", r, src), InputError);  // before any training
}

TEST_CASE("every figure and table a claim's registry row names is in the catalogs") {
  for (const auto& e : theorems::registry()) {
    for (const auto& f : e.figures) {
      INFO(e.id << " figure " << f);
      CHECK(std::any_of(figure_catalog().begin(), figure_catalog().end(), [&](const auto& i) { return i.name == f; }));
    }
    for (const auto& t : e.tables) {
      INFO(e.id << " table " << t);
      CHECK(std::any_of(table_catalog().begin(), table_catalog().end(), [&](const auto& i) { return i.name == t; }));
    }
  }
}

TEST_CASE("latex_text escapes specials and maps the symbols to one math group") {
  CHECK(latex_text("a_b 50% & #1 $x$ {y} ~ ^") ==
        "a\\_b 50\\% \\& \\#1 \\$x\\$ \\{y\\} \\textasciitilde{} \\textasciicircum{}");
  CHECK(latex_text("−θ₀") == "$-\\theta_0$");
  CHECK(latex_text("γ*(m), σ²") == "$\\gamma$*(m), $\\sigma^2$");
  CHECK(latex_text("x€y") == "x?y");
}

TEST_CASE("closed-form figures: lines are the exact engine's risks, Monte Carlo markers within 5 s.e.") {
  Sources src = closed_form_sources();
  for (const std::string name : {"pretrained", "fc-curves", "value-only"}) {
    const Figure f = build_figure(name, src);
    CHECK_NOTHROW(validate(f));
    int lines = 0, markers = 0;
    for (std::size_t p = 0; p < f.panels.size(); ++p) {
      const Panel& panel = f.panels[p];
      const Series* last_line = nullptr;
      for (const Series& s : panel.series) {
        if (s.style == SeriesStyle::Line) {
          last_line = &s;
          ++lines;
          continue;
        }
        if (s.err.empty() || last_line == nullptr) continue;
        for (std::size_t i = 0; i < s.x.size(); ++i) {
          const auto at = static_cast<std::size_t>(s.x[i] - last_line->x.front());
          const double z = (s.y[i] - last_line->y[at]) / std::max(s.err[i], 1e-300);
          CHECK_MESSAGE(std::abs(z) < 5, name << " panel " << p << " n=" << s.x[i] << " z=" << z);
          ++markers;
        }
      }
    }
    CHECK(lines >= 4);
    CHECK(markers >= 20);
  }
  // fc-curves, panel theta0, c = 1: the engine's exact risk of F(1) on theta0.
  const Figure fc = build_figure("fc-curves", src);
  const Series& c1 = fc.panels[0].series[2];
  REQUIRE(c1.label == "c = 1");
  for (std::size_t i = 0; i < c1.x.size(); ++i) {
    const double exact = to_double(engine_risk({FamilyKind::FullFt, Rational(1), 0}, static_cast<long>(c1.x[i]),
                                               Task::Target, Rational(1, 10), 5));
    CHECK(c1.y[i] == doctest::Approx(exact).epsilon(1e-13));
  }
  // value-only, w*(n) panel: the curve is w*(n).
  const Figure vo = build_figure("value-only", src);
  const Series& w = vo.panels[2].series[0];
  for (std::size_t i = 0; i < w.x.size(); ++i)
    CHECK(w.y[i] ==
          doctest::Approx(to_double(F::w_star(static_cast<long>(w.x[i]), Setting<Rational>{5, Rational(1, 10)}))));
}

TEST_CASE("figures are reproducible: the same seed gives the same Monte Carlo markers for any thread count") {
  Sources one(Budget{true, 11, 1}), two(Budget{true, 11, 2}), other(Budget{true, 12, 2});
  const Figure a = build_figure("fc-curves", one), b = build_figure("fc-curves", two),
               c = build_figure("fc-curves", other);
  CHECK(pgfplots_source(a) == pgfplots_source(b));
  CHECK(pgfplots_source(a) != pgfplots_source(c));
}

TEST_CASE("learned tables and figures: the protocol's exact risks, and Monte Carlo of the learned models agrees") {
  Sources src(Budget{true, 3, 2});
  TableRequest r;
  r.shots = {0, 1, 7, 40};
  const auto rows = parse_csv(render_csv(build_table("risk-methods-opposite", r, src)));
  const auto& runs = src.protocol();
  REQUIRE(rows.size() == r.shots.size() + 1);
  REQUIRE(rows[0].size() == runs.size() + 1);
  for (std::size_t i = 1; i < rows.size(); ++i)
    for (std::size_t k = 0; k < runs.size(); ++k) {
      CHECK(rows[0][k + 1] == runs[k].name);
      CHECK(std::stod(rows[i][k + 1]) == runs[k].learned_opposite[static_cast<std::size_t>(r.shots[i - 1])]);
    }

  // Markers: Monte Carlo of the learned parameters; compare with their exact risk (not the theory line).
  const Figure f = build_figure("learned-vs-theory", src);
  REQUIRE(f.panels.size() == 4);
  int markers = 0;
  for (const Panel& p : f.panels) {
    const std::string name = p.title.substr(0, p.title.find(':'));
    const auto& m = src.method(name);
    for (const Series& s : p.series) {
      if (s.style != SeriesStyle::Markers) continue;
      const bool target = s.label.find("−θ₀") == std::string::npos;
      for (std::size_t i = 0; i < s.x.size(); ++i) {
        const double exact = (target ? m.learned_target : m.learned_opposite)[static_cast<std::size_t>(s.x[i])];
        CHECK_MESSAGE(std::abs(s.y[i] - exact) < 5 * s.err[i], name << " n=" << s.x[i]);
        ++markers;
      }
    }
  }
  CHECK(markers == 4 * 2 * 11);
}

namespace {

// A tiny comparison budget: a few steps of few prompts, a small Monte Carlo evaluation.
Budget tiny_comparison_budget(int threads) {
  Budget b{true, 7, threads};
  b.arch_steps_pretrain = 6;
  b.arch_steps_finetune = 4;
  b.arch_batch = 40;
  b.arch_eval_batch = 60;
  return b;
}

}  // namespace

TEST_CASE("comparison figure: nine methods x two panels, n = 0..20, the curves of run_arch_protocol") {
  for (const ArchConfig c : {ArchConfig{2, 1, train::Optimizer::Sgd}, ArchConfig{1, 2, train::Optimizer::Adam}}) {
    INFO("H=" << c.heads << " L=" << c.layers << " " << c.optimizer_name());
    Budget b = tiny_comparison_budget(2);
    b.arch = c;
    Sources src(b);
    const Figure f = build_figure("comparison", src);
    CHECK_NOTHROW(validate(f));
    CHECK(f.name == c.stem());
    // An independent run with the same options (1 thread: the curves do not depend on it).
    train::ArchProtocolOptions o = b.comparison(c);
    o.threads = 1;
    const auto runs = train::run_arch_protocol(o);
    REQUIRE(runs.size() == 9);
    REQUIRE(f.panels.size() == 2);
    for (std::size_t p = 0; p < 2; ++p) {
      const Panel& panel = f.panels[p];
      CHECK(panel.logy);
      REQUIRE(panel.series.size() == runs.size());
      for (std::size_t k = 0; k < runs.size(); ++k) {
        const Series& s = panel.series[k];
        const auto& curve = p == 0 ? runs[k].risk_target : runs[k].risk_opposite;
        CHECK(s.label == runs[k].name);
        REQUIRE(s.x.size() == 21);
        REQUIRE(s.y.size() == curve.size());
        CHECK(s.err.size() == (c.layers >= 2 ? curve.size() : 0));
        for (std::size_t n = 0; n < curve.size(); ++n) {
          CHECK(s.x[n] == static_cast<double>(n));
          CHECK(s.y[n] == curve[n].mean);
          if (c.layers >= 2) CHECK(s.err[n] == curve[n].se);
        }
      }
    }
    CHECK(f.panels[0].series[1].y != f.panels[1].series[1].y);  // zs: theta0 and -theta0 differ
    CHECK(f.title.find("pretraining 6 + fine-tuning 4 steps x 40 prompts, seed 7") != std::string::npos);
    CHECK((f.title.find("Monte Carlo") != std::string::npos) == (c.layers >= 2));
  }
}

TEST_CASE("architectures table: every configuration's methods at n = 20, CSV exact to the curves") {
  Sources src(tiny_comparison_budget(2));
  const TableRequest request;
  const DataTable t = build_table("architectures", request, src);
  const auto rows = parse_csv(render_csv(t));
  REQUIRE(rows.size() == 1 + 12 * 9);
  CHECK(rows[0].size() == 9);
  std::size_t i = 1;
  for (const ArchConfig& c : report_arch_configs())
    for (const auto& m : src.comparison(c)) {
      const auto& r = rows[i++];
      CHECK(r[0] == std::to_string(c.heads));
      CHECK(r[1] == std::to_string(c.layers));
      CHECK(r[2] == c.optimizer_name());
      CHECK(r[3] == m.name);
      CHECK(std::stod(r[5]) == m.risk_target.back().mean);
      CHECK(std::stod(r[7]) == m.risk_opposite.back().mean);
      if (c.layers == 1) {
        CHECK(r[6] == "-");
      } else {
        CHECK(std::stod(r[6]) == m.risk_target.back().se);
        CHECK(std::stod(r[8]) == m.risk_opposite.back().se);
      }
    }
  // One configuration against an independent run: the table is the protocol's, not a cached guess.
  const ArchConfig c{4, 1, train::Optimizer::Adam};
  const auto runs = train::run_arch_protocol(src.budget().comparison(c));
  std::size_t row = 1;
  for (const ArchConfig& d : report_arch_configs()) {
    if (d.key() == c.key()) break;
    row += 9;
  }
  for (std::size_t k = 0; k < runs.size(); ++k) CHECK(std::stod(rows[row + k][5]) == runs[k].risk_target[20].mean);
}

TEST_CASE("study figure: a log risk axis when every mean is positive, linear otherwise") {
  // Two seeds' means of a two-layer study: a zero-shot risk of 1e5 beside 40-shot risks of 0.1.
  StudyGroup g;
  g.seeds = {"1", "2"};
  g.methods.push_back({"pretrained",
                       {0, 20, 40},
                       {{1e5, 5e4, 2}, {0.2, 0.01, 2}, {0.15, 0.01, 2}},
                       {{1e5, 5e4, 2}, {0.2, 0.01, 2}, {0.16, 0.01, 2}},
                       std::nullopt,
                       std::nullopt});
  Figure f = study_figure(g, "study", "t");
  REQUIRE(f.panels.size() == 2);
  CHECK(f.panels[0].logy);
  CHECK(f.panels[1].logy);
  CHECK_NOTHROW(validate(f));
  // A mean that is not positive (a hand-made store) cannot go on a log axis: that panel stays linear.
  g.methods[0].opposite[1].mean = 0;
  f = study_figure(g, "study", "t");
  CHECK(f.panels[0].logy);
  CHECK_FALSE(f.panels[1].logy);
  CHECK_NOTHROW(validate(f));
}
