// Training L layers x H heads (train/arch_sgd.hpp): the hand-written backpropagation against
// central finite differences in long double, a wrong chain rule caught, the one-head trainer
// reproduced at L = H = 1, thread-count independence and the update masks.
#include <doctest/doctest.h>

#include <cmath>
#include <pcg_random.hpp>
#include <random>

#include "arch_fd.hpp"
#include "model/arch.hpp"
#include "sim/monte_carlo.hpp"
#include "train/arch_protocol.hpp"
#include "train/arch_sgd.hpp"
#include "train/sgd.hpp"

using namespace icl;
using icl::testing::fd_error;
using icl::testing::random_prompt;

namespace {

train::ArchProblem problem(int d, train::SgdLoss loss, train::ArchUpdate update = train::ArchUpdate::All) {
  train::ArchProblem pb;
  pb.d = d;
  pb.noise_std = std::sqrt(0.1);
  pb.loss = loss;
  pb.shots = 6;
  pb.theta0 = Eigen::VectorXd::Unit(d, 0);
  pb.pool = 300;
  pb.update = update;
  return pb;
}

train::SgdOptions options(long steps, long batch, int threads) {
  train::SgdOptions o;
  o.steps = steps;
  o.batch = batch;
  o.threads = threads;
  o.lr = 0.05;
  o.seed = 11;
  return o;
}

}  // namespace

TEST_CASE("backpropagation equals central finite differences for L, H = 1, 2, 3") {
  for (int L = 1; L <= 3; ++L)
    for (int H = 1; H <= 3; ++H) {
      CAPTURE(L);
      CAPTURE(H);
      const Arch<double> a = train::random_arch(L, H, 2, 0.5, static_cast<std::uint64_t>(10 * L + H));
      double y = 0;
      const Eigen::MatrixXd Z = random_prompt(2, 4, static_cast<std::uint64_t>(L * 7 + H), y);
      const auto g = train::arch_prompt_gradient(a, Z, y);
      const double r = arch_predict(a, Z) - y;
      CHECK(g.loss == doctest::Approx(r * r).epsilon(1e-12));
      CHECK(fd_error(a, Z, y, g) < 1e-7);
    }
}

TEST_CASE("a gradient without the path through S is caught") {
  for (int L = 2; L <= 3; ++L) {
    const Arch<double> a = train::random_arch(L, 2, 2, 0.5, 3);
    double y = 0;
    const Eigen::MatrixXd Z = random_prompt(2, 4, 5, y);
    CHECK(fd_error(a, Z, y, train::arch_prompt_gradient(a, Z, y)) < 1e-7);
    CHECK(fd_error(a, Z, y, train::arch_prompt_gradient(a, Z, y, {.through_gram = false})) > 1e-3);
  }
}

TEST_CASE("the batch gradient at d = 5 (fixed-size kernel) equals finite differences of the batch loss") {
  for (auto loss : {train::SgdLoss::Pretrain, train::SgdLoss::ZeroShot, train::SgdLoss::ZeroFew}) {
    const auto pb = problem(5, loss);
    const auto opt = options(4, 300, 2);
    const Arch<double> a = train::random_arch(2, 2, 5, 0.4, 2);
    const Eigen::MatrixXd pool = train::arch_pool(pb, opt.seed);
    const long t = 1;  // zs+fs: few-shot weight 2/3
    const auto g = train::arch_batch_gradient(pb, a, opt, t, &pool);
    const double h = 1e-5;
    double worst = 0, scale = 0;
    for (int l = 0; l < 2; ++l)
      for (int k = 0; k < 2; ++k)
        for (int i : {0, 8, 20, 48}) {
          Arch<double> plus = a, minus = a;
          plus.layers[l][k].K.data()[i] += h;
          minus.layers[l][k].K.data()[i] -= h;
          const double fd = (train::arch_batch_gradient(pb, plus, opt, t, &pool).loss -
                             train::arch_batch_gradient(pb, minus, opt, t, &pool).loss) /
                            (2 * h);
          worst = std::max(worst, std::abs(fd - g.grad.layers[l][k].K.data()[i]));
          scale = std::max(scale, std::abs(fd));
        }
    CHECK(scale > 0);
    CHECK(worst / scale < 1e-6);
  }
}

