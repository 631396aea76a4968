// The exact two-layer risk in rational (risk_polynomial, curve), compiled once (exact/two_layer/risk.hpp).
#include "exact/two_layer/risk.hpp"

namespace icl::exact::two_layer {
ICL_TWO_LAYER_RISK_INSTANCES(, ::icl::Rational)
}  // namespace icl::exact::two_layer
