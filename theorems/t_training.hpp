// The set-up claims T and C7 build their trainers with, and the training pieces their checks share
// (theorems/t_training.cpp, theorems/c7_separate.cpp). The defaults are the production run (the
// authors' protocol, THEORY.md section 6); each mutant changes one member, so that every check is
// shown able to fail. No global state: a claim is built with a set-up and its checks capture it.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "closed_form/setting.hpp"
#include "exact/objective.hpp"
#include "train/schedule.hpp"
#include "train/sgd.hpp"
#include "train/summary.hpp"
#include "verify/check.hpp"
#include "verify/selftest.hpp"

namespace icl::theorems {

struct TrainingSetup {
  // The SGD protocol's optimizer: lr 0.01, momentum 0.9, clip 1 (steps, batch, seed and threads
  // are set by the check from its context).
  train::SgdOptions sgd{};
  // The annealed few-shot weight of step t is the schedule's weight of step t - anneal_lag.
  long anneal_lag = 0;
  // The noise level s2 of every training loss (the exact optima are solved at 1/10 and refuse another).
  double loss_s2 = 0.1;
  // The coordinates an update trains.
  using Coordinates = std::function<std::vector<exact::Coordinate>(Parameterization, int, exact::Update)>;
  Coordinates coordinates = exact::coordinates;
  // The quantity gradient flow conserves (claim C3): ||Q||_F^2 - ||v||^2.
  std::function<double(const Point<double>&)> conserved = train::conserved<double>;
};

// A mutant of a claim built with a TrainingSetup: the production set-up with one member changed.
template <class Change>
MutantCase setup_mutant(std::string claim, std::string name, Claim (*build)(const TrainingSetup&), Change change) {
  TrainingSetup setup;
  change(setup);
  return {std::move(name), std::move(claim), [setup, build] { return build(setup); }};
}

// exact::coordinates with `from` replaced by `to` (and `to` by `from` when `swap`).
TrainingSetup::Coordinates remapped(exact::Update from, exact::Update to, bool swap);

namespace training {

using Pt = Point<double>;

// The paper's setting: d = 5, s2 = 1/10, theta0 = e_1; exact GD of value-only updates.
inline constexpr int kD = 5;
inline constexpr double kValueLr = 0.02;
inline constexpr long kValueSteps = 4000;

Setting<double> setting(int d = kD);
// P(gamma) with value e_y; separate: Qsep = I, K = gamma I.
Pt pretrained(double gamma, Parameterization kind = Parameterization::Merged, int d = kD);
// The zero-shot and the n_ft = 20-shot loss on theta0 at the set-up's noise level.
exact::Objective<double> zs_loss(const TrainingSetup& su);
exact::Objective<double> fs_loss(const TrainingSetup& su);
// The coordinates `update` trains under the set-up.
std::vector<exact::Coordinate> coords(const TrainingSetup& su, const Pt& p, exact::Update update);
// Exact gradient descent over the coordinates of `update`.
train::TrainResult<double> gd(const TrainingSetup& su, const exact::Objective<double>& loss, const Pt& start,
                              exact::Update update, double lr, long steps);
train::ScaleFree<double> summary(const Pt& p);
// max over n = 0..40 and the tasks +-theta0 of |exact risk of p - theory(n, task)|.
double curve_gap(const Pt& p, const std::function<double(long, Task)>& theory);
// Gradient flow over `update` on `loss` against the exact masked optimum nearest the start (the
// worst block gap is folded into `worst`); the evidence text.
std::string against_optimum(const TrainingSetup& su, const exact::Objective<double>& loss, const Pt& start,
                            exact::Update update, const char* name, double& worst);

}  // namespace training

}  // namespace icl::theorems
