#include "claims/verify.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "claims/ginac_rational.hpp"
#include "core/limits.hpp"
#include "core/number.hpp"
#include "poly/flint_poly.hpp"
#include "prove/proof.hpp"

namespace icl::claims {

const char* verdict_name(ClaimVerdict v) {
  switch (v) {
    case ClaimVerdict::Proved:
      return "PROVED";
    case ClaimVerdict::Refuted:
      return "REFUTED";
    case ClaimVerdict::Decided:
      return "DECIDED";
    case ClaimVerdict::Open:
      return "OPEN";
  }
  return "?";
}

nlohmann::json Decision::to_json() const {
  nlohmann::json j{
      {"file", file}, {"name", name}, {"kind", kind}, {"verdict", verdict_name(verdict)}, {"evidence", evidence}};
  if (!note.empty()) j["note"] = note;
  if (!counterexample.is_null()) j["counterexample"] = counterexample;
  if (!sets.is_null()) j["sets"] = sets;
  if (!limit.is_null()) j["limit"] = limit;
  if (mutants) j["mutants"] = {{"total", *mutants}, {"refuted", *refuted}, {"survivors", survivors}};
  return j;
}

namespace {

std::string print(const GiNaC::ex& e) {
  std::ostringstream os;
  os << e;
  return os.str();
}

// A polynomial with its terms in a fixed order (GiNaC prints terms in an order that follows its
// hash values, which change from run to run): by total degree, then by the names' exponents, the
// names sorted as n, d, s2, then alphabetically.
std::string print_polynomial(const GiNaC::ex& p) {
  const GiNaC::ex e = GiNaC::expand(p);
  std::vector<GiNaC::symbol> vars;
  for (auto it = e.preorder_begin(); it != e.preorder_end(); ++it)
    if (GiNaC::is_a<GiNaC::symbol>(*it)) vars.push_back(GiNaC::ex_to<GiNaC::symbol>(*it));
  auto rank = [](const GiNaC::symbol& v) {
    const std::string& n = v.get_name();
    return std::make_pair(n == "n" ? 0 : n == "d" ? 1 : n == "s2" ? 2 : 3, n);
  };
  std::sort(vars.begin(), vars.end(), [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
  vars.erase(std::unique(vars.begin(), vars.end(), [](const auto& a, const auto& b) { return a.is_equal(b); }),
             vars.end());
  struct Term {
    std::vector<int> exps;
    int total;
    GiNaC::ex coef;
  };
  std::vector<Term> terms;
  const std::size_t count = GiNaC::is_a<GiNaC::add>(e) ? e.nops() : 1;
  for (std::size_t i = 0; i < count; ++i) {
    const GiNaC::ex t = GiNaC::is_a<GiNaC::add>(e) ? e.op(i) : e;
    Term term{{}, 0, t};
    for (const auto& v : vars) {
      const int k = t.degree(v);
      term.exps.push_back(k);
      term.total += k;
      term.coef = term.coef.coeff(v, k);
    }
    terms.push_back(term);
  }
  std::sort(terms.begin(), terms.end(),
            [](const Term& a, const Term& b) { return a.total != b.total ? a.total > b.total : a.exps > b.exps; });
  std::string out;
  for (const auto& t : terms) {
    const GiNaC::numeric c = GiNaC::ex_to<GiNaC::numeric>(t.coef);
    std::string mono;
    for (std::size_t j = 0; j < vars.size(); ++j) {
      if (t.exps[j] == 0) continue;
      if (!mono.empty()) mono.push_back('*');
      mono.append(vars[j].get_name());
      if (t.exps[j] > 1) mono.append(fmt::format("^{}", t.exps[j]));
    }
    const GiNaC::numeric a = GiNaC::abs(c);
    std::string body = mono.empty() ? print(a) : a.is_equal(1) ? mono : print(a) + "*" + mono;
    out += out.empty() ? (c.is_negative() ? "-" : "") + body : (c.is_negative() ? " - " : " + ") + body;
  }
  return out.empty() ? "0" : out;
}

// A product of factors in a fixed order: the numeric factor first, then each polynomial factor
// (parenthesized when it has several terms, with its power) sorted by its text.
// The sum of p's degrees in each of its symbols: a bound on its total degree, found without expanding.
long degree_sum(const GiNaC::ex& p) {
  GiNaC::exset symbols;
  for (auto it = p.preorder_begin(); it != p.preorder_end(); ++it)
    if (GiNaC::is_a<GiNaC::symbol>(*it)) symbols.insert(*it);
  long sum = 0;
  for (const auto& x : symbols) sum += p.degree(x);
  return sum;
}

std::string print_factored(const GiNaC::ex& p) {
  // Factoring costs exponentially more with the degree: a large polynomial is printed expanded.
  if (degree_sum(p) > limits::kMaxFactoredDegree) return print_polynomial(p);
  const GiNaC::ex f = GiNaC::factor(p);
  std::vector<GiNaC::ex> factors;
  if (GiNaC::is_a<GiNaC::mul>(f))
    for (std::size_t i = 0; i < f.nops(); ++i) factors.push_back(f.op(i));
  else
    factors.push_back(f);
  GiNaC::numeric coef = 1;
  std::vector<std::string> parts;
  for (const auto& x : factors) {
    if (GiNaC::is_a<GiNaC::numeric>(x)) {
      coef *= GiNaC::ex_to<GiNaC::numeric>(x);
      continue;
    }
    GiNaC::ex base = x;
    std::string power;
    if (GiNaC::is_a<GiNaC::power>(x)) {
      base = x.op(0);
      power = "^" + print(x.op(1));
    }
    std::string text = print_polynomial(base);
    if (GiNaC::is_a<GiNaC::add>(GiNaC::expand(base)) || (!power.empty() && text.find('*') != std::string::npos))
      text = "(" + text + ")";
    parts.push_back(text + power);
  }
  if (parts.size() == 1 && coef.is_equal(1) && parts.front().front() == '(' &&
      parts.front().back() == ')')  // one polynomial: no parentheses
    return parts.front().substr(1, parts.front().size() - 2);
  std::sort(parts.begin(), parts.end());
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : "*") + part;
  if (out.empty()) return print(coef);
  if (coef.is_equal(1)) return out;
  if (coef.is_equal(-1)) return "-" + out;
  return print(coef) + "*" + out;
}

// "numerator/denominator", each factored in a fixed order; a polynomial as itself.
std::string show(const GiNaC::ex& e) {
  const GiNaC::ex nd = GiNaC::numer_denom(GiNaC::normal(e));
  const std::string num = print_factored(nd.op(0));
  if (nd.op(1).is_equal(1)) return num;
  const std::string den = print_factored(nd.op(1));
  auto wrap = [](const std::string& s) {
    int depth = 0;  // an operator outside parentheses (a leading sign aside) needs them
    for (std::size_t i = 0; i < s.size(); ++i) {
      depth += s[i] == '(' ? 1 : s[i] == ')' ? -1 : 0;
      if (depth == 0 && i > 0 && std::string_view("+-*/ ").find(s[i]) != std::string_view::npos) return "(" + s + ")";
    }
    return s;
  };
  return wrap(num) + "/" + wrap(den);
}

std::string exact_text(const Rational& q) { return to_fraction(q); }

// Candidate values of a variable for counterexamples, simplest first.
std::vector<Rational> candidates(const ClaimFile& f, const GiNaC::symbol& s) {
  if (s == f.n_sym) return {0, 1, 2, 3, 5, 10};
  if (s == f.d_sym) return {1, 2, 3, 5};
  if (s == f.s2_sym) return {0, Rational(1, 10), 1};
  if (const Symbol* sym = f.symbol(s.get_name())) return sym->assumption.samples(4);
  return {1, 2};
}

// The first point (every variable of `vars` a candidate value) where g is defined and nonzero.
std::optional<GiNaC::exmap> nonzero_point(const ClaimFile& f, const GiNaC::ex& g,
                                          const std::vector<GiNaC::symbol>& vars, const GiNaC::exmap& where,
                                          const std::vector<GiNaC::ex>& defined = {}) {
  std::vector<std::vector<Rational>> values;
  for (const auto& v : vars) values.push_back(candidates(f, v));
  std::vector<std::size_t> idx(vars.size(), 0);
  for (int tried = 0; tried < 20000; ++tried) {
    GiNaC::exmap at = where;
    for (std::size_t i = 0; i < vars.size(); ++i) {
      if (values[i].empty()) return std::nullopt;
      at[vars[i]] = to_numeric(values[i][idx[i]]);
    }
    const auto v = substitute(g, at);
    const bool all_defined = std::all_of(defined.begin(), defined.end(), [&](const GiNaC::ex& e) {
      const auto x = substitute(e, at);
      return x && rational_value(*x);
    });
    if (v && !v->is_zero() && rational_value(*v) && all_defined) return at;
    std::size_t i = 0;
    while (i < idx.size() && ++idx[i] == values[i].size()) idx[i++] = 0;
    if (i == idx.size()) break;
  }
  return std::nullopt;
}

nlohmann::json values_json(const GiNaC::exmap& at) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [s, v] : at) j[print(s)] = print(v);
  return j;
}

// "n = 1, d = 1, s2 = 0, gamma = 1/2": n, d and s2 first, then the symbols by name.
std::string values_text(const GiNaC::exmap& at) {
  std::vector<std::pair<int, std::string>> parts;
  for (const auto& [s, v] : at) {
    const std::string name = print(s);
    const int rank = name == "n" ? 0 : name == "d" ? 1 : name == "s2" ? 2 : 3;
    parts.push_back({rank, name + " = " + print(v)});
  }
  std::sort(parts.begin(), parts.end());
  std::string out;
  for (const auto& [rank, text] : parts) out += (out.empty() ? "" : ", ") + text;
  return out;
}

Polynomial<Rational> polynomial_in(const GiNaC::ex& p, const GiNaC::symbol& n) {
  Polynomial<Rational> out;
  const GiNaC::ex e = GiNaC::expand(p);
  for (int k = 0; k <= e.degree(n); ++k) {
    const auto c = rational_value(e.coeff(n, k));
    if (!c) throw std::logic_error("a sets expression kept a symbol other than n");
    out.coeffs.push_back(*c);
  }
  return out;
}

std::string coverage_text(const ClaimFile& f, const GiNaC::exmap& where, bool d_axis) {
  std::string d =
      f.d_value              ? fmt::format("d = {} (setting)", *f.d_value)
      : where.count(f.d_sym) ? fmt::format("d = {} (where)", show(where.at(f.d_sym)))
      : d_axis ? "every d >= 1 by the degree bound in d, confirmed at " + std::to_string(kConfirmations) + " more d"
               : "every d";
  return d + "; every other value where both sides are defined (an identity of rational functions)";
}

Decision opened(const ClaimFile& f, const Statement& s) {
  Decision d;
  d.file = f.path;
  d.name = s.name;
  d.kind = kind_name(s.kind);
  d.note = s.note;
  return d;
}

}  // namespace

