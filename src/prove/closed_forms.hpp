// Statements cf.*: each closed form of THEORY.md section 3 equals the exact engine as a polynomial
// in n, its parameter, s2 and d (docs/proofs.md#closed-forms).
#pragma once

#include <fmt/format.h>

#include "prove/knobs.hpp"
#include "prove/proof.hpp"

namespace icl::prove {

// (n+1)^2 R_pre(gamma; n) = (n+1)^2 R_engine(P(gamma); n, task) for task theta0 and the sphere.
template <class F>
Statement cf_pretrained() {
  return {"cf.R_pre",
          "R_pre(gamma; n) is the exact risk of P(gamma) on theta0 and on the sphere, for all n, gamma, s2, d",
          [](const ProofOptions& o) {
            const std::vector<GridAxis> axes{n_axis(n_degree<F>()), param_axis("gamma", 0, 2), s2_axis(1), d_axis(o)};
            const auto formula = [](const GridPoint& x) {
              const long n = as_long(x[0]);
              return rows_squared(n) * F::risk_pretrained(x[1], n, Setting<Rational>{int(as_long(x[3])), x[2]});
            };
            std::vector<Proof> parts;
            for (bool sphere : {false, true})
              parts.push_back(prove_identity(
                  sphere ? "(n+1)^2 R_pre = engine, sphere" : "(n+1)^2 R_pre = engine, theta0", axes, formula,
                  [sphere](const GridPoint& x) {
                    const long n = as_long(x[0]);
                    const int d = int(as_long(x[3]));
                    const auto task = sphere ? exact::TaskLaw<Rational>::sphere() : axis_task(Task::Target, d);
                    return rows_squared(n) * exact::risk(pretrained_params(d, x[1]), task, n, x[2]);
                  }));
            return all_of("(n+1)^2 R_pre = engine on theta0 and the sphere; " + all_d_text(axes[3]), parts);
          }};
}

// (n+1)^2 R_zs(c; n, +-) = engine at F(c), in the variable u = 1/c (the risk is quadratic in 1/c).
template <class F>
Statement cf_full_ft() {
  return {
      "cf.R_zs", "R_zs(c; n, +-theta0) is the exact risk of F(c), for all n, c != 0, s2, d", [](const ProofOptions& o) {
        const std::vector<GridAxis> axes{n_axis(n_degree<F>()), param_axis("u", 1, 2), s2_axis(1), d_axis(o)};
        std::vector<Proof> parts;
        for (Task task : {Task::Target, Task::Opposite})
          parts.push_back(prove_identity(
              fmt::format("(n+1)^2 R_zs = engine, {}, u = 1/c", task_name(task)), axes,
              [task](const GridPoint& x) {
                const long n = as_long(x[0]);
                return rows_squared(n) *
                       F::risk_full_ft(Rational(1 / x[1]), n, task, Setting<Rational>{int(as_long(x[3])), x[2]});
              },
              [task](const GridPoint& x) {
                const long n = as_long(x[0]);
                const int d = int(as_long(x[3]));
                const auto p = full_ft_params(first_axis<Rational>(d), Rational(1 / x[1]));
                return rows_squared(n) * exact::risk(p, axis_task(task, d), n, x[2]);
              }));
        return all_of("(n+1)^2 R_zs = engine on +-theta0 as a polynomial in n, 1/c, s2; " + all_d_text(axes[3]), parts);
      }};
}

// (n+1)^2 R_v(beta theta0, w; n, +-theta0) = engine at V(beta theta0, w).
template <class F>
Statement cf_value_only() {
  return {"cf.R_v",
          "R_v(b, w; n, +-theta0) with b = beta theta0 is the exact risk of V(b, w), for all n, beta, w, s2, d",
          [](const ProofOptions& o) {
            const std::vector<GridAxis> axes{n_axis(n_degree<F>()), param_axis("beta", 0, 2), param_axis("w", 0, 2),
                                             s2_axis(1), d_axis(o)};
            std::vector<Proof> parts;
            for (Task task : {Task::Target, Task::Opposite})
              parts.push_back(prove_identity(
                  fmt::format("(n+1)^2 R_v = engine, {}", task_name(task)), axes,
                  [task](const GridPoint& x) {
                    const long n = as_long(x[0]);
                    return rows_squared(n) *
                           value_only_aligned<F>(x[1], x[2], n, task, Setting<Rational>{int(as_long(x[4])), x[3]});
                  },
                  [task](const GridPoint& x) {
                    const long n = as_long(x[0]);
                    const int d = int(as_long(x[4]));
                    const auto p = value_only_params(Vec<Rational>(x[1] * first_axis<Rational>(d)), x[2]);
                    return rows_squared(n) * exact::risk(p, axis_task(task, d), n, x[3]);
                  }));
            return all_of("(n+1)^2 R_v = engine on +-theta0 as a polynomial in n, beta, w, s2; " + all_d_text(axes[4]),
                          parts);
          }};
}

}  // namespace icl::prove
