// iclverify compare A B: for which integers n >= 0 model A's risk is above, equal to or below B's.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

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

Result run_compare(const CompareArgs& a) {
  const Rational s2 = read_sigma2(a.o.sigma2);
  const int d = resolve_dimension(a.o.d, {{a.a, "A"}, {a.b, "B"}});
  const Vec<Rational> theta0 = read_theta(a.theta_opt, a.theta, d);
  const Model ma = read_model(a.a, "A", theta0, s2), mb = read_model(a.b, "B", theta0, s2);
  const auto task = read_task(a.task, theta0);
  const Polynomial<Rational> pa = risk_numerator(ma, task, s2), pb = risk_numerator(mb, task, s2);
  const Polynomial<Rational> diff = pa - pb;
  const auto runs = sign_runs_any_degree(diff);
  if (a.o.format == "json") {
    const nlohmann::json j{{"a", ma.name},
                           {"b", mb.name},
                           {"task", a.task},
                           {"worse", prove::runs_json(runs, 1)},
                           {"equal", prove::runs_json(runs, 0)},
                           {"better", prove::runs_json(runs, -1)},
                           {"limit_a", to_fraction(pa.coeff(2))},
                           {"limit_b", to_fraction(pb.coeff(2))},
                           {"difference", {{"numerator", prove::fractions(diff)}, {"denominator", {"1", "2", "1"}}}}};
    return {j.dump(2) + "\n"};
  }
  return {
      fmt::format("A            {}\nB            {}\ntask         {}, d = {}, s2 = {}\n"
                  "R_A - R_B    ({}) / (n + 1)^2\n"
                  "A worse      n in {}\nequal        n in {}\nA better     n in {}\n"
                  "limits       A: {}, B: {} (n -> infinity)\n",
                  ma.name, mb.name, a.task, d, to_fraction(s2), polynomial_text(diff, "n"), describe_runs(runs, 1),
                  describe_runs(runs, 0), describe_runs(runs, -1), prove::show(pa.coeff(2)), prove::show(pb.coeff(2)))};
}

}  // namespace

Runner add_compare(CLI::App& app) {
  auto a = std::make_shared<CompareArgs>();
  const std::string model_help =
      "a parameter file, or pretrained:gamma=G | pretrained:m=M (gamma*(M)) | zs-full:c=C | v-only:w=W[,b=B] (b "
      "default 1/(d+4)), placed along theta0";
  app.add_option("A", a->a, "Model A: " + model_help)->type_name("A")->required();
  app.add_option("B", a->b, "Model B: " + model_help)->type_name("B")->required();
  add_task(app, a->task, "the task A and B are evaluated on")->required();
  a->theta_opt = add_theta(app, a->theta, "the families are placed along it (default e_1)");
  add_curve_options(app, a->o, "required unless a parameter file gives it",
                    "json: ranges inclusive, null = every larger n");
  app.footer(
      "Exact, with no sampling and no upper cut-off: (n+1)^2 (R_A - R_B) is a polynomial of degree <= 2 "
      "(interpolated from the exact engine, confirmed at 3 more n); its real roots are isolated with FLINT.\n");
  return [a] { return unsplit([a] { return run_compare(*a); }); };
}

}  // namespace icl::cli