GiNaC::ex Verifier::symbolic(const Expr& x, const GiNaC::exmap& where, AtomsUsed* used) try {
  GiNaC::exmap atoms;
  for (const auto& a : x.atoms) {
    const AtomFit& fit = cache_.get(f_, f_.families.at(a.family), a.task, where, k_);
    atoms[a.symbol] = fit.value.subs(GiNaC::exmap{{k_, a.shots.subs(where)}});
    if (used) {
      std::string axes;
      for (const auto& ax : fit.axes)
        axes += fmt::format("{}{} {}", axes.empty() ? "" : ", ", ax.name == "k" ? "n" : ax.name, ax.degree);
      const std::string text = fmt::format("risk({}, {}, .) from the engine at {} points (degrees {}; +{} nodes each)",
                                           a.family, task_name(a.task), fit.points, axes, kConfirmations);
      if (std::find(used->evidence.begin(), used->evidence.end(), text) == used->evidence.end())
        used->evidence.push_back(text);
      used->d_axis = used->d_axis || fit.d_axis;
      if (certify_) used->atoms[a.family + "|" + task_name(a.task)] = fit.certificate;
    }
  }
  return GiNaC::normal(x.e.subs(where).subs(atoms));
} catch (const std::domain_error&) {  // GiNaC: a pole, e.g. a shot count of -1
  throw undefined_at_where();
} catch (const std::overflow_error&) {  // GiNaC's normal(): a denominator that cancels to zero at them
  // Which of the two GiNaC meets first depends on its term order, which changes from run to run: the
  // message names neither, so that it is the same every time.
  throw undefined_at_where();
}

