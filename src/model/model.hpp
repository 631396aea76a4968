// Module model: prompts, parameters and the prediction of a one-layer linear attention head.
//   params.hpp    token layout; merged (V, Q) and separate (V, Qsep, K) parameters
//   predict.hpp   prompt matrix, full layer output, fast prediction, batches, conventions
//   point.hpp     one point in either parameterization; merged -> separate (Qsep = I, K = Q)
//   families.hpp  the constructions P(gamma), F(c), V(b, w) as matrices; the balance ||Q||^2 - ||v||^2
#pragma once

#include "model/families.hpp"
#include "model/params.hpp"
#include "model/point.hpp"
#include "model/predict.hpp"
