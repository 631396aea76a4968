// Claim H: second-order certificates. Every claimed optimum of THEORY.md is a local minimum of the
// loss it minimizes, with exactly the flat directions the theory explains (docs/certificates.md).
#include <fmt/format.h>

#include "spectral/certificate.hpp"
#include "theorems/theorems.hpp"

namespace icl::theorems {
namespace {

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

Check certificate_check(spectral::CertPoint point, Parameterization kind) {
  const std::string id = fmt::format("H.{}.{}", spectral::cert_point_name(point), parameterization_name(kind));
  return {id,
          fmt::format("Hessian certificate at {} ({}), d = 5 (and d = 40 with --full)",
                      spectral::cert_point_name(point), parameterization_name(kind)),
          [point, kind](const CheckContext& ctx) {
            std::vector<int> dims{5};
            if (ctx.full) dims.push_back(40);
            std::string text;
            bool ok = true;
            for (int d : dims) {
              spectral::CertificateSpec spec;
              spec.point = point;
              spec.kind = kind;
              spec.d = d;
              const auto c = spectral::certify(spec);
              ok = ok && c.holds;
              text += fmt::format("{}d={}: {}", text.empty() ? "" : " | ", d, evidence(c));
            }
            return Outcome{ok ? Verdict::Pass : Verdict::Fail, text};
          }};
}

}  // namespace

Claim claim_certificates() {
  Claim claim{
      "H",
      "Second-order certificates: every claimed optimum is a minimum with exactly the predicted flat directions",
      "At P(gamma*(m)) (sphere m-shot loss, all parameters), F(c) (zero-shot loss, all parameters), "
      "V(theta0/(d+4), gamma) (zero-shot loss, value only), V(theta0/(d+4), w*(n_ft)) (zs then fs, value only) and "
      "the key-query optimum (zs then fs, Q only), in the merged and the separate parameterization, the gradient is "
      "exactly 0, the exact Hessian is positive semidefinite and its number of zero eigenvalues is the theory's "
      "count: inert coordinates, the scaling symmetry, the GL(D) symmetry of (Qsep, K), and the flat directions of "
      "the zero-shot-optimal set (docs/certificates.md).",
      {"d = 5, m = 20, s2 = 1/10, c = 1, n_ft = 20 (d = 40 too with --full)",
       "separate points use Qsep = I, K = Q (the map (Qsep, K) -> Qsep^T K is onto there)",
       "lexicographic stages (v-fewshot, kq-fewshot): the later loss is certified on the null space of the earlier",
       "zero means |lambda| <= 1e-9 max(1, |lambda|max); the exact rational rank settles it at d = 5"},
      {}};
  for (auto kind : {Parameterization::Merged, Parameterization::Separate})
    for (auto point : {spectral::CertPoint::Pretrained, spectral::CertPoint::ZsFull, spectral::CertPoint::ValueOnly,
                       spectral::CertPoint::ValueFewshot, spectral::CertPoint::KqFewshot})
      claim.checks.push_back(certificate_check(point, kind));

  claim.checks.push_back(
      {"H.broken_point_fails", "a point with the label weight's sign flipped, and the origin saddle, both fail",
       [](const CheckContext&) {
         spectral::CertificateSpec flipped;
         flipped.flip_sign = true;
         const auto a = spectral::certify(flipped);
         auto plan = spectral::certificate_plan(spectral::CertificateSpec{});
         for (auto& b : plan.point.blocks) b.setZero();  // the origin: stationary, not a minimum
         const auto b = spectral::certify_plan(plan, 5);
         const bool ok = !a.holds && !b.holds && b.gradient_exactly_zero && b.lambda_min < -b.tolerance;
         return Outcome{ok ? Verdict::Pass : Verdict::Fail,
                        fmt::format("flipped V[y,y]: {}; origin (gradient 0): {}", a.holds ? "HOLDS (wrong)" : a.why,
                                    b.holds ? "HOLDS (wrong)" : b.why)};
       }});
  return claim;
}

}  // namespace icl::theorems
