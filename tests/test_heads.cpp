// The exact engine for one layer with H heads (exact/heads.hpp): against today's one-head engine in
// rationals, against exact stencils for its gradient and Hessian, against Monte Carlo for H > 1.
#include <doctest/doctest.h>

#include "exact/exact.hpp"
#include "model/arch.hpp"
#include "sim/monte_carlo.hpp"
#include "sim/random_params.hpp"
#include "train/arch_sgd.hpp"

using namespace icl;

namespace {

// Entries k / 4, k in [-4, 4] (sim/random_params.hpp): exact, small and reproducible.
Arch<Rational> random_heads(sim::Engine& rng, int d, int H, Parameterization kind) {
  return sim::random_heads(rng, kind, d, H, 4, 4);
}

std::vector<exact::TaskLaw<Rational>> tasks(int d) {
  Vec<Rational> t = Vec<Rational>::Zero(d);
  t(0) = Rational(3, 5);
  if (d > 1) t(1) = Rational(-4, 5);
  Vec<Rational> u = Vec<Rational>::Constant(d, Rational(1, 2));
  return {exact::TaskLaw<Rational>::fixed(t), exact::TaskLaw<Rational>::fixed(u), exact::TaskLaw<Rational>::sphere()};
}

const std::vector<long> kShots{0, 1, 2, 7, 40};

// f'(0) along a line from f(+-h), f(+-2h), f(+-3h) with h = 1: exact for degree <= 6.
template <class F>
auto seven_point(const F& f) {
  return (Rational(45) * (f(1) - f(-1)) - Rational(9) * (f(2) - f(-2)) + (f(3) - f(-3))) / Rational(60);
}

}  // namespace

TEST_CASE("one head: the H-head engine equals the one-head engine exactly, merged and separate") {
  sim::Engine rng(7);
  for (int d : {1, 2, 3})
    for (auto kind : {Parameterization::Merged, Parameterization::Separate}) {
      const Arch<Rational> a = random_heads(rng, d, 1, kind);
      const exact::PreparedPoint<Rational> one(point_from_arch(a).as_merged());
      for (const auto& task : tasks(d)) {
        const Rational s2(1, 10);
        CHECK(exact::arch_curve(a, task, kShots, s2) == one.curve(task, kShots, s2));
      }
    }
}

// (T_ikj would not do: f(a, b) = sum T_ijk a_i b_j b_k only sees T symmetrized in j, k.)
TEST_CASE("a deliberately wrong tensor (T_jik for T_ijk) is caught by the one-head comparison") {
  sim::Engine rng(11);
  const Arch<Rational> a = random_heads(rng, 2, 1, Parameterization::Merged);
  const auto& h = a.layers[0][0];
  exact::detail::Cubic<Rational> T = exact::detail::head_tensor(a.layers[0]), swapped(T.D);
  for (int i = 0; i < T.D; ++i)
    for (int j = 0; j < T.D; ++j)
      for (int k = 0; k < T.D; ++k) swapped(i, j, k) = T(j, i, k);
  const auto task = tasks(2).front();
  const Rational s2(1, 10);
  const auto at = exact::detail::task_point(*task.theta, s2);
  const exact::detail::ShotWeights<Rational> k(3);
  const Rational right = exact::detail::risk_from_values(at, exact::detail::head_term_values(at, T), k, s2);
  const Rational wrong = exact::detail::risk_from_values(at, exact::detail::head_term_values(at, swapped), k, s2);
  const Rational reference = exact::risk(MergedParams<Rational>{h.V, h.Q}, task, 3, s2);
  CHECK(right == reference);
  CHECK(wrong != reference);
}

