// The trainers: a gradient step is the engine's gradient step, gradient flow conserves
// ||Q||^2 - ||v||^2, divergence names its step, SGD reproduces bit for bit for any thread count.
#include <doctest/doctest.h>

#include "closed_form/closed_form.hpp"
#include "model/families.hpp"
#include "train/exact_trainers.hpp"
#include "train/sgd.hpp"
#include "train/summary.hpp"

using namespace icl;

namespace {

exact::Objective<double> zs_loss(int d) {
  return {0.1, {{1.0, 0, exact::TaskLaw<double>::fixed(first_axis<double>(d))}}};
}
exact::Objective<double> pretrain_loss() { return {0.1, {{1.0, 20, exact::TaskLaw<double>::sphere()}}}; }
std::vector<exact::Coordinate> all(const Point<double>& p) {
  return exact::coordinates(p.kind, p.D(), exact::Update::All);
}

}  // namespace

namespace {

// Plain SGD: no momentum, no clipping, so one step moves by -lr * batch gradient.
train::SgdOptions plain_sgd(double lr, long steps, long batch) {
  train::SgdOptions opt;
  opt.lr = lr;
  opt.momentum = 0;
  opt.clip = 0;
  opt.steps = steps;
  opt.batch = batch;
  return opt;
}

}  // namespace

TEST_CASE("one gradient-descent step is x - lr * (the engine's gradient)") {
  for (auto kind : {Parameterization::Merged, Parameterization::Separate}) {
    const Point<double> p = train::random_init(kind, 3, 0.3, 7);
    const auto coords = all(p);
    const double lr = 0.05;
    const auto r = train::gradient_descent(train::Schedule<double>{pretrain_loss(), std::nullopt}, p, coords,
                                           train::GdOptions{lr, 1, 2});
    const auto g = exact::value_and_gradient(pretrain_loss(), p, coords).gradient;
    const Vec<double> want = exact::gather(p, coords) - lr * g;
    CHECK(exact::gather(r.point, coords) == want);
    CHECK(r.history.front().loss == exact::objective_value(pretrain_loss(), p));
  }
}

TEST_CASE("annealed weight runs from 1 to 0") {
  CHECK(train::Schedule<double>::annealed_weight(0, 5) == 1.0);
  CHECK(train::Schedule<double>::annealed_weight(2, 5) == 0.5);
  CHECK(train::Schedule<double>::annealed_weight(4, 5) == 0.0);
}

TEST_CASE("gradient flow conserves ||Q||^2 - ||v||^2 and converges") {
  const Point<double> p = train::random_init(Parameterization::Merged, 2, 0.5, 3);
  const auto r = train::gradient_flow(zs_loss(2), p, all(p), train::FlowOptions{});
  CHECK(r.converged);
  CHECK(r.grad_norm <= 1e-10);
  for (const auto& h : r.history) CHECK(std::abs(h.conserved - train::conserved(p)) < 1e-8);
}

TEST_CASE("flow from P(10/13) on zs ends at c* in double and in 50 digits") {
  const auto c_of = [](const auto& point) { return point.V()(6, 1) / point.V()(6, 6); };
  const Point<double> p = Point<double>::merged(pretrained_params<double>(5, 10.0 / 13));
  const auto r = train::gradient_flow(zs_loss(5), p, all(p), train::FlowOptions{});
  CHECK(std::abs(c_of(r.point) - closed_form::c_star(10.0 / 13, 5)) < 1e-9);
  const Point<Float50> p50 = p.cast<Float50>();
  train::FlowOptions o;
  o.rtol = 1e-9;
  o.atol = 1e-11;
  o.grad_tol = 1e-9;
  const auto r50 = train::gradient_flow(zs_loss(5).cast<Float50>(), p50, all(p), o);
  CHECK(r50.converged);
  CHECK(std::abs(to_double(c_of(r50.point)) - closed_form::c_star(10.0 / 13, 5)) < 1e-7);
}

TEST_CASE("a divergent run is reported with its step") {
  const Point<double> p = train::random_init(Parameterization::Merged, 3, 1.0, 1);
  const train::Schedule<double> loss{pretrain_loss(), std::nullopt};
  try {
    (void)train::gradient_descent(loss, p, all(p), train::GdOptions{50.0, 1000, 2});
    FAIL("no divergence");
  } catch (const train::DivergenceError& e) {
    CHECK(e.step > 0);
    CHECK(std::string(e.what()).find(fmt::format("step {}", e.step)) != std::string::npos);
  }
  train::SgdProblem pb;
  pb.d = 3;
  CHECK_THROWS_AS(train::sgd_train(pb, p, plain_sgd(1e6, 100, 100)), train::DivergenceError);
}

TEST_CASE("SGD: a seed reproduces bit for bit whatever the thread count") {
  train::SgdProblem pre;
  pre.d = 3;
  pre.shots = 5;
  train::SgdOptions opt;
  opt.steps = 4;
  opt.batch = 700;  // 3 blocks, the last one partial
  opt.seed = 11;
  const Point<double> p = train::random_init(Parameterization::Merged, 3, 0.05, opt.seed);
  opt.threads = 1;
  const auto a = train::sgd_train(pre, p, opt);
  opt.threads = 2;
  const auto b = train::sgd_train(pre, p, opt);
  CHECK(a.point.blocks == b.point.blocks);
  CHECK(a.loss == b.loss);
  opt.seed = 12;
  CHECK(train::sgd_train(pre, p, opt).point.blocks != a.point.blocks);

  train::SgdProblem ft = pre;
  ft.loss = train::SgdLoss::ZeroFew;
  ft.theta0 = Eigen::VectorXd::Unit(3, 0);
  ft.pool = 1000;
  for (auto kind : {Parameterization::Merged, Parameterization::Separate}) {
    const Point<double> q = train::random_init(kind, 3, 0.05, 5);
    opt.threads = 1;
    const auto c = train::sgd_train(ft, q, opt);
    opt.threads = 2;
    CHECK(train::sgd_train(ft, q, opt).point.blocks == c.point.blocks);
  }
}

TEST_CASE("SGD's batch gradient is unbiased: its mean over many prompts matches the exact gradient") {
  // One plain SGD step (no momentum, no clipping) from p moves by -lr * batch gradient.
  const Point<double> p = train::random_init(Parameterization::Merged, 2, 0.4, 2);
  train::SgdProblem pb;
  pb.d = 2;
  pb.shots = 3;
  train::SgdOptions opt = plain_sgd(1, 1, 400000);
  opt.threads = 2;
  const auto r = train::sgd_train(pb, p, opt);
  const exact::Objective<double> loss{0.1, {{1.0, 3, exact::TaskLaw<double>::sphere()}}};
  const auto coords = all(p);
  const Vec<double> step = exact::gather(p, coords) - exact::gather(r.point, coords);
  const Vec<double> g = exact::value_and_gradient(loss, p, coords).gradient;
  CHECK((step - g).norm() < 0.05 * (1 + g.norm()));
}

TEST_CASE("scale-free summary does not change under (V, Q) -> (sV, Q/s)") {
  const Point<double> p = train::random_init(Parameterization::Merged, 4, 0.5, 9);
  const Vec<double> t = first_axis<double>(4);
  const auto a = train::scale_free<double>(p.V(), p.Q(), t);
  const auto b = train::scale_free<double>(Mat<double>(3.0 * p.V()), Mat<double>(p.Q() / 3.0), t);
  for (std::size_t i = 0; i < train::named(a).size(); ++i)
    CHECK(train::named(a)[i].second == doctest::Approx(train::named(b)[i].second).epsilon(1e-12));
}
