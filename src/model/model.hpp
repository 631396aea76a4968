// Module model: prompts, parameters and the prediction of a one-layer linear attention head.
//   params.hpp       token layout; merged (V, Q) and separate (V, Qsep, K) parameters
//   point.hpp        Point: either parameterization as named blocks (block::V, Q, Qsep, K);
//                    in_parameterization: merged -> separate (Qsep = I, K = Q)
//   params_file.hpp  JSON parameter files, every entry read exactly
//   predict.hpp      prompt matrix, full layer output, fast prediction, batches, conventions
//   families.hpp     the constructions P(gamma), F(c), V(b, w) as matrices; the balance ||Q||^2 - ||v||^2
#pragma once

#include "model/families.hpp"
#include "model/params.hpp"
#include "model/params_file.hpp"
#include "model/point.hpp"
#include "model/predict.hpp"
