// iclverify risk: the risk curve of a named family (closed form) or of any parameter file (the
// exact engine), in double, K digits or exact rationals, optionally next to a Monte Carlo estimate.
// Every parameter file is read as a model of L layers x H heads (model/arch_file.hpp; a one-head
// file is L = H = 1). Exact engines: one linear head (exact::PreparedPoint), one layer of H heads,
// two layers (d <= 3); otherwise (L >= 3, softmax) the risk is a Monte Carlo estimate (--mc).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli/commands.hpp"
#include "cli/engine_args.hpp"
#include "cli/inputs.hpp"
#include "closed_form/closed_form.hpp"
#include "core/number.hpp"
#include "exact/heads.hpp"
#include "exact/risk.hpp"
#include "exact/two_layer.hpp"
#include "report/table.hpp"
#include "sim/monte_carlo.hpp"

namespace icl::cli {
namespace {

struct RiskArgs {
  std::string family, params, theta, d, sigma2, shots, gamma, m, c, w, b, task = "target", convention = "query";
  std::string mc, seed = "1", threads = "1", format, heads, layers;
  PrecisionArgs precision;
  CLI::Option *family_opt, *params_opt, *theta_opt, *d_opt, *convention_opt, *gamma_opt, *m_opt, *c_opt, *w_opt, *b_opt,
      *mc_opt, *seed_opt, *threads_opt, *heads_opt, *layers_opt;
};

// The request: everything the evaluation needs, read and checked.
struct RiskRequest {
  RiskArgs a;
  std::optional<Arch<Rational>> model;  // a parameter file (L layers x H heads) instead of a family
  std::string params_path;
  std::optional<Vec<Rational>> theta;  // the file's task; empty: sphere
  FamilySpec spec;
  std::string param_name;  // gamma, c or w
  int d;
  Rational s2;
  std::vector<long> shots;
  Task task;
  Convention convention;
  Precision precision;
  std::optional<sim::McOptions> mc;

