// Mutants of the proofs themselves: a wrong degree bound and a wrong conservation law. The
// formula mutants of src/verify/mutants.hpp run through the proofs too (theorems/mutants_proofs.cpp).
#pragma once

#include "closed_form/formulas.hpp"

namespace icl::prove::mutants {

struct DegreeBoundOne : PaperFormulas {
  static constexpr const char* name = "(n+1)^2 R(n) claimed of degree <= 1 in n";
  static constexpr int proof_n_degree = 1;
};

struct BalancePlus : PaperFormulas {
  static constexpr const char* name = "conservation law <Q, grad_Q L> + <v, grad_v L> = 0";
  static constexpr int proof_balance_sign = 1;
};

}  // namespace icl::prove::mutants
