#include "prove/proof.hpp"

#include <fmt/format.h>

namespace icl::prove {

const char* proof_verdict_name(ProofVerdict v) {
  switch (v) {
    case ProofVerdict::Proved:
      return "PROVED";
    case ProofVerdict::Refuted:
      return "REFUTED";
    case ProofVerdict::Open:
      return "OPEN";
  }
  return "?";
}

std::string show(const Rational& q) {
  if (boost::multiprecision::denominator(q) == 1) return to_fraction(q);
  return fmt::format("{} (= {})", to_fraction(q), to_decimal(to_float50(q), 6));
}

long as_long(const Rational& x) { return static_cast<long>(boost::multiprecision::numerator(x)); }

std::string all_d_text(const GridAxis& d) {
  return fmt::format("d = 1..{} on the grid; every d by the degree <= {} in d, confirmed at {} more d", d.nodes,
                     d.degree, d.confirmations());
}

GridAxis n_axis(int degree, const std::string& name) { return {name, Rational(0), Rational(1), degree, degree + 4}; }
GridAxis d_axis(const ProofOptions& o) { return {"d", Rational(1), Rational(1), 2, o.full ? 12 : 5}; }
GridAxis s2_axis(int degree) { return {"s2", Rational(0), Rational(1), degree, degree + 4}; }
GridAxis param_axis(const std::string& name, const Rational& x0, int degree) {
  return {name, x0, Rational(1), degree, degree + 4};
}

nlohmann::json axes_json(const std::vector<GridAxis>& axes) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& ax : axes)
    out.push_back({{"variable", ax.name},
                   {"degree_bound", ax.degree},
                   {"nodes", fmt::format("{}, {}, ..., {}", to_fraction(ax.node(0)), to_fraction(ax.node(1)),
                                         to_fraction(ax.node(ax.nodes - 1)))},
                   {"confirmation_nodes", ax.confirmations()}});
  return out;
}

namespace {

nlohmann::json point_json(const std::vector<GridAxis>& axes, const GridPoint& x) {
  nlohmann::json out = nlohmann::json::object();
  for (std::size_t j = 0; j < axes.size(); ++j) out[axes[j].name] = to_fraction(x[j]);
  return out;
}

std::string point_text(const std::vector<GridAxis>& axes, const GridPoint& x) {
  std::string out;
  for (std::size_t j = 0; j < axes.size(); ++j)
    out += fmt::format("{}{}={}", j ? " " : "", axes[j].name, to_fraction(x[j]));
  return out;
}

}  // namespace

Proof prove_identity(const std::string& what, const std::vector<GridAxis>& axes, const GridFunction& lhs,
                     const GridFunction& rhs) {
  nlohmann::json cert{{"identity", what}, {"grid", axes_json(axes)}};
  std::vector<Rational> values;
  const auto points = grid_points(axes);
  for (const auto& x : points) {
    const Rational a = lhs(x), b = rhs(x);
    if (a != b) {
      cert["counterexample"] = {{"point", point_json(axes, x)}, {"lhs", to_fraction(a)}, {"rhs", to_fraction(b)}};
      return {ProofVerdict::Refuted,
              fmt::format("{}: differs at {}: {} vs {}", what, point_text(axes, x), show(a), show(b)), cert};
    }
    values.push_back(a);
  }
  try {
    const MultiPolynomial p = fit_tensor(axes, values);
    cert["polynomial"] = p.to_string();
    cert["grid_points"] = points.size();
    return {ProofVerdict::Proved, fmt::format("{}: equal on a grid of {} points", what, points.size()), cert};
  } catch (const DegreeBoundError& e) {
    cert["degree_bound_error"] = e.what();
    return {ProofVerdict::Open, fmt::format("{}: degree bound wrong: {}", what, e.what()), cert};
  }
}

Proof all_of(const std::string& summary, const std::vector<Proof>& parts) {
  nlohmann::json cert{{"parts", nlohmann::json::array()}};
  for (const auto& p : parts) cert["parts"].push_back(p.certificate);
  for (ProofVerdict v : {ProofVerdict::Refuted, ProofVerdict::Open})
    for (const auto& p : parts)
      if (p.verdict == v) return {v, p.summary, cert};
  return {ProofVerdict::Proved, summary, cert};
}

nlohmann::json runs_json(const std::vector<SignRun>& runs, int sign) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : runs)
    if (r.sign == sign) out.push_back({r.lo, r.hi ? nlohmann::json(*r.hi) : nlohmann::json(nullptr)});
  return out;
}

nlohmann::json roots_json(const std::vector<RootInterval>& roots) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : roots)
    out.push_back({{"lo", to_fraction(r.lo)},
                   {"hi", to_fraction(r.hi)},
                   {"approx", to_decimal(to_float50(Rational((r.lo + r.hi) / 2)), 8)}});
  return out;
}

std::vector<std::string> fractions(const Polynomial<Rational>& p) {
  std::vector<std::string> out;
  for (int k = 0; k <= p.degree(); ++k) out.push_back(to_fraction(p.coeff(k)));
  return out;
}

nlohmann::json sign_certificate(const Polynomial<Rational>& p) {
  nlohmann::json cert{{"polynomial_ascending", fractions(p)}};
  if (p.degree() < 0) return cert;
  cert["real_roots"] = roots_json(isolate_real_roots(p, Rational(1, 1 << 20)));
  const auto runs = sign_runs_any_degree(p);
  cert["positive"] = runs_json(runs, 1);
  cert["zero"] = runs_json(runs, 0);
  cert["negative"] = runs_json(runs, -1);
  return cert;
}

}  // namespace icl::prove
