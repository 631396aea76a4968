// The mechanism every stochastic trainer shares (sgd.cpp: one head; arch_sgd.cpp: L layers x H
// heads): the prompts (fresh, or drawn with replacement from the fine-tuning pool), the seeded
// blocks of a step run on any number of threads and summed in block order, and the update loop
// (global-norm clipping over the trained blocks, PyTorch's SGD with momentum or Adam, divergence,
// history). docs/training.md#reproducibility.
#pragma once

#include <Eigen/Dense>
#include <algorithm>
#include <atomic>
#include <boost/random/normal_distribution.hpp>
#include <cmath>
#include <cstdint>
#include <pcg_random.hpp>
#include <thread>
#include <vector>

#include "core/interrupt.hpp"
#include "train/schedule.hpp"
#include "train/sgd.hpp"

namespace icl::train::stochastic {

using Engine = pcg64;

// The data of a prompt: x ~ N(0, x_std^2 I), y = theta.x + noise_std * eps (the authors' data.py).
struct DataLaw {
  double x_std = 1;
  double noise_std = 0;
};

// Draws prompts into a row-major buffer z of n + 1 tokens (1, x, y), the query last with its label
// slot 0; returns the query's label. The pool (row i = (x_i, y_i)) serves fine-tuning prompts.
class PromptSource {
 public:
  PromptSource(int d, long max_shots, DataLaw law, const Eigen::MatrixXd* pool)
      : d_(d),
        D_(d + 2),
        law_(law),
        pool_(pool),
        z(static_cast<std::size_t>((max_shots + 1) * (d + 2))),
        theta_(static_cast<std::size_t>(d)) {}

  // Called at the start of every block: no cached normal survives from another block.
  void reset() { normal_.reset(); }

  // Fresh pretraining prompt of n shots: theta uniform on the sphere.
  double fresh(Engine& rng, long n) {
    double norm2 = 0;
    for (int i = 0; i < d_; ++i) {
      theta_[static_cast<std::size_t>(i)] = normal_(rng);
      norm2 += theta_[static_cast<std::size_t>(i)] * theta_[static_cast<std::size_t>(i)];
    }
    const double inv = 1 / std::sqrt(norm2);
    double yq = 0;
    for (long s = 0; s <= n; ++s) {
      double* t = &z[static_cast<std::size_t>(s * D_)];
      t[0] = 1;
      double y = 0;
      for (int i = 0; i < d_; ++i) {
        t[1 + i] = law_.x_std * normal_(rng);
        y += theta_[static_cast<std::size_t>(i)] * t[1 + i];
      }
      y = y * inv + law_.noise_std * normal_(rng);
      t[D_ - 1] = s < n ? y : 0.0;
      if (s == n) yq = y;
    }
    return yq;
  }

  // n + 1 pairs drawn with replacement from the pool; the last is the query.
  double from_pool(Engine& rng, long n) {
    const auto size = static_cast<std::uint64_t>(pool_->rows());
    double yq = 0;
    for (long s = 0; s <= n; ++s) {
      const auto r = static_cast<Eigen::Index>(rng(size));
      double* t = &z[static_cast<std::size_t>(s * D_)];
      t[0] = 1;
      for (int i = 0; i < d_; ++i) t[1 + i] = (*pool_)(r, i);
      const double y = (*pool_)(r, d_);
      t[D_ - 1] = s < n ? y : 0.0;
      if (s == n) yq = y;
    }
    return yq;
  }

  double draw(Engine& rng, bool pretrain, long n) { return pretrain ? fresh(rng, n) : from_pool(rng, n); }

 private:
  int d_, D_;
  DataLaw law_;
  const Eigen::MatrixXd* pool_;

 public:
  std::vector<double> z;  // (n + 1) x D, row-major

