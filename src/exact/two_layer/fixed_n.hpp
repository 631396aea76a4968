// The exact two-layer risk at ONE n, fast enough to train on, and its exact gradient
// (docs/exact_risk.md#10-two-layers-issue-27, "At one n: value and gradient").
//
// F = N^4 (yhat - theta.x_q) is a polynomial in the entries of the prompt's second moment S and in
// the query's x (degree <= 4 in S, <= 1 in x outside S) whose coefficients c_S depend on the
// parameters. Substituting S by its expression in (theta, x_q, a, K) and taking the query's x to the
// Hermite basis is a FIXED linear map B (it depends on d, n and the task, not on the parameters),
// and E[F^2] = C^T G C for C = B c_S + c_0 with a fixed sparse Gram matrix G (Hermite norms times the
// joint moments of (a, K) at this n, times the sphere's moments of theta). So at one n, B and G are
// built once and every evaluation costs the expansion of c_S and one pass over G's pairs; the
// gradient is 2 (G C)^T B dc_S/dp, dc_S/dp by forward-mode dual numbers (two_layer/dual.hpp), and a
// Hessian-vector product the same pass with dual numbers of dual numbers.
#pragma once

#include <Eigen/Dense>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "exact/two_layer/dual.hpp"
#include "exact/two_layer/risk.hpp"

namespace icl::exact::two_layer {

// One entry of a model: layer, head, block (0 V, 1 Q -- the merged M --, 2 K), row, column.
struct ArchCoordinate {
  int layer, head, block, row, col;
};

// Which entries an update may change: all; every value matrix; the query (separate Q) or key (K)
// matrices only; the key-query part (separate Q and K, or the merged M). Of the LAST layer's value
// matrices only the last row enters the prediction, so only that row is a coordinate.
enum class CoordinateSet { All, Value, Query, Key, KeyQuery };

template <class S>
std::vector<ArchCoordinate> arch_coordinates(const Arch<S>& a, CoordinateSet set) {
  const bool merged = a.kind() == Parameterization::Merged;
  if (merged && (set == CoordinateSet::Query || set == CoordinateSet::Key))
    throw std::invalid_argument("q-only and k-only updates need separate heads (merged heads have one M)");
  std::vector<int> blocks;
  if (set == CoordinateSet::All || set == CoordinateSet::Value) blocks.push_back(0);
  if (set == CoordinateSet::All || set == CoordinateSet::Query || set == CoordinateSet::KeyQuery) blocks.push_back(1);
  if (!merged && (set == CoordinateSet::All || set == CoordinateSet::Key || set == CoordinateSet::KeyQuery))
    blocks.push_back(2);
  const int D = a.D();
  std::vector<ArchCoordinate> out;
  for (int l = 0; l < a.L(); ++l)
    for (int h = 0; h < a.H(); ++h)
      for (int b : blocks)
        for (int r = (b == 0 && l + 1 == a.L()) ? D - 1 : 0; r < D; ++r)
          for (int c = 0; c < D; ++c) out.push_back({l, h, b, r, c});
  return out;
}

template <class S>
S& arch_entry(Arch<S>& a, const ArchCoordinate& c) {
  auto& h = a.layers.at(c.layer).at(c.head);
  Mat<S>& m = c.block == 0 ? h.V : c.block == 1 ? h.Q : h.K;
  return m(c.row, c.col);
}
template <class S>
const S& arch_entry(const Arch<S>& a, const ArchCoordinate& c) {
  return arch_entry(const_cast<Arch<S>&>(a), c);
}

template <class S>
Vec<S> arch_gather(const Arch<S>& a, const std::vector<ArchCoordinate>& coords) {
  Vec<S> x(static_cast<Eigen::Index>(coords.size()));
  for (std::size_t j = 0; j < coords.size(); ++j) x(j) = arch_entry(a, coords[j]);
  return x;
}
template <class S>
void arch_scatter(Arch<S>& a, const std::vector<ArchCoordinate>& coords, const Vec<S>& x) {
  for (std::size_t j = 0; j < coords.size(); ++j) arch_entry(a, coords[j]) = x(j);
}

// A deliberately wrong gradient for the tests (a mutant each must kill).
// FirstLayerDropped: layer 1's entries get no derivative; GaussNewton: the Hessian-vector product
// without its second-order term (G C)^T B d2c_S.
enum class GradientMutant { None, FirstLayerDropped, GaussNewton };

template <class S>
class FixedNRisk {
 public:
  struct Result {
    S value;
    std::vector<S> derivative;  // one per direction or coordinate
  };
  struct Curvature {
    S value;
    std::vector<S> derivative, second;  // per direction: dR/du_k and d2R/(dv du_k)
  };

