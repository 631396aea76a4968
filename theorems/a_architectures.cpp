// Claim A: several heads and layers (THEORY.md section 7, docs/architectures.md). With one layer the
// prediction depends on the heads only through T = (1/H) sum_h M_h (x) v_h and the exact engine
// (exact/heads.hpp) decides in rationals what carries over from one head: the pretraining optimum
// (heads redundant), value-only (C4), the auxiliary few-shot loss (C5), key-query memorization (C6)
// and full zero-shot fine-tuning (C2), all from a pretrained point whose heads are NOT symmetric.
// With two layers the prediction's degree is measured exactly. The mutants change one member of
// the set-up the checks read.
#include <fmt/format.h>

#include <array>
#include <cmath>
#include <string>

#include "closed_form/closed_form.hpp"
#include "exact/exact.hpp"
#include "model/arch.hpp"
#include "poly/flint_poly.hpp"
#include "poly/polynomial.hpp"
#include "poly/sign_runs.hpp"
#include "prove/proof.hpp"
#include "sim/monte_carlo.hpp"
#include "sim/random_params.hpp"
#include "theorems/common.hpp"
#include "theorems/theorems.hpp"
#include "train/arch_sgd.hpp"
#include "train/two_layer_exact.hpp"

namespace icl::theorems {
namespace {

constexpr int kD = 5;
constexpr long kShotsFt = 20;

// What the checks read; each mutant changes one member.
struct ArchSetup {
  bool reference_transposed = false;        // the one-head reference reads Q^T for Q
  bool mc_heads_summed = false;             // the Monte Carlo model sums its heads instead of averaging
  bool classical_gamma = false;             // the pretrained point uses the classical m / (m + 1 + d)
  int finetune_sign = 1;                    // fine-tuning on finetune_sign * theta0
  int prediction_layer = 2;                 // the two-layer prediction read after this many layers
  bool fewshot_first = false;               // the annealed limit minimizes fs first, then zs
  bool two_layer_gradient_dropped = false;  // exact two-layer training with layer 1's gradient dropped
};

using R = Rational;
const R kS2(1, 10);
const R kGamma(10, 13);

Vec<R> theta0(int d, int sign = 1) { return Vec<R>(R(sign) * Vec<R>::Unit(d, 0)); }

exact::TaskLaw<R> fixed(const Vec<R>& t) { return exact::TaskLaw<R>::fixed(t); }

// ---- the engine -------------------------------------------------------------------------------

Outcome engine_one_head(const ArchSetup& su, const CheckContext&) {
  sim::Engine rng(20261201);
  const std::vector<long> shots{0, 1, 5, 20};
  int equal = 0, total = 0;
  for (int d : {1, 2, 3})
    for (bool separate : {false, true}) {
      const Head<R> h =
          sim::random_heads(rng, separate ? Parameterization::Separate : Parameterization::Merged, d, 1, 4, 4)
              .layers[0][0];
      Mat<R> M = h.M();
      if (su.reference_transposed) M.transposeInPlace();
      const exact::PreparedPoint<R> one(MergedParams<R>{h.V, M});
      Arch<R> three{{{h, h, h}}};
      for (const auto& task : {fixed(Vec<R>(Vec<R>::Constant(d, R(1, 2)))), exact::TaskLaw<R>::sphere()}) {
        const auto want = one.curve(task, shots, kS2);
        total += 2;
        equal += exact::arch_curve(Arch<R>{{{h}}}, task, shots, kS2) == want;
        equal += exact::arch_curve(three, task, shots, kS2) == want;
      }
    }
  return {equal == total ? Verdict::Pass : Verdict::Fail,
          fmt::format("{} of {} curves (n = 0, 1, 5, 20; d = 1, 2, 3; merged and separate; fixed task and sphere; "
                      "one head and three equal heads) equal the one-head engine exactly in rationals",
                      equal, total)};
}

Outcome engine_monte_carlo(const ArchSetup& su, const CheckContext& ctx) {
  double worst = 0;
  std::string ev;
  for (int H : {2, 4}) {
    const int d = 3;
    const Arch<double> a = train::random_arch(1, H, d, 0.4, static_cast<std::uint64_t>(7 + H));  // N(0, 0.4^2)
    Arch<double> sampled = a;
    if (su.mc_heads_summed)
      for (auto& h : sampled.layers[0]) h.V *= H;
    const Vec<double> theta = Vec<double>::Constant(d, 1.0 / std::sqrt(3.0));
    for (bool sphere : {false, true})
      for (long n : {0L, 5L}) {
        const auto task = sphere ? exact::TaskLaw<double>::sphere() : exact::TaskLaw<double>::fixed(theta);
        const double e = exact::arch_risk(a, task, n, 0.5);
        const auto mc = sim::mc_risk(sampled, sphere ? sim::TaskSpec::sphere() : sim::TaskSpec::fixed(theta), n, 0.5,
                                     sim::McOptions{ctx.mc_samples, ctx.seed + 97 * H + n + (sphere ? 13 : 0), 1});
        worst = std::max(worst, std::abs(sim::z_score(mc, e)));
      }
  }
  ev = fmt::format(
      "H = 2 and 4 random heads (d = 3, s2 = 1/2), fixed task and sphere, n = 0 and 5: max |z| = {:.2f} "
      "over {} prompts each",
      worst, ctx.mc_samples);
  return {worst < 4 ? Verdict::Pass : Verdict::Fail, ev};
}

// ---- pretraining: heads are redundant -------------------------------------------------------

// T* = gamma I_x (x) e_y: P(gamma) as a tensor.
exact::detail::Cubic<R> pretrained_tensor(int d, const R& gamma) {
  exact::detail::Cubic<R> T(d + 2);
  for (int i = 1; i <= d; ++i) T(i, i, d + 1) = gamma;
  return T;
}

Outcome pretrain_redundant(const ArchSetup& su, const CheckContext&) {
  int zero = 0, total = 0;
  std::string ev;
  for (int d : {1, 2, 5})
    for (long m : {1L, 20L})
      for (const R& s2 : {R(0), kS2}) {
        const Setting<R> st{d, s2};
        const R gamma = su.classical_gamma ? closed_form::gamma_star_classical(m, st) : closed_form::gamma_star(m, st);
        const exact::Objective<R> obj{s2, {{R(1), m, exact::TaskLaw<R>::sphere()}}};
        exact::detail::Cubic<R> G(d + 2);
        exact::detail::loss_gradient_in_T(obj, pretrained_tensor(d, gamma), d, true, G);
        ++total;
        zero += G.a.isZero(0);
        if (d == 5 && m == 20 && s2 == kS2)
          ev = fmt::format("d=5 m=20 s2=1/10: gamma = {}, |grad_T R|^2 = {}", to_fraction(gamma),
                           to_fraction(R(G.a.squaredNorm())));
      }
  return {zero == total ? Verdict::Pass : Verdict::Fail,
          fmt::format("grad_T R(T*) = 0 exactly at T* = gamma*(m) I_x (x) e_y in {} of {} settings (d = 1, 2, 5; "
                      "m = 1, 20; s2 = 0, 1/10); R is a convex quadratic in T, so T* is its minimum over every "
                      "tensor: no number of heads beats P(gamma*), and every optimum predicts as P(gamma*); {}",
                      zero, total, ev)};
}

// ---- fine-tuning from an asymmetric two-head pretrained point ---------------------------------

// Two merged heads whose average is P(gamma) but which differ: head 1 carries x-coordinates 1-2
// with M = 4 gamma P1 and value e_y / 2, head 2 the others with M = 2 gamma P2 and value e_y.
Arch<R> asymmetric_pretrained(int d, const R& gamma) {
  const int D = d + 2;
  Head<R> h1{Mat<R>::Zero(D, D), Mat<R>::Zero(D, D), Mat<R>()}, h2 = h1;
  for (int i = 1; i <= d; ++i) {
    if (i <= 2)
      h1.Q(i, i) = R(4) * gamma;
    else
      h2.Q(i, i) = R(2) * gamma;
  }
  h1.V(D - 1, D - 1) = R(1, 2);
  h2.V(D - 1, D - 1) = R(1);
  return Arch<R>{{{h1, h2}}};
}

// The value rows of every head (the rest of V does not reach the prediction).
std::vector<exact::Coordinate> value_rows(Parameterization kind, int H, int D) {
  std::vector<exact::Coordinate> out;
  for (int h = 0; h < H; ++h)
    for (int c = 0; c < D; ++c) out.push_back({h * exact::blocks_per_head(kind) + block::V, D - 1, c});
  return out;
}

exact::Objective<R> shots_loss(long n, int sign) { return {kS2, {{R(1), n, fixed(theta0(kD, sign))}}}; }

struct Limits {
  R plus, minus;
};
Limits limits(const Arch<R>& a) {
  return {exact::arch_risk_limit(a, fixed(theta0(kD)), kS2), exact::arch_risk_limit(a, fixed(theta0(kD, -1)), kS2)};
}

// The optimum of `stages` over `coords` and whether its last stage is exactly stationary there.
exact::HeadsOptimum<R> optimum(const std::vector<exact::Objective<R>>& stages, const Arch<R>& start,
                               const std::vector<exact::Coordinate>& coords, exact::Update update, bool& stationary) {
  auto opt = exact::heads_masked_optimum(stages, start, coords, update);
  stationary = exact::heads_value_and_gradient(stages.front(), opt.arch, coords).gradient.isZero(0);
  return opt;
}

Outcome value_only(const ArchSetup& su, const CheckContext&) {
  const Arch<R> pre = asymmetric_pretrained(kD, kGamma);
  bool stationary = false;
  const auto opt = optimum({shots_loss(0, su.finetune_sign)}, pre, value_rows(Parameterization::Merged, 2, kD + 2),
                           exact::Update::Value, stationary);
  const R zs = exact::arch_risk(opt.arch, fixed(theta0(kD)), 0, kS2);
  const R one_head_zs = R(2) / R(kD + 4) + kS2;
  const Limits got = limits(opt.arch), before = limits(pre);
  const R b = R(1) / R(kD + 4);
  const R want_plus = (R(1) - kGamma - b) * (R(1) - kGamma - b) + kS2;
  const R want_minus = (R(1) - kGamma + b) * (R(1) - kGamma + b) + kS2;
  const bool sound = stationary && zs <= one_head_zs;
  const bool same = got.plus == want_plus && got.minus == want_minus;
  const std::string ev = fmt::format(
      "two asymmetric heads averaging P(10/13), d=5 s2=1/10, value rows of both heads on the zs loss (exact optimum, "
      "{} free directions): zs risk {} (one head: {}), lim R on +theta0 {} (pretrained {}, one head {}), on -theta0 "
      "{} (pretrained {}, one head {}){}",
      opt.free.cols(), to_fraction(zs), to_fraction(one_head_zs), to_fraction(got.plus), to_fraction(before.plus),
      to_fraction(want_plus), to_fraction(got.minus), to_fraction(before.minus), to_fraction(want_minus),
      stationary ? "" : "; NOT stationary");
  if (!sound) return {Verdict::Fail, ev};
  return {same ? Verdict::Pass : Verdict::Note, ev + (same ? "" : " -- the limits move with two heads")};
}

Outcome auxiliary_fewshot(const ArchSetup& su, const CheckContext&) {
  const Arch<R> pre = asymmetric_pretrained(kD, kGamma);
  const auto coords = value_rows(Parameterization::Merged, 2, kD + 2);
  bool zs_stationary = false, both_stationary = false;
  const auto zs = optimum({shots_loss(0, su.finetune_sign)}, pre, coords, exact::Update::Value, zs_stationary);
  std::vector<exact::Objective<R>> stages{shots_loss(0, su.finetune_sign), shots_loss(kShotsFt, su.finetune_sign)};
  if (su.fewshot_first) std::swap(stages[0], stages[1]);
  const auto both = optimum(stages, pre, coords, exact::Update::Value, both_stationary);
  const R fs_zs = exact::arch_risk(zs.arch, fixed(theta0(kD)), kShotsFt, kS2);
  const R fs_both = exact::arch_risk(both.arch, fixed(theta0(kD)), kShotsFt, kS2);
  const Limits lz = limits(zs.arch), lb = limits(both.arch);
  // Sound: both stationary for their first stage; the auxiliary loss keeps the zero-shot optimum
  // (exactly) and cannot raise the few-shot risk it minimizes over the zero-shot minimizers.
  const bool keeps_zs =
      exact::arch_risk(both.arch, fixed(theta0(kD)), 0, kS2) == exact::arch_risk(zs.arch, fixed(theta0(kD)), 0, kS2);
  const bool sound = zs_stationary && both_stationary && keeps_zs && fs_both <= fs_zs;
  const bool carries = fs_both < fs_zs && lb.minus > lz.minus;
  const std::string ev = fmt::format(
      "two asymmetric heads, value rows, zs then fs (n_ft = 20, the annealed limit): R(20) on +theta0 {:.6f} (zs only "
      "{:.6f}); lim R on -theta0 {:.6f} (zs only {:.6f}); lim R on +theta0 {:.6f} (zs only {:.6f})",
      to_double(fs_both), to_double(fs_zs), to_double(lb.minus), to_double(lz.minus), to_double(lb.plus),
      to_double(lz.plus));
  if (!sound) return {Verdict::Fail, ev + "; the optimum is not sound"};
  return {carries ? Verdict::Pass : Verdict::Note, ev + (carries ? "" : " -- the trade-off does not carry over")};
}

Outcome key_query(const ArchSetup& su, const CheckContext&) {
  // In double: 98 coordinates (every M_h); exact stationarity is replaced by |grad| < 1e-9.
  const Arch<double> pre = asymmetric_pretrained(kD, kGamma).cast<double>();
  const auto coords = exact::head_coordinates(Parameterization::Merged, 2, kD + 2, exact::Update::KeyQuery);
  const exact::Objective<double> fs{
      0.1, {{1.0, kShotsFt, exact::TaskLaw<double>::fixed(theta0(kD, su.finetune_sign).cast<double>())}}};
  const auto opt = exact::heads_masked_optimum<double>({fs}, pre, coords, exact::Update::KeyQuery);
  const double grad = exact::heads_value_and_gradient(fs, opt.arch, coords).gradient.cwiseAbs().maxCoeff();
  const auto plus = exact::TaskLaw<double>::fixed(theta0(kD).cast<double>());
  const auto minus = exact::TaskLaw<double>::fixed(theta0(kD, -1).cast<double>());
  const double before_p = exact::arch_risk(pre, plus, kShotsFt, 0.1),
               after_p = exact::arch_risk(opt.arch, plus, kShotsFt, 0.1);
  const double before_m = exact::arch_risk(pre, minus, kShotsFt, 0.1),
               after_m = exact::arch_risk(opt.arch, minus, kShotsFt, 0.1);
  const bool sound = grad < 1e-9 && after_p <= before_p;
  const bool memorizes = after_p < before_p && after_m > before_m;
  const std::string ev = fmt::format(
      "two asymmetric heads, every M_h on the few-shot loss (n_ft = 20, exact optimum in double, |grad| {:.1e}): R(20) "
      "on +theta0 {:.6f} -> {:.6f}, on -theta0 {:.6f} -> {:.6f}",
      grad, before_p, after_p, before_m, after_m);
  if (!sound) return {Verdict::Fail, ev + "; the optimum is not sound"};
  return {memorizes ? Verdict::Pass : Verdict::Note, ev + (memorizes ? " (theta0 memorized)" : " -- no memorization")};
}

// Gradient descent with backtracking (Armijo) on the exact zero-shot loss over every matrix of every
// head, in double, from `a`: the step halves until the loss falls by half the linear prediction, then may
// double again. Returns the end point.
Arch<double> zero_shot_descent(Arch<double> a, const exact::Objective<double>& zs, int steps) {
  const auto coords = exact::head_coordinates(a.kind(), a.H(), a.D(), exact::Update::All);
  const auto loss_at = [&](const Vec<double>& y) {
    Arch<double> b = a;
    exact::scatter(b, coords, y);
    return exact::heads_objective_value(zs, b);
  };
  Vec<double> x = exact::gather(a, coords);
  double lr = 0.1;
  for (int step = 0; step < steps; ++step) {
    exact::scatter(a, coords, x);
    const auto vg = exact::heads_value_and_gradient(zs, a, coords);
    const double g2 = vg.gradient.squaredNorm();
    if (g2 < 1e-28) break;
    while (lr > 1e-12 && !(loss_at(Vec<double>(x - lr * vg.gradient)) <= vg.value - 0.5 * lr * g2)) lr /= 2;
    x -= lr * vg.gradient;
    lr = std::min(2 * lr, 1.0);
  }
  exact::scatter(a, coords, x);
  return a;
}

Outcome full_zero_shot(const ArchSetup& su, const CheckContext&) {
  const exact::Objective<double> zs{
      0.1, {{1.0, 0, exact::TaskLaw<double>::fixed(theta0(kD, su.finetune_sign).cast<double>())}}};
  const auto plus = exact::TaskLaw<double>::fixed(theta0(kD).cast<double>());
  const auto minus = exact::TaskLaw<double>::fixed(theta0(kD, -1).cast<double>());
  struct End {
    double zs_excess, lim_plus, lim_minus;
  };
  const auto run = [&](const Arch<R>& start) {
    const Arch<double> a = zero_shot_descent(start.cast<double>(), zs, 12000);
    return End{exact::arch_risk(a, plus, 0, 0.1) - 0.1, exact::arch_risk_limit(a, plus, 0.1),
               exact::arch_risk_limit(a, minus, 0.1)};
  };
  // The control: two equal heads of P(10/13) are one head, and C2 says the flow erases ICL there.
  Arch<R> equal = asymmetric_pretrained(kD, kGamma);
  for (auto& h : equal.layers[0]) {
    h.Q = Mat<R>::Zero(kD + 2, kD + 2);
    h.Q.block(1, 1, kD, kD) = kGamma * Mat<R>::Identity(kD, kD);
    h.V = Mat<R>::Zero(kD + 2, kD + 2);
    h.V(kD + 1, kD + 1) = R(1);
  }
  const End sym = run(equal), asym = run(asymmetric_pretrained(kD, kGamma));
  const auto collapsed = [](const End& e) {
    return std::abs(e.lim_plus - 1.1) < 1e-3 && std::abs(e.lim_minus - 1.1) < 1e-3;
  };
  const std::string ev = fmt::format(
      "gradient descent (backtracking, <= 12000 steps) on the exact zs loss over every V_h and M_h; two equal heads "
      "of P(10/13): zs risk - s2 {:.1e}, lim R on +-theta0 {:.5f} / {:.5f}; two asymmetric heads: zs risk - s2 {:.1e}, "
      "lim R on +-theta0 {:.5f} / {:.5f} (pretrained {:.5f} / {:.5f}, collapse 1 + s2 = 1.1)",
      sym.zs_excess, sym.lim_plus, sym.lim_minus, asym.zs_excess, asym.lim_plus, asym.lim_minus,
      to_double(limits(asymmetric_pretrained(kD, kGamma)).plus),
      to_double(limits(asymmetric_pretrained(kD, kGamma)).minus));
  for (const End& e : {sym, asym})
    if (!std::isfinite(e.zs_excess + e.lim_plus + e.lim_minus)) return {Verdict::Fail, "gradient descent diverged"};
  // Sound: both reach the zero-shot optimum s2, and the equal heads reproduce C2's collapse.
  if (sym.zs_excess > 1e-8 || asym.zs_excess > 1e-8 || !collapsed(sym))
    return {Verdict::Fail, ev + "; the control does not reproduce C2"};
  return {
      collapsed(asym) ? Verdict::Pass : Verdict::Note,
      ev + (collapsed(asym) ? ""
                            : " -- from asymmetric heads the zero-shot optimum reached keeps part of ICL: the heads' "
                              "query terms cancel while their ICL blocks do not")};
}

// ---- fine-tuning from a pretrained point learned by SGD --------------------------------------

// One layer of two separate heads pretrained by the authors' SGD protocol (fresh prompts, theta on
// the sphere, m = 20, lr 0.01, momentum 0.9, clip 1) from N(0, 0.05^2): reduced sizes by default,
// the paper's 5000 x 5000 with --full.
Arch<double> learned_two_heads(const CheckContext& ctx, long& steps, long& batch) {
  steps = ctx.full ? 5000 : 1500;
  batch = ctx.full ? 5000 : 1000;
  train::ArchProblem pb;
  pb.d = kD;
  pb.noise_std = std::sqrt(0.1);
  pb.shots = kShotsFt;
  train::SgdOptions opt;
  opt.steps = steps;
  opt.batch = batch;
  opt.seed = 7;
  opt.threads = ctx.threads;
  return train::arch_train(pb, train::random_arch(1, 2, kD, 0.05, opt.seed), opt).arch;
}

Outcome learned_heads(const ArchSetup& su, const CheckContext& ctx) {
  long steps = 0, batch = 0;
  const Arch<double> pre = learned_two_heads(ctx, steps, batch);
  const int D = kD + 2, H = 2;
  const auto task = [](int sign) { return exact::TaskLaw<double>::fixed(theta0(kD, sign).cast<double>()); };
  const auto loss = [&](long n) { return exact::Objective<double>{0.1, {{1.0, n, task(su.finetune_sign)}}}; };
  const auto lim = [&](const Arch<double>& a, int sign) { return exact::arch_risk_limit(a, task(sign), 0.1); };
  const R gs = closed_form::gamma_star(kShotsFt, Setting<R>{kD, kS2});
  const double gamma_star = to_double(gs);
  const double excess = exact::arch_risk(pre, exact::TaskLaw<double>::sphere(), kShotsFt, 0.1) -
                        to_double(closed_form::risk_pretrained(gs, kShotsFt, Setting<R>{kD, kS2}));
  const double pre_plus = lim(pre, 1), pre_minus = lim(pre, -1), pre_zs = exact::arch_risk(pre, task(1), 0, 0.1);
  const auto v_rows = value_rows(Parameterization::Separate, H, D);
  // C4: value rows on zs. C5: zs then fs. C6: every Q_h on fs. C2: everything on zs (descent).
  const auto v = exact::heads_masked_optimum<double>({loss(0)}, pre, v_rows, exact::Update::Value).arch;
  const auto both =
      exact::heads_masked_optimum<double>({loss(0), loss(kShotsFt)}, pre, v_rows, exact::Update::Value).arch;
  const auto q_coords = exact::head_coordinates(Parameterization::Separate, H, D, exact::Update::Query);
  const auto q = exact::heads_masked_optimum<double>({loss(kShotsFt)}, pre, q_coords, exact::Update::Query).arch;
  const Arch<double> all = zero_shot_descent(pre, loss(0), 12000);
  const double v_zs = exact::arch_risk(v, task(1), 0, 0.1), all_zs = exact::arch_risk(all, task(1), 0, 0.1);
  const double fs_v = exact::arch_risk(v, task(1), kShotsFt, 0.1),
               fs_both = exact::arch_risk(both, task(1), kShotsFt, 0.1);
  const double fs_pre = exact::arch_risk(pre, task(1), kShotsFt, 0.1),
               fs_q = exact::arch_risk(q, task(1), kShotsFt, 0.1);
  const double fs_pre_minus = exact::arch_risk(pre, task(-1), kShotsFt, 0.1),
               fs_q_minus = exact::arch_risk(q, task(-1), kShotsFt, 0.1);
  const double collapse = 1.1;
  // Sound: every fine-tuning lowers the loss it minimizes on theta0 (the start is feasible).
  const bool sound = v_zs <= pre_zs && all_zs <= v_zs + 1e-9 && fs_both <= fs_v + 1e-12 && fs_q <= fs_pre &&
                     std::isfinite(all_zs + lim(all, 1));
  const bool c4 = lim(v, 1) < (pre_plus + collapse) / 2 && lim(v, -1) < (pre_minus + collapse) / 2;
  const bool c5 = fs_both < fs_v && lim(both, -1) > lim(v, -1);
  const bool c6 = fs_q < fs_pre && fs_q_minus > fs_pre_minus;
  const bool c2 = std::abs(lim(all, 1) - collapse) < 1e-2 && std::abs(lim(all, -1) - collapse) < 1e-2;
  const std::string ev = fmt::format(
      "two separate heads pretrained by SGD ({} steps x {} prompts, seed 7): m-shot excess over P(gamma*) {:.2e}, "
      "gamma* = {:.4f}, lim R on +-theta0 {:.4f} / {:.4f}, zs risk {:.4f}. Exact fine-tuning on theta0 -- C4 value "
      "rows, "
      "zs: zs risk {:.4f}, lim {:.4f} / {:.4f}{}; C5 zs then fs: R(20) {:.4f} (zs only {:.4f}), lim on -theta0 {:.4f} "
      "(zs only {:.4f}){}; C6 every Q_h on fs: R(20) {:.4f} -> {:.4f} on +theta0, {:.4f} -> {:.4f} on -theta0{}; "
      "C2 everything on zs (descent): zs risk - s2 {:.1e}, lim {:.4f} / {:.4f} (collapse 1.1){}",
      steps, batch, excess, gamma_star, pre_plus, pre_minus, pre_zs, v_zs, lim(v, 1), lim(v, -1),
      c4 ? "" : " (NOT kept)", fs_both, fs_v, lim(both, -1), lim(v, -1), c5 ? "" : " (NO trade-off)", fs_pre, fs_q,
      fs_pre_minus, fs_q_minus, c6 ? "" : " (NO memorization)", all_zs - 0.1, lim(all, 1), lim(all, -1),
      c2 ? "" : " (ICL NOT erased)");
  if (!sound) return {Verdict::Fail, ev + "; a fine-tuning did not lower its own loss"};
  return {c4 && c5 && c6 && c2 ? Verdict::Pass : Verdict::Note, ev};
}

// ---- two layers, exactly (issue 27) -----------------------------------------------------------

// Two layers of two separate heads trained on the exact population loss at fixed n
// (exact/two_layer/fixed_n.hpp, train/two_layer_exact.hpp): d = 1 by default (seconds), d = 2 with
// --full (a gradient on the sphere costs about 0.4 s there: minutes per fit). Every end point is
// certified: |grad| < 1e-10 in 50 digits and the exact Hessian (from exact Hessian-vector products)
// without a negative eigenvalue beyond its error; curves, limits and sets of n are exact rationals of
// the end point's (dyadic) parameters.
namespace tl = exact::two_layer;
using TwoLayerTerms = std::vector<train::TwoLayerTerm<double>>;

int two_layer_d(const CheckContext& ctx) { return ctx.full ? 2 : 1; }

// The end point's certificate (train::certify_stationary) and the gradient check.
struct Certified : train::StationaryCertificate {
  explicit Certified(train::TwoLayerFit f) : fit(std::move(f)) {}
  train::TwoLayerFit fit;
  double stencil_error = 0;  // the training gradient against an exact stencil at the end point (relative)
  bool gradient_sound() const { return stencil_error < 1e-7; }
  std::string show() const {
    return fmt::format("|grad|_50 {:.1e}, Hessian min {:.1e} max {:.3g} ({} flat)", grad50, low, top, flat);
  }
};

// The derivative of the loss along a seeded random direction u on `coords` at `a`, from 25 values
// R(a + t u), t = k/16, in 50 digits (R is a polynomial of degree <= 24 in t: the stencil is exact up to
// rounding), against the training gradient (the same loss, its mutant if any) dotted with u.
double stencil_error(int d, const TwoLayerTerms& terms, const Arch<double>& a,
                     const std::vector<tl::ArchCoordinate>& coords, const ArchSetup& su) {
  using F = Float50;
  sim::Engine rng(20261206);
  std::uniform_int_distribution<int> k(-4, 4);
  Vec<double> u(static_cast<Eigen::Index>(coords.size()));
  for (auto& x : u) x = k(rng) / 4.0;
  train::TwoLayerLoss<double> loss(
      d, 0.1, terms, su.two_layer_gradient_dropped ? tl::GradientMutant::FirstLayerDropped : tl::GradientMutant::None);
  const double want = loss.value_gradient(a, coords).second.dot(u);
  std::vector<train::TwoLayerTerm<F>> t50;
  for (const auto& t : terms) t50.push_back({F(t.weight), t.n, t.task.cast<F>()});
  train::TwoLayerLoss<F> exact50(d, F(1) / 10, t50);
  const Arch<F> base = a.cast<F>();
  const Vec<F> x = tl::arch_gather(base, coords);
  std::vector<F> ts, ys;
  for (int j = -12; j <= 12; ++j) {
    ts.push_back(F(j) / 16);
    Arch<F> b = base;
    tl::arch_scatter(b, coords, Vec<F>(x + ts.back() * u.cast<F>()));
    ys.push_back(exact50.value(b));
  }
  const F der = derivative_at_zero(ts, ys);
  const double exact = to_double(der);
  return std::abs(exact - want) / (1 + std::abs(exact));
}

Certified fit_certified(int d, const TwoLayerTerms& terms, const Arch<double>& start, tl::CoordinateSet set,
                        const ArchSetup& su, long max_iterations = 3000) {
  const auto coords = tl::arch_coordinates(start, set);
  train::TwoLayerLoss<double> loss(
      d, 0.1, terms, su.two_layer_gradient_dropped ? tl::GradientMutant::FirstLayerDropped : tl::GradientMutant::None);
  train::TwoLayerFitOptions opt;
  opt.max_iterations = max_iterations;
  // The training gradient is checked against the exact stencil at the start (no training on a wrong
  // gradient) and at the end point.
  const double at_start = stencil_error(d, terms, start, coords, su);
  if (at_start >= 1e-7) {
    Certified wrong(train::TwoLayerFit{start});
    wrong.stencil_error = at_start;
    wrong.grad50 = wrong.top = 1;
    wrong.low = -1;
    return wrong;
  }
  Certified c(train::two_layer_minimize(loss, start, coords, opt));
  c.stencil_error = stencil_error(d, terms, c.fit.arch, coords, su);
  static_cast<train::StationaryCertificate&>(c) = train::certify_stationary(d, kS2, terms, c.fit.arch, coords);
  return c;
}

exact::TaskLaw<double> unit_task(int d, int sign) {
  return exact::TaskLaw<double>::fixed(theta0(d, sign).cast<double>());
}

// Two-layer pretraining: the exact m-shot sphere risk R(20) from seeded starts N(0, 0.3^2), BFGS
// with a budget of kPretrainIterations (at d = 1 the infimum is not attained: the parameters grow
// without bound while R(20) creeps down, so a run to convergence never ends).
constexpr long kPretrainIterations = 300;
const TwoLayerTerms& pretrain_terms() {
  static const TwoLayerTerms t{{1.0, kShotsFt, exact::TaskLaw<double>::sphere()}};
  return t;
}

// The start of every fine-tuning: the pretraining run from seed 1.
Arch<double> two_layer_pretrained(const ArchSetup& su, const CheckContext& ctx) {
  const int d = two_layer_d(ctx);
  train::TwoLayerLoss<double> loss(d, 0.1, pretrain_terms());
  const Arch<double> start = train::random_arch(2, 2, d, 0.3, 1);
  train::TwoLayerFitOptions opt;
  opt.max_iterations = kPretrainIterations;
  opt.newton_steps = 0;
  (void)su;
  return train::two_layer_minimize(loss, start, tl::arch_coordinates(start, tl::CoordinateSet::All), opt).arch;
}

// Exact curves of a model (rationals of its dyadic entries) on theta0, -theta0 and the sphere.
struct Curves {
  std::array<tl::RiskPolynomial<R>, 3> r;  // +theta0, -theta0, sphere
};
Curves curves(const Arch<double>& a) {
  const Arch<R> q = a.cast<R>();
  const int d = a.d();
  return {{tl::risk_polynomial(q, fixed(theta0(d, 1)), kS2), tl::risk_polynomial(q, fixed(theta0(d, -1)), kS2),
           tl::risk_polynomial(q, exact::TaskLaw<R>::sphere(), kS2)}};
}

// rho = (1 + s2 - lim post) / (1 + s2 - lim pre) (THEORY.md section 8).
double retention(const tl::RiskPolynomial<R>& pre, const tl::RiskPolynomial<R>& post) {
  return to_double(R((R(1) + kS2 - post.limit()) / (R(1) + kS2 - pre.limit())));
}
// The exact set of n >= 0 where post is worse than pre (the numerators' difference, degree <= 8, by
// FLINT's real roots), and whether it holds for every large n.
std::pair<std::string, bool> worse(const tl::RiskPolynomial<R>& pre, const tl::RiskPolynomial<R>& post) {
  Polynomial<R> diff{std::vector<R>(9, R(0))};
  for (int k = 0; k <= 8; ++k) diff.coeffs[k] = post.numerator[k] - pre.numerator[k];
  const auto runs = sign_runs_any_degree(diff);
  return {describe_runs(runs, 1), sign_holds_from(runs, 1).has_value()};
}
std::string worse_set(const tl::RiskPolynomial<R>& pre, const tl::RiskPolynomial<R>& post) {
  return worse(pre, post).first;
}
std::string compare_curves(const Curves& pre, const Curves& post) {
  static const char* names[] = {"theta0", "-theta0", "sphere"};
  std::string out;
  for (int t = 0; t < 3; ++t)
    out += fmt::format("{}{}: lim {:.4f} -> {:.4f}, rho {:.3f}, worse for n in {}", t ? "; " : "", names[t],
                       to_double(pre.r[t].limit()), to_double(post.r[t].limit()), retention(pre.r[t], post.r[t]),
                       worse_set(pre.r[t], post.r[t]));
  return out;
}

// Which block of which layer moved: relative Frobenius change per layer of V, Q, K (heads together).
std::string moved(const Arch<double>& pre, const Arch<double>& post) {
  std::string out;
  for (int l = 0; l < pre.L(); ++l) {
    double dv = 0, nv = 0, dq = 0, nq = 0, dk = 0, nk = 0;
    for (int h = 0; h < pre.H(); ++h) {
      const auto &x = pre.layers[l][h], &y = post.layers[l][h];
      dv += (y.V - x.V).squaredNorm(), nv += x.V.squaredNorm();
      dq += (y.Q - x.Q).squaredNorm(), nq += x.Q.squaredNorm();
      dk += (y.K - x.K).squaredNorm(), nk += x.K.squaredNorm();
    }
    out += fmt::format("{}layer {} |dV|/|V| {:.2f} |dQ|/|Q| {:.2f} |dK|/|K| {:.2f}", l ? ", " : "", l + 1,
                       std::sqrt(dv / nv), std::sqrt(dq / nq), std::sqrt(dk / nk));
  }
  return out;
}

Outcome two_layers_pretrain(const ArchSetup& su, const CheckContext& ctx) {
  const int d = two_layer_d(ctx);
  const Setting<R> set{d, kS2};
  const R gamma = closed_form::gamma_star(kShotsFt, set);
  const double one20 = to_double(closed_form::risk_pretrained(gamma, kShotsFt, set));
  std::string runs;
  bool sound = true, certified = true;
  int best = -1;
  std::vector<Certified> fits;
  const std::vector<std::uint64_t> seeds =
      ctx.full ? std::vector<std::uint64_t>{1, 2, 3} : std::vector<std::uint64_t>{1};
  for (std::uint64_t seed : seeds) {
    fits.push_back(fit_certified(d, pretrain_terms(), train::random_arch(2, 2, d, 0.3, seed), tl::CoordinateSet::All,
                                 su, kPretrainIterations));
    const auto& r = fits.back();
    sound = sound && r.gradient_sound();
    certified = certified && r.certified();
    if (best < 0 || r.fit.loss < fits[best].fit.loss) best = static_cast<int>(fits.size()) - 1;
    runs += fmt::format("{}seed {}: R(20) {:.6f} ({}{})", runs.empty() ? "" : "; ", seed, r.fit.loss, r.show(),
                        r.certified() ? ", certified" : ", NOT stationary");
  }
  const Curves two = curves(fits[best].fit.arch);
  std::string curve;
  for (long n : {0L, 1L, 5L, 20L, 40L})
    curve += fmt::format("{}n = {}: {:.4f} / {:.4f}", curve.empty() ? "" : ", ", n, to_double(two.r[2].at(n)),
                         to_double(closed_form::risk_pretrained(gamma, n, set)));
  const double lim1 = to_double(R((R(1) - gamma) * (R(1) - gamma) + kS2));
  // Sound: the training gradient equals an exact stencil at every end point, and the exact curve
  // agrees with the training loss at n = 20.
  const double two20 = to_double(two.r[2].at(kShotsFt));
  sound = sound && std::abs(two20 - fits[best].fit.loss) < 1e-9;
  const std::string ev = fmt::format(
      "d = {}, L = 2, H = 2 separate, exact m-shot sphere risk R(20), BFGS ({} iterations at most) from {} seeded "
      "start(s) N(0, 0.3^2): {}. Best against one layer's P(gamma* = {:.4f}) on the sphere (two / one): {}, lim {:.4f} "
      "/ {:.4f}",
      d, kPretrainIterations, seeds.size(), runs, to_double(gamma), curve, to_double(two.r[2].limit()), lim1);
  if (!sound) return {Verdict::Fail, ev + "; the training gradient disagrees with the exact stencil"};
  const bool below = two20 < one20;
  return {certified && below ? Verdict::Pass : Verdict::Note,
          ev + (below ? "; two layers beat P(gamma*) at n = 20" : "; two layers do NOT beat P(gamma*) at n = 20") +
              (certified ? "" : "; no certified optimum (not attained at this budget)")};
}

// A fine-tuning from the two-layer pretrained optimum, certified, with its exact curves.
struct TwoLayerFineTune {
  Certified c;
  Curves pre, post;
  Arch<double> pre_arch;
};
TwoLayerFineTune two_layer_finetune(const ArchSetup& su, const Arch<double>& pre, const TwoLayerTerms& terms,
                                    tl::CoordinateSet set, long max_iterations = 3000) {
  TwoLayerFineTune out{fit_certified(pre.d(), terms, pre, set, su, max_iterations), curves(pre), {}, pre};
  out.post = curves(out.c.fit.arch);
  return out;
}

TwoLayerTerms zero_shot_terms(int d, const ArchSetup& su) { return {{1.0, 0, unit_task(d, su.finetune_sign)}}; }
TwoLayerTerms few_shot_terms(int d, const ArchSetup& su) { return {{1.0, kShotsFt, unit_task(d, su.finetune_sign)}}; }

// C4 at L = 2: value-only (every V of both layers) zero-shot fine-tuning.
Outcome two_layers_value_only(const ArchSetup& su, const CheckContext& ctx) {
  const int d = two_layer_d(ctx);
  const Arch<double> pre = two_layer_pretrained(su, ctx);
  const auto ft = two_layer_finetune(su, pre, zero_shot_terms(d, su), tl::CoordinateSet::Value);
  const double zs_pre = to_double(ft.pre.r[0].at(0)), zs_post = to_double(ft.post.r[0].at(0));
  bool kept = true;
  for (int t = 0; t < 3; ++t) kept = kept && retention(ft.pre.r[t], ft.post.r[t]) >= 0.5;
  const std::string ev = fmt::format(
      "d = {}, value-only zero-shot from the two-layer pretrained point ({}): R(0) on theta0 {:.4f} -> {:.4f}; {}; "
      "moved: {}",
      d, ft.c.show(), zs_pre, zs_post, compare_curves(ft.pre, ft.post), moved(ft.pre_arch, ft.c.fit.arch));
  if (!ft.c.gradient_sound() || zs_post > zs_pre) return {Verdict::Fail, ev + "; not a sound descent"};
  if (!ft.c.certified()) return {Verdict::Note, ev + "; NOT certified stationary"};
  return {kept ? Verdict::Pass : Verdict::Note,
          ev + (kept ? " (ICL kept: rho >= 1/2 on every task)" : " (ICL NOT kept: rho < 1/2 on some task)")};
}

// C2 at L = 2: every entry on the zero-shot loss.
Outcome two_layers_full_zero_shot(const ArchSetup& su, const CheckContext& ctx) {
  const int d = two_layer_d(ctx);
  const Arch<double> pre = two_layer_pretrained(su, ctx);
  const auto ft = two_layer_finetune(su, pre, zero_shot_terms(d, su), tl::CoordinateSet::All);
  const double zs_pre = to_double(ft.pre.r[0].at(0)), zs_post = to_double(ft.post.r[0].at(0));
  // Harmed: worse than pretrained on -theta0 for every large n.
  const bool harmed = worse(ft.pre.r[1], ft.post.r[1]).second;
  const std::string ev = fmt::format(
      "d = {}, full zero-shot from the two-layer pretrained point ({}): R(0) on theta0 {:.4f} -> {:.4f}; {}; moved: {}",
      d, ft.c.show(), zs_pre, zs_post, compare_curves(ft.pre, ft.post), moved(ft.pre_arch, ft.c.fit.arch));
  if (!ft.c.gradient_sound() || zs_post > zs_pre) return {Verdict::Fail, ev + "; not a sound descent"};
  if (!ft.c.certified()) return {Verdict::Note, ev + "; NOT certified stationary"};
  return {harmed ? Verdict::Pass : Verdict::Note,
          ev + (harmed ? " (ICL harmed on -theta0 for all large n)" : " (ICL NOT harmed on -theta0)")};
}

// C5 at L = 2: value-only on zs + fs (weights 1, 1; fs = R(20) on theta0) against value-only zs.
Outcome two_layers_auxiliary(const ArchSetup& su, const CheckContext& ctx) {
  const int d = two_layer_d(ctx);
  const Arch<double> pre = two_layer_pretrained(su, ctx);
  TwoLayerTerms both = zero_shot_terms(d, su);
  both.push_back(few_shot_terms(d, su).front());
  const auto zs = two_layer_finetune(su, pre, zero_shot_terms(d, su), tl::CoordinateSet::Value);
  const auto aux = two_layer_finetune(su, pre, both, tl::CoordinateSet::Value);
  const double fs_zs = to_double(zs.post.r[0].at(kShotsFt)), fs_aux = to_double(aux.post.r[0].at(kShotsFt));
  const double lm_zs = to_double(zs.post.r[1].limit()), lm_aux = to_double(aux.post.r[1].limit());
  const bool trade = fs_aux < fs_zs && lm_aux > lm_zs;
  const std::string ev = fmt::format(
      "d = {}, value-only on zs + fs (n_ft = 20) against zs alone ({}; {}): R(20) on theta0 {:.4f} (zs {:.4f}), lim on "
      "-theta0 {:.4f} (zs {:.4f}); zs + fs against pretrained: {}",
      d, aux.c.show(), zs.c.show(), fs_aux, fs_zs, lm_aux, lm_zs, compare_curves(aux.pre, aux.post));
  if (!aux.c.gradient_sound() || !zs.c.gradient_sound()) return {Verdict::Fail, ev + "; not sound"};
  if (!aux.c.certified() || !zs.c.certified()) return {Verdict::Note, ev + "; NOT certified stationary"};
  return {trade ? Verdict::Pass : Verdict::Note, ev + (trade ? " (the trade-off carries over)" : " (NO trade-off)")};
}

// C6 at L = 2: key-query (both layers' Q and K), query-only and key-only few-shot fine-tuning.
Outcome two_layers_key_query(const ArchSetup& su, const CheckContext& ctx) {
  const int d = two_layer_d(ctx);
  const Arch<double> pre = two_layer_pretrained(su, ctx);
  std::string ev = fmt::format("d = {}, few-shot (R(20) on theta0) from the two-layer pretrained point", d);
  bool sound = true, memorizes = true, certified = true;
  // q-only and k-only with --full (each fit takes a minute or more at d = 1 under load).
  std::vector<std::pair<tl::CoordinateSet, const char*>> sets{{tl::CoordinateSet::KeyQuery, "kq"}};
  if (ctx.full) sets.insert(sets.end(), {{tl::CoordinateSet::Query, "q"}, {tl::CoordinateSet::Key, "k"}});
  for (const auto& [set, name] : sets) {
    // kq does not reach |grad| < 1e-10 at d = 1 (the optimum is approached along growing entries):
    // 1000 BFGS iterations by default, 3000 with --full.
    const auto ft = two_layer_finetune(su, pre, few_shot_terms(d, su), set, ctx.full ? 3000 : 1000);
    const double p0 = to_double(ft.pre.r[0].at(kShotsFt)), p1 = to_double(ft.post.r[0].at(kShotsFt));
    const double m0 = to_double(ft.pre.r[1].at(kShotsFt)), m1 = to_double(ft.post.r[1].at(kShotsFt));
    sound = sound && ft.c.gradient_sound() && p1 <= p0;
    certified = certified && ft.c.certified();
    if (set == tl::CoordinateSet::KeyQuery) memorizes = memorizes && p1 < p0 && m1 > m0;
    ev += fmt::format("; {} ({}): R(20) on theta0 {:.4f} -> {:.4f}, on -theta0 {:.4f} -> {:.4f}, {}", name, ft.c.show(),
                      p0, p1, m0, m1, compare_curves(ft.pre, ft.post));
  }
  if (!sound) return {Verdict::Fail, ev + "; not a sound descent"};
  ev += memorizes ? " (kq memorizes theta0)" : " (NO memorization)";
  if (!certified)
    ev +=
        "; NOT every end point certified stationary (|grad|_50 >= 1e-10: the few-shot optimum is approached, not "
        "reached)";
  return {memorizes && certified ? Verdict::Pass : Verdict::Note, ev};
}

// ---- two layers: the degree of the prediction -------------------------------------------------

Outcome two_layer_degree(const ArchSetup& su, const CheckContext&) {
  sim::Engine rng(5);
  const int d = 2, D = d + 2, n = 2;
  Arch<R> a;
  for (int l = 0; l < 2; ++l)
    a.layers.push_back(sim::random_heads(rng, Parameterization::Separate, d, 1, 4, 4).layers[0]);
  a.layers.resize(static_cast<std::size_t>(su.prediction_layer));
  Mat<R> Z(n + 1, D);
  for (int r = 0; r <= n; ++r)
    for (int c = 0; c < D; ++c) Z(r, c) = c == 0 ? R(1) : sim::random_entry(rng, 3, 2);
  Z(n, D - 1) = 0;
  // p(lambda) = yhat(lambda Z) has degree <= 2^(L+1) + 1 = 9: 12 samples give its coefficients exactly.
  const int samples = 12;
  Mat<R> Vm(samples, samples);
  Vec<R> y(samples);
  for (int i = 0; i < samples; ++i) {
    const R lambda(i + 1, 3);
    R p(1);
    for (int k = 0; k < samples; ++k, p *= lambda) Vm(i, k) = p;
    y(i) = arch_predict(a, Mat<R>(lambda * Z));
  }
  const Vec<R> c = Vm.fullPivLu().solve(y);
  int degree = -1;
  for (int k = 0; k < samples; ++k)
    if (c(k) != R(0)) degree = k;
  bool parity = true;
  for (int k = 0; k < samples; k += 2) parity = parity && c(k) == R(0);
  const std::string ev = fmt::format(
      "yhat(lambda Z) of two random layers (d = 2, n = 2, rational) is an odd polynomial of degree {} in lambda "
      "(coefficient of lambda^9 = {}): the two-layer prediction has degree 9 in the prompt, so its exact risk needs "
      "Gaussian moments of degree 18 (THEORY.md section 7 said degree 5 and moments of degree 10 until this "
      "measurement corrected it)",
      degree, to_fraction(c(9)));
  return {degree == 9 && parity ? Verdict::Note : Verdict::Fail, ev};
}

Claim claim_a(const ArchSetup& su) {
  Claim c{"A", "Several heads and layers: what carries over", {}, {}, {}};
  c.statement =
      "With one layer and H heads the prediction depends on the parameters only through T = (1/H) sum_h M_h (x) v_h "
      "and the risk is a convex quadratic in T: the exact engine computes it in rationals. The pretraining optimum "
      "P(gamma*) is a minimum over every tensor, so heads are redundant at the optimum. From a pretrained point whose "
      "heads differ, value-only zero-shot fine-tuning keeps ICL (C4), the auxiliary few-shot loss trades -theta0 for "
      "theta0 (C5), key-query few-shot fine-tuning memorizes theta0 (C6) and full zero-shot fine-tuning erases ICL "
      "(C2). Two layers predict through a polynomial of degree 9 in the prompt.";
  c.hypotheses = {
      "one layer: d = 5, s2 = 1/10, n_ft = 20, theta0 = e_1; two merged heads averaging P(10/13) with "
      "M_1 = (40/13) diag(e_1, e_2), v_1 = e_y / 2 and M_2 = (20/13) diag(e_3, e_4, e_5), v_2 = e_y",
      "exact optima in rationals (value rows) or double (every M_h); full fine-tuning by exact gradient "
      "descent in double",
      "two layers, exactly: d = 1 (d = 2 with --full), two separate heads per layer, s2 = 1/10, m = n_ft = 20, "
      "theta0 = e_1; BFGS and Newton on the exact population loss at fixed n, end points certified in 50 digits"};
  c.checks = {
      {"A.engine_one_head", "H-head engine = one-head engine in rationals (H = 1, three equal heads)",
       [su](const CheckContext& ctx) { return engine_one_head(su, ctx); }},
      {"A.engine_monte_carlo", "H-head engine = Monte Carlo (H = 2, 4; fixed task and sphere)",
       [su](const CheckContext& ctx) { return engine_monte_carlo(su, ctx); }},
      {"A.pretrain_heads_redundant", "P(gamma*) is the minimum over every T: heads are redundant",
       [su](const CheckContext& ctx) { return pretrain_redundant(su, ctx); }},
      {"A.value_only", "C4 with two asymmetric heads: value-only zero-shot fine-tuning keeps ICL",
       [su](const CheckContext& ctx) { return value_only(su, ctx); }},
      {"A.auxiliary_fewshot", "C5 with two asymmetric heads: the few-shot trade-off",
       [su](const CheckContext& ctx) { return auxiliary_fewshot(su, ctx); }},
      {"A.key_query", "C6 with two asymmetric heads: key-query few-shot fine-tuning memorizes theta0",
       [su](const CheckContext& ctx) { return key_query(su, ctx); }},
      {"A.full_zero_shot", "C2 with two asymmetric heads: full zero-shot fine-tuning erases ICL",
       [su](const CheckContext& ctx) { return full_zero_shot(su, ctx); }},
      {"A.learned_heads", "C2, C4, C5, C6 from two heads pretrained by SGD (exact fine-tuning optima and descent)",
       [su](const CheckContext& ctx) { return learned_heads(su, ctx); }},
      {"A.two_layers_pretrain", "two layers, exactly: the pretraining optimum at m = 20 against one layer's P(gamma*)",
       [su](const CheckContext& ctx) { return two_layers_pretrain(su, ctx); }},
      {"A.two_layers_value_only", "C4 with two layers, exactly: value-only zero-shot fine-tuning",
       [su](const CheckContext& ctx) { return two_layers_value_only(su, ctx); }},
      {"A.two_layers_full_zero_shot", "C2 with two layers, exactly: full zero-shot fine-tuning",
       [su](const CheckContext& ctx) { return two_layers_full_zero_shot(su, ctx); }},
      {"A.two_layers_auxiliary", "C5 with two layers, exactly: value-only on zs + fs",
       [su](const CheckContext& ctx) { return two_layers_auxiliary(su, ctx); }},
      {"A.two_layers_key_query", "C6 with two layers, exactly: kq, q and k few-shot fine-tuning",
       [su](const CheckContext& ctx) { return two_layers_key_query(su, ctx); }},
      {"A.two_layer_degree", "two layers: the degree of the prediction in the prompt",
       [su](const CheckContext& ctx) { return two_layer_degree(su, ctx); }},
  };
  return c;
}

// ---- mutants ----------------------------------------------------------------------------------

MutantCase arch_mutant(std::string name, void (*change)(ArchSetup&)) {
  return MutantCase{std::move(name), "A", [change] {
                      ArchSetup su;
                      change(su);
                      return claim_a(su);
                    }};
}

std::vector<MutantCase> claim_mutants() {
  return {
      arch_mutant("the one-head reference reads Q^T for Q", [](ArchSetup& s) { s.reference_transposed = true; }),
      arch_mutant("Monte Carlo sums the heads instead of averaging them",
                  [](ArchSetup& s) { s.mc_heads_summed = true; }),
      arch_mutant("pretrained gamma = m / (m + 1 + d) (the classical constant)",
                  [](ArchSetup& s) { s.classical_gamma = true; }),
      arch_mutant("fine-tuning on -theta0 for theta0", [](ArchSetup& s) { s.finetune_sign = -1; }),
      arch_mutant("the two-layer prediction read after the first layer", [](ArchSetup& s) { s.prediction_layer = 1; }),
      arch_mutant("the annealed limit minimizes the few-shot loss first", [](ArchSetup& s) { s.fewshot_first = true; }),
      arch_mutant("exact two-layer training drops layer 1's gradient",
                  [](ArchSetup& s) { s.two_layer_gradient_dropped = true; }),
  };
}

}  // namespace

ClaimFile a_architectures() {
  return {[] { return claim_a(ArchSetup{}); }, claim_mutants, [] { return std::vector<prove::Statement>{}; }};
}

}  // namespace icl::theorems
