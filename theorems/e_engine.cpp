// Claim E: the exact engine (docs/exact_risk.md). It is checked like a claim: against every closed
// form exactly, against Monte Carlo on random parameters, against finite differences at 50 digits,
// and by exact stationarity where the theory says the gradient vanishes. Its checks are templates on
// the formula policy F and take the engine's Gaussian moments M as a runtime value (exact::Moments);
// its mutants are wrong moments, run through the one compiled engine.
#include <fmt/ranges.h>

#include "prove/proof.hpp"
#include "sim/random_params.hpp"
#include "theorems/exact_cases.hpp"
#include "theorems/theorems.hpp"

namespace icl::theorems {
namespace {

// The few-shot, zero-shot and pretraining losses mixed: every kind of term at once.
template <class T>
exact::Objective<T> mixed_loss(const Vec<T>& theta, const T& s2) {
  return exact::Objective<T>{s2,
                             {{T(1), 0, exact::TaskLaw<T>::fixed(theta)},
                              {T(1) / T(2), 7, exact::TaskLaw<T>::fixed(theta)},
                              {T(1), 5, exact::TaskLaw<T>::sphere()}}};
}

// The stencil of the Hessian-vector products checked here: the exact one, unless the moments M (a
// mutant) name another for the separate parameterization.
exact::Stencil stencil_for(const exact::Moments& M, Parameterization kind) {
  if (kind == Parameterization::Separate && M.separate_stencil) return *M.separate_stencil;
  return exact::exact_stencil(kind);
}

// ---- checks -----------------------------------------------------------------------------------

template <class F>
Outcome closed_forms(const CheckContext&, const exact::Moments& M) {
  std::vector<IdentityCase> cases;
  for (int d : {1, 2, 5})
    for (const auto& s2 : noise_levels()) {
      const auto s = setting_in<Rational>(d, s2);
      std::vector<FamilySpec> specs{{FamilyKind::Pretrained, Rational(10, 13), 0},
                                    {FamilyKind::Pretrained, Rational(3, 2), 0},
                                    {FamilyKind::FullFt, Rational(1, 2), 0},
                                    {FamilyKind::FullFt, Rational(-3), 0},
                                    {FamilyKind::ValueOnly, Rational(2, 3), Rational(1, d + 4)}};
      if (d >= 2) specs.push_back({FamilyKind::ValueOnly, Rational(-1, 2), Rational(1, 3), Rational(1, 5)});
      for (const auto& pl : exact_placements(d))
        for (const auto& spec : specs) {
          const MergedParams<Rational> P = family_params<Rational>(spec, pl);
          for (Task task : {Task::Target, Task::Opposite})
            for (long n : {0L, 1L, 2L, 5L, 20L})
              cases.push_back({fmt::format("{} {}={} {} {} n={} theta0_1={}", family_name(spec.kind),
                                           spec.kind == FamilyKind::FullFt ? "c" : "p", to_fraction(spec.param),
                                           label(d, s2), task_name(task), n, to_fraction(pl.theta0(0))),
                               exact::risk(P, on_task(pl.theta0, task), n, s.s2, M),
                               family_risk<F, Rational>(spec, n, task, s)});
          if (spec.kind == FamilyKind::Pretrained)
            for (long n : {0L, 3L, 20L})
              cases.push_back({fmt::format("pretrained sphere {} n={}", label(d, s2), n),
                               exact::risk(P, exact::TaskLaw<Rational>::sphere(), n, s.s2, M),
                               F::risk_pretrained(from_rational<Rational>(spec.param), n, s)});
        }
    }
  return all_equal(cases, "engine vs closed form");
}

template <class F>
Outcome monte_carlo(const CheckContext& ctx, const exact::Moments& M) {
  std::vector<McCase> cases;
  const double s2 = from_rational<double>(mc_noise());
  for (std::uint64_t i = 0; i < 56; ++i) {
    sim::Engine rng = sim::block_engine(case_seed(ctx, 7000 + i), 0);
    const int d = 1 + static_cast<int>(rng(8));
    const long n = static_cast<long>(rng(31));
    const auto kind = i % 2 == 0 ? Parameterization::Merged : Parameterization::Separate;
    const bool sphere = (i / 2) % 2 == 1;
    const Point<Rational> point = sim::random_point(rng, kind, d, 4, kind == Parameterization::Merged ? 8 : 6);
    const Vec<Rational> theta = sim::random_vector(rng, d, 4, 4);
    const MergedParams<double> P = point.cast<double>().as_merged();
    const auto spec = sphere ? sim::TaskSpec::sphere() : sim::TaskSpec::fixed(theta.cast<double>());
    const sim::McOptions opt{std::max<long long>(ctx.mc_samples / 2, 1000), case_seed(ctx, 8000 + i), ctx.threads};
    const TrustedValue exact = trusted_value([&]<class T>(std::type_identity<T>) {
      const auto law_t = sphere ? exact::TaskLaw<T>::sphere() : exact::TaskLaw<T>::fixed(theta.cast<T>());
      return exact::risk(point.cast<T>().as_merged(), law_t, n, from_rational<T>(mc_noise()), M);
    });
    cases.push_back(
        {fmt::format("set {} ({} d={} n={} {})", i, parameterization_name(kind), d, n, sphere ? "sphere" : "fixed"),
         exact.value, sim::mc_risk(P, spec, n, s2, opt), exact.double_vs_50});
  }
  return all_within_z(cases, ctx);
}

template <class F>
Outcome gradient_fd(const CheckContext& ctx, const exact::Moments& M) {
  const Float50 h("1e-15");
  Float50 worst = 0;
  std::string where;
  int compared = 0;
  for (std::uint64_t i = 0; i < 4; ++i) {
    sim::Engine rng = sim::block_engine(case_seed(ctx, 9000 + i), 0);
    const int d = i < 2 ? 2 : 3;
    const auto kind = i % 2 == 0 ? Parameterization::Merged : Parameterization::Separate;
    const Point<Float50> point = sim::random_point(rng, kind, d, 4, 8).cast<Float50>();
    const auto obj = mixed_loss<Float50>(sim::random_vector(rng, d, 4, 4).cast<Float50>(), Float50(1) / 10);
    const auto coords = exact::coordinates(kind, d + 2, exact::Update::All);
    const Vec<Float50> x = exact::gather(point, coords);
    const auto shifted = [&](const Vec<Float50>& dx) {
      Point<Float50> p = point;
      exact::scatter(p, coords, Vec<Float50>(x + dx));
      return p;
    };
    const Vec<Float50> g = exact::value_and_gradient(obj, point, coords, M).gradient;
    const Float50 scale = std::max(Float50(1), Float50(g.cwiseAbs().maxCoeff()));
    for (Eigen::Index j = 0; j < x.size(); ++j) {
      const Vec<Float50> e = h * Vec<Float50>::Unit(x.size(), j);
      const Float50 fd =
          (exact::objective_value(obj, shifted(e), M) - exact::objective_value(obj, shifted(-e), M)) / (2 * h);
      const Float50 err = abs_of(Float50(fd - g(j))) / scale;
      if (err > worst) worst = err, where = fmt::format("point {} gradient coordinate {}", i, j);
      ++compared;
    }
    const Vec<Float50> u = sim::random_vector(rng, static_cast<int>(x.size()), 4, 8).cast<Float50>();
    const Vec<Float50> Hu = exact::hessian_vector(obj, point, coords, u, stencil_for(M, point.kind), M);
    const Vec<Float50> fd = (exact::value_and_gradient(obj, shifted(h * u), coords, M).gradient -
                             exact::value_and_gradient(obj, shifted(-h * u), coords, M).gradient) /
                            (2 * h);
    const Float50 hscale = std::max(Float50(1), Float50(Hu.cwiseAbs().maxCoeff()));
    const Float50 err = Float50((fd - Hu).cwiseAbs().maxCoeff()) / hscale;
    if (err > worst) worst = err, where = fmt::format("point {} Hessian-vector product", i);
    ++compared;
  }
  return Outcome{worst <= Float50("1e-20") ? Verdict::Pass : Verdict::Fail,
                 fmt::format("{} derivatives, worst relative deviation {} ({})", compared,
                             sci(worst.convert_to<double>()), where)};
}

template <class F>
Outcome stationary_pretrained(const CheckContext&, const exact::Moments& M) {
  const std::vector<int> dims{1, 2, 5};
  const std::vector<long> shots{1, 5, 20};
  int cases = 0;
  for (int d : dims)
    for (const Rational& s2 : {Rational(0), Rational(1, 10)})
      for (long m : shots) {
        ++cases;
        const auto s = setting_in<Rational>(d, s2);
        const auto point = Point<Rational>::merged(pretrained_params(d, F::gamma_star(m, s)));
        const exact::Objective<Rational> obj{s2, {{Rational(1), m, exact::TaskLaw<Rational>::sphere()}}};
        const auto g =
            exact::value_and_gradient(obj, point, exact::coordinates(point.kind, d + 2, exact::Update::All), M);
        if (!g.gradient.isZero(0))
          return Outcome{Verdict::Fail, fmt::format("{} m={}: |gradient|^2 = {}", label(d, s2), m,
                                                    show(Rational(g.gradient.squaredNorm())))};
      }
  return Outcome{Verdict::Pass, fmt::format("gradient exactly 0 over all of (V, Q) in {} cases (d in {}; m in {})",
                                            cases, fmt::join(dims, ","), fmt::join(shots, ","))};
}

template <class F>
Outcome stationary_value_only(const CheckContext&, const exact::Moments& M) {
  int cases = 0;
  for (int d : {1, 2, 5})
    for (const auto& s2 : noise_levels())
      for (const auto& pl : exact_placements(d))
        for (const Rational& w : {Rational(10, 13), Rational(-1, 2)}) {
          const Vec<Rational> b = F::template beta_zero_shot<Rational>(d) * pl.theta0;
          const auto point = Point<Rational>::merged(value_only_params(b, w));
          const exact::Objective<Rational> zs{s2, {{Rational(1), 0, on_task(pl.theta0, Task::Target)}}};
          const auto g =
              exact::value_and_gradient(zs, point, exact::coordinates(point.kind, d + 2, exact::Update::Value), M);
          if (!g.gradient.isZero(0))
            return Outcome{Verdict::Fail, fmt::format("{} w={}: |dR/dV|^2 = {}", label(d, s2), to_fraction(w),
                                                      show(Rational(g.gradient.squaredNorm())))};
          ++cases;
        }
  return Outcome{Verdict::Pass, fmt::format("dR_zs/dV exactly 0 in {} cases", cases)};
}

template <class F>
Outcome annealed_value_optimum(const CheckContext&, const exact::Moments& M) {
  int cases = 0;
  for (int d : {1, 2, 5})
    for (const Rational& s2 : {Rational(0), Rational(1, 10)})
      for (long n_ft : {5L, 20L})
        for (const auto& pl : exact_placements(d)) {
          const auto s = setting_in<Rational>(d, s2);
          const auto target = on_task(pl.theta0, Task::Target);
          const auto start =
              Point<Rational>::merged(value_only_params(Vec<Rational>(Vec<Rational>::Zero(d)), Rational(10, 13)));
          const std::vector<exact::Objective<Rational>> stages{{s2, {{Rational(1), 0, target}}},
                                                               {s2, {{Rational(1), n_ft, target}}}};
          const auto opt = exact::masked_optimum(
              stages, start, exact::coordinates(start.kind, d + 2, exact::Update::Value), exact::Update::Value, M);
          const Layout L{d};
          Vec<Rational> want = Vec<Rational>::Zero(L.D());
          want.segment(L.x(0), d) = F::template beta_zero_shot<Rational>(d) * pl.theta0;
          want(L.y()) = F::w_star(n_ft, s);
          const Vec<Rational> got = opt.point.V().row(L.y()).transpose();
          if (got != want)
            return Outcome{Verdict::Fail,
                           fmt::format("{} n_ft={}: value row ends at w = {}, b_1 = {}; want w*(n_ft) = {}",
                                       label(d, s2), n_ft, show(got(L.y())), show(got(L.x(0))), show(want(L.y())))};
          ++cases;
        }
  return Outcome{Verdict::Pass, fmt::format("exact match in {} cases", cases)};
}

template <class F>
Outcome authors_gradient(const CheckContext&, const exact::Moments& M) {
  const int d = 5;
  const long m = 20;
  const Rational s2(1, 10);
  const Rational gamma = Rational(m) / (m + 1 + d);
  const auto point = Point<Rational>::merged(pretrained_params(d, gamma));
  const exact::Objective<Rational> obj{s2, {{Rational(1), m, exact::TaskLaw<Rational>::sphere()}}};
  const auto coords = exact::coordinates(point.kind, d + 2, exact::Update::All);
  const auto g = exact::value_and_gradient(obj, point, coords, M);
  const Layout L{d};
  const int q_block = 1;                                                                       // merged (V, Q)
  const Rational dq = g.gradient(exact::coordinate_index(coords, {q_block, L.x(0), L.x(0)}));  // dR/dQ[x1, x1]
  // The evidence says the gradient vanishes at gamma*(m): computed, not assumed.
  const Rational gs = F::gamma_star(m, setting_in<Rational>(d, s2));
  const auto at_star = exact::value_and_gradient(obj, Point<Rational>::merged(pretrained_params(d, gs)), coords, M);
  if (at_star.gradient.squaredNorm() != 0)
    return Outcome{Verdict::Fail, fmt::format("the gradient at gamma*({}) = {} is not 0: |gradient|^2 = {}", m,
                                              to_fraction(gs), show(Rational(at_star.gradient.squaredNorm())))};
  return Outcome{Verdict::Note,
                 fmt::format("at gamma = {}: dR/dQ[x_i, x_i] = {} for each i, so dR/dgamma = {}, |gradient|^2 = "
                             "{}; the gradient is exactly 0 at gamma*(20) = {}",
                             to_fraction(gamma), show(dq), show(Rational(d * dq)),
                             show(Rational(g.gradient.squaredNorm())), to_fraction(gs))};
}

template <class F>
Outcome precision(const CheckContext& ctx, const exact::Moments& M) {
  PrecisionAgreement acc;
  for (std::uint64_t i = 0; i < 8; ++i) {
    sim::Engine rng = sim::block_engine(case_seed(ctx, 9500 + i), 0);
    const int d = 1 + static_cast<int>(i % 4);
    const Point<Rational> point = sim::random_point(rng, Parameterization::Merged, d, 4, 8);
    const Vec<Rational> theta = sim::random_vector(rng, d, 4, 4);
    for (long n : {0L, 5L, 40L})
      for (bool sphere : {false, true})
        accumulate_precision(acc, [&]<class T>(std::type_identity<T>) {
          const auto law = sphere ? exact::TaskLaw<T>::sphere() : exact::TaskLaw<T>::fixed(theta.cast<T>());
          return exact::risk(point.cast<T>().as_merged(), law, n, T(1) / T(10), M);
        });
  }
  return precision_outcome(acc);
}

// Which of claim E's checks run. The engine itself: all. A mutant: the checks that can see its kind of
// error (the self-test stays fast). A wrong Gaussian moment changes the risk the same way in every precision and in its
// own derivatives, so the checks that compare the engine with itself (automatic against finite-difference derivatives;
// double against 50 digits against exact) cannot see it: it runs the checks against closed forms, Monte Carlo and the
// stationarity the theory predicts. A wrong stencil changes the Hessian-vector product only (the derivative check sees
// it); a cancelling expression changes rounding only (the precision check sees it). `selftest --coverage` shows every
// check still guarded.
enum class EngineChecks { All, Risk, Stencil, Rounding };

template <class F = PaperFormulas>
Claim claim_engine(const exact::Moments& M = exact::Moments::isserlis(), EngineChecks C = EngineChecks::All) {
  Claim claim{"E",
              "The exact engine: population risk, gradient and optima of any parameters",
              "For any merged (V, Q) or separate (V, Qsep, K), any task theta or the sphere, n >= 0 and s2 >= 0, the "
              "engine's risk is E[(y_q - yhat)^2] exactly (conditional Gaussian moments, no sampling); its gradient "
              "and Hessian-vector products are exact; the masked optima are exact linear solves.",
              {"x ~ N(0, I_d), eps ~ N(0, s2), query-included convention"},
              {}};
  const bool risk = C == EngineChecks::All || C == EngineChecks::Risk;
  const bool stencil = C == EngineChecks::All || C == EngineChecks::Stencil;
  const bool rounding = C == EngineChecks::All || C == EngineChecks::Rounding;
  // A check of claim E with the moments M bound.
  const auto with = [M](Outcome (*check)(const CheckContext&, const exact::Moments&)) {
    return [M, check](const CheckContext& ctx) { return check(ctx, M); };
  };
  if (risk) {
    claim.checks.push_back(
        {"E.closed_forms",
         "engine = every closed form exactly (P(gamma), F(c), V(b, w) on +-theta0; P(gamma) on sphere)",
         with(closed_forms<F>)});
    claim.checks.push_back(
        {"E.monte_carlo",
         "engine agrees with Monte Carlo (|z| <= 4) on 56 random parameter sets: d in 1..8, n in 0..30, merged and "
         "separate, fixed and sphere tasks",
         with(monte_carlo<F>)});
  }
  if (stencil)
    claim.checks.push_back({"E.gradient_fd",
                            "AD gradient and Hessian-vector product = central differences at 50 digits (rel 1e-20)",
                            with(gradient_fd<F>)});
  if (risk) {
    claim.checks.push_back({"E.stationary_pretrained",
                            "gradient of the m-shot pretraining risk vanishes exactly at P(gamma*(m))",
                            with(stationary_pretrained<F>)});
    claim.checks.push_back({"E.stationary_value_only",
                            "value-only zero-shot gradient vanishes exactly at b = theta0/(d+4), any w",
                            with(stationary_value_only<F>)});
    claim.checks.push_back(
        {"E.annealed_value_optimum",
         "exact value-only optimum of zs + W fs as W -> 0+ is (b, w) = (theta0/(d+4), w*(n_ft)) (claim C5)",
         with(annealed_value_optimum<F>)});
    claim.checks.push_back({"E.authors_gradient",
                            "the pretraining gradient at the authors' gamma = m/(m+1+d) (d=5, m=20, s2=1/10)",
                            with(authors_gradient<F>)});
  }
  if (rounding)
    claim.checks.push_back(
        {"E.precision", "engine in double vs 50 digits vs exact on random rational parameters", with(precision<F>)});
  return claim;
}

// ---- mutants: the engine's Gaussian moments (run through claim E with PaperFormulas) ------------

// A wrong moment and the checks that can see it.
struct EngineMutant {
  exact::Moments moments;
  EngineChecks seen_by;
};

std::vector<EngineMutant> engine_mutants() {
  using exact::Moments;
  return {
      {Moments{.name = "E[(w.x)^2 (x^T A x)^2] with 6 |Aw|^2 for 8 |Aw|^2", .sextic_square = 6}, EngineChecks::Risk},
      {Moments{.name = "E[(x^T A x)^2] = (tr A)^2 + tr A^2 (Isserlis pairing count 1 for 2)", .quad_pairings = 1},
       EngineChecks::Risk},
      {Moments{.name = "E[X^2 Y^2] = Var X Var Y (independence assumed)", .product_pairings = 0}, EngineChecks::Risk},
      {Moments{.name = "Hessian-vector product with the 5-point stencil for the separate parameterization",
               .separate_stencil = exact::Stencil::FivePoint},
       EngineChecks::Stencil},
      // The same polynomial, (tr A + K)^2 - K (2 tr A + K) + 2 tr A^2 with K = 10^8/3: exact in
      // rationals, a cancellation of K^2 ~ 10^15 in floating point (K = 10^8/3 is not dyadic: the engine's random
      // test points have small dyadic entries, which a float intermediate would not round).
      {Moments{.name = "E[(x^T A x)^2] expanded around 10^8/3 (cancels in floating point)",
               .shift_numerator = 100000000,
               .shift_denominator = 3},
       EngineChecks::Rounding},
  };
}

std::vector<MutantCase> claim_mutants() {
  std::vector<MutantCase> cases;
  for (const auto& m : engine_mutants())
    cases.push_back({m.moments.name, "E", [m] { return claim_engine<PaperFormulas>(m.moments, m.seen_by); }});
  return cases;
}

}  // namespace

ClaimFile e_engine() {
  return {[] { return claim_engine<PaperFormulas>(); }, claim_mutants, [] { return std::vector<prove::Statement>{}; }};
}

}  // namespace icl::theorems
