// The expensive inputs of the appendix, computed once per run and shared by the tables and figures
// that need them: the authors' SGD protocol (learned models) and the theorem checks (verdicts).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "train/arch_protocol.hpp"
#include "train/protocol.hpp"
#include "verify/check.hpp"

namespace icl::report {

// One configuration of the authors' comparison protocol (L layers x H heads, SGD or Adam).
struct ArchConfig {
  int heads = 1, layers = 1;
  train::Optimizer optimizer = train::Optimizer::Sgd;
  auto key() const { return std::tuple(heads, layers, optimizer); }
  const char* optimizer_name() const { return optimizer == train::Optimizer::Adam ? "adam" : "sgd"; }
  // The file stem of its comparison figure in a report, "comparison-h2-l1-sgd".
  std::string stem() const;
};

// The configurations of the report's architectures section: H in {1, 2, 4}, L in {1, 2}, SGD, Adam.
const std::vector<ArchConfig>& report_arch_configs();

// Sizes of one run. fast: small training runs and Monte Carlo samples (the whole report in well
// under 2 minutes on 2 cores); otherwise the paper's sizes (THEORY.md section 6).
struct Budget {
  bool fast = false;
  std::uint64_t seed = 1;
  int threads = 1;
  // The comparison protocol's sizes (0: the budget's own, see comparison()); `arch` is the configuration
  // of `figure comparison`.
  long arch_steps_pretrain = 0, arch_steps_finetune = 0, arch_batch = 0, arch_eval_batch = 0;
  ArchConfig arch{};
  long long mc_samples() const { return fast ? 4000 : 100000; }  // per Monte Carlo point of a figure
  train::ProtocolOptions protocol() const;
  // The comparison protocol of `c`: pretraining and fine-tuning steps, prompts/step and Monte Carlo
  // evaluation (L >= 2) small enough for the 12 configurations of a report (docs/report.md).
  train::ArchProtocolOptions comparison(const ArchConfig& c) const;
  CheckContext checks() const;
};

class Sources {
 public:
  explicit Sources(Budget budget, train::ProgressFn progress = {});
  const Budget& budget() const { return budget_; }
  // The protocol's runs, in its order ("pretrained (merged)", ..., "zs+fs k (separate)").
  const std::vector<train::MethodResult>& protocol();
  // Every check of every claim (`iclverify check`; with --full when not fast).
  const std::vector<CheckResult>& verdicts();
  // The run named `name`; throws std::logic_error if the protocol has none.
  const train::MethodResult& method(const std::string& name);
  // The comparison protocol of `c` (pretrained, then zs, both, zs_q, ..., both_v), run once per `c`.
  const std::vector<train::ArchMethodResult>& comparison(const ArchConfig& c);

 private:
  Budget budget_;
  train::ProgressFn progress_;
  std::optional<std::vector<train::MethodResult>> protocol_;
  std::optional<std::vector<CheckResult>> verdicts_;
  std::map<std::tuple<int, int, train::Optimizer>, std::vector<train::ArchMethodResult>> comparisons_;
};

}  // namespace icl::report
