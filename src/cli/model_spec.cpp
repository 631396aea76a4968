#include "cli/model_spec.hpp"

#include <fmt/format.h>

#include <map>
#include <stdexcept>

#include "cli/inputs.hpp"
#include "closed_form/pretrained.hpp"
#include "core/number.hpp"
#include "exact/heads.hpp"
#include "exact/two_layer.hpp"
#include "model/families.hpp"
#include "model/params_file.hpp"
#include "poly/tensor_fit.hpp"

namespace icl::cli {

namespace {

const std::vector<std::string> kFamilies{"pretrained", "zs-full", "v-only"};

bool is_family(const std::string& text) {
  const auto colon = text.find(':');
  return colon != std::string::npos &&
         std::find(kFamilies.begin(), kFamilies.end(), text.substr(0, colon)) != kFamilies.end();
}

// "gamma=10/13,b=1/9" -> {gamma: "10/13", b: "1/9"}; only the keys in `allowed`.
std::map<std::string, std::string> read_fields(const std::string& body, const std::vector<std::string>& allowed,
                                               const std::string& flag) {
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start <= body.size()) {
    const std::size_t end = std::min(body.find(',', start), body.size());
    const std::string item = body.substr(start, end - start);
    const auto eq = item.find('=');
    const std::string key = item.substr(0, eq);
    if (eq == std::string::npos || std::find(allowed.begin(), allowed.end(), key) == allowed.end() || out.count(key))
      throw InputError(fmt::format("{}: '{}' is not one of {}=VALUE (each at most once)", flag, item,
                                   fmt::join(allowed, "=VALUE, ")));
    out[key] = item.substr(eq + 1);
    start = end + 1;
  }
  return out;
}

Model family_model(const std::string& text, const std::string& flag, const Vec<Rational>& theta0, const Rational& s2) {
  const auto colon = text.find(':');
  const std::string family = text.substr(0, colon), body = text.substr(colon + 1);
  const int d = static_cast<int>(theta0.size());
  const auto number = [&](const std::string& key, const std::string& value) {
    return parse_rational(value, fmt::format("{} ({})", flag, key));
  };
  if (family == "pretrained") {
    const auto f = read_fields(body, {"gamma", "m"}, flag);
    if (f.size() != 1) throw InputError(fmt::format("{}: pretrained needs exactly one of gamma=G or m=M", flag));
    if (f.count("gamma")) {
      const Rational g = number("gamma", f.at("gamma"));
      return {pretrained_params(d, g), fmt::format("P(gamma={})", to_fraction(g))};
    }
    const long m = parse_integer(f.at("m"), flag + " (m)", 0, 1000000000);
    const Rational g = closed_form::gamma_star(m, Setting<Rational>{d, s2});
    return {pretrained_params(d, g), fmt::format("P(gamma*({})={})", m, to_fraction(g))};
  }
  if (family == "zs-full") {
    const auto f = read_fields(body, {"c"}, flag);
    if (!f.count("c")) throw InputError(fmt::format("{}: zs-full needs c=C", flag));
    const Rational c = read_c(f.at("c"), fmt::format("{} (c)", flag));
    return {full_ft_params(theta0, c), fmt::format("F(c={})", to_fraction(c))};
  }
  const auto f = read_fields(body, {"w", "b"}, flag);
  if (!f.count("w")) throw InputError(fmt::format("{}: v-only needs w=W (and optionally b=B)", flag));
  const Rational w = number("w", f.at("w"));
  const Rational b = f.count("b") ? number("b", f.at("b")) : Rational(1, d + 4);
  return {value_only_params(Vec<Rational>(b * theta0), w),
          fmt::format("V(b={} theta0, w={})", to_fraction(b), to_fraction(w))};
}

}  // namespace

void add_curve_options(CLI::App& app, CurveOptions& o, const std::string& d_note, const std::string& format_note) {
  add_dimension(app, o.d, d_note);
  add_sigma2(app, o.sigma2);
  add_format(app, o.format, {"table", "json"}, format_note);
}