  // The risk R(n) of any model with d = `d` and L <= 2 layers, at this n, task and noise.
  FixedNRisk(int d, const TaskLaw<S>& task, const S& s2, long n, Mutant mutant = Mutant::None)
      : d_(d), D_(d + 2), n_(n), s2_(s2), mutant_(mutant) {
    if (d < 1 || d > kMaxD)
      throw std::invalid_argument("the exact two-layer engine covers 1 <= d <= " + std::to_string(kMaxD));
    if (n < 0) throw std::invalid_argument("exact risk: n must be >= 0");
    if (task.theta && task.theta->size() != d) throw std::invalid_argument("exact risk: theta must have length d");
    if (mutant == Mutant::SphereShortcut) throw std::invalid_argument("the fixed-n engine has no sphere shortcut");
    N_ = S(n + 1);
    N8_ = S(1);
    for (int k = 0; k < 8; ++k) N8_ *= N_;
    build(task);
  }

  S value(const Arch<S>& a) { return evaluate(a, {}, GradientMutant::None).value; }

  // The value and its derivatives along each direction (a model of the same shape each).
  Result along(const Arch<S>& a, const std::vector<Arch<S>>& directions, GradientMutant gm = GradientMutant::None) {
    return evaluate(a, directions, gm);
  }

  // The value and its gradient with respect to `coords`.
  Result gradient(const Arch<S>& a, const std::vector<ArchCoordinate>& coords,
                  GradientMutant gm = GradientMutant::None) {
    return evaluate(a, unit_directions(a, coords), gm);
  }

  // The value, the derivatives along `directions` and their derivatives along v: with directions the
  // unit coordinates, `second` is the Hessian-vector product H v, exactly (nested dual numbers).
  Curvature along_curvature(const Arch<S>& a, const std::vector<Arch<S>>& directions, const Arch<S>& v,
                            GradientMutant gm = GradientMutant::None) {
    return evaluate2(a, directions, v, gm);
  }

  // The Hessian over `coords`, exactly: one Hessian-vector product per coordinate (column j is H e_j).
  Mat<S> hessian(const Arch<S>& a, const std::vector<ArchCoordinate>& coords,
                 GradientMutant gm = GradientMutant::None) {
    const auto units = unit_directions(a, coords);
    const auto P = static_cast<Eigen::Index>(coords.size());
    Mat<S> H(P, P);
    for (Eigen::Index j = 0; j < P; ++j) {
      const Curvature c = evaluate2(a, units, units[j], gm);
      for (Eigen::Index i = 0; i < P; ++i) H(i, j) = c.second[i];
    }
    return H;
  }

  // Sizes (docs/performance.md): monomials of (S, x_q), rows (Hermite index, context monomial),
  // theta monomials (1 on a fixed task), pairs of rows with a nonzero moment.
  std::size_t columns() const { return column_.size(); }
  std::size_t rows() const { return rows_; }
  std::size_t thetas() const { return T_; }
  std::size_t pairs() const { return pairs_.size(); }

 private:
  using Row = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  struct Entry {
    int row, tau;
    S coef;
  };
  struct Pair {
    int x, y;
    S weight;
  };

  int svar(int r, int c) const {
    if (r > c) std::swap(r, c);
    return r * D_ - r * (r - 1) / 2 + (c - r);
  }
  int qvar(int i) const { return D_ * (D_ + 1) / 2 + i; }

  // p(n) with the variable n replaced by this n.
  Poly<S> at_n(const Poly<S>& p) const {
    Poly<S> out;
    for (const auto& [m, c] : p.terms()) {
      S x = c;
      for (int k = 0; k < m[detail::Layout::n]; ++k) x *= S(n_);
      Monomial mm = m;
      mm[detail::Layout::n] = 0;
      out.add(mm, x);
    }
    return out;
  }

