#include <doctest/doctest.h>

#include <cstring>

#include "model/families.hpp"
#include "sim/monte_carlo.hpp"

using namespace icl;

TEST_CASE("same seed, same bits, whatever the thread count") {
  const auto p = pretrained_params<double>(4, 0.7);
  const auto task = sim::TaskSpec::sphere();
  const auto a = sim::mc_risk(p, task, 6, 0.1, {10000, 42, 1});
  for (int threads : {2, 3, 8}) {
    const auto b = sim::mc_risk(p, task, 6, 0.1, {10000, 42, threads});
    CHECK(std::memcmp(&a.mean, &b.mean, sizeof(double)) == 0);
    CHECK(std::memcmp(&a.se, &b.se, sizeof(double)) == 0);
  }
  const auto c = sim::mc_risk(p, task, 6, 0.1, {10000, 43, 1});
  CHECK(c.mean != a.mean);
}

TEST_CASE("zero parameters predict 0: the risk is ||theta||^2 + s2") {
  const MergedParams<double> zero{Eigen::MatrixXd::Zero(5, 5), Eigen::MatrixXd::Zero(5, 5)};
  Eigen::VectorXd theta(3);
  theta << 1.0, -2.0, 0.5;  // any norm
  const auto e = sim::mc_risk(zero, sim::TaskSpec::fixed(theta), 3, 0.25, {50000, 1, 2});
  CHECK(e.samples == 50000);
  CHECK(std::abs(sim::z_score(e, 5.25 + 0.25)) < 4);
  CHECK(std::abs(sim::z_score(e, 5.25 + 0.25 + 0.2)) > 4);  // the check can fail
  const auto s = sim::mc_risk(zero, sim::TaskSpec::sphere(), 3, 0.25, {50000, 1, 2});
  CHECK(std::abs(sim::z_score(s, 1.25)) < 4);
}

TEST_CASE("bad Monte Carlo requests are refused") {
  const auto p = pretrained_params<double>(2, 0.5);
  CHECK_THROWS_AS(sim::mc_risk(p, sim::TaskSpec::sphere(), 0, 0.1, {1, 1, 1}), std::invalid_argument);
  CHECK_THROWS_AS(sim::mc_risk(p, sim::TaskSpec::sphere(), 0, 0.1, {100, 1, 1}, Convention::Classical),
                  std::invalid_argument);
  CHECK_THROWS_AS(sim::mc_risk(p, sim::TaskSpec::fixed(Eigen::VectorXd::Ones(3)), 1, 0.1, {100, 1, 1}),
                  std::invalid_argument);
}
