// The exact population risk of two layers (docs/exact_risk.md#10-two-layers-issue-27), index header:
//   exact/two_layer/poly.hpp     sparse polynomials with exact exponents
//   exact/two_layer/wishart.hpp  joint moments of the context's a = sum g_i, K = sum g_i g_i^T in n
//   exact/two_layer/risk.hpp     RiskPolynomial, risk_polynomial, curve (L <= 2, any heads)
//   exact/two_layer/dual.hpp     forward-mode dual numbers over any scalar
//   exact/two_layer/fixed_n.hpp  FixedNRisk: the value at one n and its exact gradient, for training
#pragma once

#include "exact/two_layer/dual.hpp"
#include "exact/two_layer/fixed_n.hpp"
#include "exact/two_layer/poly.hpp"
#include "exact/two_layer/risk.hpp"
#include "exact/two_layer/wishart.hpp"
