#include "claims/atoms.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "claims/ginac_rational.hpp"
#include "core/number.hpp"
#include "exact/risk.hpp"

namespace icl::claims {

namespace {

// The coefficients of a family after `fixed`: the value row's and M's, normalized.
struct Coefficients {
  std::vector<GiNaC::ex> v, m;
  GiNaC::ex qv = 1, qm = 1;  // common denominators
};

GiNaC::ex common_denominator(const std::vector<GiNaC::ex>& coefs) {
  GiNaC::ex q = 1;
  for (const auto& c : coefs) q = GiNaC::lcm(q, GiNaC::denom(c));
  return GiNaC::expand(q);
}

Coefficients coefficients(const Family& fam, const GiNaC::exmap& fixed) {
  Coefficients out;
  for (const auto& c : fam.V.coefficients(true)) out.v.push_back(GiNaC::normal(c.subs(fixed)));
  for (const auto& c : fam.M.coefficients(false)) out.m.push_back(GiNaC::normal(c.subs(fixed)));
  out.qv = common_denominator(out.v);
  out.qm = common_denominator(out.m);
  return out;
}

// h(x): the largest degree in x of a numerator over the common denominator q, or of q.
int homogeneous_degree(const std::vector<GiNaC::ex>& coefs, const GiNaC::ex& q, const GiNaC::symbol& x) {
  int h = q.degree(x);
  for (const auto& c : coefs) h = std::max(h, GiNaC::expand(GiNaC::normal(c * q)).degree(x));
  return h;
}

exact::TaskLaw<Rational> task_law(TaskKind task, int d) {
  if (task == TaskKind::Sphere) return exact::TaskLaw<Rational>::sphere();
  Vec<Rational> t = Vec<Rational>::Zero(d);
  t(0) = task == TaskKind::Theta0 ? 1 : -1;
  return exact::TaskLaw<Rational>::fixed(t);
}

Rational value_of(const GiNaC::ex& e, const GiNaC::exmap& values) {
  const auto v = substitute(e, values);
  const auto q = v ? rational_value(*v) : std::nullopt;
  if (!q) {
    std::ostringstream os;
    os << e;
    throw InputError(fmt::format("the coefficient {} is undefined at these values", os.str()));
  }
  return *q;
}

// d at `values`: the setting's number, or the value given to the symbol d.
int dimension(const ClaimFile& f, const GiNaC::exmap& values) {
  return f.d_value ? *f.d_value : static_cast<int>(numerator(value_of(f.d(), values)).convert_to<long>());
}

// v (the value row) and M at concrete values, d given.
std::pair<Vec<Rational>, Mat<Rational>> concrete_point(const Family& fam, int d, const GiNaC::exmap& values) {
  auto eval = [&](const GiNaC::ex& e) { return value_of(e, values); };
  const Mat<Rational> V = fam.V.concrete(d, eval);
  return {Vec<Rational>(V.row(d + 1).transpose()), fam.M.concrete(d, eval)};
}

struct Variable {
  GiNaC::symbol sym;
  int degree;
  Rational x0;
  std::string reason;
};

std::string text_of(const GiNaC::ex& e) {
  std::ostringstream os;
  os << e;
  return os.str();
}

// The coefficients as named blocks, each times its common denominator (a polynomial), for a
// certificate: a reader checks block * q = polynomial and reads the degrees h off them.
nlohmann::json coefficient_json(const std::vector<GiNaC::ex>& coefs, const GiNaC::ex& q,
                                const std::vector<std::string>& names) {
  nlohmann::json blocks = nlohmann::json::object(), times_q = nlohmann::json::object();
  for (std::size_t i = 0; i < coefs.size(); ++i) {
    blocks[names[i]] = text_of(coefs[i]);
    times_q[names[i]] = text_of(GiNaC::expand(GiNaC::normal(coefs[i] * q)));
  }
  return {{"blocks", blocks}, {"q", text_of(q)}, {"times_q", times_q}};
}

nlohmann::json fit_certificate(const Family& fam, TaskKind task, const Coefficients& c,
                               const std::vector<Variable>& vars, const std::vector<GridAxis>& axes,
                               const GiNaC::ex& den, const std::vector<Rational>& values, const MultiPolynomial& num) {
  nlohmann::json j{{"family", fam.name},
                   {"task", task_name(task)},
                   {"value_row", coefficient_json(c.v, c.qv, {"y0", "yx", "yy"})},
                   {"M", coefficient_json(c.m, c.qm, {"00", "0x", "0y", "x0", "xx_I", "xx_P", "xy"})},
                   {"denominator", text_of(den)}};
  for (std::size_t i = 0; i < axes.size(); ++i)
    j["variables"].push_back({{"name", axes[i].name},
                              {"first", to_fraction(axes[i].x0)},
                              {"step", to_fraction(axes[i].h)},
                              {"degree", axes[i].degree},
                              {"nodes", axes[i].nodes},
                              {"reason", i < vars.size() ? vars[i].reason
                                                         : "(k+1)^2 R(k) = (k+1)^2 (|t|^2 + s2) - 2 (k+1)(k a + b) + "
                                                           "(k c + k(k-1) e + 2 k f + g), a..g free of k"}});
  j["values"] = nlohmann::json::array();
  for (const auto& v : values) j["values"].push_back(to_fraction(v));
  j["numerator"] = nlohmann::json::array();
  for (const auto& [exps, coef] : num.terms) {
    nlohmann::json term(exps);
    term.push_back(to_fraction(coef));
    j["numerator"].push_back(term);
  }
  return j;
}

}  // namespace

AtomFit fit_atom(const ClaimFile& f, const Family& fam, TaskKind task, const GiNaC::exmap& fixed,
                 const GiNaC::symbol& k, long max_points) {
  const Coefficients c = coefficients(fam, fixed);
  // the variables: the symbols the coefficients still contain, and d, s2 when symbolic and not fixed
  GiNaC::exset seen;
  for (const auto* list : {&c.v, &c.m})
    for (const auto& e : *list)
      for (auto it = e.preorder_begin(); it != e.preorder_end(); ++it)
        if (GiNaC::is_a<GiNaC::symbol>(*it)) seen.insert(*it);
  const bool d_free = !f.d_value && !fixed.count(f.d_sym);
  const bool s2_free = !f.s2_value && !fixed.count(f.s2_sym);
  if (d_free) seen.insert(f.d_sym);
  if (s2_free) seen.insert(f.s2_sym);
  const bool sphere_d = task == TaskKind::Sphere && d_free;

  std::vector<Variable> vars;
  for (const auto& s : seen) {
    const auto& x = GiNaC::ex_to<GiNaC::symbol>(s);
    const int hv = homogeneous_degree(c.v, c.qv, x), hm = homogeneous_degree(c.m, c.qm, x);
    int degree = 2 * hv + 2 * hm;
    Rational x0 = 1;
    std::string reason =
        fmt::format("2 h_v + 2 h_M = 2*{} + 2*{}: the risk has degree <= 2 in the value row and <= 2 in M", hv, hm);
    if (x == f.d_sym) {
      degree += sphere_d ? 3 : 2;
      reason += sphere_d ? "; + 3: at most two trace loops of I and P, and E[theta theta^T] = I/d times d on the sphere"
                         : "; + 2: at most two trace loops of I and P (M occurs twice in the squared prediction)";
    }
    if (x == f.s2_sym) {
      degree += 2, x0 = 0;
      reason += "; + 2: the labels enter the squared prediction at most four times";
    }
    vars.push_back({x, degree, x0, reason});
  }
  // a fixed order (d, s2, then the symbols by name), so that grids and evidence do not depend on
  // GiNaC's internal ordering of symbols
  auto rank = [&](const Variable& v) {
    return std::make_pair(v.sym == f.d_sym ? 0 : v.sym == f.s2_sym ? 1 : 2, v.sym.get_name());
  };
  std::sort(vars.begin(), vars.end(), [&](const Variable& a, const Variable& b) { return rank(a) < rank(b); });
  const GiNaC::ex den_free = GiNaC::pow(c.qv, 2) * GiNaC::pow(c.qm, 2) * (sphere_d ? GiNaC::ex(f.d_sym) : 1);

  // symbols start at 1 and move by thirds until no denominator vanishes on the grid
  for (int attempt = 0;; ++attempt) {
    std::vector<GridAxis> axes;
    long points = 1;
    for (const auto& v : vars) {
      Rational x0 = v.x0;
      if (v.sym != f.d_sym && v.sym != f.s2_sym) x0 += Rational(attempt, 3);
      axes.push_back({v.sym.get_name(), x0, 1, v.degree, v.degree + 1 + kConfirmations});
      points *= axes.back().nodes;
    }
    axes.push_back({"k", 0, 1, 2, 3 + kConfirmations});
    if (points > max_points)
      throw std::length_error(fmt::format("{} engine points would be needed (more than {})", points, max_points));
    std::vector<long> shots;
    for (int i = 0; i < axes.back().nodes; ++i) shots.push_back(i);
    std::vector<GridAxis> outer(axes.begin(), axes.end() - 1);
    std::vector<Rational> values;
    bool pole = false;
    for (const auto& x : grid_points(outer)) {
      GiNaC::exmap at = fixed;
      for (std::size_t i = 0; i < vars.size(); ++i) at[vars[i].sym] = to_numeric(x[i]);
      const int d = dimension(f, at);
      const Rational s2 = value_of(f.s2(), at);
      const auto den_value = substitute(den_free, at);
      const auto den = den_value ? rational_value(*den_value) : std::nullopt;
      if (!den || *den == 0) {
        pole = true;
        break;
      }
      const auto [v, M] = concrete_point(fam, d, at);
      const auto curve = exact::PreparedPoint<Rational>(v, M).curve(task_law(task, d), shots, s2);
      for (std::size_t i = 0; i < shots.size(); ++i)
        values.push_back(curve[i] * Rational((shots[i] + 1) * (shots[i] + 1)) * *den);
    }
    if (pole) {
      if (attempt > 20) throw std::length_error("no grid avoids the zeros of the family's denominators");
      continue;
    }
    const MultiPolynomial num = fit_tensor(axes, values);
    GiNaC::ex poly = 0;
    for (const auto& [exps, coef] : num.terms) {
      GiNaC::ex term = to_numeric(coef);
      for (std::size_t i = 0; i < vars.size(); ++i) term *= GiNaC::pow(vars[i].sym, exps[i]);
      term *= GiNaC::pow(k, exps.back());
      poly += term;
    }
    AtomFit fit;
    fit.value = poly / (GiNaC::pow(k + 1, 2) * den_free);
    fit.axes = axes;
    fit.points = points;
    fit.d_axis = d_free;
    fit.certificate = fit_certificate(fam, task, c, vars, axes, den_free, values, num);
    return fit;
  }
}

Rational engine_risk(const ClaimFile& f, const Family& fam, TaskKind task, const GiNaC::exmap& values, long n) {
  const int d = dimension(f, values);
  const auto [v, M] = concrete_point(fam, d, values);
  return exact::PreparedPoint<Rational>(v, M).risk(task_law(task, d), n, value_of(f.s2(), values));
}

std::string family_params_json(const ClaimFile& f, const Family& fam, const GiNaC::exmap& values) {
  const int d = dimension(f, values);
  auto eval = [&](const GiNaC::ex& e) { return value_of(e, values); };
  const Mat<Rational> V = fam.V.concrete(d, eval), M = fam.M.concrete(d, eval);
  auto rows = [](const Mat<Rational>& m) {
    std::string out = "[";
    for (int i = 0; i < m.rows(); ++i) {
      out += i ? ", [" : "[";
      for (int j = 0; j < m.cols(); ++j) out += (j ? ", \"" : "\"") + to_fraction(m(i, j)) + "\"";
      out += "]";
    }
    return out + "]";
  };
  return fmt::format("{{\"V\": {}, \"Q\": {}}}", rows(V), rows(M));
}

const AtomFit& AtomCache::get(const ClaimFile& f, const Family& fam, TaskKind task, const GiNaC::exmap& fixed,
                              const GiNaC::symbol& k) {
  std::ostringstream key;
  key << fam.name << "|" << task_name(task);
  for (const auto& [s, v] : fixed) key << "|" << s << "=" << v;
  const auto it = fits_.find(key.str());
  if (it != fits_.end()) return it->second;
  return fits_.emplace(key.str(), fit_atom(f, fam, task, fixed, k, max_points_)).first->second;
}

}  // namespace icl::claims
