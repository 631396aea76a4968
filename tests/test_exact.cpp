// The exact engine: closed forms, the sphere design, exact derivatives, masked optima, files.
#include <doctest/doctest.h>

#include "closed_form/closed_form.hpp"
#include "exact/exact.hpp"
#include "model/families.hpp"
#include "model/params_file.hpp"
#include "sim/random_params.hpp"

using namespace icl;
using exact::TaskLaw;

namespace {

const Rational s2(1, 10);

Point<Rational> random_rational_point(std::uint64_t seed, Parameterization kind, int d) {
  sim::Engine rng = sim::block_engine(seed, 0);
  return sim::random_point(rng, kind, d, 4, 8);
}

}  // namespace

TEST_CASE("THEORY.md sanity values through the engine, exactly") {
  const int d = 5;
  const Vec<Rational> theta0 = first_axis<Rational>(d);
  const auto on = TaskLaw<Rational>::fixed(theta0);
  CHECK(exact::risk(pretrained_params(d, Rational(20, 26)), on, 0, s2) == Rational(11, 10));
  CHECK(exact::risk(value_only_params(Vec<Rational>(theta0 / 9), Rational(7, 3)), on, 0, s2) == Rational(29, 90));
  CHECK(exact::risk(full_ft_params(theta0, Rational(5)), on, 0, s2) == Rational(1, 10));
  // The sphere average of P(gamma) is R_pre, the same for every unit theta.
  const Setting<Rational> s{d, s2};
  CHECK(exact::risk(pretrained_params(d, Rational(42, 53)), TaskLaw<Rational>::sphere(), 20, s2) ==
        closed_form::risk_pretrained(Rational(42, 53), 20, s));
}

TEST_CASE("a prepared point's curve is risk() at every n, bit for bit, and n enters only through the weights") {
  for (std::uint64_t seed : {4u, 5u}) {
    const auto point = random_rational_point(seed, Parameterization::Merged, 3).as_merged();
    const std::vector<long> shots{0, 1, 2, 7, 40, 3};
    for (const auto& task : {TaskLaw<Rational>::sphere(), TaskLaw<Rational>::fixed(first_axis<Rational>(3) * 2)}) {
      const exact::PreparedPoint<Rational> prepared(point);
      const std::vector<Rational> curve = prepared.curve(task, shots, s2);
      REQUIRE(curve.size() == shots.size());
      for (std::size_t k = 0; k < shots.size(); ++k) {
        CHECK(curve[k] == exact::risk(point, task, shots[k], s2));
        CHECK(prepared.risk(task, shots[k], s2) == curve[k]);
      }
      // The curve is not constant in n (a curve that ignored n would pass the lines above only at n = 0).
      CHECK(curve[0] != curve[3]);
      // In double, the same summation order gives the same bits.
      const MergedParams<double> pd{point.V.cast<double>(), point.Q.cast<double>()};
      const auto curve_d = exact::PreparedPoint<double>(pd).curve(task.cast<double>(), shots, 0.1);
      for (std::size_t k = 0; k < shots.size(); ++k)
        CHECK(curve_d[k] == exact::risk(pd, task.cast<double>(), shots[k], 0.1));
    }
  }
  CHECK_THROWS_AS(
      exact::PreparedPoint<Rational>(pretrained_params(3, Rational(1))).curve(TaskLaw<Rational>::sphere(), {2, -1}, s2),
      std::invalid_argument);
}

TEST_CASE("the sphere average equals the average over a rotated cross-polytope") {
  // On |t| = 1 the risk has degree <= 2 in t, so any antipodal orthonormal frame averages it exactly;
  // the engine uses +-e_i, this test the frame rotated by the rational rotation (3/5, 4/5; -4/5, 3/5).
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    const auto point = random_rational_point(seed, Parameterization::Merged, 3).as_merged();
    Mat<Rational> R = Mat<Rational>::Identity(3, 3);
    R(0, 0) = Rational(3, 5), R(0, 1) = Rational(4, 5), R(1, 0) = Rational(-4, 5), R(1, 1) = Rational(3, 5);
    for (long n : {0L, 1L, 7L}) {
      Rational sum = 0;
      for (int i = 0; i < 3; ++i)
        for (int sign : {1, -1})
          sum += exact::risk(point, TaskLaw<Rational>::fixed(Vec<Rational>(Rational(sign) * R.col(i))), n, s2);
      CHECK(exact::risk(point, TaskLaw<Rational>::sphere(), n, s2) == sum / 6);
    }
  }
}

