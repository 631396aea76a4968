// The mutants of claim H (Hessian certificates): the claim built with a wrong count, a basis that
// forgets a symmetry, or a wrong Hessian-vector product (theorems/h_certificates.hpp).
#include <utility>

#include "theorems/h_certificates.hpp"
#include "theorems/theorems.hpp"

namespace icl::theorems {
namespace {

MutantCase certificate_mutant(std::string name, CertificateSetup setup) {
  return {std::move(name), "H", [setup] { return claim_certificates(setup); }};
}

// H u by the 3-point central difference of the gradient, (g(x + u) - g(x - u)) / 2: the exact
// stencil with its second term dropped, wrong wherever the gradient is not quadratic along u.
template <class T>
Vec<T> three_point(const exact::Objective<T>& obj, const Point<T>& point, const std::vector<exact::Coordinate>& coords,
                   const Vec<T>& u) {
  const Vec<T> x0 = exact::gather(point, coords);
  Point<T> plus = point, minus = point;
  exact::scatter(plus, coords, Vec<T>(x0 + u));
  exact::scatter(minus, coords, Vec<T>(x0 - u));
  return (spectral::engine_gradient(obj, plus, coords) - spectral::engine_gradient(obj, minus, coords)) / T(2);
}

// H (H u): positive semidefinite whatever H is, with the same null space.
template <class T>
Vec<T> squared(const exact::Objective<T>& obj, const Point<T>& point, const std::vector<exact::Coordinate>& coords,
               const Vec<T>& u) {
  return spectral::engine_hessian_vector(obj, point, coords, spectral::engine_hessian_vector(obj, point, coords, u));
}

const spectral::HessianKernel kThreePoint{three_point<double>, three_point<Float50>, three_point<Rational>};
const spectral::HessianKernel kSquared{squared<double>, squared<Float50>, squared<Rational>};

}  // namespace

std::vector<MutantCase> mutant_cases_h() {
  return {
      certificate_mutant("predicted zero count off by one (a symmetry counted twice)", {1, {}, nullptr}),
      certificate_mutant("the scaling symmetry left out of the flat directions",
                         {0, {"scaling (V, Q) -> (sV, Q/s)"}, nullptr}),
      certificate_mutant("the GL(D) orbit of (Qsep, K) left out of the flat directions",
                         {0, {"(Qsep, K) -> (G Qsep, G^-T K), G near I"}, nullptr}),
      certificate_mutant("the label weight v_y left out of the flat directions", {0, {"label weight v_y"}, nullptr}),
      certificate_mutant("Hessian-vector product by the 3-point stencil (a term of the exact stencil dropped)",
                         {0, {}, &kThreePoint}),
      certificate_mutant("Hessian-vector product of H^2 for H (positive semidefinite by construction)",
                         {0, {}, &kSquared}),
  };
}

}  // namespace icl::theorems
