// Module sim: sampling and Monte Carlo.
//   sampler.hpp      seeded prompt sampler (pcg64 streams per block, Boost ziggurat normals)
//   monte_carlo.hpp  Monte Carlo risk with standard error, thread-count independent
#pragma once

#include "sim/monte_carlo.hpp"
#include "sim/sampler.hpp"
