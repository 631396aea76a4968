// Instantiated on its own (uses the exact engine).
#include "theorems/c6_key_query.hpp"
#include "theorems/theorems.hpp"

namespace icl::theorems {

Claim paper_claim_c6() { return claim_c6(); }

}  // namespace icl::theorems
