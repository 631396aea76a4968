#include "report/sources.hpp"

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

const train::MethodResult& Sources::method(const std::string& name) {
  for (const auto& m : protocol())
    if (m.name == name) return m;
  throw std::logic_error("the protocol has no run named '" + name + "'");
}

}  // namespace icl::report
