// Statements C1..C5: the claims of THEORY.md section 4 for all n, decided exactly from the closed
// forms (tied to the engine by the cf.* statements) and exact real-root isolation (docs/proofs.md).
#pragma once

#include <fmt/format.h>

#include "prove/knobs.hpp"
#include "prove/proof.hpp"

namespace icl::prove {

// C1: (n+1)^2 (R_pre - (1+s2)) = gamma n (2-gamma) (T(gamma) - (n+1)), T = d gamma (1+s2)/(2-gamma).
template <class F>
Statement c1_threshold() {
  return {"C1.threshold", "for n >= 1 and 0 < gamma < 2: R_pre(gamma; n) < 1 + s2 iff n + 1 > d gamma (1+s2)/(2-gamma)",
          [](const ProofOptions& o) {
            const std::vector<GridAxis> axes{GridAxis{"n", 1, 1, n_degree<F>(), n_degree<F>() + 4},
                                             GridAxis{"gamma", Rational(1, 7), Rational(1, 7), 2, 6}, s2_axis(1),
                                             d_axis(o)};
            const auto setting = [](const GridPoint& x) { return Setting<Rational>{int(as_long(x[3])), x[2]}; };
            const Proof factor = prove_identity(
                "(n+1)^2 (R_pre - 1 - s2) = gamma n (2 - gamma) (T - (n+1))", axes,
                [setting](const GridPoint& x) {
                  const long n = as_long(x[0]);
                  return rows_squared(n) * (F::risk_pretrained(x[1], n, setting(x)) - 1 - x[2]);
                },
                [setting](const GridPoint& x) {
                  return x[1] * x[0] * (2 - x[1]) * (F::icl_threshold(x[1], setting(x)) - x[0] - 1);
                });
            const Rational notebook = F::icl_threshold(Rational(10, 13), Setting<Rational>{5, Rational(1, 10)}) - 1;
            const Proof value = prove_identity(
                "d gamma (1+s2)/(2-gamma) - 1 at gamma=10/13 d=5 s2=1/10 = 39/16", {},
                [notebook](const GridPoint&) { return notebook; }, [](const GridPoint&) { return Rational(39, 16); });
            return all_of(
                fmt::format("factorization proved, so the sign of R_pre - (1+s2) is that of T - (n+1) (gamma n "
                            "(2-gamma) > 0); notebook value T - 1 = {}; {}",
                            show(notebook), all_d_text(axes[3])),
                {factor, value});
          }};
}

// The closed-form gap (n+1)^2 (R_F(1/u; n, task) - R_pre(gamma; n)) as a polynomial in n.
template <class F>
Polynomial<Rational> full_ft_gap(const Rational& u, const Rational& gamma, Task task, const Setting<Rational>& s) {
  return numerator_in_n<F>(
      [&](long n) { return F::risk_full_ft(Rational(1 / u), n, task, s) - F::risk_pretrained(gamma, n, s); });
}

inline std::vector<GridAxis> u_gamma_s2_d(const ProofOptions& o) {
  return {param_axis("u", 1, 2), param_axis("gamma", 0, 2), s2_axis(1), d_axis(o)};
}

// C2 structure: on theta0 the gap polynomial is gamma(2-gamma) n^2 + b1 n - 1; on -theta0 its constant is 3.
template <class F>
Statement c2_structure() {
  return {
      "C2.worse_sets",
      "F(c) is worse than P(gamma) exactly for n >= n0 on theta0, and for every n outside a bounded range on -theta0",
      [](const ProofOptions& o) {
        const auto axes = u_gamma_s2_d(o);
        const auto gap_coeff = [](Task task, int k) {
          return [task, k](const GridPoint& x) {
            return full_ft_gap<F>(x[0], x[1], task, Setting<Rational>{int(as_long(x[3])), x[2]}).coeff(k);
          };
        };
        const auto leading = [](const GridPoint& x) { return x[1] * (2 - x[1]); };
        const auto constant = [](Rational c) { return [c](const GridPoint&) { return c; }; };
        return all_of(
            "(n+1)^2 gap = gamma(2-gamma) n^2 + b1 n - 1 on theta0 (one positive root: the set is {n >= n0}) and "
            "= gamma(2-gamma) n^2 + b1' n + 3 on -theta0 (the set of n where F(c) is not worse is bounded), as "
            "polynomials in u = 1/c, gamma, s2, d; " +
                all_d_text(axes[3]),
            {prove_identity("theta0: n^2 coefficient = gamma(2-gamma)", axes, gap_coeff(Task::Target, 2), leading),
             prove_identity("theta0: constant = -1", axes, gap_coeff(Task::Target, 0), constant(-1)),
             prove_identity("-theta0: n^2 coefficient = gamma(2-gamma)", axes, gap_coeff(Task::Opposite, 2), leading),
             prove_identity("-theta0: constant = 3", axes, gap_coeff(Task::Opposite, 0), constant(3))});
      }};
}

// C2 limit: the n^2 coefficient of (n+1)^2 R_F is 1 + s2 on both tasks.
template <class F>
Statement c2_limit() {
  return {"C2.limit", "R_zs(c; n, +-theta0) -> 1 + s2 as n -> infinity, for every c != 0, s2, d",
          [](const ProofOptions& o) {
            const std::vector<GridAxis> axes{param_axis("u", 1, 2), s2_axis(1), d_axis(o)};
            std::vector<Proof> parts;
            for (Task task : {Task::Target, Task::Opposite})
              parts.push_back(prove_identity(
                  fmt::format("{}: lim R_zs = 1 + s2", task_name(task)), axes,
                  [task](const GridPoint& x) {
                    const Setting<Rational> s{int(as_long(x[2])), x[1]};
                    return numerator_in_n<F>([&](long n) { return F::risk_full_ft(Rational(1 / x[0]), n, task, s); })
                        .coeff(2);
                  },
                  [](const GridPoint& x) { return 1 + x[1]; }));
            return all_of("lim R_zs = 1 + s2 on +-theta0 (n^2 coefficient of (n+1)^2 R_zs); " + all_d_text(axes[2]),
                          parts);
          }};
}

// PROVED if `holds`, else REFUTED; `what` says what was decided, with its numbers.
Proof fact(bool holds, const std::string& what);

// The exact sign sets of one gap polynomial, after checking the closed form against the engine.
Proof gap_sets(const std::string& what, const Polynomial<Rational>& formula, const Polynomial<Rational>& engine);

// (n+1)^2 (R_engine(A) - R_engine(B)) on a task, as a polynomial in n.
template <class F>
Polynomial<Rational> engine_gap(const MergedParams<Rational>& a, const MergedParams<Rational>& b,
                                const exact::TaskLaw<Rational>& task, const Rational& s2) {
  return numerator_in_n<F>([&](long n) { return exact::risk(a, task, n, s2) - exact::risk(b, task, n, s2); });
}

// The paper's setting of C2 and C5: d = 5, s2 = 1/10, gamma from m = 20 under both conventions.
inline Setting<Rational> paper_setting() { return {5, Rational(1, 10)}; }

template <class F>
std::vector<std::pair<std::string, Rational>> paper_gammas_both() {
  return {{"authors m/(m+1+d)", closed_form::gamma_authors<Rational>(20, 5)},
          {"gamma*(20)", F::gamma_star(20, paper_setting())}};
}

// C2 sets: the exact sets for c = 1 at the paper's setting (THEORY.md: n0 = 2 for gamma = 10/13).
template <class F>
Statement c2_sets() {
  return {"C2.sets",
          "at c = 1, d = 5, s2 = 1/10: the exact sets of n where F(c) is worse than P(gamma) on +-theta0 "
          "(THEORY.md: from n0 = 2 on theta0 for gamma = 10/13)",
          [](const ProofOptions&) {
            const auto s = paper_setting();
            std::vector<Proof> parts;
            std::string text;
            for (const auto& [name, gamma] : paper_gammas_both<F>())
              for (Task task : {Task::Target, Task::Opposite}) {
                const Proof p = gap_sets(fmt::format("gamma={} ({}) {}", to_fraction(gamma), name, task_name(task)),
                                         full_ft_gap<F>(Rational(1), gamma, task, s),
                                         engine_gap<F>(full_ft_params(first_axis<Rational>(5), Rational(1)),
                                                       pretrained_params(5, gamma), axis_task(task, 5), s.s2));
                parts.push_back(p);
                if (p.verdict != ProofVerdict::Proved) continue;
                text += fmt::format("; gamma={} {}: worse for n in {}", to_fraction(gamma), task_name(task),
                                    p.certificate["positive"].dump());
                if (task == Task::Target && gamma == Rational(10, 13))
                  parts.push_back(prove_identity(
                      "THEORY.md: n0 = 2 at gamma=10/13", {},
                      [c = p.certificate](const GridPoint&) {
                        return Rational(c["positive"].back()[0].template get<long>());
                      },
                      [](const GridPoint&) { return Rational(2); }));
              }
            return all_of("closed form = engine polynomial, sets from isolated roots" + text, parts);
          }};
}

// C4: the limits of the value-only and pretrained risks and of their gap, times (d+4)^2.
template <class F>
Statement c4_limits() {
  return {
      "C4.limits",
      "as n -> infinity, R_v(V(theta0/(d+4), gamma); +-theta0) -> (1 - gamma -+ 1/(d+4))^2 + s2, R_pre -> (1-gamma)^2 "
      "+ s2, gap -> -+2(1-gamma)/(d+4) + 1/(d+4)^2 (-41/1053 and 67/1053 at d=5, gamma=10/13, s2=1/10)",
      [](const ProofOptions& o) {
        const std::vector<GridAxis> axes{param_axis("gamma", 0, 2), s2_axis(1), d_axis(o)};
        const auto setting = [](const GridPoint& x) { return Setting<Rational>{int(as_long(x[2])), x[1]}; };
        const auto lim_v = [](Task task, const Rational& gamma, const Setting<Rational>& s) {
          const Rational beta = F::template beta_zero_shot<Rational>(s.d);
          return numerator_in_n<F>([&](long n) { return value_only_aligned<F>(beta, gamma, n, task, s); }).coeff(2);
        };
        const auto lim_pre = [](const Rational& gamma, const Setting<Rational>& s) {
          return numerator_in_n<F>([&](long n) { return F::risk_pretrained(gamma, n, s); }).coeff(2);
        };
        const auto K = [](Task task, const Rational& gamma, int d) {
          return Rational(-2 * task_sign(task)) * (1 - gamma) / (d + 4) + Rational(1, (d + 4) * (d + 4));
        };
        const auto scale = [](const GridPoint& x) { return (x[2] + 4) * (x[2] + 4); };
        std::vector<Proof> parts{prove_identity(
            "lim R_pre = (1-gamma)^2 + s2", axes, [=](const GridPoint& x) { return lim_pre(x[0], setting(x)); },
            [](const GridPoint& x) { return (1 - x[0]) * (1 - x[0]) + x[1]; })};
        for (Task task : {Task::Target, Task::Opposite}) {
          parts.push_back(prove_identity(
              fmt::format("{}: (d+4)^2 lim R_v = (d+4)^2 value_only_limit", task_name(task)), axes,
              [=](const GridPoint& x) { return scale(x) * lim_v(task, x[0], setting(x)); },
              [=](const GridPoint& x) { return scale(x) * F::value_only_limit(x[0], task, setting(x)); }));
          parts.push_back(prove_identity(
              fmt::format("{}: (d+4)^2 (lim R_v - lim R_pre) = (d+4)^2 K", task_name(task)), axes,
              [=](const GridPoint& x) {
                return scale(x) * (lim_v(task, x[0], setting(x)) - lim_pre(x[0], setting(x)));
              },
              [=](const GridPoint& x) { return scale(x) * K(task, x[0], int(as_long(x[2]))); }));
        }
        const auto s = paper_setting();
        const Rational g(10, 13);
        const Rational k_plus = lim_v(Task::Target, g, s) - lim_pre(g, s);
        const Rational k_minus = lim_v(Task::Opposite, g, s) - lim_pre(g, s);
        parts.push_back(prove_identity(
            "K on theta0 at d=5 gamma=10/13 s2=1/10 = -41/1053", {}, [=](const GridPoint&) { return k_plus; },
            [](const GridPoint&) { return Rational(-41, 1053); }));
        parts.push_back(prove_identity(
            "K on -theta0 at d=5 gamma=10/13 s2=1/10 = 67/1053", {}, [=](const GridPoint&) { return k_minus; },
            [](const GridPoint&) { return Rational(67, 1053); }));
        return all_of(fmt::format("limits proved as polynomials in gamma, s2 (times (d+4)^2); {}; at d=5 "
                                  "gamma=10/13 s2=1/10: K = {} on theta0, {} on -theta0",
                                  all_d_text(axes[2]), show(k_plus), show(k_minus)),
                      parts);
      }};
}

// C4: the zero-shot risk of V(theta0/(d+4), w) is 2/(d+4) + s2 for every w (times d+4).
template <class F>
Statement c4_zero_shot() {
  return {"C4.zero_shot", "R_v(theta0/(d+4), w; 0, theta0) = 2/(d+4) + s2 for every w, s2, d",
          [](const ProofOptions& o) {
            const std::vector<GridAxis> axes{param_axis("w", 0, 2), s2_axis(1), d_axis(o)};
            return prove_identity(
                "(d+4) R_v(0) = 2 + (d+4) s2", axes,
                [](const GridPoint& x) {
                  const int d = int(as_long(x[2]));
                  return (x[2] + 4) * value_only_aligned<F>(F::template beta_zero_shot<Rational>(d), x[0], 0,
                                                            Task::Target, Setting<Rational>{d, x[1]});
                },
                [](const GridPoint& x) { return 2 + (x[2] + 4) * x[1]; });
          }};
}

// C5: n1 and n2 exactly at d = 5, s2 = 1/10, n_ft = 20, gamma from m = 20 under both conventions.
template <class F>
Statement c5_ranges() {
  return {
      "C5.ranges",
      "at d=5, s2=1/10, n_ft=20: V(theta0/9, w*(20)) has lower risk than V(theta0/9, gamma) on theta0 exactly for "
      "1 <= n <= n1 and higher on -theta0 exactly for n >= n2 (repo: n1=28, n2=6 at gamma=10/13; n1=31, n2=6 at "
      "gamma*(20)=42/53)",
      [](const ProofOptions&) {
        const auto s = paper_setting();
        const Rational beta = F::template beta_zero_shot<Rational>(s.d);
        const Rational w = F::w_star(20, s);
        const Vec<Rational> b = beta * first_axis<Rational>(s.d);
        const std::vector<std::pair<long, long>> repo{{28, 6}, {31, 6}};
        std::vector<Proof> parts;
        std::string text;
        const auto gammas = paper_gammas_both<F>();
        for (std::size_t i = 0; i < gammas.size(); ++i) {
          const Rational gamma = gammas[i].second;
          std::vector<Proof> sets;
          for (Task task : {Task::Target, Task::Opposite})
            sets.push_back(gap_sets(
                fmt::format("gamma={} {}", to_fraction(gamma), task_name(task)), numerator_in_n<F>([&](long n) {
                  return value_only_aligned<F>(beta, w, n, task, s) - value_only_aligned<F>(beta, gamma, n, task, s);
                }),
                engine_gap<F>(value_only_params(b, w), value_only_params(b, gamma), axis_task(task, s.d), s.s2)));
          parts.insert(parts.end(), sets.begin(), sets.end());
          if (sets[0].verdict != ProofVerdict::Proved || sets[1].verdict != ProofVerdict::Proved) continue;
          const auto lower = sets[0].certificate["negative"], higher = sets[1].certificate["positive"];
          const bool shape = lower.size() == 1 && lower[0][0] == 1 && !lower[0][1].is_null() && higher.size() == 1 &&
                             higher[0][1].is_null();
          text += fmt::format("; gamma={}: lower on theta0 for n in {}, higher on -theta0 for n in {}",
                              to_fraction(gamma), lower.dump(), higher.dump());
          parts.push_back(fact(shape, fmt::format("gamma={}: lower set {} is [1, n1] and higher set {} is [n2, inf)",
                                                  to_fraction(gamma), lower.dump(), higher.dump())));
          if (!shape) continue;
          const auto [n1, n2] = repo[i];
          parts.push_back(
              fact(lower[0][1].get<long>() == n1 && higher[0][0].get<long>() == n2,
                   fmt::format("gamma={} ({}): n1 = {}, n2 = {}; the repo's C5.ranges found n1 = {}, n2 = {}",
                               to_fraction(gamma), gammas[i].first, lower[0][1].get<long>(), higher[0][0].get<long>(),
                               n1, n2)));
        }
        return all_of(fmt::format("w*(20) = {}{}", to_fraction(w), text), parts);
      }};
}

// C3: <Q, grad_Q L> + sign <v, grad_v L> = 0 identically (sign = -1), by Schwartz-Zippel at random
// integer points, for the zero-shot, few-shot and pretraining losses at d = 1..4.
Proof conservation_law(int sign);

template <class F>
Statement c3_conservation() {
  return {"C3.conservation",
          "<Q, grad_Q L> - <v, grad_v L> = 0 identically in all parameters (and theta0, s2) for L = R(0, theta0), "
          "R(20, theta0), R(20, sphere), d = 1..4",
          [](const ProofOptions&) { return conservation_law(balance_sign<F>()); }};
}

}  // namespace icl::prove
