// The exact engine for two layers (exact/two_layer): against a brute-force symbolic expansion of the
// prompt (tests/two_layer_oracle.hpp), against today's one-layer engine when a layer is zero, against
// Monte Carlo, and with deliberately wrong variants (mutants) that each check must catch.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "exact/exact.hpp"
#include "exact/two_layer.hpp"
#include "model/arch.hpp"
#include "poly/polynomial.hpp"
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

// Two layers with few nonzero entries (each entry k / den, |k| <= span, kept with probability 1/3):
// the same engine on a smaller polynomial, so that the sphere at d = 2 and d = 3 stays cheap.
Arch<Rational> sparse_two_layer(sim::Engine& rng, int d, int H, Parameterization kind, int span = 4, int den = 4) {
  Arch<Rational> a = random_two_layer(rng, d, H, kind, span, den);
  std::uniform_int_distribution<int> keep(0, 2);
  for (auto& layer : a.layers)
    for (auto& h : layer)
      for (Mat<Rational>* m : {&h.V, &h.Q, &h.K})
        for (Eigen::Index i = 0; i < m->size(); ++i)
          if (keep(rng) != 0) m->data()[i] = 0;
  return a;
}

// The model with layer l's value matrices zero (that layer is then the identity), and the other
// layer alone as a one-layer model.
Arch<Rational> zero_values(Arch<Rational> a, int l) {
  for (auto& h : a.layers[l]) h.V.setZero();
  return a;
}
Arch<Rational> only_layer(const Arch<Rational>& a, int l) { return Arch<Rational>{{a.layers[l]}}; }

}  // namespace

