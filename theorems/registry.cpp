#include "theorems/c1_pretraining.hpp"
#include "theorems/c2_full_finetuning.hpp"
#include "theorems/c3_balance.hpp"
#include "theorems/c4_value_only.hpp"
#include "theorems/c5_auxiliary_fewshot.hpp"
#include "theorems/theorems.hpp"

namespace icl::theorems {

std::vector<Claim> all_claims() {
  return {paper_claim_engine(), claim_c1(),       claim_c2(),           claim_c3(),           claim_c4(),
          claim_c5(),           paper_claim_c6(), claim_certificates(), paper_claim_proofs(), claim_training()};
}

std::vector<MutantCase> all_mutant_cases() {
  std::vector<MutantCase> all;
  for (auto part : {mutant_cases_engine, mutant_cases_c1, mutant_cases_c2, mutant_cases_c3, mutant_cases_c4,
                    mutant_cases_c5, mutant_cases_c6, mutant_cases_proofs, mutant_cases_training, mutant_cases_h}) {
    auto cases = part();
    all.insert(all.end(), cases.begin(), cases.end());
  }
  return all;
}

}  // namespace icl::theorems