  // Adds the X-space polynomial p, taken to (row, theta monomial) entries, to acc.
  void add_x_poly(const Poly<S>& p, std::map<std::pair<int, int>, S>& acc) {
    std::vector<int> beta(d_);
    for (const auto& [m, c] : p.terms()) {
      detail::CtxKey ctx = 0;
      for (int k = 0; k < at_.items; ++k) ctx |= static_cast<detail::CtxKey>(m[at_.item(k)]) << (4 * k);
      std::uint64_t tau = 0;
      if (at_.sphere)
        for (int i = 0; i < d_; ++i) tau |= static_cast<std::uint64_t>(m[at_.theta(i)]) << (5 * i);
      auto [tit, tnew] = tau_index_.try_emplace(tau, static_cast<int>(tau_index_.size()));
      for (int i = 0; i < d_; ++i) beta[i] = m[at_.q(i)];
      const int column = tit->second;  // named: a lambda may not capture a structured binding (clang 14)
      const S& coef = c;
      detail::for_each_hermite<S>(beta, [&](std::uint64_t idx, const S& h) {
        auto [rit, rnew] = row_index_.try_emplace({idx, ctx}, static_cast<int>(row_index_.size()));
        acc[{rit->second, column}] += S(coef * h);
      });
    }
  }

  void build(const TaskLaw<S>& task) {
    at_.d = d_;
    at_.sphere = task.is_sphere();
    std::vector<S> var(d_ + 1, S(1));
    var[d_] = s2_;
    ContextMoments<S> cm(var, mutant_);
    at_.items = cm.items();
    std::vector<Poly<S>> th(d_);
    for (int i = 0; i < d_; ++i) th[i] = at_.sphere ? Poly<S>::variable(at_.theta(i)) : Poly<S>((*task.theta)(i));
    const detail::PromptPolys<S> pr = detail::prompt_polys(at_, th, cm, mutant_);
    std::vector<Poly<S>> Sx;  // S's entries r <= c in X-space at this n
    for (int r = 0; r < D_; ++r)
      for (int c = r; c < D_; ++c) Sx.push_back(at_n(pr.S_[r][c]));
    const int nS = static_cast<int>(Sx.size());
    // c_0 = -N^4 theta.x_q.
    {
      std::map<std::pair<int, int>, S> acc;
      S n4 = N_ * N_;
      n4 *= n4;
      add_x_poly(pr.target * S(-n4), acc);
      for (const auto& [k, c] : acc) c0_.push_back({k.first, k.second, c});
    }
    // Columns: every monomial of degree <= 4 in S's entries times 1 or one x_q,i (a superset of F's).
    std::vector<Poly<S>> qx(d_ + 1);
    qx[0] = Poly<S>(S(1));
    for (int i = 0; i < d_; ++i) qx[1 + i] = Poly<S>::variable(at_.q(i));
    Monomial alpha{};
    std::function<void(int, int, const Poly<S>&)> walk = [&](int from, int degree, const Poly<S>& prod) {
      for (int e = 0; e <= d_; ++e) {
        Monomial m = alpha;
        if (e > 0) m[qvar(e - 1)] = 1;
        std::map<std::pair<int, int>, S> acc;
        add_x_poly(e == 0 ? prod : prod * qx[e], acc);
        std::vector<Entry> col;
        for (const auto& [k, c] : acc)
          if (c != S(0)) col.push_back({k.first, k.second, c});
        column_.emplace(m, static_cast<int>(B_.size()));
        B_.push_back(std::move(col));
      }
      if (degree == 4) return;
      for (int u = from; u < nS; ++u) {
        ++alpha[u];
        walk(u, degree + 1, prod * Sx[u]);
        --alpha[u];
      }
    };
    walk(0, 0, Poly<S>(S(1)));
    rows_ = row_index_.size();
    T_ = tau_index_.size();
    // Theta's Gram matrix: the sphere's moments (1 on a fixed task).
    std::vector<std::vector<int>> taus(T_, std::vector<int>(d_));
    for (const auto& [tau, t] : tau_index_)
      for (int i = 0; i < d_; ++i) taus[t][i] = static_cast<int>((tau >> (5 * i)) & 31);
    Theta_ = Row::Ones(T_, T_);
    if (at_.sphere)
      for (std::size_t t = 0; t < T_; ++t)
        for (std::size_t u = 0; u < T_; ++u) {
          std::vector<int> a(d_);
          for (int i = 0; i < d_; ++i) a[i] = taus[t][i] + taus[u][i];
          Theta_(t, u) = detail::sphere_moment<S>(a, d_);
        }
    // The rows' Gram matrix: within one Hermite index, pairs of context monomials of one parity mask.
    struct R {
      std::uint64_t idx;
      unsigned mask;
      detail::CtxKey ctx;
      int row;
    };
    std::vector<R> rs;
    for (const auto& [key, row] : row_index_) {
      unsigned mask = 0;
      for (int k = 0; k < at_.items; ++k)
        if ((key.second >> (4 * k)) & 1)
          for (int c : cm.coords(k)) mask ^= 1U << c;
      rs.push_back({key.first, mask, key.second, row});
    }
    std::sort(rs.begin(), rs.end(), [](const R& x, const R& y) {
      return x.idx != y.idx ? x.idx < y.idx : x.mask != y.mask ? x.mask < y.mask : x.ctx < y.ctx;
    });
    typename ContextMoments<S>::Items items(at_.items);
    for (std::size_t x = 0; x < rs.size(); ++x)
      for (std::size_t y = x; y < rs.size() && rs[y].idx == rs[x].idx && rs[y].mask == rs[x].mask; ++y) {
        const detail::CtxKey key = rs[x].ctx + rs[y].ctx;
        for (int k = 0; k < at_.items; ++k) items[k] = static_cast<int>((key >> (4 * k)) & 15);
        S mu(0);
        const std::vector<S>& poly = cm.moment(items);
        for (auto it = poly.rbegin(); it != poly.rend(); ++it) mu = mu * S(n_) + *it;
        if (mu == S(0)) continue;
        pairs_.push_back({rs[x].row, rs[y].row, S(mu * S(detail::hermite_norm(rs[x].idx, d_)))});
      }
  }

