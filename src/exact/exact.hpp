// The exact engine: population risk, gradient, Hessian and masked optima of any parameters.
#pragma once

#include "exact/moments.hpp"
#include "exact/objective.hpp"
#include "exact/quadratic.hpp"
#include "exact/risk.hpp"
