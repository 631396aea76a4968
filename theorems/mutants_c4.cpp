// The mutants of claim C4, instantiated in their own translation unit.
#include "theorems/c4_value_only.hpp"
#include "theorems/theorems.hpp"
#include "verify/mutants.hpp"

namespace icl::theorems {

std::vector<MutantCase> mutant_cases_c4() {
  return mutant_cases<mutants::ValueOnlyD3, mutants::ValueOnlyNoNoise, mutants::ValueOnlyOffByOneN, mutants::BetaD3,
                      mutants::LimitSignFlip, mutants::ValueOnlyThroughFloat>(
      []<class M>(std::type_identity<M>) { return claim_c4<M>(); });
}

}  // namespace icl::theorems
