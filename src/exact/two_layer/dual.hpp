// Forward-mode dual numbers over any scalar (double, Float50, Rational): a value and the derivatives
// along P directions, the coefficient type of the two-layer gradient (docs/exact_risk.md#10-two-layers-issue-27).
// An empty derivative vector stands for P zeros, so constants cost no more than plain scalars.
#pragma once

#include <algorithm>
#include <vector>

namespace icl::exact::two_layer {

template <class S>
struct Dual {
  S v;
  std::vector<S> g;  // empty: every derivative zero

  Dual() : v(0) {}
  Dual(const S& x) : v(x) {}  // NOLINT: a constant
  Dual(int x) : v(S(x)) {}    // NOLINT
  Dual(long x) : v(S(x)) {}   // NOLINT
  Dual(S x, std::vector<S> grad) : v(std::move(x)), g(std::move(grad)) {}

  Dual& operator+=(const Dual& o) {
    v += o.v;
    axpy(S(1), o.g);
    return *this;
  }
  Dual& operator-=(const Dual& o) {
    v -= o.v;
    axpy(S(-1), o.g);
    return *this;
  }
  Dual& operator*=(const Dual& o) {
    for (auto& x : g) x *= o.v;
    axpy(v, o.g);
    v *= o.v;
    return *this;
  }
  Dual& operator/=(const Dual& o) {
    const S inv = S(1) / o.v;
    for (auto& x : g) x *= inv;
    axpy(S(-v * inv * inv), o.g);
    v *= inv;
    return *this;
  }
  friend Dual operator+(Dual a, const Dual& b) { return a += b; }
  friend Dual operator-(Dual a, const Dual& b) { return a -= b; }
  friend Dual operator*(Dual a, const Dual& b) { return a *= b; }
  friend Dual operator/(Dual a, const Dual& b) { return a /= b; }
  Dual operator-() const {
    Dual out(S(-v));
    out.g.reserve(g.size());
    for (const auto& x : g) out.g.push_back(S(-x));
    return out;
  }
  bool zero() const {
    return v == S(0) && std::all_of(g.begin(), g.end(), [](const S& x) { return x == S(0); });
  }
  // Without temporaries (Poly compares every coefficient with zero on every add).
  friend bool operator==(const Dual& a, const Dual& b) {
    if (a.v != b.v) return false;
    const std::size_t n = std::max(a.g.size(), b.g.size());
    for (std::size_t k = 0; k < n; ++k)
      if ((k < a.g.size() ? a.g[k] : S(0)) != (k < b.g.size() ? b.g[k] : S(0))) return false;
    return true;
  }
  friend bool operator!=(const Dual& a, const Dual& b) { return !(a == b); }

 private:
  // g += s * o (an empty g grows to o's length).
  void axpy(const S& s, const std::vector<S>& o) {
    if (o.empty()) return;
    if (g.empty()) g.assign(o.size(), S(0));
    for (std::size_t k = 0; k < o.size(); ++k) g[k] += s * o[k];
  }
};

}  // namespace icl::exact::two_layer
