#include "cli/engine_args.hpp"

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "closed_form/pretrained.hpp"
#include "model/families.hpp"
#include "model/params_file.hpp"

namespace icl::cli {

void add_engine_options(CLI::App& app, EngineArgs& a, bool with_annealed) {
  a.params_opt = app.add_option("--params", a.params, "Parameter file (JSON: V, Q or V, Qsep, K; entries exact)")
                     ->type_name("FILE");
  a.gamma_opt = app.add_option("--gamma", a.gamma, "Use the pretrained point P(gamma) (needs --d)")->type_name("G");
  a.m_opt = app.add_option("--m", a.m,
                           "Pretraining shots M: the point P(gamma*(M)) unless --gamma or --params is given, and the "
                           "shots of --loss pretrain")
                ->type_name("M");
  a.d_opt =
      app.add_option("--d", a.d, "Covariate dimension d >= 1 (must match --params if both are given)")->type_name("D");
  app.add_option("--sigma2", a.sigma2, "Label noise variance s2 >= 0 (decimal or fraction)")
      ->type_name("S2")
      ->required();
  a.theta_opt = app.add_option("--theta", a.theta, "The fine-tuning task theta0, comma-separated (default e_1)")
                    ->type_name("LIST");
  app.add_option("--loss", a.loss, "zs = R(0, theta0); fs = R(NFT, theta0); zs+fs = zs + W fs; pretrain = R(M, sphere)")
      ->type_name("LOSS")
      ->required()
      ->check(CLI::IsMember({"zs", "fs", "zs+fs", "pretrain"}));
  a.nft_opt = app.add_option("--nft", a.nft, "Shots of the few-shot loss (fs, zs+fs)")->type_name("N");
  a.weight_opt =
      app.add_option("--weight", a.weight, "Weight W > 0 of the few-shot term in zs+fs (default 1)")->type_name("W");
  a.param_opt =
      app.add_option("--param", a.param,
                     "Parameterization of the pretrained point: merged (default) or separate (Qsep = I, K = Q)")
          ->type_name("NAME")
          ->check(CLI::IsMember({"merged", "separate"}));
  if (with_annealed)
    app.add_flag("--annealed", a.annealed,
                 "zs+fs in the limit W -> 0+ (the end of the annealed schedule): minimize zs, then fs among the "
                 "minimizers of zs");
}

namespace {

Point<Rational> pretrained_point(int d, const Rational& gamma, bool separate) {
  const MergedParams<Rational> p = pretrained_params(d, gamma);
  if (!separate) return Point<Rational>::merged(p);
  const int D = d + 2;
  return Point<Rational>::separate(SeparateParams<Rational>{p.V, Mat<Rational>::Identity(D, D), p.Q});
}

}  // namespace

EngineJob read_engine_job(const EngineArgs& a) {
  EngineJob job;
  job.s2 = parse_rational(a.sigma2, "--sigma2");
  if (job.s2 < 0)
    throw InputError(fmt::format("--sigma2: '{}' is negative (the noise variance must be >= 0)", a.sigma2));
  const bool has_m = a.m_opt->count() > 0;
  const long m = has_m ? read_integer(a.m, "--m", 0, 1000000000) : 0;

  if (a.params_opt->count() > 0) {
    if (a.gamma_opt->count() > 0) throw InputError("--params and --gamma exclude each other");
    if (a.param_opt->count() > 0)
      throw InputError("--param applies to the pretrained point only (a parameter file sets its own)");
    job.point = read_params_file(a.params);
    job.point_name = a.params;
    job.d = job.point.D() - 2;
    if (a.d_opt->count() > 0 && read_integer(a.d, "--d", 1, 100000) != job.d)
      throw InputError(fmt::format("--d: {} does not match the parameter file (d = {})", a.d, job.d));
  } else {
    if (a.d_opt->count() == 0) throw InputError("--d is required unless --params gives the point");
    job.d = static_cast<int>(read_integer(a.d, "--d", 1, 100000));
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
    job.point = pretrained_point(job.d, gamma, a.param == "separate");
  }

  job.theta0 = Vec<Rational>::Zero(job.d);
  if (a.theta_opt->count() > 0) {
    const auto t = parse_rational_list(a.theta, "--theta");
    if (static_cast<int>(t.size()) != job.d)
      throw InputError(fmt::format("--theta: has {} entries, expected d = {}", t.size(), job.d));
    for (int i = 0; i < job.d; ++i) job.theta0(i) = t[static_cast<std::size_t>(i)];
  } else {
    job.theta0(0) = Rational(1);
  }

  job.loss = a.loss;
  const auto target = exact::TaskLaw<Rational>::fixed(job.theta0);
  const bool few_shot = a.loss == "fs" || a.loss == "zs+fs";
  if (few_shot != (a.nft_opt->count() > 0))
    throw InputError(few_shot ? fmt::format("--loss {} needs --nft N", a.loss)
                              : fmt::format("--nft applies to --loss fs or zs+fs, not {}", a.loss));
  if (a.weight_opt->count() > 0 && a.loss != "zs+fs") throw InputError("--weight applies to --loss zs+fs only");
  if (a.annealed && a.loss != "zs+fs") throw InputError("--annealed applies to --loss zs+fs only");
  if (a.annealed && a.weight_opt->count() > 0) throw InputError("--annealed and --weight exclude each other");
  const long nft = few_shot ? read_integer(a.nft, "--nft", 0, 1000000000) : 0;
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

exact::Update read_update(const std::string& name) {
  if (name == "v") return exact::Update::Value;
  if (name == "kq") return exact::Update::KeyQuery;
  if (name == "q") return exact::Update::Query;
  if (name == "k") return exact::Update::Key;
  return exact::Update::All;
}

std::vector<exact::Coordinate> update_coordinates(const Point<Rational>& point, exact::Update update,
                                                  const std::string& name) {
  if (point.kind == Parameterization::Merged && (update == exact::Update::Query || update == exact::Update::Key))
    throw InputError(
        fmt::format("--update {}: needs the separate parameterization (--param separate or a file "
                    "with V, Qsep, K)",
                    name));
  return exact::coordinates(point.kind, point.D(), update);
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
