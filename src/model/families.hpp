// The named constructions of THEORY.md section 3 as parameter matrices
// (docs/derivations.md#3-pretrained-family-pgamma).
#pragma once

#include "model/params.hpp"

namespace icl {

// P(gamma): value reads the label (v = e_y), Q x-block = gamma I, all else 0.
template <class T>
MergedParams<T> pretrained_params(int d, const T& gamma) {
  const Layout L{d};
  MergedParams<T> p{Mat<T>::Zero(L.D(), L.D()), Mat<T>::Zero(L.D(), L.D())};
  p.V(L.y(), L.y()) = T(1);
  for (int i = 0; i < d; ++i) p.Q(L.x(i), L.x(i)) = gamma;
  return p;
}

// F(c): v = (0, c theta0, 1), Q[0, 0] = 1/c, all else 0 (c != 0).
template <class T>
MergedParams<T> full_ft_params(const Vec<T>& theta0, const T& c) {
  const Layout L{static_cast<int>(theta0.size())};
  MergedParams<T> p{Mat<T>::Zero(L.D(), L.D()), Mat<T>::Zero(L.D(), L.D())};
  p.V.row(L.y()).segment(1, L.d) = (c * theta0).transpose();
  p.V(L.y(), L.y()) = T(1);
  p.Q(Layout::constant, Layout::constant) = T(1) / c;
  return p;
}

// V(b, w): Q x-block = I, v = (0, b, w).
template <class T>
MergedParams<T> value_only_params(const Vec<T>& b, const T& w) {
  const Layout L{static_cast<int>(b.size())};
  MergedParams<T> p{Mat<T>::Zero(L.D(), L.D()), Mat<T>::Zero(L.D(), L.D())};
  p.V.row(L.y()).segment(1, L.d) = b.transpose();
  p.V(L.y(), L.y()) = w;
  for (int i = 0; i < L.d; ++i) p.Q(L.x(i), L.x(i)) = T(1);
  return p;
}

// The key-query memorizing point of claim C6 (docs/derivations.md#8-key-query-only-fine-tuning):
// the pretrained value row e_y and Q[x, y] = c theta0, every other entry 0.
template <class T>
MergedParams<T> kq_memory_params(const Vec<T>& theta0, const T& c) {
  const Layout L{static_cast<int>(theta0.size())};
  MergedParams<T> p{Mat<T>::Zero(L.D(), L.D()), Mat<T>::Zero(L.D(), L.D())};
  p.V(L.y(), L.y()) = T(1);
  p.Q.col(L.y()).segment(L.x(0), L.d) = c * theta0;
  return p;
}

// ||Q||_F^2 - ||v||^2: conserved by gradient flow on any loss bilinear in (Q, v) (claim C3).
template <class T>
T balance(const MergedParams<T>& p) {
  return p.Q.squaredNorm() - p.value_row().squaredNorm();
}

// theta0 = e_1, the first coordinate axis: the default fine-tuning task.
template <class T>
Vec<T> first_axis(int d) {
  Vec<T> e = Vec<T>::Zero(d);
  e(0) = T(1);
  return e;
}

}  // namespace icl
