// The per-layer, per-head state every backpropagation kernel of arch_sgd.cpp shares, linear
// (arch_sgd.cpp's Backprop) and softmax (softmax_backprop.hpp): the frozen parameters it reads and
// the sums it accumulates. Internal to the trainer.
#pragma once

#include <Eigen/Dense>
#include <vector>

#include "model/arch.hpp"

namespace icl::train::detail {

// The parameters a kernel reads, per layer and head: M = Q^T K, V and the value row v = V^T e_{D-1}.
template <int Dc>
struct Frozen {
  using M = Eigen::Matrix<double, Dc, Dc>;
  using V = Eigen::Matrix<double, Dc, 1>;
  std::vector<std::vector<M>> Mh, Vh;
  std::vector<std::vector<V>> vh;

  explicit Frozen(const Arch<double>& a) {
    for (const auto& layer : a.layers) {
      Mh.emplace_back();
      Vh.emplace_back();
      vh.emplace_back();
      for (const auto& h : layer) {
        Mh.back().push_back(h.M());
        Vh.back().push_back(h.V);
        vh.back().push_back(h.v());
      }
    }
  }
};

// Sums of one block (or of one prompt): the loss and dL/dM, dL/dV per layer and head.
template <int Dc>
struct Sums {
  using M = Eigen::Matrix<double, Dc, Dc>;
  double loss = 0;
  std::vector<std::vector<M>> dM, dV;

  void reset(int L, int H, int D) {
    loss = 0;
    dM.assign(static_cast<std::size_t>(L), std::vector<M>(static_cast<std::size_t>(H), M::Zero(D, D)));
    dV = dM;
  }
  void add(const Sums& o) {
    loss += o.loss;
    for (std::size_t l = 0; l < dM.size(); ++l)
      for (std::size_t h = 0; h < dM[l].size(); ++h) {
        dM[l][h] += o.dM[l][h];
        dV[l][h] += o.dV[l][h];
      }
  }
};

}  // namespace icl::train::detail
