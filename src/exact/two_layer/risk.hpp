// The exact population risk of one or two layers with any heads (docs/exact_risk.md#10-two-layers-issue-27).
//
// A layer maps every row by the same matrix: with S = sum over all N rows of z z^T (the query
// included), row r becomes A(S) z_r, A(S) = I + (1/(H N)) sum_h V_h S M_h^T. So the rows after layer 1
// have second moment S1 = A1 S A1^T and the prediction is yhat = e_y^T A2(S1) A1(S) z_q, a matrix
// polynomial of degree 4 in S. N^4 yhat is a polynomial in n and in
//   the query's x (q), and the context's sufficient statistics a = sum_i g_i, K = sum_i g_i g_i^T,
// g_i = (x_i, eps_i), because S = n e0 e0^T + P a e0^T + e0 a^T P^T + P K P^T + z_q z_q^T with
// P g = (0, x, theta.x + eps). Then
//   N^8 R(n) = N^8 s2 + E[(N^4 theta.q - N^4 yhat)^2]
// is a polynomial of degree <= 8 in n: q is taken to the Hermite basis (E over q is then a sum of
// squares), the joint moments of (a, K) are polynomials in n (two_layer/wishart.hpp), and on the
// sphere theta stays a variable whose monomials are replaced by the exact moments of the uniform
// sphere at the end (the risk has degree up to 16 in theta: no shortcut by +-e_i).
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/scalar.hpp"
#include "exact/detail/instances.hpp"
#include "exact/task.hpp"
#include "exact/two_layer/poly.hpp"
#include "exact/two_layer/wishart.hpp"
#include "model/arch.hpp"

namespace icl::exact::two_layer {

// R(n) = (sum_k numerator[k] n^k) / (n + 1)^power, exactly (power = 8).
template <class S>
struct RiskPolynomial {
  std::vector<S> numerator;
  int power = 8;
  // What it cost (docs/performance.md): terms of N^4 (yhat - theta.x_q) in (n, theta, x_q, a, K),
  // pairs of context monomials with a nonzero moment, and multiply-adds of their coefficients.
  long long terms = 0, pairs = 0, products = 0;

