// The exact two-layer loss in double (train/two_layer_exact.hpp), compiled once.
#include "train/two_layer_exact.hpp"

namespace icl::train {
template class TwoLayerLoss<double>;
}  // namespace icl::train
