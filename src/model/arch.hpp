// Linear transformers with L layers and H heads per layer, separate V, Q, K per head (THEORY.md
// section 7; docs/architectures.md#1-the-model). Layer l maps the whole prompt:
//   Z <- Z + (1/H) sum_h A_h (Z V_h^T) / N,  A_h[r, s] = (Q_h z_r) . (K_h z_s),  N = n + 1,
// every row attending to every row (the query included) and every row updated; the prediction is
// Z[N-1, D-1] after the last layer. With M_h = Q_h^T K_h and S = Z^T Z that is Z <- Z W with
//   W = I + (1/(H N)) sum_h M_h S V_h^T,
// which costs O(N D^2 + H D^3) per layer instead of the O(N^2 D) of the attention matrices.
// With L = 1 the prediction depends on the parameters only through the tensor
//   T = (1/H) sum_h M_h (x) v_h,   v_h = the last row of V_h.
// Arch::attention = Softmax replaces A_h / N by softmax_rows(A_h) (model/softmax.hpp); the forward
// functions below evaluate either kind.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "model/point.hpp"
#include "model/softmax.hpp"

namespace icl {

// One head: separate {V, Q, K} (A[r, s] = (Q z_r).(K z_s), merged M = Q^T K), or merged {V, M}
// (K is then empty and Q holds M).
template <class T>
struct Head {
  Mat<T> V, Q, K;

  bool merged() const { return K.size() == 0; }
  Mat<T> M() const { return merged() ? Q : Mat<T>(Q.transpose() * K); }
  Vec<T> v() const { return V.row(V.rows() - 1).transpose(); }

  template <class S>
  Head<S> cast() const {
    return Head<S>{V.template cast<S>(), Q.template cast<S>(), K.template cast<S>()};
  }
};

// layers[l][h]: every layer has the same number of heads, every head the same parameterization.
template <class T>
struct Arch {
  std::vector<std::vector<Head<T>>> layers;
  Attention attention = Attention::Linear;  // every layer the same kind

  int L() const { return static_cast<int>(layers.size()); }
  int H() const { return layers.empty() ? 0 : static_cast<int>(layers.front().size()); }
  int D() const { return static_cast<int>(layers.front().front().V.rows()); }
  int d() const { return D() - 2; }
  Parameterization kind() const {
    return layers.front().front().merged() ? Parameterization::Merged : Parameterization::Separate;
  }

  bool softmax() const { return attention == Attention::Softmax; }

