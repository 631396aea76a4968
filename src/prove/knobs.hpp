// What a proof assumes besides the formulas, as overridable knobs of the formula policy F, so that
// the mutation self-test can hand a proof a wrong degree bound or a wrong conservation law
// (the claim files in theorems/ hold those mutants). The paper's PaperFormulas has none of these members: the defaults apply.
#pragma once

#include "closed_form/formulas.hpp"
#include "exact/exact.hpp"
#include "model/families.hpp"
#include "poly/polynomial.hpp"

namespace icl::prove {

// The degree of (n+1)^2 R(n) in n (docs/proofs.md#degree-in-n).
template <class F>
constexpr int n_degree() {
  if constexpr (requires { F::proof_n_degree; })
    return F::proof_n_degree;
  else
    return 2;
}

// C3: <Q, grad_Q L> + sign <v, grad_v L> = 0 with sign = -1.
template <class F>
constexpr int balance_sign() {
  if constexpr (requires { F::proof_balance_sign; })
    return F::proof_balance_sign;
  else
    return -1;
}

inline exact::TaskLaw<Rational> axis_task(Task t, int d) {
  return exact::TaskLaw<Rational>::fixed(Vec<Rational>(Rational(task_sign(t)) * first_axis<Rational>(d)));
}

inline Rational rows_squared(long n) { return Rational((n + 1) * (n + 1)); }

// (n+1)^2 R(n) of a function of n, as a polynomial of degree <= n_degree<F>() (confirmed at 3 more n).
template <class F>
Polynomial<Rational> numerator_in_n(const std::function<Rational(long)>& risk) {
  return curve_numerator(risk, n_degree<F>());
}

}  // namespace icl::prove
