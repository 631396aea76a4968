// iclverify compare A B: for which integers n >= 0 model A's risk is above, equal to or below B's.
#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli/commands.hpp"
#include "cli/inputs.hpp"
#include "cli/model_spec.hpp"
#include "core/number.hpp"
#include "poly/flint_poly.hpp"
#include "prove/proof.hpp"

namespace icl::cli {
namespace {

struct CompareArgs {
  std::string a, b, task, theta;
  CurveOptions o;
  CLI::Option* theta_opt;
};

// One side of the comparison: a family or a one-head file (the one-head engine), or a file of H heads or
// two layers (the multi-head or the two-layer engine).
struct Side {
  std::string name;
  std::optional<Model> head;
  std::optional<Arch<Rational>> layers;
};

// The request: both models and the task, read and checked; nothing evaluated.
struct CompareRequest {
  CompareArgs a;
  Rational s2;
  int d = 0;
  Side A, B;
  exact::TaskLaw<Rational> task;
};

Side read_side(const std::string& text, const std::string& flag, int d, const Vec<Rational>& theta0,
               const Rational& s2) {
  if (auto layers = read_layers(text, flag, d))
    return {fmt::format("{} (L = {}, H = {})", text, layers->L(), layers->H()), std::nullopt, std::move(layers)};
  Model m = read_model(text, flag, theta0, s2);
  std::string name = m.name;
  return {std::move(name), std::move(m), std::nullopt};
}

CompareRequest compare_request(const CompareArgs& a) {
  const Rational s2 = read_sigma2(a.o.sigma2);
  const int d = resolve_dimension(a.o.d, {{a.a, "A"}, {a.b, "B"}});
  const Vec<Rational> theta0 = read_theta(a.theta_opt, a.theta, d);
  Side A = read_side(a.a, "A", d, theta0, s2);
  Side B = read_side(a.b, "B", d, theta0, s2);
  return {a, s2, d, std::move(A), std::move(B), read_task(a.task, theta0)};
}

ExactRisk side_risk(const Side& s, const exact::TaskLaw<Rational>& task, const Rational& s2) {
  return s.layers ? exact_risk(*s.layers, task, s2) : exact_risk(*s.head, task, s2);
}

Result run_compare(const CompareRequest& r) {
  const CompareArgs& a = r.a;
  const ExactRisk ra = side_risk(r.A, r.task, r.s2), rb = side_risk(r.B, r.task, r.s2);
  // R_A - R_B = (numerator_A (n+1)^(p - p_A) - numerator_B (n+1)^(p - p_B)) / (n + 1)^p, p the larger power:
  // the sign of the numerator is that of the difference at every n >= 0.
  const int power = std::max(ra.power, rb.power);
  const Polynomial<Rational> diff = numerator_over(ra, power) - numerator_over(rb, power);
  const auto runs = sign_runs_any_degree(diff);
  if (a.o.format == "json") {
    const nlohmann::json j{
        {"a", r.A.name},
        {"b", r.B.name},
        {"task", a.task},
        {"worse", prove::runs_json(runs, 1)},
        {"equal", prove::runs_json(runs, 0)},
        {"better", prove::runs_json(runs, -1)},
        {"limit_a", to_fraction(ra.limit)},
        {"limit_b", to_fraction(rb.limit)},
        {"difference",
         {{"numerator", prove::fractions(diff)},
          {"denominator", prove::fractions(times_n_plus_1_power(Polynomial<Rational>{{Rational(1)}}, power))},
          {"denominator_power", power}}}};
    return {j.dump(2) + "\n"};
  }
  return {fmt::format(
      "A            {}\nB            {}\ntask         {}, d = {}, s2 = {}\n"
      "R_A - R_B    ({}) / (n + 1)^{}\n"
      "A worse      n in {}\nequal        n in {}\nA better     n in {}\n"
      "limits       A: {}, B: {} (n -> infinity)\n",
      r.A.name, r.B.name, a.task, r.d, to_fraction(r.s2), polynomial_text(diff, "n"), power, describe_runs(runs, 1),
      describe_runs(runs, 0), describe_runs(runs, -1), prove::show(ra.limit), prove::show(rb.limit))};
}

}  // namespace

Runner add_compare(CLI::App& app) {
  auto a = std::make_shared<CompareArgs>();
  const std::string model_help =
      "a parameter file (one layer, or two layers with d <= 3), or pretrained:gamma=G | pretrained:m=M (gamma*(M)) | "
      "zs-full:c=C | v-only:w=W[,b=B] (b default 1/(d+4)), placed along theta0";
  app.add_option("A", a->a, "Model A: " + model_help)->type_name("A")->required();
  app.add_option("B", a->b, "Model B: " + model_help)->type_name("B")->required();
  add_task(app, a->task, "the task A and B are evaluated on")->required();
  a->theta_opt = add_theta(app, a->theta, "the families are placed along it (default e_1)");
  add_curve_options(app, a->o, "required unless a parameter file gives it",
                    "json: ranges inclusive, null = every larger n");
  app.footer(
      "Exact, with no sampling and no upper cut-off: (n+1)^2 (R_A - R_B) is a polynomial of degree <= 2 "
      "(interpolated from the exact engine, confirmed at 3 more n); its real roots are isolated with FLINT. "
      "A file of two layers has R(n) = numerator(n) / (n+1)^8 from the two-layer engine (docs/exact_risk.md "
      "section 10); against one layer both are taken over (n+1)^8.\n");
  return [a] { return job(compare_request(*a), run_compare); };
}

}  // namespace icl::cli