InputError Verifier::undefined_at_where() const {
  return InputError(
      fmt::format("{}: the expression is undefined at the values of where (it divides by zero there)", f_.path));
}

Rational Verifier::evaluate(const Expr& x, const GiNaC::exmap& values) {
  GiNaC::exmap atoms;
  for (const auto& a : x.atoms) {
    const auto shots = rational_value(a.shots.subs(values));
    if (!shots || denominator(*shots) != 1 || *shots < 0)
      throw InputError(fmt::format("{}: risk({}, ...): the shot count is not an integer >= 0 here", f_.path, a.family));
    atoms[a.symbol] =
        to_numeric(engine_risk(f_, f_.families.at(a.family), a.task, values, numerator(*shots).convert_to<long>()));
  }
  GiNaC::exmap all = values;
  all.insert(atoms.begin(), atoms.end());
  const auto v = substitute(x.e, all);
  const auto q = v ? rational_value(*v) : std::nullopt;
  if (!q) throw InputError(fmt::format("{}: the expression is undefined at these values", f_.path));
  return *q;
}

Decision Verifier::decide(const Statement& s) {
  if (s.in_all.size() > 1) {  // one derivative at a time, the other variables at `at`
    const GiNaC::ex at = s.at->e.subs(s.where);
    std::string names;
    bool d_fitted = false;
    nlohmann::json parts = nlohmann::json::array();
    for (const auto& v : s.in_all) {
      Statement one = s;
      one.in = v;
      one.in_all = {v};
      for (const auto& other : s.in_all)
        if (other != v) one.where[other] = at;
      Decision part = decide(one);
      if (part.verdict != ClaimVerdict::Proved) return part;
      names += (names.empty() ? "" : ", ") + v.get_name();
      d_fitted = d_fitted || part.d_fitted;
      if (certify_) parts.push_back(part.certificate["parts"][0]);
    }
    Decision out = opened(f_, s);
    out.verdict = ClaimVerdict::Proved;
    out.evidence = fmt::format("the derivative in each of {} is 0 at {} = {} (each with the others there); {}", names,
                               names, show(at), coverage_text(f_, s.where, d_fitted));
    out.d_fitted = d_fitted;
    if (certify_) out.certificate = {{"parts", parts}};
    return out;
  }
  try {
    return decide_once(s);
  } catch (const std::exception& e) {
    if (!dynamic_cast<const DegreeBoundError*>(&e) && !dynamic_cast<const std::length_error*>(&e)) throw;
    Decision out = opened(f_, s);
    out.verdict = ClaimVerdict::Open;
    if (f_.d_value || s.where.count(f_.d_sym)) {
      out.evidence = fmt::format("no exact formula for the risk atoms: {}", e.what());
      return out;
    }
    // one d at a time: the atoms lose their d axis
    constexpr int kDims = 8;
    for (int d = 1; d <= kDims; ++d) {
      Statement sd = s;
      sd.where[f_.d_sym] = d;
      Decision part = decide_once(sd);
      if (part.verdict == ClaimVerdict::Refuted) return part;
      if (part.verdict == ClaimVerdict::Open) {
        out.evidence = fmt::format("OPEN at d = {}: {}", d, part.evidence);
        return out;
      }
    }
    out.evidence = fmt::format("PROVED for d = 1..{}, each exactly; OPEN for every larger d: no degree bound in d ({})",
                               kDims, e.what());
    return out;
  }
}