TEST_CASE("L = H = 1 reproduces the one-head trainer on the same prompts") {
  const struct {
    train::SgdLoss loss;
    train::ArchUpdate arch;
    exact::Update one;
  } cases[] = {{train::SgdLoss::Pretrain, train::ArchUpdate::All, exact::Update::All},
               {train::SgdLoss::ZeroShot, train::ArchUpdate::Q, exact::Update::Query},
               {train::SgdLoss::ZeroFew, train::ArchUpdate::K, exact::Update::Key},
               {train::SgdLoss::ZeroFew, train::ArchUpdate::V, exact::Update::Value}};
  for (const auto& c : cases)
    for (auto optimizer : {train::Optimizer::Sgd, train::Optimizer::Adam}) {
      auto pb = problem(3, c.loss, c.arch);
      train::SgdProblem one;
      one.d = 3;
      one.s2 = 0.1;
      one.loss = c.loss;
      one.shots = pb.shots;
      one.theta0 = pb.theta0;
      one.pool = pb.pool;
      one.update = c.one;
      auto opt = options(5, 400, 2);
      opt.optimizer = optimizer;
      const auto start = train::random_init(Parameterization::Separate, 3, 0.3, 4);
      const auto r1 = train::sgd_train(one, start, opt);
      const auto rA = train::arch_train(pb, train::random_arch(1, 1, 3, 0.3, 4), opt);
      const auto p = point_from_arch(rA.arch);
      REQUIRE(rA.history.size() == r1.history.size());
      for (std::size_t i = 0; i < r1.history.size(); ++i)
        CHECK(rA.history[i].loss == doctest::Approx(r1.history[i].loss).epsilon(1e-11));
      for (std::size_t b = 0; b < p.blocks.size(); ++b) CHECK((p.blocks[b] - r1.point.blocks[b]).norm() < 1e-11);
    }
}

TEST_CASE("arch training is bit-identical for any thread count") {
  const auto pb = problem(5, train::SgdLoss::ZeroFew);
  const Arch<double> start = train::random_arch(2, 2, 5, 0.1, 8);
  auto o1 = options(3, 700, 1), o3 = options(3, 700, 3);
  o1.optimizer = o3.optimizer = train::Optimizer::Adam;
  const auto a = train::arch_train(pb, start, o1), b = train::arch_train(pb, start, o3);
  CHECK(a.loss == b.loss);
  for (int l = 0; l < 2; ++l)
    for (int h = 0; h < 2; ++h) {
      CHECK(a.arch.layers[l][h].V == b.arch.layers[l][h].V);
      CHECK(a.arch.layers[l][h].Q == b.arch.layers[l][h].Q);
      CHECK(a.arch.layers[l][h].K == b.arch.layers[l][h].K);
    }
}

TEST_CASE("update masks: zs_q changes Q only, zs_v V only") {
  const Arch<double> start = train::random_arch(2, 2, 3, 0.3, 6);
  for (auto u : {train::ArchUpdate::Q, train::ArchUpdate::K, train::ArchUpdate::V}) {
    const auto r = train::arch_train(problem(3, train::SgdLoss::ZeroShot, u), start, options(4, 300, 2));
    for (int l = 0; l < 2; ++l)
      for (int h = 0; h < 2; ++h) {
        const auto &x = r.arch.layers[l][h], &s = start.layers[l][h];
        CHECK((x.V == s.V) == (u != train::ArchUpdate::V));
        CHECK((x.Q == s.Q) == (u != train::ArchUpdate::Q));
        CHECK((x.K == s.K) == (u != train::ArchUpdate::K));
      }
  }
}

