// iclverify grad: the exact gradient of a loss at any parameter point.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/engine_args.hpp"
#include "cli/inputs.hpp"

namespace icl::cli {
namespace {

struct GradArgs {
  EngineArgs engine;
  std::string update = "all", format;
  PrecisionArgs precision;
};

// The gradient laid back into the blocks it belongs to (entries outside the update are absent).
template <class T>
struct GradientBlocks {
  T value;
  std::vector<int> blocks;     // which blocks the update touches
  std::vector<Mat<T>> matrix;  // one per touched block
  T norm2;
};

template <class T>
GradientBlocks<T> gradient_blocks(const EngineJob& job, const std::vector<exact::Coordinate>& coords) {
  const Point<T> point = job.point.template cast<T>();
  const auto vg = exact::value_and_gradient(job.stages.front().template cast<T>(), point, coords);
  GradientBlocks<T> out{vg.value, {}, {}, vg.gradient.squaredNorm()};
  for (std::size_t j = 0; j < coords.size(); ++j) {
    const auto& c = coords[j];
    if (out.blocks.empty() || out.blocks.back() != c.block) {
      out.blocks.push_back(c.block);
      out.matrix.push_back(Mat<T>::Zero(point.D(), point.D()));
    }
    out.matrix.back()(c.row, c.col) = vg.gradient(static_cast<Eigen::Index>(j));
  }
  return out;
}

template <class T>
Result render(const GradArgs& a, const EngineJob& job, const GradientBlocks<T>& g, const Precision& p) {
  const int digits = p.digits;
  const std::string precision = p.name();
  const auto names = block_names(job.point.kind);
  if (a.format == "json") {
    nlohmann::json j;
    j["point"] = job.point_name;
    j["parameterization"] = parameterization_name(job.point.kind);
    j["d"] = job.d;
    j["sigma2"] = to_fraction(job.s2);
    if (job.loss != "pretrain") j["theta0"] = theta_text(job.theta0);
    j["loss"] = job.loss_text;
    j["update"] = a.update;
    j["precision"] = precision;
    j["value"] = show_scalar(g.value, digits);
    j["gradient_norm2"] = show_scalar(g.norm2, digits);
    for (std::size_t b = 0; b < g.blocks.size(); ++b)
      j["gradient"][names[static_cast<std::size_t>(g.blocks[b])]] = matrix_strings(g.matrix[b], digits);
    return {j.dump(2) + "\n", 0};
  }
  const std::string theta = job.loss == "pretrain" ? "" : " theta0=(" + theta_text(job.theta0) + ")";
  std::string out = fmt::format("# gradient of {} at {}  d={} sigma2={}{} update={} precision={}\n", job.loss_text,
                                job.point_name, job.d, to_fraction(job.s2), theta, a.update, precision);
  out += fmt::format("loss = {}\n|gradient|^2 = {}\n", show_scalar(g.value, digits), show_scalar(g.norm2, digits));
  for (std::size_t b = 0; b < g.blocks.size(); ++b)
    out += fmt::format("d loss / d {}:\n{}", names[static_cast<std::size_t>(g.blocks[b])],
                       matrix_text(matrix_strings(g.matrix[b], digits), "  "));
  return {out, 0};
}

// The request: the point, the loss and the coordinates, read and checked.
struct GradRequest {
  GradArgs a;
  EngineJob job;
  std::vector<exact::Coordinate> coords;
  Precision p;
};

GradRequest grad_request(const GradArgs& a) {
  EngineJob job = read_engine_job(a.engine);
  if (job.loss == "pretrain" && a.engine.theta_opt->count() > 0)
    throw InputError("--theta is not used by --loss pretrain (the task is uniform on the sphere)");
  auto coords = update_coordinates(job.point.kind, job.point.D(), a.update);
  return {a, std::move(job), std::move(coords), read_precision(a.precision)};
}

Result run_grad(const GradRequest& r) {
  if (r.p.kind == Precision::Kind::Exact) return render(r.a, r.job, gradient_blocks<Rational>(r.job, r.coords), r.p);
  if (r.p.kind == Precision::Kind::Digits) return render(r.a, r.job, gradient_blocks<Float50>(r.job, r.coords), r.p);
  return render(r.a, r.job, gradient_blocks<double>(r.job, r.coords), r.p);
}

}  // namespace

Runner add_grad(CLI::App& app) {
  auto a = std::make_shared<GradArgs>();
  add_engine_options(app, a->engine, false);
  app.add_option("--update", a->update, "Differentiate with respect to: all (default), v, kq, q or k (q, k: separate)")
      ->type_name("WHICH")
      ->check(CLI::IsMember({"all", "v", "kq", "q", "k"}));
  add_precision(app, a->precision);
  add_format(app, a->format, {"table", "json"});
  app.footer(
      "The gradient is exact (forward-mode automatic differentiation of the exact risk; no sampling).\n"
      "Example: iclverify grad --m 20 --d 5 --sigma2 1/10 --loss pretrain --exact\n");
  return [a] { return job(grad_request(*a), run_grad); };
}

}  // namespace icl::cli