Decision Verifier::decide_once(const Statement& s) {
  nlohmann::json part;
  Decision out = decide_part(s, part);
  if (certify_) out.certificate = {{"parts", nlohmann::json::array({part})}};
  return out;
}

Decision Verifier::decide_part(const Statement& s, nlohmann::json& part) {
  Decision out = opened(f_, s);
  AtomsUsed used;
  const GiNaC::ex E = symbolic(s.lhs, s.where, &used);
  const GiNaC::ex R = s.rhs ? symbolic(*s.rhs, s.where, &used) : GiNaC::ex(0);  // identity: right; limit: equals
  const GiNaC::ex At = s.at ? symbolic(*s.at, s.where, &used) : GiNaC::ex(0);   // stationary: the point
  std::string atoms_text;
  for (const auto& e : used.evidence) atoms_text += "; " + e;
  const bool d_axis = used.d_axis;
  out.d_fitted = d_axis;
  const GiNaC::symbol& n = f_.n_sym;
  // the certificate's part: where, the atoms' fits, and (below) what decided
  part = {{"where", values_json(s.where)}, {"atoms", used.atoms}};

  auto refute_at = [&](const GiNaC::exmap& at, const std::string& what, nlohmann::json extra) {
    out.verdict = ClaimVerdict::Refuted;
    extra["values"] = values_json(at);
    out.counterexample = extra;
    out.evidence = fmt::format("{} at {}", what, values_text(at));
  };

  switch (s.kind) {
    case StatementKind::Identity: {
      const GiNaC::ex diff = GiNaC::normal(E - R);
      part["left_minus_right"] = print(diff);
      if (diff.is_zero()) {
        out.verdict = ClaimVerdict::Proved;
        out.evidence = "left - right = 0 as a rational function (GiNaC normal form); " +
                       coverage_text(f_, s.where, d_axis) + atoms_text;
        return out;
      }
      const auto vars = free_symbols(f_, {&s.lhs, &*s.rhs}, s.where);
      const auto at = nonzero_point(f_, diff, vars, s.where, {E, R});
      if (!at) {
        out.evidence = "left - right is not 0 as a rational function, but no point within the assumptions was found";
        return out;
      }
      const Rational l = evaluate(s.lhs, *at), r = evaluate(*s.rhs, *at);
      if (l == r) {  // the engine at this point disagrees with the fitted formula
        out.evidence = "the fitted risk formula and the engine disagree at " + values_text(*at);
        return out;
      }
      nlohmann::json cx{{"lhs", exact_text(l)}, {"rhs", exact_text(r)}, {"difference", exact_text(l - r)}};
      // each family at the point, as a parameter file for `iclverify risk --params` (a check by hand)
      for (const Expr* side : {&s.lhs, &*s.rhs})
        for (const auto& a : side->atoms)
          cx["params"][a.family] = nlohmann::json::parse(family_params_json(f_, f_.families.at(a.family), *at));
      refute_at(*at,
                fmt::format("left = {}, right = {} (difference {}; both sides exact, atoms from the engine)",
                            prove::show(l), prove::show(r), prove::show(l - r)),
                cx);
      return out;
    }
    case StatementKind::Limit: {
      const GiNaC::ex nd = GiNaC::numer_denom(E);
      const GiNaC::ex num = GiNaC::expand(nd.op(0)), den = GiNaC::expand(nd.op(1));
      const int dn = num.degree(n), dd = den.degree(n);
      part["degree_numerator"] = dn;
      part["degree_denominator"] = dd;
      part["leading_numerator"] = print(num.coeff(n, dn));
      part["leading_denominator"] = print(den.coeff(n, dd));
      if (dn > dd) {
        out.limit = {{"value", "infinity"}};
        if (s.rhs) {
          out.verdict = ClaimVerdict::Refuted;
          out.counterexample = {{"limit", "infinity"}};
          out.evidence = fmt::format("the expression grows without bound (degree {} over degree {} in n)", dn, dd);
        } else {
          out.verdict = ClaimVerdict::Decided;
          out.evidence = "diverges as n -> infinity";
        }
        return out;
      }
      const GiNaC::ex L = dn < dd ? GiNaC::ex(0) : GiNaC::normal(num.coeff(n, dn) / den.coeff(n, dd));
      part["limit"] = print(L);
      out.limit = {{"value", show(L)}};
      if (!s.rhs) {
        out.verdict = ClaimVerdict::Decided;
        out.evidence = fmt::format("lim n->inf = {}{}", show(L), atoms_text);
        return out;
      }
      const GiNaC::ex& eq = R;
      out.limit["equals"] = show(eq);
      const GiNaC::ex diff = GiNaC::normal(L - eq);
      if (diff.is_zero()) {
        out.verdict = ClaimVerdict::Proved;
        out.evidence = fmt::format("lim n->inf = {} exactly (leading coefficients in n); {}{}", show(L),
                                   coverage_text(f_, s.where, d_axis), atoms_text);
        return out;
      }
      auto vars = free_symbols(f_, {&s.lhs, &*s.rhs}, s.where);
      vars.erase(vars.begin());  // not n
      const auto at = nonzero_point(f_, diff, vars, s.where, {L, eq});
      nlohmann::json cx{{"limit", show(L)}};
      if (at) {
        const Rational lv = *rational_value(L.subs(*at)), ev2 = *rational_value(eq.subs(*at));
        cx["limit_value"] = exact_text(lv);
        cx["equals_value"] = exact_text(ev2);
        refute_at(
            *at,
            fmt::format("the limit is {}, not {}: {} against {}", show(L), show(eq), prove::show(lv), prove::show(ev2)),
            cx);
      } else {
        out.verdict = ClaimVerdict::Refuted;
        out.counterexample = cx;
        out.evidence = fmt::format("the limit is {}, not {}", show(L), show(eq));
      }
      return out;
    }
    case StatementKind::Sets: {
      const GiNaC::ex nd = GiNaC::numer_denom(E);
      const Polynomial<Rational> num = polynomial_in(nd.op(0), n), den = polynomial_in(nd.op(1), n);
      const auto den_runs = sign_runs_any_degree(den);
      for (const auto& r : den_runs)
        if (r.sign == 0) {
          out.evidence = fmt::format("the expression is undefined at n = {}", r.lo);
          return out;
        }
      // num/den has the sign of num * den wherever den != 0
      const Polynomial<Rational> product{[&] {
        std::vector<Rational> c(num.coeffs.size() + den.coeffs.size(), Rational(0));
        for (std::size_t i = 0; i < num.coeffs.size(); ++i)
          for (std::size_t j = 0; j < den.coeffs.size(); ++j) c[i + j] += num.coeffs[i] * den.coeffs[j];
        return c;
      }()};
      std::vector<SignRun> runs;
      if (num.degree() < 0 || (num.degree() == 0 && num.coeff(0) == 0))
        runs = {{0, 0, std::nullopt}};
      else
        runs = sign_runs_any_degree(product);
      out.sets = {{"positive", prove::runs_json(runs, 1)},
                  {"zero", prove::runs_json(runs, 0)},
                  {"negative", prove::runs_json(runs, -1)}};
      if (certify_) {  // the sign polynomial's isolating intervals cost a FLINT isolation
        part["numerator"] = prove::fractions(num);
        part["denominator"] = prove::fractions(den);
        part["sign_polynomial"] = prove::sign_certificate(product);
        for (const auto& r : runs)
          part["runs"].push_back({{"sign", r.sign},
                                  {"lo", r.lo},
                                  {"hi", r.hi ? nlohmann::json(*r.hi) : nlohmann::json(nullptr)},
                                  {"sample", r.lo}});
      }
      const std::string described = fmt::format("> 0 for n in {}; = 0 for {}; < 0 for {}", describe_runs(runs, 1),
                                                describe_runs(runs, 0), describe_runs(runs, -1));
      const std::string how = fmt::format(
          "exact signs at every integer n >= 0 of a polynomial of degree {} "
          "(FLINT root isolation, no cut-off){}",
          num.degree() + den.degree(), atoms_text);
      if (!s.expect) {
        out.verdict = ClaimVerdict::Decided;
        out.evidence = described + "; " + how;
        return out;
      }
      auto sign_at = [&](long m) {
        for (const auto& r : runs)
          if (m >= r.lo && (!r.hi || m <= *r.hi)) return r.sign;
        return 2;
      };
      for (const auto& run : s.expect->runs) {
        const int sign = run.first;
        const auto& expected = run.second;  // the runs of `sign`, [lo, hi]
        auto in_expected = [&](long m) {
          for (const auto& [lo, hi] : expected)
            if (m >= lo && (!hi || m <= *hi)) return true;
          return false;
        };
        // the first n where membership differs: check every run boundary and its neighbours
        std::set<long> probes{0};
        for (const auto& r : runs) {
          probes.insert(r.lo);
          if (r.lo > 0) probes.insert(r.lo - 1);
          if (r.hi) probes.insert(*r.hi), probes.insert(*r.hi + 1);
        }
        for (const auto& [lo, hi] : expected) {
          probes.insert(lo);
          if (lo > 0) probes.insert(lo - 1);
          if (hi) probes.insert(*hi), probes.insert(*hi + 1);
        }
        for (long m : probes)
          if ((sign_at(m) == sign) != in_expected(m)) {
            GiNaC::exmap at = s.where;
            at[n] = m;
            const Rational v = evaluate(s.lhs, at);
            const char* which = sign > 0 ? "positive" : sign == 0 ? "zero" : "negative";
            refute_at(at,
                      fmt::format("expected {} {} at n = {}, but the value is {} ({})", which,
                                  in_expected(m) ? "" : "not", m, prove::show(v), described),
                      nlohmann::json{{"value", exact_text(v)}});
            return out;
          }
      }
      out.verdict = ClaimVerdict::Proved;
      out.evidence = described + " as expected; " + how;
      return out;
    }
    case StatementKind::Stationary: {
      const GiNaC::ex& at = At;
      const GiNaC::ex g = GiNaC::normal(GiNaC::diff(E, *s.in).subs(GiNaC::exmap{{*s.in, at}}));
      part["in"] = s.in->get_name();
      part["at"] = print(at);
      part["derivative"] = print(g);
      if (g.is_zero()) {
        out.verdict = ClaimVerdict::Proved;
        out.evidence = fmt::format("d/d{} = 0 at {} = {} as a rational function; {}{}", s.in->get_name(),
                                   s.in->get_name(), show(at), coverage_text(f_, s.where, d_axis), atoms_text);
        return out;
      }
      auto vars = free_symbols(f_, {&s.lhs, &*s.at}, s.where);
      if (!at.has(*s.in)) std::erase_if(vars, [&](const GiNaC::symbol& v) { return v == *s.in; });
      const auto point = nonzero_point(f_, g, vars, s.where);
      if (!point) {
        out.evidence = "the derivative is not 0 as a rational function, but no point within the assumptions was found";
        return out;
      }
      const Rational gv = *rational_value(g.subs(*point));
      refute_at(*point,
                fmt::format("d/d{} = {} at {} = {}", s.in->get_name(), prove::show(gv), s.in->get_name(), show(at)),
                nlohmann::json{{"derivative", exact_text(gv)}, {"derivative_function", show(g)}});
      return out;
    }
  }
  return out;
}