  // One model per coordinate: 1 at that entry, 0 elsewhere.
  static std::vector<Arch<S>> unit_directions(const Arch<S>& a, const std::vector<ArchCoordinate>& coords) {
    Arch<S> zero = a;
    for (auto& layer : zero.layers)
      for (auto& h : layer)
        for (Mat<S>* m : {&h.V, &h.Q, &h.K}) m->setZero();
    std::vector<Arch<S>> dirs(coords.size(), zero);
    for (std::size_t k = 0; k < coords.size(); ++k) arch_entry(dirs[k], coords[k]) = S(1);
    return dirs;
  }

  // The heads of `a` with every entry's coefficient made by seed(layer, head, block, row, col, value)
  // (block 0 V, 1 Q -- the merged M --, 2 K), and separate heads' M = Q^T K formed in that type.
  template <class X, class Seed>
  detail::LayersVM<X> seeded_layers(const Arch<S>& a, const Seed& seed) const {
    detail::LayersVM<X> layers;
    for (int l = 0; l < a.L(); ++l) {
      layers.emplace_back();
      for (int h = 0; h < a.H(); ++h) {
        const auto& y = a.layers[l][h];
        auto at = [&](int b, int r, int c) { return seed(l, h, b, r, c, (b == 0 ? y.V : b == 1 ? y.Q : y.K)(r, c)); };
        detail::HeadVM<X> x{D_, std::vector<X>(D_ * D_), std::vector<X>(D_ * D_)};
        for (int r = 0; r < D_; ++r)
          for (int c = 0; c < D_; ++c) {
            x.V[r * D_ + c] = at(0, r, c);
            if (y.merged()) {
              x.M[r * D_ + c] = at(1, r, c);
            } else {
              X m(0);
              for (int k = 0; k < D_; ++k) m += at(1, k, r) * at(2, k, c);
              x.M[r * D_ + c] = m;
            }
          }
        layers.back().push_back(std::move(x));
      }
    }
    return layers;
  }

