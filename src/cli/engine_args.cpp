#include "cli/engine_args.hpp"

#include <fmt/format.h>

#include "cli/inputs.hpp"
#include "closed_form/pretrained.hpp"
#include "model/families.hpp"

namespace icl::cli {

void add_engine_options(CLI::App& app, EngineArgs& a, bool with_annealed) {
  a.params_opt = add_params(app, a.params, "the point (instead of --gamma or --m)");
  a.gamma_opt = app.add_option("--gamma", a.gamma, "Use the pretrained point P(gamma) (needs --d)")->type_name("G");
  a.m_opt = app.add_option("--m", a.m,
                           "Pretraining shots M: the point P(gamma*(M)) unless --gamma or --params is given, and the "
                           "shots of --loss pretrain")
                ->type_name("M");
  a.d_opt = add_dimension(app, a.d, "must match --params if both are given");
  add_sigma2(app, a.sigma2);
  a.theta_opt = add_theta(app, a.theta, "the fine-tuning task (default e_1)");
  app.add_option("--loss", a.loss, "zs = R(0, theta0); fs = R(NFT, theta0); zs+fs = zs + W fs; pretrain = R(M, sphere)")
      ->type_name("LOSS")
      ->required()
      ->check(CLI::IsMember({"zs", "fs", "zs+fs", "pretrain"}));
  a.nft_opt = app.add_option("--nft", a.nft, "Shots of the few-shot loss (fs, zs+fs)")->type_name("N");
  a.weight_opt =
      app.add_option("--weight", a.weight, "Weight W > 0 of the few-shot term in zs+fs (default 1)")->type_name("W");
  a.param_opt = add_parameterization(app, a.param);
  if (with_annealed)
    app.add_flag("--annealed", a.annealed,
                 "zs+fs in the limit W -> 0+ (the end of the annealed schedule): minimize zs, then fs among the "
                 "minimizers of zs");
}

EngineJob read_engine_job(const EngineArgs& a) {
  EngineJob job;
  job.s2 = read_sigma2(a.sigma2);
  const bool has_m = a.m_opt->count() > 0;
  const long m = has_m ? parse_integer(a.m, "--m", 0, 1000000000) : 0;

  if (a.params_opt->count() > 0) {
    if (a.gamma_opt->count() > 0) throw InputError("--params and --gamma exclude each other");
    reject_parameterization_of_file(a.param_opt);
    ParamsFile file = read_params(a.params, a.d_opt->count() > 0 ? std::optional(read_dimension(a.d)) : std::nullopt);
    job.point = std::move(file.point);
    job.point_name = a.params;
    job.d = file.d;
  } else {
    if (a.d_opt->count() == 0) throw InputError("--d is required unless --params gives the point");
    job.d = read_dimension(a.d);
    Rational gamma;
    if (a.gamma_opt->count() > 0) {
      gamma = parse_rational(a.gamma, "--gamma");
      job.point_name = fmt::format("P(gamma={})", to_fraction(gamma));
    } else if (has_m) {
      gamma = closed_form::gamma_star(m, Setting<Rational>{job.d, job.s2});
      job.point_name = fmt::format("P(gamma*({})={})", m, to_fraction(gamma));
    } else {
      throw InputError("give the point: --params FILE, --gamma G or --m M (the pretrained P(gamma*(M)))");
    }
    job.point = in_parameterization(pretrained_params(job.d, gamma), read_parameterization(a.param));
  }
  job.theta0 = read_theta(a.theta_opt, a.theta, job.d);

  job.loss = a.loss;
  const auto target = exact::TaskLaw<Rational>::fixed(job.theta0);
  const bool few_shot = a.loss == "fs" || a.loss == "zs+fs";
  if (few_shot != (a.nft_opt->count() > 0))
    throw InputError(few_shot ? fmt::format("--loss {} needs --nft N", a.loss)
                              : fmt::format("--nft applies to --loss fs or zs+fs, not {}", a.loss));
  applies_only_to(a.loss == "zs+fs", a.weight_opt, "--loss zs+fs");
  if (a.annealed && a.loss != "zs+fs") throw InputError("--annealed applies to --loss zs+fs only");
  if (a.annealed && a.weight_opt->count() > 0) throw InputError("--annealed and --weight exclude each other");
  const long nft = few_shot ? parse_integer(a.nft, "--nft", 0, 1000000000) : 0;
  const exact::LossTerm<Rational> zs{Rational(1), 0, target};
  const exact::LossTerm<Rational> fs{Rational(1), nft, target};
  if (a.loss == "zs") {
    job.stages = {{job.s2, {zs}}};
    job.loss_text = "R(0, theta0)";
  } else if (a.loss == "fs") {
    job.stages = {{job.s2, {fs}}};
    job.loss_text = fmt::format("R({}, theta0)", nft);
  } else if (a.loss == "pretrain") {
    if (!has_m) throw InputError("--loss pretrain needs --m M (the shots of pretraining prompts)");
    job.stages = {{job.s2, {{Rational(1), m, exact::TaskLaw<Rational>::sphere()}}}};
    job.loss_text = fmt::format("R({}, sphere)", m);
  } else if (a.annealed) {
    job.stages = {{job.s2, {zs}}, {job.s2, {fs}}};
    job.loss_text = fmt::format("R(0, theta0) + W R({}, theta0), W -> 0+", nft);
  } else {
    const Rational w = parse_rational(a.weight, "--weight");
    if (w <= 0)
      throw InputError(fmt::format("--weight: '{}' must be > 0 (use --annealed for the limit W -> 0+)", a.weight));
    job.stages = {{job.s2, {zs, {w, nft, target}}}};
    job.loss_text = fmt::format("R(0, theta0) + {} R({}, theta0)", to_fraction(w), nft);
  }
  job.stage_names = a.annealed ? std::vector<std::string>{"zs", "fs"} : std::vector<std::string>{a.loss};
  return job;
}

std::string theta_text(const Vec<Rational>& t) {
  std::string out;
  for (Eigen::Index i = 0; i < t.size(); ++i) out += (i ? "," : "") + to_fraction(t(i));
  return out;
}

std::string matrix_text(const std::vector<std::vector<std::string>>& cells, const std::string& indent) {
  std::vector<std::size_t> width;
  for (const auto& row : cells) {
    width.resize(std::max(width.size(), row.size()), 0);
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  for (const auto& row : cells) {
    out += indent;
    for (std::size_t c = 0; c < row.size(); ++c) out += fmt::format("{}{:>{}}", c ? "  " : "", row[c], width[c]);
    out += "\n";
  }
  return out;
}

}  // namespace icl::cli
