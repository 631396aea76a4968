// Univariate polynomials with exact coefficients and exact interpolation
// (docs/derivations.md#7-risk-curves-as-polynomials-in-n).
#pragma once

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <vector>

#include "core/scalar.hpp"

namespace icl {

template <class T>
struct Polynomial {
  std::vector<T> coeffs;  // ascending powers

  int degree() const {
    for (int k = static_cast<int>(coeffs.size()) - 1; k >= 0; --k)
      if (coeffs[static_cast<std::size_t>(k)] != T(0)) return k;
    return -1;  // the zero polynomial
  }
  T coeff(int k) const {
    return k >= 0 && k < static_cast<int>(coeffs.size()) ? coeffs[static_cast<std::size_t>(k)] : T(0);
  }
  T leading() const { return coeff(degree()); }

  T operator()(const T& x) const {
    T acc(0);
    for (auto it = coeffs.rbegin(); it != coeffs.rend(); ++it) acc = acc * x + *it;
    return acc;
  }

  Polynomial derivative() const {
    Polynomial out;
    for (std::size_t k = 1; k < coeffs.size(); ++k) out.coeffs.push_back(T(static_cast<long>(k)) * coeffs[k]);
    return out;
  }
};

// a - b, coefficient by coefficient.
template <class T>
Polynomial<T> operator-(const Polynomial<T>& a, const Polynomial<T>& b) {
  Polynomial<T> out{std::vector<T>(std::max(a.coeffs.size(), b.coeffs.size()), T(0))};
  for (std::size_t k = 0; k < out.coeffs.size(); ++k) {
    const int i = static_cast<int>(k);
    out.coeffs[k] = a.coeff(i) - b.coeff(i);
  }
  return out;
}

// Raised when a function is not a polynomial of the claimed degree: the value at a confirmation
// point differs from the interpolant. A wrong degree bound is an error, never silently accepted.
struct DegreeBoundError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Interpolates f on x0 + i h, i = 0..degree_bound, and confirms at `confirm` further nodes.
// Newton's divided differences on equispaced nodes, expanded to ascending monomial coefficients.
template <class T>
Polynomial<T> fit_polynomial(const std::function<T(const T&)>& f, int degree_bound, const T& x0 = T(0),
                             const T& h = T(1), int confirm = 3) {
  const int k = degree_bound;
  std::vector<T> nodes, table;
  for (int i = 0; i <= k; ++i) {
    nodes.push_back(x0 + T(i) * h);
    table.push_back(f(nodes.back()));
  }
  // In-place divided differences: table[i] becomes f[x_0, ..., x_i].
  for (int level = 1; level <= k; ++level)
    for (int i = k; i >= level; --i)
      table[static_cast<std::size_t>(i)] =
          (table[static_cast<std::size_t>(i)] - table[static_cast<std::size_t>(i - 1)]) /
          (nodes[static_cast<std::size_t>(i)] - nodes[static_cast<std::size_t>(i - level)]);
  // Horner on the Newton form: p = t0 + (x - x0)(t1 + (x - x1)(t2 + ...)).
  Polynomial<T> p{{table[static_cast<std::size_t>(k)]}};
  for (int i = k - 1; i >= 0; --i) {
    Polynomial<T> next{std::vector<T>(p.coeffs.size() + 1, T(0))};
    for (std::size_t j = 0; j < p.coeffs.size(); ++j) {
      next.coeffs[j + 1] += p.coeffs[j];
      next.coeffs[j] -= nodes[static_cast<std::size_t>(i)] * p.coeffs[j];
    }
    next.coeffs[0] += table[static_cast<std::size_t>(i)];
    p = std::move(next);
  }
  for (int j = 1; j <= confirm; ++j) {
    const T x = x0 + T(k + j) * h;
    if (p(x) != f(x)) throw DegreeBoundError("function is not a polynomial of degree <= " + std::to_string(k));
  }
  return p;
}

// (n + 1)^2 R(n) as a polynomial in n, from exact values at n = 0, 1, ..., degree_bound
// (and confirmed at three more n).
inline Polynomial<Rational> curve_numerator(const std::function<Rational(long)>& risk, int degree_bound = 2) {
  return fit_polynomial<Rational>(
      [&](const Rational& n) {
        const long nn = static_cast<long>(boost::multiprecision::numerator(n));
        return (n + 1) * (n + 1) * risk(nn);
      },
      degree_bound);
}

// The derivative at t = 0 of the polynomial through the points (t_k, y_k): sum_k y_k L_k'(0), with
// L_k'(0) = sum_{i != k} 1/(t_k - t_i) prod_{j != k, i} (0 - t_j)/(t_k - t_j) (exact in rationals).
template <class T>
T derivative_at_zero(const std::vector<T>& t, const std::vector<T>& y) {
  T out(0);
  for (std::size_t k = 0; k < t.size(); ++k) {
    T lk(0);
    for (std::size_t i = 0; i < t.size(); ++i) {
      if (i == k) continue;
      T term = T(1) / (t[k] - t[i]);
      for (std::size_t j = 0; j < t.size(); ++j)
        if (j != k && j != i) term *= (T(0) - t[j]) / (t[k] - t[j]);
      lk += term;
    }
    out += y[k] * lk;
  }
  return out;
}

}  // namespace icl
