#include "train/protocol.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <limits>

#include "closed_form/closed_form.hpp"
#include "exact/exact.hpp"
#include "lora/adapter.hpp"
#include "model/families.hpp"

namespace icl::train {
namespace {

struct Context {
  const ProtocolOptions& opt;
  Eigen::VectorXd theta0;
  exact::Objective<double> zs, fs;
};

std::vector<double> curve(const Context& cx, const Point<double>& p, double sign) {
  std::vector<long> shots;
  for (long n = 0; n <= cx.opt.max_shots; ++n) shots.push_back(n);
  return exact::PreparedPoint<double>(p.as_merged())
      .curve(exact::TaskLaw<double>::fixed(sign * cx.theta0), shots, cx.opt.s2);
}

// Fills the curves, the summary and the distance of a learned point against `theory` (if any).
MethodResult evaluate(const Context& cx, std::string name, const TrainResult<double>& r, const Point<double>& start,
                      std::optional<Point<double>> theory, std::string theory_name, double seconds) {
  MethodResult m;
  m.name = std::move(name);
  m.theory = std::move(theory_name);
  m.point = r.point;
  m.summary = scale_free<double>(r.point.V(), r.point.Q(), cx.theta0);
  m.final_loss = r.loss;
  m.conserved_start = conserved(start);
  m.conserved_end = conserved(r.point);
  m.learned_target = curve(cx, r.point, 1);
  m.learned_opposite = curve(cx, r.point, -1);
  m.distance = std::numeric_limits<double>::quiet_NaN();
  if (theory) {
    m.theory_target = curve(cx, *theory, 1);
    m.theory_opposite = curve(cx, *theory, -1);
    m.distance = 0;
    for (std::size_t n = 0; n < m.learned_target.size(); ++n)
      m.distance = std::max({m.distance, std::abs(m.learned_target[n] - m.theory_target[n]),
                             std::abs(m.learned_opposite[n] - m.theory_opposite[n])});
  }
  m.seconds = seconds;
  return m;
}

SgdOptions sgd_options(const ProtocolOptions& o, long steps) {
  SgdOptions s;
  s.steps = steps;
  s.batch = o.batch;
  s.seed = o.seed;
  s.threads = o.threads;
  return s;
}

const char* update_name(exact::Update u) {
  switch (u) {
    case exact::Update::Value:
      return "v";
    case exact::Update::KeyQuery:
      return "kq";
    case exact::Update::Query:
      return "q";
    case exact::Update::Key:
      return "k";
    case exact::Update::All:
      break;
  }
  return "all";
}

// The theory point of a fine-tuning method started at `pre`: for a quadratic update, the exact
// optimum nearest the start (annealed zs+fs: minimize zs, then fs among its minimizers); for
// zero-shot full fine-tuning, F(c) with c from the balance law of the pretrained (q_x, v_y).
std::pair<std::optional<Point<double>>, std::string> theory_point(const Context& cx, const Point<double>& pre,
                                                                  exact::Update u, bool few_shot) {
  if (exact::is_quadratic(pre.kind, u)) {
    // In 50 digits: with a small residual value x-part eps the optimum is Q ~ 1/eps (C6), ill-conditioned in double.
    std::vector<exact::Objective<Float50>> stages{cx.zs.cast<Float50>()};
    if (few_shot) stages.push_back(cx.fs.cast<Float50>());
    const auto opt = exact::masked_optimum(stages, pre.cast<Float50>(), exact::coordinates(pre.kind, pre.D(), u), u);
    return {opt.point.cast<double>(), few_shot ? "exact optimum of zs, then fs (annealed limit)" : "exact zs optimum"};
  }
  if (u == exact::Update::All && !few_shot && pre.kind == Parameterization::Merged) {
    const int d = cx.opt.d;
    const double vy = std::abs(pre.V()(d + 1, d + 1));  // c = a / v_y > 0 whatever the sign
    const double qx = pre.Q().block(1, 1, d, d).trace() / d;
    const double c = closed_form::c_from_balance(qx, vy, d);
    return {Point<double>::merged(full_ft_params<double>(cx.theta0, c)),
            fmt::format("F(c), c = {:.4f} (balance law)", c)};
  }
  return {std::nullopt, ""};
}

}  // namespace

std::vector<MethodResult> run_protocol(const ProtocolOptions& opt, const ProgressFn& progress) {
  Context cx{opt, Eigen::VectorXd::Unit(opt.d, 0), {}, {}};
  const auto target = exact::TaskLaw<double>::fixed(cx.theta0);
  cx.zs = {opt.s2, {{1.0, 0, target}}};
  cx.fs = {opt.s2, {{1.0, opt.shots, target}}};
  std::vector<MethodResult> out;
  const double runs = opt.lora_rank > 0 ? 18 : 12;
  auto clock = [] { return std::chrono::steady_clock::now(); };
  auto since = [&](auto t0) { return std::chrono::duration<double>(clock() - t0).count(); };

  SgdProblem pre_problem;
  pre_problem.d = opt.d;
  pre_problem.s2 = opt.s2;
  pre_problem.shots = opt.shots;
  const double gs = closed_form::gamma_star<double>(opt.shots, Setting<double>{opt.d, opt.s2});
  std::vector<Point<double>> pretrained;
  for (auto kind : {Parameterization::Merged, Parameterization::Separate}) {
    const auto t0 = clock();
    const Point<double> init = random_init(kind, opt.d, 0.05, opt.seed);
    const auto r = sgd_train(pre_problem, init, sgd_options(opt, opt.steps_pretrain));
    out.push_back(evaluate(cx, fmt::format("pretrained ({})", parameterization_name(kind)), r, init,
                           Point<double>::merged(pretrained_params<double>(opt.d, gs)),
                           fmt::format("P(gamma*({})) = P({:.4f})", opt.shots, gs), since(t0)));
    pretrained.push_back(r.point);
    if (progress) progress(static_cast<double>(out.size()), runs);
  }

  struct Method {
    Parameterization kind;
    exact::Update update;
  };
  const std::vector<Method> methods{{Parameterization::Merged, exact::Update::All},
                                    {Parameterization::Merged, exact::Update::Value},
                                    {Parameterization::Merged, exact::Update::KeyQuery},
                                    {Parameterization::Separate, exact::Update::Query},
                                    {Parameterization::Separate, exact::Update::Key}};
  for (bool few_shot : {false, true})
    for (const Method& me : methods) {
      const auto t0 = clock();
      const Point<double>& pre = pretrained[me.kind == Parameterization::Merged ? 0 : 1];
      SgdProblem pb = pre_problem;
      pb.loss = few_shot ? SgdLoss::ZeroFew : SgdLoss::ZeroShot;
      pb.theta0 = cx.theta0;
      pb.update = me.update;
      const auto r = sgd_train(pb, pre, sgd_options(opt, opt.steps_finetune));
      auto [theory, theory_name] = theory_point(cx, pre, me.update, few_shot);
      out.push_back(evaluate(cx,
                             fmt::format("{} {}{}", few_shot ? "zs+fs" : "zs", update_name(me.update),
                                         me.kind == Parameterization::Separate ? " (separate)" : ""),
                             r, pre, std::move(theory), std::move(theory_name), since(t0)));
      if (progress) progress(static_cast<double>(out.size()), runs);
    }
  if (opt.lora_rank <= 0) return out;
  // LoRA: PEFT's adapters on the pretrained point, the factors trained by the same protocol.
  struct LoraMethod {
    Parameterization kind;
    const char* targets;
  };
  const double alpha = opt.lora_alpha > 0 ? opt.lora_alpha : 2.0 * opt.lora_rank;
  for (bool few_shot : {false, true})
    for (const LoraMethod& me : {LoraMethod{Parameterization::Merged, "v"}, LoraMethod{Parameterization::Merged, "qv"},
                                 LoraMethod{Parameterization::Separate, "qkv"}}) {
      const auto t0 = clock();
      const Point<double>& pre = pretrained[me.kind == Parameterization::Merged ? 0 : 1];
      SgdProblem pb = pre_problem;
      pb.loss = few_shot ? SgdLoss::ZeroFew : SgdLoss::ZeroShot;
      pb.theta0 = cx.theta0;
      lora::Adapted<double> ad =
          lora::peft_init(pre, lora::target_blocks(me.kind, me.targets), opt.lora_rank, alpha, opt.seed);
      const auto r = sgd_train_lora(pb, ad, sgd_options(opt, opt.steps_finetune));
      out.push_back(evaluate(cx,
                             fmt::format("{} lora_{}{}", few_shot ? "zs+fs" : "zs", me.targets,
                                         me.kind == Parameterization::Separate ? " (separate)" : ""),
                             r, pre, std::nullopt, "", since(t0)));
      if (progress) progress(static_cast<double>(out.size()), runs);
    }
  return out;
}

}  // namespace icl::train
