// The mutants of claim C3, instantiated in their own translation unit.
#include "theorems/c3_balance.hpp"
#include "theorems/theorems.hpp"
#include "verify/mutants.hpp"

namespace icl::theorems {

std::vector<MutantCase> mutant_cases_c3() {
  return mutant_cases<mutants::CStarSignFlip, mutants::CStarNoVy, mutants::CStarThroughFloat>(
      []<class M>(std::type_identity<M>) { return claim_c3<M>(); });
}

}  // namespace icl::theorems
