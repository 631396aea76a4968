#include "spectral/flat_directions.hpp"

namespace icl::spectral {
namespace {

using exact::Coordinate;
constexpr int kV = 0, kQ = 1, kQsep = 1, kK = 2;  // blocks of Point (model/point.hpp)

Direction unit(int block, int row, int col) { return Direction{{{Coordinate{block, row, col}, Rational(1)}}}; }

}  // namespace

FlatFamily scaling_family(const MergedParams<Rational>& p) {
  const int D = static_cast<int>(p.V.rows()), y = D - 1;
  Direction dir;
  for (int j = 0; j < D; ++j)
    if (p.V(y, j) != 0) dir.entries.push_back({Coordinate{kV, y, j}, p.V(y, j)});
  for (int r = 0; r < y; ++r)  // Q's label row is inert
    for (int c = 0; c < D; ++c)
      if (p.Q(r, c) != 0) dir.entries.push_back({Coordinate{kQ, r, c}, Rational(-p.Q(r, c))});
  return {"scaling (V, Q) -> (sV, Q/s)", {dir}};
}

FlatFamily label_weight_family(const Layout& L) { return {"label weight v_y", {unit(kV, L.y(), L.y())}}; }

FlatFamily antisymmetric_family(const Layout& L) {
  FlatFamily f{"antisymmetric part of Q's (1, x) block", {}};
  for (int i = 0; i < L.y(); ++i)
    for (int j = i + 1; j < L.y(); ++j)
      f.directions.push_back(Direction{{{Coordinate{kQ, i, j}, Rational(1)}, {Coordinate{kQ, j, i}, Rational(-1)}}});
  return f;
}

FlatFamily label_column_family(const Layout& L) {
  FlatFamily f{"Q's label column above the label row", {}};
  for (int r = 0; r < L.y(); ++r) f.directions.push_back(unit(kQ, r, L.y()));
  return f;
}

FlatFamily noiseless_kq_family(const Layout& L, const Vec<Rational>& theta0) {
  FlatFamily f{"noiseless: Q[r, x] = -theta0 t, Q[r, y] = t (C6.noiseless)", {}};
  for (int r = 0; r < L.y(); ++r) {
    Direction dir{{{Coordinate{kQ, r, L.y()}, Rational(1)}}};
    for (int i = 0; i < L.d; ++i)
      if (theta0(i) != 0) dir.entries.push_back({Coordinate{kQ, r, L.x(i)}, Rational(-theta0(i))});
    f.directions.push_back(std::move(dir));
  }
  return f;
}

FlatFamily unit_family(std::string why, const std::vector<Coordinate>& coords) {
  FlatFamily f{std::move(why), {}};
  for (const auto& c : coords) f.directions.push_back(unit(c.block, c.row, c.col));
  return f;
}

FlatFamily lift_to_separate(const FlatFamily& merged) {
  FlatFamily f{merged.why, {}};
  for (const auto& dir : merged.directions) {
    Direction lifted;
    for (const auto& [c, value] : dir.entries)
      lifted.entries.push_back({c.block == kQ ? Coordinate{kK, c.row, c.col} : c, value});
    f.directions.push_back(std::move(lifted));
  }
  return f;
}

FlatFamily gl_orbit_family(const Mat<Rational>& K) {
  const int D = static_cast<int>(K.rows()), y = D - 1;
  FlatFamily f{"(Qsep, K) -> (G Qsep, G^-T K), G near I", {}};
  for (int a = 0; a < D; ++a)
    for (int b = 0; b < y; ++b) {
      Direction dir{{{Coordinate{kQsep, a, b}, Rational(1)}}};
      for (int j = 0; j < D; ++j)
        if (K(a, j) != 0) dir.entries.push_back({Coordinate{kK, b, j}, Rational(-K(a, j))});
      f.directions.push_back(std::move(dir));
    }
  return f;
}

FlatFamily key_label_row_family(const Layout& L) {
  FlatFamily f{"K's label row (it builds only Q's label row)", {}};
  for (int j = 0; j < L.D(); ++j) f.directions.push_back(unit(kK, L.y(), j));
  return f;
}

}  // namespace icl::spectral
