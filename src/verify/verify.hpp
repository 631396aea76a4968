// Module verify: the machinery theorem files are built from.
//   check.hpp          Verdict, Outcome, Check, Claim, running checks
//   primitives.hpp     exact identity, exact stationarity, cross-precision and Monte Carlo agreement
//   family_checks.hpp  Monte Carlo agreement of a family's closed form over tasks and shot counts
//   mutants.hpp        deliberately wrong formula variants that the checks must catch
#pragma once

#include "verify/check.hpp"
#include "verify/family_checks.hpp"
#include "verify/mutants.hpp"
#include "verify/primitives.hpp"