TEST_CASE("a non-unit, non-axis task: the engine uses |theta|^2 (P(gamma), derived by hand)") {
  // P(gamma) predicts yhat = (gamma/N) x_q . sum_{s<n} x_s y_s. With E[x y] = t and
  // E[x x^T y^2] = |t|^2 I + 2 t t^T + s2 I: R(t) = |t|^2 (1 - 2 gamma n/N + gamma^2 n (n+d+1)/N^2)
  // + s2 (1 + gamma^2 n d/N^2), R_pre of THEORY.md at |t| = 1.
  const int d = 2;
  const long n = 3;
  const Rational g(10, 13), N(n + 1), t2(25);
  Vec<Rational> t(2);
  t << Rational(3), Rational(4);  // |t|^2 = 25
  const Rational want =
      t2 * (1 - 2 * g * n / N + g * g * n * (n + d + 1) / (N * N)) + s2 * (1 + g * g * n * d / (N * N));
  CHECK(exact::risk(pretrained_params(d, g), TaskLaw<Rational>::fixed(t), n, s2) == want);
  CHECK(want == Rational(43663, 3380));  // 25 * 173/338 + (1/10) * 413/338
}

TEST_CASE("AD gradient = exact stencil derivative in rationals (the loss is a polynomial along a line)") {
  for (auto kind : {Parameterization::Merged, Parameterization::Separate}) {
    const auto point = random_rational_point(11, kind, 2);
    const auto coords = exact::coordinates(kind, 4, exact::Update::All);
    const exact::Objective<Rational> obj{s2,
                                         {{Rational(1), 0, TaskLaw<Rational>::fixed(first_axis<Rational>(2))},
                                          {Rational(1, 3), 4, TaskLaw<Rational>::sphere()}}};
    const auto g = exact::value_and_gradient(obj, point, coords).gradient;
    const Vec<Rational> x = exact::gather(point, coords);
    for (Eigen::Index j : {Eigen::Index(0), Eigen::Index(5), Eigen::Index(x.size() - 3)}) {
      // f'(0) from 7 points is exact for degree <= 6 (merged: 4, separate: 6).
      const auto f = [&](int h) {
        Point<Rational> p = point;
        exact::scatter(p, coords, Vec<Rational>(x + Rational(h) * Vec<Rational>::Unit(x.size(), j)));
        return exact::objective_value(obj, p);
      };
      const Rational d = (45 * (f(1) - f(-1)) - 9 * (f(2) - f(-2)) + (f(3) - f(-3))) / 60;
      CHECK(g(j) == d);
    }
  }
}

// Moments with every identity changed: the adjoint must take its partials from the Moments value itself.
const exact::Moments odd_moments{.name = "odd",
                                 .quad_pairings = 3,
                                 .lin_lin_pairings = 5,
                                 .sextic_trace = 7,
                                 .sextic_square = 1,
                                 .product_pairings = 3};

TEST_CASE("adjoint gradient = forward-mode AD gradient, exactly, in rationals") {
  for (auto kind : {Parameterization::Merged, Parameterization::Separate}) {
    for (int d : {1, 3}) {
      const auto point = random_rational_point(31 + d, kind, d);
      const auto coords = exact::coordinates(kind, d + 2, exact::Update::All);
      Vec<Rational> t(d);
      for (int i = 0; i < d; ++i) t(i) = Rational(2 * i - 3, 5);  // any norm
      const exact::Objective<Rational> obj{s2,
                                           {{Rational(1), 0, TaskLaw<Rational>::fixed(t)},
                                            {Rational(2, 7), 5, TaskLaw<Rational>::sphere()},
                                            {Rational(1, 3), 1, TaskLaw<Rational>::fixed(first_axis<Rational>(d))}}};
      const auto fast = exact::value_and_gradient(obj, point, coords);
      const auto slow = exact::value_and_gradient_forward(obj, point, coords);
      CHECK(fast.value == slow.value);
      CHECK(fast.gradient == slow.gradient);
      const auto odd_fast = exact::value_and_gradient(obj, point, coords, odd_moments);
      const auto odd_slow = exact::value_and_gradient_forward(obj, point, coords, odd_moments);
      CHECK(odd_fast.value == odd_slow.value);  // the adjoint's value comes from its own forward pass
      CHECK(odd_fast.gradient == odd_slow.gradient);
      CHECK(odd_fast.gradient != fast.gradient);
    }
  }
}

TEST_CASE("the exact Hessian is symmetric and H u matches the dense Hessian") {
  const auto point = random_rational_point(21, Parameterization::Merged, 1);
  const auto coords = exact::coordinates(point.kind, 3, exact::Update::All);
  const exact::Objective<Rational> obj{s2, {{Rational(1), 2, TaskLaw<Rational>::sphere()}}};
  const Mat<Rational> H = exact::hessian(obj, point, coords);
  CHECK(H == H.transpose());
  Vec<Rational> u = Vec<Rational>::Zero(H.rows());
  u(3) = Rational(1, 2), u(11) = Rational(-2);
  CHECK(exact::hessian_vector(obj, point, coords, u) == H * u);
}

