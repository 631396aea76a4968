// The exact two-layer risk in double (risk_polynomial, curve), compiled once (exact/two_layer/risk.hpp).
#include "exact/two_layer/risk.hpp"

namespace icl::exact::two_layer {
ICL_TWO_LAYER_RISK_INSTANCES(, double)
}  // namespace icl::exact::two_layer
