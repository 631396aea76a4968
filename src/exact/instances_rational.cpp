// The exact engine in rational with the Gaussian moments, compiled once (src/exact/detail/instances.hpp).
#include "exact/exact.hpp"

namespace icl::exact {

ICL_EXACT_RISK_INSTANCES(, ::icl::Rational)
ICL_EXACT_OBJECTIVE_INSTANCES(, ::icl::Rational)
ICL_EXACT_QUADRATIC_INSTANCES(, ::icl::Rational)
ICL_EXACT_HEADS_CURVE_INSTANCES(, ::icl::Rational)
ICL_EXACT_HEADS_INSTANCES(, ::icl::Rational)

}  // namespace icl::exact
