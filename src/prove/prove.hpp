// Module prove: statements decided for every n, exactly (docs/proofs.md). The statements themselves
// live in their claim's file under theorems/; this module is the machinery they are built from.
//   proof.hpp         Statement, Proof (PROVED, REFUTED with an exact counterexample, OPEN), identities
//                     decided on tensor grids with confirmed degree bounds, JSON of polynomials and roots
//   knobs.hpp         what a proof assumes besides the formulas (degree bounds, the conservation law),
//                     as overridable members of the formula policy, so that a mutant can change them
//   toolkit.hpp       facts, exact sign sets of gap polynomials against the engine, the paper's setting,
//                     C3's conservation law by Schwartz-Zippel
//   stationarity.hpp  the exact gradient vanishing at closed-form optima identically in n and s2
//   statements.hpp    claim P: every statement as a check of `iclverify check`, and P's mutants
//   paper.hpp         the statements of `iclverify prove`, gathered from the registry
#pragma once

#include "prove/knobs.hpp"
#include "prove/paper.hpp"
#include "prove/proof.hpp"
#include "prove/statements.hpp"
#include "prove/stationarity.hpp"
#include "prove/toolkit.hpp"
