#include "report/tables.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "closed_form/formulas.hpp"
#include "core/number.hpp"
#include "exact/exact.hpp"
#include "model/families.hpp"
#include "report/catalog.hpp"
#include "report/figures.hpp"

namespace icl::report {
namespace {

using F = PaperFormulas;

Setting<Rational> exact_setting(const PaperSetting& p) { return {p.d, p.s2}; }
Setting<Float50> setting50(const PaperSetting& p) { return {p.d, static_cast<Float50>(p.s2)}; }

Rational authors_gamma(const PaperSetting& p) { return closed_form::gamma_authors<Rational>(p.m, p.d); }

// The families of the risk table, each on theta0 and, when its risk depends on the task, -theta0.
DataTable risk_families(const TableRequest& r) {
  const PaperSetting& p = r.setting;
  const auto s = exact_setting(p);
  const auto s50 = setting50(p);
  const Rational g = authors_gamma(p), g_star = F::gamma_star(p.m, s);
  const Rational beta = F::beta_zero_shot<Rational>(p.d), w_star = F::w_star(p.m, s);
  const Float50 c_star = closed_form::c_star(static_cast<Float50>(g), p.d);
  DataTable t;
  t.name = "risk-families";
  t.caption = fmt::format(
      "Exact risk of the closed-form families (THEORY.md section 3), d = {}, s2 = {}, m = n_ft = {}: "
      "P(gamma) for the authors' gamma = {} and gamma*(m) = {} (task-independent), F(c*) from the balance law "
      "(c* = {}), and V(theta0/(d+4), w) for w = {} and w*(n_ft) = {}, on theta0 and -theta0.",
      p.d, to_fraction(p.s2), p.m, to_fraction(g), to_fraction(g_star), to_decimal(c_star, 6), to_fraction(g),
      to_fraction(w_star));
  t.columns = {"n",         "P(" + to_fraction(g) + ")",      "P(" + to_fraction(g_star) + ")",  "F(c*) θ₀",
               "F(c*) −θ₀", "V(w=" + to_fraction(g) + ") θ₀", "V(w=" + to_fraction(g) + ") −θ₀", "V(w*) θ₀",
               "V(w*) −θ₀"};
  for (long n : r.shots) {
    std::vector<Cell> row{Cell::exact(Rational(n)), Cell::exact(F::risk_pretrained(g, n, s)),
                          Cell::exact(F::risk_pretrained(g_star, n, s))};
    for (Task task : {Task::Target, Task::Opposite})
      row.push_back(Cell::precise(F::risk_full_ft(c_star, n, task, s50)));
    for (const Rational& w : {g, w_star})
      for (Task task : {Task::Target, Task::Opposite})
        row.push_back(Cell::exact(value_only_aligned<F>(beta, w, n, task, s)));
    t.rows.push_back(std::move(row));
  }
  return t;
}

// The exact risk of every learned model of the protocol on one task.
DataTable risk_methods(const TableRequest& r, Sources& sources, Task task) {
  const auto opt = sources.budget().protocol();
  for (long n : r.shots)  // before the training runs
    if (n > opt.max_shots)
      throw InputError(fmt::format("--shots: the protocol evaluates n = 0..{}, not {}", opt.max_shots, n));
  const auto& runs = sources.protocol();
  const bool target = task == Task::Target;
  DataTable t;
  t.name = target ? "risk-methods-target" : "risk-methods-opposite";
  t.caption = fmt::format(
      "Exact risk on {} of the models learned by the authors' SGD protocol (d = {}, s2 = {}, m = n_ft = {}; "
      "pretraining {} steps, fine-tuning {} steps, {} prompts a step, seed {}).",
      target ? "theta0" : "-theta0", opt.d, opt.s2, opt.shots, opt.steps_pretrain, opt.steps_finetune, opt.batch,
      opt.seed);
  t.columns = {"n"};
  for (const auto& m : runs) t.columns.push_back(m.name);
  for (long n : r.shots) {
    std::vector<Cell> row{Cell::exact(Rational(n))};
    for (const auto& m : runs)
      row.push_back(Cell::approx((target ? m.learned_target : m.learned_opposite)[static_cast<std::size_t>(n)]));
    t.rows.push_back(std::move(row));
  }
  return t;
}

// The exact optimum of `stages` over `update` from `start` (src/exact/quadratic.hpp).
MergedParams<Rational> engine_optimum(const std::vector<exact::Objective<Rational>>& stages,
                                      const MergedParams<Rational>& start, exact::Update update) {
  const auto point = Point<Rational>::merged(start);
  return exact::masked_optimum(stages, point, exact::coordinates(point.kind, point.D(), update), update)
      .point.as_merged();
}

DataTable optima(const TableRequest& r) {
  const PaperSetting& p = r.setting;
  const auto s = exact_setting(p);
  const int d = p.d, y = d + 1;
  const Rational g = authors_gamma(p), g_star = F::gamma_star(p.m, s);
  const Vec<Rational> theta0 = first_axis<Rational>(d);
  const auto target = exact::TaskLaw<Rational>::fixed(theta0);
  const exact::Objective<Rational> zs{p.s2, {{Rational(1), 0, target}}};
  const exact::Objective<Rational> fs{p.s2, {{Rational(1), p.m, target}}};
  const auto v_start = value_only_params<Rational>(Vec<Rational>::Zero(d), g);
  const auto v_zs = engine_optimum({zs}, v_start, exact::Update::Value);
  const auto v_annealed = engine_optimum({zs, fs}, v_start, exact::Update::Value);
  const auto kq = engine_optimum({zs, fs}, pretrained_params<Rational>(d, g), exact::Update::KeyQuery);
  const Cell none = Cell::label("-");

  DataTable t;
  t.name = "optima";
  t.caption = fmt::format(
      "Optimal parameters, d = {}, s2 = {}, m = n_ft = {}: the closed form (THEORY.md) and, for the masked "
      "fine-tuning optima, the exact engine's optimum (one exact linear solve from P({}), theta0 = e_1).",
      d, to_fraction(p.s2), p.m, to_fraction(g));
  t.columns = {"quantity", "closed form", "exact engine"};
  t.latex_columns = "p{0.5\\textwidth}ll";
  auto add = [&](std::string name, Cell closed, Cell engine) {
    t.rows.push_back({Cell::label(std::move(name)), std::move(closed), std::move(engine)});
  };
  add(fmt::format("γ*(m): pretraining optimum, m = {}", p.m), Cell::exact(g_star), none);
  add("authors' γ = m/(m+1+d)", Cell::exact(g), none);
  add("ICL threshold: R_pre(γ; n) < 1 + σ² iff n > this (authors' γ)", Cell::exact(F::icl_threshold(g, s) - 1), none);
  add("c* (balance law) from P(authors' γ)", Cell::precise(closed_form::c_star(static_cast<Float50>(g), d)), none);
  add("c* (balance law) from P(γ*(m))", Cell::precise(closed_form::c_star(static_cast<Float50>(g_star), d)), none);
  add("value-only zero-shot b = β θ₀: β = 1/(d+4)", Cell::exact(F::beta_zero_shot<Rational>(d)),
      Cell::exact(v_zs.V(y, 1)));
  add("value-only zero-shot: w stays γ", Cell::exact(g), Cell::exact(v_zs.V(y, y)));
  add(fmt::format("value-only zs + annealed fs: w*(n_ft), n_ft = {}", p.m), Cell::exact(F::w_star(p.m, s)),
      Cell::exact(v_annealed.V(y, y)));
  add(fmt::format("key-query zs + annealed fs: Q[x,y] = c θ₀, c*(n_ft), n_ft = {}", p.m),
      Cell::exact(F::kq_memory_star(p.m, s)), Cell::exact(kq.Q(1, y)));
  return t;
}

DataTable w_star_table(const TableRequest& r) {
  const PaperSetting& p = r.setting;
  const auto s = exact_setting(p);
  const Rational beta = F::beta_zero_shot<Rational>(p.d);
  DataTable t;
  t.name = "w-star";
  t.caption = fmt::format(
      "Per shot count n (d = {}, s2 = {}): the pretraining optimum gamma*(n) with its risk, and the value-only "
      "optimum w*(n) at b = theta0/(d+4) with its risk on theta0.",
      p.d, to_fraction(p.s2));
  t.columns = {"n", "γ*(n)", "R_pre(γ*(n); n)", "w*(n)", "R_v(w*(n); n, θ₀)"};
  for (long n : r.shots) {
    const Rational g = F::gamma_star(n, s), w = F::w_star(n, s);
    t.rows.push_back({Cell::exact(Rational(n)), Cell::exact(g), Cell::exact(F::risk_pretrained(g, n, s)),
                      Cell::exact(w), Cell::exact(value_only_aligned<F>(beta, w, n, Task::Target, s))});
  }
  return t;
}

// The comparison protocol of every configuration of the report: each method's risk at the largest n on
// theta0 and -theta0 (the end of its curves in the comparison figures).
DataTable architectures(Sources& sources) {
  const auto& configs = report_arch_configs();
  const auto o = sources.budget().comparison(configs.front());
  DataTable t;
  t.name = "architectures";
  t.caption = fmt::format(
      "Comparison protocol (comparison.py; d = {}, σ² = 1/10, m = n_ft = {}, θ₀ = e_1) for H in {{1, 2, "
      "4}} heads, L in {{1, 2}} layers, SGD and Adam: the risk of each method at n = {} on theta0 and -theta0, exact "
      "for L = 1 (no s.e.), Monte Carlo for L = 2 ({} test seeds x {} prompts per n, s.e. its standard error); "
      "pretraining {} steps, fine-tuning {} steps, {} prompts/step, seed {}.",
      o.d, o.shots, o.max_shots, o.test_seeds, o.eval_batch, o.steps_pretrain, o.steps_finetune, o.batch, o.seed);
  const std::string at = fmt::format("; n={})", o.max_shots);
  t.columns = {"H", "L", "optimizer", "method", "trains", "R(θ₀" + at, "s.e. θ₀", "R(−θ₀" + at, "s.e. −θ₀"};
  const Cell none = Cell::label("-");
  for (const ArchConfig& c : configs)
    for (const auto& m : sources.comparison(c)) {
      const train::RiskPoint& a = m.risk_target.back();
      const train::RiskPoint& b = m.risk_opposite.back();
      const bool mc = c.layers >= 2;
      t.rows.push_back({Cell::exact(Rational(c.heads)), Cell::exact(Rational(c.layers)),
                        Cell::label(c.optimizer_name()), Cell::label(m.name), Cell::label(m.trains),
                        Cell::approx(a.mean), mc ? Cell::approx(a.se) : none, Cell::approx(b.mean),
                        mc ? Cell::approx(b.se) : none});
    }
  return t;
}

DataTable verdicts(Sources& sources) {
  DataTable t;
  t.name = "verdicts";
  t.caption = fmt::format(
      "Every check of every claim ({} sizes): PASS holds, FAIL does not, NOTE is a finding reported with its "
      "numbers.",
      sources.budget().fast ? "fast" : "full");
  t.columns = {"claim", "check", "verdict", "evidence"};
  t.latex_columns = "lllp{0.6\\textwidth}";  // the evidence wraps
  for (const auto& c : sources.verdicts())
    t.rows.push_back(
        {Cell::label(c.claim), Cell::label(c.id), Cell::label(verdict_name(c.verdict)), Cell::label(c.evidence)});
  return t;
}

}  // namespace

const std::vector<TableInfo>& table_catalog() {
  using R = const TableRequest&;
  static const std::vector<TableInfo> catalog{
      {"risk-families", "closed-form risk of P(gamma), F(c*), V(b, w) on theta0 and -theta0, n down", false, false,
       [](R r, Sources&) { return risk_families(r); }},
      {"risk-methods-target", "exact risk on theta0 of every model the SGD protocol learned, n down", true, false,
       [](R r, Sources& s) { return risk_methods(r, s, Task::Target); }},
      {"risk-methods-opposite", "exact risk on -theta0 of every model the SGD protocol learned, n down", true, false,
       [](R r, Sources& s) { return risk_methods(r, s, Task::Opposite); }},
      {"optima", "gamma*, the authors' gamma, the ICL threshold, c*, beta, w*(n_ft), kq c*: closed form and engine",
       false, false, [](R r, Sources&) { return optima(r); }},
      {"w-star", "gamma*(n) and w*(n) with their risks, n down", false, false,
       [](R r, Sources&) { return w_star_table(r); }},
      {"architectures",
       "risk at n = 20 on theta0 and -theta0 of every method of the comparison protocol, H in {1, 2, 4}, L in {1, 2}, "
       "SGD and Adam",
       true, false, [](R, Sources& s) { return architectures(s); }},
      {"verdicts", "every check of every claim with its verdict and evidence", false, true,
       [](R, Sources& s) { return verdicts(s); }},
  };
  return catalog;
}

DataTable build_table(const std::string& name, const TableRequest& request, Sources& sources) {
  return find_in_catalog(table_catalog(), name, "--which: unknown table").build(request, sources);
}

}  // namespace icl::report
