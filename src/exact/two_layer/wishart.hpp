// Joint moments of the context's sufficient statistics a = sum_i g_i and K = sum_i g_i g_i^T over
// n iid Gaussian vectors g_i ~ N(0, diag(var)), as exact polynomials in n (docs/exact_risk.md#10-two-layers-issue-27).
// The n tokens are iid, so every joint cumulant of entries of a and K is n times the joint cumulant
// of the same products of ONE vector g ("item" a_p -> g_p, K_rs -> g_r g_s):
//   E[X_1 X_2 ... X_k] = sum over sub-multisets B of {X_2..X_k} of n kappa1(X_1, B) E[rest],
//   kappa1(X_1, B) = m1(X_1, B) - sum over proper B' of kappa1(X_1, B') m1(B \ B'),
// with m1 the one-vector moment (a product of 1D Gaussian moments (k - 1)!! var^(k/2)).
#pragma once

#include <map>
#include <stdexcept>
#include <vector>

namespace icl::exact::two_layer {

// Deliberate errors for the tests (a mutant each test must kill); None in the engine.
enum class Mutant {
  None,
  DroppedClass,    // cumulants of three or more factors of one token dropped (a coincidence class)
  WrongMoment,     // E g^4 = 2 var^2 instead of 3 var^2
  QueryMasked,     // the query's own row left out of S (a causal mask on the query)
  SphereShortcut,  // the sphere as the average over the 2d points +-e_i (the one-layer shortcut)
};

template <class S>
class ContextMoments {
 public:
  using Items = std::vector<int>;  // multiplicity of each item

  // var: the variances of the d + 1 coordinates of g; items are a_0..a_d, then K_rs for r <= s.
  ContextMoments(std::vector<S> var, Mutant mutant = Mutant::None) : var_(std::move(var)), mutant_(mutant) {
    const int m = static_cast<int>(var_.size());
    for (int p = 0; p < m; ++p) item_coords_.push_back({p});
    for (int r = 0; r < m; ++r)
      for (int s = r; s < m; ++s) item_coords_.push_back({r, s});
  }

  int items() const { return static_cast<int>(item_coords_.size()); }
  // The coordinates of g an item multiplies (one for a_p, two for K_rs, r = s counted twice).
  const std::vector<int>& coords(int item) const { return item_coords_[item]; }
  int a_item(int p) const { return p; }
  int k_item(int r, int s) const {
    if (r > s) std::swap(r, s);
    const int m = static_cast<int>(var_.size());
    return m + r * m - r * (r - 1) / 2 + (s - r);
  }

  // E[prod items^e] as the coefficients (in powers of n) of a polynomial in n.
  const std::vector<S>& moment(const Items& e) {
    if (auto it = moments_.find(e); it != moments_.end()) return it->second;
    std::vector<S> out{S(0)};
    int first = -1;
    for (int i = 0; i < items(); ++i)
      if (e[i] > 0) {
        first = i;
        break;
      }
    if (first < 0) {
      out = {S(1)};
    } else {
      Items rest = e;
      --rest[first];
      for_each_sub(rest, [&](const Items& b, const S& ways) {
        Items block = b;
        ++block[first];
        if (mutant_ == Mutant::DroppedClass && order(block) >= 3) return;
        if (vanishes(block)) return;
        const S k = cumulant1(block);
        if (k == S(0)) return;
        Items left = rest;
        for (int i = 0; i < items(); ++i) left[i] -= b[i];
        const std::vector<S> m = moment(left);  // a copy: the memo may rehash
        if (out.size() < m.size() + 1) out.resize(m.size() + 1, S(0));
        for (std::size_t j = 0; j < m.size(); ++j) out[j + 1] += ways * k * m[j];  // n kappa1 E[rest]
      });
    }
    return moments_.emplace(e, std::move(out)).first->second;
  }

 private:
  static int order(const Items& e) {
    int k = 0;
    for (int x : e) k += x;
    return k;
  }

  // Calls f(b, prod_i C(e_i, b_i)) for every sub-multiset b <= e.
  template <class F>
  void for_each_sub(const Items& e, F&& f) const {
    Items b(e.size(), 0);
    while (true) {
      S ways(1);
      for (std::size_t i = 0; i < e.size(); ++i) ways *= binomial(e[i], b[i]);
      f(b, ways);
      std::size_t i = 0;
      while (i < e.size() && b[i] == e[i]) b[i++] = 0;
      if (i == e.size()) return;
      ++b[i];
    }
  }

  static S binomial(int n, int k) {
    long c = 1;
    for (int j = 1; j <= k; ++j) c = c * (n - k + j) / j;  // exact at every step
    return S(c);
  }

  // The moment of one vector g of the products the items stand for.
  S moment1(const Items& e) const {
    std::vector<int> power(var_.size(), 0);
    for (int i = 0; i < items(); ++i)
      for (int c : item_coords_[i]) power[c] += e[i];
    S m(1);
    for (std::size_t c = 0; c < var_.size(); ++c) {
      const int k = power[c];
      if (k % 2) return S(0);
      S dfact(1);
      for (int j = k - 1; j > 1; j -= 2) dfact *= S(j);
      if (mutant_ == Mutant::WrongMoment && k == 4) dfact = S(2);
      for (int j = 0; j < k / 2; ++j) dfact *= var_[c];
      m *= dfact;
    }
    return m;
  }

  // Whether the joint cumulant of one vector's products is zero by structure: a coordinate of g
  // with an odd total power (g_c -> -g_c is a symmetry of the diagonal Gaussian), or items that split
  // into groups on disjoint coordinates (independent groups have no joint cumulant).
  bool vanishes(const Items& e) const {
    const int m = static_cast<int>(var_.size());
    std::vector<int> power(m, 0), group(m);
    for (int c = 0; c < m; ++c) group[c] = c;
    auto root = [&](int c) {
      while (group[c] != c) c = group[c];
      return c;
    };
    int first = -1;
    for (int i = 0; i < items(); ++i) {
      if (e[i] == 0) continue;
      for (int c : item_coords_[i]) power[c] += e[i];
      const auto& cs = item_coords_[i];
      if (cs.size() == 2) group[root(cs[0])] = root(cs[1]);
      if (first < 0) first = cs[0];
    }
    for (int c = 0; c < m; ++c)
      if (power[c] % 2) return true;
    for (int c = 0; c < m; ++c)
      if (power[c] > 0 && root(c) != root(first)) return true;
    return false;
  }

  // The joint cumulant of one vector's products, the first nonzero item marked.
  S cumulant1(const Items& e) {
    if (auto it = cumulants_.find(e); it != cumulants_.end()) return it->second;
    int first = 0;
    while (e[first] == 0) ++first;
    Items rest = e;
    --rest[first];
    S k = moment1(e);
    for_each_sub(rest, [&](const Items& b, const S& ways) {
      if (b == rest) return;
      Items block = b;
      ++block[first];
      if (vanishes(block)) return;
      Items left = rest;
      for (int i = 0; i < items(); ++i) left[i] -= b[i];
      k -= ways * cumulant1(block) * moment1(left);
    });
    return cumulants_.emplace(e, k).first->second;
  }

  std::vector<S> var_;
  Mutant mutant_;
  std::vector<std::vector<int>> item_coords_;
  std::map<Items, std::vector<S>> moments_;
  std::map<Items, S> cumulants_;
};

}  // namespace icl::exact::two_layer
