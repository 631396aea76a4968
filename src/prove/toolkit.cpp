#include "prove/toolkit.hpp"

#include <fmt/ranges.h>

#include <random>
#include <string>
#include <vector>

namespace icl::prove {

Proof fact(bool holds, const std::string& what) {
  return {holds ? ProofVerdict::Proved : ProofVerdict::Refuted, what, nlohmann::json{{"fact", what}, {"holds", holds}}};
}

Proof gap_sets(const std::string& what, const Polynomial<Rational>& formula, const Polynomial<Rational>& engine) {
  nlohmann::json cert = sign_certificate(formula);
  cert["gap"] = what;
  cert["denominator_ascending"] = {"1", "2", "1"};
  const int deg = std::max(formula.degree(), engine.degree());
  for (int k = 0; k <= deg; ++k) {
    if (formula.coeff(k) == engine.coeff(k)) continue;
    long n = 0;
    while (formula(Rational(n)) == engine(Rational(n))) ++n;  // differ somewhere in 0..deg
    cert["counterexample"] = {
        {"n", n}, {"closed_form", to_fraction(formula(Rational(n)))}, {"engine", to_fraction(engine(Rational(n)))}};
    return {ProofVerdict::Refuted,
            fmt::format("{}: closed form and engine differ at n = {}: (n+1)^2 gap {} vs {}", what, n,
                        show(formula(Rational(n))), show(engine(Rational(n)))),
            cert};
  }
  return {ProofVerdict::Proved, what, cert};
}

namespace {

// Random integers in S = {1, ..., 2^31}: a nonzero polynomial of total degree k vanishes at a
// uniform point of S^m with probability <= k / 2^31 (Schwartz-Zippel).
constexpr int kTotalDegree = 8;
constexpr int kPoints = 2;

Rational draw(std::mt19937_64& rng) { return Rational(static_cast<long>(rng() >> 33) + 1); }

Mat<Rational> random_matrix(int D, std::mt19937_64& rng) {
  Mat<Rational> m(D, D);
  for (int r = 0; r < D; ++r)
    for (int c = 0; c < D; ++c) m(r, c) = draw(rng);
  return m;
}

// <Q, grad_Q L> + sign <V, grad_V L> at one point (rows of V other than the last have gradient 0).
Rational balance_derivative(const exact::Objective<Rational>& loss, const Point<Rational>& point, int sign) {
  const auto coords = exact::coordinates(point.kind, point.D(), exact::Update::All);
  const Vec<Rational> g = exact::value_and_gradient(loss, point, coords).gradient;
  Rational sum = 0;
  for (std::size_t j = 0; j < coords.size(); ++j) {
    const auto& c = coords[j];
    const Rational weight = c.block == block::V ? Rational(sign) : Rational(1);
    sum += weight * point.blocks[c.block](c.row, c.col) * g(static_cast<Eigen::Index>(j));
  }
  return sum;
}

}  // namespace

Proof conservation_law(int sign) {
  std::mt19937_64 rng(20261123);
  nlohmann::json cert{{"method", "Schwartz-Zippel"},
                      {"total_degree_bound", kTotalDegree},
                      {"sample_set", "integers 1..2^31, fixed seed 20261123"},
                      {"points_per_case", kPoints},
                      {"cases", nlohmann::json::array()}};
  int cases = 0;
  const int max_d = 4;
  const std::vector<std::string> losses{"zs", "fs", "pretrain"};
  for (int d = 1; d <= max_d; ++d)
    for (const std::string& loss_name : losses) {
      for (int k = 0; k < kPoints; ++k) {
        const int D = d + 2;
        const Point<Rational> point = Point<Rational>::merged({random_matrix(D, rng), random_matrix(D, rng)});
        Vec<Rational> theta(d);
        for (int i = 0; i < d; ++i) theta(i) = draw(rng);
        const Rational s2 = draw(rng);
        const std::string name = loss_name;
        const auto task =
            name == "pretrain" ? exact::TaskLaw<Rational>::sphere() : exact::TaskLaw<Rational>::fixed(theta);
        const exact::Objective<Rational> loss{s2, {{Rational(1), name == "zs" ? 0L : 20L, task}}};
        const Rational value = balance_derivative(loss, point, sign);
        if (value != 0) {
          cert["counterexample"] = {{"d", d}, {"loss", name}, {"value", to_fraction(value)}};
          return {ProofVerdict::Refuted,
                  fmt::format("<Q, grad_Q L> {} <v, grad_v L> = {} != 0 at a random point (d={}, loss {})",
                              sign < 0 ? "-" : "+", show(value), d, name),
                  cert};
        }
      }
      cert["cases"].push_back(fmt::format("d={} {}", d, loss_name));
      ++cases;
    }
  // Per case: P(all points vanish | identity false) <= (k / 2^31)^points.
  const double per_point = kTotalDegree / 2147483648.0;
  const double bound = std::pow(per_point, kPoints);
  cert["error_probability_per_case"] = bound;
  cert["error_probability_total"] = bound * cases;
  return {ProofVerdict::Proved,
          fmt::format("0 at {} random points in each of {} cases (d = 1..{}; {}); error probability <= "
                      "{:.1e} per case, {:.1e} in all (Schwartz-Zippel, total degree <= {})",
                      kPoints, cases, max_d, fmt::join(losses, ", "), bound, bound * cases, kTotalDegree),
          cert};
}

}  // namespace icl::prove
