// The whole paper protocol (THEORY.md section 6): SGD pretraining, then every fine-tuning method,
// each learned model summarized scale-free and compared with the point theory predicts from the
// pretrained parameters actually reached, through exact risk curves (docs/training.md#protocol).
#pragma once

#include <string>
#include <vector>

#include "train/sgd.hpp"
#include "train/summary.hpp"

namespace icl::train {

struct ProtocolOptions {
  int d = 5;
  double s2 = 0.1;
  long shots = 20;  // m = n_ft
  long steps_pretrain = 5000, steps_finetune = 5000, batch = 5000;
  std::uint64_t seed = 1;
  int threads = 1;
  long max_shots = 40;  // risk curves for n = 0..max_shots
  // > 0: also the LoRA methods lora_v, lora_qv (merged) and lora_qkv (separate) on zs and zs+fs, rank
  // lora_rank, alpha lora_alpha (0: 2 x rank), PEFT's init from `seed` (docs/beyond.md#lora-adapters).
  int lora_rank = 0;
  double lora_alpha = 0;
};

struct MethodResult {
  std::string name;    // "pretrained", "zs all", "zs+fs v", ..., "zs q (separate)"
  std::string theory;  // the predicted point, e.g. "F(c) c = 0.5531 (balance law)"; empty: none
  Point<double> point;
  ScaleFree<double> summary;
  double final_loss;  // last batch loss
  double conserved_start, conserved_end;
  std::vector<double> learned_target, learned_opposite;  // exact risk, n = 0..max_shots
  std::vector<double> theory_target, theory_opposite;    // empty without a theory point
  double distance;                                       // max |learned - theory| over both curves; NaN: none
  double seconds;
};

// Pretraining (merged and separate) then the ten fine-tuning runs (and the six LoRA runs when
// lora_rank > 0); `progress` is told the runs done.
std::vector<MethodResult> run_protocol(const ProtocolOptions& opt, const ProgressFn& progress = {});

}  // namespace icl::train
