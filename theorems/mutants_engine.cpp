// The mutants of claim E, instantiated in their own translation unit.
#include "theorems/e_engine.hpp"
#include "theorems/theorems.hpp"
#include "verify/mutants.hpp"

namespace icl::theorems {

std::vector<MutantCase> mutant_cases_engine() {
  return mutant_cases<mutants::SexticSix, mutants::QuadSquareOne, mutants::ProductFourthGaussianFree,
                      mutants::FivePointStencil, mutants::QuadSquareCancelling>(
      []<class M>(std::type_identity<M>) { return claim_engine<PaperFormulas, M>(); });
}

}  // namespace icl::theorems
