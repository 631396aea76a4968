// The authors' stochastic protocol for L layers x H heads with separate V, Q, K per head (THEORY.md
// section 7; model/arch.hpp): the batch loss and its exact gradient by hand-written backpropagation,
// SGD with momentum or Adam, global-norm clipping over the trained blocks, on the prompts of
// stochastic.hpp (seeded and bit-identical for any thread count, the same prompts as sgd.hpp's one
// head for the same seed). docs/training.md#multi-head-multi-layer-training.
//
// Backpropagation. Every layer maps Z -> Z W, W = I + c sum_h M_h S V_h^T, S = Z^T Z, c = 1/(H N),
// M_h = Q_h^T K_h. The prediction depends on the prompt only through S_0 = Z_0^T Z_0 and the query
// row r_0 = z_q: S_{l+1} = W_l^T S_l W_l, r_{l+1} = W_l^T r_l, yhat = r_{L-1} . W_{L-1} e_{D-1}. So
// after S_0 (O(N D^2)) a prompt costs O(H D^3) per layer, the last layer O(H D^2). With G_W = dL/dW:
//   dL/dM_h = c G_W V_h S^T,  dL/dV_h = c G_W^T M_h S,  dL/dS (through W) = c sum_h M_h^T G_W V_h,
//   S' = W^T S W: G_W += S W (G_S' + G_S'^T), dL/dS += W G_S' W^T;  r' = W^T r: G_W += r G_r'^T,
//   dL/dr = W G_r';  then dL/dQ_h = K_h (dL/dM_h)^T, dL/dK_h = Q_h dL/dM_h (summed over the batch).
// This is the Z-form of the chain rule (dL/dZ = G W^T + Z (dL/dS + dL/dS^T)) contracted with Z_0.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/arch.hpp"
#include "train/schedule.hpp"
#include "train/sgd.hpp"

namespace icl::train {

// Which blocks of every head a run trains (comparison.py's suffixes "", _q, _k, _v).
enum class ArchUpdate { All, Q, K, V };
const char* arch_update_name(ArchUpdate u);  // "all", "q", "k", "v"

struct ArchProblem {
  int d = 5;
  double x_std = 1;      // x ~ N(0, x_std^2 I)
  double noise_std = 0;  // y = theta.x + noise_std eps
  SgdLoss loss = SgdLoss::Pretrain;
  long shots = 20;         // m (pretraining) or n_ft (the few-shot term and the prompts drawn)
  Eigen::VectorXd theta0;  // the fine-tuning task
  long pool = 100000;      // fine-tuning pairs (comparison.py's dataset_size_ft)
  ArchUpdate update = ArchUpdate::All;
};

// Entries i.i.d. N(0, scale^2) from the pcg64 stream (seed, 2^62), layer by layer, head by head, V,
// then Q, then K (with L = H = 1 the same matrices as random_init(Separate, ...)).
Arch<double> random_arch(int layers, int heads, int d, double scale, std::uint64_t seed);

// The fine-tuning pool of a problem (opt.seed, as sgd.hpp's finetune_pool).
Eigen::MatrixXd arch_pool(const ArchProblem& pb, std::uint64_t seed);

// Gradients in the shape of the parameters: grad.layers[l][h] = {dL/dV, dL/dQ, dL/dK}.
struct ArchGradient {
  double loss = 0;
  Arch<double> grad;
};

// How the backpropagation runs; `through_gram = false` drops the path through S (the mutant the
// gradient test must catch); for softmax attention `max_shift = false` drops the max shift of the
// softmax and `divide_by_rows = true` divides it by N (the mutants tests/test_softmax.cpp catches).
// Never used outside tests.
struct BackpropOptions {
  bool through_gram = true;
  bool max_shift = true;
  bool divide_by_rows = false;
};

// One prompt Z (N x D, the query last with label slot 0) with query label y: the loss (yhat - y)^2
// and its gradient (linear or softmax attention, as a.attention says).
ArchGradient arch_prompt_gradient(const Arch<double>& a, const Eigen::MatrixXd& Z, double y,
                                  const BackpropOptions& bp = {});

// The batch loss of step t at `a` (the prompts training step t draws; `pool` as arch_pool) and its
// gradient, every block (trained or not).
ArchGradient arch_batch_gradient(const ArchProblem& pb, const Arch<double>& a, const SgdOptions& opt, long t,
                                 const Eigen::MatrixXd* pool);

struct ArchTrainResult {
  Arch<double> arch;
  double loss = 0;  // the last batch loss
  long steps = 0;
  std::vector<HistoryEntry<double>> history;  // conserved: 0 (none tracked)
};

// The run (opt.momentum is Adam's beta1). Throws DivergenceError naming the step, and
// std::invalid_argument on merged heads or a start whose d is not pb.d.
ArchTrainResult arch_train(const ArchProblem& pb, const Arch<double>& start, const SgdOptions& opt,
                           const ProgressFn& progress = {});

}  // namespace icl::train
