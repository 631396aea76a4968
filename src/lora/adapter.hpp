// Low-rank adapters (LoRA, as in Hugging Face PEFT) on the matrices of one parameter point:
// W = W0 + (alpha / r) B A with A (r x D), B (D x r), the base W0 frozen (docs/beyond.md#lora-adapters).
#pragma once

#include <boost/random/uniform_real_distribution.hpp>
#include <cmath>
#include <cstdint>
#include <pcg_random.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/scalar.hpp"
#include "model/point.hpp"

namespace icl::lora {

// The block (model/point.hpp) that a target letter adapts: q is the merged Q (merged) or Qsep
// (separate), k is K (separate only), v is V. Throws std::invalid_argument naming the letter.
inline int target_block(Parameterization kind, char letter) {
  switch (letter) {
    case 'v':
      return block::V;
    case 'q':
      return kind == Parameterization::Merged ? block::Q : block::Qsep;
    case 'k':
      if (kind == Parameterization::Merged)
        throw std::invalid_argument("k: a merged point has no key matrix K (use q for the merged Q, or separate)");
      return block::K;
    default:
      throw std::invalid_argument(std::string("'") + letter + "' is not a target (letters q, k, v)");
  }
}

// The blocks of a list of letters ("qv", "q,k,v"; commas and spaces ignored), in V, Q, K order,
// each once. Throws std::invalid_argument for an unknown letter or an empty list.
inline std::vector<int> target_blocks(Parameterization kind, std::string_view letters) {
  std::vector<bool> chosen(3, false);
  for (char c : letters) {
    if (c == ',' || c == ' ') continue;
    chosen[static_cast<std::size_t>(target_block(kind, c))] = true;
  }
  std::vector<int> out;
  for (int b = 0; b < 3; ++b)
    if (chosen[static_cast<std::size_t>(b)]) out.push_back(b);
  if (out.empty()) throw std::invalid_argument("no target (letters q, k, v)");
  return out;
}

// One adapter: on block `block`, W = W0 + scale B A.
template <class T>
struct Adapter {
  int block;
  Mat<T> A;  // r x D
  Mat<T> B;  // D x r

  template <class S>
  Adapter<S> cast() const {
    return {block, A.template cast<S>(), B.template cast<S>()};
  }
};

// A frozen base point with adapters on some of its blocks, all of rank r with scale alpha / r.
template <class T>
struct Adapted {
  Point<T> base;
  std::vector<Adapter<T>> adapters;
  T scale;  // alpha / r

  int rank() const { return static_cast<int>(adapters.front().A.rows()); }

  // The merged point W0 + scale B A on every adapted block: what every other command reads.
  Point<T> merged() const {
    Point<T> p = base;
    for (const auto& a : adapters) p.blocks[a.block] += scale * (a.B * a.A);
    return p;
  }

  template <class S>
  Adapted<S> cast() const {
    Adapted<S> out{base.template cast<S>(), {}, S(scale)};
    for (const auto& a : adapters) out.adapters.push_back(a.template cast<S>());
    return out;
  }
};

// PEFT's initialization of adapters of rank r on `blocks` of a D x D point: A from
// kaiming_uniform_(a = sqrt(5)), i.e. entries uniform on [-1/sqrt(D), 1/sqrt(D)] (fan-in D), and
// B = 0, so that training starts at the base point. The draws are doubles (dyadic rationals), so
// the same adapters exist exactly in every scalar; block b draws from the stream (seed, b), whatever
// the other targets.
inline std::vector<Adapter<double>> peft_adapters(int D, const std::vector<int>& blocks, int rank, std::uint64_t seed) {
  if (rank < 1 || rank > D) throw std::invalid_argument("the rank must be between 1 and D");
  const double bound = 1.0 / std::sqrt(static_cast<double>(D));
  std::vector<Adapter<double>> out;
  for (int b : blocks) {
    pcg64 rng(seed, static_cast<std::uint64_t>(b));
    boost::random::uniform_real_distribution<double> uniform(-bound, bound);
    Mat<double> A(rank, D);
    for (int i = 0; i < rank; ++i)
      for (int j = 0; j < D; ++j) A(i, j) = uniform(rng);
    out.push_back({b, A, Mat<double>::Zero(D, rank)});
  }
  return out;
}

// PEFT's adapters on `base` with scale alpha / rank (alpha > 0).
template <class T>
Adapted<T> peft_init(const Point<T>& base, const std::vector<int>& blocks, int rank, const T& alpha,
                     std::uint64_t seed) {
  if (!(alpha > T(0))) throw std::invalid_argument("alpha must be positive");
  Adapted<T> out{base, {}, T(alpha / T(rank))};
  for (const auto& a : peft_adapters(base.D(), blocks, rank, seed)) out.adapters.push_back(a.template cast<T>());
  return out;
}

}  // namespace icl::lora
