// Claim T: training lands where claims C1-C6 say. Exact gradient descent and gradient flow on the
// exact population risk (src/train/exact_trainers.hpp) and the authors' SGD protocol
// (src/train/sgd.hpp), each compared with the closed forms and the exact masked optima. A
// disagreement is a finding (NOTE with numbers), never tuned away. Check ids name the claim tested.
// The training pieces are shared with claim C7 (theorems/c7_separate.cpp, the separate
// parameterization); the mutants are set-ups with one member changed (theorems/t_training.hpp).
#include "theorems/t_training.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "closed_form/closed_form.hpp"
#include "exact/exact.hpp"
#include "model/families.hpp"
#include "prove/proof.hpp"
#include "theorems/theorems.hpp"
#include "train/exact_trainers.hpp"

namespace icl::theorems {

TrainingSetup::Coordinates remapped(exact::Update from, exact::Update to, bool swap) {
  return [=](Parameterization kind, int D, exact::Update u) {
    if (u == from) return exact::coordinates(kind, D, to);
    if (swap && u == to) return exact::coordinates(kind, D, from);
    return exact::coordinates(kind, D, u);
  };
}

namespace training {

// The paper's setting: d = 5, s2 = 1/10, m = n_ft = 20, theta0 = e_1 (kD, kValueLr, kValueSteps:
// theorems/t_training.hpp).
// The runs' sizes, printed in the evidence from these constants.
constexpr double kInitScale = 0.05;  // random starts N(0, kInitScale^2)
constexpr double kPretrainLr = 0.2;  // exact GD on R_pre
constexpr long kPretrainSteps = 5000;
constexpr double kZsAllLr = 0.01;  // exact GD on zs, all of (V, Q)
constexpr long kZsAllSteps = 10000;
constexpr long kCurveShots = 40;  // risk curves are compared for n = 0..kCurveShots
constexpr int kStallD = 2;        // C1's stalls are counted at d = 2
constexpr long kShots = 20;
const Rational kS2{1, 10};

Setting<double> setting(int d) { return {d, 0.1}; }
Vec<double> theta0(int d = kD) { return first_axis<double>(d); }
exact::TaskLaw<double> target(int d = kD, double sign = 1) { return exact::TaskLaw<double>::fixed(sign * theta0(d)); }

using Setup = TrainingSetup;

// The zero-shot risk at the claim's noise level, whatever the set-up trains.
exact::Objective<double> zs_risk() { return {to_double(kS2), {{1.0, 0, target()}}}; }

exact::Objective<double> pretrain_loss(const Setup& su) {
  return {su.loss_s2, {{1.0, kShots, exact::TaskLaw<double>::sphere()}}};
}
exact::Objective<double> zs_loss(const Setup& su) { return {su.loss_s2, {{1.0, 0, target()}}}; }
exact::Objective<double> fs_loss(const Setup& su) { return {su.loss_s2, {{1.0, kShots, target()}}}; }

Pt pretrained(double gamma, Parameterization kind, int d) {
  return in_parameterization(pretrained_params<double>(d, gamma), kind);
}

double gamma_star(int d = kD) { return closed_form::gamma_star<double>(kShots, setting(d)); }

std::vector<exact::Coordinate> coords(const Setup& su, const Pt& p, exact::Update update) {
  return su.coordinates(p.kind, p.D(), update);
}

// Exact gradient descent with a fixed (or annealed) loss over the coordinates of `update`.
train::TrainResult<double> gd(const Setup& su, const train::Schedule<double>& loss, const Pt& start,
                              exact::Update update, double lr, long steps) {
  return train::gradient_descent(loss, start, coords(su, start, update), train::GdOptions{lr, steps, 2});
}
train::TrainResult<double> gd(const Setup& su, const exact::Objective<double>& loss, const Pt& start,
                              exact::Update update, double lr, long steps) {
  return gd(su, train::Schedule<double>{loss, std::nullopt}, start, update, lr, steps);
}

// `fixed` plus `annealed` with its weight annealed 1 -> 0 over `steps` (Schedule), lagging
// su.anneal_lag steps behind: weight (steps - 1 - t + lag) / (steps - 1), the lag's constant part
// carried as a fixed term.
train::Schedule<double> annealed_schedule(const Setup& su, exact::Objective<double> fixed,
                                          const exact::LossTerm<double>& annealed, long steps) {
  if (su.anneal_lag != 0)
    fixed.terms.push_back({annealed.weight * static_cast<double>(su.anneal_lag) / static_cast<double>(steps - 1),
                           annealed.n, annealed.task});
  return {fixed, annealed};
}

train::ScaleFree<double> summary(const Pt& p) { return train::scale_free<double>(p.V(), p.Q(), theta0(p.D() - 2)); }

// max over n = 0..kCurveShots and the tasks +-theta0 of |exact risk of p - closed form|.
double curve_gap(const Pt& p, const std::function<double(long, Task)>& theory) {
  const Mat<double> Q = p.Q();
  const Vec<double> v = p.V().row(p.D() - 1).transpose();
  double worst = 0;
  for (Task task : {Task::Target, Task::Opposite})
    for (long n = 0; n <= kCurveShots; ++n)
      worst =
          std::max(worst, std::abs(exact::risk(v, Q, target(p.D() - 2, task_sign(task)), n, 0.1) - theory(n, task)));
  return worst;
}

// The exact masked optimum (rationals) nearest to the start, in double. The stages are solved at
// s2 = kS2 exactly; a stage with another noise level is refused (never silently replaced).
Pt masked_optimum(const std::vector<exact::Objective<double>>& stages, const Pt& start, exact::Update update) {
  std::vector<exact::Objective<Rational>> exact_stages;
  for (const auto& s : stages) {
    if (s.s2 != to_double(kS2))
      throw std::invalid_argument(
          fmt::format("masked_optimum: a loss stage has noise level s2 = {}, the exact optimum "
                      "is solved at {}",
                      s.s2, to_fraction(kS2)));
    exact::Objective<Rational> o{kS2, {}};
    for (const auto& t : s.terms) {
      const auto task = t.task.theta ? exact::TaskLaw<Rational>::fixed(t.task.theta->cast<Rational>())
                                     : exact::TaskLaw<Rational>::sphere();
      o.terms.push_back({Rational(t.weight), t.n, task});
    }
    exact_stages.push_back(o);
  }
  Point<Rational> s{start.kind, {}};
  for (const auto& b : start.blocks) s.blocks.push_back(b.unaryExpr([](double x) { return Rational(x); }));
  return exact::masked_optimum(exact_stages, s, exact::coordinates(start.kind, start.D(), update), update)
      .point.cast<double>();
}

double max_block_gap(const Pt& a, const Pt& b) {
  double worst = 0;
  for (std::size_t i = 0; i < a.blocks.size(); ++i)
    worst = std::max(worst, (a.blocks[i] - b.blocks[i]).cwiseAbs().maxCoeff());
  return worst;
}

// Gradient flow over `update` on `loss` (run to |grad| <= 1e-11) against the exact masked optimum
// nearest the start, which is where the flow of a convex quadratic ends.
std::string against_optimum(const Setup& su, const exact::Objective<double>& loss, const Pt& start,
                            exact::Update update, const char* name, double& worst) {
  const auto r = train::gradient_flow(loss, start, coords(su, start, update), train::FlowOptions{});
  const Pt opt = masked_optimum({loss}, start, update);
  const double gap = max_block_gap(r.point, opt);
  worst = std::max(worst, gap);
  return fmt::format("{} (flow, {} evaluations{}): max|learned - exact optimum| = {:.1e}, loss {:.10f} vs {:.10f}",
                     name, r.evaluations, r.converged ? "" : ", NOT converged", gap, r.loss,
                     exact::objective_value(loss, opt));
}

}  // namespace training

namespace {

using namespace training;

// ---- C1 ---------------------------------------------------------------------------------------

struct PretrainRuns {
  int reached = 0, runs = 0;
  double worst_gamma_gap = 0, mean_gamma = 0;
  std::vector<double> stalled_excess;
};

PretrainRuns pretrain_from_random(const Setup& su, int d, int runs, std::uint64_t seed) {
  const double gs = gamma_star(d);
  const double r_star = closed_form::risk_pretrained(gs, kShots, setting(d));
  PretrainRuns out;
  for (int i = 0; i < runs; ++i) {
    const Pt start = train::random_init(Parameterization::Merged, d, kInitScale, seed + static_cast<std::uint64_t>(i));
    const auto r = gd(su, pretrain_loss(su), start, exact::Update::All, kPretrainLr, kPretrainSteps);
    const double excess = r.loss - r_star;
    ++out.runs;
    if (excess < 1e-9) {
      const auto s = summary(r.point);
      ++out.reached;
      out.mean_gamma += s.gamma;
      out.worst_gamma_gap = std::max({out.worst_gamma_gap, std::abs(s.gamma - gs), s.icl_residual});
    } else {
      out.stalled_excess.push_back(excess);
    }
  }
  if (out.reached > 0) out.mean_gamma /= out.reached;
  return out;
}

Outcome c1_gd_reaches(const Setup& su, const CheckContext& ctx) {
  const int runs = ctx.full ? 16 : 4;
  const auto r = pretrain_from_random(su, kD, runs, ctx.seed);
  const double gs = gamma_star();
  const double ga = closed_form::gamma_authors<double>(kShots, kD);
  std::string ev = fmt::format(
      "exact GD (lr {}, {} steps) on R_pre({}) from N(0, {}^2), d={}: {}/{} runs reach excess risk < 1e-9 with "
      "v_y mean(Q_xx) = {:.9f} (gamma*({}) = {} = {:.9f}, worst |gap| incl. off-identity part {:.1e}); the "
      "authors' m/(m+1+d) = {:.6f} is {:.6f} below where GD lands",
      kPretrainLr, kPretrainSteps, kShots, kInitScale, kD, r.reached, r.runs, r.mean_gamma, kShots,
      to_fraction(closed_form::gamma_star<Rational>(kShots, Setting<Rational>{kD, kS2})), gs, r.worst_gamma_gap, ga,
      r.mean_gamma - ga);
  const bool ok = r.reached == r.runs && r.worst_gamma_gap < 1e-8;
  return {ok ? Verdict::Pass : Verdict::Fail, ev};
}

Outcome c1_d2_stalls(const Setup& su, const CheckContext& ctx) {
  const int runs = ctx.full ? 100 : 20;
  const auto r = pretrain_from_random(su, kStallD, runs, ctx.seed);
  const auto [lo, hi] = std::minmax_element(r.stalled_excess.begin(), r.stalled_excess.end());
  const std::string range = r.stalled_excess.empty() ? "none" : fmt::format("excess risk {:.4f}..{:.4f}", *lo, *hi);
  return {Verdict::Note,
          fmt::format("d={}, exact GD (lr {}, {} steps) from N(0, {}^2): {}/{} runs ({:.0f}%) stall at a "
                      "non-global stationary point ({}); the other {} reach gamma*({}) = {:.6f} (THEORY.md: about 30%, "
                      "excess 0.16-0.22)",
                      kStallD, kPretrainLr, kPretrainSteps, kInitScale, r.stalled_excess.size(), r.runs,
                      100.0 * static_cast<double>(r.stalled_excess.size()) / r.runs, range, r.reached, kShots,
                      gamma_star(kStallD))};
}

// ---- C2 ---------------------------------------------------------------------------------------

Outcome c2_zs_all(const Setup& su, const CheckContext&) {
  std::string ev;
  bool ok = true;
  for (double gamma : {10.0 / 13, gamma_star()}) {
    const auto r = gd(su, zs_loss(su), pretrained(gamma), exact::Update::All, kZsAllLr, kZsAllSteps);
    const auto s = summary(r.point);
    const double gap =
        curve_gap(r.point, [&](long n, Task t) { return closed_form::risk_full_ft(s.c, n, t, setting()); });
    ok = ok && r.loss - 0.1 < 1e-12 && s.icl_block < 1e-6 && gap < 1e-6;
    ev += fmt::format(
        "{}gamma={:.6f}: zs risk - s2 = {:.1e}, ICL block max|v_y Q_xx| = {:.1e}, c = {:.6f}, "
        "risk curve vs F(c) max gap {:.1e} (n=0..{}, +-theta0)",
        ev.empty()
            ? fmt::format("exact GD (lr {}, {} steps) on zs, all of (V, Q), from P(gamma): ", kZsAllLr, kZsAllSteps)
            : "; ",
        gamma, r.loss - 0.1, s.icl_block, s.c, gap, kCurveShots);
  }
  return {ok ? Verdict::Pass : Verdict::Fail, ev};
}

// ---- C3 ---------------------------------------------------------------------------------------

Outcome c3_flow(const Setup& su, const CheckContext&) {
  std::string ev;
  bool ok = true;
  for (double gamma : {10.0 / 13, gamma_star()}) {
    const Pt start = pretrained(gamma);
    const auto r =
        train::gradient_flow(zs_loss(su), start, coords(su, start, exact::Update::All), train::FlowOptions{});
    const double c = summary(r.point).c;
    const double cs = closed_form::c_star(gamma, kD);
    const double drift = std::abs(su.conserved(r.point) - su.conserved(start));
    ok = ok && r.converged && std::abs(c - cs) < 1e-8 && drift < 1e-8;
    ev += fmt::format(
        "{}gamma={:.6f}: c = {:.12f} vs c* = {:.12f} (|gap| {:.1e}), |Q|^2-|v|^2 drift {:.1e}, flow time "
        "{:.1f}, {} evaluations",
        ev.empty() ? fmt::format("gradient flow (Dormand-Prince 5(4), rtol {}) on zs from P(gamma): ",
                                 train::FlowOptions{}.rtol)
                   : "; ",
        gamma, c, cs, std::abs(c - cs), drift, r.time, r.evaluations);
  }
  return {ok ? Verdict::Pass : Verdict::Fail, ev};
}

Outcome c3_gd_drift(const Setup& su, const CheckContext& ctx) {
  const double gamma = 10.0 / 13;
  const double cs = closed_form::c_star(gamma, kD);
  std::vector<double> lrs =
      ctx.full ? std::vector<double>{0.01, 0.005, 0.0025, 0.00125} : std::vector<double>{0.01, 0.005, 0.0025};
  std::vector<double> drift;
  std::string ev = fmt::format("exact GD on zs from P(10/13), |c - c*| (c* = {:.9f}) by lr:", cs);
  for (double lr : lrs) {
    const auto r = gd(su, zs_loss(su), pretrained(gamma), exact::Update::All, lr, static_cast<long>(150 / lr));
    drift.push_back(std::abs(summary(r.point).c - cs));
    ev += fmt::format(" {}: {:.3e}", lr, drift.back());
  }
  bool ok = true;
  ev += "; ratios per halving:";
  for (std::size_t i = 1; i < drift.size(); ++i) {
    const double ratio = drift[i - 1] / drift[i];
    ok = ok && ratio > 1.6 && ratio < 3.0;
    ev += fmt::format(" {:.3f}", ratio);
  }
  ev += " (O(lr): 2)";
  return {ok ? Verdict::Pass : Verdict::Fail, ev};
}

// The SGD protocol: pretrain, then zero-shot fine-tuning of all of (V, Q); c against c*, against
// the balance law's prediction from the pretrained parameters actually reached, and against 0.52.
Outcome c3_sgd(const Setup& su, const CheckContext& ctx) {
  const int seeds = ctx.full ? 8 : 2;
  train::SgdOptions pre = su.sgd;
  pre.threads = ctx.threads;
  pre.steps = ctx.full ? 5000 : 600;
  pre.batch = ctx.full ? 5000 : 1000;
  train::SgdOptions ft = pre;
  ft.steps = ctx.full ? 5000 : 2000;
  train::SgdProblem pp;
  train::SgdProblem fp;
  fp.loss = train::SgdLoss::ZeroShot;
  fp.theta0 = theta0();
  std::vector<double> cs, predicted;
  // The comparison means something only if SGD reached the points compared: pretraining near
  // P(gamma*(m)), fine-tuning at the zero-shot optimum, and c near the balance law of the start it
  // had (momentum SGD conserves the balance only approximately: 5-8% off at the reduced sizes, 1%
  // at the paper's). Tolerances: kGammaTol, kZsExcessTol, kBalanceTol.
  constexpr double kGammaTol = 0.05, kZsExcessTol = 1e-2, kBalanceTol = 0.15;
  std::string failed;
  for (int i = 0; i < seeds; ++i) {
    pre.seed = ft.seed = ctx.seed + static_cast<std::uint64_t>(i);
    const auto p = train::sgd_train(pp, train::random_init(Parameterization::Merged, kD, kInitScale, pre.seed), pre);
    const Layout L{kD};
    const double vy = std::abs(p.point.V()(L.y(), L.y()));
    const double qx = p.point.Q().block(L.x(0), L.x(0), kD, kD).trace() / kD;
    predicted.push_back(closed_form::c_from_balance(qx, vy, kD));
    const Pt end = train::sgd_train(fp, p.point, ft).point;
    cs.push_back(summary(end).c);
    const double gamma_gap = std::abs(summary(p.point).gamma - gamma_star());
    const double excess = exact::objective_value(zs_risk(), end) - to_double(kS2);
    const double rel = std::abs(cs.back() - predicted.back()) / predicted.back();
    if (!(gamma_gap <= kGammaTol && excess <= kZsExcessTol && rel <= kBalanceTol))
      failed += fmt::format(
          "{}seed {}: pretrained gamma {:.4f} vs gamma*(20) {:.4f} (limit {}), zero-shot excess risk "
          "{:.2e} (limit {}), c {:.4f} vs the balance law's {:.4f} (relative {:.3f}, limit {})",
          failed.empty() ? "" : "; ", pre.seed, summary(p.point).gamma, gamma_star(), kGammaTol, excess, kZsExcessTol,
          cs.back(), predicted.back(), rel, kBalanceTol);
  }
  const auto [lo, hi] = std::minmax_element(cs.begin(), cs.end());
  const auto [plo, phi] = std::minmax_element(predicted.begin(), predicted.end());
  double mean = 0;
  for (double c : cs) mean += c / seeds;
  return {failed.empty() ? Verdict::Note : Verdict::Fail,
          (failed.empty() ? "" : "SGD did not reach the points compared: " + failed + ". ") +
              fmt::format(
                  "SGD protocol ({} seeds; pretraining {} x {} prompts, zs fine-tuning {} x {}; lr {}, momentum "
                  "{}, clip {}): c = {:.4f} (range {:.4f}..{:.4f}); balance law from the pretrained (q_x, v_y) "
                  "reached predicts {:.4f}..{:.4f}; c* = {:.4f} from P(10/13); authors' fit 0.52{}",
                  seeds, pre.steps, pre.batch, ft.steps, ft.batch, pre.lr, pre.momentum, pre.clip, mean, *lo, *hi, *plo,
                  *phi, closed_form::c_star(10.0 / 13, kD), ctx.full ? "" : " (reduced sizes; --full: the paper's)")};
}

// ---- C4, C5 -----------------------------------------------------------------------------------

Outcome c4_value_only(const Setup& su, const CheckContext&) {
  const double gamma = gamma_star();
  const auto r = gd(su, zs_loss(su), pretrained(gamma), exact::Update::Value, kValueLr, kValueSteps);
  const auto s = summary(r.point);
  const double beta = closed_form::beta_zero_shot<double>(kD);
  const Layout L{kD};
  const double v0 = r.point.V()(L.y(), Layout::constant);
  const double off = r.point.V().row(L.y()).segment(L.x(1), kD - 1).cwiseAbs().maxCoeff();  // x_2..x_d (theta0 = e_1)
  const double gap = std::max({std::abs(s.b - beta), std::abs(s.w - gamma), std::abs(v0), off});
  return {gap < 1e-8 ? Verdict::Pass : Verdict::Fail,
          fmt::format("exact GD (lr {}, {} steps) on zs, value only, from P(gamma*({})): b = {:.10f} (theta0/(d+4): "
                      "{:.10f}), w = {:.10f} (gamma: {:.10f}), v0 = {:.1e}, off-theta0 part {:.1e}; max gap {:.1e}",
                      kValueLr, kValueSteps, kShots, s.b, beta, s.w, gamma, v0, off, gap)};
}

Outcome c5_annealed(const Setup& su, const CheckContext& ctx) {
  const double gamma = gamma_star();
  const long steps = ctx.full ? 200000 : 20000;
  const auto r = gd(su, annealed_schedule(su, zs_loss(su), exact::LossTerm<double>{1.0, kShots, target()}, steps),
                    pretrained(gamma), exact::Update::Value, kValueLr, steps);
  const auto s = summary(r.point);
  const double ws = closed_form::w_star(kShots, setting());
  long best = 0;
  for (long n = 0; n <= 1000; ++n)
    if (std::abs(closed_form::w_star(n, setting()) - s.w) < std::abs(closed_form::w_star(best, setting()) - s.w))
      best = n;
  const double beta = closed_form::beta_zero_shot<double>(kD);
  const bool ok = best == kShots && std::abs(s.b - beta) < 1e-6 && std::abs(s.w - ws) < 2e-3;
  // The annealed limit needs the few-shot weight 0 at the last step (THEORY.md section 6): the
  // loss GD reports there is the zero-shot risk alone.
  const double zs_end = exact::objective_value(zs_risk(), r.point);
  const double annealed_end = std::abs(r.loss - zs_end);
  if (annealed_end > 1e-12 * (1 + zs_end))
    return {Verdict::Fail,
            fmt::format("the loss at the last step, {:.12g}, is not the zero-shot risk {:.12g} (gap {:.1e}): the "
                        "few-shot weight is not 0 at the end of the annealing",
                        r.loss, zs_end, annealed_end)};
  return {ok ? Verdict::Pass : Verdict::Note,
          fmt::format("exact GD (lr {}, {} steps, few-shot weight annealed 1 -> 0) on zs+fs, value only, from "
                      "P(gamma*(20)): b = {:.8f} (1/(d+4) = {:.8f}), w = {:.6f} vs w*(20) = {:.6f} (gap {:.1e}); the "
                      "learned w matches w*(n) best at n = {} (w*({}) = {:.6f})",
                      kValueLr, steps, s.b, beta, s.w, ws, s.w - ws, best, best, closed_form::w_star(best, setting()))};
}

// ---- C6 --------------------------------------------------------------------------------------

Outcome c6_key_query(const Setup& su, const CheckContext&) {
  const Pt start = pretrained(10.0 / 13);
  const auto zs = gd(su, zs_loss(su), start, exact::Update::KeyQuery, 0.1, 1000);
  double worst = 0;
  const double moved = max_block_gap(zs.point, start);
  const std::string fs = against_optimum(su, fs_loss(su), start, exact::Update::KeyQuery, "kq on fs", worst);
  const double c = summary(masked_optimum({fs_loss(su)}, start, exact::Update::KeyQuery)).kq_memory;
  return {
      moved == 0 && worst < 1e-6 ? Verdict::Pass : Verdict::Fail,
      fmt::format("exact GD from P(10/13), key-query only: zs moves Q by {:.1e} (inert); {}; kq c = v_y Q[x,y].theta0 "
                  "= {:.6f} (c*(20) = {:.6f})",
                  moved, fs, c, closed_form::kq_memory_star<double>(kShots, setting()))};
}

Claim claim_training(const TrainingSetup& su) {
  Claim c;
  c.id = "T";
  c.title = "Training lands where the claims say";
  c.statement =
      "Exact gradient descent and gradient flow on the exact population risk, and the authors' SGD protocol, end at "
      "the points C1-C6 predict: P(gamma*(m)) from a small random start, F(c) with the ICL block erased, c* of the "
      "balance law (flow), (theta0/(d+4), gamma) and (theta0/(d+4), w*(n_ft)) for value-only fine-tuning, and the "
      "exact key-query optimum (the separate parameterization: claim C7).";
  c.hypotheses = {"d = 5, s2 = 1/10, m = n_ft = 20, theta0 = e_1 (C1 stalls: d = 2)",
                  "fast sizes by default; --full: more seeds, smaller learning rates, the paper's SGD sizes"};
  c.checks = {
      {"T.C1.gd_reaches_gamma_star", "exact GD from N(0, 0.05^2) reaches P(gamma*(20)) up to the symmetries",
       [su](const CheckContext& ctx) { return c1_gd_reaches(su, ctx); }},
      {"T.C1.d2_stalls", "d = 2: how often exact GD stalls at a spurious stationary point",
       [su](const CheckContext& ctx) { return c1_d2_stalls(su, ctx); },
       "a frequency reported against THEORY.md's 'about 30%', which states no bound a run could violate"},
      {"T.C2.zs_all_erases_icl", "zs GD from P(gamma): zero-shot optimal, ICL block -> 0, curve = F(c)",
       [su](const CheckContext& ctx) { return c2_zs_all(su, ctx); }},
      {"T.C3.flow_c_star", "gradient flow from P(gamma) ends at c* to 1e-8, conserving |Q|^2 - |v|^2",
       [su](const CheckContext& ctx) { return c3_flow(su, ctx); }},
      {"T.C3.gd_drift", "plain GD drifts from c* by O(lr)",
       [su](const CheckContext& ctx) { return c3_gd_drift(su, ctx); }},
      {"T.C3.sgd_spread", "SGD protocol: c over seeds vs c*, the balance law and the authors' 0.52",
       [su](const CheckContext& ctx) { return c3_sgd(su, ctx); }},
      {"T.C4.value_only_zs", "value-only zs GD ends at (theta0/(d+4), gamma)",
       [su](const CheckContext& ctx) { return c4_value_only(su, ctx); }},
      {"T.C5.value_only_annealed", "value-only annealed zs+fs GD ends at (theta0/(d+4), w*(n_ft))",
       [su](const CheckContext& ctx) { return c5_annealed(su, ctx); }},
      {"T.C6.key_query", "key-query GD: zs inert; fs reaches the exact optimum",
       [su](const CheckContext& ctx) { return c6_key_query(su, ctx); }},
  };
  return c;
}

// ---- mutants ----------------------------------------------------------------------------------

MutantCase training_mutant(std::string name, void (*change)(TrainingSetup&)) {
  return setup_mutant("T", std::move(name), claim_training, change);
}

std::vector<MutantCase> claim_mutants() {
  using U = exact::Update;
  return {
      training_mutant("SGD update without momentum (plain minibatch SGD for momentum 0.9)",
                      [](TrainingSetup& s) { s.sgd.momentum = 0; }),
      training_mutant("SGD update without gradient clipping (clip 1 dropped)",
                      [](TrainingSetup& s) { s.sgd.clip = 0; }),
      training_mutant("annealing schedule one step late (few-shot weight 1/(T-1) at the last step, not 0)",
                      [](TrainingSetup& s) { s.anneal_lag = 1; }),
      training_mutant("conservation law ||Q||^2 + ||v||^2 (sign of the balance flipped)",
                      [](TrainingSetup& s) {
                        s.conserved = [](const Point<double>& p) {
                          return p.blocks[1].squaredNorm() + p.V().row(p.D() - 1).squaredNorm();
                        };
                      }),
      training_mutant("training losses with the noise level s2 = 0 for 1/10", [](TrainingSetup& s) { s.loss_s2 = 0; }),
      training_mutant("update 'all' trains Q only (the value row dropped)",
                      [](TrainingSetup& s) { s.coordinates = remapped(U::All, U::KeyQuery, false); }),
      training_mutant("update 'v' trains all of (V, Q)",
                      [](TrainingSetup& s) { s.coordinates = remapped(U::Value, U::All, false); }),
  };
}

}  // namespace

ClaimFile t_training() {
  return {[] { return claim_training(TrainingSetup{}); }, claim_mutants,
          [] { return std::vector<prove::Statement>{}; }};
}

}  // namespace icl::theorems