TEST_CASE("the six term values equal their forms through the gradients, exactly") {
  sim::Engine rng(17);
  for (auto kind : {Parameterization::Merged, Parameterization::Separate}) {
    const Arch<Rational> a = random_heads(rng, 3, 2, kind);
    const auto T = exact::detail::head_tensor(a.layers[0]);
    for (const auto& task : tasks(3))
      for (const auto& at : exact::detail::task_points(task, 3, Rational(1, 10))) {
        const auto direct = exact::detail::head_term_values(at, T);
        const auto through = exact::detail::head_term_values_from_gradients(at, T);
        CHECK(direct.t_mu1 == through.t_mu1);
        CHECK(direct.E_t_f == through.E_t_f);
        CHECK(direct.E_m2 == through.E_m2);
        CHECK(direct.E_m1_sq == through.E_m1_sq);
        CHECK(direct.E_m1_f == through.E_m1_f);
        CHECK(direct.E_f_sq == through.E_f_sq);
      }
  }
}

TEST_CASE("equal heads are one head; the order of the heads does not matter") {
  sim::Engine rng(3);
  const Arch<Rational> one = random_heads(rng, 2, 1, Parameterization::Separate);
  Arch<Rational> three = one;
  three.layers[0].assign(3, one.layers[0][0]);
  const Rational s2(1, 10);
  for (const auto& task : tasks(2))
    CHECK(exact::arch_curve(three, task, kShots, s2) == exact::arch_curve(one, task, kShots, s2));
  const Arch<Rational> two = random_heads(rng, 2, 2, Parameterization::Merged);
  Arch<Rational> flipped = two;
  std::swap(flipped.layers[0][0], flipped.layers[0][1]);
  for (const auto& task : tasks(2))
    CHECK(exact::arch_curve(flipped, task, kShots, s2) == exact::arch_curve(two, task, kShots, s2));
}

TEST_CASE("H heads: the gradient and the Hessian-vector product equal exact stencils in rationals") {
  sim::Engine rng(5);
  for (auto kind : {Parameterization::Merged, Parameterization::Separate})
    for (auto update : {exact::Update::All, exact::Update::Value, exact::Update::KeyQuery}) {
      const int d = 2, H = 2;
      const Arch<Rational> a = random_heads(rng, d, H, kind);
      const auto coords = exact::head_coordinates(kind, H, d + 2, update);
      const exact::Objective<Rational> obj{Rational(1, 10),
                                           {{Rational(1), 0, tasks(d)[0]}, {Rational(1, 3), 5, tasks(d)[2]}}};
      const auto p = static_cast<Eigen::Index>(coords.size());
      Vec<Rational> u(p), w(p);
      for (Eigen::Index j = 0; j < p; ++j) {
        u(j) = sim::random_entry(rng, 3, 8);
        w(j) = sim::random_entry(rng, 3, 8);
      }
      const Vec<Rational> x0 = exact::gather(a, coords);
      const auto at = [&](const Rational& h) {
        Arch<Rational> b = a;
        exact::scatter(b, coords, Vec<Rational>(x0 + h * u));
        return b;
      };
      const auto vg = exact::heads_value_and_gradient(obj, a, coords);
      CHECK(vg.value == exact::heads_objective_value(obj, a));
      // Along a line the loss has degree <= 6 and the gradient degree <= 5: the stencil is exact.
      CHECK(vg.gradient.dot(u) ==
            seven_point([&](int h) { return exact::heads_objective_value(obj, at(Rational(h))); }));
      const Rational hvp = exact::heads_hessian_vector(obj, a, coords, u).dot(w);
      CHECK(hvp == seven_point([&](int h) {
              return exact::heads_value_and_gradient(obj, at(Rational(h)), coords).gradient.dot(w);
            }));
    }
}

TEST_CASE("one head: the H-head gradient equals the one-head adjoint exactly") {
  sim::Engine rng(9);
  for (auto kind : {Parameterization::Merged, Parameterization::Separate}) {
    const Arch<Rational> a = random_heads(rng, 2, 1, kind);
    const Point<Rational> p = point_from_arch(a);
    const auto coords = exact::coordinates(kind, 4, exact::Update::All);
    const exact::Objective<Rational> obj{Rational(1, 10),
                                         {{Rational(2), 3, tasks(2)[2]}, {Rational(1), 0, tasks(2)[0]}}};
    const auto mine = exact::heads_value_and_gradient(obj, a, coords);
    const auto theirs = exact::value_and_gradient(obj, p, coords);
    CHECK(mine.value == theirs.value);
    CHECK(mine.gradient == theirs.gradient);
  }
}

