#include "sim/monte_carlo.hpp"

#include <fmt/format.h>

#include <atomic>
#include <cmath>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/interrupt.hpp"
#include "core/number.hpp"

namespace icl::sim {
namespace {

// Welford's running statistics, combined pairwise with Chan's formula.
struct Stats {
  long long count = 0;
  double mean = 0;
  double m2 = 0;

  void add(double x) {
    ++count;
    const double delta = x - mean;
    mean += delta / static_cast<double>(count);
    m2 += delta * (x - mean);
  }
  void merge(const Stats& o) {
    if (o.count == 0) return;
    const long long total = count + o.count;
    const double delta = o.mean - mean;
    mean += delta * static_cast<double>(o.count) / static_cast<double>(total);
    m2 += o.m2 + delta * delta * static_cast<double>(count) * static_cast<double>(o.count) / static_cast<double>(total);
    count = total;
  }
};

// The sample statistics of (y_q - predict(Z))^2 over prompts of n shots; `predict` must be safe to
// call from several threads at once.
template <class Predict>
McEstimate mc_squared_error(int d, const TaskSpec& task, long n, double s2, const McOptions& opt,
                            const Predict& predict) {
  if (opt.samples < 2) throw std::invalid_argument("Monte Carlo needs at least 2 samples");
  if (n < 0) throw std::invalid_argument("shots must be >= 0");
  if (task.theta && task.theta->size() != d) throw std::invalid_argument("task vector has the wrong dimension");
  if (!(s2 >= 0)) throw std::invalid_argument("noise variance must be >= 0");

  const long long blocks = (opt.samples + kBlock - 1) / kBlock;
  std::vector<Stats> per_block(static_cast<std::size_t>(blocks));
  std::atomic<long long> next{0};
  auto worker = [&] {
    PromptSampler sampler(d, n, s2);
    Eigen::MatrixXd Z;
    for (long long b = next++; b < blocks && !interrupt_requested(); b = next++) {
      Engine rng = block_engine(opt.seed, static_cast<std::uint64_t>(b));
      sampler.reset();
      const long long count = std::min(kBlock, opt.samples - b * kBlock);
      Stats s;
      for (long long i = 0; i < count; ++i) {
        const double y = sampler.draw(rng, task, Z);
        const double e = y - predict(Z);
        s.add(e * e);
      }
      per_block[static_cast<std::size_t>(b)] = s;
    }
  };
  const int threads = std::max(1, std::min<int>(opt.threads, static_cast<int>(blocks)));
  {
    std::vector<std::jthread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
    worker();
  }
  poll_interrupt();
  Stats total;
  for (const auto& s : per_block) total.merge(s);
  const double var = total.m2 / static_cast<double>(total.count - 1);
  const McEstimate e{total.mean, std::sqrt(var / static_cast<double>(total.count)), total.count};
  if (!std::isfinite(e.mean) || !std::isfinite(e.se))
    throw InputError(fmt::format(
        "Monte Carlo at n = {}: the squared errors overflow double precision (parameter entries too large for "
        "double, such as 1e300); the exact engine (--exact or --digits K) evaluates such a model",
        n));
  return e;
}

}  // namespace

McEstimate mc_risk(const MergedParams<double>& p, const TaskSpec& task, long n, double s2, const McOptions& opt,
                   Convention conv) {
  validate_shape(p);
  if (conv == Convention::Classical && n == 0) throw std::invalid_argument("the classical convention needs n >= 1");
  return mc_squared_error(p.d(), task, n, s2, opt, [&](const Eigen::MatrixXd& Z) { return predict(p, Z, conv); });
}

McEstimate mc_risk(const Arch<double>& a, const TaskSpec& task, long n, double s2, const McOptions& opt) {
  validate_arch(a);
  return mc_squared_error(a.d(), task, n, s2, opt, [&](const Eigen::MatrixXd& Z) { return arch_predict(a, Z); });
}

double z_score(const McEstimate& e, double exact) {
  const double diff = e.mean - exact;
  if (e.se == 0) return diff == 0 ? 0.0 : std::copysign(INFINITY, diff);
  return diff / e.se;
}

}  // namespace icl::sim
