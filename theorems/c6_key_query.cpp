// Claim C6: key-query-only fine-tuning. THEORY.md section 4,
// docs/derivations.md#8-key-query-only-fine-tuning. Derived with the exact engine: from P(gamma)
// the zero-shot loss does not see Q; the few-shot optimum over Q memorizes theta0 in the
// x-to-label block and erases the ICL block; with a small value x-part eps the zero-shot optimum
// over Q is F(eps), whose few-shot risk grows like 1/eps^2. Its checks (templates on the formula
// policy F), the mutants they must kill, and its statement for every n (claim P).
#include "poly/poly.hpp"
#include "prove/statements.hpp"
#include "prove/stationarity.hpp"
#include "theorems/exact_cases.hpp"
#include "theorems/theorems.hpp"

namespace icl::theorems {
namespace {

// The exact Q-only optimum of `stages` from `start`.
inline exact::MaskedOptimum<Rational> kq_optimum(const std::vector<exact::Objective<Rational>>& stages,
                                                 const MergedParams<Rational>& start) {
  const auto point = Point<Rational>::merged(start);
  return exact::masked_optimum(stages, point, exact::coordinates(point.kind, point.D(), exact::Update::KeyQuery),
                               exact::Update::KeyQuery);
}

inline std::vector<exact::Objective<Rational>> annealed_stages(const Vec<Rational>& theta0, long n_ft,
                                                               const Rational& s2) {
  const auto target = exact::TaskLaw<Rational>::fixed(theta0);
  return {{s2, {{Rational(1), 0, target}}}, {s2, {{Rational(1), n_ft, target}}}};
}

// The pretrained point P(gamma) the claim starts from (v = e_y, Q = gamma on the x block). A
// formula policy may hand a wrong one (member c6_pretrained: the mutant PretrainedValueReadsBias below).
template <class F>
MergedParams<Rational> c6_pretrained(int d, const Rational& gamma) {
  if constexpr (requires { F::c6_pretrained(d, gamma); })
    return F::c6_pretrained(d, gamma);
  else
    return pretrained_params(d, gamma);
}

// (n+1)^2 (R_kq(c*; n) - R_pre(gamma; n)) on +-theta0.
template <class F>
Polynomial<Rational> kq_gap(const Rational& gamma, long n_ft, Task task, const Setting<Rational>& s) {
  const Rational c = F::kq_memory_star(n_ft, s);
  return curve_numerator([&](long n) { return F::risk_kq_memory(c, n, task, s) - F::risk_pretrained(gamma, n, s); });
}

// ---- checks -----------------------------------------------------------------------------------

template <class F>
Outcome zero_shot_inert(const CheckContext&) {
  int cases = 0;
  for (int d : {1, 2, 5})
    for (const Rational& s2 : {Rational(0), Rational(1, 10)})
      for (const auto& g : paper_gammas()) {
        const auto start = c6_pretrained<F>(d, g);
        const auto opt = kq_optimum({annealed_stages(first_axis<Rational>(d), 0, s2).front()}, start);
        const int D = d + 2;
        if (opt.free.cols() != D * D || opt.point.blocks[1] != start.Q)
          return Outcome{Verdict::Fail, fmt::format("{} gamma={}: zero-shot Q-only optimum moved Q or has {} "
                                                    "free directions (want {})",
                                                    label(d, s2), to_fraction(g), opt.free.cols(), D * D)};
        ++cases;
      }
  return Outcome{Verdict::Pass, fmt::format("all D^2 directions of Q are flat, Q unchanged, in {} cases", cases)};
}

template <class F>
Outcome memorizing_optimum(const CheckContext&) {
  int cases = 0;
  for (int d : {1, 2, 5})
    for (const Rational& s2 : {Rational(1, 10), Rational(1)})
      for (long n_ft : {1L, 5L, 20L})
        for (const auto& pl : exact_placements(d)) {
          const auto s = setting_in<Rational>(d, s2);
          const auto opt = kq_optimum(annealed_stages(pl.theta0, n_ft, s2), c6_pretrained<F>(d, Rational(10, 13)));
          const Mat<Rational> want = kq_memory_params(pl.theta0, F::kq_memory_star(n_ft, s)).Q;
          const Layout L{d};
          if (opt.point.blocks[1] != want || opt.free.cols() != L.D())
            return Outcome{
                Verdict::Fail,
                fmt::format("{} n_ft={} theta0_1={}: Q[x1, y] = {} (want c* = {}), |Q[x,x]|^2 = {}, "
                            "{} free directions",
                            label(d, s2), n_ft, to_fraction(pl.theta0(0)),
                            show(Rational(opt.point.blocks[1](L.x(0), L.y()))), show(F::kq_memory_star(n_ft, s)),
                            show(Rational(opt.point.blocks[1].block(L.x(0), L.x(0), d, d).squaredNorm())),
                            opt.free.cols())};
          ++cases;
        }
  return Outcome{Verdict::Pass, fmt::format("exact match in {} cases; d=5 s2=1/10 n_ft=20: c* = {}", cases,
                                            show(F::kq_memory_star(20, sanity_setting())))};
}

template <class F>
Outcome risk_curve(const CheckContext&) {
  std::vector<IdentityCase> cases;
  for (int d : {1, 5})
    for (const Rational& s2 : {Rational(1, 10), Rational(1)})
      for (long n_ft : {5L, 20L}) {
        const auto s = setting_in<Rational>(d, s2);
        const Vec<Rational> theta0 = exact_placements(d).back().theta0;
        const auto opt = kq_optimum(annealed_stages(theta0, n_ft, s2), c6_pretrained<F>(d, Rational(10, 13)));
        for (Task task : {Task::Target, Task::Opposite})
          for (long n = 0; n <= 40; ++n)
            cases.push_back({fmt::format("{} n_ft={} {} n={}", label(d, s2), n_ft, task_name(task), n),
                             exact::risk(opt.point.as_merged(), on_task(theta0, task), n, s2),
                             F::risk_kq_memory(F::kq_memory_star(n_ft, s), n, task, s)});
      }
  return all_equal(cases, "engine vs R_kq");
}

template <class F>
Outcome noiseless(const CheckContext&) {
  const int d = 5;
  const Rational s2(0);
  const Vec<Rational> theta0 = first_axis<Rational>(d);
  const auto opt = kq_optimum(annealed_stages(theta0, 20, s2), c6_pretrained<F>(d, Rational(10, 13)));
  const Mat<Rational>& Q = opt.point.blocks[1];
  const Layout L{d};
  const auto at = [&](Task task) { return show(exact::risk(opt.point.as_merged(), on_task(theta0, task), 20, s2)); };
  return Outcome{Verdict::Note,
                 fmt::format("d=5 s2=0 n_ft=20: {} free directions ({} beyond the D = {} of the last row, "
                             "among them the line Q[x,x] theta0 theta0^T ~ Q[x,y] theta0); nearest the start: "
                             "Q[x1,x1] = {}, Q[x1,y] = {}, other Q[x,x] entries 0; R(20, theta0) = {}, "
                             "R(20, -theta0) = {}",
                             opt.free.cols(), opt.free.cols() - L.D(), L.D(), show(Rational(Q(L.x(0), L.x(0)))),
                             show(Rational(Q(L.x(0), L.y()))), at(Task::Target), at(Task::Opposite))};
}

template <class F>
Outcome c6_monte_carlo(const CheckContext& ctx) {
  const int d = 5;
  const Rational s2 = mc_noise();
  const auto s = setting_in<Rational>(d, s2);
  const Rational c = F::kq_memory_star(20, s);
  const auto P = kq_memory_params(exact_placements(d).back().theta0, c);
  const MergedParams<double> Pd{P.V.cast<double>(), P.Q.cast<double>()};
  const Eigen::VectorXd theta0 = exact_placements(d).back().theta0.cast<double>();
  std::vector<McCase> cases;
  for (Task task : {Task::Target, Task::Opposite})
    for (long n : kMcShots) {
      const sim::McOptions opt{ctx.mc_samples, case_seed(ctx, 6000 + cases.size()), ctx.threads};
      const TrustedValue exact = trusted_value([&]<class T>(std::type_identity<T>) {
        return F::risk_kq_memory(from_rational<T>(c), n, task, setting_in<T>(d, s2));
      });
      cases.push_back({fmt::format("{} n={}", task_name(task), n), exact.value,
                       sim::mc_risk(Pd, sim::TaskSpec::fixed(task_sign(task) * theta0), n, to_double(s2), opt),
                       exact.double_vs_50});
    }
  return all_within_z(cases, ctx);
}

template <class F>
Outcome helps_and_hurts(const CheckContext&) {
  std::string ev;
  int cases = 0;
  for (int d : {2, 5, 20})
    for (const auto& g : paper_gammas()) {
      ++cases;
      const auto s = setting_in<Rational>(d, Rational(1, 10));
      const auto plus = integer_sign_runs(kq_gap<F>(g, 20, Task::Target, s));
      const auto minus = integer_sign_runs(kq_gap<F>(g, 20, Task::Opposite, s));
      const auto better_from = sign_holds_from(plus, -1);
      const auto worse_from = sign_holds_from(minus, 1);
      const std::string where = fmt::format("d={} gamma={}", d, to_fraction(g));
      if (!better_from || *better_from != 1 || !worse_from)
        return Outcome{Verdict::Fail, fmt::format("{}: better on theta0 for n in {}, worse on -theta0 for n in {}",
                                                  where, describe_runs(plus, -1), describe_runs(minus, 1))};
      if (g == Rational(10, 13))
        ev += fmt::format("{}d={}: worse on -theta0 for n in {}", ev.empty() ? "" : "; ", d, describe_runs(minus, 1));
    }
  const auto s = sanity_setting();
  const Rational c = F::kq_memory_star(20, s);
  const Rational lim = (1 + c * (1 + s.s2)) * (1 + c * (1 + s.s2)) + s.s2;
  return Outcome{Verdict::Pass, fmt::format("s2=1/10 n_ft=20, better on theta0 for all n >= 1 in {} cases; "
                                            "gamma=10/13: {}; limit on -theta0 {} (d=5)",
                                            cases, ev, show(lim))};
}

template <class F>
Outcome residual_value_x_part(const CheckContext&) {
  const int d = 5;
  const auto s = sanity_setting();
  const Vec<Rational> theta0 = first_axis<Rational>(d);
  const Layout L{d};
  std::string ev;
  for (const Rational& eps : {Rational(1, 10), Rational(1, 100), Rational(1, 1000)}) {
    MergedParams<Rational> start = c6_pretrained<F>(d, Rational(10, 13));
    start.V.row(L.y()).segment(L.x(0), d) = (eps * theta0).transpose();
    const auto opt = kq_optimum({annealed_stages(theta0, 0, s.s2).front()}, start);
    const MergedParams<Rational> want = full_ft_params(theta0, eps);
    if (opt.point.blocks[1] != want.Q)
      return Outcome{Verdict::Fail,
                     fmt::format("eps={}: Q[0,0] = {}, |Q[x,x]|^2 = {}; want F(eps)", to_fraction(eps),
                                 show(Rational(opt.point.blocks[1](Layout::constant, Layout::constant))),
                                 show(Rational(opt.point.blocks[1].block(L.x(0), L.x(0), d, d).squaredNorm())))};
    for (Task task : {Task::Target, Task::Opposite})
      for (long n : {0L, 1L, 20L}) {
        const Rational got = exact::risk(opt.point.as_merged(), on_task(theta0, task), n, s.s2);
        const Rational want_r = F::risk_full_ft(eps, n, task, s);
        if (got != want_r)
          return Outcome{Verdict::Fail, fmt::format("eps={} {} n={}: engine {} vs R_zs {}", to_fraction(eps),
                                                    task_name(task), n, show(got), show(want_r))};
      }
    const Rational r20 = F::risk_full_ft(eps, 20, Task::Target, s);
    ev += fmt::format("{}eps={}: R(20, theta0) = {}", ev.empty() ? "" : "; ", to_fraction(eps),
                      to_decimal(static_cast<Float50>(r20), 6));
  }
  return Outcome{Verdict::Pass,
                 fmt::format("Q[0,0] = 1/eps, ICL block erased; {} (pretrained: {})", ev,
                             to_decimal(static_cast<Float50>(F::risk_pretrained(Rational(10, 13), 20, s)), 6))};
}

template <class F = PaperFormulas>
Claim claim_c6() {
  Claim claim{
      "C6",
      "Key-query-only fine-tuning: inert zero-shot, memorizing few-shot, degenerate with a residual value x-part",
      "From P(gamma) (v = e_y) the zero-shot loss does not depend on Q, so Q-only zero-shot fine-tuning does nothing. "
      "The few-shot (and annealed zs+fs) optimum over Q is Q[x, y] = c* theta0, c* = (n_ft+1)/((n_ft+2)(1+s2)), with "
      "every other relevant entry 0: it memorizes theta0 through the x-to-label block and erases the ICL block. Its "
      "risk R_kq(c; n, +-) = 1 + s2 -+ 2 c n (1+s2)/N + c^2 n (n+2) (1+s2)^2/N^2 helps on theta0 and hurts on -theta0 "
      "for all large n (limit (1 + c*(1+s2))^2 + s2 ~ 4 + s2). With value x-part eps theta0 the zero-shot optimum over "
      "Q is F(eps): "
      "Q[0,0] = 1/eps, the ICL block erased, few-shot risk ~ n (1+s2)/(N eps)^2.",
      {"merged parameterization, Q-only updates from the pretrained point, unit theta0",
       "s2 > 0 for a unique optimum (at s2 = 0, y_i = theta0.x_i makes Q[x,x] a theta0^T and Q[x,y] a predict the "
       "same on theta0-prompts: d + 1 more free directions, see C6.noiseless)",
       "helps on theta0 for every n >= 1 when gamma < (n_ft+1)/(n_ft+2); hurts on -theta0 from some n2 on (n2 = 1 at "
       "the paper's d = 5, larger for large d)",
       "the optimum is the minimizer nearest the start (the last row of Q is free: it never reaches yhat)"},
      {}};
  claim.checks = {
      {"C6.zero_shot_inert", "at P(gamma) the zero-shot loss has zero gradient and zero Hessian in Q (exact)",
       zero_shot_inert<F>},
      {"C6.memorizing_optimum",
       "the annealed zs+fs optimum over Q is exactly Q[x, y] = c*(n_ft) theta0, all else 0 (ICL block erased)",
       memorizing_optimum<F>},
      {"C6.risk_curve", "engine risk of the optimum = R_kq(c*; n, +-theta0) exactly, n = 0..40", risk_curve<F>},
      {"C6.noiseless", "the few-shot Q-only optimum at s2 = 0 (outside the hypothesis s2 > 0)", noiseless<F>,
       "s2 = 0 is outside the hypothesis s2 > 0: the claim states nothing there to fail; the optimum and its free "
       "directions are reported (the same solver is judged at s2 > 0 by C6.memorizing_optimum)"},
      {"C6.monte_carlo", "Monte Carlo of the memorizing model Q_c* agrees with R_kq (|z| <= 4)", c6_monte_carlo<F>},
      {"C6.helps_and_hurts",
       "against P(gamma): better on theta0 for every n >= 1, worse on -theta0 for every n >= n2 (exact, all n)",
       helps_and_hurts<F>},
      {"C6.residual_value_x_part",
       "value x-part eps theta0: the zero-shot Q-only optimum is exactly F(eps) and its few-shot risk is R_zs(eps; n)",
       residual_value_x_part<F>},
  };
  return claim;
}

}  // namespace
}  // namespace icl::theorems

