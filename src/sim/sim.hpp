// Module sim: sampling and Monte Carlo.
//   sampler.hpp        seeded prompt sampler (pcg64 streams per block, Boost ziggurat normals)
//   monte_carlo.hpp    Monte Carlo risk with standard error, thread-count independent
//   random_params.hpp  seeded random parameter points with small rational entries (exact in every scalar)
#pragma once

#include "sim/monte_carlo.hpp"
#include "sim/random_params.hpp"
#include "sim/sampler.hpp"
