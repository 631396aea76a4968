// Statements stat.*: the exact gradient vanishes at the closed-form optima identically in n (or m)
// and s2 (docs/proofs.md#stationarity). Each gradient is a rational function of the grid variables
// whose numerator has the degree stated at its axes; vanishing on the grid proves it is zero.
#pragma once

#include <fmt/format.h>

#include "prove/knobs.hpp"
#include "prove/proof.hpp"
#include "theorems/c6_key_query.hpp"

namespace icl::prove {

using VectorFunction = std::function<Vec<Rational>(const GridPoint&)>;

// Every component of g vanishes at every grid point (REFUTED at the first nonzero component).
Proof prove_vanishing(const std::string& what, const std::vector<GridAxis>& axes, const VectorFunction& g);

// The dimensions a stationarity statement runs over: 1..5 (fast) or 1..12 (full).
inline std::vector<int> proof_dims(const ProofOptions& o) {
  std::vector<int> out;
  for (int d = 1; d <= (o.full ? 12 : 5); ++d) out.push_back(d);
  return out;
}

template <class Build>
Proof for_each_d(const ProofOptions& o, const std::string& summary, Build build) {
  std::vector<Proof> parts;
  for (int d : proof_dims(o)) parts.push_back(build(d));
  return all_of(fmt::format("{}; d = 1..{}", summary, proof_dims(o).size()), parts);
}

inline Vec<Rational> gradient_at(const exact::Objective<Rational>& obj, const MergedParams<Rational>& p,
                                 exact::Update update) {
  const auto point = Point<Rational>::merged(p);
  return exact::value_and_gradient(obj, point, exact::coordinates(point.kind, point.D(), update)).gradient;
}

// The full gradient of the sphere-averaged m-shot risk at P(gamma*(m)). Numerator degree in m:
// (m+1)^2 grad is <= 2 in m and <= 2 in gamma, gamma* = (m+1)/(m+1+d(1+s2)): <= 4.
template <class F>
Statement stat_gamma_star() {
  return {
      "stat.gamma_star", "the gradient over all of (V, Q) of R(m, sphere) vanishes at P(gamma*(m)) for every m >= 1",
      [](const ProofOptions& o) {
        return for_each_d(o, "gradient over all (V, Q) at P(gamma*(m)) is 0 for all m, s2 in {0, 1/10}", [](int d) {
          std::vector<Proof> parts;
          for (const Rational& s2 : {Rational(0), Rational(1, 10)})
            parts.push_back(prove_vanishing(
                fmt::format("d={} s2={}: grad R(m, sphere) at P(gamma*(m))", d, to_fraction(s2)),
                {GridAxis{"m", 1, 1, 4, 8}}, [d, s2](const GridPoint& x) {
                  const long m = as_long(x[0]);
                  const Rational g = F::gamma_star(m, Setting<Rational>{d, s2});
                  const exact::Objective<Rational> obj{s2, {{1, m, exact::TaskLaw<Rational>::sphere()}}};
                  return Vec<Rational>(rows_squared(m) * gradient_at(obj, pretrained_params(d, g), exact::Update::All));
                }));
          return all_of("", parts);
        });
      }};
}

// dR/dw on theta0 at V(theta0/(d+4), w*(n)), exact as a central difference (R is quadratic in w).
// Numerator degree: (n+1)^2 dR/dw = alpha w + beta with alpha, beta <= 2 in n, <= 1 in s2; w* has
// numerator and denominator of degree <= 1 in n and s2: <= 3 in n, <= 2 in s2.
template <class F>
Statement stat_w_star() {
  return {"stat.w_star", "dR_v/dw on theta0 vanishes at w = w*(n), b = theta0/(d+4), for every n and s2",
          [](const ProofOptions& o) {
            return for_each_d(o, "dR/dw at w*(n) is 0 for all n, s2", [](int d) {
              const Vec<Rational> b = F::template beta_zero_shot<Rational>(d) * first_axis<Rational>(d);
              return prove_vanishing(
                  fmt::format("d={}: dR/dw at w*(n)", d), {n_axis(3), s2_axis(2)}, [d, b](const GridPoint& x) {
                    const long n = as_long(x[0]);
                    const Rational w = F::w_star(n, Setting<Rational>{d, x[1]});
                    const auto R = [&](const Rational& wv) {
                      return exact::risk(value_only_params(b, wv), axis_task(Task::Target, d), n, x[1]);
                    };
                    Vec<Rational> g(1);
                    g(0) = rows_squared(n) * (R(w + 1) - R(w - 1)) / 2;
                    return g;
                  });
            });
          }};
}

// The value gradient of the zero-shot loss at V(theta0/(d+4), w): affine in w, <= 1 in s2.
template <class F>
Statement stat_b_zero_shot() {
  return {"stat.b_zero_shot", "the gradient over V of R(0, theta0) vanishes at V(theta0/(d+4), w) for every w and s2",
          [](const ProofOptions& o) {
            return for_each_d(o, "dR(0)/dV at b = theta0/(d+4) is 0 for all w, s2", [](int d) {
              const Vec<Rational> b = F::template beta_zero_shot<Rational>(d) * first_axis<Rational>(d);
              return prove_vanishing(fmt::format("d={}: dR(0)/dV", d), {param_axis("w", 0, 1), s2_axis(1)},
                                     [d, b](const GridPoint& x) {
                                       const exact::Objective<Rational> zs{x[1], {{1, 0, axis_task(Task::Target, d)}}};
                                       return gradient_at(zs, value_only_params(b, x[0]), exact::Update::Value);
                                     });
            });
          }};
}

// The Q-gradient of R(n_ft, theta0) at Q[x,y] = c*(n_ft) theta0 (value e_y): affine in c, <= 2 in
// n_ft and in s2 after (n+1)^2; c* has degree <= 1 in n_ft and s2: numerator <= 3 in each.
template <class F>
Statement stat_kq_optimum() {
  return {"stat.kq_optimum",
          "the gradient over Q of R(n_ft, theta0) vanishes at the key-query-only optimum Q[x,y] = c*(n_ft) theta0",
          [](const ProofOptions& o) {
            return for_each_d(o, "dR(n_ft)/dQ at c*(n_ft) is 0 for all n_ft, s2", [](int d) {
              return prove_vanishing(
                  fmt::format("d={}: dR(n_ft)/dQ at c*(n_ft)", d), {n_axis(3, "n_ft"), s2_axis(3)},
                  [d](const GridPoint& x) {
                    const long nft = as_long(x[0]);
                    const Rational c = F::kq_memory_star(nft, Setting<Rational>{d, x[1]});
                    const auto p = theorems::kq_memory_params(first_axis<Rational>(d), c);
                    const exact::Objective<Rational> fs{x[1], {{1, nft, axis_task(Task::Target, d)}}};
                    return Vec<Rational>(rows_squared(nft) * gradient_at(fs, p, exact::Update::KeyQuery));
                  });
            });
          }};
}

}  // namespace icl::prove
