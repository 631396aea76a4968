// iclverify optimum: the exact optimum of value-only or key-query-only fine-tuning (one exact
// linear solve) and its risk curve on theta0 and -theta0.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/engine_args.hpp"
#include "cli/inputs.hpp"
#include "report/table.hpp"

namespace icl::cli {
namespace {

struct OptimumArgs {
  EngineArgs engine;
  std::string update, shots = "0,1,2,5,10,20,40", digits, format;
  CLI::Option* digits_opt;
};

struct CurveRow {
  long n;
  Rational start_target, target, start_opposite, opposite;
};

std::vector<CurveRow> curve(const EngineJob& job, const Point<Rational>& opt, const std::vector<long>& shots) {
  const auto plus = exact::TaskLaw<Rational>::fixed(job.theta0);
  const auto minus = exact::TaskLaw<Rational>::fixed(Vec<Rational>(-job.theta0));
  const MergedParams<Rational> s = job.point.as_merged();
  const MergedParams<Rational> o = opt.as_merged();
  std::vector<CurveRow> rows;
  for (long n : shots)
    rows.push_back({n, exact::risk(s, plus, n, job.s2), exact::risk(o, plus, n, job.s2),
                    exact::risk(s, minus, n, job.s2), exact::risk(o, minus, n, job.s2)});
  return rows;
}

// The request: the loss, the start and the block to optimize, read and checked.
struct OptimumRequest {
  OptimumArgs a;
  EngineJob job;
  exact::Update update;
  std::vector<exact::Coordinate> coords;
  std::vector<long> shots;
  int digits = 0;
};

OptimumRequest optimum_request(const OptimumArgs& a) {
  EngineJob job = read_engine_job(a.engine);
  const exact::Update update = read_update(a.update);
  auto coords = update_coordinates(job.point.kind, job.point.D(), a.update);
  if (!exact::is_quadratic(job.point.kind, update))
    throw InputError(
        "--update kq with the separate parameterization is not a quadratic problem (Q = Qsep^T K); "
        "use --update q or k, or the merged parameterization");
  std::vector<long> shots = read_shots(a.shots);
  const int digits = a.digits_opt->count() > 0 ? read_digits(a.digits) : 0;
  return {a, std::move(job), update, std::move(coords), std::move(shots), digits};
}

Result run_optimum(const OptimumRequest& r) {
  const OptimumArgs& a = r.a;
  const EngineJob& job = r.job;
  const int digits = r.digits;
  const auto show = [digits](const Rational& x) {
    return digits > 0 ? to_decimal(static_cast<Float50>(x), digits) : to_fraction(x);
  };
  const auto show_matrix = [&](const Mat<Rational>& m) {
    return digits > 0 ? matrix_strings(Mat<Float50>(m.cast<Float50>()), digits) : matrix_strings(m, 0);
  };

  const auto opt = exact::masked_optimum(job.stages, job.point, r.coords, r.update);
  std::vector<Rational> stage_values;
  for (const auto& stage : job.stages) stage_values.push_back(exact::objective_value(stage, opt.point));
  const auto rows = curve(job, opt.point, r.shots);
  const auto names = block_names(job.point.kind);
  const auto free_count = static_cast<long>(opt.free.cols());

  if (a.format == "json") {
    nlohmann::json j;
    j["start"] = job.point_name;
    j["parameterization"] = parameterization_name(job.point.kind);
    j["d"] = job.d;
    j["sigma2"] = to_fraction(job.s2);
    j["theta0"] = theta_text(job.theta0);
    j["update"] = a.update;
    j["loss"] = job.loss_text;
    for (std::size_t b = 0; b < names.size(); ++b) j["optimum"][names[b]] = show_matrix(opt.point.blocks[b]);
    j["free_directions"] = free_count;
    for (std::size_t i = 0; i < stage_values.size(); ++i) j["loss_values"][job.stage_names[i]] = show(stage_values[i]);
    j["curve"] = nlohmann::json::array();
    for (const auto& r : rows)
      j["curve"].push_back({{"n", r.n},
                            {"start_target", show(r.start_target)},
                            {"target", show(r.target)},
                            {"start_opposite", show(r.start_opposite)},
                            {"opposite", show(r.opposite)}});
    return {j.dump(2) + "\n", 0};
  }

  std::string out = fmt::format("# optimum of {} over {} from {}  d={} sigma2={} theta0=({})\n", job.loss_text,
                                a.update, job.point_name, job.d, to_fraction(job.s2), theta_text(job.theta0));
  std::vector<int> touched;
  for (const auto& c : r.coords)
    if (touched.empty() || touched.back() != c.block) touched.push_back(c.block);
  for (int b : touched)
    out += fmt::format("{}:\n{}", names[static_cast<std::size_t>(b)],
                       matrix_text(show_matrix(opt.point.blocks[static_cast<std::size_t>(b)]), "  "));
  std::string values;
  for (std::size_t i = 0; i < stage_values.size(); ++i)
    values += fmt::format("{}{} = {}", i ? ", " : "", job.stage_names[i], show(stage_values[i]));
  out += fmt::format(
      "loss at the optimum: {}\nfree directions (the loss is flat along them; the optimum is the "
      "minimizer nearest the start): {}\n",
      values, free_count);
  report::Table t;
  t.header = {"n", "start theta0", "optimum theta0", "start -theta0", "optimum -theta0"};
  for (const auto& r : rows)
    t.rows.push_back(
        {std::to_string(r.n), show(r.start_target), show(r.target), show(r.start_opposite), show(r.opposite)});
  return {out + report::render_text(t), 0};
}

}  // namespace

Runner add_optimum(CLI::App& app) {
  auto a = std::make_shared<OptimumArgs>();
  add_engine_options(app, a->engine, true);
  app.add_option("--update", a->update, "Which matrices fine-tuning may change: v, kq (merged), q or k (separate)")
      ->type_name("WHICH")
      ->required()
      ->check(CLI::IsMember({"v", "kq", "q", "k"}));
  add_shots(app, a->shots, "the risk curve");
  a->digits_opt = add_digits(app, a->digits, "printed instead of exact fractions");
  add_format(app, a->format, {"table", "json"});
  app.footer(
      "The loss is a convex quadratic in the updated matrices: one exact linear solve in rationals. When the "
      "minimizer is not unique, the one nearest the starting point (where gradient flow from the start converges) "
      "is printed, with the number of free directions.\n"
      "Example: iclverify optimum --update kq --loss zs+fs --annealed --nft 20 --gamma 10/13 --d 5 --sigma2 1/10\n");
  return [a] { return job(optimum_request(*a), run_optimum); };
}

}  // namespace icl::cli
