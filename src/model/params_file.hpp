// Parameter files: JSON {"V": D x D, "Q": D x D} (merged) or {"V", "Qsep", "K"} (separate).
// Entries are JSON numbers or strings such as "3/7"; both are read exactly (a number's decimal
// text, not its double rounding), so 0.1 means 1/10. A key "lora" (the factors of a LoRA run,
// src/lora/lora_file.hpp) is skipped: the matrices are the merged model.
#pragma once

#include <string>
#include <string_view>

#include "core/number.hpp"
#include "model/point.hpp"

namespace icl {

// Throws InputError naming the file and the field (e.g. "p.json: Q[2][3]: ...").
Point<Rational> parse_params_json(std::string_view text, const std::string& source);
Point<Rational> read_params_file(const std::string& path, const std::string& flag = "--params");

// The same layout back, every entry an exact "p/q" string.
std::string params_to_json(const Point<Rational>& p, int indent = 2);

}  // namespace icl
