// Parameter files of a LoRA run: the layout of model/params_file.hpp with the merged matrices
// W = W0 + (alpha/r) B A (so every command reads the file as the fine-tuned model) and one more key,
// "lora", that the readers skip:
//   "lora": {"targets": "qv", "rank": r, "alpha": "p/q", "A": {"V": r x D, ...}, "B": {"V": D x r, ...}}
// Every entry an exact "p/q" string.
#pragma once

#include <fmt/format.h>

#include <string>

#include "core/number.hpp"
#include "lora/adapter.hpp"
#include "model/params_file.hpp"

namespace icl::lora {

namespace detail {
inline std::string matrix_json(const Mat<Rational>& m, const std::string& pad) {
  std::string out = "[";
  for (Eigen::Index r = 0; r < m.rows(); ++r) {
    std::string row;
    for (Eigen::Index c = 0; c < m.cols(); ++c)
      row += fmt::format("{}\"{}\"", c == 0 ? "" : ", ", to_fraction(m(r, c)));
    out += fmt::format("{}\n{}[{}]", r == 0 ? "" : ",", pad, row);
  }
  return out + "]";
}
}  // namespace detail

// `targets`: the letters as given (for people); `alpha`: PEFT's lora_alpha (scale = alpha / rank).
inline std::string lora_params_json(const Adapted<Rational>& ad, const std::string& targets, const Rational& alpha) {
  std::string out = params_to_json(ad.merged());
  out.resize(out.size() - 2);  // the closing "\n}"
  const auto names = block_names(ad.base.kind);
  out += fmt::format(",\n  \"lora\": {{\n    \"targets\": \"{}\",\n    \"rank\": {},\n    \"alpha\": \"{}\"", targets,
                     ad.rank(), to_fraction(alpha));
  for (const char* factor : {"A", "B"}) {
    out += fmt::format(",\n    \"{}\": {{", factor);
    for (std::size_t i = 0; i < ad.adapters.size(); ++i) {
      const auto& a = ad.adapters[i];
      out += fmt::format("{}\n      \"{}\": {}", i == 0 ? "" : ",", names[static_cast<std::size_t>(a.block)],
                         detail::matrix_json(factor[0] == 'A' ? a.A : a.B, "        "));
    }
    out += "}";
  }
  return out + "\n  }\n}\n";
}

}  // namespace icl::lora
