// The scalars the exact engine is compiled for once, with the Gaussian moments: each public header
// of src/exact declares its templates for these as explicit instantiations (`extern template`),
// and src/exact/instances_*.cpp defines them, one scalar per translation unit. Every other
// translation unit links to those instead of instantiating the engine again; another moment
// policy (a mutant) is instantiated where it is used, as any template.
#pragma once

#include "core/scalar.hpp"

// X(T) for each compiled scalar T.
#define ICL_EXACT_SCALARS(X) X(double) X(::icl::Float50) X(::icl::Rational)
// The scalars the program optimizes heads in (heads.hpp): double for the descent, rational for the
// exact optima and certificates; 50 digits only evaluates curves.
#define ICL_EXACT_HEADS_SCALARS(X) X(double) X(::icl::Rational)
