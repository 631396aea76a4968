#include <doctest/doctest.h>

#include <random>

#include "poly/poly.hpp"

using namespace icl;

TEST_CASE("exact interpolation recovers a polynomial and rejects a wrong degree bound") {
  const auto f = [](const Rational& x) { return Rational(3, 7) * x * x * x - 2 * x + Rational(1, 3); };
  const auto p = fit_polynomial<Rational>(f, 3, Rational(-1, 2), Rational(1, 5));
  CHECK(p.coeff(3) == Rational(3, 7));
  CHECK(p.coeff(2) == 0);
  CHECK(p.coeff(1) == -2);
  CHECK(p.coeff(0) == Rational(1, 3));
  CHECK(p.derivative()(Rational(1)) == Rational(9, 7) - 2);
  CHECK_THROWS_AS(fit_polynomial<Rational>(f, 2), DegreeBoundError);
}

TEST_CASE("curve_numerator is (n+1)^2 R(n)") {
  const auto p = curve_numerator([](long n) { return Rational(n * n + 1, (n + 1) * (n + 1)); });
  CHECK(p.coeff(2) == 1);
  CHECK(p.coeff(1) == 0);
  CHECK(p.coeff(0) == 1);
  CHECK_THROWS_AS(curve_numerator([](long n) { return Rational(1, n + 2); }), DegreeBoundError);
}

TEST_CASE("floor_of and sign_of of rationals, negative and integral values included") {
  for (int num = -25; num <= 25; ++num)
    for (int den : {1, 2, 3, 7}) {
      const Rational x(num, den);
      const Integer f = floor_of(x);
      CAPTURE(num);
      CAPTURE(den);
      CHECK(Rational(f) <= x);
      CHECK(x < Rational(f + 1));
      CHECK(sign_of(x) == (num > 0) - (num < 0));
    }
}

TEST_CASE("integer sign runs agree with brute force on random quadratics") {
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> coef(-40, 40), den(1, 9);
  for (int trial = 0; trial < 400; ++trial) {
    Polynomial<Rational> p{
        {Rational(coef(rng), den(rng)), Rational(coef(rng), den(rng)), Rational(coef(rng) / 4, den(rng))}};
    const auto runs = integer_sign_runs(p);
    REQUIRE(!runs.empty());
    CHECK(runs.front().lo == 0);
    CHECK(!runs.back().hi);
    for (long n = 0; n <= 300; ++n) {
      const Rational v = p(Rational(n));
      const int sign = v > 0 ? 1 : (v < 0 ? -1 : 0);
      int covered = 0;
      for (const auto& r : runs)
        if (n >= r.lo && (!r.hi || n <= *r.hi)) {
          ++covered;
          CHECK(r.sign == sign);
        }
      CHECK(covered == 1);
    }
  }
}

TEST_CASE("sign runs find a change far beyond any brute-force cut-off") {
  // (n - 10^9)(n - 10^9 - 3): negative exactly on (10^9, 10^9 + 3).
  const Rational a(1'000'000'000);
  Polynomial<Rational> p{{a * (a + 3), -(2 * a + 3), Rational(1)}};
  const auto runs = integer_sign_runs(p);
  CHECK(describe_runs(runs, -1) == "[1000000001, 1000000002]");
  CHECK(describe_runs(runs, 0) == "[1000000000, 1000000000], [1000000003, 1000000003]");
  CHECK(sign_holds_from(runs, 1) == 1000000004);
  CHECK_THROWS_AS(integer_sign_runs(Polynomial<Rational>{{0, 0, 0, 1}}), std::domain_error);
}
