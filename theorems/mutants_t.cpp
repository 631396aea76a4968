// The mutants of claim T (training): the claim built with a wrong trainer set-up, one member
// changed each (theorems/t_training.hpp). Instantiated in their own translation unit.
#include <utility>

#include "theorems/t_training.hpp"
#include "theorems/theorems.hpp"

namespace icl::theorems {
namespace {

template <class Change>
MutantCase training_mutant(std::string name, Change change) {
  TrainingSetup setup;
  change(setup);
  return {std::move(name), "T", [setup] { return claim_training(setup); }};
}

// exact::coordinates with `from` replaced by `to` (and `to` by `from` when `swap`).
TrainingSetup::Coordinates remapped(exact::Update from, exact::Update to, bool swap) {
  return [=](Parameterization kind, int D, exact::Update u) {
    if (u == from) return exact::coordinates(kind, D, to);
    if (swap && u == to) return exact::coordinates(kind, D, from);
    return exact::coordinates(kind, D, u);
  };
}

}  // namespace

std::vector<MutantCase> mutant_cases_training() {
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
      training_mutant("updates 'q' and 'k' swapped (separate parameterization)",
                      [](TrainingSetup& s) { s.coordinates = remapped(U::Query, U::Key, true); }),
  };
}

}  // namespace icl::theorems
