#include "train/arch_sgd.hpp"

#include <boost/random/normal_distribution.hpp>
#include <stdexcept>

#include "train/arch_kernel.hpp"
#include "train/softmax_backprop.hpp"
#include "train/stochastic.hpp"

namespace icl::train {
namespace {

using detail::Frozen;
using detail::SoftmaxBackprop;
using detail::Sums;
using stochastic::Engine;

// Forward and backward through the layers for one squared-error term given S_0 and r_0 (see the
// header); Dc is D when fixed at compile time (d = 5), else Eigen::Dynamic.
template <int Dc>
class Backprop {
 public:
  using M = Eigen::Matrix<double, Dc, Dc>;
  using V = Eigen::Matrix<double, Dc, 1>;

  Backprop(const Frozen<Dc>& p, int D, BackpropOptions bp)
      : p_(p), L_(static_cast<int>(p.Mh.size())), H_(static_cast<int>(p.Mh.front().size())), D_(D), bp_(bp) {
    S_.assign(static_cast<std::size_t>(L_), M::Zero(D, D));
    W_ = SW_ = S_;
    r_.assign(static_cast<std::size_t>(L_), V::Zero(D));
    MS_.assign(static_cast<std::size_t>(L_), std::vector<M>(static_cast<std::size_t>(H_), M::Zero(D, D)));
    sv_.assign(static_cast<std::size_t>(H_), V::Zero(D));
  }

  // The kernels' common entry: the prompt Z (N x D, the query last) through S_0 = Z^T Z (rank-one
  // updates: faster than a small GEMM for a few fixed-size columns) and r_0 = z_q.
  template <class Prompt>
  void prompt(const Prompt& Z, double y, double weight, double scale, Sums<Dc>& acc) {
    S0_.setZero(D_, D_);
    for (Eigen::Index s = 0; s < Z.rows(); ++s) S0_.noalias() += Z.row(s).transpose() * Z.row(s);
    term(S0_, V(Z.row(Z.rows() - 1).transpose()), Z.rows(), y, weight, scale, acc);
  }

  // Adds weight * (yhat - y)^2 * scale to acc.loss and its gradient to acc; the prompt has N rows.
  template <class S0, class R0>
  void term(const S0& s0, const R0& r0, long N, double y, double weight, double scale, Sums<Dc>& acc) {
    const double c = 1.0 / (static_cast<double>(H_) * static_cast<double>(N));
    const auto last = static_cast<std::size_t>(L_ - 1);
    S_[0] = s0;
    r_[0] = r0;
    for (std::size_t l = 0; l < last; ++l) {
      M sum = M::Zero(D_, D_);
      for (std::size_t h = 0; h < static_cast<std::size_t>(H_); ++h) {
        MS_[l][h].noalias() = p_.Mh[l][h] * S_[l];
        sum.noalias() += MS_[l][h] * p_.Vh[l][h].transpose();
      }
      W_[l] = c * sum;
      W_[l].diagonal().array() += 1.0;
      SW_[l].noalias() = S_[l] * W_[l];
      S_[l + 1].noalias() = W_[l].transpose() * SW_[l];
      r_[l + 1].noalias() = W_[l].transpose() * r_[l];
    }
    V w = V::Zero(D_);
    w(D_ - 1) = 1;
    for (std::size_t h = 0; h < static_cast<std::size_t>(H_); ++h) {
      sv_[h].noalias() = S_[last] * p_.vh[last][h];
      w.noalias() += c * (p_.Mh[last][h] * sv_[h]);
    }
    const double r = r_[last].dot(w) - y;
    acc.loss += weight * r * r * scale;
    const double g = 2 * weight * r * scale;

    // The last layer: yhat = r . (e + c sum_h M_h S v_h).
    M GS = M::Zero(D_, D_);
    for (std::size_t h = 0; h < static_cast<std::size_t>(H_); ++h) {
      const V mr = p_.Mh[last][h].transpose() * r_[last];
      acc.dM[last][h].noalias() += (c * g) * r_[last] * sv_[h].transpose();
      acc.dV[last][h].row(D_ - 1).noalias() += (c * g) * (S_[last].transpose() * mr).transpose();
      if (last > 0 && bp_.through_gram) GS.noalias() += (c * g) * mr * p_.vh[last][h].transpose();
    }
    V Gr = g * w;
    for (std::size_t l = last; l-- > 0;) {
      M GW = SW_[l] * (GS + GS.transpose());
      GW.noalias() += r_[l] * Gr.transpose();
      if (l > 0) {
        Gr = W_[l] * Gr;
        M next = W_[l] * GS * W_[l].transpose();
        if (bp_.through_gram)
          for (std::size_t h = 0; h < static_cast<std::size_t>(H_); ++h)
            next.noalias() += c * (p_.Mh[l][h].transpose() * GW * p_.Vh[l][h]);
        GS = next;
      }
      for (std::size_t h = 0; h < static_cast<std::size_t>(H_); ++h) {
        acc.dM[l][h].noalias() += c * ((GW * p_.Vh[l][h]) * S_[l].transpose());
        acc.dV[l][h].noalias() += c * (GW.transpose() * MS_[l][h]);
      }
    }
  }

