// What every trainer shares: the loss at step t (the few-shot weight may be annealed), the
// conserved quantity of claim C3, divergence, and the loss history (docs/training.md).
#pragma once

#include <fmt/format.h>

#include <cmath>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "exact/objective.hpp"

namespace icl::train {

// A loss with fixed terms and at most one annealed term, whose weight at step t of T is
// (T - 1 - t) / (T - 1): 1 at the first step, 0 at the last (THEORY.md section 6).
template <class T>
struct Schedule {
  exact::Objective<T> fixed;
  std::optional<exact::LossTerm<T>> annealed;

  static T annealed_weight(long t, long steps) { return steps <= 1 ? T(0) : T(steps - 1 - t) / T(steps - 1); }

  exact::Objective<T> at(long t, long steps) const {
    exact::Objective<T> obj = fixed;
    if (annealed) obj.terms.push_back({T(annealed->weight * annealed_weight(t, steps)), annealed->n, annealed->task});
    return obj;
  }

  template <class S>
  Schedule<S> cast() const {
    Schedule<S> out{fixed.template cast<S>(), std::nullopt};
    if (annealed)
      out.annealed = exact::LossTerm<S>{S(annealed->weight), annealed->n, annealed->task.template cast<S>()};
    return out;
  }
};

// A run whose loss or gradient became NaN/Inf or exploded. `step` counts from 1: the update
// whose starting loss was bad (0: the starting point itself).
struct DivergenceError : std::runtime_error {
  DivergenceError(long s, const std::string& what) : std::runtime_error(what), step(s) {}
  long step;
};

// Loss above this factor times (1 + starting loss) counts as exploding.
inline constexpr double kExplodeFactor = 1e8;

inline void check_finite(double loss, double grad_norm2, double start_loss, long step) {
  if (!std::isfinite(loss) || !std::isfinite(grad_norm2))
    throw DivergenceError(step, fmt::format("diverged at step {}: loss {} gradient norm^2 {}", step, loss, grad_norm2));
  if (loss > kExplodeFactor * (1 + std::abs(start_loss)))
    throw DivergenceError(
        step, fmt::format("diverged at step {}: loss {:.6g} exploded (started at {:.6g})", step, loss, start_loss));
}

// ||Q||_F^2 - ||v||^2 (merged; v = the value row): conserved by gradient flow on a loss that is
// bilinear in (Q, v) when both are updated. Separate: ||Qsep||_F^2 - ||v||^2 (conserved with all
// of Qsep, K, v updated, like ||K||_F^2 - ||v||^2).
template <class T>
T conserved(const Point<T>& p) {
  const T v2 = p.V().row(p.D() - 1).squaredNorm();
  return T(p.blocks[block::Q].squaredNorm() - v2);
}

template <class T>
struct HistoryEntry {
  long step;    // updates done (GD, SGD) or right-hand-side evaluations (flow)
  double time;  // flow time (GD: step * lr)
  T loss;       // exact loss (SGD: the batch loss)
  T conserved;  // conserved(point)
};

template <class T>
struct TrainResult {
  Point<T> point;
  T loss{};                // exact loss at the end (SGD: last batch loss)
  T grad_norm{};           // exact gradient norm at the end (SGD: 0, not computed)
  long steps = 0;          // updates (GD, SGD); accepted steps (flow)
  long evaluations = 0;    // gradient evaluations
  double time = 0;         // flow time reached (GD: steps * lr)
  bool converged = false;  // flow: gradient norm below the tolerance
  std::vector<HistoryEntry<T>> history;
  Vec<T> x;  // exact trainers: the trained numbers at the end (their field's layout)
};

// At most `keep` entries, evenly spread, the last step always included.
inline bool history_due(long step, long total, long keep) {
  if (step == total || step == 0) return true;
  const long every = std::max(1L, total / std::max(1L, keep - 1));
  return step % every == 0;
}

// A callback told (done, total) now and then; empty: none.
using ProgressFn = std::function<void(double done, double total)>;

}  // namespace icl::train
