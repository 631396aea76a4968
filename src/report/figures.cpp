#include "report/figures.hpp"

#include <fmt/format.h>

#include "closed_form/formulas.hpp"
#include "core/number.hpp"
#include "model/families.hpp"
#include "report/catalog.hpp"
#include "sim/monte_carlo.hpp"

namespace icl::report {
namespace {

using F = PaperFormulas;

// The paper's fine-tuning setting: d = 5, s2 = 1/10, m = n_ft = 20 (THEORY.md section 6).
constexpr int kD = 5;
constexpr double kS2 = 0.1;
constexpr long kShots = 20;
constexpr long kMaxN = 40;

std::vector<double> range(long lo, long hi, long step = 1) {
  std::vector<double> out;
  for (long n = lo; n <= hi; n += step) out.push_back(static_cast<double>(n));
  return out;
}

template <class Fn>
Series line(std::string label, const std::vector<double>& xs, Fn&& fn, int color, bool dashed = false) {
  Series s{std::move(label), SeriesStyle::Line, xs, {}, {}, color, dashed};
  for (double x : xs) s.y.push_back(fn(static_cast<long>(x)));
  return s;
}

// Monte Carlo risk of `p` on task `theta` at every n of `ns`, markers with +-1 standard error.
// Point `stream` of a figure draws from seed (budget seed, stream, n): independent and reproducible.
Series monte_carlo(std::string label, const MergedParams<double>& p, const Eigen::VectorXd& theta, double s2,
                   const std::vector<double>& ns, int color, std::uint64_t stream, const Budget& b) {
  Series s{std::move(label), SeriesStyle::Markers, ns, {}, {}, color, false};
  for (double x : ns) {
    const long n = static_cast<long>(x);
    sim::McOptions opt{b.mc_samples(), b.seed * 1000003ULL + stream * 1009ULL + static_cast<std::uint64_t>(n),
                       b.threads};
    const sim::McEstimate e = sim::mc_risk(p, sim::TaskSpec::fixed(theta), n, s2, opt);
    s.y.push_back(e.mean);
    s.err.push_back(e.se);
  }
  return s;
}

const char* const kMcLabel = "Monte Carlo ±1 s.e.";

// The figure title's note on the markers.
std::string mc_note(const Budget& b) {
  return fmt::format("markers: Monte Carlo, {} prompts per point", b.mc_samples());
}

Eigen::VectorXd theta_on(Task task, int d) { return task_sign(task) * first_axis<double>(d); }

const char* task_text(Task task) { return task == Task::Target ? "θ₀" : "−θ₀"; }

// Pretrained risk curves for d in {6, 11, 16, 21}, m = 1000, no noise.
Figure pretrained(Sources& src) {
  const long m = 1000;
  Panel p{"", "shots n", "risk R_pre(γ*(1000); n)", false, true, {}};
  const auto ns = range(0, 100);
  int color = 0;
  for (int d : {6, 11, 16, 21}) {
    const Setting<double> s{d, 0.0};
    const double g = F::gamma_star(m, s);
    p.series.push_back(line(
        fmt::format("d = {} (γ*(m) = {:.4f})", d, g), ns, [&](long n) { return F::risk_pretrained(g, n, s); }, color));
    p.series.push_back(monte_carlo("", pretrained_params<double>(d, g), first_axis<double>(d), 0.0, range(0, 100, 10),
                                   color, static_cast<std::uint64_t>(d), src.budget()));
    ++color;
  }
  p.series.back().label = kMcLabel;
  return {"pretrained", "Pretrained model P(γ*(m)), m = 1000, σ² = 0; " + mc_note(src.budget()), 1, {p}};
}

// F(c) curves on theta0 and -theta0 for c in {0.3, 1, 3, 10, 30, 100}.
Figure full_finetune(Sources& src) {
  const Setting<double> s{kD, kS2};
  const auto ns = range(0, kMaxN);
  Figure f{"fc-curves",
           fmt::format("Zero-shot full fine-tuning F(c), d = {}, σ² = {}; {}", kD, kS2, mc_note(src.budget())),
           2,
           {}};
  for (Task task : {Task::Target, Task::Opposite}) {
    Panel p{fmt::format("on {}", task_text(task)), "shots n", "risk", false, true, {}};
    int color = 0;
    for (double c : {0.3, 1.0, 3.0, 10.0, 30.0, 100.0}) {
      p.series.push_back(line(
          fmt::format("c = {}", c), ns, [&](long n) { return F::risk_full_ft(c, n, task, s); }, color));
      const auto stream = static_cast<std::uint64_t>(100 + 10 * color + (task == Task::Target ? 0 : 5));
      p.series.push_back(monte_carlo("", full_ft_params<double>(first_axis<double>(kD), c), theta_on(task, kD), kS2,
                                     range(0, kMaxN, 5), color, stream, src.budget()));
      ++color;
    }
    p.series.back().label = kMcLabel;
    f.panels.push_back(std::move(p));
  }
  return f;
}

// V(theta0/(d+4), w) on theta0 and -theta0 for w in {0.2, ..., 1.0}, and the w*(n) panel.
Figure value_only(Sources& src) {
  const Setting<double> s{kD, kS2};
  const double beta = F::beta_zero_shot<double>(kD);
  const auto ns = range(0, kMaxN);
  Figure f{"value-only",
           fmt::format("Value-only fine-tuning V(θ₀/(d+4), w), d = {}, σ² = {}; {}", kD, kS2, mc_note(src.budget())),
           2,
           {}};
  for (Task task : {Task::Target, Task::Opposite}) {
    Panel p{fmt::format("on {}", task_text(task)), "shots n", "risk", false, false, {}};
    for (int k = 0; k <= 8; ++k) {
      const double w = 0.2 + 0.1 * k;
      p.series.push_back(line(
          fmt::format("w = {:.1f}", w), ns, [&](long n) { return value_only_aligned<F>(beta, w, n, task, s); }, k));
      const auto params = value_only_params<double>(beta * first_axis<double>(kD), w);
      const auto stream = static_cast<std::uint64_t>(200 + 10 * k + (task == Task::Target ? 0 : 5));
      p.series.push_back(
          monte_carlo("", params, theta_on(task, kD), kS2, range(0, kMaxN, 10), k, stream, src.budget()));
    }
    p.series.back().label = kMcLabel;
    f.panels.push_back(std::move(p));
  }
  Panel w{"w*(n): the best label weight for n shots", "shots n", "w", false, false, {}};
  w.series.push_back(line(
      "w*(n)", range(0, kMaxN), [&](long n) { return F::w_star(n, s); }, 0));
  const double g = closed_form::gamma_authors<double>(kShots, kD);
  w.series.push_back(line(
      fmt::format("γ = {:.4f} (w after zero-shot)", g), range(0, kMaxN), [&](long) { return g; }, 1, true));
  w.series.push_back({fmt::format("w*({}) = {:.4f}", kShots, F::w_star(kShots, s)),
                      SeriesStyle::Markers,
                      {static_cast<double>(kShots)},
                      {F::w_star(kShots, s)},
                      {},
                      2,
                      false});
  f.panels.push_back(std::move(w));
  return f;
}

// One protocol run: theory curves as lines, Monte Carlo of the learned model as markers, on
// theta0 and -theta0.
Panel learned_panel(Sources& src, const std::string& name, std::uint64_t stream) {
  const train::MethodResult& m = src.method(name);
  Panel p{fmt::format("{}: theory {}", name, m.theory), "shots n", "risk", false, true, {}};
  const auto ns = range(0, kMaxN);
  const auto curve = [](const std::vector<double>& v) {
    return [&v](long n) { return v[static_cast<std::size_t>(n)]; };
  };
  p.series.push_back(line("theory on θ₀", ns, curve(m.theory_target), 0));
  p.series.push_back(line("theory on −θ₀", ns, curve(m.theory_opposite), 1, true));
  const auto learned = m.point.as_merged();
  for (Task task : {Task::Target, Task::Opposite})
    p.series.push_back(monte_carlo(fmt::format("learned on {} (MC ±1 s.e.)", task_text(task)), learned,
                                   theta_on(task, kD), kS2, range(0, kMaxN, 4), task == Task::Target ? 0 : 1,
                                   stream * 2 + (task == Task::Target ? 0 : 1), src.budget()));
  return p;
}

std::string protocol_text(const Budget& b) {
  const auto o = b.protocol();
  return fmt::format("SGD protocol: pretraining {} steps, fine-tuning {} steps, {} prompts/step, seed {}",
                     o.steps_pretrain, o.steps_finetune, o.batch, o.seed);
}

Figure learned_vs_theory(Sources& src) {
  Figure f{"learned-vs-theory", "Learned (markers) vs theory (lines); " + protocol_text(src.budget()), 2, {}};
  std::uint64_t stream = 300;
  for (const char* name : {"pretrained (merged)", "zs all", "zs v", "zs+fs v"})
    f.panels.push_back(learned_panel(src, name, stream++));
  return f;
}

// Two panels, risk against n on theta0 and on -theta0 (log y), one series per learned model:
// `curves(task)` gives a panel's series. Shared by every figure of the methods of a protocol.
template <class Curves>
Figure methods_figure(std::string name, std::string title, Curves&& curves) {
  Figure f{std::move(name), std::move(title), 2, {}};
  for (Task task : {Task::Target, Task::Opposite})
    f.panels.push_back({fmt::format("on {}", task_text(task)), "shots n", "risk", false, true, curves(task)});
  return f;
}

// Every learned model's exact risk on theta0 and -theta0.
Figure all_methods(Sources& src) {
  const auto curves = [&](Task task) {
    std::vector<Series> out;
    for (const auto& m : src.protocol()) {
      const auto& curve = task == Task::Target ? m.learned_target : m.learned_opposite;
      const bool separate = m.name.find("separate") != std::string::npos;
      out.push_back({m.name, SeriesStyle::Line, range(0, kMaxN), curve, {}, -1, separate});
    }
    return out;
  };
  return methods_figure("all-methods",
                        "Every method of the protocol: exact risk of the learned model; " + protocol_text(src.budget()),
                        curves);
}

Figure comparison(Sources& src) { return comparison_figure(src, src.budget().arch); }

}  // namespace

std::string comparison_budget_text(const train::ArchProtocolOptions& o) {
  const std::string risk = o.layers == 1
                               ? std::string("exact risk")
                               : fmt::format("Monte Carlo {} x {} prompts per n, ±1 s.e.", o.test_seeds, o.eval_batch);
  return fmt::format("pretraining {} + fine-tuning {} steps x {} prompts, seed {}; {}", o.steps_pretrain,
                     o.steps_finetune, o.batch, o.seed, risk);
}

Figure comparison_figure(Sources& src, const ArchConfig& c) {
  const train::ArchProtocolOptions o = src.budget().comparison(c);
  const auto& runs = src.comparison(c);
  const bool mc = c.layers >= 2;
  // zs and both share a colour (both dashed), one colour per trained block; pretrained first.
  const auto color = [](const std::string& name) {
    int k = 0;
    for (const char* block : {"", "_q", "_k", "_v"}) {
      ++k;
      const std::string b = block;
      if (name == "zs" + b || name == "both" + b) return k;
    }
    return 0;
  };
  const auto curves = [&](Task task) {
    std::vector<Series> out;
    for (const auto& m : runs) {
      Series s{m.name,
               mc ? SeriesStyle::LinePoints : SeriesStyle::Line,
               range(0, o.max_shots),
               {},
               {},
               color(m.name),
               m.name.rfind("both", 0) == 0};
      for (const train::RiskPoint& p : task == Task::Target ? m.risk_target : m.risk_opposite) {
        s.y.push_back(p.mean);
        if (mc) s.err.push_back(p.se);
      }
      out.push_back(std::move(s));
    }
    return out;
  };
  return methods_figure(c.stem(),
                        fmt::format("comparison.py, L = {}, H = {}, {}: {}", c.layers, c.heads, c.optimizer_name(),
                                    comparison_budget_text(o)),
                        curves);
}

const std::vector<FigureInfo>& figure_catalog() {
  static const std::vector<FigureInfo> catalog{
      {"pretrained", "pretrained risk curves for d in {6, 11, 16, 21}, m = 1000, no noise", false, pretrained},
      {"fc-curves", "F(c) on theta0 and -theta0 for c in {0.3, 1, 3, 10, 30, 100}, n = 0..40", false, full_finetune},
      {"value-only", "V(theta0/9, w) for w in {0.2, ..., 1.0} on theta0 and -theta0, and the w*(n) panel", false,
       value_only},
      {"learned-vs-theory", "learned vs theory: pretrained, zs (all), zs (V), zs+fs (V)", true, learned_vs_theory},
      {"all-methods", "every method of the SGD protocol on theta0 and -theta0", true, all_methods},
      {"comparison",
       "the comparison protocol (comparison.py) for --heads, --layers, --optimizer: its eight methods and the "
       "pretrained model on theta0 and -theta0",
       true, comparison, true},
  };
  return catalog;
}

Figure build_figure(const std::string& name, Sources& sources) {
  return find_in_catalog(figure_catalog(), name, "unknown figure").build(sources);
}

}  // namespace icl::report