  template <class S>
  Arch<S> cast() const {
    Arch<S> out;
    out.attention = attention;
    for (const auto& layer : layers) {
      out.layers.emplace_back();
      for (const auto& h : layer) out.layers.back().push_back(h.template cast<S>());
    }
    return out;
  }
};

// Throws std::invalid_argument unless L >= 1, H >= 1, every matrix is D x D with D >= 3 and every
// head has the same parameterization; `what` names the parameters in the message.
template <class T>
void validate_arch(const Arch<T>& a, const std::string& what = "parameters") {
  if (a.layers.empty() || a.layers.front().empty())
    throw std::invalid_argument(what + ": need at least one layer and one head");
  const auto D = a.layers.front().front().V.rows();
  const bool merged = a.layers.front().front().merged();
  if (D < 3) throw std::invalid_argument(what + ": matrices must be D x D with D = d + 2 >= 3");
  for (std::size_t l = 0; l < a.layers.size(); ++l) {
    if (a.layers[l].size() != a.layers.front().size())
      throw std::invalid_argument(what + ": every layer needs the same number of heads");
    for (std::size_t h = 0; h < a.layers[l].size(); ++h) {
      const auto& x = a.layers[l][h];
      const std::string at = what + ": layer " + std::to_string(l) + " head " + std::to_string(h);
      if (x.merged() != merged) throw std::invalid_argument(at + ": every head needs the same parameterization");
      for (const Mat<T>* m : {&x.V, &x.Q, &x.K})
        if (m->size() != 0 && (m->rows() != D || m->cols() != D))
          throw std::invalid_argument(at + ": every matrix must be " + std::to_string(D) + " x " + std::to_string(D));
    }
  }
}

// The one-layer, one-head model of a Point, and back (throws unless L = H = 1).
template <class T>
Arch<T> arch_from_point(const Point<T>& p) {
  Head<T> h{p.V(), p.kind == Parameterization::Merged ? p.blocks[block::Q] : p.Qsep(),
            p.kind == Parameterization::Merged ? Mat<T>() : p.K()};
  return Arch<T>{{{h}}};
}

template <class T>
Point<T> point_from_arch(const Arch<T>& a) {
  if (a.L() != 1 || a.H() != 1) throw std::invalid_argument("a Point holds one layer with one head");
  const auto& h = a.layers.front().front();
  if (h.merged()) return Point<T>::merged(MergedParams<T>{h.V, h.Q});
  return Point<T>::separate(SeparateParams<T>{h.V, h.Q, h.K});
}

// The layer's right factor W = I + (1/(H N)) sum_h M_h S V_h^T for S = Z^T Z and N rows.
template <class T>
Mat<T> layer_factor(const std::vector<Head<T>>& heads, const Mat<T>& S, long N) {
  const auto D = S.rows();
  Mat<T> sum = Mat<T>::Zero(D, D);
  for (const auto& h : heads) sum += h.M() * S * h.V.transpose();
  return Mat<T>::Identity(D, D) + sum / (T(static_cast<long>(heads.size())) * T(N));
}

// One softmax layer on all rows: Z + (1/H) sum_h softmax_rows(Z M_h Z^T) (Z V_h^T).
template <class T>
Mat<T> softmax_layer(const std::vector<Head<T>>& heads, const Mat<T>& Z) {
  if constexpr (!evaluates_softmax<T>) {
    throw no_exact_softmax();
  } else {
    Mat<T> update = Mat<T>::Zero(Z.rows(), Z.cols());
    for (const auto& h : heads) {
      Mat<T> P = Z * h.M() * Z.transpose();
      softmax_rows_in_place(P);
      update += P * (Z * h.V.transpose());
    }
    return Z + update / T(static_cast<long>(heads.size()));
  }
}

// The query row's label after one softmax layer: z_q[D-1] + (1/H) sum_h softmax(Z M_h^T z_q) . (Z v_h).
template <class T>
T softmax_query_label(const std::vector<Head<T>>& heads, const Mat<T>& Z) {
  if constexpr (!evaluates_softmax<T>) {
    throw no_exact_softmax();
  } else {
    const auto N = Z.rows(), D = Z.cols();
    const Vec<T> zq = Z.row(N - 1).transpose();
    T sum(0);
    for (const auto& h : heads) {
      Vec<T> p = Z * (h.M().transpose() * zq);
      softmax_in_place<T>(p);
      sum += p.dot(Z * h.v());
    }
    return zq(D - 1) + sum / T(static_cast<long>(heads.size()));
  }
}

// The prompt after every layer: Z <- Z W_l (all rows); softmax layers as softmax_layer.
template <class T>
Mat<T> arch_output(const Arch<T>& a, Mat<T> Z) {
  if (a.softmax()) {
    for (const auto& layer : a.layers) Z = softmax_layer(layer, Z);
    return Z;
  }
  for (const auto& layer : a.layers) {
    const Mat<T> S = Z.transpose() * Z;
    Z = Z * layer_factor(layer, S, Z.rows());
  }
  return Z;
}

// Z[N-1, D-1] after the last layer; the last layer computes the query row only.
template <class T>
T arch_predict(const Arch<T>& a, Mat<T> Z) {
  const auto N = Z.rows();
  if (a.softmax()) {
    for (std::size_t l = 0; l + 1 < a.layers.size(); ++l) Z = softmax_layer(a.layers[l], Z);
    return softmax_query_label(a.layers.back(), Z);
  }
  for (std::size_t l = 0; l + 1 < a.layers.size(); ++l) {
    const Mat<T> S = Z.transpose() * Z;
    Z = Z * layer_factor(a.layers[l], S, N);
  }
  const Mat<T> S = Z.transpose() * Z;
  const auto D = Z.cols();
  return Z.row(N - 1).dot(layer_factor(a.layers.back(), S, N).col(D - 1));
}

// The reference: the attention matrices of the definition, O(N^2 D) per head (tests and docs);
// softmax layers are already computed that way (arch_output).
template <class T>
Mat<T> arch_output_reference(const Arch<T>& a, Mat<T> Z) {
  if (a.softmax()) return arch_output(a, std::move(Z));
  const auto N = Z.rows();
  for (const auto& layer : a.layers) {
    Mat<T> update = Mat<T>::Zero(Z.rows(), Z.cols());
    for (const auto& h : layer) {
      const Mat<T> A = h.merged() ? Mat<T>(Z * h.Q * Z.transpose())
                                  : Mat<T>((Z * h.Q.transpose()) * (Z * h.K.transpose()).transpose());
      update += A * (Z * h.V.transpose());
    }
    Z = Z + update / (T(static_cast<long>(layer.size())) * T(N));
  }
  return Z;
}

}  // namespace icl
