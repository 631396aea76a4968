// Module spectral: second-order certificates at claimed optima (docs/certificates.md).
//   certificate.hpp      the certificate points and plans, certify(): gradient 0, (a) H B = 0,
//                        (b) rank B = the theory's count, (c) lambda_min(H + mu B B^T) > 0
//   flat_directions.hpp  the predicted flat directions as explicit sparse families (the basis B)
//   deflation.hpp        B in a stage's coordinates, its exact rank, H + mu B B^T applied through B
//   hessian_kernel.hpp   the engine's Hessian-vector products and gradients, one scalar per
//                        translation unit (hvp_double/float50/rational.cpp); the mutants' seam
#pragma once

#include "spectral/certificate.hpp"
#include "spectral/deflation.hpp"
#include "spectral/flat_directions.hpp"
#include "spectral/hessian_kernel.hpp"