std::optional<int> file_dimension(const std::string& text, const std::string& flag) {
  if (is_family(text)) return std::nullopt;
  return read_arch_params(text, std::nullopt, false, flag).d;
}

std::optional<Arch<Rational>> read_layers(const std::string& text, const std::string& flag, std::optional<int> d) {
  if (is_family(text)) return std::nullopt;
  ArchParamsFile file = read_arch_params(text, d, false, flag);
  if (file.arch.L() == 1 && file.arch.H() == 1) return std::nullopt;
  // L >= 3 has no exact engine; the two-layer engine's cost grows like d^8 (exact/two_layer/risk.hpp).
  if (file.arch.L() > 2 || (file.arch.L() == 2 && file.arch.d() > exact::two_layer::kMaxD))
    throw InputError(fmt::format("{}: {} has L = {}, d = {}; the exact engine covers L <= 2 (two layers with d <= {})",
                                 flag, text, file.arch.L(), file.arch.d(), exact::two_layer::kMaxD));
  return std::move(file.arch);
}

Model read_model(const std::string& text, const std::string& flag, const Vec<Rational>& theta0, const Rational& s2) {
  if (is_family(text)) return family_model(text, flag, theta0, s2);
  return {read_params_file(text, flag).as_merged(), text};
}

int resolve_dimension(const std::string& d_text, const std::vector<std::pair<std::string, std::string>>& models) {
  std::optional<int> d;
  if (!d_text.empty()) d = read_dimension(d_text, 10000);
  for (const auto& [text, flag] : models) {
    const auto fd = file_dimension(text, flag);
    if (!fd) continue;
    if (d && *d != *fd)
      throw InputError(
          fmt::format("{}: the parameter file has d = {}, but d = {} (from --d or the other model)", flag, *fd, *d));
    d = fd;
  }
  if (!d) throw InputError("--d is required when no parameter file gives d");
  return *d;
}

Polynomial<Rational> risk_numerator(const Model& m, const exact::TaskLaw<Rational>& task, const Rational& s2) {
  return curve_numerator([&](long n) { return exact::risk(m.params, task, n, s2); });
}

ExactRisk exact_risk(const Model& m, const exact::TaskLaw<Rational>& task, const Rational& s2) {
  Polynomial<Rational> p = risk_numerator(m, task, s2);
  const Rational limit = p.coeff(2);
  return {std::move(p), 2, limit};
}

ExactRisk exact_risk(const Arch<Rational>& layers, const exact::TaskLaw<Rational>& task, const Rational& s2) {
  if (layers.L() == 1) {  // H heads of one layer: (n + 1)^2 R(n) has degree <= 2, as for one head
    Polynomial<Rational> p = curve_numerator([&](long n) { return exact::arch_risk(layers, task, n, s2); });
    const Rational limit = p.coeff(2);
    return {std::move(p), 2, limit};
  }
  const auto r = exact::two_layer::risk_polynomial(layers, task, s2);
  return {Polynomial<Rational>{r.numerator}, r.power, r.limit()};
}

Polynomial<Rational> times_n_plus_1_power(Polynomial<Rational> p, int k) {
  for (int i = 0; i < k; ++i) {
    Polynomial<Rational> next{std::vector<Rational>(p.coeffs.size() + 1, Rational(0))};
    for (std::size_t j = 0; j < p.coeffs.size(); ++j) {
      next.coeffs[j] += p.coeffs[j];
      next.coeffs[j + 1] += p.coeffs[j];
    }
    p = std::move(next);
  }
  return p;
}

Polynomial<Rational> numerator_over(const ExactRisk& r, int power) {
  if (power < r.power) throw std::logic_error("numerator_over: the denominator power can only grow");
  return times_n_plus_1_power(r.numerator, power - r.power);
}

std::string polynomial_text(const Polynomial<Rational>& p, const std::string& var) {
  MultiPolynomial m{{var}, {}};
  for (int k = 0; k <= p.degree(); ++k)
    if (p.coeff(k) != 0) m.terms[{k}] = p.coeff(k);
  return m.to_string();
}

}  // namespace icl::cli
