// iclverify hessian: the second-order certificate of one claimed optimum (src/spectral).
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/inputs.hpp"
#include "closed_form/pretrained.hpp"
#include "core/number.hpp"
#include "report/table.hpp"
#include "spectral/certificate.hpp"

namespace icl::cli {
namespace {

struct HessianArgs {
  std::string point, param = "merged", d = "5", m = "20", sigma2 = "1/10", c, nft, k = "10", method = "auto", format;
  bool flip = false, no_exact = false;
  CLI::Option *c_opt, *nft_opt;
};

constexpr int kMaxHessianDimension = 200;  // D^2 coordinates per block: the dense and exact stages

std::string show(double x) { return fmt::format("{:.6g}", x); }

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : " ") + p;
  return out;
}

spectral::CertificateSpec read_spec(const HessianArgs& a) {
  spectral::CertificateSpec s;
  s.point = spectral::cert_point_from_name(a.point);
  s.kind = read_parameterization(a.param);
  s.d = read_dimension(a.d, kMaxHessianDimension);
  s.m = parse_integer(a.m, "--m", 1, 1000000);
  s.s2 = read_sigma2(a.sigma2);
  s.k = static_cast<int>(parse_integer(a.k, "--k", 1, 100000));
  const bool fewshot = s.point == spectral::CertPoint::ValueFewshot || s.point == spectral::CertPoint::KqFewshot;
  applies_only_to(s.point == spectral::CertPoint::ZsFull, a.c_opt, "--point zs-full");
  applies_only_to(fewshot, a.nft_opt, "--point v-fewshot and kq-fewshot");
  if (a.c_opt->count() > 0) s.c = read_c(a.c, "--c");
  if (a.nft_opt->count() > 0) s.n_ft = parse_integer(a.nft, "--nft", 0, 1000000);
  s.flip_sign = a.flip;
  return s;
}

std::string point_text(const spectral::CertificateSpec& s) {
  const std::string gamma = to_fraction(closed_form::gamma_star(s.m, Setting<Rational>{s.d, s.s2}));
  switch (s.point) {
    case spectral::CertPoint::Pretrained:
      return fmt::format("P(gamma*({}) = {}) for the {}-shot sphere loss, all parameters", s.m, gamma, s.m);
    case spectral::CertPoint::ZsFull:
      return fmt::format("F(c = {}) for the zero-shot loss on theta0, all parameters", to_fraction(s.c));
    case spectral::CertPoint::ValueOnly:
      return fmt::format("V(theta0/(d+4), gamma*({}) = {}) for the zero-shot loss, value only", s.m, gamma);
    case spectral::CertPoint::ValueFewshot:
      return fmt::format("V(theta0/(d+4), w*({})) for zs then {}-shot fs (annealed limit), value only", s.n_ft, s.n_ft);
    case spectral::CertPoint::KqFewshot:
      return fmt::format("the key-query optimum from P(gamma*({})) for zs then {}-shot fs, Q only", s.m, s.n_ft);
  }
  return {};
}

// The request: the point to certify and how, read and checked.
struct HessianRequest {
  HessianArgs a;
  spectral::CertificateSpec spec;
  spectral::CertificateOptions options;
};

HessianRequest hessian_request(const HessianArgs& a) {
  HessianRequest r{a, read_spec(a), {}};
  r.options.method = a.method == "dense"     ? spectral::Method::Dense
                     : a.method == "spectra" ? spectral::Method::Spectra
                                             : spectral::Method::Auto;
  r.options.exact = !a.no_exact;
  return r;
}

