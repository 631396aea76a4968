// Parameters of L layers x H heads as JSON, in the two layouts that parameter files accept
// (docs/architectures.md#2-parameter-files): "layers", {"layers": [{"heads": [{"V", "Q", "K"}]}]}
// ({"V", "Q"} for merged heads), and the authors' "allparam", {"allparam": L x H x 3 x D x D} in the
// order V, Q, K of their Transformer_F.allparam (a merged head is written as Q = I, K = M). Softmax
// attention adds "attention": "softmax" at the top.
#pragma once

#include <nlohmann/json.hpp>

#include "model/arch.hpp"

namespace icl {

enum class ArchLayout { Layers, Allparam };

// `entry` maps one matrix entry to JSON (a number for double, an exact "p/q" string for rationals).
template <class T, class Entry>
nlohmann::json matrix_json(const Mat<T>& m, const Entry& entry) {
  nlohmann::json rows = nlohmann::json::array();
  for (Eigen::Index r = 0; r < m.rows(); ++r) {
    nlohmann::json row = nlohmann::json::array();
    for (Eigen::Index c = 0; c < m.cols(); ++c) row.push_back(entry(m(r, c)));
    rows.push_back(row);
  }
  return rows;
}

template <class T, class Entry>
nlohmann::json arch_json(const Arch<T>& a, ArchLayout layout, const Entry& entry) {
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& layer : a.layers) {
    nlohmann::json heads = nlohmann::json::array();
    for (const auto& h : layer) {
      if (layout == ArchLayout::Layers) {
        nlohmann::json head{{"V", matrix_json(h.V, entry)}, {"Q", matrix_json(h.Q, entry)}};
        if (!h.merged()) head["K"] = matrix_json(h.K, entry);
        heads.push_back(head);
      } else {
        const Mat<T> Q = h.merged() ? Mat<T>(Mat<T>::Identity(h.V.rows(), h.V.cols())) : h.Q;
        const Mat<T> K = h.merged() ? h.Q : h.K;
        heads.push_back(nlohmann::json::array({matrix_json(h.V, entry), matrix_json(Q, entry), matrix_json(K, entry)}));
      }
    }
    layers.push_back(layout == ArchLayout::Layers ? nlohmann::json{{"heads", heads}} : heads);
  }
  nlohmann::json out =
      layout == ArchLayout::Layers ? nlohmann::json{{"layers", layers}} : nlohmann::json{{"allparam", layers}};
  if (a.softmax()) out["attention"] = attention_name(a.attention);  // linear: the default, not written
  return out;
}

inline nlohmann::json arch_json(const Arch<double>& a, ArchLayout layout) {
  return arch_json(a, layout, [](double x) { return x; });
}

}  // namespace icl
