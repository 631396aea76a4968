// Seeded random prompts (THEORY.md section 2): x ~ N(0, I_d), y = theta . x + eps, eps ~ N(0, s2).
#pragma once

#include <boost/random/normal_distribution.hpp>
#include <cstdint>
#include <optional>
#include <pcg_random.hpp>

#include "model/params.hpp"

namespace icl::sim {

// One independent stream per (seed, block): results never depend on which thread ran a block.
using Engine = pcg64;
inline Engine block_engine(std::uint64_t seed, std::uint64_t block) { return Engine(seed, block); }

// The task of a prompt: a fixed vector (any norm), or uniform on the unit sphere drawn per prompt.
struct TaskSpec {
  std::optional<Eigen::VectorXd> theta;  // empty: sphere

  static TaskSpec fixed(Eigen::VectorXd t) { return TaskSpec{std::move(t)}; }
  static TaskSpec sphere() { return TaskSpec{std::nullopt}; }
};

// Fills Z (N x D, N = n + 1; query last with label slot 0) and returns the query's true label.
class PromptSampler {
 public:
  PromptSampler(int d, long n, double s2) : d_(d), n_(n), sigma_(std::sqrt(s2)), theta_(d) {}

  // Forget any cached state of the normal generator: called at the start of every block.
  void reset() { normal_.reset(); }

  double draw(Engine& rng, const TaskSpec& task, Eigen::MatrixXd& Z) {
    if (task.theta) {
      theta_ = *task.theta;
    } else {
      for (int i = 0; i < d_; ++i) theta_(i) = normal_(rng);
      theta_ /= theta_.norm();
    }
    const long N = n_ + 1;
    Z.resize(N, d_ + 2);
    double y_query = 0;
    for (long r = 0; r < N; ++r) {
      Z(r, 0) = 1.0;
      double label = 0;
      for (int i = 0; i < d_; ++i) {
        const double x = normal_(rng);
        Z(r, 1 + i) = x;
        label += theta_(i) * x;
      }
      label += sigma_ * normal_(rng);
      if (r + 1 < N) {
        Z(r, d_ + 1) = label;
      } else {
        Z(r, d_ + 1) = 0.0;
        y_query = label;
      }
    }
    return y_query;
  }

 private:
  int d_;
  long n_;
  double sigma_;
  Eigen::VectorXd theta_;
  boost::random::normal_distribution<double> normal_;
};

}  // namespace icl::sim
