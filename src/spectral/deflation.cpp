#include "spectral/deflation.hpp"

#include <Eigen/LU>
#include <cmath>
#include <numeric>
#include <pcg_random.hpp>
#include <stdexcept>

namespace icl::spectral {

SparseBasis to_basis(const std::vector<Direction>& directions, const std::vector<exact::Coordinate>& coords, int D) {
  const auto key = [D](const exact::Coordinate& c) { return (static_cast<long>(c.block) * D + c.row) * D + c.col; };
  std::vector<Eigen::Index> index(static_cast<std::size_t>(3 * D * D), -1);
  for (std::size_t j = 0; j < coords.size(); ++j)
    index[static_cast<std::size_t>(key(coords[j]))] = static_cast<Eigen::Index>(j);
  SparseBasis B;
  B.rows = static_cast<Eigen::Index>(coords.size());
  for (const auto& dir : directions) {
    std::vector<std::pair<Eigen::Index, Rational>> col;
    for (const auto& [c, value] : dir.entries) {
      const Eigen::Index i = c.block >= 0 && c.block < 3 && c.row >= 0 && c.row < D && c.col >= 0 && c.col < D
                                 ? index[static_cast<std::size_t>(key(c))]
                                 : -1;
      if (i < 0)
        throw std::logic_error("a predicted flat direction leaves the updated coordinates (block " +
                               std::to_string(c.block) + ", " + std::to_string(c.row) + ", " + std::to_string(c.col) +
                               ")");
      if (value != 0) col.push_back({i, value});
    }
    B.columns.push_back(std::move(col));
  }
  return B;
}

namespace {

struct UnionFind {
  std::vector<std::size_t> parent;
  explicit UnionFind(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), std::size_t{0}); }
  std::size_t find(std::size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  }
  void join(std::size_t a, std::size_t b) { parent[find(a)] = find(b); }
};

}  // namespace

BasisRank exact_rank(const SparseBasis& B) {
  const auto n = B.columns.size();
  UnionFind uf(n);
  std::vector<long> first_col(static_cast<std::size_t>(B.rows), -1);  // the first column seen in each row
  for (std::size_t j = 0; j < n; ++j)
    for (const auto& [i, v] : B.columns[j]) {
      auto& f = first_col[static_cast<std::size_t>(i)];
      if (f < 0)
        f = static_cast<long>(j);
      else
        uf.join(j, static_cast<std::size_t>(f));
    }
  std::vector<std::vector<std::size_t>> members(n);
  for (std::size_t j = 0; j < n; ++j) members[uf.find(j)].push_back(j);
  BasisRank out;
  std::vector<Eigen::Index> local(static_cast<std::size_t>(B.rows), -1);
  for (const auto& cols : members) {
    if (cols.empty()) continue;
    ++out.components;
    out.largest_component = std::max(out.largest_component, static_cast<int>(cols.size()));
    std::vector<Eigen::Index> rows;
    for (auto j : cols)
      for (const auto& [i, v] : B.columns[j])
        if (local[static_cast<std::size_t>(i)] < 0) {
          local[static_cast<std::size_t>(i)] = static_cast<Eigen::Index>(rows.size());
          rows.push_back(i);
        }
    Mat<Rational> M =
        Mat<Rational>::Zero(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(cols.size()));
    for (std::size_t c = 0; c < cols.size(); ++c)
      for (const auto& [i, v] : B.columns[cols[c]])
        M(local[static_cast<std::size_t>(i)], static_cast<Eigen::Index>(c)) = v;
    out.rank += rows.empty() ? 0 : static_cast<int>(Eigen::FullPivLU<Mat<Rational>>(M).rank());
    for (auto i : rows) local[static_cast<std::size_t>(i)] = -1;
  }
  return out;
}

Vec<Rational> random_combination(const SparseBasis& B, std::uint64_t seed, std::uint64_t stream) {
  pcg64 rng(seed, stream);
  Vec<Rational> u = Vec<Rational>::Zero(B.rows);
  for (const auto& col : B.columns) {
    const Rational r(static_cast<long long>(1 + rng(static_cast<pcg64::result_type>((1ULL << 32) - 1))));
    for (const auto& [i, v] : col) u(i) += r * v;
  }
  return u;
}

Deflation::Deflation(const SparseBasis& B, double mu) : mu_(mu) {
  for (const auto& col : B.columns) {
    double norm2 = 0;
    std::vector<std::pair<Eigen::Index, double>> c;
    for (const auto& [i, v] : col) {
      c.push_back({i, to_double(v)});
      norm2 += c.back().second * c.back().second;
    }
    const double s = norm2 > 0 ? 1 / std::sqrt(norm2) : 0.0;
    for (auto& e : c) e.second *= s;
    unit_columns_.push_back(std::move(c));
  }
}

void Deflation::add_to(const double* x, double* y) const {
  for (const auto& col : unit_columns_) {
    double dot = 0;
    for (const auto& [i, v] : col) dot += v * x[i];
    dot *= mu_;
    for (const auto& [i, v] : col) y[i] += dot * v;
  }
}

void Deflation::add_to(Mat<double>& A) const {
  for (const auto& col : unit_columns_)
    for (const auto& [i, vi] : col)
      for (const auto& [j, vj] : col) A(i, j) += mu_ * vi * vj;
}

}  // namespace icl::spectral