Result run_hessian(const HessianRequest& r) {
  const HessianArgs& a = r.a;
  const spectral::CertificateSpec& spec = r.spec;
  const auto cert = spectral::certify(spec, r.options);
  const int status = cert.holds ? 0 : 1;
  std::vector<std::string> eig;
  for (double e : cert.eigenvalues) eig.push_back(show(e));

  if (a.format == "json") {
    nlohmann::json j;
    j["point"] = a.point;
    j["description"] = point_text(spec);
    j["parameterization"] = a.param;
    j["d"] = spec.d;
    j["m"] = spec.m;
    j["sigma2"] = to_fraction(spec.s2);
    if (spec.point == spectral::CertPoint::ZsFull) j["c"] = to_fraction(spec.c);
    j["method"] = cert.method;
    j["coordinates"] = cert.coordinates;
    j["inert"] = cert.inert;
    j["gradient_norm"] = cert.gradient_norm;
    j["gradient_exactly_zero"] = cert.gradient_exactly_zero;
    j["lambda_min"] = cert.lambda_min;
    j["lambda_max"] = cert.lambda_max;
    j["tolerance"] = cert.tolerance;
    j["zero_count"] = cert.zero_count;
    j["predicted_zero_count"] = cert.predicted_zero_count;
    j["prediction"] = cert.prediction;
    j["largest_zero"] = cert.largest_zero;
    j["smallest_nonzero"] = cert.smallest_nonzero;
    j["eigenvalues"] = cert.eigenvalues;
    j["stage_zero_counts"] = cert.stage_zero_counts;
    j["exact_zero_count"] = cert.exact_zero_count ? nlohmann::json(*cert.exact_zero_count) : nlohmann::json();
    j["exact_psd"] = cert.exact_psd ? nlohmann::json(*cert.exact_psd) : nlohmann::json();
    j["rayleigh50"] = cert.rayleigh50;
    j["flat_checks"] = nlohmann::json::array();
    for (const auto& f : cert.flat_checks)
      j["flat_checks"].push_back({{"stage", f.stage},
                                  {"family", f.why},
                                  {"directions", f.count},
                                  {"precision", f.exact ? "rational" : "50 digits"},
                                  {"residual", f.residual},
                                  {"bound", f.bound},
                                  {"flat", f.flat}});
    j["stages"] = nlohmann::json::array();
    for (const auto& st : cert.stages)
      j["stages"].push_back(
          {{"coordinates", st.coordinates},
           {"flat_directions", st.basis_size},
           {"basis_rank", st.basis_rank},
           {"basis_components", st.basis_components},
           {"lambda_max", st.lambda_max},
           {"tolerance", st.tolerance},
           {"mu", st.mu},
           {"deflated_lambda_min", st.spans_all ? nlohmann::json() : nlohmann::json(st.deflated_lambda_min)},
           {"spans_all", st.spans_all},
           {"deflated_smallest", st.deflated_smallest},
           {"dense_zero_count", st.dense_zero_count ? nlohmann::json(*st.dense_zero_count) : nlohmann::json()}});
    j["holds"] = cert.holds;
    j["why"] = cert.why;
    j["seconds"] = cert.seconds;
    return {j.dump(2) + "\n", status};
  }

  report::Table t;
  t.header = {"quantity", "value"};
  const auto row = [&](std::string k, std::string v) { t.rows.push_back({std::move(k), std::move(v)}); };
  row("coordinates", fmt::format("{} updated, {} inert (never read by the prediction)", cert.coordinates, cert.inert));
  row("gradient", cert.gradient_exactly_zero ? "exactly 0 (rational)" : show(cert.gradient_norm));
  row("lambda_min", show(cert.lambda_min));
  row("lambda_max", show(cert.lambda_max));
  row("tolerance", fmt::format("{} = 1e-9 max(1, |lambda|_max)", show(cert.tolerance)));
  row("predicted", fmt::format("{} = {}", cert.predicted_zero_count, cert.prediction));
  for (const auto& f : cert.flat_checks)
    row(fmt::format("(a) stage {} flat", f.stage),
        fmt::format("{} {}: {}", f.count, f.why,
                    f.exact ? (f.flat ? "H u = 0 exactly (rationals; u a random combination, a miss has P <= 2^-32)"
                                      : "H u != 0 (rationals), |H u|/|u| = " + show(f.residual))
                            : fmt::format("|H u|/|u| = {} {} {} (50 digits)", show(f.residual), f.flat ? "<=" : ">",
                                          show(f.bound))));
  for (std::size_t s = 0; s < cert.stages.size(); ++s) {
    const auto& st = cert.stages[s];
    row(fmt::format("(b) stage {} rank", s + 1),
        fmt::format("{} of {} predicted directions (exact, {} independent blocks, largest {}), on {} coordinates",
                    st.basis_rank, st.basis_size, st.basis_components, st.largest_component, st.coordinates));
    row(fmt::format("(c) stage {} deflated", s + 1),
        st.spans_all
            ? std::string("vacuous: the flat directions span every coordinate, so H = 0 there by (a)")
            : fmt::format("lambda_min(H + mu B B^T) = {} {} tol {} (mu = {})", show(st.deflated_lambda_min),
                          st.deflated_lambda_min > st.tolerance ? ">" : "<=", show(st.tolerance), show(st.mu)));
  }
  row("zero eigenvalues", fmt::format("{} = {} inert + {} certified flat directions", cert.zero_count, cert.inert,
                                      cert.zero_count - cert.inert));
  if (cert.stages.back().dense_zero_count)
    row("dense cross-check",
        fmt::format("{} zero eigenvalues (largest |lambda| counted as 0: {}; smallest nonzero: {})",
                    cert.inert + *cert.stages.back().dense_zero_count, show(cert.largest_zero),
                    show(cert.smallest_nonzero)));
  if (cert.stage_zero_counts.size() > 1) {
    std::vector<std::string> z;
    for (int c : cert.stage_zero_counts) z.push_back(std::to_string(c));
    row("zeros after each stage", join(z));
  }
  if (cert.exact_zero_count)
    row("exact (rationals)", fmt::format("{} zero eigenvalues; positive semidefinite: {}", *cert.exact_zero_count,
                                         *cert.exact_psd ? "proved (LDL^T on the range)" : "NOT proved"));
  if (!cert.rayleigh50.empty()) row("50-digit check", "Rayleigh quotients of the zero modes: " + join(cert.rayleigh50));
  row("smallest active eigenvalues", join(eig));
  row("verdict", fmt::format("{} ({}, {:.2f} s){}", cert.holds ? "HOLDS" : "FAILS", cert.method, cert.seconds,
                             cert.holds ? "" : ": " + cert.why));
  const std::string head = fmt::format("# Hessian certificate: {}; {}, d={}, sigma2={}\n", point_text(spec), a.param,
                                       spec.d, to_fraction(spec.s2));
  return {head + report::render_text(t), status};
}

}  // namespace

