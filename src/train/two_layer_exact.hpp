// Exact training of one or two layers on the exact population loss at fixed numbers of shots
// (docs/exact_risk.md#10-two-layers-issue-27, "Training"): a loss is a weighted sum of exact risks
// R(n) on fixed tasks or the sphere, each prepared once (exact/two_layer/fixed_n.hpp); quasi-Newton
// (BFGS with a backtracking line search) then Newton steps with the exact Hessian (Hessian-vector
// products by nested dual numbers); the end point is certified by the gradient in 50 digits.
#pragma once

#include <Eigen/Eigenvalues>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <vector>

#include "core/scalar.hpp"
#include "exact/two_layer.hpp"

namespace icl::train {

template <class S>
struct TwoLayerTerm {
  S weight;
  long n;
  exact::TaskLaw<S> task;
};

// A weighted sum of exact risks at one noise level, for models with d = `d`. Its members are defined
// below the class (not inline), so that the instances for double and Float50 are compiled once
// (src/train/two_layer_loss_*.cpp) and every other translation unit links to them.
template <class S>
class TwoLayerLoss {
 public:
  // gradient_mutant: a deliberately wrong gradient (tests and claim A's mutants).
  TwoLayerLoss(int d, const S& s2, const std::vector<TwoLayerTerm<S>>& terms,
               exact::two_layer::GradientMutant gradient_mutant = exact::two_layer::GradientMutant::None);

  S value(const Arch<S>& a);

  // The value and the gradient over `coords`.
  std::pair<S, Vec<S>> value_gradient(const Arch<S>& a, const std::vector<exact::two_layer::ArchCoordinate>& coords);

  // The Hessian over `coords`, exactly (Hessian-vector products by nested dual numbers), symmetrized.
  Mat<S> hessian(const Arch<S>& a, const std::vector<exact::two_layer::ArchCoordinate>& coords);

 private:
  struct Part {
    S weight;
    std::unique_ptr<exact::two_layer::FixedNRisk<S>> risk;
  };
  std::vector<Part> parts_;
  exact::two_layer::GradientMutant mutant_;
};

template <class S>
TwoLayerLoss<S>::TwoLayerLoss(int d, const S& s2, const std::vector<TwoLayerTerm<S>>& terms,
                              exact::two_layer::GradientMutant gradient_mutant)
    : mutant_(gradient_mutant) {
  if (terms.empty()) throw std::invalid_argument("a loss needs at least one term");
  for (const auto& t : terms)
    parts_.push_back({t.weight, std::make_unique<exact::two_layer::FixedNRisk<S>>(d, t.task, s2, t.n)});
}

template <class S>
S TwoLayerLoss<S>::value(const Arch<S>& a) {
  S sum(0);
  for (auto& p : parts_) sum += p.weight * p.risk->value(a);
  return sum;
}

template <class S>
std::pair<S, Vec<S>> TwoLayerLoss<S>::value_gradient(const Arch<S>& a,
                                                     const std::vector<exact::two_layer::ArchCoordinate>& coords) {
  S sum(0);
  Vec<S> g = Vec<S>::Zero(static_cast<Eigen::Index>(coords.size()));
  for (auto& p : parts_) {
    const auto r = p.risk->gradient(a, coords, mutant_);
    sum += p.weight * r.value;
    for (std::size_t j = 0; j < coords.size(); ++j) g(j) += p.weight * r.derivative[j];
  }
  return {sum, g};
}

template <class S>
Mat<S> TwoLayerLoss<S>::hessian(const Arch<S>& a, const std::vector<exact::two_layer::ArchCoordinate>& coords) {
  const auto P = static_cast<Eigen::Index>(coords.size());
  Mat<S> H = Mat<S>::Zero(P, P);
  for (auto& p : parts_) H += p.weight * p.risk->hessian(a, coords, mutant_);
  return Mat<S>((H + H.transpose()) / S(2));
}

extern template class TwoLayerLoss<double>;
extern template class TwoLayerLoss<Float50>;

struct TwoLayerFit {
  Arch<double> arch;
  double loss = 0, grad_norm = 0;  // at the end point, in double
  long iterations = 0, evaluations = 0;
};

struct TwoLayerFitOptions {
  long max_iterations = 3000;
  double grad_tol = 1e-12;  // stop when |grad| <= grad_tol
  int newton_steps = 3;     // Newton steps after BFGS (the exact Hessian)
};

// The Hessian over `coords` in double, from exact Hessian-vector products.
Eigen::MatrixXd two_layer_hessian(TwoLayerLoss<double>& loss, const Arch<double>& a,
                                  const std::vector<exact::two_layer::ArchCoordinate>& coords);

// A stationary point of `loss` over `coords` from `start`: BFGS with Armijo backtracking, then
// Newton steps x -= H^+ g (eigenvalues below 1e-9 of the largest dropped: the symmetry modes).
// (src/train/two_layer_exact.cpp)
TwoLayerFit two_layer_minimize(TwoLayerLoss<double>& loss, const Arch<double>& start,
                               const std::vector<exact::two_layer::ArchCoordinate>& coords,
                               const TwoLayerFitOptions& opt = {});

// Whether a point is a certified stationary point of a loss (claim A's criteria, docs/exact_risk.md
// section 10): the gradient norm in 50 digits below 1e-10 and no Hessian eigenvalue below -1e-6 times
// the largest (the Hessian exact, from nested dual numbers, evaluated in double). Eigenvalues of modulus
// at most 1e-6 times the largest are counted as flat (the symmetry modes of the parameterization).
struct StationaryCertificate {
  Float50 value50 = 0;      // the loss in 50 digits
  double grad50 = 0;        // |grad| in 50 digits
  double low = 0, top = 0;  // the smallest and largest Hessian eigenvalue
  int flat = 0;
  bool certified() const { return grad50 < 1e-10 && low > -1e-6 * top; }
};

// The loss's terms in another scalar (tasks and weights converted, the same n).
template <class S>
std::vector<TwoLayerTerm<S>> two_layer_terms_cast(const std::vector<TwoLayerTerm<double>>& terms) {
  std::vector<TwoLayerTerm<S>> out;
  for (const auto& t : terms) out.push_back({S(t.weight), t.n, t.task.template cast<S>()});
  return out;
}

// The certificate of `a` for the loss sum_t w_t R(n_t) at noise s2 over `coords` (exact gradient, no
// mutant: a certificate judges the true loss whatever gradient trained the point).
// (src/train/two_layer_exact.cpp)
StationaryCertificate certify_stationary(int d, const Rational& s2, const std::vector<TwoLayerTerm<double>>& terms,
                                         const Arch<double>& a,
                                         const std::vector<exact::two_layer::ArchCoordinate>& coords);

}  // namespace icl::train