namespace {

struct Mutant {
  std::string what;
  StatementText text;
};

std::string replaced(const std::string& s, const Token& t, const std::string& with) {
  return s.substr(0, t.begin) + with + s.substr(t.end);
}

std::vector<Mutant> mutants_of(const ClaimFile& f, const StatementText& text) {
  std::vector<Mutant> out;
  using Field = std::string StatementText::*;
  const std::vector<std::pair<const char*, Field>> fields{
      {"left", &StatementText::lhs}, {"right", &StatementText::rhs}, {"at", &StatementText::at}};
  for (const auto& [label, field] : fields) {
    const std::string& s = text.*field;
    for (const auto& t : integer_literals(s)) {
      const long v = std::stol(s.substr(t.begin, t.end - t.begin));
      for (long w : {v + 1, v - 1}) {
        Mutant m{fmt::format("{}: {} -> {}", label, v, w), text};
        m.text.*field = replaced(s, t, w < 0 ? fmt::format("({})", w) : std::to_string(w));
        out.push_back(m);
      }
    }
    // task signs
    int occurrence = 0;
    for (const auto& t : identifier_occurrences(s, "theta0")) {
      std::size_t p = t.begin;
      while (p > 0 && s[p - 1] == ' ') --p;
      Mutant m{fmt::format("{}: task of risk #{} flipped", label, ++occurrence), text};
      m.text.*field = (p > 0 && s[p - 1] == '-') ? s.substr(0, p - 1) + s.substr(p) : replaced(s, t, "-theta0");
      out.push_back(m);
    }
  }
  for (const auto& [name, value] : text.where)
    for (const auto& t : integer_literals(value)) {
      const long v = std::stol(value.substr(t.begin, t.end - t.begin));
      for (long w : {v + 1, v - 1}) {
        Mutant m{fmt::format("where {}: {} -> {}", name, v, w), text};
        m.text.where[name] = replaced(value, t, w < 0 ? fmt::format("({})", w) : std::to_string(w));
        out.push_back(m);
      }
    }
  // symbols swapped
  std::vector<std::string> names;
  for (const auto& s : f.symbols) names.push_back(s.name);
  if (!f.d_value) names.push_back(f.d_name);
  if (!f.s2_value) names.push_back(f.s2_name);
  for (const auto& a : names)
    for (const auto& b : names) {
      if (a == b) continue;
      Mutant m{fmt::format("{} -> {}", a, b), text};
      bool any = false;
      for (const auto& [label, field] : fields) {
        std::string& s = m.text.*field;
        const auto occ = identifier_occurrences(s, a);
        any = any || !occ.empty();
        for (auto it = occ.rbegin(); it != occ.rend(); ++it) s = replaced(s, *it, b);
      }
      if (any) out.push_back(m);
    }
  return out;
}

}  // namespace

