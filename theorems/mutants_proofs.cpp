// The mutants claim P (the proofs) must catch: formula mutants of every family, a wrong degree
// bound and a wrong conservation law. Each runs the statements it can reach (the rest of the
// claim does not read the mutated member), so the self-test stays fast.
#include "prove/mutants.hpp"
#include "prove/statements.hpp"
#include "theorems/theorems.hpp"
#include "verify/mutants.hpp"

namespace icl::theorems {

namespace {

// Only the statements that read the mutated member are instantiated (compile time).
template <class M>
MutantCase proof_mutant(std::vector<prove::Statement (*)()> statements) {
  return {M::name, "P", [statements] {
            std::vector<prove::Statement> kept;
            for (auto make : statements) kept.push_back(make());
            return prove::proofs_claim(kept);
          }};
}

}  // namespace

std::vector<MutantCase> mutant_cases_proofs() {
  using namespace icl::mutants;
  return {proof_mutant<PretrainedOffByOneN>(
              {prove::cf_pretrained<PretrainedOffByOneN>, prove::c1_threshold<PretrainedOffByOneN>}),
          proof_mutant<PretrainedNoNoise>(
              {prove::cf_pretrained<PretrainedNoNoise>, prove::c1_threshold<PretrainedNoNoise>}),
          proof_mutant<ThresholdWrongDenominator>({prove::c1_threshold<ThresholdWrongDenominator>}),
          proof_mutant<FullFtOffByOneN>({prove::cf_full_ft<FullFtOffByOneN>, prove::c2_structure<FullFtOffByOneN>,
                                         prove::c2_limit<FullFtOffByOneN>}),
          proof_mutant<FullFtNoNoise>({prove::cf_full_ft<FullFtNoNoise>, prove::c2_sets<FullFtNoNoise>}),
          proof_mutant<FullFtSignFlip>({prove::cf_full_ft<FullFtSignFlip>, prove::c2_structure<FullFtSignFlip>}),
          proof_mutant<ValueOnlyD3>({prove::cf_value_only<ValueOnlyD3>, prove::c4_zero_shot<ValueOnlyD3>}),
          proof_mutant<ValueOnlyNoNoise>({prove::cf_value_only<ValueOnlyNoNoise>, prove::c5_ranges<ValueOnlyNoNoise>}),
          proof_mutant<ValueOnlyOffByOneN>(
              {prove::cf_value_only<ValueOnlyOffByOneN>, prove::c4_limits<ValueOnlyOffByOneN>}),
          proof_mutant<BetaD3>({prove::c4_zero_shot<BetaD3>, prove::stat_b_zero_shot<BetaD3>}),
          proof_mutant<LimitSignFlip>({prove::c4_limits<LimitSignFlip>}),
          proof_mutant<GammaStarNoNoise>({prove::stat_gamma_star<GammaStarNoNoise>}),
          proof_mutant<GammaStarOffByOne>({prove::stat_gamma_star<GammaStarOffByOne>}),
          proof_mutant<WStarD3>({prove::stat_w_star<WStarD3>, prove::c5_ranges<WStarD3>}),
          proof_mutant<WStarNoNoise>({prove::stat_w_star<WStarNoNoise>}),
          proof_mutant<WStarOffByOne>({prove::stat_w_star<WStarOffByOne>}),
          proof_mutant<KqStarNoTwo>({prove::stat_kq_optimum<KqStarNoTwo>}),
          proof_mutant<prove::mutants::DegreeBoundOne>(
              {prove::cf_pretrained<prove::mutants::DegreeBoundOne>, prove::c2_limit<prove::mutants::DegreeBoundOne>}),
          proof_mutant<prove::mutants::BalancePlus>({prove::c3_conservation<prove::mutants::BalancePlus>})};
}

}  // namespace icl::theorems
