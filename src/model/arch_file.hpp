// Parameter files of L layers x H heads (docs/usage.md, "Parameter files for several heads and
// layers"; the model: model/arch.hpp). Accepted layouts:
//   JSON {"layers": [{"heads": [{"V", "Q", "K"}, ...]}, ...]}  separate heads; {"V", "Q"}: merged heads
//                                                              (Q holds M = Q^T K); all heads alike;
//   JSON {"allparam": L x H x 3 x D x D}    the authors' Transformer_F.allparam, order V, Q, K
//                                           (A[r, s] = (Q z_r).(K z_s)); L x H x 2 x D x D: V and the
//                                           merged M (A[r, s] = z_r^T M z_s), the merged Transformer_F;
//   JSON {"V", "Q"} or {"V", "Qsep", "K"}   one head (model/params_file.hpp): L = H = 1;
//   NumPy .npy holding allparam (rank 5, axis 2 of length 3 or 2, float32 or float64, little or big endian, C order), or .npz
//   (a zip archive, entries stored or deflated) with an array named allparam (or only one array).
// JSON entries are read exactly as in params_file (0.1 is 1/10); a binary float is its exact dyadic
// value (float64 0.1 is 3602879701896397/36028797018963968). Every mistake is an InputError naming
// the file and the field ("p.json: layers[1].heads[0].K[2][3]: ...").
#pragma once

#include <string>
#include <string_view>

#include "core/number.hpp"
#include "model/arch.hpp"

namespace icl {

Arch<Rational> parse_arch_json(std::string_view text, const std::string& source);
Arch<Rational> parse_arch_npy(std::string_view bytes, const std::string& source);
Arch<Rational> parse_arch_npz(std::string_view bytes, const std::string& source);

// By content: the NumPy magic "\x93NUMPY" is .npy, a zip signature "PK" is .npz, anything else JSON.
Arch<Rational> parse_arch_bytes(std::string_view bytes, const std::string& source);
Arch<Rational> read_arch_file(const std::string& path, const std::string& flag = "--params");

}  // namespace icl
