// Proofs for every n: FLINT root isolation, sign runs of any degree, tensor interpolation with
// confirmed degree bounds, identities and their counterexamples, and the statements of `iclverify
// prove` against the paper (the proof mutants are claim P's: ctest mutants_P, tests/test_mutants.cpp).
#include <doctest/doctest.h>

#include <random>

#include "poly/flint_poly.hpp"
#include "poly/tensor_fit.hpp"
#include "prove/paper.hpp"
#include "prove/proof.hpp"

using namespace icl;

namespace {

// prod (x - r) for the given roots.
Polynomial<Rational> from_roots(const std::vector<Rational>& roots) {
  Polynomial<Rational> p{{Rational(1)}};
  for (const auto& r : roots) {
    Polynomial<Rational> next{std::vector<Rational>(p.coeffs.size() + 1, Rational(0))};
    for (std::size_t j = 0; j < p.coeffs.size(); ++j) {
      next.coeffs[j + 1] += p.coeffs[j];
      next.coeffs[j] -= r * p.coeffs[j];
    }
    p = next;
  }
  return p;
}

int brute_sign(const Polynomial<Rational>& p, long n) { return sign_of(p(Rational(n))); }

void expect_runs_match(const Polynomial<Rational>& p, const std::vector<SignRun>& runs, long up_to) {
  for (long n = 0; n <= up_to; ++n)
    for (const auto& r : runs)
      if (n >= r.lo && (!r.hi || n <= *r.hi)) CHECK(r.sign == brute_sign(p, n));
}

}  // namespace

TEST_CASE("FLINT isolates every real root, exact ones included, of a non-squarefree polynomial") {
  // (x - 1/3) (x - 2)^2 (x - 7/2) (x^2 + 1): three distinct real roots, one of them double.
  Polynomial<Rational> p = from_roots({Rational(1, 3), Rational(2), Rational(2), Rational(7, 2)});
  Polynomial<Rational> q{std::vector<Rational>(p.coeffs.size() + 2, Rational(0))};
  for (std::size_t j = 0; j < p.coeffs.size(); ++j) {
    q.coeffs[j] += p.coeffs[j];
    q.coeffs[j + 2] += p.coeffs[j];
  }
  CHECK(count_real_roots(q) == 3);
  const auto roots = isolate_real_roots(q, Rational(1, 1024));
  REQUIRE(roots.size() == 3);
  const std::vector<Rational> want{Rational(1, 3), Rational(2), Rational(7, 2)};
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(roots[i].lo <= want[i]);
    CHECK(want[i] <= roots[i].hi);
    CHECK(roots[i].hi - roots[i].lo <= Rational(1, 1024));
  }
  CHECK(count_real_roots(Polynomial<Rational>{{Rational(1), Rational(0), Rational(1)}}) == 0);
}

TEST_CASE("sign runs of any degree agree with exact evaluation") {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 60; ++trial) {
    std::vector<Rational> roots;
    const int k = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < k; ++i) roots.push_back(Rational(static_cast<long>(rng() % 80) - 10, 1 + rng() % 3));
    Polynomial<Rational> p = from_roots(roots);
    if (rng() % 2)
      for (auto& c : p.coeffs) c = -c;
    const auto runs = sign_runs_any_degree(p);
    CHECK(!runs.back().hi.has_value());
    expect_runs_match(p, runs, 120);
    if (p.degree() <= 2) CHECK(describe_runs(runs, 1) == describe_runs(integer_sign_runs(p), 1));
  }
  // A sign change far beyond any brute-force range.
  const auto far = sign_runs_any_degree(from_roots({Rational(1000000007), Rational(-3), Rational(5, 2)}));
  CHECK(describe_runs(far, 1) == "[0, 2], [1000000008, inf)");
  CHECK(describe_runs(far, -1) == "[3, 1000000006]");
  CHECK(describe_runs(far, 0) == "[1000000007, 1000000007]");
}

TEST_CASE("tensor interpolation recovers a polynomial and rejects a wrong degree bound") {
  const auto f = [](const GridPoint& x) { return 3 * x[0] * x[0] * x[1] - x[1] + Rational(1, 2); };
  const std::vector<GridAxis> axes{{"a", 0, 1, 2, 5}, {"b", 1, Rational(1, 2), 1, 4}};
  std::vector<Rational> values;
  for (const auto& x : grid_points(axes)) values.push_back(f(x));
  const MultiPolynomial p = fit_tensor(axes, values);
  CHECK(p.to_string() == "3 a^2 b - b + 1/2");
  CHECK(p(GridPoint{Rational(7), Rational(-3)}) == f(GridPoint{Rational(7), Rational(-3)}));
  const std::vector<GridAxis> low{{"a", 0, 1, 1, 5}, {"b", 1, Rational(1, 2), 1, 4}};
  CHECK_THROWS_AS(fit_tensor(low, values), DegreeBoundError);
}

TEST_CASE("an identity is PROVED on a grid, a false one REFUTED with an exact counterexample") {
  const std::vector<GridAxis> axes{prove::n_axis(2), prove::s2_axis(1)};
  const auto lhs = [](const GridPoint& x) { return (x[0] + 1) * (x[0] + 1) * (1 + x[1]); };
  const auto good = [](const GridPoint& x) { return x[0] * x[0] + 2 * x[0] + 1 + x[1] * (x[0] + 1) * (x[0] + 1); };
  const auto bad = [](const GridPoint& x) {
    return (x[0] + 2) * (x[0] + 1) * (1 + x[1]) - (x[0] + 1) * (1 + x[1]) + (x[0] == 4 ? 1 : 0);
  };
  CHECK(prove::prove_identity("true", axes, lhs, good).verdict == prove::ProofVerdict::Proved);
  const prove::Proof p = prove::prove_identity("false", axes, lhs, bad);
  CHECK(p.verdict == prove::ProofVerdict::Refuted);
  CHECK(p.certificate["counterexample"]["point"]["n"] == "4");
  // A quartic in n is not of degree <= 2: the confirmation nodes catch it (OPEN, never PROVED).
  const auto quartic = [](const GridPoint& x) { return x[0] * x[0] * x[0] * x[0]; };
  CHECK(prove::prove_identity("quartic", axes, quartic, quartic).verdict == prove::ProofVerdict::Open);
}

TEST_CASE("every statement of the fast set is PROVED against the paper") {
  for (const auto& s : theorems::paper_statements()) {
    const prove::Proof p = s.prove(prove::ProofOptions{});
    INFO(s.id << ": " << p.summary);
    CHECK(p.verdict == prove::ProofVerdict::Proved);
  }
}

TEST_CASE("C2 and C5 sets at the paper's setting") {
  for (const auto& s : theorems::paper_statements()) {
    if (s.id != "C5.ranges" && s.id != "C2.sets") continue;
    const prove::Proof p = s.prove(prove::ProofOptions{});
    REQUIRE(p.verdict == prove::ProofVerdict::Proved);
    if (s.id == "C2.sets") CHECK(p.summary.find("gamma=10/13 target: worse for n in [[2,null]]") != std::string::npos);
    if (s.id == "C5.ranges") {
      CHECK(p.summary.find("gamma=10/13: lower on theta0 for n in [[1,28]], higher on -theta0 for n in [[6,null]]") !=
            std::string::npos);
      CHECK(p.summary.find("gamma=42/53: lower on theta0 for n in [[1,31]], higher on -theta0 for n in [[6,null]]") !=
            std::string::npos);
    }
  }
}
