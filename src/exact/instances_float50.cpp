// The exact engine in float50 with the Gaussian moments, compiled once (src/exact/detail/instances.hpp).
#include "exact/exact.hpp"

namespace icl::exact {

ICL_EXACT_RISK_INSTANCES(, ::icl::Float50)
ICL_EXACT_OBJECTIVE_INSTANCES(, ::icl::Float50)
ICL_EXACT_QUADRATIC_INSTANCES(, ::icl::Float50)
ICL_EXACT_HEADS_CURVE_INSTANCES(, ::icl::Float50)

}  // namespace icl::exact
