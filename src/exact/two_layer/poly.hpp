// Sparse multivariate polynomials with exact exponents, the algebra of the two-layer engine
// (docs/exact_risk.md#10-two-layers-issue-27). A monomial is an array of small exponents, one per variable;
// the coefficients are any scalar (double, Float50, Rational). Terms are kept in a sorted map, so
// every sum runs in the same order on every run.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <vector>

namespace icl::exact::two_layer {

// Room for the variables of d <= 5: n, theta (d), the query's x (d), a (d + 1), K ((d+1)(d+2)/2).
inline constexpr int kMaxVars = 48;
using Monomial = std::array<std::uint8_t, kMaxVars>;

inline Monomial operator+(const Monomial& a, const Monomial& b) {
  Monomial c{};
  for (int i = 0; i < kMaxVars; ++i) c[i] = static_cast<std::uint8_t>(a[i] + b[i]);
  return c;
}

template <class S>
class Poly {
 public:
  Poly() = default;
  explicit Poly(const S& c) {
    if (c != S(0)) terms_[Monomial{}] = c;
  }
  static Poly variable(int i) {
    if (i < 0 || i >= kMaxVars) throw std::invalid_argument("polynomial: too many variables");
    Monomial m{};
    m[i] = 1;
    Poly p;
    p.terms_[m] = S(1);
    return p;
  }
  static Poly term(const Monomial& m, const S& c) {
    Poly p;
    if (c != S(0)) p.terms_[m] = c;
    return p;
  }

  const std::map<Monomial, S>& terms() const { return terms_; }
  bool zero() const { return terms_.empty(); }
  std::size_t size() const { return terms_.size(); }

  void add(const Monomial& m, const S& c) {
    if (c == S(0)) return;
    auto [it, inserted] = terms_.try_emplace(m, c);
    if (!inserted) {
      it->second += c;
      if (it->second == S(0)) terms_.erase(it);
    }
  }

  Poly& operator+=(const Poly& o) {
    for (const auto& [m, c] : o.terms_) add(m, c);
    return *this;
  }
  Poly& operator-=(const Poly& o) {
    for (const auto& [m, c] : o.terms_) add(m, S(-c));
    return *this;
  }
  Poly& operator*=(const S& s) {
    if (s == S(0)) {
      terms_.clear();
      return *this;
    }
    for (auto& [m, c] : terms_) c *= s;
    return *this;
  }
  friend Poly operator+(Poly a, const Poly& b) { return a += b; }
  friend Poly operator-(Poly a, const Poly& b) { return a -= b; }
  friend Poly operator*(Poly a, const S& s) { return a *= s; }
  friend Poly operator*(const Poly& a, const Poly& b) {
    Poly c;
    for (const auto& [ma, ca] : a.terms_)
      for (const auto& [mb, cb] : b.terms_) c.add(ma + mb, ca * cb);
    return c;
  }
  // this += a * b without the temporary.
  void add_product(const Poly& a, const Poly& b) {
    for (const auto& [ma, ca] : a.terms_)
      for (const auto& [mb, cb] : b.terms_) add(ma + mb, ca * cb);
  }
  void add_product(const Poly& a, const Poly& b, const S& s) {
    for (const auto& [ma, ca] : a.terms_)
      for (const auto& [mb, cb] : b.terms_) add(ma + mb, S(ca * cb * s));
  }

 private:
  std::map<Monomial, S> terms_;
};

template <class S>
using PolyVec = std::vector<Poly<S>>;
template <class S>
using PolyMat = std::vector<std::vector<Poly<S>>>;  // [row][col]

}  // namespace icl::exact::two_layer