TEST_CASE("masked optimum: the annealed limit is the limit of small few-shot weights") {
  const int d = 2;
  const auto theta0 = TaskLaw<Rational>::fixed(first_axis<Rational>(d));
  const auto start = Point<Rational>::merged(pretrained_params(d, Rational(1)));
  const auto coords = exact::coordinates(start.kind, d + 2, exact::Update::Value);
  const exact::Objective<Rational> zs{s2, {{Rational(1), 0, theta0}}};
  const exact::Objective<Rational> fs{s2, {{Rational(1), 5, theta0}}};
  const auto limit = exact::masked_optimum({zs, fs}, start, coords, exact::Update::Value);
  Rational previous = -1;
  for (const Rational& lambda : {Rational(1, 100), Rational(1, 10000), Rational(1, 1000000)}) {
    const exact::Objective<Rational> mix{s2, {{Rational(1), 0, theta0}, {lambda, 5, theta0}}};
    const auto opt = exact::masked_optimum({mix}, start, coords, exact::Update::Value);
    const Rational gap = (opt.point.V() - limit.point.V()).cwiseAbs().maxCoeff();
    CHECK(gap > 0);
    if (previous >= 0) CHECK(gap < previous / 50);  // O(lambda)
    previous = gap;
  }
}

TEST_CASE("masked optimum keeps what the loss cannot see and reports it as free") {
  const int d = 2;
  const auto start = Point<Rational>::merged(pretrained_params(d, Rational(10, 13)));
  const auto coords = exact::coordinates(start.kind, d + 2, exact::Update::KeyQuery);
  const exact::Objective<Rational> zs{s2, {{Rational(1), 0, TaskLaw<Rational>::fixed(first_axis<Rational>(d))}}};
  const auto opt = exact::masked_optimum({zs}, start, coords, exact::Update::KeyQuery);
  CHECK(opt.point.blocks[block::Q] == start.blocks[block::Q]);
  CHECK(opt.free.cols() == 16);
  CHECK_THROWS_AS(exact::masked_optimum({zs}, Point<Rational>::separate({start.V(), start.Q(), start.Q()}),
                                        exact::coordinates(Parameterization::Separate, 4, exact::Update::KeyQuery),
                                        exact::Update::KeyQuery),
                  std::invalid_argument);
}

TEST_CASE("separate and merged parameterizations give the same risk") {
  const auto sep = random_rational_point(31, Parameterization::Separate, 3);
  const auto merged = Point<Rational>::merged(sep.as_merged());
  const exact::Objective<Rational> obj{s2, {{Rational(1), 6, TaskLaw<Rational>::sphere()}}};
  CHECK(exact::objective_value(obj, sep) == exact::objective_value(obj, merged));
}

TEST_CASE("parameter files are read exactly and written back") {
  const std::string text =
      R"({"V": [[0, 0, 0], [0, 0, 0], [0, 0.1, "1"]], "Q": [[0, 0, 0], [0, "10/13", 1e-2], [0, 0, -3]]})";
  const auto p = parse_params_json(text, "t.json");
  CHECK(p.kind == Parameterization::Merged);
  CHECK(p.V()(2, 1) == Rational(1, 10));
  CHECK(p.blocks[block::Q](1, 1) == Rational(10, 13));
  CHECK(p.blocks[block::Q](1, 2) == Rational(1, 100));
  const auto back = parse_params_json(params_to_json(p), "back.json");
  CHECK(back.blocks == p.blocks);
  const auto sep = parse_params_json(
      R"({"K": [[1,0,0],[0,1,0],[0,0,1]], "Qsep": [[1,0,0],[0,2,0],[0,0,1]], "V": [[0,0,0],[0,0,0],[0,0,1]]})", "s");
  CHECK(sep.kind == Parameterization::Separate);
  CHECK(sep.Q()(1, 1) == 2);
}

TEST_CASE("bad parameter files name the problem") {
  const auto msg = [](const std::string& text) {
    try {
      parse_params_json(text, "f.json");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK(msg("[1, 2]").find("must be a JSON object") != std::string::npos);
  CHECK(msg("{\"V\": [[1]]").find("invalid JSON") != std::string::npos);
  CHECK(msg(R"({"V": [[0,0,0],[0,0,0],[0,0,1]]})").find("needs exactly the keys") != std::string::npos);
  CHECK(msg(R"({"V": [[0,0,0],[0,0,0],[0,0,1]], "Q": [[0,0,0],[0,0,0],[0,0]]})").find("Q[2]") != std::string::npos);
  CHECK(msg(R"({"V": [[0,0,0],[0,0,0],[0,0,1]], "Q": [[0,0,0],[0,"x",0],[0,0,0]]})").find("Q[1][1]") !=
        std::string::npos);
  CHECK(msg(R"({"V": [[0,0,0],[0,0,0],[0,0,1]], "Q": [[0,0,0],[0,null,0],[0,0,0]]})").find("Q[1][1]") !=
        std::string::npos);
  CHECK(msg(R"({"V": [[0,0],[0,1]], "Q": [[0,0],[0,1]]})").find("d >= 1") != std::string::npos);
  CHECK(msg(R"({"V": [[0,0,0],[0,0,0],[0,0,1]], "Q": [[0,0,0],[0,1,0],[0,0,0]], "V": [[0,0,0],[0,0,0],[0,0,2]]})")
            .find("appears twice") != std::string::npos);
  CHECK(msg(R"({"V": [[0,0,0,0],[0,0,0,0],[0,0,0,0],[0,0,0,1]], "Q": [[0,0,0],[0,1,0],[0,0,0]]})").find("expected 4") !=
        std::string::npos);
}
