#include "train/sgd.hpp"

#include <cmath>
#include <vector>

#include "lora/field.hpp"
#include "train/stochastic.hpp"

namespace icl::train {
namespace {

using Engine = stochastic::Engine;
constexpr std::uint64_t kInitStream = std::uint64_t{1} << 62;

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
               const Eigen::MatrixXd* pool, double fs_weight, double inv_batch)
      : pb_(pb),
        D_(pb.d + 2),
        Q_(Q),
        v_(v),
        fs_weight_(fs_weight),
        inv_batch_(inv_batch),
        source_(pb.d, pb.shots, stochastic::DataLaw{1.0, std::sqrt(pb.s2)}, pool),
        u_(static_cast<std::size_t>(pb.d + 2)),
        sk_(u_.size()),
        sv_(u_.size()),
        k_(static_cast<std::size_t>(pb.shots + 1)),
        val_(k_.size()) {}

  // Adds this block's prompts to `acc`; the few-shot term is scaled by fs_weight, every term by 1/B.
  void run_block(Engine& rng, long count, BlockSums& acc) {
    acc.reset(D_);
    source_.reset();
    const long n = pb_.loss == SgdLoss::ZeroShot ? 0 : pb_.shots;
    for (long p = 0; p < count; ++p) {
      const double yq = source_.draw(rng, pb_.loss == SgdLoss::Pretrain, n);
      const double* zq = &source_.z[static_cast<std::size_t>(n * D_)];
      query_scores(zq);
      std::fill(sk_.begin(), sk_.end(), 0.0);
      std::fill(sv_.begin(), sv_.end(), 0.0);
      if (pb_.loss != SgdLoss::ZeroShot && fs_weight_ != 0) add_term(n, yq, fs_weight_, acc);
      if (pb_.loss != SgdLoss::Pretrain) add_term(0, yq, 1.0, acc, n);
      // gv += sk; gQ += z_q sv^T (z_q's label slot is 0: its row of gQ stays 0).
      for (int j = 0; j < D_; ++j) acc.gv[static_cast<std::size_t>(j)] += sk_[static_cast<std::size_t>(j)];
      for (int i = 0; i + 1 < D_; ++i) {
        double* row = &acc.gQ[static_cast<std::size_t>(i * D_)];
        for (int j = 0; j < D_; ++j) row[j] += zq[i] * sv_[static_cast<std::size_t>(j)];
      }
    }
  }

 private:
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
  void add_term(long n, double yq, double weight, BlockSums& acc, long offset = 0) {
    const double inv_batch = inv_batch_;
    const long N = n + 1;
    const double* z0 = &source_.z[static_cast<std::size_t>(offset * D_)];
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
  int D_;
  const std::vector<double>& Q_;
  const std::vector<double>& v_;
  double fs_weight_, inv_batch_;
  stochastic::PromptSource source_;
  std::vector<double> u_, sk_, sv_, k_, val_;
};

// Which blocks of a point an update may change, as a mask over Point::blocks.
std::vector<bool> update_mask(const Point<double>& p, exact::Update update) {
  std::vector<bool> mask(p.blocks.size(), false);
  for (int b : exact::updated_blocks(p.kind, update)) mask[static_cast<std::size_t>(b)] = true;
  return mask;
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
  return stochastic::pool(theta0, stochastic::DataLaw{1.0, std::sqrt(s2)}, size, seed);
}

// The batch loss of step t at a point and its gradient with respect to the point's blocks (the
// kernels' dL/dv and dL/dQ through exact::gradient_blocks). Shared by sgd_train and sgd_train_lora.
namespace {

class BatchGradient {
 public:
  BatchGradient(const SgdProblem& pb, const SgdOptions& opt)
      : pb_(pb),
        opt_(opt),
        D_(pb.d + 2),
        sums_(static_cast<std::size_t>(stochastic::block_count(opt))),
        Q_(static_cast<std::size_t>(D_ * D_)),
        v_(static_cast<std::size_t>(D_)),
        inv_batch_(1.0 / static_cast<double>(opt.batch)) {
    if (pb.loss != SgdLoss::Pretrain) pool_ = finetune_pool(pb.theta0, pb.s2, pb.pool, opt.seed);
  }

