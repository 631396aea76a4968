// Shared by the tests of L x H training (test_arch_train.cpp, test_softmax.cpp): seeded prompts and
// the hand-written gradient against central finite differences in long double.
#pragma once

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <pcg_random.hpp>
#include <random>

#include "model/arch.hpp"
#include "train/arch_sgd.hpp"

namespace icl::testing {

using LD = long double;

// A prompt of n shots from a fixed seed: tokens (1, x, y), the query's label slot 0.
inline Eigen::MatrixXd random_prompt(int d, long n, std::uint64_t seed, double& y) {
  pcg64 rng(seed);
  std::normal_distribution<double> normal;
  Eigen::MatrixXd Z(n + 1, d + 2);
  for (long r = 0; r <= n; ++r) {
    Z(r, 0) = 1;
    for (int i = 0; i < d; ++i) Z(r, 1 + i) = normal(rng);
    Z(r, d + 1) = normal(rng);
  }
  y = Z(n, d + 1);
  Z(n, d + 1) = 0;
  return Z;
}

inline LD prompt_loss(const Arch<LD>& a, const Eigen::MatrixXd& Z, double y) {
  const LD r = arch_predict(a, Mat<LD>(Z.cast<LD>())) - LD(y);
  return r * r;
}

// Every matrix entry of the gradient against central differences of the long-double loss; returns
// the largest difference relative to the largest gradient entry.
inline double fd_error(const Arch<double>& a, const Eigen::MatrixXd& Z, double y, const train::ArchGradient& g) {
  const Arch<LD> base = a.cast<LD>();
  const LD h = 1e-7L;
  double worst = 0, scale = 0;
  for (std::size_t l = 0; l < a.layers.size(); ++l)
    for (std::size_t k = 0; k < a.layers[l].size(); ++k)
      for (int m = 0; m < 3; ++m) {
        auto block = [&](auto& head) -> auto& { return m == 0 ? head.V : (m == 1 ? head.Q : head.K); };
        const Eigen::MatrixXd& grad = block(g.grad.layers[l][k]);
        for (Eigen::Index i = 0; i < grad.size(); ++i) {
          Arch<LD> plus = base, minus = base;
          block(plus.layers[l][k]).data()[i] += h;
          block(minus.layers[l][k]).data()[i] -= h;
          const auto fd = static_cast<double>((prompt_loss(plus, Z, y) - prompt_loss(minus, Z, y)) / (2 * h));
          worst = std::max(worst, std::abs(fd - grad.data()[i]));
          scale = std::max(scale, std::abs(fd));
        }
      }
  return worst / scale;
}

}  // namespace icl::testing
