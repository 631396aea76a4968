// The exact two-layer risk in float50 (risk_polynomial, curve), compiled once (exact/two_layer/risk.hpp).
#include "exact/two_layer/risk.hpp"

namespace icl::exact::two_layer {
ICL_TWO_LAYER_RISK_INSTANCES(, ::icl::Float50)
}  // namespace icl::exact::two_layer