Runner add_hessian(CLI::App& app) {
  auto a = std::make_shared<HessianArgs>();
  app.add_option("--point", a->point, "pretrained | zs-full | v-only | v-fewshot | kq-fewshot")
      ->type_name("POINT")
      ->required()
      ->check(CLI::IsMember(spectral::cert_point_names()));
  add_parameterization(app, a->param);
  add_dimension(app, a->d, "at most 200");
  app.add_option("--m", a->m, "Pretraining shots: gamma = gamma*(m) (default 20)")->type_name("M");
  add_sigma2(app, a->sigma2);
  a->c_opt = app.add_option("--c", a->c, "The member F(c) for --point zs-full (default 1)")->type_name("C");
  a->nft_opt = app.add_option("--nft", a->nft, "Few-shot fine-tuning shots for v-fewshot and kq-fewshot (default 20)")
                   ->type_name("N");
  app.add_option("--k", a->k,
                 "How many of the smallest active eigenvalues to print (default 10); never changes the verdict")
      ->type_name("K");
  app.add_option("--method", a->method,
                 "How the deflated spectrum is computed: auto (default: dense up to 2000 active coordinates), "
                 "dense (full spectrum, also counts zeros as a cross-check), or spectra (matrix-free Lanczos)")
      ->type_name("METHOD")
      ->check(CLI::IsMember({"auto", "dense", "spectra"}));
  app.add_flag("--no-exact", a->no_exact, "Skip the exact rational rank and LDL^T (done up to 400 active coordinates)");
  app.add_flag("--flip-sign", a->flip,
               "Negate the label weight V[y,y] of the point first: a broken point whose certificate must fail");
  add_format(app, a->format, {"table", "json"});
  app.footer(
      "The certificate holds when the gradient is exactly 0 and, for every loss stage, (a) the Hessian maps each "
      "predicted flat direction to 0, (b) those directions are independent and as many as the theory counts, and "
      "(c) H + mu B B^T (B the flat directions) is positive definite: H >= 0 with null space exactly span(B).\n"
      "Exit status 0 when it holds, 1 when it fails, 2 on bad input. Every flat direction is derived in "
      "docs/certificates.md.\n"
      "Example: iclverify hessian --point pretrained --d 5 --m 20 --sigma2 1/10\n");
  return [a] { return job(hessian_request(*a), run_hessian); };
}

}  // namespace icl::cli