  S at(long n) const {
    if (n < 0) throw std::invalid_argument("exact risk: n must be >= 0");
    S num(0), x(1);
    for (const auto& c : numerator) {
      num += c * x;
      x *= S(n);
    }
    S den(1);
    for (int k = 0; k < power; ++k) den *= S(n + 1);
    return num / den;
  }
  // lim_{n -> infinity} R(n): the coefficient of n^power (numerator degree <= power).
  S limit() const { return numerator.size() > static_cast<std::size_t>(power) ? numerator[power] : S(0); }
};

namespace detail {

// Where each variable lives in a Monomial.
struct Layout {
  int d = 0;
  bool sphere = false;
  int items = 0;
  static constexpr int n = 0;
  int theta(int i) const { return 1 + i; }
  int q(int i) const { return 1 + (sphere ? d : 0) + i; }
  int item(int k) const { return 1 + (sphere ? d : 0) + d + k; }
  int count() const { return item(items); }
  bool is_coefficient(int v) const { return v < q(0); }
  bool is_query(int v) const { return v >= q(0) && v < item(0); }
};

}  // namespace detail

// The largest d the engine accepts: the number of monomials of degree <= 4 in the (d+1)(d+3)/2
// context statistics grows like d^8, and d = 3 already takes tens of seconds in double
// (docs/performance.md); d = 4, 5 would take hours.
inline constexpr int kMaxD = 3;

namespace detail {

template <class S>
void check_two_layer(const Arch<S>& a) {
  validate_arch(a);
  if (a.L() > 2)
    throw std::invalid_argument("the exact engine covers L <= 2 layers; " + std::to_string(a.L()) +
                                " layers need Monte Carlo (--mc)");
  if (a.d() > kMaxD)
    throw std::invalid_argument("the exact two-layer engine covers d <= " + std::to_string(kMaxD) +
                                "; d = " + std::to_string(a.d()) + " needs Monte Carlo (--mc)");
}

// x^k = sum_j c_kj He_j(x) for the probabilists' Hermite polynomials (E He_j He_j' = j! delta).
template <class S>
S hermite_coefficient(int k, int j) {
  if (j > k || (k - j) % 2) return S(0);
  const int m = (k - j) / 2;
  S c(1);
  for (int i = 2; i <= k; ++i) c *= S(i);
  for (int i = 2; i <= j; ++i) c /= S(i);
  for (int i = 2; i <= m; ++i) c /= S(i);
  for (int i = 0; i < m; ++i) c /= S(2);
  return c;
}

// E over theta uniform on the unit sphere of prod theta_i^alpha_i.
template <class S>
S sphere_moment(const std::vector<int>& alpha, int d) {
  int total = 0;
  S num(1);
  for (int a : alpha) {
    if (a % 2) return S(0);
    total += a;
    for (int j = a - 1; j > 1; j -= 2) num *= S(j);
  }
  S den(1);
  for (int j = 0; j < total / 2; ++j) den *= S(d + 2 * j);
  return num / den;
}

template <class S>
using Mat_ = PolyMat<S>;

// The heads of one layer as plain D x D grids of value V and attention M = Q^T K, in any coefficient
// type C (the scalar, or a dual number carrying derivatives, two_layer/dual.hpp).
template <class C>
struct HeadVM {
  int D = 0;
  std::vector<C> V, M;  // row-major
  const C& v(int r, int c) const { return V[r * D + c]; }
  const C& m(int r, int c) const { return M[r * D + c]; }
};
template <class C>
using LayersVM = std::vector<std::vector<HeadVM<C>>>;

template <class S>
LayersVM<S> layers_vm(const Arch<S>& a) {
  LayersVM<S> out;
  const int D = a.D();
  for (const auto& layer : a.layers) {
    out.emplace_back();
    for (const auto& h : layer) {
      const Mat<S> M = h.M();
      HeadVM<S> x{D, std::vector<S>(D * D), std::vector<S>(D * D)};
      for (int r = 0; r < D; ++r)
        for (int c = 0; c < D; ++c) {
          x.V[r * D + c] = h.V(r, c);
          x.M[r * D + c] = M(r, c);
        }
      out.back().push_back(std::move(x));
    }
  }
  return out;
}

// The prompt's second moment S = sum over all N rows of z z^T and the query row z_q as polynomials
// in the Layout's variables (n, theta on the sphere, the query's x, the context's a and K).
template <class S>
struct PromptPolys {
  PolyMat<S> S_;
  std::vector<Poly<S>> zq;
  Poly<S> target;  // theta.x_q
};

template <class S>
PromptPolys<S> prompt_polys(const Layout& at, const std::vector<Poly<S>>& theta, const ContextMoments<S>& cm,
                            Mutant mutant) {
  const int d = at.d, D = d + 2;
  using P = Poly<S>;
  const P n = P::variable(Layout::n);
  std::vector<P> zq(D), Pa(D);
  zq[0] = P(S(1));
  for (int i = 0; i < d; ++i) zq[1 + i] = P::variable(at.q(i));
  // Rows of P as combinations of g: row 1+i = g_i, row D-1 = theta.x + eps; row 0 empty.
  std::vector<std::vector<P>> Prow(D, std::vector<P>(d + 1));
  for (int i = 0; i < d; ++i) {
    Prow[1 + i][i] = P(S(1));
    Prow[D - 1][i] = theta[i];
  }
  Prow[D - 1][d] = P(S(1));
  Mat_<S> Smat(D, std::vector<P>(D));
  for (int r = 0; r < D; ++r)
    for (int u = 0; u <= d; ++u)
      if (!Prow[r][u].zero()) Pa[r].add_product(Prow[r][u], P::variable(at.item(cm.a_item(u))));
  for (int r = 0; r < D; ++r)
    for (int c = 0; c < D; ++c) {
      for (int u = 0; u <= d; ++u)
        for (int v = 0; v <= d; ++v)
          if (!Prow[r][u].zero() && !Prow[c][v].zero())
            Smat[r][c].add_product(Prow[r][u] * Prow[c][v], P::variable(at.item(cm.k_item(u, v))));
      if (mutant != Mutant::QueryMasked) Smat[r][c].add_product(zq[r], zq[c]);
    }
  Smat[0][0] += n;
  for (int r = 0; r < D; ++r) {
    Smat[r][0] += Pa[r];
    Smat[0][r] += Pa[r];
  }
  P target;
  for (int i = 0; i < d; ++i) target.add_product(theta[i], zq[1 + i]);
  return {std::move(Smat), std::move(zq), std::move(target)};
}

// N^4 yhat as a polynomial, for the prompt's S and z_q given as polynomials with coefficients in C
// and N = n + 1 as a polynomial: N A1 = N I + (1/H) sum_h V_h S M_h^T, w = N A1 z_q, and
//   N^4 yhat = N^3 w_y + (1/H) sum_h (V'_h^T e_y)^T (N A1) S (N A1)^T M'_h^T w.
template <class C>
Poly<C> scaled_prediction(const LayersVM<C>& layers, const PolyMat<C>& Smat, const std::vector<Poly<C>>& zq,
                          const Poly<C>& N) {
  const int D = static_cast<int>(zq.size());
  using P = Poly<C>;
  const C zero(0);
  const auto& heads1 = layers.front();
  const C inv_h1 = C(1) / C(static_cast<long>(heads1.size()));
  Mat_<C> NA1(D, std::vector<P>(D));
  for (int r = 0; r < D; ++r) NA1[r][r] = N;
  for (const auto& h : heads1) {
    Mat_<C> SMt(D, std::vector<P>(D));
    for (int r = 0; r < D; ++r)
      for (int c = 0; c < D; ++c)
        for (int k = 0; k < D; ++k)
          if (h.m(c, k) != zero) SMt[r][c] += Smat[r][k] * h.m(c, k);
    for (int r = 0; r < D; ++r)
      for (int c = 0; c < D; ++c)
        for (int k = 0; k < D; ++k)
          if (h.v(r, k) != zero) NA1[r][c] += SMt[k][c] * C(h.v(r, k) * inv_h1);
  }
  std::vector<P> w(D);  // N A1 z_q
  for (int r = 0; r < D; ++r)
    for (int c = 0; c < D; ++c) w[r].add_product(NA1[r][c], zq[c]);
  P N3 = N * N * N;
  P Y = N3 * w[D - 1];
  if (layers.size() == 2) {
    const auto& heads2 = layers.back();
    const C inv_h2 = C(1) / C(static_cast<long>(heads2.size()));
    for (const auto& h : heads2) {
      std::vector<P> r(D), s(D), t(D), l(D);
      for (int i = 0; i < D; ++i)
        for (int j = 0; j < D; ++j)
          if (h.m(j, i) != zero) r[i] += w[j] * h.m(j, i);
      for (int i = 0; i < D; ++i)
        for (int j = 0; j < D; ++j) s[i].add_product(NA1[j][i], r[j]);
      for (int i = 0; i < D; ++i)
        for (int j = 0; j < D; ++j) t[i].add_product(Smat[i][j], s[j]);
      for (int i = 0; i < D; ++i)
        for (int j = 0; j < D; ++j)
          if (h.v(D - 1, j) != zero) l[i] += NA1[j][i] * h.v(D - 1, j);
      for (int i = 0; i < D; ++i) Y.add_product(l[i], t[i], inv_h2);
    }
  }
  return Y;
}

// N^4 yhat - N^4 theta.q as a polynomial (the sign does not matter: it is squared).
template <class S>
Poly<S> scaled_error(const Arch<S>& a, const Layout& at, const std::vector<Poly<S>>& theta, const ContextMoments<S>& cm,
                     Mutant mutant) {
  const PromptPolys<S> pr = prompt_polys(at, theta, cm, mutant);
  const Poly<S> N = Poly<S>::variable(Layout::n) + Poly<S>(S(1));
  const Poly<S> N2 = N * N;
  return scaled_prediction(layers_vm(a), pr.S_, pr.zq, N) - N2 * N2 * pr.target;
}

// The type the rational pair loop sums in (integers, no gcd); the scalar itself otherwise.
template <class S>
struct Integral {
  using type = S;
};
template <>
struct Integral<Rational> {
  using type = Integer;
};

// Packed monomials for the inner loop: the context's items 4 bits each (exponents <= 8 in F^2),
// the coefficient's n and theta 5 bits each (degrees <= 16).
__extension__ typedef unsigned __int128 CtxKey;
struct CtxHash {
  std::size_t operator()(CtxKey k) const {
    const auto lo = static_cast<std::uint64_t>(k), hi = static_cast<std::uint64_t>(k >> 64);
    return std::hash<std::uint64_t>{}(lo ^ (hi * 0x9E3779B97F4A7C15ULL));
  }
};

// x^beta = sum over Hermite indices j <= beta (same parity, coordinate by coordinate) of
// factor_j He_j(x): calls f(index, factor_j), the index packing j 5 bits per coordinate.
template <class S, class Fn>
void for_each_hermite(const std::vector<int>& beta, Fn&& f) {
  const int d = static_cast<int>(beta.size());
  std::vector<int> j(d);
  for (int i = 0; i < d; ++i) j[i] = beta[i] % 2;
  while (true) {
    S h(1);
    std::uint64_t idx = 0;
    for (int i = 0; i < d; ++i) {
      h *= hermite_coefficient<S>(beta[i], j[i]);
      idx |= static_cast<std::uint64_t>(j[i]) << (5 * i);
    }
    f(idx, h);
    int i = 0;
    while (i < d && j[i] + 2 > beta[i]) {
      j[i] = beta[i] % 2;
      ++i;
    }
    if (i == d) return;
    j[i] += 2;
  }
}

// prod_i j_i! for a packed Hermite index (E He_j(x)^2 = j!).
inline long hermite_norm(std::uint64_t idx, int d) {
  long norm = 1;
  for (int i = 0; i < d; ++i)
    for (int k = 2; k <= static_cast<int>((idx >> (5 * i)) & 31); ++k) norm *= k;
  return norm;
}

// E over the query's x and the context of F^2, as a polynomial in n (and theta on the sphere).
// E over q is diagonal in the Hermite basis; within one Hermite index the context's part is a sum
// over pairs of monomials of coefficient products times the joint moment of the pair.
template <class S>
Poly<S> expected_square(const Poly<S>& F, const Layout& at, ContextMoments<S>& cm, const S& mom_scale, long long& pairs,
                        long long& products) {
  const int q0 = at.q(0), i0 = at.item(0);
  const int coef_vars = q0;  // n and theta
  if (at.items * 4 > 128 || coef_vars * 5 > 64) throw std::invalid_argument("the exact two-layer engine covers d <= 5");
  auto pack_coef = [&](const Monomial& m) {
    std::uint64_t k = 0;
    for (int v = 0; v < coef_vars; ++v) k |= static_cast<std::uint64_t>(m[v]) << (5 * v);
    return k;
  };
  // Hermite index of q -> context monomial -> coefficient (a polynomial in n and theta).
  std::map<std::uint64_t, std::unordered_map<CtxKey, std::unordered_map<std::uint64_t, S>, CtxHash>> groups;
  std::vector<int> beta(at.d);
  for (const auto& [m, c] : F.terms()) {
    const std::uint64_t coef = pack_coef(m);
    CtxKey ctx = 0;
    for (int k = 0; k < at.items; ++k) ctx |= static_cast<CtxKey>(m[i0 + k]) << (4 * k);
    for (int i = 0; i < at.d; ++i) beta[i] = m[q0 + i];
    const S& term = c;  // named: a lambda may not capture a structured binding (clang 14)
    for_each_hermite<S>(beta, [&](std::uint64_t idx, const S& h) { groups[idx][ctx][coef] += S(term * h); });
  }
  // Exact sums without a gcd in every step: in rationals the pair loop runs in integers (F's
  // coefficients times the lcm L of their denominators, the moments times mom_scale), and the total
  // is divided by L^2 mom_scale once at the end. Other scalars run as they are.
  using A = typename Integral<S>::type;
  S coef_scale(1);
  if constexpr (is_exact_v<S>) {
    Integer l(1);
    for (const auto& [idx, ctxs] : groups)
      for (const auto& [ctx, coef] : ctxs)
        for (const auto& [k, v] : coef)
          l = boost::multiprecision::lcm(l, Integer(boost::multiprecision::denominator(v)));
    coef_scale = S(l);
  }
  auto integral = [](const S& x) -> A {
    if constexpr (is_exact_v<S>) {
      if (boost::multiprecision::denominator(x) != 1) throw std::logic_error("two-layer risk: scaling not integral");
      return A(boost::multiprecision::numerator(x));
    } else {
      return x;
    }
  };
  std::unordered_map<CtxKey, std::vector<A>, CtxHash> moment_of;
  typename ContextMoments<S>::Items items(at.items);
  auto moment = [&](CtxKey key) -> const std::vector<A>& {
    if (auto it = moment_of.find(key); it != moment_of.end()) return it->second;
    for (int k = 0; k < at.items; ++k) items[k] = static_cast<int>((key >> (4 * k)) & 15);
    std::vector<A> m;
    for (const S& c : cm.moment(items)) m.push_back(integral(S(c * mom_scale)));
    return moment_of.emplace(key, std::move(m)).first->second;
  };
  std::unordered_map<std::uint64_t, A> total;
  // A pair can have a nonzero moment only if every coordinate of g has an even total power, i.e.
  // if both monomials have the same parity mask: only pairs within a mask are visited.
  struct Entry {
    unsigned mask;
    CtxKey ctx;
    std::vector<std::pair<std::uint64_t, A>> coef;
  };
  auto parity = [&](CtxKey ctx) {
    unsigned mask = 0;
    for (int k = 0; k < at.items; ++k) {
      const int e = static_cast<int>((ctx >> (4 * k)) & 15);
      if (e % 2)
        for (int c : cm.coords(k)) mask ^= 1U << c;
    }
    return mask;
  };
  for (const auto& [idx, ctxs] : groups) {
    const long norm = hermite_norm(idx, at.d);
    std::vector<Entry> entries;
    for (const auto& [ctx, coef] : ctxs) {
      Entry e{parity(ctx), ctx, {}};
      for (const auto& [k, v] : coef)
        if (v != S(0)) e.coef.emplace_back(k, integral(S(v * coef_scale)));
      if (!e.coef.empty()) entries.push_back(std::move(e));
    }
    // A fixed order of the pairs (the hash order depends on nothing but the insertions).
    std::sort(entries.begin(), entries.end(),
              [](const Entry& x, const Entry& y) { return x.mask != y.mask ? x.mask < y.mask : x.ctx < y.ctx; });
    A cxy;
    for (std::size_t x = 0; x < entries.size(); ++x)
      for (std::size_t y = x; y < entries.size() && entries[y].mask == entries[x].mask; ++y) {
        const std::vector<A>& mom = moment(entries[x].ctx + entries[y].ctx);
        const A weight(x == y ? norm : 2 * norm);
        bool counted = false;
        for (std::size_t k = 0; k < mom.size(); ++k) {
          if (mom[k] == A(0)) continue;
          const A mw = mom[k] * weight;
          if (!counted) {
            ++pairs;
            counted = true;
          }
          products += static_cast<long long>(entries[x].coef.size() * entries[y].coef.size());
          for (const auto& [kx, cx] : entries[x].coef)
            for (const auto& [ky, cy] : entries[y].coef) {
              cxy = cx * cy;
              total[kx + ky + k] += cxy * mw;
            }
        }
      }
  }
  const S unscale = S(1) / (coef_scale * coef_scale * mom_scale);
  Poly<S> out;
  std::vector<std::pair<std::uint64_t, A>> sorted(total.begin(), total.end());
  std::sort(sorted.begin(), sorted.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  for (const auto& [k, c] : sorted) {
    Monomial m{};
    for (int v = 0; v < coef_vars; ++v) m[v] = static_cast<std::uint8_t>((k >> (5 * v)) & 31);
    out.add(m, S(S(c) * unscale));
  }
  return out;
}
template <class S>
RiskPolynomial<S> risk_polynomial_at(const Arch<S>& a, const std::optional<Vec<S>>& theta, const S& s2, Mutant mutant) {
  Layout at;
  at.d = a.d();
  at.sphere = !theta.has_value();
  std::vector<S> var(at.d + 1, S(1));
  var[at.d] = s2;
  ContextMoments<S> cm(var, mutant);
  at.items = cm.items();
  if (at.count() > kMaxVars) throw std::invalid_argument("the exact two-layer engine covers d <= 5");
  std::vector<Poly<S>> th(at.d);
  for (int i = 0; i < at.d; ++i) th[i] = at.sphere ? Poly<S>::variable(at.theta(i)) : Poly<S>((*theta)(i));
  const Poly<S> F = scaled_error(a, at, th, cm, mutant);
  // The moments times den(s2)^8 are integers (a moment of <= 8 items has the noise variance to a
  // power <= 8), which lets the rational pair loop run in integers.
  S mom_scale(1);
  if constexpr (is_exact_v<S>)
    for (int k = 0; k < 8; ++k) mom_scale *= S(boost::multiprecision::denominator(s2));
  RiskPolynomial<S> out;
  out.terms = static_cast<long long>(F.size());
  const Poly<S> E = expected_square(F, at, cm, mom_scale, out.pairs, out.products);
  out.numerator.assign(9, S(0));
  // N^8 s2 = s2 sum_k C(8, k) n^k.
  S binom(1);
  for (int k = 0; k <= 8; ++k) {
    out.numerator[k] += s2 * binom;
    binom = binom * S(8 - k) / S(k + 1);
  }
  for (const auto& [m, c] : E.terms()) {
    S value = c;
    if (at.sphere) {
      std::vector<int> alpha(at.d);
      for (int i = 0; i < at.d; ++i) alpha[i] = m[at.theta(i)];
      value *= sphere_moment<S>(alpha, at.d);
    }
    const int k = m[Layout::n];
    if (k > 8) throw std::logic_error("two-layer risk: degree in n above 8");
    out.numerator[k] += value;
  }
  return out;
}

}  // namespace detail

// R(n) of one or two layers as an exact rational function of n, on a fixed task or the sphere.
// Throws std::invalid_argument for L > 2, d > kMaxD, a task of the wrong length or invalid heads.
template <class S>
RiskPolynomial<S> risk_polynomial(const Arch<S>& a, const TaskLaw<S>& task, const S& s2, Mutant mutant = Mutant::None) {
  detail::check_two_layer(a);
  if (task.theta && task.theta->size() != a.d()) throw std::invalid_argument("exact risk: theta must have length d");
  if (task.is_sphere() && mutant == Mutant::SphereShortcut) {
    RiskPolynomial<S> sum;
    sum.numerator.assign(9, S(0));
    for (int i = 0; i < a.d(); ++i)
      for (int sign : {1, -1}) {
        Vec<S> t = Vec<S>::Zero(a.d());
        t(i) = S(sign);
        const auto r = detail::risk_polynomial_at(a, std::optional<Vec<S>>(t), s2, Mutant::None);
        for (int k = 0; k <= 8; ++k) sum.numerator[k] += r.numerator[k] / S(2 * a.d());
      }
    return sum;
  }
  return detail::risk_polynomial_at(a, task.theta, s2, mutant);
}

template <class S>
std::vector<S> curve(const Arch<S>& a, const TaskLaw<S>& task, const std::vector<long>& shots, const S& s2) {
  const auto r = risk_polynomial(a, task, s2);
  std::vector<S> out;
  for (long n : shots) out.push_back(r.at(n));
  return out;
}

// risk_polynomial and curve in double, Float50 and Rational are compiled once, one scalar a file
// (src/exact/two_layer/instances_*.cpp); every other translation unit links to them.
#define ICL_TWO_LAYER_RISK_INSTANCES(EXTERN, T)                                                              \
  EXTERN template RiskPolynomial<T> risk_polynomial<T>(const Arch<T>&, const TaskLaw<T>&, const T&, Mutant); \
  EXTERN template std::vector<T> curve<T>(const Arch<T>&, const TaskLaw<T>&, const std::vector<long>&, const T&);
#define ICL_TWO_LAYER_RISK_INSTANCES_EXTERN(T) ICL_TWO_LAYER_RISK_INSTANCES(extern, T)
ICL_EXACT_SCALARS(ICL_TWO_LAYER_RISK_INSTANCES_EXTERN)
#undef ICL_TWO_LAYER_RISK_INSTANCES_EXTERN

}  // namespace icl::exact::two_layer
