// The exact engine: population risk, gradient, Hessian-vector products and masked optima of any
// attention parameters, with no sampling (docs/exact_risk.md). Every function is templated on the
// scalar (double, Float50, Rational; AD scalars inside); the Gaussian moments are a runtime value
// (exact::Moments, Isserlis by default), so a mutant moment runs through the same compiled engine.
//
// Public parts:
//   exact/task.hpp       TaskLaw: a fixed task vector theta or the unit sphere
//   exact/moments.hpp    Moments (the identities; a mutant changes one), Stencil, real_t
//   exact/risk.hpp       PreparedPoint (risk for many n and tasks), risk()
//   exact/objective.hpp  Update, updated_blocks, Coordinate, coordinates, gather/scatter,
//                        Objective (a weighted sum of risks), objective_value, gradient_blocks,
//                        value_and_gradient (adjoint), value_and_gradient_forward (AD cross-check),
//                        hessian_vector, hessian
//   exact/quadratic.hpp  is_quadratic, masked_optimum (lexicographic, one exact linear solve a stage)
//   exact/heads.hpp      one layer with H heads: arch_curve, arch_risk, head_coordinates,
//                        heads_value_and_gradient, heads_hessian_vector, heads_masked_optimum
// Internal (namespace icl::exact::detail):
//   exact/detail/terms.hpp      the query, task and context terms the risk is assembled from
//   exact/detail/adjoint.hpp    the same lines run backwards: the gradient
//   exact/detail/head_terms.hpp the H-head risk as a quadratic in the tensor T (Isserlis, Hermite)
//   exact/detail/instances.hpp  the scalars compiled once (src/exact/instances_*.cpp)
#pragma once

#include "exact/heads.hpp"
#include "exact/moments.hpp"
#include "exact/objective.hpp"
#include "exact/quadratic.hpp"
#include "exact/risk.hpp"
#include "exact/task.hpp"
