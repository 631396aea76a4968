// Proof certificates (docs/proof-certificates.md): one JSON document per statement holding what its
// decision consists of, exactly (rationals as "p/q"), for a checker that shares no code with the
// engine (checker/check_certificate.py): the statement, the families' blocks, each risk atom's grid
// with the engine's value at every node, the interpolated numerator and its degree bounds (each with
// a reason), and the decision (LEFT - RIGHT, leading coefficients, sign polynomial with isolating
// intervals and runs, or the derivative).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "claims/claim_file.hpp"
#include "claims/verify.hpp"

namespace icl::claims {

inline constexpr int kCertificateFormatVersion = 1;

// The program's version ("0.1.0", from CMakeLists.txt).
const char* program_version();

// The certificate of statement `s` of `f`, decided as `d` by a Verifier with certificates on.
nlohmann::json certificate_document(const std::string& id, const ClaimFile& f, const Statement& s, const Decision& d);

// "C2.worse_set_on_theta0,_gamma_=_10/13" -> "C2.worse_set_on_theta0__gamma___10_13.json": letters,
// digits, '.', '-' and '_' kept, anything else '_'.
std::string certificate_file_name(const std::string& id);

// Writes each (id, document) to DIR/<certificate_file_name(id)> atomically (a temporary file, then a
// rename), creating DIR if needed; two ids with the same file name get "-2", "-3"... Returns the
// paths written. Throws InputError naming `flag` and the directory when it cannot be written.
std::vector<std::string> write_certificates(const std::string& dir,
                                            const std::vector<std::pair<std::string, nlohmann::json>>& documents,
                                            const std::string& flag = "--export");

}  // namespace icl::claims
