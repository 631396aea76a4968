#include "train/arch_protocol.hpp"

#include <chrono>
#include <cmath>

#include "exact/heads.hpp"
#include "sim/monte_carlo.hpp"

namespace icl::train {

Arch<double> unit_covariates(const Arch<double>& a, double x_std) {
  Arch<double> out = a;
  if (x_std == 1) return out;
  Eigen::VectorXd s = Eigen::VectorXd::Constant(a.D(), x_std);
  s(0) = 1;
  for (auto& layer : out.layers)
    for (auto& h : layer) {
      h.Q = h.Q * s.asDiagonal();
      if (!h.merged()) h.K = h.K * s.asDiagonal();
      if (h.merged()) h.Q = s.asDiagonal() * h.Q;  // merged M -> D_s M D_s
      h.V = s.cwiseInverse().asDiagonal() * h.V * s.asDiagonal();
    }
  return out;
}

std::vector<RiskPoint> arch_risk_curve(const Arch<double>& a, const Eigen::VectorXd& theta, const EvalOptions& opt) {
  const Arch<double> unit = unit_covariates(a, opt.x_std);
  const double noise = opt.noise_std / opt.x_std, factor = opt.x_std * opt.x_std;
  std::vector<RiskPoint> out;
  if (a.L() == 1 && !a.softmax()) {  // exact (exact/heads.hpp): no sampling, standard error 0
    std::vector<long> shots;
    for (long n = 0; n <= opt.max_shots; ++n) shots.push_back(n);
    for (double r : exact::arch_curve(unit, exact::TaskLaw<double>::fixed(theta), shots, noise * noise))
      out.push_back({factor * r, 0.0});
    return out;
  }
  for (long n = 0; n <= opt.max_shots; ++n) {
    double mean = 0, var = 0;
    for (int k = 0; k < opt.test_seeds; ++k) {
      const sim::McOptions mc{opt.samples, kEvalSeedBase + static_cast<std::uint64_t>(k), opt.threads};
      const auto e = sim::mc_risk(unit, sim::TaskSpec::fixed(theta), n, noise * noise, mc);
      mean += e.mean;
      var += e.se * e.se;
    }
    const double K = opt.test_seeds;
    out.push_back({factor * mean / K, factor * std::sqrt(var) / K});
  }
  return out;
}

ScaleFree<double> head_summary(const Head<double>& h, int heads, const Eigen::VectorXd& theta0) {
  return scale_free<double>(Mat<double>(h.V / static_cast<double>(heads)), h.M(), theta0);
}

std::vector<ArchMethodResult> run_arch_protocol(const ArchProtocolOptions& opt, const ProgressFn& progress) {
  const Eigen::VectorXd theta0 = Eigen::VectorXd::Unit(opt.d, 0);
  const EvalOptions eval{opt.x_std, opt.noise_std, opt.max_shots, opt.eval_batch, opt.test_seeds, opt.threads};
  auto clock = [] { return std::chrono::steady_clock::now(); };
  const double runs = 9;
  std::vector<ArchMethodResult> out;
  auto finish = [&](std::string name, ArchUpdate u, const ArchTrainResult& r, auto t0) {
    ArchMethodResult m;
    m.name = std::move(name);
    m.trains = arch_update_name(u);
    m.arch = r.arch;
    m.final_loss = r.loss;
    for (const auto& layer : r.arch.layers) {
      m.summary.emplace_back();
      for (const auto& h : layer) m.summary.back().push_back(head_summary(h, opt.heads, theta0));
    }
    m.risk_target = arch_risk_curve(r.arch, theta0, eval);
    m.risk_opposite = arch_risk_curve(r.arch, -theta0, eval);
    m.seconds = std::chrono::duration<double>(clock() - t0).count();
    out.push_back(std::move(m));
    if (progress) progress(static_cast<double>(out.size()), runs);
  };

  SgdOptions so;
  so.optimizer = opt.optimizer;
  so.lr = opt.lr;
  so.momentum = opt.optimizer == Optimizer::Adam ? opt.beta1 : 0.9;
  so.beta2 = opt.beta2;
  so.batch = opt.batch;
  so.seed = opt.seed;
  so.threads = opt.threads;

  ArchProblem pb;
  pb.d = opt.d;
  pb.x_std = opt.x_std;
  pb.noise_std = opt.noise_std;
  pb.shots = opt.shots;
  pb.theta0 = theta0;
  pb.pool = opt.dataset_size_ft;
  auto t0 = clock();
  so.steps = opt.steps_pretrain;
  Arch<double> start = random_arch(opt.layers, opt.heads, opt.d, 0.05, opt.seed);
  start.attention = opt.attention;
  const ArchTrainResult pre = arch_train(pb, start, so);
  finish("pretrained", ArchUpdate::All, pre, t0);

  so.steps = opt.steps_finetune;
  for (ArchUpdate u : {ArchUpdate::All, ArchUpdate::Q, ArchUpdate::K, ArchUpdate::V})
    for (bool both : {false, true}) {
      t0 = clock();
      pb.loss = both ? SgdLoss::ZeroFew : SgdLoss::ZeroShot;
      pb.update = u;
      const std::string name =
          std::string(both ? "both" : "zs") + (u == ArchUpdate::All ? "" : std::string("_") + arch_update_name(u));
      finish(name, u, arch_train(pb, pre.arch, so), t0);
    }
  return out;
}

}  // namespace icl::train
