#include "prove/stationarity.hpp"

namespace icl::prove {

Proof prove_vanishing(const std::string& what, const std::vector<GridAxis>& axes, const VectorFunction& g) {
  nlohmann::json cert{{"identity", what + " = 0"}, {"grid", axes_json(axes)}};
  const auto points = grid_points(axes);
  for (const auto& x : points) {
    const Vec<Rational> v = g(x);
    for (Eigen::Index k = 0; k < v.size(); ++k) {
      if (v(k) == 0) continue;
      nlohmann::json at = nlohmann::json::object();
      std::string text;
      for (std::size_t j = 0; j < axes.size(); ++j) {
        at[axes[j].name] = to_fraction(x[j]);
        text += fmt::format(" {}={}", axes[j].name, to_fraction(x[j]));
      }
      cert["counterexample"] = {{"point", at}, {"component", k}, {"value", to_fraction(v(k))}};
      return {ProofVerdict::Refuted, fmt::format("{}: component {} is {} at{}", what, k, show(v(k)), text), cert};
    }
  }
  cert["grid_points"] = points.size();
  return {ProofVerdict::Proved, fmt::format("{}: 0 on a grid of {} points", what, points.size()), cert};
}

}  // namespace icl::prove
