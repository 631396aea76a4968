#include "train/sgd.hpp"

#include <atomic>
#include <boost/random/normal_distribution.hpp>
#include <cmath>
#include <pcg_random.hpp>
#include <thread>
#include <vector>

namespace icl::train {
namespace {

using Engine = pcg64;
constexpr std::uint64_t kInitStream = std::uint64_t{1} << 62;
constexpr std::uint64_t kPoolStream = kInitStream + 1;

// Per-block sums: the batch loss and the gradient with respect to the value row v and the merged Q.
struct BlockSums {
  double loss = 0;
  std::vector<double> gv, gQ;  // D, D*D (row-major)

  void reset(int D) {
    loss = 0;
    gv.assign(static_cast<std::size_t>(D), 0.0);
    gQ.assign(static_cast<std::size_t>(D) * static_cast<std::size_t>(D), 0.0);
  }
};

// One prompt: tokens z_s = (1, x_s, y_s), s < n, then the query z_q = (1, x_q, 0); the query's
// label is returned apart. The forward pass needs only u = Q^T z_q (the query row of the scores).
class PromptKernel {
 public:
  PromptKernel(const SgdProblem& pb, const std::vector<double>& Q, const std::vector<double>& v,
               const Eigen::MatrixXd* pool)
      : pb_(pb),
        d_(pb.d),
        D_(pb.d + 2),
        Q_(Q),
        v_(v),
        pool_(pool),
        sigma_(std::sqrt(pb.s2)),
        z_(static_cast<std::size_t>((pb.shots + 1) * (pb.d + 2))),
        theta_(static_cast<std::size_t>(pb.d)),
        u_(static_cast<std::size_t>(pb.d + 2)),
        sk_(u_.size()),
        sv_(u_.size()),
        k_(static_cast<std::size_t>(pb.shots + 1)),
        val_(k_.size()) {}

  // Adds this block's prompts to `acc`; `fs_weight` scales the few-shot term, `inv_batch` = 1/B.
  void run_block(Engine& rng, long count, double fs_weight, double inv_batch, BlockSums& acc) {
    normal_.reset();
    const long n = pb_.loss == SgdLoss::ZeroShot ? 0 : pb_.shots;
    for (long p = 0; p < count; ++p) {
      const double yq = pb_.loss == SgdLoss::Pretrain ? draw_fresh(rng, n) : draw_pool(rng, n);
      const double* zq = &z_[static_cast<std::size_t>(n * D_)];
      query_scores(zq);
      std::fill(sk_.begin(), sk_.end(), 0.0);
      std::fill(sv_.begin(), sv_.end(), 0.0);
      if (pb_.loss != SgdLoss::ZeroShot && fs_weight != 0) add_term(n, yq, fs_weight, inv_batch, acc);
      if (pb_.loss != SgdLoss::Pretrain) add_term(0, yq, 1.0, inv_batch, acc, n);
      // gv += sk; gQ += z_q sv^T (z_q's label slot is 0: its row of gQ stays 0).
      for (int j = 0; j < D_; ++j) acc.gv[static_cast<std::size_t>(j)] += sk_[static_cast<std::size_t>(j)];
      for (int i = 0; i + 1 < D_; ++i) {
        double* row = &acc.gQ[static_cast<std::size_t>(i * D_)];
        for (int j = 0; j < D_; ++j) row[j] += zq[i] * sv_[static_cast<std::size_t>(j)];
      }
    }
  }

 private:
  // Fresh pretraining prompt: theta uniform on the sphere, x ~ N(0, I), y = theta.x + eps.
  double draw_fresh(Engine& rng, long n) {
    double norm2 = 0;
    for (int i = 0; i < d_; ++i) {
      theta_[static_cast<std::size_t>(i)] = normal_(rng);
      norm2 += theta_[static_cast<std::size_t>(i)] * theta_[static_cast<std::size_t>(i)];
    }
    const double inv = 1 / std::sqrt(norm2);
    double yq = 0;
    for (long s = 0; s <= n; ++s) {
      double* z = &z_[static_cast<std::size_t>(s * D_)];
      z[0] = 1;
      double y = 0;
      for (int i = 0; i < d_; ++i) {
        z[1 + i] = normal_(rng);
        y += theta_[static_cast<std::size_t>(i)] * z[1 + i];
      }
      y = y * inv + sigma_ * normal_(rng);
      z[D_ - 1] = s < n ? y : 0.0;
      if (s == n) yq = y;
    }
    return yq;
  }

  // n + 1 pairs drawn with replacement from the fixed pool; the last is the query.
  double draw_pool(Engine& rng, long n) {
    const auto size = static_cast<std::uint64_t>(pool_->rows());
    double yq = 0;
    for (long s = 0; s <= n; ++s) {
      const auto r = static_cast<Eigen::Index>(rng(size));
      double* z = &z_[static_cast<std::size_t>(s * D_)];
      z[0] = 1;
      for (int i = 0; i < d_; ++i) z[1 + i] = (*pool_)(r, i);
      const double y = (*pool_)(r, d_);
      z[D_ - 1] = s < n ? y : 0.0;
      if (s == n) yq = y;
    }
    return yq;
  }

