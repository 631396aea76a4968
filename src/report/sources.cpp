#include "report/sources.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "theorems/theorems.hpp"

namespace icl::report {

train::ProtocolOptions Budget::protocol() const {
  train::ProtocolOptions o;  // the paper's sizes by default
  if (fast) {
    o.steps_pretrain = 600;  // the sizes of claim T's fast SGD check
    o.steps_finetune = 2000;
    o.batch = 1000;
  }
  o.seed = seed;
  o.threads = threads;
  return o;
}

std::string ArchConfig::stem() const { return fmt::format("comparison-h{}-l{}-{}", heads, layers, optimizer_name()); }

const std::vector<ArchConfig>& report_arch_configs() {
  static const std::vector<ArchConfig> configs = [] {
    std::vector<ArchConfig> out;
    for (auto optimizer : {train::Optimizer::Sgd, train::Optimizer::Adam})
      for (int layers : {1, 2})
        for (int heads : {1, 2, 4}) out.push_back({heads, layers, optimizer});
    return out;
  }();
  return configs;
}

train::ArchProtocolOptions Budget::comparison(const ArchConfig& c) const {
  train::ArchProtocolOptions o;  // comparison.py's settings, smaller sizes
  o.heads = c.heads;
  o.layers = c.layers;
  o.optimizer = c.optimizer;
  o.steps_pretrain = arch_steps_pretrain > 0 ? arch_steps_pretrain : fast ? 200 : 500;
  o.steps_finetune = arch_steps_finetune > 0 ? arch_steps_finetune : fast ? 200 : 500;
  o.batch = arch_batch > 0 ? arch_batch : fast ? 500 : 1000;
  o.test_seeds = fast ? 2 : 5;  // Monte Carlo evaluation (L >= 2): test seeds x prompts per n and task
  o.eval_batch = arch_eval_batch > 0 ? arch_eval_batch : 1000;
  o.seed = seed;
  o.threads = threads;
  return o;
}

CheckContext Budget::checks() const {
  CheckContext c;
  c.threads = threads;
  c.full = !fast;
  return c;
}

Sources::Sources(Budget budget, train::ProgressFn progress) : budget_(budget), progress_(std::move(progress)) {}

const std::vector<train::MethodResult>& Sources::protocol() {
  if (!protocol_) protocol_ = train::run_protocol(budget_.protocol(), progress_);
  return *protocol_;
}

const std::vector<CheckResult>& Sources::verdicts() {
  if (!verdicts_) verdicts_ = run_checks(theorems::all_claims(), {}, budget_.checks());
  return *verdicts_;
}

const std::vector<train::ArchMethodResult>& Sources::comparison(const ArchConfig& c) {
  auto it = comparisons_.find(c.key());
  if (it == comparisons_.end())
    it = comparisons_.emplace(c.key(), train::run_arch_protocol(budget_.comparison(c), progress_)).first;
  return it->second;
}

const train::MethodResult& Sources::method(const std::string& name) {
  for (const auto& m : protocol())
    if (m.name == name) return m;
  throw std::logic_error("the protocol has no run named '" + name + "'");
}

}  // namespace icl::report
