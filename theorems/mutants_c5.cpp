// The mutants of claim C5, instantiated in their own translation unit.
#include "theorems/c5_auxiliary_fewshot.hpp"
#include "theorems/theorems.hpp"
#include "verify/mutants.hpp"

namespace icl::theorems {

std::vector<MutantCase> mutant_cases_c5() {
  return mutant_cases<mutants::WStarD3, mutants::WStarNoNoise, mutants::WStarOffByOne, mutants::WStarThroughFloat>(
      []<class M>(std::type_identity<M>) { return claim_c5<M>(); });
}

}  // namespace icl::theorems
