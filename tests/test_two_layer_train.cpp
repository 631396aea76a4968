// Exact two-layer training (train/two_layer_exact.hpp): a value-only fit from a small random two-layer
// model reaches a point that the certificate accepts, and a fit driven by a deliberately wrong gradient
// (the first layer's terms dropped, claim A's mutant) ends where the certificate, which evaluates the
// true gradient in 50 digits, refuses it.
#include <doctest/doctest.h>

#include "exact/two_layer.hpp"
#include "train/arch_sgd.hpp"
#include "train/two_layer_exact.hpp"

using namespace icl;
namespace tl = icl::exact::two_layer;

namespace {

std::vector<train::TwoLayerTerm<double>> zero_shot() {
  return {{1.0, 0, exact::TaskLaw<double>::fixed(Vec<double>::Unit(1, 0))}};
}

}  // namespace

TEST_CASE("exact two-layer training: value-only zs is certified; Q and K do not move") {
  const Arch<double> start = train::random_arch(2, 1, 1, 0.3, 5);
  const auto coords = tl::arch_coordinates(start, tl::CoordinateSet::Value);
  train::TwoLayerLoss<double> loss(1, 0.1, zero_shot());
  const auto fit = train::two_layer_minimize(loss, start, coords);
  const auto c = train::certify_stationary(1, Rational(1, 10), zero_shot(), fit.arch, coords);
  CHECK(c.certified());
  CHECK(c.grad50 < 1e-10);
  CHECK(std::abs(to_double(c.value50) - fit.loss) <= 1e-12 * fit.loss);
  CHECK(fit.loss < loss.value(start));
  for (int l = 0; l < 2; ++l) {
    CHECK(fit.arch.layers[l][0].Q == start.layers[l][0].Q);
    CHECK(fit.arch.layers[l][0].K == start.layers[l][0].K);
  }
}

TEST_CASE("exact two-layer training: a wrong training gradient is caught by the certificate") {
  const Arch<double> start = train::random_arch(2, 1, 1, 0.3, 5);
  const auto coords = tl::arch_coordinates(start, tl::CoordinateSet::Value);
  train::TwoLayerLoss<double> wrong(1, 0.1, zero_shot(), tl::GradientMutant::FirstLayerDropped);
  train::TwoLayerFitOptions opt;
  opt.max_iterations = 300;
  const auto fit = train::two_layer_minimize(wrong, start, coords, opt);
  const auto c = train::certify_stationary(1, Rational(1, 10), zero_shot(), fit.arch, coords);
  CHECK_FALSE(c.certified());
  CHECK(c.grad50 > 1e-6);
}
