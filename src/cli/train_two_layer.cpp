// iclverify train --trainer exact-bfgs: the job of a checked request (train_two_layer.hpp).
#include "cli/train_two_layer.hpp"

#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "model/arch_json.hpp"
#include "report/files.hpp"

namespace icl::cli {

std::vector<train::TwoLayerTerm<double>> two_layer_terms(const std::string& loss, int d, long m, long nft,
                                                         std::string& text) {
  const auto theta0 = exact::TaskLaw<double>::fixed(Vec<double>::Unit(d, 0));
  if (loss == "pretrain") {
    text = fmt::format("R({}) on the sphere", m);
    return {{1.0, m, exact::TaskLaw<double>::sphere()}};
  }
  if (loss == "zs") {
    text = "R(0) on theta0";
    return {{1.0, 0, theta0}};
  }
  text = fmt::format("R(0) + R({}) on theta0", nft);
  return {{1.0, 0, theta0}, {1.0, nft, theta0}};
}

namespace {

// |B_end - B_start| / |B_start| over the heads of one layer, for block b (0 V, 1 Q, 2 K); Frobenius
// norms; 0 when the block did not move, -1 when it is absent (merged heads have no K); a block that
// started at zero is measured against its end value (then 1).
double relative_move(const Arch<double>& from, const Arch<double>& to, int layer, int block) {
  double moved = 0, size = 0;
  const auto& heads_from = from.layers[static_cast<std::size_t>(layer)];
  const auto& heads_to = to.layers[static_cast<std::size_t>(layer)];
  for (std::size_t h = 0; h < heads_from.size(); ++h) {
    const auto pick = [&](const Head<double>& x) -> const Mat<double>& {
      return block == 0 ? x.V : block == 1 ? x.Q : x.K;
    };
    if (block == 2 && heads_from[h].merged()) return -1;
    moved += (pick(heads_to[h]) - pick(heads_from[h])).squaredNorm();
    size += pick(heads_from[h]).squaredNorm();
  }
  double end = 0;
  for (const auto& x : heads_to) end += (block == 0 ? x.V : block == 1 ? x.Q : x.K).squaredNorm();
  return moved == 0 ? 0 : std::sqrt(moved / (size > 0 ? size : end));
}

std::string exact_entry(double x) { return to_fraction(Rational(x)); }

}  // namespace

Result run_two_layer_train(const TwoLayerTrainRequest& r) {
  namespace tl = exact::two_layer;
  const int d = r.start.d();
  const auto t0 = std::chrono::steady_clock::now();
  const auto coords = tl::arch_coordinates(r.start, r.set);
  train::TwoLayerLoss<double> loss(d, from_rational<double>(r.s2), r.terms);
  const double start_loss = loss.value(r.start);
  const train::TwoLayerFit fit = train::two_layer_minimize(loss, r.start, coords, r.fit);
  const train::StationaryCertificate c = train::certify_stationary(d, r.s2, r.terms, fit.arch, coords);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!std::isfinite(fit.loss)) return {"", 3, "iclverify: error: train diverged (the loss is not finite)\n"};

  const nlohmann::json params = arch_json(fit.arch, ArchLayout::Layers, exact_entry);
  if (!r.save_params.empty()) report::write_file_atomic(r.save_params, params.dump(2) + "\n");

  const char* block_names[] = {"V", "Q", "K"};
  if (r.format == "json") {
    nlohmann::json j{{"trainer", "exact-bfgs"},
                     {"loss", r.loss},
                     {"loss_terms", r.loss_text},
                     {"update", r.update},
                     {"layers", r.start.L()},
                     {"heads", r.start.H()},
                     {"init", r.init_name},
                     {"d", d},
                     {"sigma2", to_fraction(r.s2)},
                     {"theta0", "e_1"},
                     {"coordinates", coords.size()},
                     {"start_loss", start_loss},
                     {"final_loss", fit.loss},
                     {"final_loss_50", to_decimal(c.value50, 30)},
                     {"gradient_norm_50", c.grad50},
                     {"hessian_min", c.low},
                     {"hessian_max", c.top},
                     {"flat_directions", c.flat},
                     {"certified", c.certified()},
                     {"iterations", fit.iterations},
                     {"max_iterations", r.fit.max_iterations},
                     {"evaluations", fit.evaluations},
                     {"seconds", secs}};
    for (int l = 0; l < r.start.L(); ++l)
      for (int b = 0; b < 3; ++b)
        if (const double m = relative_move(r.start, fit.arch, l, b); m >= 0)
          j["moved"][static_cast<std::size_t>(l)][block_names[b]] = m;
    j["parameters"] = params;
    return {j.dump(2) + "\n", 0};
  }
  std::string out = fmt::format(
      "# train: trainer=exact-bfgs loss={} ({}) update={} layers={} heads={} init={} d={} sigma2={} theta0=e_1\n",
      r.loss, r.loss_text, r.update, r.start.L(), r.start.H(), r.init_name, d, to_fraction(r.s2));
  out += fmt::format("coordinates trained = {}\n", coords.size());
  out += fmt::format("start loss = {}\n", to_decimal(start_loss));
  out += fmt::format("final loss = {} (50 digits: {})\n", to_decimal(fit.loss), to_decimal(c.value50, 30));
  out += fmt::format("iterations = {} (BFGS cap {}, then up to {} Newton steps), loss evaluations = {}\n",
                     fit.iterations, r.fit.max_iterations, r.fit.newton_steps, fit.evaluations);
  out += fmt::format("gradient norm (50 digits) = {:.3e}\n", c.grad50);
  out += fmt::format("Hessian eigenvalues: min {:.3e}, max {:.6g}, flat (|lambda| <= 1e-6 max) {}\n", c.low, c.top,
                     c.flat);
  out +=
      fmt::format("certified stationary: {} (|grad|_50 < 1e-10 and min > -1e-6 max)\n", c.certified() ? "yes" : "NO");
  for (int l = 0; l < r.start.L(); ++l) {
    out += fmt::format("layer {} moved:", l + 1);
    for (int b = 0; b < 3; ++b)
      if (const double m = relative_move(r.start, fit.arch, l, b); m >= 0)
        out += fmt::format(" |d{0}|/|{0}| {1:.4g}", block_names[b], m);
    out += "\n";
  }
  if (!r.save_params.empty()) out += fmt::format("saved {}\n", r.save_params);
  out += fmt::format("seconds = {:.3f}\n", secs);
  return {out, 0};
}

}  // namespace icl::cli
