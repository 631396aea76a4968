// The pieces the parameter-file readers share: exact JSON (every number read from its decimal
// text), D x D matrices of exact entries, the single-head layouts and the file's bytes. Defined in
// params_file.cpp; model/params_file.hpp (one head) and model/arch_file.hpp (L x H) read with them.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/number.hpp"
#include "model/point.hpp"

namespace icl::params_json {

// The JSON tree of `text` with every number kept as its literal text (a string), so that a decimal
// is read exactly; a key that appears twice or invalid JSON is an InputError naming `source`.
nlohmann::json parse_exact(std::string_view text, const std::string& source);

// A D x D matrix of exact entries (numbers or "p/q" strings); `where` ("p.json: Q") prefixes every
// message. D < 0 on entry: the matrix sets it (>= 3); else the matrix must be D x D.
Mat<Rational> read_matrix(const nlohmann::json& j, const std::string& where, long& D);

// The single-head layouts {V, Q} (merged) / {V, Qsep, K} (separate) of a parsed tree.
Point<Rational> read_point(const nlohmann::json& j, const std::string& source);

}  // namespace icl::params_json