TEST_CASE("arch training rejects merged heads and a wrong d") {
  Arch<double> merged = train::random_arch(1, 1, 3, 0.3, 1);
  merged.layers[0][0].K.resize(0, 0);
  CHECK_THROWS_AS(train::arch_train(problem(3, train::SgdLoss::Pretrain), merged, options(1, 10, 1)),
                  std::invalid_argument);
  CHECK_THROWS_AS(
      train::arch_train(problem(4, train::SgdLoss::Pretrain), train::random_arch(1, 1, 3, 0.3, 1), options(1, 10, 1)),
      std::invalid_argument);
}

TEST_CASE("unit_covariates: the prediction for covariates of scale s is s times the rescaled model's") {
  const double s = 1.7;
  Arch<double> sep = train::random_arch(2, 2, 3, 0.4, 9), merged = sep;
  for (auto& layer : merged.layers)
    for (auto& h : layer) h = Head<double>{h.V, h.M(), Eigen::MatrixXd()};
  for (const Arch<double>* a : {&sep, &merged}) {
    double y = 0;
    const Eigen::MatrixXd Z = random_prompt(3, 5, 2, y);
    Eigen::VectorXd scale = Eigen::VectorXd::Constant(5, s);
    scale(0) = 1;
    const double direct = arch_predict(*a, Eigen::MatrixXd(Z * scale.asDiagonal()));
    CHECK(direct == doctest::Approx(s * arch_predict(train::unit_covariates(*a, s), Z)).epsilon(1e-12));
  }
}

TEST_CASE("arch_risk_curve: seeded, thread-independent, standard errors, the x_std scaling") {
  const Arch<double> a = train::random_arch(2, 2, 3, 0.15, 9);
  train::EvalOptions e{1.0, 0.3, 3, 500, 2, 1};
  const auto one = train::arch_risk_curve(a, Eigen::VectorXd::Unit(3, 0), e);
  e.threads = 2;
  const auto two = train::arch_risk_curve(a, Eigen::VectorXd::Unit(3, 0), e);
  REQUIRE(one.size() == 4);
  for (std::size_t n = 0; n < one.size(); ++n) {
    CHECK(one[n].mean == two[n].mean);
    CHECK(one[n].se > 0);
    CHECK(one[n].se < 0.2 * one[n].mean);
  }
  // Zero parameters predict 0: the risk is E[y^2] = x_std^2 + noise_std^2 for a unit theta.
  Arch<double> zero = a;
  for (auto& layer : zero.layers)
    for (auto& h : layer) h.V.setZero();
  e.x_std = 2;
  e.samples = 20000;
  const auto r = train::arch_risk_curve(zero, Eigen::VectorXd::Unit(3, 0), e);
  for (const auto& p : r) CHECK(std::abs(p.mean - (4 + 0.09)) < 5 * p.se);
}

TEST_CASE("arch_risk_curve: exact for one layer, within Monte Carlo error of the two-layer path's sampler") {
  const Arch<double> a = train::random_arch(1, 2, 3, 0.5, 4);
  const train::EvalOptions e{1.5, 0.4, 3, 20000, 2, 2};
  const auto exact = train::arch_risk_curve(a, Eigen::VectorXd::Unit(3, 0), e);
  const Arch<double> unit = train::unit_covariates(a, e.x_std);
  for (long n = 0; n <= 3; ++n) {
    CHECK(exact[static_cast<std::size_t>(n)].se == 0);
    const auto mc =
        sim::mc_risk(unit, sim::TaskSpec::fixed(Eigen::VectorXd::Unit(3, 0)), n, 0.4 * 0.4 / 2.25, {40000, 3, 2});
    CHECK(std::abs(2.25 * mc.mean - exact[static_cast<std::size_t>(n)].mean) < 5 * 2.25 * mc.se);
  }
}
