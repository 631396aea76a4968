// The authors' comparison protocol for L layers x H heads (their regression/comparison.py; THEORY.md
// section 7): pretraining on fresh prompts, then the eight fine-tuning methods zs, both, zs_q,
// both_q, zs_k, both_k, zs_v, both_v from the pretrained model, each summarized per head
// scale-free and evaluated by its risk curves on theta0 and -theta0 (docs/training.md#comparison-protocol).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/arch.hpp"
#include "train/arch_sgd.hpp"
#include "train/summary.hpp"

namespace icl::train {

struct ArchProtocolOptions {
  int d = 5;
  int layers = 1, heads = 1;
  double x_std = 1, noise_std = 0.31622776601683794;  // sqrt(1/10)
  long shots = 20;                                    // m = n_ft
  long dataset_size_ft = 100000;
  Optimizer optimizer = Optimizer::Sgd;
  double lr = 0.01, beta1 = 0.9, beta2 = 0.9;  // SGD: momentum 0.9; Adam: betas (beta1, beta2)
  long steps_pretrain = 5000, steps_finetune = 5000, batch = 5000;
  std::uint64_t seed = 1;
  int threads = 1;
  long max_shots = 20;                      // risk curves n = 0..max_shots
  long eval_batch = 1000;                   // prompts per (n, task, test seed)
  int test_seeds = 5;                       // evaluation averaged over seeds 0..K-1
  Attention attention = Attention::Linear;  // softmax: every model of the run (model/softmax.hpp)

  // Risk curves from the exact engine (one layer of linear attention), else Monte Carlo.
  bool exact_risk() const { return layers == 1 && attention == Attention::Linear; }
};

// One point of a risk curve: the exact risk (se = 0), or the mean over the test seeds of the Monte Carlo
// risk and its standard error.
struct RiskPoint {
  double mean, se;
};

// The evaluation: prompts of x ~ N(0, x_std^2 I), y = theta.x + noise_std eps, n = 0..max_shots.
struct EvalOptions {
  double x_std = 1, noise_std = 0;
  long max_shots = 20;
  long samples = 1000;
  int test_seeds = 5;
  int threads = 1;
};

// Test seed k draws from sim::mc_risk with seed kEvalSeedBase + k (away from the training streams).
inline constexpr std::uint64_t kEvalSeedBase = std::uint64_t{1} << 63;

// The same model for x ~ N(0, I): with D_s = diag(1, s I_d, s), Q -> Q D_s, K -> K D_s,
// V -> D_s^{-1} V D_s turns a prompt Z' of unit covariates into the prediction for Z' D_s divided by s,
// so R(a; x_std = s, noise) = s^2 R(a'; 1, noise / s) exactly.
Arch<double> unit_covariates(const Arch<double>& a, double x_std);

// The risk of `a` on the task theta for n = 0..max_shots. THE one place that chooses the engine: exact
// for L = 1 (exact::arch_curve, se = 0), Monte Carlo (sim::mc_risk, the test seeds) for L >= 2 and
// for softmax attention.
std::vector<RiskPoint> arch_risk_curve(const Arch<double>& a, const Eigen::VectorXd& theta, const EvalOptions& opt);

// Scale-free summaries of head h of a layer of H heads: train::scale_free of (V_h / H, M_h), i.e. the
// head's share of the effective tensor T = (1/H) sum_h M_h (x) v_h (with L = 1 the gamma, b, Q00 a
// and kq of the heads add up to T's); invariant under V_h -> s V_h, Q_h -> t Q_h, K_h -> K_h / (s t).
ScaleFree<double> head_summary(const Head<double>& h, int heads, const Eigen::VectorXd& theta0);

struct ArchMethodResult {
  std::string name;    // "pretrained", "zs", "both", "zs_q", ...
  std::string trains;  // "all", "q", "k", "v"
  Arch<double> arch;
  double final_loss;                                    // last batch loss
  std::vector<std::vector<ScaleFree<double>>> summary;  // [layer][head]
  std::vector<RiskPoint> risk_target, risk_opposite;    // n = 0..max_shots, on theta0 and -theta0
  double seconds;
};

// Pretraining then the eight methods (theta0 = e_1); `progress` is told the runs done of 9.
std::vector<ArchMethodResult> run_arch_protocol(const ArchProtocolOptions& opt, const ProgressFn& progress = {});

}  // namespace icl::train
