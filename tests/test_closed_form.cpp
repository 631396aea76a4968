// The sanity values of THEORY.md section 3, exactly, and one formula in three scalar types.
#include <doctest/doctest.h>

#include "closed_form/closed_form.hpp"

using namespace icl;
using namespace icl::closed_form;

namespace {
const Setting<Rational> kSanity{5, Rational(1, 10)};
}

TEST_CASE("THEORY.md sanity values (d = 5, s2 = 1/10), exact") {
  CHECK(risk_pretrained(Rational(20, 26), 0, kSanity) == Rational(11, 10));
  for (const Rational& w : {Rational(0), Rational(1, 3), Rational(2)})
    CHECK(risk_value_only(Rational(1, 9), w, 0, Task::Target, kSanity) == Rational(29, 90));
  for (const Rational& c : {Rational(1), Rational(-5), Rational(1, 7)})
    CHECK(risk_full_ft(c, 0, Task::Target, kSanity) == Rational(1, 10));
  CHECK(w_star(20, kSanity) == Rational(104, 159));
  CHECK(gamma_star(20, kSanity) == Rational(42, 53));
  CHECK(gamma_authors<Rational>(20, 5) == Rational(10, 13));
  CHECK(icl_threshold(Rational(10, 13), kSanity) == Rational(55, 16));
  CHECK(beta_zero_shot<Rational>(5) == Rational(1, 9));
}

TEST_CASE("the vector form of R_v equals the aligned form") {
  Vec<Rational> theta(3), b(3);
  theta << Rational(2, 3), Rational(1, 3), Rational(2, 3);
  b = Rational(1, 7) * theta;
  const Setting<Rational> s{3, Rational(1, 5)};
  for (long n : {0L, 3L, 11L})
    CHECK(risk_value_only(b, Rational(3, 4), theta, n, s) ==
          risk_value_only(Rational(1, 7), Rational(3, 4), n, Task::Target, s));
}

TEST_CASE("value-only limits and c*") {
  CHECK(value_only_limit(Rational(10, 13), Task::Target, kSanity) ==
        (1 - Rational(10, 13) - Rational(1, 9)) * (1 - Rational(10, 13) - Rational(1, 9)) + Rational(1, 10));
  const double c = c_star(10.0 / 13.0, 5);
  CHECK(c == doctest::Approx(0.553435489618).epsilon(1e-11));
  CHECK(1 / (c * c) - c * c == doctest::Approx(5 * (10.0 / 13.0) * (10.0 / 13.0)).epsilon(1e-13));
}

TEST_CASE("one formula, three scalars") {
  const double r_double = risk_pretrained(10.0 / 13.0, 7, Setting<double>{5, 0.1});
  const Float50 r_50 = risk_pretrained(Float50(Rational(10, 13)), 7, Setting<Float50>{5, Float50(Rational(1, 10))});
  const Rational r_exact = risk_pretrained(Rational(10, 13), 7, kSanity);
  CHECK(relative_deviation(r_double, r_exact) < 1e-15);
  CHECK(relative_deviation(r_50, r_exact) < 1e-48);
}

TEST_CASE("classical convention: the authors' constant is its noiseless optimum") {
  for (long m : {1L, 20L, 1000L})
    CHECK(gamma_star_classical(m, Setting<Rational>{5, Rational(0)}) == gamma_authors<Rational>(m, 5));
  CHECK(gamma_star_classical(20, kSanity) != gamma_authors<Rational>(20, 5));
}
