// Module verify: the machinery theorem files are built from.
//   check.hpp          Verdict, Outcome, Check, Claim, running checks
//   primitives.hpp     exact identity, exact stationarity, cross-precision and Monte Carlo agreement
//   family_checks.hpp  Monte Carlo agreement of a family's closed form over tasks and shot counts
//   mutants.hpp        what the claim files' mutants share (a float intermediate); the mutants
//                      themselves live in their claim's file under theorems/
//   selftest.hpp       the mutation self-test: MutantCase, running every mutant, coverage per check
#pragma once

#include "verify/check.hpp"
#include "verify/family_checks.hpp"
#include "verify/mutants.hpp"
#include "verify/primitives.hpp"
#include "verify/selftest.hpp"