TEST_CASE("masked optima: one head equals masked_optimum exactly; two heads are exactly stationary") {
  sim::Engine rng(21);
  const exact::Objective<Rational> zs{Rational(1, 10), {{Rational(1), 0, tasks(2)[0]}}};
  const exact::Objective<Rational> fs{Rational(1, 10), {{Rational(1), 5, tasks(2)[0]}}};
  for (auto [kind, update] : {std::pair{Parameterization::Merged, exact::Update::Value},
                              std::pair{Parameterization::Merged, exact::Update::KeyQuery},
                              std::pair{Parameterization::Separate, exact::Update::Query}}) {
    const Arch<Rational> one = random_heads(rng, 2, 1, kind);
    const auto coords = exact::head_coordinates(kind, 1, 4, update);
    const auto mine = exact::heads_masked_optimum({zs, fs}, one, coords, update);
    const auto theirs = exact::masked_optimum({zs, fs}, point_from_arch(one), coords, update);
    CHECK(exact::gather(mine.arch, coords) == exact::gather(theirs.point, coords));
    const Arch<Rational> two = random_heads(rng, 2, 2, kind);
    const auto coords2 = exact::head_coordinates(kind, 2, 4, update);
    const auto opt = exact::heads_masked_optimum({fs}, two, coords2, update);
    CHECK(exact::heads_value_and_gradient(fs, opt.arch, coords2).gradient.isZero(0));
    CHECK(exact::heads_objective_value(fs, opt.arch) <= exact::heads_objective_value(fs, two));
  }
  const Arch<Rational> sep = random_heads(rng, 2, 2, Parameterization::Separate);
  CHECK_THROWS_AS(exact::heads_masked_optimum(
                      {fs}, sep, exact::head_coordinates(Parameterization::Separate, 2, 4, exact::Update::KeyQuery),
                      exact::Update::KeyQuery),
                  std::invalid_argument);
}

TEST_CASE("H = 2..4 heads: the exact risk equals Monte Carlo (|z| < 4), fixed task and sphere") {
  for (int H : {2, 3, 4}) {
    const int d = 3;
    const Arch<double> a = train::random_arch(1, H, d, 0.4, static_cast<std::uint64_t>(13 + H));  // N(0, 0.4^2)
    Vec<double> theta(d);
    theta << 0.6, -0.8, 0.0;
    for (bool sphere : {false, true})
      for (long n : {0L, 3L, 10L}) {
        const auto task = sphere ? exact::TaskLaw<double>::sphere() : exact::TaskLaw<double>::fixed(theta);
        const double exact_risk = exact::arch_risk(a, task, n, 0.1);
        const auto mc = sim::mc_risk(a, sphere ? sim::TaskSpec::sphere() : sim::TaskSpec::fixed(theta), n, 0.1,
                                     sim::McOptions{200000, static_cast<std::uint64_t>(100 + H), 1});
        INFO("H = " << H << " n = " << n << " sphere = " << sphere << " exact = " << exact_risk << " mc = " << mc.mean
                    << " +- " << mc.se);
        CHECK(std::abs(sim::z_score(mc, exact_risk)) < 4);
      }
  }
}

TEST_CASE("the engine refuses two layers and a task of the wrong length") {
  sim::Engine rng(1);
  Arch<Rational> a = random_heads(rng, 2, 2, Parameterization::Merged);
  CHECK_THROWS_AS(exact::arch_risk(a, exact::TaskLaw<Rational>::fixed(Vec<Rational>::Zero(3)), 1, Rational(0)),
                  std::invalid_argument);
  a.layers.push_back(a.layers[0]);
  CHECK_THROWS_AS(exact::arch_risk(a, exact::TaskLaw<Rational>::sphere(), 1, Rational(0)), std::invalid_argument);
}
