#include "poly/tensor_fit.hpp"

#include <fmt/format.h>

#include <numeric>
#include <set>

namespace icl {

namespace {

using Terms = std::map<std::vector<int>, Rational>;

std::size_t stride_after(const std::vector<GridAxis>& axes, std::size_t k) {
  std::size_t s = 1;
  for (std::size_t j = k + 1; j < axes.size(); ++j) s *= static_cast<std::size_t>(axes[j].nodes);
  return s;
}

// The polynomial in axes k.. of the sub-grid starting at `offset`.
Terms fit_from(const std::vector<GridAxis>& axes, const std::vector<Rational>& values, std::size_t k,
               std::size_t offset) {
  if (k == axes.size()) return values[offset] == 0 ? Terms{} : Terms{{{}, values[offset]}};
  const GridAxis& ax = axes[k];
  const std::size_t stride = stride_after(axes, k);
  std::vector<Terms> sub;
  std::set<std::vector<int>> keys;
  for (int i = 0; i < ax.nodes; ++i) {
    sub.push_back(fit_from(axes, values, k + 1, offset + static_cast<std::size_t>(i) * stride));
    for (const auto& [e, c] : sub.back()) keys.insert(e);
  }
  Terms out;
  for (const auto& key : keys) {
    const auto at = [&](const Rational& x) {
      const auto i = static_cast<std::size_t>(boost::multiprecision::numerator(Rational((x - ax.x0) / ax.h)));
      const auto it = sub[i].find(key);
      return it == sub[i].end() ? Rational(0) : it->second;
    };
    Polynomial<Rational> p;
    try {
      p = fit_polynomial<Rational>(at, ax.degree, ax.x0, ax.h, ax.confirmations());
    } catch (const DegreeBoundError&) {
      throw DegreeBoundError(fmt::format("not a polynomial of degree <= {} in {} (confirmation at {} failed)",
                                         ax.degree, ax.name, to_fraction(ax.node(ax.degree + 1))));
    }
    for (int j = 0; j <= p.degree(); ++j) {
      if (p.coeff(j) == 0) continue;
      std::vector<int> e{j};
      e.insert(e.end(), key.begin(), key.end());
      out[e] = p.coeff(j);
    }
  }
  return out;
}

std::string monomial(const std::vector<std::string>& vars, const std::vector<int>& e) {
  std::string out;
  for (std::size_t j = 0; j < e.size(); ++j) {
    if (e[j] == 0) continue;
    out += (out.empty() ? "" : " ") + vars[j] + (e[j] > 1 ? fmt::format("^{}", e[j]) : "");
  }
  return out;
}

}  // namespace

Rational MultiPolynomial::operator()(const GridPoint& x) const {
  Rational sum = 0;
  for (const auto& [e, c] : terms) {
    Rational t = c;
    for (std::size_t j = 0; j < e.size(); ++j)
      for (int p = 0; p < e[j]; ++p) t *= x[j];
    sum += t;
  }
  return sum;
}

std::string MultiPolynomial::to_string() const {
  if (terms.empty()) return "0";
  std::vector<std::pair<std::vector<int>, Rational>> sorted(terms.begin(), terms.end());
  const auto total = [](const std::vector<int>& e) { return std::accumulate(e.begin(), e.end(), 0); };
  std::stable_sort(sorted.begin(), sorted.end(), [&](const auto& a, const auto& b) {
    return total(a.first) != total(b.first) ? total(a.first) > total(b.first) : a.first > b.first;
  });
  std::string out;
  for (const auto& [e, c] : sorted) {
    const std::string m = monomial(vars, e);
    const bool negative = c < 0;
    const Rational mag = negative ? Rational(-c) : c;
    const std::string coef = (mag == 1 && !m.empty()) ? "" : to_fraction(mag) + (m.empty() ? "" : " ");
    out += out.empty() ? (negative ? "-" : "") : (negative ? " - " : " + ");
    out += coef + m;
  }
  return out;
}

MultiPolynomial MultiPolynomial::coefficient(const std::string& var, int k) const {
  const auto j = static_cast<std::size_t>(std::find(vars.begin(), vars.end(), var) - vars.begin());
  MultiPolynomial out{vars, {}};
  for (const auto& [e, c] : terms)
    if (j < e.size() && e[j] == k) {
      std::vector<int> rest = e;
      rest[j] = 0;
      out.terms[rest] = c;
    }
  return out;
}

MultiPolynomial operator-(const MultiPolynomial& a, const MultiPolynomial& b) {
  MultiPolynomial out = a;
  for (const auto& [e, c] : b.terms) {
    out.terms[e] -= c;
    if (out.terms[e] == 0) out.terms.erase(e);
  }
  return out;
}

std::vector<GridPoint> grid_points(const std::vector<GridAxis>& axes) {
  std::vector<GridPoint> out{GridPoint{}};
  for (const auto& ax : axes) {
    std::vector<GridPoint> next;
    for (const auto& p : out)
      for (int i = 0; i < ax.nodes; ++i) {
        GridPoint q = p;
        q.push_back(ax.node(i));
        next.push_back(std::move(q));
      }
    out = std::move(next);
  }
  return out;
}

MultiPolynomial fit_tensor(const std::vector<GridAxis>& axes, const std::vector<Rational>& values) {
  MultiPolynomial out;
  for (const auto& ax : axes) out.vars.push_back(ax.name);
  out.terms = fit_from(axes, values, 0, 0);
  return out;
}

}  // namespace icl