int Verifier::for_each_mutant(const Statement& s,
                              const std::function<bool(const std::string&, const Decision&)>& visit) {
  const bool certify = certify_;  // mutants get no certificates
  certify_ = false;
  int total = 0;
  std::set<std::string> seen;
  for (const auto& m : mutants_of(f_, s.text)) {
    const std::string key = m.text.lhs + "|" + m.text.rhs + "|" + m.text.at + "|" + nlohmann::json(m.text.where).dump();
    if (!seen.insert(key).second) continue;
    Decision d;
    try {
      d = decide(reparse_statement(f_, s, m.text));
    } catch (const InputError&) {
      continue;  // not a well-formed statement (e.g. a division by zero): not a mutant
    } catch (const std::domain_error&) {
      continue;  // GiNaC met a pole: likewise
    } catch (const std::overflow_error&) {
      continue;  // or a denominator that cancels to zero
    }
    ++total;
    if (!visit(m.what, d)) break;
  }
  certify_ = certify;
  return total;
}

void Verifier::mutate(const Statement& s, Decision& original) {
  int refuted = 0;
  original.mutants = for_each_mutant(s, [&](const std::string& what, const Decision& d) {
    const bool caught = d.verdict == ClaimVerdict::Refuted || (original.verdict == ClaimVerdict::Decided &&
                                                               (d.sets != original.sets || d.limit != original.limit));
    if (caught)
      ++refuted;
    else
      original.survivors.push_back(what);
    return true;
  });
  original.refuted = refuted;
}