 private:
  std::vector<double> theta_;
  boost::random::normal_distribution<double> normal_;
};

// The pool of `size` pairs (x, theta0.x + noise) from the pcg64 stream (seed, 2^62 + 1).
inline Eigen::MatrixXd pool(const Eigen::VectorXd& theta0, DataLaw law, long size, std::uint64_t seed) {
  Engine rng(seed, (std::uint64_t{1} << 62) + 1);
  boost::random::normal_distribution<double> normal;
  const auto d = theta0.size();
  Eigen::MatrixXd out(size, d + 1);
  for (long i = 0; i < size; ++i) {
    double y = 0;
    for (Eigen::Index j = 0; j < d; ++j) {
      out(i, j) = law.x_std * normal(rng);
      y += theta0(j) * out(i, j);
    }
    out(i, d) = y + law.noise_std * normal(rng);
  }
  return out;
}

// The prompts of step t: blocks of kPromptBlock, block b drawing from the stream
// (seed, t * 2^20 + b). `make_kernel()` builds one kernel per thread; kernel.run_block(rng, count,
// sums[b]) fills the block's sums, which the caller adds in block order.
template <class Sums, class MakeKernel>
void run_blocks(const SgdOptions& opt, long t, std::vector<Sums>& sums, const MakeKernel& make_kernel) {
  const long blocks = static_cast<long>(sums.size());
  const int threads = std::max(1, std::min<int>(opt.threads, static_cast<int>(blocks)));
  std::atomic<long> next{0};
  auto worker = [&] {
    auto kernel = make_kernel();
    for (long b = next++; b < blocks; b = next++) {
      Engine rng(opt.seed, (static_cast<std::uint64_t>(t) << 20) + static_cast<std::uint64_t>(b));
      kernel.run_block(rng, std::min(kPromptBlock, opt.batch - b * kPromptBlock), sums[static_cast<std::size_t>(b)]);
    }
  };
  std::vector<std::jthread> pool_threads;
  for (int k = 1; k < threads; ++k) pool_threads.emplace_back(worker);
  worker();
}

inline long block_count(const SgdOptions& opt) { return (opt.batch + kPromptBlock - 1) / kPromptBlock; }

// One optimizer state per parameter block.
struct OptimizerState {
  std::vector<Eigen::MatrixXd> m, s;  // momentum buffer / Adam first moment; Adam second moment
  long t = 0;

  explicit OptimizerState(const std::vector<Eigen::MatrixXd>& params) {
    for (const auto& b : params) {
      m.push_back(Eigen::MatrixXd::Zero(b.rows(), b.cols()));
      s.push_back(Eigen::MatrixXd::Zero(b.rows(), b.cols()));
    }
  }
};

// PyTorch's SGD (buf = momentum buf + g, buf = g at the first step; p -= lr buf) or Adam (bias
// corrected, beta1 = opt.momentum, eps added to the corrected root) on the trained blocks only.
inline void optimizer_step(const SgdOptions& opt, std::vector<Eigen::MatrixXd>& params,
                           const std::vector<Eigen::MatrixXd>& grads, const std::vector<bool>& updated,
                           OptimizerState& st) {
  ++st.t;
  for (std::size_t b = 0; b < params.size(); ++b) {
    if (!updated[b]) continue;
    if (opt.optimizer == Optimizer::Sgd) {
      st.m[b] = st.t == 1 ? grads[b] : Eigen::MatrixXd(opt.momentum * st.m[b] + grads[b]);
      params[b] -= opt.lr * st.m[b];
    } else {
      st.m[b] = opt.momentum * st.m[b] + (1 - opt.momentum) * grads[b];
      st.s[b] = opt.beta2 * st.s[b] + (1 - opt.beta2) * grads[b].cwiseProduct(grads[b]);
      const double c1 = 1 - std::pow(opt.momentum, static_cast<double>(st.t));
      const double c2 = 1 - std::pow(opt.beta2, static_cast<double>(st.t));
      params[b].array() -= opt.lr * (st.m[b].array() / c1) / ((st.s[b].array() / c2).sqrt() + opt.eps);
    }
  }
}

// opt.steps updates of `params` (the blocks with updated[b]). gradient(t) returns the batch loss of
// step t at the current params and fills `grads` (one per block); record(t, loss) is called before
// the update when the history is due. Clipping: the global norm over the trained blocks only.
// Returns the last batch loss; throws DivergenceError.
template <class Gradient, class Record>
double descend(const SgdOptions& opt, std::vector<Eigen::MatrixXd>& params, const std::vector<bool>& updated,
               const Gradient& gradient, const Record& record, const ProgressFn& progress) {
  OptimizerState st(params);
  std::vector<Eigen::MatrixXd> grads;
  double start_loss = 0, loss = 0;
  for (long t = 0; t < opt.steps; ++t) {
    poll_interrupt();
    loss = gradient(t, grads);
    double norm2 = 0;
    for (std::size_t b = 0; b < grads.size(); ++b)
      if (updated[b]) norm2 += grads[b].squaredNorm();
    if (t == 0) start_loss = loss;
    check_finite(loss, norm2, start_loss, t + 1);
    if (history_due(t, opt.steps - 1, opt.history)) record(t, loss);
    if (opt.clip > 0 && norm2 > opt.clip * opt.clip) {
      const double scale = opt.clip / std::sqrt(norm2);
      for (auto& g : grads) g *= scale;
    }
    optimizer_step(opt, params, grads, updated, st);
    if (progress && (t + 1) % 8 == 0) progress(static_cast<double>(t + 1), static_cast<double>(opt.steps));
  }
  return loss;
}

}  // namespace icl::train::stochastic