  // N^4 yhat as a polynomial in (S, x_q) whose coefficients are of type X.
  template <class X>
  Poly<X> prediction(const detail::LayersVM<X>& layers) const {
    using P_ = Poly<X>;
    PolyMat<X> Smat(D_, std::vector<P_>(D_));
    for (int r = 0; r < D_; ++r)
      for (int c = 0; c < D_; ++c) Smat[r][c] = P_::variable(svar(r, c));
    std::vector<P_> zq(D_);
    zq[0] = P_(X(1));
    for (int i = 0; i < d_; ++i) zq[1 + i] = P_::variable(qvar(i));
    return detail::scaled_prediction(layers, Smat, zq, P_(X(n_ + 1)));
  }

  // B's column of a monomial of (S, x_q).
  const std::vector<Entry>& column(const Monomial& m) const {
    const auto it = column_.find(m);
    if (it == column_.end()) throw std::logic_error("two-layer fixed-n risk: a monomial outside the columns");
    return B_[it->second];
  }

  // C += coef * (column), in place (one temporary: in rationals every product would allocate).
  static void add_column(Row& C, const std::vector<Entry>& col, const S& coef, S& tmp) {
    for (const auto& e : col) {
      tmp = e.coef;
      tmp *= coef;
      C(e.row, e.tau) += tmp;
    }
  }

  // G C, the Gram matrix of the rows applied to C (times Theta's Gram matrix on the sphere).
  Row gram(const Row& C) const {
    Row GC = Row::Zero(rows_, T_);
    S tmp(0);
    const Eigen::Index T = C.cols();
    for (const auto& p : pairs_)
      for (Eigen::Index t = 0; t < T; ++t) {
        tmp = p.weight;
        tmp *= C(p.y, t);
        GC(p.x, t) += tmp;
        if (p.x != p.y) {
          tmp = p.weight;
          tmp *= C(p.x, t);
          GC(p.y, t) += tmp;
        }
      }
    if (at_.sphere) GC = Row(GC * Theta_);
    return GC;
  }

  // C^T G C, summed row by row.
  static S quadratic(const Row& C, const Row& GC, S& tmp) {
    S quad(0);
    for (Eigen::Index r = 0; r < C.rows(); ++r)
      for (Eigen::Index t = 0; t < C.cols(); ++t) {
        tmp = C(r, t);
        tmp *= GC(r, t);
        quad += tmp;
      }
    return quad;
  }

  // The column of a monomial paired with G C: the adjoint of its coefficient, halved.
  static S pair(const std::vector<Entry>& col, const Row& GC, S& tmp) {
    S adj(0);
    for (const auto& e : col) {
      tmp = e.coef;
      tmp *= GC(e.row, e.tau);
      adj += tmp;
    }
    return adj;
  }

  // The value, and with directions the derivatives along them: C = B c_S + c_0, the value
  // (s2 N^8 + C^T G C) / N^8 and the derivative 2 (G C)^T B dc_S / N^8.
  Result evaluate(const Arch<S>& a, const std::vector<Arch<S>>& dirs, GradientMutant gm) {
    detail::check_two_layer(a);
    if (a.d() != d_) throw std::invalid_argument("exact risk: the model's d differs from the engine's");
    using Du = Dual<S>;
    const std::size_t P = dirs.size();
    auto seed = [&](int l, int h, int b, int r, int c, const S& value) {
      Du out(value);
      if (gm == GradientMutant::FirstLayerDropped && l == 0 && a.L() == 2) return out;
      std::vector<S> g(P, S(0));
      bool any = false;
      for (std::size_t k = 0; k < P; ++k) {
        const auto& y = dirs[k].layers[l][h];
        g[k] = (b == 0 ? y.V : b == 1 ? y.Q : y.K)(r, c);
        any = any || g[k] != S(0);
      }
      if (any) out.g = std::move(g);
      return out;
    };
    const Poly<Du> Y = prediction(seeded_layers<Du>(a, seed));
    Row C = Row::Zero(rows_, T_);
    S tmp(0);
    for (const auto& e : c0_) C(e.row, e.tau) += e.coef;
    std::vector<std::pair<const std::vector<Entry>*, const Du*>> used;
    used.reserve(Y.size());
    for (const auto& [m, c] : Y.terms()) {
      const auto& col = column(m);
      add_column(C, col, c.v, tmp);
      used.emplace_back(&col, &c);
    }
    const Row GC = gram(C);
    Result out{(s2_ * N8_ + quadratic(C, GC, tmp)) / N8_, std::vector<S>(P, S(0))};
    if (P == 0) return out;
    for (const auto& [col, c] : used) {
      if (c->g.empty()) continue;
      const S adj = S(2) * pair(*col, GC, tmp);
      for (std::size_t k = 0; k < P; ++k) out.derivative[k] += adj * c->g[k];
    }
    for (auto& x : out.derivative) x /= N8_;
    return out;
  }