 private:
  const Frozen<Dc>& p_;
  int L_, H_, D_;
  BackpropOptions bp_;
  std::vector<M> S_, W_, SW_;
  M S0_;
  std::vector<V> r_, sv_;
  std::vector<std::vector<M>> MS_;
};

// The prompts of one block (stochastic.hpp), each adding its terms: pretraining R(m shots); zero-shot
// the query token alone; zs+fs both, the few-shot term weighted by fs_weight. Prop is the layers'
// kernel: Backprop (linear attention) or SoftmaxBackprop.
template <int Dc, class Prop>
class BlockKernel {
 public:
  using Rows = Eigen::Matrix<double, Eigen::Dynamic, Dc, Eigen::RowMajor>;

  BlockKernel(const ArchProblem& pb, const Frozen<Dc>& p, const Eigen::MatrixXd* pool, double fs_weight,
              double inv_batch)
      : pb_(pb),
        D_(pb.d + 2),
        fs_weight_(fs_weight),
        inv_batch_(inv_batch),
        source_(pb.d, pb.shots, stochastic::DataLaw{pb.x_std, pb.noise_std}, pool),
        p_(p),
        backprop_(p, pb.d + 2, {}) {}

  void run_block(Engine& rng, long count, Sums<Dc>& acc) {
    acc.reset(static_cast<int>(p_.Mh.size()), static_cast<int>(p_.Mh.front().size()), D_);
    source_.reset();
    const long n = pb_.loss == SgdLoss::ZeroShot ? 0 : pb_.shots;
    for (long p = 0; p < count; ++p) {
      const double yq = source_.draw(rng, pb_.loss == SgdLoss::Pretrain, n);
      const Eigen::Map<const Rows> Z(source_.z.data(), n + 1, D_);
      if (pb_.loss != SgdLoss::ZeroShot && fs_weight_ != 0) backprop_.prompt(Z, yq, fs_weight_, inv_batch_, acc);
      if (pb_.loss != SgdLoss::Pretrain) backprop_.prompt(Z.bottomRows(1), yq, 1.0, inv_batch_, acc);
    }
  }