// ---- statements for every n (claim P) ---------------------------------------------------------

namespace icl::prove {
namespace {

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
                    const auto p = kq_memory_params(first_axis<Rational>(d), c);
                    const exact::Objective<Rational> fs{x[1], {{1, nft, axis_task(Task::Target, d)}}};
                    return Vec<Rational>(rows_squared(nft) * gradient_at(fs, p, exact::Update::KeyQuery));
                  });
            });
          }};
}

}  // namespace
}  // namespace icl::prove

// ---- mutants ----------------------------------------------------------------------------------

namespace icl::theorems {
namespace {

struct KqStarNoTwo : PaperFormulas {
  static constexpr const char* name = "c*(n) = 1/(1+s2) (the factor (n+1)/(n+2) dropped)";
  static constexpr const char* claim = "C6";
  template <class T>
  static T kq_memory_star(long, const Setting<T>& s) {
    return T(1) / (T(1) + s.s2);
  }
};
struct KqRiskFourthMoment : PaperFormulas {
  static constexpr const char* name = "R_kq with n(n+1) for n(n+2) (a wrong fourth moment of the labels)";
  static constexpr const char* claim = "C6";
  template <class T>
  static T risk_kq_memory(const T& c, long n, Task task, const Setting<T>& s) {
    const T N = T(n + 1);
    const T a = T(1) + s.s2;
    return a - T(2 * task_sign(task)) * c * T(n) * a / N + c * c * T(n) * T(n + 1) * a * a / (N * N);
  }
};

struct KqRiskTaskSignFlip : PaperFormulas {
  static constexpr const char* name = "R_kq with theta0 and -theta0 swapped (the sign of the cross term)";
  static constexpr const char* claim = "C6";
  template <class T>
  static T risk_kq_memory(const T& c, long n, Task task, const Setting<T>& s) {
    return PaperFormulas::risk_kq_memory(c, n, task == Task::Target ? Task::Opposite : Task::Target, s);
  }
};
struct PretrainedValueReadsBias : PaperFormulas {
  static constexpr const char* name = "C6's start P(gamma) with the value row reading the constant token (v_0 = 1)";
  static constexpr const char* claim = "C6";
  static MergedParams<Rational> c6_pretrained(int d, const Rational& gamma) {
    MergedParams<Rational> p = pretrained_params(d, gamma);
    p.V(d + 1, 0) = 1;
    return p;
  }
};
struct ResidualRiskNoNoise : PaperFormulas {  // C6 reads R_zs for the residual value x-part
  static constexpr const char* name = "R_zs(eps; n) of C6's residual-x-part optimum without the s2/eps^2 term";
  static constexpr const char* claim = "C6";
  template <class T>
  static T risk_full_ft(const T& c, long n, Task task, const Setting<T>& s) {
    return PaperFormulas::risk_full_ft(c, n, task, s) - T(n) / (T(n + 1) * T(n + 1)) * s.s2 / (c * c);
  }
};

std::vector<MutantCase> c6_mutants() {
  auto cases =
      mutant_cases<KqStarNoTwo, KqRiskFourthMoment, KqRiskTaskSignFlip, PretrainedValueReadsBias, ResidualRiskNoNoise>(
          []<class M>(std::type_identity<M>) { return claim_c6<M>(); });
  cases.push_back(prove::proof_mutant<KqStarNoTwo>({prove::stat_kq_optimum<KqStarNoTwo>}));
  return cases;
}

}  // namespace

ClaimFile c6_key_query() {
  return {claim_c6<PaperFormulas>, c6_mutants,
          [] { return std::vector<prove::Statement>{prove::stat_kq_optimum<PaperFormulas>()}; }};
}

}  // namespace icl::theorems
