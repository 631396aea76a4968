// Claim C7: the separate parameterization (V, Qsep, K). THEORY.md section 4: the same claims hold
// there and for Q-only and K-only updates; the predictor set is the same, the dynamics differ (C3's
// conserved quantity becomes the matrix balancedness of Qsep and K). Checked by training with the
// exact risk (the pieces of claim T, theorems/t_training.hpp); the separate optima are certified by
// claim H (H.*.separate). The mutants are training set-ups with one member changed.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "closed_form/closed_form.hpp"
#include "prove/proof.hpp"
#include "theorems/t_training.hpp"
#include "theorems/theorems.hpp"
#include "train/exact_trainers.hpp"

namespace icl::theorems {
namespace {

using namespace training;
using Setup = TrainingSetup;

// ---- checks -----------------------------------------------------------------------------------

Outcome c7_separate(const Setup& su, const CheckContext&) {
  const double gamma = 10.0 / 13;
  const Pt start = pretrained(gamma, Parameterization::Separate);
  std::string ev;
  const auto all =
      train::gradient_flow(zs_loss(su), start, coords(su, start, exact::Update::All), train::FlowOptions{});
  const auto s = summary(all.point);
  const double gap =
      curve_gap(all.point, [&](long n, Task t) { return closed_form::risk_full_ft(s.c, n, t, setting()); });
  bool ok = all.loss - 0.1 < 1e-12 && s.icl_block < 1e-6 && gap < 1e-6;
  ev += fmt::format(
      "separate (Qsep = I, K = 10/13 I): zs all (flow) -> zs risk - s2 {:.1e}, ICL block {:.1e}, c = {:.6f} "
      "(merged c* = {:.6f}), curve vs F(c) {:.1e}",
      all.loss - 0.1, s.icl_block, s.c, closed_form::c_star(gamma, kD), gap);
  const auto v = gd(su, zs_loss(su), start, exact::Update::Value, kValueLr, kValueSteps);
  const auto sv = summary(v.point);
  const double vgap = std::max(std::abs(sv.b - closed_form::beta_zero_shot<double>(kD)), std::abs(sv.w - gamma));
  ok = ok && vgap < 1e-8;
  ev += fmt::format("; zs v-only -> (b, w) gap to (1/(d+4), gamma) {:.1e}", vgap);
  double worst = 0;
  ev += "; " + against_optimum(su, fs_loss(su), start, exact::Update::Query, "q on fs", worst);
  ev += "; " + against_optimum(su, fs_loss(su), start, exact::Update::Key, "k on fs", worst);
  ok = ok && worst < 1e-6;
  return {ok ? Verdict::Pass : Verdict::Fail, ev};
}

Claim claim_c7(const TrainingSetup& su) {
  Claim c;
  c.id = "C7";
  c.title = "The separate parameterization reaches the same end predictors";
  c.statement =
      "In the separate parameterization (V, Qsep, K), predicting through Qsep^T K, training from P(gamma) (Qsep = I, "
      "K = gamma I) ends at the predictors of the merged claims: zero-shot training of all parameters at a "
      "zero-shot-optimal F(c) with the ICL block erased (its c is not the merged c*: the conserved quantity is the "
      "matrix balancedness of Qsep and K, not ||Q||^2 - ||v||^2), value-only training at (theta0/(d+4), gamma), and "
      "few-shot Q-only and K-only training at the exact masked optimum.";
  c.hypotheses = {"d = 5, s2 = 1/10, n_ft = 20, theta0 = e_1, start Qsep = I, K = 10/13 I",
                  "exact gradient flow and gradient descent on the exact risk"};
  c.checks = {
      {"C7.separate", "separate parameterization: same end predictors (zs all, v, q, k)",
       [su](const CheckContext& ctx) { return c7_separate(su, ctx); }},
  };
  return c;
}

// ---- mutants ----------------------------------------------------------------------------------

MutantCase separate_mutant(std::string name, void (*change)(TrainingSetup&)) {
  return setup_mutant("C7", std::move(name), claim_c7, change);
}

std::vector<MutantCase> c7_mutants() {
  using U = exact::Update;
  return {
      separate_mutant("updates 'q' and 'k' swapped (separate parameterization)",
                      [](TrainingSetup& s) { s.coordinates = remapped(U::Query, U::Key, true); }),
      separate_mutant("update 'v' trains all of (V, Qsep, K)",
                      [](TrainingSetup& s) { s.coordinates = remapped(U::Value, U::All, false); }),
      separate_mutant("update 'all' trains Qsep and K only (the value row dropped)",
                      [](TrainingSetup& s) { s.coordinates = remapped(U::All, U::KeyQuery, false); }),
      separate_mutant("training losses with the noise level s2 = 0 for 1/10", [](TrainingSetup& s) { s.loss_s2 = 0; }),
  };
}

}  // namespace

ClaimFile c7_separate() {
  return {[] { return claim_c7(TrainingSetup{}); }, c7_mutants, [] { return std::vector<prove::Statement>{}; }};
}

}  // namespace icl::theorems