  // One linear head (L = H = 1) takes the one-head engines and prints no layers and heads; any other
  // file the L x H engines (docs/design.md, "Request, then job": the two round differently).
  bool one_head() const { return model && model->L() == 1 && model->H() == 1 && !model->softmax(); }
  bool arch_engines() const { return model && !one_head(); }
};

exact::TaskLaw<Rational> params_task(const RiskRequest& job) {
  return job.theta ? exact::TaskLaw<Rational>::fixed(*job.theta) : exact::TaskLaw<Rational>::sphere();
}

// Whether an L x H model has an exact engine (softmax attention and L >= 3: simulation only).
template <class T>
bool has_exact_engine(const Arch<T>& a) {
  return !a.softmax() && (a.L() == 1 || (a.L() == 2 && a.d() <= exact::two_layer::kMaxD));
}

// The exact risk of an L x H file: exact::arch_curve for one layer, exact::two_layer::curve for two
// (R(n) as a polynomial over (n + 1)^8); none without an exact engine.
template <class T>
std::optional<std::vector<T>> arch_exact_curve(const Arch<T>& a, const exact::TaskLaw<T>& task,
                                               const std::vector<long>& shots, const T& s2) {
  if (!has_exact_engine(a)) return std::nullopt;
  if (a.L() == 1) return exact::arch_curve(a, task, shots, s2);
  return exact::two_layer::curve(a, task, shots, s2);
}

// The risk at every n of the job: the exact engine for a parameter file (one head: the point
// prepared once, exact::PreparedPoint), else the family's closed form in the job's convention;
// nothing for several heads or layers without an exact engine.
template <class T>
std::optional<std::vector<T>> risk_values(const RiskRequest& job) {
  if (job.arch_engines())
    return arch_exact_curve(job.model->template cast<T>(), params_task(job).template cast<T>(), job.shots,
                            from_rational<T>(job.s2));
  std::vector<T> risks;
  if (job.model) {
    risks = exact::PreparedPoint<T>(point_from_arch(job.model->template cast<T>()).as_merged())
                .curve(params_task(job).template cast<T>(), job.shots, from_rational<T>(job.s2));
  } else {
    const Setting<T> s{job.d, from_rational<T>(job.s2)};
    for (long n : job.shots)
      risks.push_back(job.convention == Convention::Classical
                          ? closed_form::risk_pretrained_classical(from_rational<T>(job.spec.param), n, s)
                          : family_risk<PaperFormulas, T>(job.spec, n, job.task, s));
  }
  return risks;
}

template <class T>
std::optional<std::vector<std::string>> risk_strings(const RiskRequest& job) {
  const std::optional<std::vector<T>> risks = risk_values<T>(job);
  if (!risks) return std::nullopt;
  if constexpr (std::is_same_v<T, double>) {
    // Entries too large for double (1e300) overflow it: the same risks in 50 digits, shown to the 17
    // significant digits of a double, so no NaN or inf is ever printed as a risk.
    if (std::any_of(risks->begin(), risks->end(), [](double r) { return !std::isfinite(r); })) {
      const std::optional<std::vector<Float50>> wide = risk_values<Float50>(job);
      std::vector<std::string> out;
      for (const Float50& r : *wide) out.push_back(to_decimal(r, 17));
      return out;
    }
  }
  std::vector<std::string> out;
  for (const T& r : *risks) out.push_back(show_scalar(r, job.precision.digits));
  return out;
}

std::optional<std::vector<std::string>> evaluate(const RiskRequest& job) {
  switch (job.precision.kind) {
    case Precision::Kind::Exact:
      return risk_strings<Rational>(job);
    case Precision::Kind::Digits:
      return risk_strings<Float50>(job);
    case Precision::Kind::Double:
      break;
  }
  return risk_strings<double>(job);
}

void forbid(const CLI::Option* opt, const std::string& family) {
  if (opt->count() > 0) throw InputError(fmt::format("{} does not apply to --family {}", opt->get_name(), family));
}

// The text of a family parameter, which --family NAME needs.
const std::string& required_for(const CLI::Option* opt, const std::string& text, const std::string& family) {
  if (opt->count() == 0) throw InputError(fmt::format("--family {} needs {}", family, opt->get_name()));
  return text;
}

// --heads H / --layers L, when given, must be the parameter file's.
void check_file_count(const CLI::Option* opt, const std::string& text, int file_value, const char* symbol) {
  if (opt->count() == 0) return;
  const long given = parse_integer(text, opt->get_name(), 1, 1'000'000);
  if (given != file_value)
    throw InputError(
        fmt::format("{}: {} does not match the parameter file ({} = {})", opt->get_name(), given, symbol, file_value));
}

// --params FILE with --theta LIST (opposite: -theta) or --task sphere.
void validate_params(const RiskArgs& a, RiskRequest& job) {
  for (const CLI::Option* o : {a.gamma_opt, a.m_opt, a.c_opt, a.w_opt, a.b_opt, a.convention_opt})
    if (o->count() > 0) throw InputError(fmt::format("{} applies to --family, not to --params", o->get_name()));
  ArchParamsFile file =
      read_arch_params(a.params, a.d_opt->count() > 0 ? std::optional(read_dimension(a.d)) : std::nullopt, true);
  check_file_count(a.layers_opt, a.layers, file.arch.L(), "L");
  check_file_count(a.heads_opt, a.heads, file.arch.H(), "H");
  job.model = std::move(file.arch);
  job.params_path = a.params;
  job.d = file.d;
  const bool sphere = a.task == "sphere";
  if (sphere == (a.theta_opt->count() > 0))
    throw InputError("--params needs exactly one task: --theta LIST (a fixed task) or --task sphere");
  if (!sphere) job.theta = Vec<Rational>(Rational(task_sign(job.task)) * read_theta(a.theta_opt, a.theta, job.d));
}

void validate_family(const RiskArgs& a, RiskRequest& job) {
  applies_only_to(false, a.heads_opt, "--params");
  applies_only_to(false, a.layers_opt, "--params");
  if (a.d_opt->count() == 0) throw InputError("--family needs --d D");
  if (a.theta_opt->count() > 0) throw InputError("--theta applies to --params (families are placed along e_1)");
  if (a.task == "sphere") throw InputError("--task sphere applies to --params (a family's closed form is on +-theta0)");
  job.d = read_dimension(a.d);
  job.convention = a.convention == "classical" ? Convention::Classical : Convention::QueryIncluded;

  if (a.family == "pretrained") {
    forbid(a.c_opt, a.family), forbid(a.w_opt, a.family), forbid(a.b_opt, a.family);
    if ((a.gamma_opt->count() > 0) == (a.m_opt->count() > 0))
      throw InputError("--family pretrained needs exactly one of --gamma G or --m M (gamma*(M))");
    const Rational gamma = a.gamma_opt->count() > 0 ? parse_rational(a.gamma, "--gamma")
                                                    : closed_form::gamma_star(parse_integer(a.m, "--m", 0, 1000000000),
                                                                              Setting<Rational>{job.d, job.s2});
    job.spec = FamilySpec{FamilyKind::Pretrained, gamma, Rational(0)};
    job.param_name = "gamma";
  } else if (a.family == "zs-full") {
    forbid(a.gamma_opt, a.family), forbid(a.m_opt, a.family), forbid(a.w_opt, a.family), forbid(a.b_opt, a.family);
    const Rational c = read_c(required_for(a.c_opt, a.c, a.family), "--c");
    job.spec = FamilySpec{FamilyKind::FullFt, c, Rational(0)};
    job.param_name = "c";
  } else {
    forbid(a.gamma_opt, a.family), forbid(a.m_opt, a.family), forbid(a.c_opt, a.family);
    const Rational w = parse_rational(required_for(a.w_opt, a.w, a.family), "--w");
    const Rational beta =
        a.b_opt->count() > 0 ? parse_rational(a.b, "--b") : closed_form::beta_zero_shot<Rational>(job.d);
    job.spec = FamilySpec{FamilyKind::ValueOnly, w, beta};
    job.param_name = "w";
  }
  if (job.convention == Convention::Classical) {
    if (job.spec.kind != FamilyKind::Pretrained)
      throw InputError("--convention classical applies to --family pretrained only");
    for (long n : job.shots)
      if (n == 0) throw InputError("--shots: n = 0 is undefined in the classical convention (it divides by n)");
  }
}

// Three or more layers (or two with d > 3): no exact engine, only a Monte Carlo estimate in double.
void require_monte_carlo(const RiskArgs& a, const RiskRequest& job) {
  const Arch<Rational>& arch = *job.model;
  if (arch.softmax()) {
    if (job.precision.kind != Precision::Kind::Double)
      throw softmax_is_not_exact(job.params_path, a.precision.exact ? "--exact" : "--digits");
    if (!job.mc)
      throw InputError(
          fmt::format("--params: {} has softmax attention (no exact engine); give --mc SAMPLES for a "
                      "Monte Carlo estimate",
                      job.params_path));
    return;
  }
  const std::string why = arch.L() == 2 ? fmt::format("the exact two-layer engine covers d <= {} ({} has d = {})",
                                                      exact::two_layer::kMaxD, job.params_path, arch.d())
                                        : fmt::format("no exact engine exists for L >= 3 layers ({} has L = {})",
                                                      job.params_path, arch.L());
  if (job.precision.kind != Precision::Kind::Double)
    throw InputError(fmt::format("{}: {}; --mc SAMPLES estimates the risk in double",
                                 a.precision.exact ? "--exact" : "--digits", why));
  if (!job.mc) throw InputError(fmt::format("--params: {}; give --mc SAMPLES for a Monte Carlo estimate", why));
}

RiskRequest risk_request(const RiskArgs& a) {
  RiskRequest job{};
  job.a = a;
  if ((a.family_opt->count() > 0) == (a.params_opt->count() > 0))
    throw InputError("give exactly one of --family NAME (closed form) or --params FILE (exact engine)");
  job.s2 = read_sigma2(a.sigma2);
  job.shots = read_shots(a.shots);
  job.task = a.task == "opposite" ? Task::Opposite : Task::Target;
  job.convention = Convention::QueryIncluded;
  if (a.params_opt->count() > 0)
    validate_params(a, job);
  else
    validate_family(a, job);

  job.precision = read_precision(a.precision);
  if (a.mc_opt->count() > 0) {
    job.mc = sim::McOptions{parse_integer(a.mc, "--mc", 2, 1'000'000'000), read_seed(a.seed), read_threads(a.threads)};
  } else if (a.seed_opt->count() > 0 || a.threads_opt->count() > 0) {
    throw InputError("--seed and --threads apply only with --mc SAMPLES");
  }
  if (job.arch_engines() && !has_exact_engine(*job.model)) require_monte_carlo(a, job);
  return job;
}

Result run_risk(const RiskRequest& job) {
  const RiskArgs& a = job.a;
  const std::optional<std::vector<std::string>> risks = evaluate(job);

  std::vector<sim::McEstimate> mc;
  std::optional<std::vector<double>> exact_double;
  if (job.mc && job.arch_engines()) {
    const sim::TaskSpec task = job.theta ? sim::TaskSpec::fixed(job.theta->cast<double>()) : sim::TaskSpec::sphere();
    const Arch<double> arch = job.model->cast<double>();
    for (long n : job.shots)
      mc.push_back(sim::mc_risk(arch, task, n, from_rational<double>(job.s2), sim::at_shots(*job.mc, n)));
    if (risks) exact_double = risk_values<double>(job);
  } else if (job.mc) {
    MergedParams<double> params;
    sim::TaskSpec task = sim::TaskSpec::sphere();
    if (job.model) {
      params = point_from_arch(job.model->cast<double>()).as_merged();
      if (job.theta) task = sim::TaskSpec::fixed(job.theta->cast<double>());
    } else {
      const Placement<double> pl = axis_placement<double>(job.d);
      params = family_params<double>(job.spec, pl);
      task = sim::TaskSpec::fixed(task_sign(job.task) * pl.theta0);
    }
    for (long n : job.shots)
      mc.push_back(
          sim::mc_risk(params, task, n, from_rational<double>(job.s2), sim::at_shots(*job.mc, n), job.convention));
    exact_double = risk_values<double>(job);
  }

  const std::string convention = job.convention == Convention::Classical ? "classical" : "query-included";
  if (a.format == "json") {
    nlohmann::json j;
    if (job.model) {
      j["params"] = job.params_path;
      j["parameterization"] = parameterization_name(job.model->kind());
      if (job.arch_engines()) j["layers"] = job.model->L(), j["heads"] = job.model->H();
      if (job.model->softmax()) j["attention"] = "softmax";
      j["task"] = job.theta ? task_name(job.task) : "sphere";
      if (job.theta) j["theta"] = theta_text(*job.theta);
    } else {
      j["family"] = family_name(job.spec.kind);
      j["parameters"][job.param_name] = to_fraction(job.spec.param);
      if (job.spec.kind == FamilyKind::ValueOnly) j["parameters"]["b"] = to_fraction(job.spec.beta);
      j["task"] = task_name(job.task);
    }
    j["d"] = job.d;
    j["sigma2"] = to_fraction(job.s2);
    j["convention"] = convention;
    j["precision"] = risks ? job.precision.name() : "none (Monte Carlo only)";
    j["rows"] = nlohmann::json::array();
    for (std::size_t i = 0; i < job.shots.size(); ++i) {
      nlohmann::json row{{"n", job.shots[i]}};
      if (risks) row["risk"] = (*risks)[i];
      if (job.mc) {
        row["mc_mean"] = mc[i].mean;
        row["mc_se"] = mc[i].se;
        if (exact_double) row["z"] = sim::z_score(mc[i], (*exact_double)[i]);
      }
      j["rows"].push_back(row);
    }
    if (job.mc) j["mc"] = {{"samples", job.mc->samples}, {"seed", job.mc->seed}};
    return {j.dump(2) + "\n", 0};
  }

  report::Table t;
  t.header = {"n"};
  if (risks) t.header.push_back("risk");
  if (job.mc) t.header.insert(t.header.end(), {"mc_mean", "mc_se"});
  if (exact_double) t.header.push_back("z");
  for (std::size_t i = 0; i < job.shots.size(); ++i) {
    std::vector<std::string> row{std::to_string(job.shots[i])};
    if (risks) row.push_back((*risks)[i]);
    if (job.mc) row.insert(row.end(), {fmt::format("{:.6g}", mc[i].mean), fmt::format("{:.2g}", mc[i].se)});
    if (exact_double) row.push_back(fmt::format("{:+.2f}", sim::z_score(mc[i], (*exact_double)[i])));
    t.rows.push_back(row);
  }
  if (a.format == "csv") return {report::render_csv(t), 0};
  if (a.format == "md") return {report::render_markdown(t), 0};
  std::string head;
  if (job.model) {
    head = fmt::format("# params {} ({}{})  d={} sigma2={} task={} precision={}", job.params_path,
                       parameterization_name(job.model->kind()),
                       job.arch_engines() ? fmt::format(", L={} H={}{}", job.model->L(), job.model->H(),
                                                        job.model->softmax() ? ", softmax attention" : "")
                                          : "",
                       job.d, to_fraction(job.s2), job.theta ? "theta=(" + theta_text(*job.theta) + ")" : "sphere",
                       risks ? job.precision.name() : "none (mc only)");
  } else {
    head = fmt::format("# {} {}={}", family_name(job.spec.kind), job.param_name, to_fraction(job.spec.param));
    if (job.spec.kind == FamilyKind::ValueOnly) head += fmt::format(" b={}*theta0", to_fraction(job.spec.beta));
    head += fmt::format("  d={} sigma2={} task={} ({}) convention={} precision={}", job.d, to_fraction(job.s2),
                        task_name(job.task), job.task == Task::Target ? "theta0" : "-theta0", convention,
                        job.precision.name());
  }
  if (job.mc) head += fmt::format("  mc={} seed={}", job.mc->samples, job.mc->seed);
  return {head + "\n" + report::render_text(t), 0};
}

}  // namespace

Runner add_risk(CLI::App& app) {
  auto a = std::make_shared<RiskArgs>();
  a->family_opt =
      app.add_option("--family", a->family, "pretrained = P(gamma), zs-full = F(c), v-only = V(b theta0, w)")
          ->type_name("NAME")
          ->check(CLI::IsMember({"pretrained", "zs-full", "v-only"}));
  a->params_opt = add_params(app, a->params,
                             "any parameters instead of a family (the exact engine); also L layers x H heads: "
                             "JSON {\"layers\": [{\"heads\": [{V, Q, K}]}]} or {\"allparam\": L x H x 3 x D x D}, "
                             "NumPy .npy/.npz allparam (Monte Carlo with --mc where no exact engine exists)");
  a->heads_opt = app.add_option("--heads", a->heads, "with --params: optional, must match the file's heads per layer")
                     ->type_name("H");
  a->layers_opt =
      app.add_option("--layers", a->layers, "with --params: optional, must match the file's layers")->type_name("L");
  a->theta_opt = add_theta(app, a->theta, "with --params: the task, of any nonzero norm");
  a->d_opt = add_dimension(app, a->d, "with --params: optional, must match the file");
  add_sigma2(app, a->sigma2);
  add_shots(app, a->shots);
  a->gamma_opt = app.add_option("--gamma", a->gamma, "pretrained: Q x-block scale gamma")->type_name("G");
  a->m_opt =
      app.add_option("--m", a->m, "pretrained: use gamma*(M) = (M+1)/(M+1+d(1+s2)) instead of --gamma")->type_name("M");
  a->c_opt = app.add_option("--c", a->c, "zs-full: the family parameter c != 0")->type_name("C");
  a->w_opt = app.add_option("--w", a->w, "v-only: the label weight w")->type_name("W");
  a->b_opt = app.add_option("--b", a->b, "v-only: the coefficient of theta0 in b (default 1/(d+4))")->type_name("B");
  add_task(app, a->task, "theta0 is e_1 for a family and --theta for --params; sphere: --params only");
  a->convention_opt =
      app.add_option(
             "--convention", a->convention,
             "query: sum over all N = n+1 rows, divide by N (default); classical: context rows only, divide by n "
             "(pretrained only, n >= 1)")
          ->type_name("NAME")
          ->check(CLI::IsMember({"query", "classical"}));
  add_precision(app, a->precision);
  a->mc_opt =
      app.add_option("--mc", a->mc, "Add a Monte Carlo estimate with SAMPLES prompts per n (mean, standard error, z)")
          ->type_name("SAMPLES");
  a->seed_opt = add_seed(app, a->seed, "the Monte Carlo prompts (with --mc)");
  a->threads_opt = add_threads(app, a->threads, "with --mc");
  add_format(app, a->format, {"table", "csv", "md", "json"});
  app.footer(
      "Families are placed along theta0 = e_1. JSON: {\"rows\": [{\"n\", \"risk\" (string), \"mc_mean\", \"mc_se\", "
      "\"z\"}], ...}.\n"
      "Examples: iclverify risk --family pretrained --gamma 10/13 --d 5 --sigma2 1/10 --shots 0:3 --exact\n"
      "          iclverify risk --params p.json --theta 3/5,4/5,0 --sigma2 1/10 --shots 0,20 --exact\n");
  return [a] { return job(risk_request(*a), run_risk); };
}

}  // namespace icl::cli