  // u = Q^T z_q.
  void query_scores(const double* zq) {
    for (int j = 0; j < D_; ++j) u_[static_cast<std::size_t>(j)] = 0;
    for (int i = 0; i + 1 < D_; ++i) {
      const double* row = &Q_[static_cast<std::size_t>(i * D_)];
      for (int j = 0; j < D_; ++j) u_[static_cast<std::size_t>(j)] += zq[i] * row[j];
    }
  }

  // One squared-error term on the prompt of n shots ending at token `offset` (default: the
  // prompt itself; the zero-shot term uses the query token alone): yhat = (1/N) sum_s k_s val_s,
  // k_s = u.z_s, val_s = v.z_s. Adds weight * r^2 / B to the loss and the gradient's pieces
  // d/dv = g sum_s k_s z_s, d/du = g sum_s val_s z_s with g = 2 weight r / (B N).
  void add_term(long n, double yq, double weight, double inv_batch, BlockSums& acc, long offset = 0) {
    const long N = n + 1;
    const double* z0 = &z_[static_cast<std::size_t>(offset * D_)];
    double yhat = 0;
    for (long s = 0; s < N; ++s) {
      const double* z = z0 + s * D_;
      double k = 0, val = 0;
      for (int j = 0; j < D_; ++j) {
        k += u_[static_cast<std::size_t>(j)] * z[j];
        val += v_[static_cast<std::size_t>(j)] * z[j];
      }
      k_[static_cast<std::size_t>(s)] = k;
      val_[static_cast<std::size_t>(s)] = val;
      yhat += k * val;
    }
    yhat /= static_cast<double>(N);
    const double r = yhat - yq;
    acc.loss += weight * r * r * inv_batch;
    const double g = 2 * weight * r * inv_batch / static_cast<double>(N);
    for (long s = 0; s < N; ++s) {
      const double* z = z0 + s * D_;
      const double gk = g * k_[static_cast<std::size_t>(s)];
      const double gval = g * val_[static_cast<std::size_t>(s)];
      for (int j = 0; j < D_; ++j) {
        sk_[static_cast<std::size_t>(j)] += gk * z[j];
        sv_[static_cast<std::size_t>(j)] += gval * z[j];
      }
    }
  }

  const SgdProblem& pb_;
  int d_, D_;
  const std::vector<double>& Q_;
  const std::vector<double>& v_;
  const Eigen::MatrixXd* pool_;
  double sigma_;
  std::vector<double> z_, theta_, u_, sk_, sv_, k_, val_;
  boost::random::normal_distribution<double> normal_;
};

// Which blocks of a point an update may change, as a mask over Point::blocks.
std::vector<bool> update_mask(const Point<double>& p, exact::Update update) {
  std::vector<bool> mask(p.blocks.size(), false);
  for (int b : exact::updated_blocks(p.kind, update)) mask[static_cast<std::size_t>(b)] = true;
  return mask;
}

// One optimizer state per parameter block.
struct OptimizerState {
  std::vector<Eigen::MatrixXd> m, s;  // momentum buffer / Adam first moment; Adam second moment
  long t = 0;
};

void optimizer_step(const SgdOptions& opt, std::vector<Eigen::MatrixXd>& blocks,
                    const std::vector<Eigen::MatrixXd>& grads, const std::vector<bool>& updated, OptimizerState& st) {
  ++st.t;
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    if (!updated[b]) continue;
    if (opt.optimizer == Optimizer::Sgd) {
      // PyTorch's SGD: buf = momentum * buf + g (buf = g at the first step); p -= lr * buf.
      st.m[b] = st.t == 1 ? grads[b] : Eigen::MatrixXd(opt.momentum * st.m[b] + grads[b]);
      blocks[b] -= opt.lr * st.m[b];
    } else {
      st.m[b] = opt.momentum * st.m[b] + (1 - opt.momentum) * grads[b];
      st.s[b] = opt.beta2 * st.s[b] + (1 - opt.beta2) * grads[b].cwiseProduct(grads[b]);
      const double c1 = 1 - std::pow(opt.momentum, static_cast<double>(st.t));
      const double c2 = 1 - std::pow(opt.beta2, static_cast<double>(st.t));
      blocks[b].array() -= opt.lr * (st.m[b].array() / c1) / ((st.s[b].array() / c2).sqrt() + opt.eps);
    }
  }
}

}  // namespace

Point<double> random_init(Parameterization kind, int d, double scale, std::uint64_t seed) {
  Engine rng(seed, kInitStream);
  boost::random::normal_distribution<double> normal(0.0, scale);
  const int D = d + 2;
  Point<double> p{kind, {}};
  for (int b = 0; b < (kind == Parameterization::Merged ? 2 : 3); ++b) {
    Eigen::MatrixXd m(D, D);
    for (int r = 0; r < D; ++r)
      for (int c = 0; c < D; ++c) m(r, c) = normal(rng);
    p.blocks.push_back(m);
  }
  return p;
}

