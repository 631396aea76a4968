// Writes the two-layer pair of claim A's check A.two_layers_value_only at d = 1 as parameter files, for
// `iclverify diagnose` (docs/diagnose.md, "Two layers, value-only, exactly"):
//   PRE:  L = 2, H = 2 separate heads, pretrained by BFGS on the exact 20-shot sphere risk from
//         train::random_arch(2, 2, 1, 0.3, seed 1), 300 iterations (theorems/a_architectures.cpp,
//         two_layer_pretrained: the same recipe);
//   POST: PRE fine-tuned on the exact zero-shot risk on theta0 = e_1 over every V of both layers (the
//         last layer: its last row), BFGS then Newton to a stationary point (as fit_certified).
// Usage: two_layer_value_only_pair PRE.json POST.json. The entries are written as exact binary fractions,
// so diagnose reads the very doubles the fit produced.
#include <fmt/format.h>

#include <fstream>
#include <iostream>

#include "core/dyadic.hpp"
#include "model/arch_json.hpp"
#include "train/arch_sgd.hpp"
#include "train/two_layer_exact.hpp"

namespace {

using namespace icl;
namespace tl = exact::two_layer;

void write(const Arch<double>& a, const std::string& path) {
  std::ofstream out(path);
  out << arch_json(a, ArchLayout::Layers, [](double x) { return to_fraction(exact_rational(x)); }).dump(2) << "\n";
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: two_layer_value_only_pair PRE.json POST.json\n";
    return 2;
  }
  const int d = 1;
  const double s2 = 0.1;
  const Arch<double> start = train::random_arch(2, 2, d, 0.3, 1);
  train::TwoLayerLoss<double> pretrain(d, s2, {{1.0, 20, exact::TaskLaw<double>::sphere()}});
  train::TwoLayerFitOptions po;
  po.max_iterations = 300;
  po.newton_steps = 0;
  const auto pre = train::two_layer_minimize(pretrain, start, tl::arch_coordinates(start, tl::CoordinateSet::All), po);
  std::cerr << fmt::format("pretrained: R(20) on the sphere {:.6f}\n", pre.loss);
  train::TwoLayerLoss<double> zero_shot(d, s2, {{1.0, 0, exact::TaskLaw<double>::fixed(Vec<double>::Unit(d, 0))}});
  const auto post = train::two_layer_minimize(zero_shot, pre.arch,
                                              tl::arch_coordinates(pre.arch, tl::CoordinateSet::Value), {});
  std::cerr << fmt::format("value-only zero-shot: R(0) on theta0 {:.6f}\n", post.loss);
  write(pre.arch, argv[1]);
  write(post.arch, argv[2]);
  return 0;
}
