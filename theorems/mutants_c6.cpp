// The mutants of claim C6, instantiated in their own translation unit.
#include "theorems/c6_key_query.hpp"
#include "theorems/theorems.hpp"
#include "verify/mutants.hpp"

namespace icl::theorems {

std::vector<MutantCase> mutant_cases_c6() {
  return mutant_cases<mutants::KqStarNoTwo, mutants::KqRiskFourthMoment, mutants::KqRiskTaskSignFlip,
                      mutants::PretrainedValueReadsBias, mutants::ResidualRiskNoNoise>(
      []<class M>(std::type_identity<M>) { return claim_c6<M>(); });
}

}  // namespace icl::theorems