Eigen::MatrixXd finetune_pool(const Eigen::VectorXd& theta0, double s2, long size, std::uint64_t seed) {
  Engine rng(seed, kPoolStream);
  boost::random::normal_distribution<double> normal;
  const auto d = theta0.size();
  const double sigma = std::sqrt(s2);
  Eigen::MatrixXd pool(size, d + 1);
  for (long i = 0; i < size; ++i) {
    double y = 0;
    for (Eigen::Index j = 0; j < d; ++j) {
      pool(i, j) = normal(rng);
      y += theta0(j) * pool(i, j);
    }
    pool(i, d) = y + sigma * normal(rng);
  }
  return pool;
}

TrainResult<double> sgd_train(const SgdProblem& pb, const Point<double>& start, const SgdOptions& opt,
                              const ProgressFn& progress) {
  const int D = pb.d + 2;
  if (start.D() != D) throw std::invalid_argument("the starting point does not match d");
  const std::vector<bool> updated = update_mask(start, pb.update);
  std::optional<Eigen::MatrixXd> pool;
  if (pb.loss != SgdLoss::Pretrain) pool = finetune_pool(pb.theta0, pb.s2, pb.pool, opt.seed);

  TrainResult<double> out;
  out.point = start;
  OptimizerState st;
  for (const auto& b : start.blocks) {
    st.m.push_back(Eigen::MatrixXd::Zero(b.rows(), b.cols()));
    st.s.push_back(Eigen::MatrixXd::Zero(b.rows(), b.cols()));
  }
  const long blocks = (opt.batch + kPromptBlock - 1) / kPromptBlock;
  std::vector<BlockSums> sums(static_cast<std::size_t>(blocks));
  std::vector<double> Q(static_cast<std::size_t>(D * D)), v(static_cast<std::size_t>(D));
  const double inv_batch = 1.0 / static_cast<double>(opt.batch);
  const int threads = std::max(1, std::min<int>(opt.threads, static_cast<int>(blocks)));
  double start_loss = 0;

  for (long t = 0; t < opt.steps; ++t) {
    // The row-major merged Q and the value row the kernels read.
    const Eigen::MatrixXd Qm = out.point.Q();
    for (int i = 0; i < D; ++i)
      for (int j = 0; j < D; ++j) Q[static_cast<std::size_t>(i * D + j)] = Qm(i, j);
    for (int j = 0; j < D; ++j) v[static_cast<std::size_t>(j)] = out.point.V()(D - 1, j);
    const double fs_weight = pb.loss == SgdLoss::ZeroFew ? Schedule<double>::annealed_weight(t, opt.steps) : 1.0;

    std::atomic<long> next{0};
    auto worker = [&] {
      PromptKernel kernel(pb, Q, v, pool ? &*pool : nullptr);
      for (long b = next++; b < blocks; b = next++) {
        Engine rng(opt.seed, (static_cast<std::uint64_t>(t) << 20) + static_cast<std::uint64_t>(b));
        BlockSums& acc = sums[static_cast<std::size_t>(b)];
        acc.reset(D);
        kernel.run_block(rng, std::min(kPromptBlock, opt.batch - b * kPromptBlock), fs_weight, inv_batch, acc);
      }
    };
    {
      std::vector<std::jthread> pool_threads;
      for (int k = 1; k < threads; ++k) pool_threads.emplace_back(worker);
      worker();
    }
    // Sum the blocks in block order, then the chain rule to the parameter blocks.
    double loss = 0;
    Eigen::VectorXd gv = Eigen::VectorXd::Zero(D);
    Eigen::MatrixXd gQ = Eigen::MatrixXd::Zero(D, D);
    for (const auto& s : sums) {
      loss += s.loss;
      for (int j = 0; j < D; ++j) gv(j) += s.gv[static_cast<std::size_t>(j)];
      for (int i = 0; i < D; ++i)
        for (int j = 0; j < D; ++j) gQ(i, j) += s.gQ[static_cast<std::size_t>(i * D + j)];
    }
    std::vector<Eigen::MatrixXd> grads = exact::gradient_blocks(out.point, gv, gQ);
    double norm2 = 0;
    for (std::size_t b = 0; b < grads.size(); ++b)
      if (updated[b]) norm2 += grads[b].squaredNorm();
    if (t == 0) start_loss = loss;
    check_finite(loss, norm2, start_loss, t + 1);
    if (history_due(t, opt.steps - 1, opt.history))
      out.history.push_back({t, static_cast<double>(t), loss, conserved(out.point)});
    if (opt.clip > 0 && norm2 > opt.clip * opt.clip) {
      const double scale = opt.clip / std::sqrt(norm2);
      for (auto& g : grads) g *= scale;
    }
    optimizer_step(opt, out.point.blocks, grads, updated, st);
    out.loss = loss;
    if (progress && (t + 1) % 8 == 0) progress(static_cast<double>(t + 1), static_cast<double>(opt.steps));
  }
  out.steps = opt.steps;
  out.evaluations = opt.steps;
  return out;
}

}  // namespace icl::train
