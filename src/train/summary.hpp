// Scale-free summaries of a learned merged model: products that do not change under
// (V, Q) -> (sV, Q/s), so that a learned point can be compared with a theory point whatever its
// balance (docs/training.md#scale-free-summaries). v = (v0, v_x, v_y) is the value row.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "model/params.hpp"

namespace icl::train {

template <class T>
struct ScaleFree {
  T gamma;         // v_y * mean diag Q_xx: the pretrained gamma (P(gamma): gamma)
  T icl_residual;  // max |v_y Q_xx - gamma I|: how far the ICL block is from a multiple of I
  T icl_block;     // max |v_y Q_xx|: the ICL block (0 after full zero-shot fine-tuning, C2)
  T c;             // (v_x . theta0) / v_y: the member of F(c) (C3); meaningful when v_y != 0
  T q00_a;         // Q[0,0] (v_x . theta0): 1 on F(c)
  T b;             // mean diag Q_xx * (v_x . theta0): V(b theta0, w)'s b (C4: 1/(d+4))
  T w;             // mean diag Q_xx * v_y: V(b, w)'s w (C4: gamma; C5: w*(n_ft))
  T kq_memory;     // v_y * (Q[x,y] . theta0): C6's memorizing c
};

template <class T>
ScaleFree<T> scale_free(const Mat<T>& V, const Mat<T>& Q, const Vec<T>& theta0) {
  const int D = static_cast<int>(V.rows());
  const int d = D - 2;
  const Layout L{d};
  const Vec<T> v = V.row(D - 1).transpose();
  const T vy = v(L.y());
  const T a = v.segment(1, d).dot(theta0);
  const Mat<T> Qxx = Q.block(1, 1, d, d);
  const T qx = T(Qxx.trace() / T(d));
  ScaleFree<T> s;
  s.gamma = vy * qx;
  const Mat<T> block = vy * Qxx;
  s.icl_block = block.cwiseAbs().maxCoeff();
  s.icl_residual = (block - s.gamma * Mat<T>::Identity(d, d)).cwiseAbs().maxCoeff();
  s.c = vy == T(0) ? T(0) : T(a / vy);
  s.q00_a = Q(0, 0) * a;
  s.b = qx * a;
  s.w = s.gamma;
  s.kq_memory = vy * Q.block(1, L.y(), d, 1).col(0).dot(theta0);
  return s;
}

// (name, value) pairs in a fixed order, for tables and JSON.
template <class T>
std::vector<std::pair<std::string, T>> named(const ScaleFree<T>& s) {
  return {{"gamma = v_y mean(Q_xx)", s.gamma},
          {"ICL block max|v_y Q_xx|", s.icl_block},
          {"ICL residual max|v_y Q_xx - gamma I|", s.icl_residual},
          {"c = (v_x.theta0)/v_y", s.c},
          {"Q00 (v_x.theta0)", s.q00_a},
          {"b = mean(Q_xx) (v_x.theta0)", s.b},
          {"kq c = v_y (Q[x,y].theta0)", s.kq_memory}};
}

}  // namespace icl::train