  double operator()(long t, const Point<double>& point, std::vector<Eigen::MatrixXd>& grads) {
    const int D = D_;
    // The row-major merged Q and the value row the kernels read.
    const Eigen::MatrixXd Qm = point.Q();
    for (int i = 0; i < D; ++i)
      for (int j = 0; j < D; ++j) Q_[static_cast<std::size_t>(i * D + j)] = Qm(i, j);
    for (int j = 0; j < D; ++j) v_[static_cast<std::size_t>(j)] = point.V()(D - 1, j);
    const double fs_weight = pb_.loss == SgdLoss::ZeroFew ? Schedule<double>::annealed_weight(t, opt_.steps) : 1.0;
    stochastic::run_blocks(opt_, t, sums_,
                           [&] { return PromptKernel(pb_, Q_, v_, pool_ ? &*pool_ : nullptr, fs_weight, inv_batch_); });
    // Sum the blocks in block order, then the chain rule to the parameter blocks.
    double loss = 0;
    Eigen::VectorXd gv = Eigen::VectorXd::Zero(D);
    Eigen::MatrixXd gQ = Eigen::MatrixXd::Zero(D, D);
    for (const auto& s : sums_) {
      loss += s.loss;
      for (int j = 0; j < D; ++j) gv(j) += s.gv[static_cast<std::size_t>(j)];
      for (int i = 0; i < D; ++i)
        for (int j = 0; j < D; ++j) gQ(i, j) += s.gQ[static_cast<std::size_t>(i * D + j)];
    }
    grads = exact::gradient_blocks(point, gv, gQ);
    return loss;
  }

 private:
  const SgdProblem& pb_;
  const SgdOptions& opt_;
  int D_;
  std::optional<Eigen::MatrixXd> pool_;
  std::vector<BlockSums> sums_;
  std::vector<double> Q_, v_;
  double inv_batch_;
};

}  // namespace

TrainResult<double> sgd_train(const SgdProblem& pb, const Point<double>& start, const SgdOptions& opt,
                              const ProgressFn& progress) {
  const int D = pb.d + 2;
  if (start.D() != D) throw std::invalid_argument("the starting point does not match d");
  const std::vector<bool> updated = update_mask(start, pb.update);
  BatchGradient batch(pb, opt);

  TrainResult<double> out;
  out.point = start;
  auto gradient = [&](long t, std::vector<Eigen::MatrixXd>& grads) { return batch(t, out.point, grads); };
  auto record = [&](long t, double loss) {
    out.history.push_back({t, static_cast<double>(t), loss, conserved(out.point)});
  };
  out.loss = stochastic::descend(opt, out.point.blocks, updated, gradient, record, progress);
  out.steps = opt.steps;
  out.evaluations = opt.steps;
  return out;
}

TrainResult<double> sgd_train_lora(const SgdProblem& pb, lora::Adapted<double>& adapters, const SgdOptions& opt,
                                   const ProgressFn& progress) {
  const int D = pb.d + 2;
  if (adapters.base.D() != D) throw std::invalid_argument("the starting point does not match d");
  BatchGradient batch(pb, opt);
  // The trained blocks: A and B of every adapter, in that order (the base is frozen).
  std::vector<Eigen::MatrixXd> factors;
  for (const auto& a : adapters.adapters) {
    factors.push_back(a.A);
    factors.push_back(a.B);
  }
  const std::vector<bool> updated(factors.size(), true);
  const auto sync = [&] {
    for (std::size_t i = 0; i < adapters.adapters.size(); ++i) {
      adapters.adapters[i].A = factors[2 * i];
      adapters.adapters[i].B = factors[2 * i + 1];
    }
  };
  TrainResult<double> out;
  std::vector<Eigen::MatrixXd> gW;
  auto gradient = [&](long t, std::vector<Eigen::MatrixXd>& grads) {
    sync();
    out.point = adapters.merged();
    const double loss = batch(t, out.point, gW);
    grads.clear();
    for (const auto& a : adapters.adapters) {
      const Eigen::MatrixXd& G = gW[static_cast<std::size_t>(a.block)];
      grads.push_back(lora::PeftChainRule::grad_A(adapters.scale, a.A, a.B, G));
      grads.push_back(lora::PeftChainRule::grad_B(adapters.scale, a.A, a.B, G));
    }
    return loss;
  };
  auto record = [&](long t, double loss) {
    out.history.push_back({t, static_cast<double>(t), loss, conserved(out.point)});
  };
  out.loss = stochastic::descend(opt, factors, updated, gradient, record, progress);
  sync();
  out.point = adapters.merged();
  out.steps = opt.steps;
  out.evaluations = opt.steps;
  return out;
}

}  // namespace icl::train
