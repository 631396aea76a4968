// engine_hessian_vector and engine_gradient in double, compiled alone (src/spectral/hessian_kernel.hpp).
#include "spectral/hessian_kernel.hpp"

namespace icl::spectral {

Vec<double> engine_hessian_vector(const exact::Objective<double>& obj, const Point<double>& point,
                                  const std::vector<exact::Coordinate>& coords, const Vec<double>& u) {
  return exact::hessian_vector(obj, point, coords, u);
}

Vec<double> engine_gradient(const exact::Objective<double>& obj, const Point<double>& point,
                            const std::vector<exact::Coordinate>& coords) {
  return exact::value_and_gradient(obj, point, coords).gradient;
}

}  // namespace icl::spectral
