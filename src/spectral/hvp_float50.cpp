// engine_hessian_vector and engine_gradient in Float50, compiled alone (src/spectral/hessian_kernel.hpp).
#include "spectral/hessian_kernel.hpp"

namespace icl::spectral {

Vec<Float50> engine_hessian_vector(const exact::Objective<Float50>& obj, const Point<Float50>& point,
                                   const std::vector<exact::Coordinate>& coords, const Vec<Float50>& u) {
  return exact::hessian_vector(obj, point, coords, u);
}

Vec<Float50> engine_gradient(const exact::Objective<Float50>& obj, const Point<Float50>& point,
                             const std::vector<exact::Coordinate>& coords) {
  return exact::value_and_gradient(obj, point, coords).gradient;
}

}  // namespace icl::spectral
