// Claim H: second-order certificates. Every claimed optimum of THEORY.md is a local minimum of the
// loss it minimizes, with exactly the flat directions the theory explains (docs/certificates.md).
// The claim is built with a certificate set-up: the production one, or a deliberately wrong one for
// the mutants (a wrong count, a basis that forgets a symmetry, a wrong Hessian-vector product).
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "prove/proof.hpp"
#include "spectral/certificate.hpp"
#include "theorems/theorems.hpp"

namespace icl::theorems {
namespace {

struct CertificateSetup {
  int predicted_offset = 0;                         // added to the theory's count of flat directions
  std::vector<std::string> forgotten;               // flat families left out of the basis (by name)
  const spectral::HessianKernel* kernel = nullptr;  // default: the exact engine
};

std::string evidence(const spectral::Certificate& c) {
  std::string deflated;
  for (const auto& st : c.stages)
    deflated += (deflated.empty() ? "" : ", ") +
                (st.spans_all ? std::string("vacuous (B spans all)")
                              : fmt::format("{:.3g} > {:.2g}", st.deflated_lambda_min, st.tolerance));
  bool all_exact = true;
  for (const auto& f : c.flat_checks) all_exact = all_exact && f.exact;
  std::string out = fmt::format(
      "{} zero eigenvalues = {} inert + {} certified flat, predicted {} ({}); H B = 0 on {} families ({}); "
      "lambda_min(H + mu B B^T) {}",
      c.zero_count, c.inert, c.zero_count - c.inert, c.predicted_zero_count, c.prediction, c.flat_checks.size(),
      all_exact ? "exact" : "50 digits", deflated);
  if (c.stages.back().dense_zero_count)
    out += fmt::format("; dense: {} zeros, gap {:.2g} / {:.3g}", c.inert + *c.stages.back().dense_zero_count,
                       c.largest_zero, c.smallest_nonzero);
  if (c.exact_zero_count)
    out += fmt::format("; exact rank: {} zeros, PSD {}", *c.exact_zero_count, *c.exact_psd ? "proved" : "NOT proved");
  out += fmt::format("; {}, {:.1f} s", c.method, c.seconds);
  return c.holds ? out : "FAILS: " + c.why + "; " + out;
}

// The certificate of `plan` under `setup` (the plan's count and basis changed as the set-up says).
spectral::Certificate certify_with(const CertificateSetup& setup, spectral::CertificatePlan plan, int k) {
  plan.predicted_zero += setup.predicted_offset;
  for (auto& stage : plan.flat)
    std::erase_if(stage, [&](const spectral::FlatFamily& f) {
      return std::find(setup.forgotten.begin(), setup.forgotten.end(), f.why) != setup.forgotten.end();
    });
  spectral::CertificateOptions options;
  options.kernel = setup.kernel;
  return spectral::certify_plan(plan, k, options);
}

Check certificate_check(const CertificateSetup& setup, spectral::CertPoint point, Parameterization kind) {
  const std::string id = fmt::format("H.{}.{}", spectral::cert_point_name(point), parameterization_name(kind));
  return {id,
          fmt::format("Hessian certificate at {} ({}), d = 5 (and d = 40, 62, 100 with --full)",
                      spectral::cert_point_name(point), parameterization_name(kind)),
          [setup, point, kind](const CheckContext& ctx) {
            std::vector<int> dims{5};
            if (ctx.full) dims.insert(dims.end(), {40, 62, 100});
            std::string text;
            bool ok = true;
            for (int d : dims) {
              spectral::CertificateSpec spec;
              spec.point = point;
              spec.kind = kind;
              spec.d = d;
              const auto c = certify_with(setup, spectral::certificate_plan(spec), spec.k);
              ok = ok && c.holds;
              text += fmt::format("{}d={}: {}", text.empty() ? "" : " | ", d, evidence(c));
            }
            return Outcome{ok ? Verdict::Pass : Verdict::Fail, text};
          }};
}

// A point with the label weight's sign flipped, and the origin saddle: both must fail.
Outcome broken_point_fails(const CertificateSetup& setup) {
  spectral::CertificateSpec flipped;
  flipped.flip_sign = true;
  const auto a = certify_with(setup, spectral::certificate_plan(flipped), flipped.k);
  auto plan = spectral::certificate_plan(spectral::CertificateSpec{});
  for (auto& b : plan.point.blocks) b.setZero();  // the origin: stationary, not a minimum
  const auto b = certify_with(setup, plan, 5);
  const bool ok = !a.holds && !b.holds && b.gradient_exactly_zero && b.lambda_min < -b.tolerance;
  return Outcome{ok ? Verdict::Pass : Verdict::Fail,
                 fmt::format("flipped V[y,y]: {}; origin (gradient 0): {}", a.holds ? "HOLDS (wrong)" : a.why,
                             b.holds ? "HOLDS (wrong)" : b.why)};
}

Claim claim_certificates(const CertificateSetup& setup) {
  Claim claim{
      "H",
      "Second-order certificates: every claimed optimum is a minimum with exactly the predicted flat directions",
      "At P(gamma*(m)) (sphere m-shot loss, all parameters), F(c) (zero-shot loss, all parameters), "
      "V(theta0/(d+4), gamma) (zero-shot loss, value only), V(theta0/(d+4), w*(n_ft)) (zs then fs, value only) and "
      "the key-query optimum (zs then fs, Q only), in the merged and the separate parameterization, the gradient is "
      "exactly 0, the exact Hessian is positive semidefinite and its number of zero eigenvalues is the theory's "
      "count: inert coordinates, the scaling symmetry, the GL(D) symmetry of (Qsep, K), and the flat directions of "
      "the zero-shot-optimal set (docs/certificates.md).",
      {"d = 5, m = 20, s2 = 1/10, c = 1, n_ft = 20 (d = 40, 62 and 100 too with --full)",
       "separate points use Qsep = I, K = Q (the map (Qsep, K) -> Qsep^T K is onto there)",
       "lexicographic stages (v-fewshot, kq-fewshot): the later loss is certified on the null space of the earlier",
       "certified by deflation: H B = 0 for the predicted flat directions B, rank B = the count, and "
       "lambda_min(H + mu B B^T) > 1e-9 max(1, |lambda|max); the exact rational rank cross-checks it at d = 5"},
      {}};
  for (auto kind : {Parameterization::Merged, Parameterization::Separate})
    for (auto point : {spectral::CertPoint::Pretrained, spectral::CertPoint::ZsFull, spectral::CertPoint::ValueOnly,
                       spectral::CertPoint::ValueFewshot, spectral::CertPoint::KqFewshot})
      claim.checks.push_back(certificate_check(setup, point, kind));

  claim.checks.push_back({"H.broken_point_fails",
                          "a point with the label weight's sign flipped, and the origin saddle, both fail",
                          [setup](const CheckContext&) { return broken_point_fails(setup); }});
  return claim;
}

// ---- mutants ----------------------------------------------------------------------------------

MutantCase certificate_mutant(std::string name, CertificateSetup setup) {
  return {std::move(name), "H", [setup] { return claim_certificates(setup); }};
}

// H u by the 3-point central difference of the gradient, (g(x + u) - g(x - u)) / 2: the exact
// stencil with its second term dropped, wrong wherever the gradient is not quadratic along u.
template <class T>
Vec<T> three_point(const exact::Objective<T>& obj, const Point<T>& point, const std::vector<exact::Coordinate>& coords,
                   const Vec<T>& u) {
  const Vec<T> x0 = exact::gather(point, coords);
  Point<T> plus = point, minus = point;
  exact::scatter(plus, coords, Vec<T>(x0 + u));
  exact::scatter(minus, coords, Vec<T>(x0 - u));
  return (spectral::engine_gradient(obj, plus, coords) - spectral::engine_gradient(obj, minus, coords)) / T(2);
}

// H (H u): positive semidefinite whatever H is, with the same null space.
template <class T>
Vec<T> squared(const exact::Objective<T>& obj, const Point<T>& point, const std::vector<exact::Coordinate>& coords,
               const Vec<T>& u) {
  return spectral::engine_hessian_vector(obj, point, coords, spectral::engine_hessian_vector(obj, point, coords, u));
}

const spectral::HessianKernel kThreePoint{three_point<double>, three_point<Float50>, three_point<Rational>};
const spectral::HessianKernel kSquared{squared<double>, squared<Float50>, squared<Rational>};

std::vector<MutantCase> h_mutants() {
  return {
      certificate_mutant("predicted zero count off by one (a symmetry counted twice)", {1, {}, nullptr}),
      certificate_mutant("the scaling symmetry left out of the flat directions",
                         {0, {"scaling (V, Q) -> (sV, Q/s)"}, nullptr}),
      certificate_mutant("the GL(D) orbit of (Qsep, K) left out of the flat directions",
                         {0, {"(Qsep, K) -> (G Qsep, G^-T K), G near I"}, nullptr}),
      certificate_mutant("the label weight v_y left out of the flat directions", {0, {"label weight v_y"}, nullptr}),
      certificate_mutant("Hessian-vector product by the 3-point stencil (a term of the exact stencil dropped)",
                         {0, {}, &kThreePoint}),
      certificate_mutant("Hessian-vector product of H^2 for H (positive semidefinite by construction)",
                         {0, {}, &kSquared}),
  };
}

}  // namespace

ClaimFile h_certificates() {
  return {[] { return claim_certificates(CertificateSetup{}); }, h_mutants,
          [] { return std::vector<prove::Statement>{}; }};
}

}  // namespace icl::theorems
