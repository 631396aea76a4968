// The exact engine's derivatives that a certificate needs, behind one small table of functions, so
// that each scalar is compiled once, in its own translation unit (hvp_*.cpp), and so that the
// mutation self-test can hand a certificate a deliberately wrong Hessian-vector product.
#pragma once

#include <functional>
#include <vector>

#include "core/scalar.hpp"
#include "exact/objective.hpp"

namespace icl::spectral {

template <class T>
using HessianVectorFn = std::function<Vec<T>(const exact::Objective<T>&, const Point<T>&,
                                             const std::vector<exact::Coordinate>&, const Vec<T>&)>;

// H u for the loss `obj` at `point`, in the coordinates `coords` (exact::hessian_vector).
struct HessianKernel {
  HessianVectorFn<double> in_double;
  HessianVectorFn<Float50> in_float50;
  HessianVectorFn<Rational> in_rational;
};

// The exact engine (Gaussian moments, the exact stencil): what every certificate uses.
const HessianKernel& engine_kernel();

// One scalar each (hvp_double.cpp, hvp_float50.cpp, hvp_rational.cpp).
Vec<double> engine_hessian_vector(const exact::Objective<double>& obj, const Point<double>& point,
                                  const std::vector<exact::Coordinate>& coords, const Vec<double>& u);
Vec<Float50> engine_hessian_vector(const exact::Objective<Float50>& obj, const Point<Float50>& point,
                                   const std::vector<exact::Coordinate>& coords, const Vec<Float50>& u);
Vec<Rational> engine_hessian_vector(const exact::Objective<Rational>& obj, const Point<Rational>& point,
                                    const std::vector<exact::Coordinate>& coords, const Vec<Rational>& u);
// The exact gradient (exact::value_and_gradient), one scalar each.
Vec<double> engine_gradient(const exact::Objective<double>& obj, const Point<double>& point,
                            const std::vector<exact::Coordinate>& coords);
Vec<Float50> engine_gradient(const exact::Objective<Float50>& obj, const Point<Float50>& point,
                             const std::vector<exact::Coordinate>& coords);
Vec<Rational> engine_gradient(const exact::Objective<Rational>& obj, const Point<Rational>& point,
                              const std::vector<exact::Coordinate>& coords);

}  // namespace icl::spectral
