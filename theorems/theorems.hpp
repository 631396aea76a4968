// The claims of THEORY.md section 4, one file each. A claim file holds the statement, its
// hypotheses and its checks; the machinery lives in src/verify.
#pragma once

#include <vector>

#include "verify/check.hpp"

namespace icl::theorems {

// The exact engine (E), then C1..C6, against the paper's formulas.
std::vector<Claim> all_claims();

// The claims that use the exact engine, each compiled in its own translation unit.
Claim paper_claim_engine();
Claim paper_claim_c6();

}  // namespace icl::theorems
