// The mutants of claim C2, instantiated in their own translation unit.
#include "theorems/c2_full_finetuning.hpp"
#include "theorems/theorems.hpp"
#include "verify/mutants.hpp"

namespace icl::theorems {

std::vector<MutantCase> mutant_cases_c2() {
  return mutant_cases<mutants::FullFtOffByOneN, mutants::FullFtNoNoise, mutants::FullFtSignFlip,
                      mutants::FullFtQueryLabelCounted, mutants::FullFtThroughFloat>(
      []<class M>(std::type_identity<M>) { return claim_c2<M>(); });
}

}  // namespace icl::theorems
