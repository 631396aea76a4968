// The exact two-layer loss in Float50 (train/two_layer_exact.hpp), compiled once.
#include "train/two_layer_exact.hpp"

namespace icl::train {
template class TwoLayerLoss<::icl::Float50>;
}  // namespace icl::train
