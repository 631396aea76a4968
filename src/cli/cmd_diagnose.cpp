// iclverify diagnose --pre A --post B: what a fine-tuning did to in-context learning
// (diagnose/diagnose.hpp, docs/diagnose.md): risk curves, the sets where B is worse, what moved,
// the nearest family, retention and a verdict. Exit 0 whatever the verdict, 2 on bad input.
#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/inputs.hpp"
#include "core/number.hpp"
#include "diagnose/diagnose.hpp"
#include "exact/two_layer/risk.hpp"
#include "model/arch_file.hpp"
#include "prove/proof.hpp"
#include "report/table.hpp"

namespace icl::cli {
namespace {

struct DiagnoseArgs {
  std::string pre, post, theta0, sigma2 = "1/10", shots = "0,1,2,5,10,20,40", mc = "20000", seed = "1", threads = "1",
                                 limit_shots = "200", format;
  CLI::Option *theta0_opt, *mc_opt, *seed_opt, *threads_opt, *limit_opt;
};

// "0.123457" for an exact number, "0.1235 +- 0.0012" for an estimate.
std::string number_text(const diagnose::Number& x) {
  if (x.se) return fmt::format("{:.6g} +- {:.2g}", x.decimal, *x.se);
  return fmt::format("{:.6g}", x.decimal);
}

// "p/q (= decimal)" for an exact number with a short fraction (learned parameters have long ones:
// the decimal only; --format json has every fraction).
std::string exact_text(const diagnose::Number& x) {
  if (!x.exact || to_fraction(*x.exact).size() > 24) return number_text(x);
  return prove::show(*x.exact);
}

std::string theta_line(const diagnose::Diagnosis& dx) {
  std::vector<std::string> entries;
  for (Eigen::Index i = 0; i < dx.theta0.size(); ++i) entries.push_back(fmt::format("{:.6g}", to_double(dx.theta0(i))));
  const std::string how = dx.theta0_source == "given"      ? "given"
                          : dx.theta0_source == "inferred" ? "inferred from what fine-tuning wrote into B"
                                                           : "e_1 (nothing in B points anywhere)";
  return fmt::format("({}), {}{}", fmt::join(entries, ", "), how,
                     dx.theta0_exact ? "" : "; a rational unit vector within 1e-28 of that direction");
}

std::string retention_table(const diagnose::Diagnosis& dx) {
  report::Table t{{"task", "lim R pre", "lim R post", "rho", "flag"}, {}};
  for (std::size_t i = 0; i < dx.tasks.size(); ++i) {
    const auto& r = dx.retention[i];
    t.rows.push_back({dx.tasks[i].name, exact_text(dx.tasks[i].pre.limit), exact_text(dx.tasks[i].post.limit),
                      r.rho ? exact_text(*r.rho) : "-", r.flag.empty() ? "-" : r.flag});
  }
  return report::render_text(t);
}

std::string curves_table(const diagnose::Diagnosis& dx) {
  report::Table t{{"n"}, {}};
  for (const auto& task : dx.tasks) t.header.insert(t.header.end(), {task.name + " pre", task.name + " post"});
  for (std::size_t j = 0; j < dx.options.shots.size(); ++j) {
    std::vector<std::string> row{std::to_string(dx.options.shots[j])};
    for (const auto& task : dx.tasks)
      row.insert(row.end(), {number_text(task.pre.risk[j]), number_text(task.post.risk[j])});
    t.rows.push_back(row);
  }
  return report::render_text(t);
}

std::string worse_lines(const diagnose::Diagnosis& dx) {
  std::string out;
  for (const auto& t : dx.tasks) {
    if (t.runs)
      out += fmt::format("  {:<8} n in {}\n", t.name, describe_runs(*t.runs, 1));
    else
      out += fmt::format("  {:<8} listed n {} (Monte Carlo, 3 standard errors; not exact)\n", t.name,
                         t.worse_mc.empty() ? "none" : fmt::format("{}", fmt::join(t.worse_mc, ", ")));
  }
  return out;
}

std::string moved_table(const diagnose::Diagnosis& dx) {
  report::Table t{{"layer", "head", "block", "role", "|pre|", "|post|", "|post-pre|/|pre|"}, {}};
  for (const auto& h : dx.moved)
    for (const auto& b : h.blocks)
      t.rows.push_back({std::to_string(h.layer), std::to_string(h.head), b.block, b.role,
                        fmt::format("{:.4g}", std::sqrt(to_double(b.pre2))),
                        fmt::format("{:.4g}", std::sqrt(to_double(b.post2))),
                        b.ratio2 ? fmt::format("{:.4g}", std::sqrt(to_double(*b.ratio2))) : "- (pre is 0)"});
  return report::render_text(t);
}

std::string products_table(const diagnose::Diagnosis& dx) {
  report::Table t{{"layer", "head", "product", "pre", "post"}, {}};
  for (const auto& h : dx.moved) {
    const auto a = train::named(h.pre), b = train::named(h.post);
    for (std::size_t k = 0; k < a.size(); ++k)
      t.rows.push_back({std::to_string(h.layer), std::to_string(h.head), a[k].first,
                        fmt::format("{:.6g}", to_double(a[k].second)), fmt::format("{:.6g}", to_double(b[k].second))});
  }
  return report::render_text(t);
}

std::string families_text(const diagnose::Diagnosis& dx) {
  std::string out = fmt::format("nearest family  {} ({})\n", dx.nearest, dx.nearest_reason);
  for (const auto& f : dx.families) {
    std::vector<std::string> params;
    for (const auto& [name, value] : f.parameters) params.push_back(fmt::format("{} = {:.6g}", name, to_double(value)));
    out += fmt::format("  {:<7} {:<28}  relative distance {:.4g}\n", f.family,
                       fmt::format("{}", fmt::join(params, ", ")), std::sqrt(to_double(f.distance2)));
  }
  return out;
}

std::string render_table(const DiagnoseArgs& a, const diagnose::Diagnosis& dx) {
  std::string out =
      fmt::format("# diagnose: pre {} ({}) -> post {} ({}), L={} H={}{} d={} sigma2={}, engine {}\n", a.pre,
                  dx.kind_pre, a.post, dx.kind_post, dx.L, dx.H, dx.attention == "softmax" ? " softmax attention" : "",
                  dx.d, to_fraction(dx.s2), dx.exact ? "exact" : "Monte Carlo (estimates, flagged +- se)");
  if (!dx.exact)
    out += fmt::format("# Monte Carlo: {} prompts per point, seed {}, lim R estimated at n = {}\n",
                       dx.options.mc.samples, dx.options.mc.seed, dx.options.limit_shots);
  out += fmt::format("theta0          {}\n", theta_line(dx));
  out += fmt::format("verdict         {}: {}\n", dx.verdict, dx.reason);
  out += fmt::format("zero-shot       R_post(0) - R_pre(0) on theta0 = {}\n\n", exact_text(dx.zero_shot_change));
  out += "retention rho = (1 + s2 - lim R_post) / (1 + s2 - lim R_pre)\n" + retention_table(dx);
  out += "\nrisk before (pre) and after (post) fine-tuning\n" + curves_table(dx);
  out += "\npost worse than pre\n" + worse_lines(dx);
  out += "\nwhat moved (M = Q^T K; 0 = constant, x = covariates, y = label)\n" + moved_table(dx);
  out += "\nscale-free products (each head with share 1/H: V_h / H)\n" + products_table(dx);
  out += "\n" + families_text(dx);
  return out;
}

diagnose::Options read_options(const DiagnoseArgs& a, const Arch<Rational>& pre, int d) {
  const bool simulated = !diagnose::exact_engine(pre);
  diagnose::Options o;
  if (a.theta0_opt->count() > 0) o.theta0 = read_theta(a.theta0_opt, a.theta0, d);
  o.s2 = read_sigma2(a.sigma2);
  o.shots = read_shots(a.shots);
  for (const CLI::Option* opt : {a.mc_opt, a.seed_opt, a.threads_opt, a.limit_opt})
    applies_only_to(simulated, opt,
                    fmt::format("the Monte Carlo path (softmax attention, L >= 3, or L = 2 with d > {}); linear "
                                "attention with L = 1, or L = 2 and d <= {}, is exact",
                                exact::two_layer::kMaxD, exact::two_layer::kMaxD));
  o.mc = sim::McOptions{parse_integer(a.mc, "--mc", 2, 1'000'000'000), read_seed(a.seed), read_threads(a.threads)};
  o.limit_shots = parse_integer(a.limit_shots, "--limit-shots", 1, 1'000'000);
  return o;
}

// The request: both files read, the options read, every check of diagnose() made; nothing evaluated.
struct DiagnoseRequest {
  DiagnoseArgs a;
  Arch<Rational> pre, post;
  diagnose::Options options;
};

DiagnoseRequest diagnose_request(const DiagnoseArgs& a) {
  ArchParamsFile pre = read_arch_params(a.pre, std::nullopt, true, "--pre"),
                 post = read_arch_params(a.post, std::nullopt, true, "--post");
  DiagnoseRequest r{a, std::move(pre.arch), std::move(post.arch), {}};
  r.options = read_options(a, r.pre, pre.d);
  diagnose::check_inputs(r.pre, r.post, r.options);
  return r;
}

Result run_diagnose(const DiagnoseRequest& r) {
  const DiagnoseArgs& a = r.a;
  const diagnose::Diagnosis dx = diagnose::diagnose(r.pre, r.post, r.options);
  if (a.format == "json") {
    nlohmann::json j = diagnose::to_json(dx);
    j["pre"] = a.pre;
    j["post"] = a.post;
    return {j.dump(2) + "\n"};
  }
  return {render_table(a, dx)};
}

}  // namespace

Runner add_diagnose(CLI::App& app) {
  auto a = std::make_shared<DiagnoseArgs>();
  const std::string layouts =
      "any layout the verifier reads: JSON {V, Q}, {V, Qsep, K}, {\"layers\": ...}, {\"allparam\": ...}, NumPy "
      ".npy/.npz allparam";
  app.add_option("--pre", a->pre, "Parameters before fine-tuning: " + layouts)->type_name("A")->required();
  app.add_option("--post", a->post, "Parameters after fine-tuning, the same L, H and D as --pre")
      ->type_name("B")
      ->required();
  a->theta0_opt =
      app.add_option("--theta0", a->theta0,
                     "The fine-tuned task: d comma-separated numbers, not all 0, normalized to unit length (default: "
                     "inferred from what fine-tuning wrote into B, docs/diagnose.md#theta0)")
          ->type_name("LIST");
  add_sigma2(app, a->sigma2);
  add_shots(app, a->shots, "the n of the printed curves (the exact sets cover every n >= 0)");
  a->mc_opt = app.add_option("--mc", a->mc, "Monte Carlo path only: prompts per point (default 20000)")->type_name("N");
  a->seed_opt = add_seed(app, a->seed, "the Monte Carlo prompts (Monte Carlo path only)");
  a->threads_opt = add_threads(app, a->threads, "Monte Carlo path only");
  a->limit_opt = app.add_option("--limit-shots", a->limit_shots,
                                "Monte Carlo path only: lim R is estimated at this n (default 200)")
                     ->type_name("N");
  add_format(app, a->format, {"table", "json"}, "json: every field, exact numbers as {exact: \"p/q\", decimal, se}");
  app.footer(
      "Linear attention, one layer (any H) or two layers (any H, d <= 3): exact risk curves, limits, retention and\n"
      "sets of n (no cut-off; two layers: R(n) = numerator(n) / (n+1)^8 from the two-layer engine). Softmax\n"
      "attention, L >= 3, or two layers with d > 3: Monte Carlo, flagged.\n"
      "Verdict, the first that holds: no-icl (pre has no ICL to lose on any task), collapsed (rho < 1/4 on\n"
      "theta0 and -theta0), preserved (rho >= 9/10 on -theta0 and the sphere), specialized (rho >= 9/10 on\n"
      "theta0, < 9/10 on -theta0), else degraded. Exit 0 whatever the verdict, 2 on bad input.\n"
      "Example: iclverify diagnose --pre pre.json --post post.json --theta0 1,0,0,0,0 --format json\n");
  return [a] { return job(diagnose_request(*a), run_diagnose); };
}

}  // namespace icl::cli
