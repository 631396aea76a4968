// The brute-force referee of the two-layer engine (tests only): the prompt written out in its
// Gaussian variables (GiNaC symbols), the layers applied by their definition with the attention
// matrices A_h[r, s] = (Q_h z_r).(K_h z_s), the error theta.x_q - yhat expanded as a polynomial, and
// its mean square taken variable by variable in the Hermite basis (x^k = sum_j c_kj v^((k-j)/2)
// He_j for a variable of variance v, E He_j^2 = j! v^j). On the sphere theta stays symbolic and
// each monomial is replaced by prod (a_i - 1)!! / (d (d + 2) ... (d + |a| - 2)).
// Nothing here is shared with src/exact/two_layer: no S, no sufficient statistics, no cumulants.
#pragma once

#include <fmt/format.h>
#include <ginac/ginac.h>

#include <map>
#include <optional>
#include <vector>

#include "claims/ginac_rational.hpp"
#include "model/arch.hpp"

namespace icl::oracle {

using GiNaC::ex;

inline ex num(const Rational& q) { return claims::to_numeric(q); }

// E[(y_q - yhat)^2] for n shots, label noise s2, a fixed theta or (nullopt) the uniform sphere.
inline Rational two_layer_risk(const Arch<Rational>& a, const std::optional<Vec<Rational>>& theta, int n,
                               const Rational& s2) {
  const int d = a.d(), D = d + 2, N = n + 1;
  std::vector<GiNaC::symbol> th, gauss;
  std::vector<ex> variance;
  std::vector<ex> t(d);
  for (int i = 0; i < d; ++i) {
    if (theta) {
      t[i] = num((*theta)(i));
    } else {
      th.emplace_back(fmt::format("t{}", i));
      t[i] = th.back();
    }
  }
  // Z: rows 0..n-1 the context (1, x, theta.x + e), row n the query (1, x_q, 0).
  std::vector<std::vector<ex>> Z(N, std::vector<ex>(D, 0));
  for (int r = 0; r < N; ++r) {
    Z[r][0] = 1;
    ex y = 0;
    for (int c = 0; c < d; ++c) {
      gauss.emplace_back(fmt::format("x{}_{}", r, c));
      variance.push_back(1);
      Z[r][1 + c] = gauss.back();
      y += t[c] * gauss.back();
    }
    if (r < n) {
      gauss.emplace_back(fmt::format("e{}", r));
      variance.push_back(num(s2));
      Z[r][D - 1] = (y + gauss.back()).expand();
    }
  }
  ex target = 0;
  for (int c = 0; c < d; ++c) target += t[c] * Z[n][1 + c];
  auto apply = [&](const Mat<Rational>& A, const std::vector<ex>& z) {
    std::vector<ex> out(D, 0);
    for (int i = 0; i < D; ++i)
      for (int j = 0; j < D; ++j)
        if (A(i, j) != 0) out[i] += num(A(i, j)) * z[j];
    return out;
  };
  for (const auto& layer : a.layers) {
    const ex scale = GiNaC::numeric(1, static_cast<long>(layer.size()) * N);
    std::vector<std::vector<ex>> next = Z;
    for (const auto& h : layer) {
      std::vector<std::vector<ex>> qz(N), kz(N), vz(N);
      for (int r = 0; r < N; ++r) {
        qz[r] = h.merged() ? Z[r] : apply(h.Q, Z[r]);
        kz[r] = h.merged() ? apply(h.Q, Z[r]) : apply(h.K, Z[r]);
        vz[r] = apply(h.V, Z[r]);
      }
      for (int r = 0; r < N; ++r)
        for (int s = 0; s < N; ++s) {
          ex attn = 0;
          for (int i = 0; i < D; ++i) attn += qz[r][i] * kz[s][i];
          attn = attn.expand();
          for (int k = 0; k < D; ++k) next[r][k] += scale * attn * vz[s][k];
        }
    }
    for (auto& row : next)
      for (auto& e : row) e = e.expand();
    Z = std::move(next);
  }
  const ex err = (target - Z[n][D - 1]).expand();
  // The Hermite coefficients of err, one Gaussian variable at a time.
  std::map<std::vector<int>, ex> hermite;
  auto factorial = [](int k) { return GiNaC::factorial(k); };
  const std::vector<ex> terms =
      GiNaC::is_a<GiNaC::add>(err) ? std::vector<ex>(err.begin(), err.end()) : std::vector<ex>{err};
  for (const ex& term : terms) {
    std::vector<int> k(gauss.size());
    GiNaC::exmap ones;
    for (std::size_t v = 0; v < gauss.size(); ++v) {
      k[v] = term.degree(gauss[v]);
      ones[gauss[v]] = 1;
    }
    const ex coef = term.subs(ones);
    std::vector<std::pair<std::vector<int>, ex>> parts{{std::vector<int>(gauss.size(), 0), coef}};
    for (std::size_t v = 0; v < gauss.size(); ++v) {
      std::vector<std::pair<std::vector<int>, ex>> grown;
      for (const auto& [idx, c] : parts)
        for (int j = k[v] % 2; j <= k[v]; j += 2) {
          const int m = (k[v] - j) / 2;
          const ex cj = factorial(k[v]) / (factorial(j) * factorial(m) * GiNaC::pow(2, m)) * GiNaC::pow(variance[v], m);
          auto idx2 = idx;
          idx2[v] = j;
          grown.emplace_back(idx2, c * cj);
        }
      parts = std::move(grown);
    }
    for (const auto& [idx, c] : parts) hermite[idx] += c;
  }
  ex mean_square = 0;
  for (const auto& [idx, c] : hermite) {
    ex norm = 1;
    for (std::size_t v = 0; v < gauss.size(); ++v) norm *= factorial(idx[v]) * GiNaC::pow(variance[v], idx[v]);
    mean_square += norm * GiNaC::pow(c, 2);
  }
  mean_square = mean_square.expand();
  if (!theta) {
    // Replace every monomial of theta by its moment on the unit sphere.
    const std::vector<ex> mono = GiNaC::is_a<GiNaC::add>(mean_square)
                                     ? std::vector<ex>(mean_square.begin(), mean_square.end())
                                     : std::vector<ex>{mean_square};
    ex avg = 0;
    for (const ex& term : mono) {
      GiNaC::exmap ones;
      int total = 0;
      bool odd = false;
      ex moment = 1;
      for (int i = 0; i < d; ++i) {
        const int ai = term.degree(th[i]);
        ones[th[i]] = 1;
        odd = odd || ai % 2;
        total += ai;
        for (int j = ai - 1; j > 1; j -= 2) moment *= j;
      }
      if (odd) continue;
      for (int j = 0; j < total / 2; ++j) moment /= (d + 2 * j);
      avg += term.subs(ones) * moment;
    }
    mean_square = avg;
  }
  const auto value = claims::rational_value(mean_square.expand());
  if (!value) throw std::logic_error("oracle: the mean square is not a number");
  return s2 + *value;
}

}  // namespace icl::oracle
