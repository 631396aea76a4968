// The claims of THEORY.md section 4, one file each. A claim file holds the statement, its
// hypotheses and its checks; the machinery lives in src/verify.
#pragma once

#include <vector>

#include "verify/check.hpp"

namespace icl::theorems {

// C1..C5 against the paper's formulas, in order.
std::vector<Claim> all_claims();

}  // namespace icl::theorems
