// Module poly: exact polynomials.
//   polynomial.hpp  Polynomial<T>, exact interpolation with a confirmed degree bound, (n+1)^2 R(n)
//   sign_runs.hpp   the exact sign of a quadratic at every integer n >= 0 (no cut-off)
//   flint_poly.hpp  real-root isolation and integer sign runs of any degree (FLINT Sturm counts)
//   tensor_fit.hpp  multivariate polynomials from exact values on tensor grids, degree bounds confirmed
#pragma once

#include "poly/flint_poly.hpp"
#include "poly/polynomial.hpp"
#include "poly/sign_runs.hpp"
#include "poly/tensor_fit.hpp"
