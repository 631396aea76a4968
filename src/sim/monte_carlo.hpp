// Monte Carlo risk of any merged parameters: the independent cross-check of every closed form.
#pragma once

#include <cstdint>

#include "model/arch.hpp"
#include "model/predict.hpp"
#include "sim/sampler.hpp"

namespace icl::sim {

struct McOptions {
  long long samples = 100000;
  std::uint64_t seed = 1;
  int threads = 1;
};

// The options of one shot count n on a curve: each n its own seed (seed + 1000003 n), so that adding
// an n to a curve does not change the others.
inline McOptions at_shots(McOptions opt, long n) {
  opt.seed += 1000003ULL * static_cast<std::uint64_t>(n);
  return opt;
}

// Sample mean of (y_q - yhat)^2 and its standard error sqrt(var / samples).
struct McEstimate {
  double mean;
  double se;
  long long samples;
};

// Samples are split into fixed blocks of kBlock prompts; block b uses stream (seed, b), and the
// per-block statistics are combined in block order, so the result is bit-identical for any
// number of threads.
inline constexpr long long kBlock = 2048;

McEstimate mc_risk(const MergedParams<double>& p, const TaskSpec& task, long n, double s2, const McOptions& opt,
                   Convention conv = Convention::QueryIncluded);

// The same for L layers and H heads (model/arch.hpp), the same prompts for the same seed.
McEstimate mc_risk(const Arch<double>& a, const TaskSpec& task, long n, double s2, const McOptions& opt);

// (mean - exact) / se; 0 when both agree exactly with se = 0.
double z_score(const McEstimate& e, double exact);

}  // namespace icl::sim
