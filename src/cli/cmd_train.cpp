// iclverify train: one training run (the authors' SGD protocol, exact gradient descent, or exact
// gradient flow) from a random, pretrained or given point; prints the learned matrices, their
// scale-free summary and a short loss history (docs/training.md).
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli/commands.hpp"
#include "cli/engine_args.hpp"
#include "cli/inputs.hpp"
#include "cli/train_two_layer.hpp"
#include "closed_form/pretrained.hpp"
#include "lora/lora.hpp"
#include "model/arch_file.hpp"
#include "model/arch_json.hpp"
#include "model/families.hpp"
#include "report/files.hpp"
#include "train/arch_protocol.hpp"
#include "train/arch_sgd.hpp"
#include "train/exact_trainers.hpp"
#include "train/progress.hpp"
#include "train/sgd.hpp"
#include "train/summary.hpp"

namespace icl::cli {
namespace {

struct TrainArgs {
  std::string trainer, loss, update = "all", param = "merged", init, gamma, m = "20", nft = "20", d = "5",
                             sigma2 = "1/10", lr, steps, batch = "5000", momentum = "0.9", clip = "1",
                             optimizer = "sgd", seed = "1", threads, format, digits, tol = "1e-11", heads = "1",
                             layers = "1", attention = "linear", lora_targets, lora_rank = "1", lora_alpha, save_params,
                             t_max;
  bool quiet = false;
  CLI::Option *attention_opt, *d_opt, *seed_opt;
  CLI::Option *t_max_opt, *lora_targets_opt, *lora_rank_opt, *lora_alpha_opt, *save_opt, *heads_opt, *layers_opt,
      *init_opt, *update_opt, *gamma_opt, *m_opt, *nft_opt, *param_opt, *batch_opt, *momentum_opt, *clip_opt,
      *optimizer_opt, *threads_opt, *lr_opt, *steps_opt, *digits_opt, *tol_opt;
};

// Everything a run needs, read and validated.
struct TrainJob {
  int d;
  Rational s2;
  long m, nft;
  Vec<Rational> theta0;
  Point<double> start_double;            // random starts and parameter files
  std::optional<Point<Rational>> start;  // exact starts (pretrained, files)
  std::string start_name;
  exact::Update update;
  std::vector<exact::Coordinate> coords;
  train::Schedule<Rational> schedule;
  std::optional<lora::Adapted<Rational>> lora;  // --lora-targets: PEFT's adapters on the exact start
  Rational lora_alpha;
};

// --lora-targets, --lora-rank, --lora-alpha: PEFT's adapters on `start` (exact-gd and flow).
lora::Adapted<Rational> read_lora(const TrainArgs& a, const Point<Rational>& start, Rational& alpha) {
  std::vector<int> blocks;
  try {
    blocks = lora::target_blocks(start.kind, a.lora_targets);
  } catch (const std::invalid_argument& e) {
    throw InputError(fmt::format("--lora-targets: {}", e.what()));
  }
  const int D = start.D();
  const long rank = parse_integer(a.lora_rank, "--lora-rank", 1, D);
  alpha = a.lora_alpha.empty() ? Rational(2 * rank) : parse_rational(a.lora_alpha, "--lora-alpha");
  if (alpha <= 0) throw InputError(fmt::format("--lora-alpha: '{}' must be positive", a.lora_alpha));
  return lora::peft_init(start, blocks, static_cast<int>(rank), alpha, read_seed(a.seed));
}

TrainJob read_job(const TrainArgs& a) {
  TrainJob job;
  job.d = read_dimension(a.d, 1000);
  job.s2 = read_sigma2(a.sigma2);
  job.m = parse_integer(a.m, "--m", 0, 1000000);
  job.nft = parse_integer(a.nft, "--nft", 0, 1000000);
  applies_only_to(a.loss == "zs+fs", a.nft_opt, "--loss zs+fs");
  job.theta0 = first_axis<Rational>(job.d);
  job.update = read_update(a.update);
  const bool sgd = a.trainer == "sgd";
  for (const CLI::Option* opt : {a.batch_opt, a.momentum_opt, a.clip_opt, a.optimizer_opt, a.threads_opt})
    applies_only_to(sgd, opt, "--trainer sgd");
  applies_only_to(a.trainer != "flow", a.lr_opt, "--trainer sgd or exact-gd");
  applies_only_to(a.trainer != "flow", a.steps_opt, "--trainer sgd or exact-gd");
  applies_only_to(a.trainer == "flow", a.tol_opt, "--trainer flow");
  applies_only_to(a.trainer == "flow", a.t_max_opt, "--trainer flow");
  applies_only_to(!sgd, a.digits_opt, "--trainer exact-gd or flow");
  if (a.trainer == "flow" && a.loss == "zs+fs")
    throw InputError(
        "--loss zs+fs anneals its few-shot weight over the steps; --trainer flow needs a fixed loss "
        "(use exact-gd or sgd)");

  // The starting point.
  const std::string init = a.init.empty() ? (a.loss == "pretrain" ? "random" : "pretrained") : a.init;
  const auto kind = read_parameterization(a.param);
  applies_only_to(init == "pretrained", a.gamma_opt, "--init pretrained");
  if (init == "random") {
    job.start_double = train::random_init(kind, job.d, 0.05, read_seed(a.seed));
    job.start_name = "random N(0, 0.05^2)";
  } else if (init == "pretrained") {
    const Rational gamma = a.gamma_opt->count() > 0 ? parse_rational(a.gamma, "--gamma")
                                                    : closed_form::gamma_star(job.m, Setting<Rational>{job.d, job.s2});
    job.start = in_parameterization(pretrained_params(job.d, gamma), kind);
    job.start_name = fmt::format("P(gamma={})", to_fraction(gamma));
  } else {
    reject_parameterization_of_file(a.param_opt);
    job.start = read_params(init, job.d, "--init").point;
    job.start_name = init;
  }
  if (job.start) job.start_double = job.start->cast<double>();
  job.coords = update_coordinates(job.start_double.kind, job.start_double.D(), a.update);
  const bool lora = a.lora_targets_opt->count() > 0;
  for (const CLI::Option* opt : {a.lora_rank_opt, a.lora_alpha_opt}) applies_only_to(lora, opt, "--lora-targets");
  if (lora) {
    if (!job.start) throw InputError("--lora-targets: LoRA fine-tunes a given point (--init pretrained or a FILE)");
    if (a.update_opt->count() > 0)
      throw InputError("--update with --lora-targets: the adapters' targets say what is trained");
    job.lora = read_lora(a, *job.start, job.lora_alpha);
  }

  // The loss.
  const auto target = exact::TaskLaw<Rational>::fixed(job.theta0);
  if (a.loss == "pretrain") {
    job.schedule.fixed = {job.s2, {{Rational(1), job.m, exact::TaskLaw<Rational>::sphere()}}};
  } else {
    job.schedule.fixed = {job.s2, {{Rational(1), 0, target}}};
    if (a.loss == "zs+fs") job.schedule.annealed = exact::LossTerm<Rational>{Rational(1), job.nft, target};
  }
  return job;
}

template <class T>
std::string show(const T& x, int digits) {
  return digits > 0 ? to_decimal(to_float50(x), digits) : to_decimal(to_double(x));
}

// The adapters of a LoRA run: table lines and JSON.
template <class T>
std::string lora_text(const TrainArgs& a, const TrainJob& job, const lora::Adapted<T>& ad, int digits) {
  const auto names = block_names(ad.base.kind);
  std::string out = fmt::format(
      "lora: targets={} rank={} alpha={} scale alpha/r={} (base frozen; matrices above are "
      "W0 + (alpha/r) B A)\n",
      a.lora_targets, ad.rank(), to_fraction(job.lora_alpha), show(ad.scale, digits));
  const auto start = lora::balances(job.lora->template cast<T>());
  const auto end = lora::balances(ad);
  for (std::size_t i = 0; i < ad.adapters.size(); ++i) {
    const auto& x = ad.adapters[i];
    const std::string name = names[static_cast<std::size_t>(x.block)];
    out += fmt::format("  {}: drift of the balance A A^T - B^T B = {}\n", name,
                       show(T((end[i] - start[i]).cwiseAbs().maxCoeff()), digits));
    out += fmt::format("  A_{}:\n{}", name, matrix_text(matrix_strings(x.A, digits > 0 ? digits : 6), "    "));
    out += fmt::format("  B_{}:\n{}", name, matrix_text(matrix_strings(x.B, digits > 0 ? digits : 6), "    "));
  }
  return out;
}

template <class T>
nlohmann::json lora_json(const TrainArgs& a, const TrainJob& job, const lora::Adapted<T>& ad, int digits) {
  const auto names = block_names(ad.base.kind);
  nlohmann::json j{{"targets", a.lora_targets},
                   {"rank", ad.rank()},
                   {"alpha", to_fraction(job.lora_alpha)},
                   {"scale", show(ad.scale, digits)}};
  for (const auto& x : ad.adapters) {
    const std::string name = names[static_cast<std::size_t>(x.block)];
    j["A"][name] = matrix_strings(x.A, digits > 0 ? digits : 17);
    j["B"][name] = matrix_strings(x.B, digits > 0 ? digits : 17);
  }
  return j;
}

template <class T>
Result render(const TrainArgs& a, const TrainJob& job, const train::TrainResult<T>& r, double secs, int digits,
              const std::optional<lora::Adapted<T>>& ad = std::nullopt) {
  const auto names = block_names(r.point.kind);
  const Mat<T> Q = r.point.Q();
  const auto sf = train::scale_free<T>(r.point.V(), Q, job.theta0.template cast<T>());
  const std::string precision = digits > 0 ? "50 digits" : "double";
  if (a.format == "json") {
    nlohmann::json j;
    j["trainer"] = a.trainer;
    j["loss"] = a.loss;
    j["update"] = a.update;
    j["parameterization"] = parameterization_name(r.point.kind);
    j["init"] = job.start_name;
    j["d"] = job.d;
    j["sigma2"] = to_fraction(job.s2);
    j["theta0"] = theta_text(job.theta0);
    j["precision"] = a.trainer == "sgd" ? "double" : precision;
    for (std::size_t b = 0; b < names.size(); ++b)
      j[names[b]] = matrix_strings(r.point.blocks[b], digits > 0 ? digits : 17);
    if (r.point.kind == Parameterization::Separate) j["Q"] = matrix_strings(Q, digits > 0 ? digits : 17);
    j["final_loss"] = show(r.loss, digits);
    j["gradient_norm"] = show(r.grad_norm, digits);
    j["conserved"] = show(train::conserved(r.point), digits);
    j["steps"] = r.steps;
    j["evaluations"] = r.evaluations;
    if (a.trainer == "flow") {
      j["flow_time"] = r.time;
      j["converged"] = r.converged;
    }
    for (const auto& [name, value] : train::named(sf)) j["scale_free"][name] = show(value, digits);
    j["history"] = nlohmann::json::array();
    for (const auto& h : r.history)
      j["history"].push_back({{"step", h.step},
                              {"time", h.time},
                              {"loss", show(h.loss, digits)},
                              {"conserved", show(h.conserved, digits)}});
    if (ad) j["lora"] = lora_json(a, job, *ad, digits);
    j["seconds"] = secs;
    return {j.dump(2) + "\n", 0};
  }
  std::string out = fmt::format("# train: trainer={} loss={} update={} param={} init={} d={} sigma2={} theta0=e_1 {}\n",
                                a.trainer, a.loss, ad ? "lora" : a.update, parameterization_name(r.point.kind),
                                job.start_name, job.d, to_fraction(job.s2), a.trainer == "sgd" ? "double" : precision);
  out += fmt::format("{:>10}  {:>12}  {:>22}  {:>22}\n", a.trainer == "flow" ? "step" : "step",
                     a.trainer == "flow" ? "flow time" : "time", a.trainer == "sgd" ? "batch loss" : "loss",
                     "|Q|^2 - |v|^2");
  for (const auto& h : r.history)
    out += fmt::format("{:>10}  {:>12.6g}  {:>22}  {:>22}\n", h.step, h.time, show(h.loss, digits),
                       show(h.conserved, digits));
  out += fmt::format("final loss = {}\n", show(r.loss, digits));
  if (a.trainer != "sgd") out += fmt::format("gradient norm = {}\n", show(r.grad_norm, digits));
  if (a.trainer == "flow")
    out += fmt::format("flow: {} at time {:.6g} after {} steps ({} gradient evaluations)\n",
                       r.converged ? "converged" : "NOT converged", r.time, r.steps, r.evaluations);
  out += "scale-free summary:\n";
  for (const auto& [name, value] : train::named(sf)) out += fmt::format("  {:<38} {}\n", name, show(value, digits));
  for (std::size_t b = 0; b < names.size(); ++b)
    out +=
        fmt::format("{}:\n{}", names[b], matrix_text(matrix_strings(r.point.blocks[b], digits > 0 ? digits : 6), "  "));
  if (ad) out += lora_text(a, job, *ad, digits);
  out += fmt::format("seconds = {:.3f}\n", secs);
  return {out, 0};
}

// An exact scalar's value as an exact rational (double and Float50 values are binary fractions).
template <class T>
Rational exact_value(const T& x) {
  if constexpr (std::is_same_v<T, double>)
    return Rational(x);
  else
    return x.template convert_to<Rational>();
}

template <class T>
Mat<Rational> exact_matrix(const Mat<T>& m) {
  return m.unaryExpr([](const T& x) { return exact_value(x); });
}

// --save-params FILE: the learned point (a LoRA run: with its factors) with exact binary entries.
template <class T>
void save_learned(const TrainArgs& a, const TrainJob& job, const train::TrainResult<T>& r,
                  const std::optional<lora::Adapted<T>>& ad) {
  if (a.save_params.empty()) return;
  if (ad) {
    lora::Adapted<Rational> exact{job.lora->base, {}, job.lora->scale};
    for (const auto& x : ad->adapters) exact.adapters.push_back({x.block, exact_matrix(x.A), exact_matrix(x.B)});
    report::write_file_atomic(a.save_params, lora::lora_params_json(exact, a.lora_targets, job.lora_alpha));
    return;
  }
  Point<Rational> p{r.point.kind, {}};
  for (const auto& b : r.point.blocks) p.blocks.push_back(exact_matrix(b));
  report::write_file_atomic(a.save_params, params_to_json(p) + "\n");
}

// The options of the exact trainers (exact-gd, flow).
struct ExactTrainerOptions {
  train::GdOptions gd;
  train::FlowOptions flow;
};

ExactTrainerOptions read_exact_trainer_options(const TrainArgs& a) {
  ExactTrainerOptions o;
  if (a.trainer == "flow") {
    o.flow.grad_tol = read_positive(a.tol, "--tol");
    if (!a.t_max.empty()) o.flow.t_max = read_positive(a.t_max, "--t-max");
    // The loss is of degree 8 in the factors: a first trial step of 1e-2 can overshoot by orders of
    // magnitude (d = 20), which the divergence check would take for an explosion.
    if (a.lora_targets_opt->count() > 0) o.flow.initial_step = 1e-5;
  } else {
    o.gd.lr = a.lr.empty() ? 0.1 : read_positive(a.lr, "--lr");
    o.gd.steps = a.steps.empty() ? 1000 : parse_integer(a.steps, "--steps", 1, 1000000000);
  }
  return o;
}

template <class T, class Field>
train::TrainResult<T> run_field(const TrainArgs& a, const ExactTrainerOptions& o, const train::Schedule<T>& schedule,
                                const Field& field, const train::ProgressFn& progress) {
  if (a.trainer == "flow") return train::gradient_flow_field(schedule.fixed, field, o.flow, progress);
  return train::gradient_descent_field(schedule, field, o.gd, progress);
}

template <class T>
Result run_exact(const TrainArgs& a, const TrainJob& job, const ExactTrainerOptions& o, int digits) {
  const Point<T> start = job.start ? job.start->template cast<T>() : job.start_double.template cast<T>();
  const auto schedule = job.schedule.template cast<T>();
  train::ProgressBar bar("train", a.quiet);
  const auto t0 = std::chrono::steady_clock::now();
  train::TrainResult<T> r;
  std::optional<lora::Adapted<T>> ad;
  if (job.lora) {
    const lora::Field<T> field{job.lora->template cast<T>()};
    r = run_field(a, o, schedule, field, bar.callback());
    ad = field.adapted(r.x);
  } else {
    r = run_field(a, o, schedule, train::CoordinateField<T>{start, job.coords}, bar.callback());
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  save_learned(a, job, r, ad);
  return render(a, job, r, secs, digits, ad);
}

// The stochastic trainers' loss (pretrain, zs, zs+fs) and their optimizer options, shared by one
// head and L x H heads. Throws InputError naming the flag.
train::SgdLoss sgd_loss(const std::string& loss) {
  return loss == "pretrain" ? train::SgdLoss::Pretrain
                            : (loss == "zs" ? train::SgdLoss::ZeroShot : train::SgdLoss::ZeroFew);
}

train::SgdOptions read_sgd_options(const TrainArgs& a) {
  train::SgdOptions opt;
  opt.optimizer = a.optimizer == "adam" ? train::Optimizer::Adam : train::Optimizer::Sgd;
  opt.lr = a.lr.empty() ? 0.01 : read_positive(a.lr, "--lr");
  opt.momentum = read_positive(a.momentum, "--momentum", true);
  if (opt.momentum >= 1) throw InputError(fmt::format("--momentum: '{}' must be < 1", a.momentum));
  opt.clip = read_positive(a.clip, "--clip", true);
  opt.steps = a.steps.empty() ? 5000 : parse_integer(a.steps, "--steps", 1, 1000000000);
  opt.batch = parse_integer(a.batch, "--batch", 1, 100000000);
  opt.seed = read_seed(a.seed);
  opt.threads = read_threads(a.threads);
  return opt;
}

Result run_sgd(const TrainArgs& a, const TrainJob& job, const train::SgdOptions& opt) {
  train::SgdProblem pb;
  pb.d = job.d;
  pb.s2 = job.s2.convert_to<double>();
  pb.loss = sgd_loss(a.loss);
  pb.shots = a.loss == "pretrain" ? job.m : job.nft;
  pb.theta0 = job.theta0.cast<double>();
  pb.update = job.update;
  train::ProgressBar bar("train", a.quiet);
  const auto t0 = std::chrono::steady_clock::now();
  if (job.lora) {
    lora::Adapted<double> ad = job.lora->cast<double>();
    const auto r = train::sgd_train_lora(pb, ad, opt, bar.callback());
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    save_learned(a, job, r, std::optional<lora::Adapted<double>>(ad));
    return render(a, job, r, secs, 0, std::optional<lora::Adapted<double>>(ad));
  }
  const auto r = train::sgd_train(pb, job.start_double, opt, bar.callback());
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  save_learned(a, job, r, std::optional<lora::Adapted<double>>());
  return render(a, job, r, secs, 0);
}

// --heads/--layers: one run of L layers x H heads (separate V, Q, K) by the authors' stochastic protocol,
// read and checked: the problem, the optimizer and the start.
struct ArchTrainJob {
  train::ArchProblem pb;
  train::SgdOptions opt;
  Arch<double> start;
  std::string init_name = "random N(0, 0.05^2)";
};

ArchTrainJob read_arch_train_job(const TrainArgs& a) {
  if (a.trainer != "sgd")
    throw InputError(
        "--heads/--layers/--attention (and --init files of softmax attention or L x H heads) train with --trainer sgd "
        "only (two layers exactly: --trainer exact-bfgs)");
  for (const CLI::Option* opt : {a.param_opt, a.gamma_opt, a.digits_opt, a.tol_opt, a.t_max_opt, a.lora_targets_opt,
                                 a.lora_rank_opt, a.lora_alpha_opt})
    applies_only_to(false, opt, "one layer with one head (not --heads/--layers)");
  const bool from_file = a.init_opt->count() > 0 && a.init != "random";
  if (from_file && a.init == "pretrained")
    throw InputError("--init: 'pretrained' with --heads/--layers/--attention: a random start or a parameter FILE");
  if (a.update == "kq") throw InputError("--update kq with --heads/--layers: use all, q, k or v");
  ArchTrainJob job;
  train::ArchProblem& pb = job.pb;
  pb.d = read_dimension(a.d, 1000);
  pb.noise_std = std::sqrt(read_sigma2(a.sigma2).convert_to<double>());
  pb.loss = sgd_loss(a.loss);
  const long m = parse_integer(a.m, "--m", 0, 1000000), nft = parse_integer(a.nft, "--nft", 0, 1000000);
  applies_only_to(a.loss == "zs+fs", a.nft_opt, "--loss zs+fs");
  pb.shots = a.loss == "pretrain" ? m : nft;
  pb.theta0 = Eigen::VectorXd::Unit(pb.d, 0);
  pb.update = a.update == "q"   ? train::ArchUpdate::Q
              : a.update == "k" ? train::ArchUpdate::K
              : a.update == "v" ? train::ArchUpdate::V
                                : train::ArchUpdate::All;
  job.opt = read_sgd_options(a);
  const Attention attention = a.attention == "softmax" ? Attention::Softmax : Attention::Linear;
  if (from_file) {  // a parameter file of any layout (softmax or linear), separate heads
    const ArchParamsFile f =
        read_arch_params(a.init, a.d_opt->count() > 0 ? std::optional(pb.d) : std::nullopt, true, "--init");
    if (a.heads_opt->count() > 0 && read_heads(a.heads) != f.arch.H())
      throw InputError(fmt::format("--heads: {} does not match the parameter file (H = {})", a.heads, f.arch.H()));
    if (a.layers_opt->count() > 0 && read_layers(a.layers) != f.arch.L())
      throw InputError(fmt::format("--layers: {} does not match the parameter file (L = {})", a.layers, f.arch.L()));
    if (a.attention_opt->count() > 0 && attention != f.arch.attention)
      throw InputError(fmt::format("--attention: {} does not match the parameter file ({})", a.attention,
                                   attention_name(f.arch.attention)));
    if (f.arch.kind() != Parameterization::Separate)
      throw InputError(fmt::format("--init: {} has merged heads; training L x H heads needs separate V, Q, K", a.init));
    job.start = f.arch.cast<double>();
    pb.d = f.d;
    pb.theta0 = Eigen::VectorXd::Unit(pb.d, 0);
    job.init_name = a.init;
  } else {
    job.start = train::random_arch(read_layers(a.layers), read_heads(a.heads), pb.d, 0.05, job.opt.seed);
    job.start.attention = attention;
  }
  return job;
}

Result run_arch_train(const TrainArgs& a, const ArchTrainJob& job) {
  const train::ArchProblem& pb = job.pb;
  const std::string& init_name = job.init_name;
  const int H = job.start.H(), L = job.start.L();
  train::ProgressBar bar("train", a.quiet);
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = train::arch_train(pb, job.start, job.opt, bar.callback());
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!a.save_params.empty())  // exact binary entries, the "layers" layout (risk --params, train --init)
    report::write_file_atomic(
        a.save_params,
        arch_json(r.arch, ArchLayout::Layers, [](double x) { return to_fraction(Rational(x)); }).dump(2) + "\n");

  if (a.format == "json") {
    nlohmann::json j{{"trainer", "sgd"},
                     {"loss", a.loss},
                     {"update", a.update},
                     {"layers", L},
                     {"heads", H},
                     {"init", init_name},
                     {"d", pb.d},
                     {"sigma2", a.sigma2},
                     {"theta0", "e_1"},
                     {"final_loss", r.loss},
                     {"steps", r.steps},
                     {"seconds", secs},
                     {"attention", attention_name(r.arch.attention)}};
    j["parameters"] = arch_json(r.arch, ArchLayout::Layers);
    j["allparam"] = arch_json(r.arch, ArchLayout::Allparam)["allparam"];
    j["scale_free"] = nlohmann::json::array();
    for (const auto& layer : r.arch.layers) {
      nlohmann::json heads = nlohmann::json::array();
      for (const auto& h : layer) {
        nlohmann::json x;
        for (const auto& [name, value] : train::named(train::head_summary(h, H, pb.theta0))) x[name] = value;
        heads.push_back(x);
      }
      j["scale_free"].push_back(heads);
    }
    j["history"] = nlohmann::json::array();
    for (const auto& h : r.history) j["history"].push_back({{"step", h.step}, {"loss", h.loss}});
    return {j.dump(2) + "\n", 0};
  }
  std::string out = fmt::format(
      "# train: trainer=sgd loss={} update={} layers={} heads={} attention={} init={} d={} sigma2={} "
      "theta0=e_1 double\n",
      a.loss, a.update, L, H, attention_name(r.arch.attention), init_name, pb.d, a.sigma2);
  out += fmt::format("{:>10}  {:>22}\n", "step", "batch loss");
  for (const auto& h : r.history) out += fmt::format("{:>10}  {:>22}\n", h.step, to_decimal(h.loss));
  out += fmt::format("final loss = {}\n", to_decimal(r.loss));
  for (int l = 0; l < L; ++l)
    for (int h = 0; h < H; ++h) {
      const auto& head = r.arch.layers[static_cast<std::size_t>(l)][static_cast<std::size_t>(h)];
      out += fmt::format("layer {} head {}: scale-free summary (V_h / H, M_h = Q_h^T K_h):\n", l, h);
      for (const auto& [name, value] : train::named(train::head_summary(head, H, pb.theta0)))
        out += fmt::format("  {:<38} {}\n", name, to_decimal(value));
      for (const auto& [name, m] :
           {std::pair<const char*, const Eigen::MatrixXd*>{"V", &head.V}, {"Q", &head.Q}, {"K", &head.K}})
        out += fmt::format("  {}:\n{}", name, matrix_text(matrix_strings(*m, 6), "    "));
    }
  out += fmt::format("seconds = {:.3f}\n", secs);
  return {out, 0};
}

// --init FILE holding softmax attention or more than one layer or head trains by the L x H trainer (the
// one-head engines are one linear head).
bool init_is_arch_file(const TrainArgs& a) {
  if (a.init.empty() || a.init == "random" || a.init == "pretrained") return false;
  try {
    const Arch<Rational> arch = read_arch_file(a.init, "--init");
    return arch.softmax() || arch.L() != 1 || arch.H() != 1;
  } catch (const InputError&) {
    return false;  // the one-head path names the problem
  }
}

// --save-params FILE: its directory exists (the file is written by the job).
void check_save_params(const TrainArgs& a) {
  if (a.save_params.empty()) return;
  const auto dir = std::filesystem::path(a.save_params).parent_path();
  if (!dir.empty() && !std::filesystem::is_directory(dir))
    throw InputError(fmt::format("--save-params: the directory '{}' does not exist", dir.string()));
}

// --trainer exact-bfgs: a parameter FILE of L <= 2 layers x H heads with linear attention and d within
// the exact two-layer engine, the coordinates of --update and the fixed loss, read and checked.
TwoLayerTrainRequest read_two_layer_request(const TrainArgs& a) {
  namespace tl = exact::two_layer;
  for (const CLI::Option* opt :
       {a.param_opt, a.gamma_opt, a.lr_opt, a.batch_opt, a.momentum_opt, a.clip_opt, a.optimizer_opt, a.threads_opt,
        a.digits_opt, a.tol_opt, a.t_max_opt, a.lora_targets_opt, a.lora_rank_opt, a.lora_alpha_opt, a.heads_opt,
        a.layers_opt, a.attention_opt, a.seed_opt})
    applies_only_to(false, opt, "other trainers than exact-bfgs (its model is the --init FILE, its run deterministic)");
  applies_only_to(a.loss == "zs+fs", a.nft_opt, "--loss zs+fs");
  applies_only_to(a.loss == "pretrain", a.m_opt, "--loss pretrain");
  if (a.init_opt->count() == 0 || a.init == "random" || a.init == "pretrained")
    throw InputError("--trainer exact-bfgs needs --init FILE (a parameter file of L <= 2 layers x H heads)");
  const ArchParamsFile f = read_arch_params(
      a.init, a.d_opt->count() > 0 ? std::optional(read_dimension(a.d, 1000)) : std::nullopt, true, "--init");
  if (f.arch.softmax()) throw softmax_is_not_exact(a.init, "--trainer exact-bfgs");
  if (f.arch.L() > 2)
    throw InputError(fmt::format("--init: {} has L = {} layers; the exact engine (--trainer exact-bfgs) covers L <= 2",
                                 a.init, f.arch.L()));
  if (f.d > tl::kMaxD)
    throw InputError(
        fmt::format("--init: {} has d = {}; the exact two-layer engine (--trainer exact-bfgs) covers d <= {}", a.init,
                    f.d, tl::kMaxD));
  TwoLayerTrainRequest r;
  r.start = f.arch.cast<double>();
  r.init_name = a.init;
  r.loss = a.loss;
  r.update = a.update;
  r.set = a.update == "v"    ? tl::CoordinateSet::Value
          : a.update == "q"  ? tl::CoordinateSet::Query
          : a.update == "k"  ? tl::CoordinateSet::Key
          : a.update == "kq" ? tl::CoordinateSet::KeyQuery
                             : tl::CoordinateSet::All;
  if (r.start.kind() == Parameterization::Merged && (a.update == "q" || a.update == "k"))
    throw InputError(
        fmt::format("--update {}: {} has merged heads (one M = Q^T K); q-only and k-only need separate "
                    "V, Q, K (use kq for M)",
                    a.update, a.init));
  r.s2 = read_sigma2(a.sigma2);
  const long m = parse_integer(a.m, "--m", 0, 1000000), nft = parse_integer(a.nft, "--nft", 0, 1000000);
  r.terms = two_layer_terms(a.loss, f.d, m, nft, r.loss_text);
  r.fit.max_iterations = a.steps.empty() ? 3000 : parse_integer(a.steps, "--steps", 0, 1000000000);
  check_save_params(a);
  r.save_params = a.save_params;
  r.format = a.format;
  return r;
}

// The request: one run of L x H heads (--heads/--layers/--attention or a softmax file; exact-bfgs) or
// of one head, every option read and checked, --save-params checked (written by the job).
struct TrainRequest {
  TrainArgs a;
  std::optional<ArchTrainJob> arch;
  std::optional<TwoLayerTrainRequest> two_layer;
  std::optional<TrainJob> one_head;
  int digits = 0;
  train::SgdOptions sgd;      // --trainer sgd
  ExactTrainerOptions exact;  // --trainer exact-gd or flow
};

TrainRequest train_request(const TrainArgs& a) {
  TrainRequest r{a, {}, {}, {}, 0, {}, {}};
  if (a.trainer == "exact-bfgs") {
    r.two_layer = read_two_layer_request(a);
    return r;
  }
  if (a.heads_opt->count() > 0 || a.layers_opt->count() > 0 || a.attention_opt->count() > 0 || init_is_arch_file(a)) {
    r.arch = read_arch_train_job(a);
    check_save_params(a);
    return r;
  }
  r.one_head = read_job(a);
  check_save_params(a);
  r.digits = a.digits_opt->count() > 0 ? read_digits(a.digits) : 0;
  if (a.trainer == "sgd")
    r.sgd = read_sgd_options(a);
  else
    r.exact = read_exact_trainer_options(a);
  return r;
}

Result run_train(const TrainRequest& r) {
  const TrainArgs& a = r.a;
  try {
    if (r.arch) return run_arch_train(a, *r.arch);
    if (r.two_layer) return run_two_layer_train(*r.two_layer);
    if (a.trainer == "sgd") return run_sgd(a, *r.one_head, r.sgd);
    if (r.digits > 0) return run_exact<Float50>(a, *r.one_head, r.exact, r.digits);
    return run_exact<double>(a, *r.one_head, r.exact, 0);
  } catch (const train::DivergenceError& e) {
    return {"", 3, fmt::format("iclverify: error: train {}\n", e.what())};
  }
}

}  // namespace

Runner add_train(CLI::App& app) {
  auto a = std::make_shared<TrainArgs>();
  app.add_option("--trainer", a->trainer,
                 "sgd (the authors' protocol on sampled prompts), exact-gd (gradient descent on the exact risk), "
                 "flow (gradient flow on the exact risk, adaptive Dormand-Prince 5(4), run to convergence) or "
                 "exact-bfgs (L <= 2 layers x H heads from --init FILE: BFGS then Newton on the exact risk at fixed "
                 "shots, end point certified stationary in 50 digits; zs+fs has fixed weights 1, 1)")
      ->type_name("NAME")
      ->required()
      ->check(CLI::IsMember({"sgd", "exact-gd", "flow", "exact-bfgs"}));
  app.add_option("--loss", a->loss,
                 "pretrain = R(M shots, theta on the sphere); zs = R(0, theta0); zs+fs = zs + W_t R(NFT, theta0) with "
                 "W_t annealed linearly from 1 to 0 over the steps")
      ->type_name("LOSS")
      ->required()
      ->check(CLI::IsMember({"pretrain", "zs", "zs+fs"}));
  a->update_opt =
      app.add_option("--update", a->update, "Parameters trained: all (default), v, kq, q or k (q, k: --param separate)")
          ->type_name("WHICH")
          ->check(CLI::IsMember({"all", "v", "kq", "q", "k"}));
  a->param_opt = add_parameterization(app, a->param);
  a->init_opt =
      app.add_option("--init", a->init,
                     "random (entries N(0, 0.05^2) from --seed; default for pretrain), pretrained (P(gamma); default "
                     "otherwise) or a parameter FILE (JSON, as iclverify grad reads)")
          ->type_name("INIT");
  a->gamma_opt = app.add_option("--gamma", a->gamma, "gamma of --init pretrained (default gamma*(M))")->type_name("G");
  a->m_opt = app.add_option("--m", a->m, "Pretraining shots M (default 20)")->type_name("M");
  a->nft_opt = app.add_option("--nft", a->nft, "Shots of the few-shot term of zs+fs (default 20)")->type_name("N");
  a->d_opt = add_dimension(app, a->d, "at most 1000");
  add_sigma2(app, a->sigma2);
  a->lr_opt = app.add_option("--lr", a->lr, "Learning rate (default: sgd 0.01, exact-gd 0.1)")->type_name("L");
  a->steps_opt =
      app.add_option("--steps", a->steps,
                     "Updates (default: sgd 5000, exact-gd 1000); exact-bfgs: BFGS iterations cap (default 3000)")
          ->type_name("T");
  a->batch_opt = app.add_option("--batch", a->batch, "sgd: prompts per step (default 5000)")->type_name("B");
  a->momentum_opt =
      app.add_option("--momentum", a->momentum, "sgd: momentum, Adam's beta1 (default 0.9)")->type_name("M");
  a->clip_opt =
      app.add_option("--clip", a->clip, "sgd: global gradient-norm clip, 0 = none (default 1)")->type_name("C");
  a->optimizer_opt = app.add_option("--optimizer", a->optimizer, "sgd: sgd (default) or adam")
                         ->type_name("NAME")
                         ->check(CLI::IsMember({"sgd", "adam"}));
  a->seed_opt = add_seed(app, a->seed, "the random start and of sgd's prompts");
  a->threads_opt = add_threads(app, a->threads, "sgd only");
  a->digits_opt = add_digits(app, a->digits, "exact-gd, flow: evaluate in 50-digit floating point");
  a->tol_opt = app.add_option("--tol", a->tol, "flow: stop when the gradient norm is below this (default 1e-11)")
                   ->type_name("TOL");
  a->heads_opt = app.add_option("--heads", a->heads,
                                "sgd: heads per layer H with separate V, Q, K (given: L x H model, random start)")
                     ->type_name("H");
  a->layers_opt = app.add_option("--layers", a->layers, "sgd: layers L (given: L x H model)")->type_name("L");
  a->attention_opt = app.add_option("--attention", a->attention,
                                    "sgd: linear (default) or softmax attention (given: L x H model; a softmax "
                                    "--init FILE implies it; docs/beyond.md#softmax-attention)")
                         ->type_name("KIND")
                         ->check(CLI::IsMember({"linear", "softmax"}));
  a->t_max_opt = app.add_option("--t-max", a->t_max, "flow: stop at this flow time, converged or not (default 1e7)")
                     ->type_name("T");
  a->lora_targets_opt =
      app.add_option("--lora-targets", a->lora_targets,
                     "train LoRA adapters W = W0 + (alpha/r) B A (PEFT's init: A uniform +-1/sqrt(D) from "
                     "--seed, B = 0) on these matrices, the base frozen: letters q (merged: Q), k (separate only), v")
          ->type_name("LIST");
  a->lora_rank_opt = app.add_option("--lora-rank", a->lora_rank, "LoRA rank r, 1..D (default 1)")->type_name("R");
  a->lora_alpha_opt =
      app.add_option("--lora-alpha", a->lora_alpha, "LoRA alpha > 0, scale alpha/r (default 2 r, LLaMA-Factory's)")
          ->type_name("A");
  a->save_opt = app.add_option("--save-params", a->save_params,
                               "write the learned point as a parameter FILE (exact binary entries; a "
                               "LoRA run: the merged matrices and, under \"lora\", the factors)")
                    ->type_name("FILE");
  add_format(app, a->format, {"table", "json"});
  add_quiet(app, a->quiet);
  app.footer(
      "The task theta0 is e_1. Exit status: 0; 2 on bad input; 3 if the run diverged (NaN, Inf or an exploding\n"
      "loss; one line names the step, nothing on stdout).\n"
      "Example: iclverify train --trainer flow --loss zs --gamma 10/13\n");
  return [a] { return job(train_request(*a), run_train); };
}

}  // namespace icl::cli