 private:
  const ArchProblem& pb_;
  int D_;
  double fs_weight_, inv_batch_;
  stochastic::PromptSource source_;
  const Frozen<Dc>& p_;
  Prop backprop_;
};

// dL/dM, dL/dV -> the gradient in the parameters' shape (dL/dQ = K dM^T, dL/dK = Q dM).
template <int Dc>
ArchGradient to_gradient(const Arch<double>& a, const Sums<Dc>& s) {
  ArchGradient out;
  out.loss = s.loss;
  for (std::size_t l = 0; l < a.layers.size(); ++l) {
    out.grad.layers.emplace_back();
    for (std::size_t h = 0; h < a.layers[l].size(); ++h) {
      const auto& x = a.layers[l][h];
      const Eigen::MatrixXd dM = s.dM[l][h];
      out.grad.layers.back().push_back(
          Head<double>{Eigen::MatrixXd(s.dV[l][h]), Eigen::MatrixXd(x.K * dM.transpose()), Eigen::MatrixXd(x.Q * dM)});
    }
  }
  return out;
}

void check_separate(const Arch<double>& a, int d) {
  validate_arch(a, "the starting parameters");
  if (a.kind() != Parameterization::Separate)
    throw std::invalid_argument("training L layers x H heads needs separate V, Q, K per head");
  if (a.d() != d) throw std::invalid_argument("the starting parameters do not match d");
}

template <int Dc>
ArchGradient batch_gradient(const ArchProblem& pb, const Arch<double>& a, const SgdOptions& opt, long t,
                            const Eigen::MatrixXd* pool, std::vector<Sums<Dc>>& sums) {
  const Frozen<Dc> frozen(a);
  const double fs_weight = pb.loss == SgdLoss::ZeroFew ? Schedule<double>::annealed_weight(t, opt.steps) : 1.0;
  const double inv_batch = 1.0 / static_cast<double>(opt.batch);
  if (a.softmax())
    stochastic::run_blocks(
        opt, t, sums, [&] { return BlockKernel<Dc, SoftmaxBackprop<Dc>>(pb, frozen, pool, fs_weight, inv_batch); });
  else
    stochastic::run_blocks(opt, t, sums,
                           [&] { return BlockKernel<Dc, Backprop<Dc>>(pb, frozen, pool, fs_weight, inv_batch); });
  Sums<Dc> total;
  total.reset(a.L(), a.H(), a.D());
  for (const auto& s : sums) total.add(s);
  return to_gradient(a, total);
}

// Runs f.template operator()<Dc>() with Dc = 7 when D = 7 (d = 5, the authors' size), else Dynamic.
template <class F>
auto dispatch(int D, const F& f) {
  if (D == 7) return f.template operator()<7>();
  return f.template operator()<Eigen::Dynamic>();
}

std::vector<Eigen::MatrixXd> flatten(const Arch<double>& a) {
  std::vector<Eigen::MatrixXd> out;
  for (const auto& layer : a.layers)
    for (const auto& h : layer) out.insert(out.end(), {h.V, h.Q, h.K});
  return out;
}

void unflatten(const std::vector<Eigen::MatrixXd>& flat, Arch<double>& a) {
  std::size_t i = 0;
  for (auto& layer : a.layers)
    for (auto& h : layer) {
      h.V = flat[i++];
      h.Q = flat[i++];
      h.K = flat[i++];
    }
}

}  // namespace

const char* arch_update_name(ArchUpdate u) {
  switch (u) {
    case ArchUpdate::Q:
      return "q";
    case ArchUpdate::K:
      return "k";
    case ArchUpdate::V:
      return "v";
    case ArchUpdate::All:
      break;
  }
  return "all";
}

Arch<double> random_arch(int layers, int heads, int d, double scale, std::uint64_t seed) {
  Engine rng(seed, std::uint64_t{1} << 62);
  boost::random::normal_distribution<double> normal(0.0, scale);
  const int D = d + 2;
  auto draw = [&] {
    Eigen::MatrixXd m(D, D);
    for (int r = 0; r < D; ++r)
      for (int c = 0; c < D; ++c) m(r, c) = normal(rng);
    return m;
  };
  Arch<double> a;
  for (int l = 0; l < layers; ++l) {
    a.layers.emplace_back();
    for (int h = 0; h < heads; ++h) {
      Head<double> x;
      x.V = draw();
      x.Q = draw();
      x.K = draw();
      a.layers.back().push_back(std::move(x));
    }
  }
  return a;
}

Eigen::MatrixXd arch_pool(const ArchProblem& pb, std::uint64_t seed) {
  return stochastic::pool(pb.theta0, stochastic::DataLaw{pb.x_std, pb.noise_std}, pb.pool, seed);
}

ArchGradient arch_prompt_gradient(const Arch<double>& a, const Eigen::MatrixXd& Z, double y,
                                  const BackpropOptions& bp) {
  check_separate(a, a.d());
  const Frozen<Eigen::Dynamic> frozen(a);
  Sums<Eigen::Dynamic> s;
  s.reset(a.L(), a.H(), a.D());
  if (a.softmax()) {
    SoftmaxBackprop<Eigen::Dynamic>(frozen, a.D(), bp).prompt(Z, y, 1.0, 1.0, s);
  } else {
    const Eigen::MatrixXd S0 = Z.transpose() * Z;
    const Eigen::VectorXd r0 = Z.row(Z.rows() - 1).transpose();
    Backprop<Eigen::Dynamic>(frozen, a.D(), bp).term(S0, r0, Z.rows(), y, 1.0, 1.0, s);
  }
  return to_gradient(a, s);
}

ArchGradient arch_batch_gradient(const ArchProblem& pb, const Arch<double>& a, const SgdOptions& opt, long t,
                                 const Eigen::MatrixXd* pool) {
  check_separate(a, pb.d);
  return dispatch(a.D(), [&]<int Dc>() {
    std::vector<Sums<Dc>> sums(static_cast<std::size_t>(stochastic::block_count(opt)));
    return batch_gradient<Dc>(pb, a, opt, t, pool, sums);
  });
}

ArchTrainResult arch_train(const ArchProblem& pb, const Arch<double>& start, const SgdOptions& opt,
                           const ProgressFn& progress) {
  check_separate(start, pb.d);
  std::optional<Eigen::MatrixXd> pool;
  if (pb.loss != SgdLoss::Pretrain) pool = arch_pool(pb, opt.seed);
  ArchTrainResult out;
  out.arch = start;
  std::vector<Eigen::MatrixXd> params = flatten(start);
  std::vector<bool> updated;
  for (std::size_t i = 0; i < params.size(); ++i) {
    const auto which = i % 3;  // V, Q, K
    updated.push_back(pb.update == ArchUpdate::All || (pb.update == ArchUpdate::V && which == 0) ||
                      (pb.update == ArchUpdate::Q && which == 1) || (pb.update == ArchUpdate::K && which == 2));
  }
  dispatch(start.D(), [&]<int Dc>() {
    std::vector<Sums<Dc>> sums(static_cast<std::size_t>(stochastic::block_count(opt)));
    auto gradient = [&](long t, std::vector<Eigen::MatrixXd>& grads) {
      unflatten(params, out.arch);
      const ArchGradient g = batch_gradient<Dc>(pb, out.arch, opt, t, pool ? &*pool : nullptr, sums);
      grads = flatten(g.grad);
      return g.loss;
    };
    auto record = [&](long t, double loss) { out.history.push_back({t, static_cast<double>(t), loss, 0.0}); };
    out.loss = stochastic::descend(opt, params, updated, gradient, record, progress);
    return 0;
  });
  unflatten(params, out.arch);
  out.steps = opt.steps;
  return out;
}

}  // namespace icl::train
