// Claim T's set-up: what the claim builds its trainers with. The defaults are the production run
// (the authors' protocol, THEORY.md section 6); each mutant of theorems/mutants_t.cpp changes one
// member, so that every check of T is shown able to fail. No global state: the claim is built
// with a set-up and its checks capture it.
#pragma once

#include <functional>
#include <vector>

#include "exact/objective.hpp"
#include "train/schedule.hpp"
#include "train/sgd.hpp"
#include "verify/check.hpp"

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

Claim claim_training(const TrainingSetup& setup);

}  // namespace icl::theorems