std::optional<Verifier::Refutation> Verifier::first_refuted_mutant(const Statement& s) {
  std::optional<Refutation> out;
  for_each_mutant(s, [&](const std::string& what, const Decision& d) {
    if (d.verdict == ClaimVerdict::Refuted) out = Refutation{what, d};
    return !out;
  });
  return out;
}

}  // namespace icl::claims

namespace icl::claims {

FamilyCurves family_curves(const ClaimFile& f, const std::string& family, const std::string& values,
                           const std::vector<long>& shots) {
  const auto it = f.families.find(family);
  if (it == f.families.end()) {
    std::string names;
    for (const auto& [name, fam] : f.families) names += (names.empty() ? "" : ", ") + name;
    throw InputError(fmt::format("--family: {} has no family '{}' (families: {})", f.path, family, names));
  }
  // "gamma=10/13,c=1" -> symbol -> number
  GiNaC::exmap at;
  std::string shown;
  for (const auto& item : split_items(values, "--where")) {
    const auto eq = item.find('=');
    if (eq == std::string::npos) throw InputError(fmt::format("--where: '{}' is not NAME=VALUE", item));
    std::string name = item.substr(0, eq);
    name.erase(name.find_last_not_of(' ') + 1);
    const Rational v = parse_rational(item.substr(eq + 1), "--where " + name);
    at[fixed_symbol(f, name, v, "--where")] = to_numeric(v);
    shown += (shown.empty() ? "" : ", ") + name + " = " + to_fraction(v);
  }
  Expr probe;  // the family's free names, through a risk atom
  probe.atoms.push_back({GiNaC::symbol("r"), family, TaskKind::Theta0, f.n_sym});
  probe.e = probe.atoms.front().symbol;
  for (const auto& s : free_symbols(f, {&probe}, at))
    if (s != f.n_sym) throw InputError(fmt::format("--where: give {} a value", s.get_name()));
  FamilyCurves out;
  out.caption = fmt::format("Exact risk of family {} of {}{}{} on theta0, -theta0 and the sphere", family, f.path,
                            shown.empty() ? "" : " at ", shown);
  out.shots = shots;
  for (long n : shots) {
    std::array<Rational, 3> row;
    int i = 0;
    for (TaskKind t : {TaskKind::Theta0, TaskKind::MinusTheta0, TaskKind::Sphere})
      row[static_cast<std::size_t>(i++)] = engine_risk(f, it->second, t, at, n);
    out.risk.push_back(row);
  }
  return out;
}

}  // namespace icl::claims
