// engine_hessian_vector and engine_gradient in Rational, compiled alone (src/spectral/hessian_kernel.hpp).
#include "spectral/hessian_kernel.hpp"

namespace icl::spectral {

Vec<Rational> engine_hessian_vector(const exact::Objective<Rational>& obj, const Point<Rational>& point,
                                    const std::vector<exact::Coordinate>& coords, const Vec<Rational>& u) {
  return exact::hessian_vector(obj, point, coords, u);
}

Vec<Rational> engine_gradient(const exact::Objective<Rational>& obj, const Point<Rational>& point,
                              const std::vector<exact::Coordinate>& coords) {
  return exact::value_and_gradient(obj, point, coords).gradient;
}

}  // namespace icl::spectral
