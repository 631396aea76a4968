// Random parameter points with small rational entries k / denominator (k uniform in [-span, span]):
// exact in rationals, so one draw serves the exact engine, 50 digits, double and Monte Carlo.
#pragma once

#include "model/arch.hpp"
#include "model/point.hpp"
#include "sim/sampler.hpp"

namespace icl::sim {

inline Rational random_entry(Engine& rng, int span, int denominator) {
  const auto k = static_cast<long>(rng(static_cast<pcg64::result_type>(2 * span + 1))) - span;
  return Rational(k, denominator);
}

inline Vec<Rational> random_vector(Engine& rng, int size, int span, int denominator) {
  Vec<Rational> v(size);
  for (int i = 0; i < size; ++i) v(i) = random_entry(rng, span, denominator);
  return v;
}

inline Mat<Rational> random_matrix(Engine& rng, int D, int span, int denominator) {
  Mat<Rational> m(D, D);
  for (int r = 0; r < D; ++r)
    for (int c = 0; c < D; ++c) m(r, c) = random_entry(rng, span, denominator);
  return m;
}

inline Point<Rational> random_point(Engine& rng, Parameterization kind, int d, int span, int denominator) {
  Point<Rational> p{kind, {}};
  const int blocks = kind == Parameterization::Merged ? 2 : 3;
  for (int b = 0; b < blocks; ++b) p.blocks.push_back(random_matrix(rng, d + 2, span, denominator));
  return p;
}

// One layer of H heads, each drawn as random_point (V, then Q, then K for separate heads).
inline Arch<Rational> random_heads(Engine& rng, Parameterization kind, int d, int H, int span, int denominator) {
  Arch<Rational> a{{{}}};
  for (int h = 0; h < H; ++h) {
    const Point<Rational> p = random_point(rng, kind, d, span, denominator);
    a.layers[0].push_back(arch_from_point(p).layers[0][0]);
  }
  return a;
}

}  // namespace icl::sim