TEST_CASE("two layers: the engine equals the brute-force expansion exactly, fixed task and sphere") {
  sim::Engine rng(11);
  struct Case {
    int d, H;
    Parameterization kind;
    int max_n;
    bool sphere;
  };
  // Dense random layers at d = 1, sparse ones at d = 2 (the expansion of a dense d = 2 prompt takes
  // minutes); n up to 2.
  const std::vector<Case> cases{{1, 1, Parameterization::Merged, 2, true},
                                {1, 2, Parameterization::Separate, 2, true},
                                {2, 2, Parameterization::Separate, 1, false},
                                {2, 1, Parameterization::Merged, 2, true}};
  for (const auto& c : cases) {
    const Arch<Rational> a =
        c.d == 1 || c.max_n == 1 ? random_two_layer(rng, c.d, c.H, c.kind) : sparse_two_layer(rng, c.d, c.H, c.kind);
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

TEST_CASE("two layers: a zero layer gives today's one-layer engine exactly, and L = 1 too") {
  sim::Engine rng(23);
  const std::vector<long> shots{0, 1, 2, 7, 40};
  for (int d : {1, 2})
    for (int H : {1, 2})
      for (auto kind : {Parameterization::Merged, Parameterization::Separate}) {
        const Arch<Rational> a = d == 1 ? random_two_layer(rng, d, H, kind) : sparse_two_layer(rng, d, H, kind);
        for (const auto& task : {exact::TaskLaw<Rational>::fixed(some_task(d)), exact::TaskLaw<Rational>::sphere()}) {
          CAPTURE(d);
          CAPTURE(H);
          CAPTURE(task.is_sphere());
          for (int l : {0, 1}) {
            const auto one = exact::arch_curve(only_layer(a, 1 - l), task, shots, kS2);
            CHECK(tl::curve(zero_values(a, l), task, shots, kS2) == one);
          }
          CHECK(tl::curve(only_layer(a, 0), task, shots, kS2) == exact::arch_curve(only_layer(a, 0), task, shots, kS2));
          // The query masked out of S is caught by the one-layer engine too (dense layers).
          if (d == 1)
            CHECK(tl::risk_polynomial(only_layer(a, 0), task, kS2, tl::Mutant::QueryMasked).at(2) !=
                  exact::arch_risk(only_layer(a, 0), task, 2, kS2));
        }
      }
}

TEST_CASE("two layers: every mutant is caught by the brute-force expansion") {
  sim::Engine rng(31);
  const Arch<Rational> a = random_two_layer(rng, 1, 2, Parameterization::Separate);
  const Vec<Rational> t = some_task(1);
  const auto task = exact::TaskLaw<Rational>::fixed(t);
  const Rational want = oracle::two_layer_risk(a, t, 2, kS2);
  CHECK(tl::risk_polynomial(a, task, kS2).at(2) == want);
  for (auto m : {tl::Mutant::DroppedClass, tl::Mutant::WrongMoment, tl::Mutant::QueryMasked}) {
    CAPTURE(static_cast<int>(m));
    CHECK(tl::risk_polynomial(a, task, kS2, m).at(2) != want);
  }
}

TEST_CASE("two layers: the one-layer sphere shortcut (+-e_i) is exact for L = 1 and wrong for L = 2") {
  // An anisotropic model: value e_y, x-block diag(1, 2) / 2 and a label-label entry 1/2 in both
  // layers (with only x in the attention and only y in the value, yhat would be linear in theta and
  // the shortcut exact for any L).
  const int d = 2, D = d + 2;
  Mat<Rational> V = Mat<Rational>::Zero(D, D), M = Mat<Rational>::Zero(D, D);
  V(D - 1, D - 1) = 1;
  M(1, 1) = Rational(1, 2);
  M(2, 2) = 1;
  M(D - 1, D - 1) = Rational(1, 2);
  const Arch<Rational> two{{{Head<Rational>{V, M, Mat<Rational>()}}, {Head<Rational>{V, M, Mat<Rational>()}}}};
  const Arch<Rational> one = only_layer(two, 0);
  const auto sphere = exact::TaskLaw<Rational>::sphere();
  for (long n : {0L, 1L, 2L, 5L}) {
    CAPTURE(n);
    const auto exact_one = tl::risk_polynomial(one, sphere, kS2).at(n);
    CHECK(tl::risk_polynomial(one, sphere, kS2, tl::Mutant::SphereShortcut).at(n) == exact_one);
    const auto exact_two = tl::risk_polynomial(two, sphere, kS2).at(n);
    if (n <= 1) CHECK(exact_two == oracle::two_layer_risk(two, std::nullopt, static_cast<int>(n), kS2));
    if (n >= 1) CHECK(tl::risk_polynomial(two, sphere, kS2, tl::Mutant::SphereShortcut).at(n) != exact_two);
  }
}

TEST_CASE("two layers: equal to Monte Carlo for small random parameters, d = 1..3, H = 1, 2") {
  sim::Engine rng(41);
  for (int d : {1, 2, 3})
    for (int H : {1, 2}) {
      // Entries k / 8, |k| <= 3: small enough for the degree-18 tails to be tame.
      const Arch<Rational> a = d < 3 ? random_two_layer(rng, d, H, Parameterization::Separate, 3, 8)
                                     : sparse_two_layer(rng, d, H, Parameterization::Separate, 3, 8);
      for (bool sphere : {false, true}) {
        const auto task = sphere ? exact::TaskLaw<Rational>::sphere() : exact::TaskLaw<Rational>::fixed(some_task(d));
        const auto r = tl::risk_polynomial(a.cast<double>(), task.cast<double>(), 0.1);
        Eigen::VectorXd th = some_task(d).cast<double>();
        for (long n : {0L, 3L}) {
          const auto mc = sim::mc_risk(a.cast<double>(), sphere ? sim::TaskSpec::sphere() : sim::TaskSpec::fixed(th), n,
                                       0.1, sim::McOptions{200000, 17, 1});
          CAPTURE(d);
          CAPTURE(H);
          CAPTURE(sphere);
          CAPTURE(n);
          CAPTURE(mc.mean);
          CAPTURE(r.at(n));
          CHECK(std::abs(sim::z_score(mc, r.at(n))) < 4);
        }
      }
    }
}

// ---- at one n: the value and the exact gradient (exact/two_layer/fixed_n.hpp) ------------------

namespace {

// A direction of the model's shape with random entries k / 4 (|k| <= 2) on `coords`, zero elsewhere.
Arch<Rational> random_direction(sim::Engine& rng, const Arch<Rational>& a,
                                const std::vector<tl::ArchCoordinate>& coords) {
  Arch<Rational> u = a;
  for (auto& layer : u.layers)
    for (auto& h : layer)
      for (Mat<Rational>* m : {&h.V, &h.Q, &h.K}) m->setZero();
  std::uniform_int_distribution<int> k(-2, 2);
  for (const auto& c : coords) tl::arch_entry(u, c) = Rational(k(rng), 4);
  return u;
}

template <class S>
Arch<S> moved(Arch<S> a, const Arch<S>& u, const S& t) {
  for (std::size_t l = 0; l < a.layers.size(); ++l)
    for (std::size_t h = 0; h < a.layers[l].size(); ++h) {
      auto& x = a.layers[l][h];
      const auto& y = u.layers[l][h];
      x.V += t * y.V;
      x.Q += t * y.Q;
      if (x.K.size()) x.K += t * y.K;
    }
  return a;
}

}  // namespace

TEST_CASE("two layers at one n: the value equals the risk polynomial exactly; a dropped class is caught") {
  sim::Engine rng(53);
  struct Case {
    int d, H;
    Parameterization kind;
    bool sphere;
  };
  const std::vector<Case> cases{{1, 1, Parameterization::Merged, false},
                                {1, 2, Parameterization::Separate, true},
                                {2, 2, Parameterization::Separate, false},
                                {2, 1, Parameterization::Merged, true}};
  for (const auto& c : cases) {
    const Arch<Rational> a =
        c.d == 1 ? random_two_layer(rng, c.d, c.H, c.kind) : sparse_two_layer(rng, c.d, c.H, c.kind);
    const auto task = c.sphere ? exact::TaskLaw<Rational>::sphere() : exact::TaskLaw<Rational>::fixed(some_task(c.d));
    const auto poly = tl::risk_polynomial(a, task, kS2);
    for (long n : {0L, 3L}) {
      if (c.d == 2 && n == 0) continue;  // d = 2 in rationals: one n (time)
      CAPTURE(c.d);
      CAPTURE(c.H);
      CAPTURE(c.sphere);
      CAPTURE(n);
      tl::FixedNRisk<Rational> at(c.d, task, kS2, n);
      CHECK(at.value(a) == poly.at(n));
      CHECK(at.value(only_layer(a, 0)) == tl::risk_polynomial(only_layer(a, 0), task, kS2).at(n));
      if (n > 0) {  // n = 0 has no context: nothing to drop
        tl::FixedNRisk<Rational> wrong(c.d, task, kS2, n, tl::Mutant::DroppedClass);
        CHECK(wrong.value(a) != poly.at(n));
      }
    }
  }
}

namespace {

struct StencilCase {
  int d, H;
  Parameterization kind;
  bool sphere;
  tl::CoordinateSet along;  // the direction's support: these coordinates
  int layer;                // of this layer only (-1: both)
  int degree;               // of R(p + t u) in t
};

// R(p + t u) is a polynomial in t: F has degree 3 in each of V1, M1 (NA1 enters F three times) and
// 1 in each of v2, M2 (separate: M = Q^T K), and R = E[F^2] / N^8 + s2 twice that: e.g. 16 for every
// merged entry, 24 for every separate one. degree + 1 rational points give R'(0) exactly.
// In rationals: exact equality. In Float50 (the d = 2 sphere, whose rational pair loop over 45 theta
// monomials takes minutes): agreement to 1e-30 relative, the mutant off by more than 1e-6.
template <class S>
void check_gradient_stencils(const std::vector<StencilCase>& cases, sim::Engine& rng) {
  const auto same = [](const S& x, const S& y) {
    if constexpr (is_exact_v<S>) {
      return x == y;
    } else {
      return abs(x - y) <= S(1e-30) * (1 + abs(y));
    }
  };
  for (const auto& c : cases) {
    const Arch<Rational> exact_a = random_two_layer(rng, c.d, c.H, c.kind, 2, 4);
    const Arch<S> a = exact_a.cast<S>();
    const auto task = c.sphere ? exact::TaskLaw<S>::sphere() : exact::TaskLaw<S>::fixed(some_task(c.d).cast<S>());
    const long n = 2;
    tl::FixedNRisk<S> at(c.d, task, S(kS2), n);
    std::vector<tl::ArchCoordinate> coords;
    for (const auto& x : tl::arch_coordinates(a, c.along))
      if (c.layer < 0 || x.layer == c.layer) coords.push_back(x);
    const Arch<S> u = random_direction(rng, exact_a, coords).cast<S>();
    std::vector<S> ts, ys;
    const int half = c.degree / 2;
    for (int k = -half; k <= half; ++k) {
      ts.push_back(S(k) / S(16));
      ys.push_back(at.value(moved(a, u, ts.back())));
    }
    const S want = derivative_at_zero(ts, ys);
    CAPTURE(c.d);
    CAPTURE(c.H);
    CAPTURE(c.sphere);
    CAPTURE(static_cast<int>(c.along));
    const auto r = at.along(a, {u});
    CHECK(same(r.value, ys[half]));
    CHECK(same(r.derivative[0], want));
    const S mutant = at.along(a, {u}, tl::GradientMutant::FirstLayerDropped).derivative[0];
    CHECK(!same(mutant, want));
    if constexpr (!is_exact_v<S>) CHECK(abs(mutant - want) > S(1e-6));
    // The gradient over the coordinates, dotted with u, is the same number.
    if (c.d == 1) {
      const auto g = at.gradient(a, coords);
      S dot(0);
      for (std::size_t j = 0; j < coords.size(); ++j) dot += g.derivative[j] * tl::arch_entry(u, coords[j]);
      CHECK(same(dot, want));
    }
  }
}

}  // namespace

TEST_CASE("two layers at one n, d = 1: the gradient equals exact rational stencils; a dropped layer is caught") {
  sim::Engine rng(59);
  check_gradient_stencils<Rational>({{1, 1, Parameterization::Merged, false, tl::CoordinateSet::All, -1, 16},
                                     {1, 2, Parameterization::Merged, true, tl::CoordinateSet::All, -1, 16},
                                     {1, 2, Parameterization::Separate, true, tl::CoordinateSet::All, -1, 24},
                                     {1, 1, Parameterization::Separate, false, tl::CoordinateSet::KeyQuery, -1, 16}},
                                    rng);
}

TEST_CASE(
    "two layers at one n, d = 2: the gradient equals rational stencils (sphere: Float50); a dropped layer is caught") {
  sim::Engine rng(61);
  check_gradient_stencils<Rational>({{2, 1, Parameterization::Merged, false, tl::CoordinateSet::Value, -1, 8},
                                     {2, 2, Parameterization::Separate, false, tl::CoordinateSet::Query, 0, 6}},
                                    rng);
  check_gradient_stencils<Float50>({{2, 2, Parameterization::Merged, true, tl::CoordinateSet::Value, -1, 8}}, rng);
}

// Timings for docs/performance.md: TL_D=3 TL_SCALAR=double build/tests/test_two_layer -tc='*timing*' --no-skip -s
namespace {

// The Taylor coefficients at t = 0 of the polynomial through (t_k, y_k), exactly (a Vandermonde solve).
Vec<Rational> taylor_at_zero(const std::vector<Rational>& t, const std::vector<Rational>& y) {
  const auto K = static_cast<Eigen::Index>(t.size());
  Mat<Rational> V(K, K);
  Vec<Rational> b(K);
  for (Eigen::Index i = 0; i < K; ++i) {
    Rational p(1);
    for (Eigen::Index j = 0; j < K; ++j, p *= t[i]) V(i, j) = p;
    b(i) = y[i];
  }
  return V.fullPivLu().solve(b);
}

// w^T H w = R''(0) along a + t w, from degree + 1 exact values of R alone.
Rational curvature_from_values(tl::FixedNRisk<Rational>& at, const Arch<Rational>& a, const Arch<Rational>& w,
                               int degree) {
  std::vector<Rational> ts, ys;
  for (int k = -degree / 2; k <= degree - degree / 2; ++k) {
    ts.emplace_back(k, 8);
    ys.push_back(at.value(moved(a, w, ts.back())));
  }
  return Rational(2) * taylor_at_zero(ts, ys)(2);
}

Arch<Rational> combined(const Arch<Rational>& u, const Arch<Rational>& v, int sign) {
  return moved(u, v, Rational(sign));
}

}  // namespace

TEST_CASE(
    "two layers at one n, d = 1: the exact Hessian-vector product equals second differences of R; "
    "Gauss-Newton and a dropped layer are caught") {
  sim::Engine rng(67);
  const std::vector<StencilCase> cases{{1, 1, Parameterization::Merged, false, tl::CoordinateSet::All, -1, 16},
                                       {1, 2, Parameterization::Separate, true, tl::CoordinateSet::All, -1, 24},
                                       {1, 2, Parameterization::Separate, false, tl::CoordinateSet::Value, -1, 16}};
  for (const auto& c : cases) {
    CAPTURE(c.H);
    CAPTURE(c.sphere);
    const Arch<Rational> a = random_two_layer(rng, c.d, c.H, c.kind, 2, 4);
    const auto task = c.sphere ? exact::TaskLaw<Rational>::sphere() : exact::TaskLaw<Rational>::fixed(some_task(c.d));
    tl::FixedNRisk<Rational> at(c.d, task, kS2, 2);
    const auto coords = tl::arch_coordinates(a, c.along);
    const Arch<Rational> u = random_direction(rng, a, coords), v = random_direction(rng, a, coords);
    // From values of R alone: v^T H v, and u^T H v by polarization.
    const Rational vHv = curvature_from_values(at, a, v, c.degree);
    const Rational uHv = (curvature_from_values(at, a, combined(u, v, 1), c.degree) -
                          curvature_from_values(at, a, combined(u, v, -1), c.degree)) /
                         4;
    const auto r = at.along_curvature(a, {u, v}, v);
    CHECK(r.value == at.value(a));
    const auto first = at.along(a, {u, v});
    CHECK(r.derivative == first.derivative);
    CHECK(r.second[1] == vHv);
    CHECK(r.second[0] == uHv);
    CHECK(at.along_curvature(a, {v}, u).second[0] == uHv);  // symmetric
    CHECK(at.along_curvature(a, {u, v}, v, tl::GradientMutant::GaussNewton).second[1] != vHv);
    CHECK(at.along_curvature(a, {u, v}, v, tl::GradientMutant::FirstLayerDropped).second[1] != vHv);
    // The Hessian over the coordinates: symmetric exactly, and u^T H v the same number (one case: a
    // Hessian in rationals over every coordinate of two separate heads per layer takes minutes).
    if (c.along != tl::CoordinateSet::Value) continue;
    const Mat<Rational> H = at.hessian(a, coords);
    CHECK(H == H.transpose());
    const Vec<Rational> ux = tl::arch_gather(u, coords), vx = tl::arch_gather(v, coords);
    CHECK(ux.dot(H * vx) == uHv);
  }
}

TEST_CASE("two layers: timing probe" * doctest::skip()) {
  const int d = std::getenv("TL_D") ? std::atoi(std::getenv("TL_D")) : 2;
  const std::string scalar = std::getenv("TL_SCALAR") ? std::getenv("TL_SCALAR") : "double";
  const bool sphere = std::getenv("TL_SPHERE") != nullptr;
  sim::Engine rng(5);
  const Arch<Rational> a = random_two_layer(rng, d, 2, Parameterization::Merged);
  const auto task = sphere ? exact::TaskLaw<Rational>::sphere() : exact::TaskLaw<Rational>::fixed(some_task(d));
  const auto t0 = std::chrono::steady_clock::now();
  double r5 = 0;
  long long terms = 0, pairs = 0, products = 0;
  auto run = [&](const auto& r) {
    r5 = to_double(r.at(5));
    terms = r.terms, pairs = r.pairs, products = r.products;
  };
  if (scalar == "double") run(tl::risk_polynomial(a.cast<double>(), task.cast<double>(), 0.1));
  if (scalar == "float50") run(tl::risk_polynomial(a.cast<Float50>(), task.cast<Float50>(), Float50(1) / 10));
  if (scalar == "rational") run(tl::risk_polynomial(a, task, kS2));
  const auto t1 = std::chrono::steady_clock::now();
  MESSAGE("d " << d << " sphere " << sphere << " " << scalar << " " << std::chrono::duration<double>(t1 - t0).count()
               << " s, R(5) = " << r5 << "; " << terms << " terms, " << pairs << " pairs, " << products
               << " coefficient products");
}

// Hessian-vector products against the gradient, for docs/performance.md:
// TL_D=2 build/tests/test_two_layer -tc='*HVP timing*' --no-skip -s
TEST_CASE("two layers: HVP timing probe" * doctest::skip()) {
  const int d = std::getenv("TL_D") ? std::atoi(std::getenv("TL_D")) : 1;
  sim::Engine rng(5);
  const Arch<double> a = random_two_layer(rng, d, 2, Parameterization::Separate).cast<double>();
  tl::FixedNRisk<double> at(d, exact::TaskLaw<double>::fixed(some_task(d).cast<double>()), 0.1, 20);
  const auto coords = tl::arch_coordinates(a, tl::CoordinateSet::All);
  auto seconds = [](auto&& f) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  const double value = seconds([&] { (void)at.value(a); });
  const double gradient = seconds([&] { (void)at.gradient(a, coords); });
  Arch<double> v = a;  // a direction: the model itself
  std::vector<Arch<double>> units;
  const double hvp = seconds([&] { (void)at.along_curvature(a, {}, v); });
  const double hessian = seconds([&] { (void)at.hessian(a, coords); });
  MESSAGE("d " << d << ", P = " << coords.size() << ": value " << value << " s, gradient " << gradient
               << " s, one Hessian-vector product over P coordinates " << hessian / coords.size()
               << " s, d2R/dv2 alone " << hvp << " s, whole Hessian " << hessian << " s");
}