  // The second derivatives d/dv of the derivatives along `dirs`: coefficients carry a derivative
  // along v (outer) of values with derivatives along dirs (inner), and with Cv = B dc_S/dv,
  // d2R/(dv du_k) = 2 [(G Cv)^T B dc_S/du_k + (G C)^T B d2c_S/(dv du_k)] / N^8.
  Curvature evaluate2(const Arch<S>& a, const std::vector<Arch<S>>& dirs, const Arch<S>& v, GradientMutant gm) {
    detail::check_two_layer(a);
    if (a.d() != d_) throw std::invalid_argument("exact risk: the model's d differs from the engine's");
    using Du = Dual<S>;
    using Dd = Dual<Du>;
    const std::size_t P = dirs.size();
    auto seed = [&](int l, int h, int b, int r, int c, const S& value) {
      auto entry = [&](const Arch<S>& x) {
        const auto& y = x.layers[l][h];
        return (b == 0 ? y.V : b == 1 ? y.Q : y.K)(r, c);
      };
      Dd out{Du(value)};
      if (gm == GradientMutant::FirstLayerDropped && l == 0 && a.L() == 2) return out;
      std::vector<S> g(P, S(0));
      for (std::size_t k = 0; k < P; ++k) g[k] = entry(dirs[k]);
      out.v.g = std::move(g);
      out.g = {Du(entry(v))};
      return out;
    };
    const Poly<Dd> Y = prediction(seeded_layers<Dd>(a, seed));
    Row C = Row::Zero(rows_, T_), Cv = Row::Zero(rows_, T_);
    S tmp(0);
    for (const auto& e : c0_) C(e.row, e.tau) += e.coef;
    std::vector<std::pair<const std::vector<Entry>*, const Dd*>> used;
    used.reserve(Y.size());
    for (const auto& [m, c] : Y.terms()) {
      const auto& col = column(m);
      add_column(C, col, c.v.v, tmp);
      if (!c.g.empty()) add_column(Cv, col, c.g[0].v, tmp);
      used.emplace_back(&col, &c);
    }
    const Row GC = gram(C), GCv = gram(Cv);
    Curvature out{(s2_ * N8_ + quadratic(C, GC, tmp)) / N8_, std::vector<S>(P, S(0)), std::vector<S>(P, S(0))};
    for (const auto& [col, c] : used) {
      const S adj = S(2) * pair(*col, GC, tmp), adjv = S(2) * pair(*col, GCv, tmp);
      for (std::size_t k = 0; k < P && k < c->v.g.size(); ++k) {
        out.derivative[k] += adj * c->v.g[k];
        out.second[k] += adjv * c->v.g[k];
      }
      if (!c->g.empty() && gm != GradientMutant::GaussNewton)
        for (std::size_t k = 0; k < P && k < c->g[0].g.size(); ++k) out.second[k] += adj * c->g[0].g[k];
    }
    for (auto& x : out.derivative) x /= N8_;
    for (auto& x : out.second) x /= N8_;
    return out;
  }

  int d_, D_;
  long n_;
  S s2_, N_, N8_;
  Mutant mutant_;
  detail::Layout at_;
  std::map<std::pair<std::uint64_t, detail::CtxKey>, int> row_index_;
  std::map<std::uint64_t, int> tau_index_;
  std::size_t rows_ = 0, T_ = 1;
  std::map<Monomial, int> column_;
  std::vector<std::vector<Entry>> B_;
  std::vector<Entry> c0_;
  std::vector<Pair> pairs_;
  Row Theta_;
};

}  // namespace icl::exact::two_layer
