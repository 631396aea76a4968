// The exact engine in double with the Gaussian moments, compiled once (src/exact/detail/instances.hpp).
#include "exact/exact.hpp"

namespace icl::exact {

ICL_EXACT_RISK_INSTANCES(, double)
ICL_EXACT_OBJECTIVE_INSTANCES(, double)
ICL_EXACT_QUADRATIC_INSTANCES(, double)
ICL_EXACT_HEADS_CURVE_INSTANCES(, double)
ICL_EXACT_HEADS_INSTANCES(, double)

}  // namespace icl::exact
