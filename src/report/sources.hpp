// The expensive inputs of the appendix, computed once per run and shared by the tables and figures
// that need them: the authors' SGD protocol (learned models) and the theorem checks (verdicts).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "train/protocol.hpp"
#include "verify/check.hpp"

namespace icl::report {

// Sizes of one run. fast: small training runs and Monte Carlo samples (the whole report in well
// under 2 minutes on 2 cores); otherwise the paper's sizes (THEORY.md section 6).
struct Budget {
  bool fast = false;
  std::uint64_t seed = 1;
  int threads = 1;
  long long mc_samples() const { return fast ? 4000 : 100000; }  // per Monte Carlo point of a figure
  train::ProtocolOptions protocol() const;
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

 private:
  Budget budget_;
  train::ProgressFn progress_;
  std::optional<std::vector<train::MethodResult>> protocol_;
  std::optional<std::vector<CheckResult>> verdicts_;
};

}  // namespace icl::report
