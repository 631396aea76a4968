// The mutants of claim C1, instantiated in their own translation unit.
#include "theorems/c1_pretraining.hpp"
#include "theorems/theorems.hpp"
#include "verify/mutants.hpp"

namespace icl::theorems {

std::vector<MutantCase> mutant_cases_c1() {
  return mutant_cases<mutants::PretrainedOffByOneN, mutants::PretrainedNoNoise, mutants::GammaStarNoNoise,
                      mutants::GammaStarOffByOne, mutants::GammaStarNumeratorM, mutants::ThresholdWrongDenominator,
                      mutants::ClassicalOffByOne, mutants::ClassicalIsQueryIncluded, mutants::PretrainedThroughFloat>(
      []<class M>(std::type_identity<M>) { return claim_c1<M>(); });
}

}  // namespace icl::theorems
