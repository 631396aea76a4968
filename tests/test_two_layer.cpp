// The exact engine for two layers (exact/two_layer): against a brute-force symbolic expansion of the
// prompt (tests/two_layer_oracle.hpp), against today's one-layer engine when a layer is zero, against
// Monte Carlo, and with deliberately wrong variants (mutants) that each check must catch.
#include <doctest/doctest.h>

#include <chrono>

#include "exact/exact.hpp"
#include "exact/two_layer.hpp"
#include "model/arch.hpp"
#include "sim/monte_carlo.hpp"
#include "sim/random_params.hpp"
#include "two_layer_oracle.hpp"

using namespace icl;
namespace tl = icl::exact::two_layer;

namespace {

// Two layers of H random heads, entries k / den with |k| <= span (sim/random_params.hpp).
Arch<Rational> random_two_layer(sim::Engine& rng, int d, int H, Parameterization kind, int span = 4, int den = 4) {
  Arch<Rational> a = sim::random_heads(rng, kind, d, H, span, den);
  a.layers.push_back(sim::random_heads(rng, kind, d, H, span, den).layers.front());
  return a;
}

Vec<Rational> some_task(int d) {
  Vec<Rational> t = Vec<Rational>::Zero(d);
  t(0) = Rational(3, 5);
  if (d > 1) t(1) = Rational(-4, 5);
  return t;
}

const Rational kS2(1, 10);

}  // namespace

TEST_CASE("two layers: the engine equals the brute-force expansion exactly, fixed task and sphere") {
  sim::Engine rng(11);
  struct Case {
    int d, H;
    Parameterization kind;
    int max_n;
    bool sphere;
  };
  const std::vector<Case> cases{{1, 1, Parameterization::Merged, 2, true},   {1, 2, Parameterization::Separate, 2, true},
                                {2, 1, Parameterization::Merged, 2, false},  {2, 2, Parameterization::Merged, 1, true},
                                {2, 1, Parameterization::Separate, 1, true}, {2, 2, Parameterization::Separate, 2, false}};
  for (const auto& c : cases) {
    const Arch<Rational> a = random_two_layer(rng, c.d, c.H, c.kind);
    std::vector<std::optional<Vec<Rational>>> thetas{some_task(c.d)};
    if (c.sphere) thetas.push_back(std::nullopt);
    for (const auto& th : thetas) {
      const auto task = th ? exact::TaskLaw<Rational>::fixed(*th) : exact::TaskLaw<Rational>::sphere();
      const auto poly = tl::risk_polynomial(a, task, kS2);
      for (int n = 0; n <= c.max_n; ++n) {
        CAPTURE(c.d);
        CAPTURE(c.H);
        CAPTURE(n);
        CAPTURE(th.has_value());
        const Rational want = oracle::two_layer_risk(a, th, n, kS2);
        CHECK(poly.at(n) == want);
      }
    }
  }
}
