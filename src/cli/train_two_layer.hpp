// iclverify train --trainer exact-bfgs: a model of L <= 2 layers x H heads (linear attention) trained
// on the exact population loss at fixed numbers of shots (train/two_layer_exact.hpp: BFGS, then Newton
// steps with the exact Hessian) from a parameter file, and its end point certified stationary
// (|grad| in 50 digits, the exact Hessian's eigenvalues). The request is read and checked by
// cmd_train.cpp; this is its job.
#pragma once

#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "exact/two_layer.hpp"
#include "model/arch.hpp"
#include "train/two_layer_exact.hpp"

namespace icl::cli {

struct TwoLayerTrainRequest {
  Arch<double> start;
  std::string init_name;
  std::string loss, update;  // as given: pretrain | zs | zs+fs; all | v | q | k | kq
  exact::two_layer::CoordinateSet set;
  Rational s2;
  std::vector<train::TwoLayerTerm<double>> terms;  // the loss: sum_t w_t R(n_t)
  std::string loss_text;                           // the terms in words, e.g. "R(0, theta0) + R(20, theta0)"
  train::TwoLayerFitOptions fit;
  std::string save_params, format;
};

// The terms of `loss` (pretrain: R(m) on the sphere; zs: R(0) on theta0; zs+fs: R(0) + R(nft) on
// theta0, weights 1 and 1, fixed) and their description.
std::vector<train::TwoLayerTerm<double>> two_layer_terms(const std::string& loss, int d, long m, long nft,
                                                         std::string& text);

Result run_two_layer_train(const TwoLayerTrainRequest& r);

}  // namespace icl::cli
