// Claim L: LoRA adapters (W = W0 + (alpha/r) B A, PEFT's initialization, the base frozen) fine-tuning
// the one-layer model on the exact zero-shot loss from the pretrained point P(gamma). THEORY.md
// section 9 (LoRA paragraph), issue 28, docs/beyond.md#lora-adapters. Its checks are templates on a
// policy (the chain rule, the closed-form end point of rank-one value LoRA, the targets of the
// named configurations), so that each mutant is the same claim with one member wrong.
#include <fmt/format.h>

#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "closed_form/closed_form.hpp"
#include "exact/heads.hpp"
#include "lora/lora.hpp"
#include "model/arch.hpp"
#include "model/families.hpp"
#include "prove/proof.hpp"
#include "theorems/theorems.hpp"
#include "train/exact_trainers.hpp"

namespace icl::theorems {
namespace {

// The claim's policy: the paper's (PEFT's) mechanism and the configurations under test.
struct PeftLora {
  using Rule = lora::PeftChainRule;
  template <class T>
  static lora::RankOneValueEnd<T> value_end(int d, const T& gamma, const T& s, const Vec<T>& a0, const Vec<T>& theta0) {
    return lora::rank_one_value_end(d, gamma, s, a0, theta0);
  }
  static constexpr const char* q_only = "q";   // LoRA on the (merged) key-query matrix alone
  static constexpr const char* peft = "qv";    // PEFT's default target modules (q_proj, v_proj)
  static constexpr const char* every = "qkv";  // LLaMA-Factory's default (every linear layer), separate
};

constexpr int kD = 5;
const double kGamma = 42.0 / 53;  // gamma*(20) at d = 5, s2 = 1/10
constexpr double kS2 = 0.1;

exact::Objective<double> zero_shot(int d) {
  return {kS2, {{1.0, 0, exact::TaskLaw<double>::fixed(first_axis<double>(d))}}};
}

// lim_{n -> infinity} R(n) on +-theta0 (one layer, exact engine in double).
double limit_risk(const Point<double>& p, int sign) {
  const int d = p.D() - 2;
  return exact::arch_risk_limit(arch_from_point(p), exact::TaskLaw<double>::fixed(sign * first_axis<double>(d)), kS2);
}

// THEORY.md section 8: rho = (1 + s2 - lim R_post) / (1 + s2 - lim R_pre).
double retention(const Point<double>& pre, const Point<double>& post, int sign) {
  return (1 + kS2 - limit_risk(post, sign)) / (1 + kS2 - limit_risk(pre, sign));
}

// Adapters with B moved off 0 (seeded dyadic entries), so that every factor has a gradient.
lora::Adapted<Rational> moved_adapters(Parameterization kind, const char* letters, int d, int rank) {
  const Point<Rational> base = in_parameterization(pretrained_params(d, Rational(10, 13)), kind);
  auto ad = lora::peft_init(base, lora::target_blocks(kind, letters), rank, Rational(3), 7);
  for (auto& a : ad.adapters)
    a.B = lora::peft_adapters(base.D(), {a.block}, rank, 9).front().A.transpose().cast<Rational>();
  return ad;
}

struct RationalCase {
  Parameterization kind;
  const char* letters;
  int rank;
};
const std::vector<RationalCase> kRationalCases{{Parameterization::Merged, "qv", 1},
                                               {Parameterization::Merged, "qv", 2},
                                               {Parameterization::Separate, "qkv", 1},
                                               {Parameterization::Separate, "qkv", 2}};

exact::Objective<Rational> zs_and_fs_rational(int d) {
  const auto theta = exact::TaskLaw<Rational>::fixed(first_axis<Rational>(d));
  return {Rational(1, 10), {{Rational(1), 0, theta}, {Rational(1, 2), 3, theta}}};
}

// ---- checks -----------------------------------------------------------------------------------

// dL/dA = s B^T G, dL/dB = s G A^T against the 5-point central stencil with h = 1, exact in rationals:
// along one factor entry W is affine, so the loss is a polynomial of degree <= 4 there.
template <class P>
Outcome chain_rule(const CheckContext&) {
  long coordinates = 0;
  for (const auto& c : kRationalCases) {
    const auto ad = moved_adapters(c.kind, c.letters, 2, c.rank);
    const auto loss = zs_and_fs_rational(2);
    const lora::Field<Rational, typename P::Rule> field{ad};
    const Vec<Rational> x = field.start();
    const Vec<Rational> g = field.value_and_gradient(loss, x).gradient;
    for (Eigen::Index k = 0; k < x.size(); ++k, ++coordinates) {
      const auto f = [&](int j) {
        Vec<Rational> y = x;
        y(k) += j;
        return exact::objective_value(loss, field.point(y));
      };
      const Rational stencil = (8 * (f(1) - f(-1)) - (f(2) - f(-2))) / 12;
      if (g(k) != stencil)
        return {Verdict::Fail, fmt::format("{} {} r={}: factor coordinate {}: chain rule {} vs exact stencil {}",
                                           parameterization_name(c.kind), c.letters, c.rank, k, to_fraction(g(k)),
                                           to_fraction(stencil))};
    }
  }
  return {Verdict::Pass,
          fmt::format("{} factor coordinates (merged qv, separate qkv; r = 1, 2; d = 2; alpha/r = 3, 3/2; zs + fs "
                      "loss): the chain rule equals the exact 5-point stencil, in rationals",
                      coordinates)};
}

// The balance A A^T - B^T B of every adapter has time derivative 0 under gradient flow (exact).
template <class P>
Outcome balance(const CheckContext&) {
  for (const auto& c : kRationalCases) {
    const auto ad = moved_adapters(c.kind, c.letters, 2, c.rank);
    const lora::Field<Rational, typename P::Rule> field{ad};
    const auto rate = field.adapted(field.value_and_gradient(zs_and_fs_rational(2), field.start()).gradient);
    for (std::size_t i = 0; i < ad.adapters.size(); ++i) {
      const auto& a = ad.adapters[i];
      const auto& g = rate.adapters[i];
      const Mat<Rational> dt =
          a.A * g.A.transpose() + g.A * a.A.transpose() - g.B.transpose() * a.B - a.B.transpose() * g.B;
      if (!dt.isZero())
        return {Verdict::Fail,
                fmt::format("{} {} r={}: d/dt (A A^T - B^T B) = {} != 0 on adapter {}", parameterization_name(c.kind),
                            c.letters, c.rank, to_fraction(dt.cwiseAbs().maxCoeff()), i)};
    }
  }
  return {Verdict::Pass,
          "d/dt (A A^T - B^T B) = 0 exactly on every adapter (merged qv, separate qkv; r = 1, 2; rationals)"};
}

// Rank-one LoRA on V from P(gamma) on the exact zero-shot loss: gradient flow ends at the closed
// form of lora/value_endpoint.hpp; in 50 digits that point is stationary and on the conserved level.
template <class P>
Outcome rank_one_value(const CheckContext&) {
  const int D = kD + 2;
  std::string ev;
  double worst_flow = 0, worst_grad50 = 0, worst_balance50 = 0;
  std::vector<std::string> ws;
  for (std::uint64_t seed : {1, 2, 3})
    for (bool label_zero : {false, true}) {
      const Point<double> base = Point<double>::merged(pretrained_params(kD, kGamma));
      auto ad = lora::peft_init(base, {block::V}, 1, 2.0, seed);
      if (label_zero) ad.adapters[0].A(0, D - 1) = 0;  // an A whose label entry starts at 0
      const lora::Field<double, typename P::Rule> field{ad};
      train::FlowOptions opt;
      opt.grad_tol = 1e-9;  // the double rounding floor of the gradient is near 1e-10
      const auto r = train::gradient_flow_field(zero_shot(kD), field, opt);
      const Vec<double> a0 = ad.adapters[0].A.row(0).transpose();
      const auto end = P::value_end(kD, kGamma, 2.0, a0, first_axis<double>(kD));
      const Vec<double> v = r.point.V().row(D - 1).transpose();
      worst_flow = std::max(worst_flow, (v - end.v).cwiseAbs().maxCoeff());
      if (!r.converged)
        return {Verdict::Fail,
                fmt::format("seed {}: the flow did not converge (gradient norm {:.2e})", seed, to_double(r.grad_norm))};
      // 50 digits: the closed-form end point (beta, a) with a = (0, a_theta theta0, a_y).
      const Float50 g50 = Float50(42) / 53;
      const Vec<Float50> a050 = a0.cast<Float50>();
      const auto e50 = P::value_end(kD, g50, Float50(2), a050, first_axis<Float50>(kD));
      auto ad50 = ad.cast<Float50>();
      ad50.base = Point<Float50>::merged(pretrained_params(kD, g50));
      ad50.adapters[0].A.setZero();
      ad50.adapters[0].A(0, 1) = e50.a_theta;
      ad50.adapters[0].A(0, D - 1) = a050(D - 1);
      ad50.adapters[0].B(D - 1, 0) = e50.beta;
      const lora::Field<Float50, typename P::Rule> f50{ad50};
      const exact::Objective<Float50> zs50{Float50(1) / 10,
                                           {{Float50(1), 0, exact::TaskLaw<Float50>::fixed(first_axis<Float50>(kD))}}};
      worst_grad50 = std::max(
          worst_grad50, to_double(sqrt_of(Float50(f50.value_and_gradient(zs50, f50.start()).gradient.squaredNorm()))));
      const Float50 bal_end = e50.a_theta * e50.a_theta + a050(D - 1) * a050(D - 1) - e50.beta * e50.beta;
      worst_balance50 = std::max(worst_balance50, to_double(abs_of(Float50(bal_end - a050.squaredNorm()))));
      ws.push_back(fmt::format("{}{}: w/gamma = {:.6f}", seed, label_zero ? " (a_y = 0)" : "", to_double(e50.v_y)));
      if (label_zero && std::abs(v(D - 1) - 1) > 1e-12)
        return {Verdict::Fail, fmt::format("seed {} with a_y = 0: v_y = {} != 1", seed, v(D - 1))};
    }
  const bool ok = worst_flow < 1e-7 && worst_grad50 < 1e-40 && worst_balance50 < 1e-40;
  std::string joined;
  for (const auto& w : ws) joined += (joined.empty() ? "" : ", ") + w;
  return {ok ? Verdict::Pass : Verdict::Fail,
          fmt::format("d=5 gamma=42/53 alpha=2 r=1, seeds 1-3: flow end vs closed form {:.1e}; 50 digits at the "
                      "closed form: |grad| {:.1e}, balance drift {:.1e}; b = 1/(d+4) (C4) but w = gamma v_y with "
                      "v_y = 1 + s beta a_y: {}",
                      worst_flow, worst_grad50, worst_balance50, joined)};
}

// Zero-shot LoRA on the key-query matrix alone does nothing from P(gamma): its factors' gradient is
// exactly 0 (B = 0, and dL/dQ = 0 there: the query's label slot is 0).
template <class P>
Outcome q_only(const CheckContext&) {
  for (int rank : {1, 3}) {
    const Point<Rational> base = Point<Rational>::merged(pretrained_params(kD, Rational(42, 53)));
    const auto ad = lora::peft_init(base, lora::target_blocks(base.kind, P::q_only), rank, Rational(2 * rank), 1);
    const lora::Field<Rational, typename P::Rule> field{ad};
    const exact::Objective<Rational> zs{Rational(1, 10),
                                        {{Rational(1), 0, exact::TaskLaw<Rational>::fixed(first_axis<Rational>(kD))}}};
    const Vec<Rational> g = field.value_and_gradient(zs, field.start()).gradient;
    if (!g.isZero())
      return {Verdict::Fail, fmt::format("targets '{}' r={}: gradient max {} != 0 at the start", P::q_only, rank,
                                         to_fraction(g.cwiseAbs().maxCoeff()))};
  }
  return {Verdict::Pass,
          "targets q (merged), r = 1, 3, d = 5: the factors' zero-shot gradient at P(42/53) is exactly "
          "0 (rationals): LoRA on Q alone stays at the pretrained point"};
}

// Zero-shot flow (time T) from P(gamma) with PEFT's {q, v} (merged) and LLaMA-Factory's {q, k, v}
// (separate) at ranks r = 1, 2, 4: Q's x-block changes by rank <= r (merged) or <= 2r (separate), so
// below d it keeps gamma as an eigenvalue of multiplicity >= d - r (d - 2r) and the ICL block is not
// erased; yet there the zero-shot loss has no minimizer on the reachable set (the flow does not
// converge, Q00 grows) and ICL is lost all the same: retention < 1/4 on theta0 or -theta0.
template <class P>
Outcome low_rank_collapse(const CheckContext&) {
  const double T = 50;
  std::string ev;
  bool ok = true;
  for (const auto& [kind, letters] :
       {std::pair{Parameterization::Merged, P::peft}, std::pair{Parameterization::Separate, P::every}})
    for (int rank : {1, 2, 4}) {
      const Point<double> base = in_parameterization(pretrained_params(kD, kGamma), kind);
      const auto ad = lora::peft_init(base, lora::target_blocks(kind, letters), rank, 2.0 * rank, 1);
      const lora::Field<double, typename P::Rule> field{ad};
      train::FlowOptions opt;
      opt.t_max = T;
      opt.grad_tol = 1e-9;
      const auto r = train::gradient_flow_field(zero_shot(kD), field, opt);
      const Mat<double> Qxx = r.point.Q().block(1, 1, kD, kD) - kGamma * Mat<double>::Identity(kD, kD);
      const Vec<double> sv = Eigen::JacobiSVD<Mat<double>>(Qxx).singularValues();
      const int bound = std::min(kD, kind == Parameterization::Merged ? rank : 2 * rank);
      const double beyond = bound < kD ? sv(bound) : 0.0;  // singular values past the rank bound
      const double rho_p = retention(base, r.point, 1), rho_m = retention(base, r.point, -1);
      const bool lost = std::min(rho_p, rho_m) < 0.25;
      // Below full rank the zero-shot loss has no minimizer (docs/beyond.md): the flow cannot converge.
      const bool no_minimizer = bound >= kD || (!r.converged && to_double(r.loss) - kS2 > 1e-4);
      ok = ok && no_minimizer && beyond < 1e-9 && lost;
      ev += fmt::format(
          "{}{} r={}: zs - s2 {:.4f}, |grad| {:.1e}, Q00 {:.1f}, rank(Q_xx - gamma I) <= {} ({:.0e}), "
          "rho(theta0) {:.2f}, rho(-theta0) {:.2f}; ",
          letters, kind == Parameterization::Merged ? "" : " (separate)", rank, to_double(r.loss) - kS2,
          to_double(r.grad_norm), r.point.Q()(0, 0), bound, beyond, rho_p, rho_m);
    }
  return {ok ? Verdict::Pass : Verdict::Fail,
          fmt::format("flow time {} from P(42/53), d=5, alpha = 2r, seed 1: {}below full rank not converged, ICL "
                      "block kept on >= d - rank dimensions; every configuration: retention < 1/4 on theta0 or "
                      "-theta0 (ICL lost)",
                      T, ev)};
}

template <class P>
Claim claim_l() {
  Claim c;
  c.id = "L";
  c.title = "LoRA adapters on the one-layer model (exact): what zero-shot fine-tuning through them reaches";
  c.statement =
      "With W = W0 + (alpha/r) B A (PEFT's init: B = 0, A uniform +-1/sqrt(D)) and the exact gradient through the "
      "chain rule: (1) rank-one LoRA on V from P(gamma) ends at C4's value x-part b = theta0/(d+4) and zero-shot "
      "risk 2/(d+4) + s2, but its label weight is w = gamma (1 + s beta a_y), with A's label entry a_y frozen at its "
      "init and beta from the conserved |a|^2 - beta^2: C4's optimum exactly iff a_y = 0; (2) LoRA on Q alone does "
      "not move; (3) PEFT's {q, v} and the all-target {q, k, v} below full rank (merged r < d, separate 2r < d) "
      "keep gamma on >= d - r (d - 2r) directions of Q's ICL block, but the zero-shot loss has no minimizer there "
      "and the flow diverges slowly (Q00 grows); at r = 1, 2, 4 (flow time 50) ICL is lost on theta0 or -theta0 in "
      "every case: low rank does not protect ICL.";
  c.hypotheses = {"d = 5, s2 = 1/10, theta0 = e_1, start P(42/53) (gamma*(20)); alpha = 2r (LLaMA-Factory)",
                  "exact gradient flow (Dormand-Prince, double) on the exact zero-shot risk; chain rule in rationals"};
  c.checks = {
      {"L.chain_rule", "dL/dA = (alpha/r) B^T G, dL/dB = (alpha/r) G A^T equal exact stencils (rationals)",
       chain_rule<P>},
      {"L.balance", "gradient flow conserves A A^T - B^T B of every adapter (exact)", balance<P>},
      {"L.rank_one_value", "rank-1 value LoRA ends at the closed form: C4's b, w = gamma (1 + s beta a_y)",
       rank_one_value<P>},
      {"L.q_only", "zero-shot LoRA on Q alone has zero gradient at P(gamma) (exact)", q_only<P>},
      {"L.low_rank_collapse", "PEFT {q,v} and all-target {q,k,v}, r = 1, 2, 4: ICL block kept, ICL lost",
       low_rank_collapse<P>},
  };
  return c;
}

// ---- mutants ----------------------------------------------------------------------------------

struct ScaleDropped : PeftLora {
  static constexpr const char* name = "LoRA chain rule without alpha/r in dL/dA";
  static constexpr const char* claim = "L";
  struct Rule : lora::PeftChainRule {
    template <class T>
    static Mat<T> grad_A(const T&, const Mat<T>&, const Mat<T>& B, const Mat<T>& G) {
      return B.transpose() * G;
    }
  };
};
struct EndAtC4 : PeftLora {
  static constexpr const char* name = "rank-one value LoRA ends at C4's optimum (label weight untouched)";
  static constexpr const char* claim = "L";
  template <class T>
  static lora::RankOneValueEnd<T> value_end(int d, const T& gamma, const T& s, const Vec<T>& a0, const Vec<T>& theta0) {
    auto e = lora::rank_one_value_end(d, gamma, s, a0, theta0);
    e.v_y = T(1);
    e.v(d + 1) = T(1);
    e.w = gamma;
    return e;
  }
};
struct QOnlyWithV : PeftLora {
  static constexpr const char* name = "LoRA targets q also adapt V";
  static constexpr const char* claim = "L";
  static constexpr const char* q_only = "qv";
};
struct PeftAsValue : PeftLora {
  static constexpr const char* name = "PEFT's {q, v} and the all-target {q, k, v} adapt V only";
  static constexpr const char* claim = "L";
  static constexpr const char* peft = "v";
  static constexpr const char* every = "v";
};

std::vector<MutantCase> claim_mutants() {
  return mutant_cases<ScaleDropped, EndAtC4, QOnlyWithV, PeftAsValue>(
      []<class M>(std::type_identity<M>) { return claim_l<M>(); });
}

}  // namespace

ClaimFile l_lora() {
  return {claim_l<PeftLora>, claim_mutants, [] { return std::vector<prove::Statement>{}; }};
}

}  // namespace icl::theorems
