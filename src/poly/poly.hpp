// Module poly: exact polynomials in one variable.
//   polynomial.hpp  Polynomial<T>, exact interpolation with a confirmed degree bound, (n+1)^2 R(n)
//   sign_runs.hpp   the exact sign of a quadratic at every integer n >= 0 (no cut-off)
#pragma once

#include "poly/polynomial.hpp"
#include "poly/sign_runs.hpp"
