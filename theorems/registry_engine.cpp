// Instantiated on its own: the engine's claim compiles the AD engine in three scalars.
#include "theorems/e_engine.hpp"
#include "theorems/theorems.hpp"

namespace icl::theorems {

Claim paper_claim_engine() { return claim_engine(); }

}  // namespace icl::theorems
