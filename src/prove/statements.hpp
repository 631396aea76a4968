// Every statement of `iclverify prove`, in order, against a formula policy F (the paper's formulas
// or a mutant), and the same statements as checks of `iclverify check` (claim P).
#pragma once

#include "prove/claims.hpp"
#include "prove/closed_forms.hpp"
#include "prove/stationarity.hpp"
#include "verify/check.hpp"

namespace icl::prove {

template <class F>
std::vector<Statement> all_statements() {
  return {cf_pretrained<F>(), cf_full_ft<F>(),      cf_value_only<F>(),   c1_threshold<F>(),     c2_structure<F>(),
          c2_sets<F>(),       c2_limit<F>(),        c3_conservation<F>(), c4_limits<F>(),        c4_zero_shot<F>(),
          c5_ranges<F>(),     stat_gamma_star<F>(), stat_w_star<F>(),     stat_b_zero_shot<F>(), stat_kq_optimum<F>()};
}

// Claim P: one check "P.<statement id>" per statement, in the fast set; PROVED is PASS, anything
// else FAIL (a statement of THEORY.md that is REFUTED or left OPEN is a failure of the check).
Claim proofs_claim(const std::vector<Statement>& statements);

}  // namespace icl::prove
