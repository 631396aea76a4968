// The authors' stochastic protocol (THEORY.md section 6): minibatch SGD with momentum (or Adam)
// and global-norm clipping on sampled prompts. Pretraining draws fresh prompts with theta uniform
// on the sphere; fine-tuning draws prompts with replacement from a fixed pool of (x, y) pairs of
// theta0. Only the query row of the layer's output is computed (the prediction). Seeded and
// bit-identical for any thread count (docs/training.md#reproducibility).
#pragma once

#include <cstdint>
#include <optional>

#include "exact/objective.hpp"
#include "lora/adapter.hpp"
#include "model/point.hpp"
#include "train/schedule.hpp"

namespace icl::train {

enum class Optimizer { Sgd, Adam };

// Which loss a stochastic run minimizes.
enum class SgdLoss {
  Pretrain,  // R(m shots) on fresh prompts, theta uniform on the sphere
  ZeroShot,  // the query token alone, from the fine-tuning pool
  ZeroFew,   // zero-shot + few-shot with the few-shot weight annealed from 1 to 0
};

struct SgdProblem {
  int d = 5;
  double s2 = 0.1;
  SgdLoss loss = SgdLoss::Pretrain;
  long shots = 20;         // m (pretraining) or n_ft (few-shot term)
  Eigen::VectorXd theta0;  // the fine-tuning task (fine-tuning losses)
  long pool = 100000;      // fixed fine-tuning pairs
  exact::Update update = exact::Update::All;
};

struct SgdOptions {
  Optimizer optimizer = Optimizer::Sgd;
  double lr = 0.01;
  double momentum = 0.9;
  double clip = 1.0;                 // global gradient norm; <= 0: no clipping
  double beta2 = 0.999, eps = 1e-8;  // Adam (beta1 = momentum)
  long steps = 5000;
  long batch = 5000;
  std::uint64_t seed = 1;
  int threads = 1;
  long history = 21;
};

// Prompts of one step are split into fixed blocks of kPromptBlock; block b of step t draws from
// the pcg64 stream (seed, t * 2^20 + b); block sums are added in block order.
inline constexpr long kPromptBlock = 250;

// Entries i.i.d. N(0, scale^2) from the pcg64 stream (seed, 2^62): the authors' initialization.
Point<double> random_init(Parameterization kind, int d, double scale, std::uint64_t seed);

// The fine-tuning pool: `size` pairs (x, theta0.x + eps), from the pcg64 stream (seed, 2^62 + 1).
// Row i = (x_i, y_i).
Eigen::MatrixXd finetune_pool(const Eigen::VectorXd& theta0, double s2, long size, std::uint64_t seed);

// The run. Throws DivergenceError (naming the step) on a NaN/Inf or exploding batch loss.
TrainResult<double> sgd_train(const SgdProblem& problem, const Point<double>& start, const SgdOptions& opt,
                              const ProgressFn& progress = {});

// The same protocol through LoRA adapters (src/lora): the optimizer (momentum or Adam, clipping over
// all factors) moves the factors A, B of `adapters` by the chain rule of the batch gradient in W;
// the base is frozen (problem.update is ignored). `adapters` ends holding the learned factors; the
// result's point is the merged W.
TrainResult<double> sgd_train_lora(const SgdProblem& problem, lora::Adapted<double>& adapters, const SgdOptions& opt,
                                   const ProgressFn& progress = {});

}  // namespace icl::train
