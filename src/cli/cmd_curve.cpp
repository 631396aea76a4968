// iclverify curve --symbolic: the exact risk curve of one model as a rational function of n.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/engine_args.hpp"
#include "cli/inputs.hpp"
#include "cli/model_spec.hpp"
#include "core/number.hpp"
#include "exact/two_layer.hpp"
#include "model/families.hpp"
#include "prove/proof.hpp"

namespace icl::cli {
namespace {

struct CurveArgs {
  std::string params, family, theta, task;
  CurveOptions o;
  bool symbolic = false;
  CLI::Option* theta_opt;
};

// The request: the model (a family, a one-head file, or a file of H heads or two layers) and the task,
// read and checked.
struct CurveRequest {
  CurveArgs a;
  Rational s2;
  int d = 0;
  std::optional<Model> model;            // a family or a one-head file
  std::optional<Arch<Rational>> layers;  // a file of H heads, or of two layers
  exact::TaskLaw<Rational> task;
  std::string task_text;
};

CurveRequest curve_request(const CurveArgs& a) {
  if ((a.params.empty()) == (a.family.empty())) throw InputError("give exactly one of --params FILE and --family SPEC");
  if ((a.theta.empty()) == (a.task.empty())) throw InputError("give exactly one of --theta LIST and --task NAME");
  if (!a.symbolic) throw InputError("--symbolic is required (numeric curves: iclverify risk)");
  CurveRequest r{a, read_sigma2(a.o.sigma2), 0, {}, {}, exact::TaskLaw<Rational>::sphere(), ""};
  const std::string text = a.params.empty() ? a.family : a.params;
  const std::string flag = a.params.empty() ? "--family" : "--params";
  // H heads of one layer: (n + 1)^2 R(n) interpolated and confirmed as for one head; two layers:
  // R(n) = numerator(n) / (n + 1)^8 straight from the engine (exact/two_layer.hpp), whose numerator has
  // degree <= 8 by construction (no interpolation); L >= 3 has no exact engine.
  if (!a.params.empty()) {
    r.layers = read_layers(a.params, "--params", a.o.d.empty() ? std::nullopt : std::optional(read_dimension(a.o.d)));
    if (r.layers) r.d = r.layers->d();
  }
  if (!r.layers) {
    r.d = resolve_dimension(a.o.d, {{text, flag}});
    r.model = read_model(text, flag, first_axis<Rational>(r.d), r.s2);
  }
  r.task = a.task.empty() ? exact::TaskLaw<Rational>::fixed(read_theta(a.theta_opt, a.theta, r.d))
                          : read_task(a.task, first_axis<Rational>(r.d));
  r.task_text = a.task.empty() ? "theta = (" + a.theta + ")" : a.task + " (theta0 = e_1)";
  return r;
}

// The curve of a file of H heads (one layer) or of two layers.
Result layers_curve(const CurveRequest& r) {
  const CurveArgs& a = r.a;
  const Rational& s2 = r.s2;
  const int d = r.d;
  const ExactRisk risk = exact_risk(*r.layers, r.task, s2);
  const Polynomial<Rational>& p = risk.numerator;
  const bool two = r.layers->L() == 2;
  const std::string name = fmt::format("{} (L = {}, H = {})", a.params, r.layers->L(), r.layers->H());
  const int bound = two ? 8 : 2;
  const std::string how = two ? "" : ", confirmed at n = 3, 4, 5";
  if (a.o.format == "json") {
    nlohmann::json j{{"model", name},
                     {"task", r.task_text},
                     {"d", d},
                     {"sigma2", to_fraction(s2)},
                     {"numerator", prove::fractions(p)},
                     {"denominator_power", risk.power},
                     {"limit", to_fraction(risk.limit)},
                     {"degree_bound", bound}};
    if (!two) j["confirmed_at"] = {3, 4, 5};
    return {j.dump(2) + "\n"};
  }
  return {
      fmt::format("model        {}\ntask         {}, d = {}, s2 = {}\nR(n)         ({}) / (n + 1)^{}\n"
                  "numerator    {} (ascending powers of n; degree <= {}{})\nR(0)         {}\nlimit        {} "
                  "(n -> infinity)\n",
                  name, r.task_text, d, to_fraction(s2), polynomial_text(p, "n"), risk.power,
                  fmt::join(prove::fractions(p), ", "), bound, how, prove::show(p.coeff(0)), prove::show(risk.limit))};
}

Result run_curve(const CurveRequest& r) {
  if (r.layers) return layers_curve(r);
  const CurveArgs& a = r.a;
  const Rational& s2 = r.s2;
  const int d = r.d;
  const Model& model = *r.model;
  const Polynomial<Rational> p = risk_numerator(model, r.task, s2);
  const Rational limit = p.coeff(2);
  if (a.o.format == "json") {
    const nlohmann::json j{{"model", model.name},
                           {"task", r.task_text},
                           {"d", d},
                           {"sigma2", to_fraction(s2)},
                           {"numerator", prove::fractions(p)},
                           {"denominator", {"1", "2", "1"}},
                           {"limit", to_fraction(limit)},
                           {"degree_bound", 2},
                           {"confirmed_at", {3, 4, 5}}};
    return {j.dump(2) + "\n"};
  }
  return {
      fmt::format("model        {}\ntask         {}, d = {}, s2 = {}\nR(n)         ({}) / (n + 1)^2\n"
                  "numerator    {} (ascending powers of n; degree <= 2, confirmed at n = 3, 4, 5)\n"
                  "R(0)         {}\nlimit        {} (n -> infinity)\n",
                  model.name, r.task_text, d, to_fraction(s2), polynomial_text(p, "n"),
                  fmt::join(prove::fractions(p), ", "), prove::show(p.coeff(0)), prove::show(limit))};
}

}  // namespace

Runner add_curve(CLI::App& app) {
  auto a = std::make_shared<CurveArgs>();
  add_params(app, a->params);
  app.add_option("--family", a->family,
                 "pretrained:gamma=G | pretrained:m=M (gamma*(M)) | zs-full:c=C | v-only:w=W[,b=B] (b default "
                 "1/(d+4)); placed along theta0 = e_1")
      ->type_name("SPEC");
  a->theta_opt = add_theta(app, a->theta, "evaluate on this task (or --task)");
  add_task(app, a->task, "theta0 = e_1 (or --theta)");
  add_curve_options(app, a->o, "required for --family; must match --params", "");
  app.add_flag("--symbolic", a->symbolic,
               "Print (n+1)^2 R(n) (two layers: (n+1)^8 R(n)) as an exact polynomial (required)");
  app.footer(
      "R(n) = numerator(n) / (n + 1)^2 with a numerator of degree <= 2 (docs/proofs.md), interpolated from the "
      "exact engine at n = 0, 1, 2 and confirmed at n = 3, 4, 5; a file of H heads the same way. A two-layer file: "
      "R(n) = numerator(n) / (n + 1)^8, degree <= 8, from the two-layer engine directly (docs/exact_risk.md section "
      "10).\n");
  return [a] { return job(curve_request(*a), run_curve); };
}

}  // namespace icl::cli
