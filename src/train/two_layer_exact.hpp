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

// A weighted sum of exact risks at one noise level, for models with d = `d`.
template <class S>
class TwoLayerLoss {
 public:
  // gradient_mutant: a deliberately wrong gradient (tests and claim A's mutants).
  TwoLayerLoss(int d, const S& s2, const std::vector<TwoLayerTerm<S>>& terms,
               exact::two_layer::GradientMutant gradient_mutant = exact::two_layer::GradientMutant::None)
      : mutant_(gradient_mutant) {
    if (terms.empty()) throw std::invalid_argument("a loss needs at least one term");
    for (const auto& t : terms)
      parts_.push_back({t.weight, std::make_unique<exact::two_layer::FixedNRisk<S>>(d, t.task, s2, t.n)});
  }

  S value(const Arch<S>& a) {
    S sum(0);
    for (auto& p : parts_) sum += p.weight * p.risk->value(a);
    return sum;
  }

  // The value and the gradient over `coords`.
  std::pair<S, Vec<S>> value_gradient(const Arch<S>& a, const std::vector<exact::two_layer::ArchCoordinate>& coords) {
    S sum(0);
    Vec<S> g = Vec<S>::Zero(static_cast<Eigen::Index>(coords.size()));
    for (auto& p : parts_) {
      const auto r = p.risk->gradient(a, coords, mutant_);
      sum += p.weight * r.value;
      for (std::size_t j = 0; j < coords.size(); ++j) g(j) += p.weight * r.derivative[j];
    }
    return {sum, g};
  }

  // The Hessian over `coords`, exactly (Hessian-vector products by nested dual numbers), symmetrized.
  Mat<S> hessian(const Arch<S>& a, const std::vector<exact::two_layer::ArchCoordinate>& coords) {
    const auto P = static_cast<Eigen::Index>(coords.size());
    Mat<S> H = Mat<S>::Zero(P, P);
    for (auto& p : parts_) H += p.weight * p.risk->hessian(a, coords, mutant_);
    return Mat<S>((H + H.transpose()) / S(2));
  }

 private:
  struct Part {
    S weight;
    std::unique_ptr<exact::two_layer::FixedNRisk<S>> risk;
  };
  std::vector<Part> parts_;
  exact::two_layer::GradientMutant mutant_;
};

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
inline Eigen::MatrixXd two_layer_hessian(TwoLayerLoss<double>& loss, const Arch<double>& a,
                                         const std::vector<exact::two_layer::ArchCoordinate>& coords) {
  return loss.hessian(a, coords);
}

// A stationary point of `loss` over `coords` from `start`: BFGS with Armijo backtracking, then
// Newton steps x -= H^+ g (eigenvalues below 1e-9 of the largest dropped: the symmetry modes).
inline TwoLayerFit two_layer_minimize(TwoLayerLoss<double>& loss, const Arch<double>& start,
                                      const std::vector<exact::two_layer::ArchCoordinate>& coords,
                                      const TwoLayerFitOptions& opt = {}) {
  namespace tl = exact::two_layer;
  TwoLayerFit out;
  out.arch = start;
  const auto P = static_cast<Eigen::Index>(coords.size());
  Vec<double> x = tl::arch_gather(start, coords);
  auto eval = [&](const Vec<double>& y) {
    tl::arch_scatter(out.arch, coords, y);
    ++out.evaluations;
    return loss.value_gradient(out.arch, coords);
  };
  auto [f, g] = eval(x);
  Eigen::MatrixXd Hinv = Eigen::MatrixXd::Identity(P, P);
  for (; out.iterations < opt.max_iterations && g.norm() > opt.grad_tol; ++out.iterations) {
    Vec<double> p = -Hinv * g;
    if (p.dot(g) >= 0) {
      Hinv.setIdentity();
      p = -g;
    }
    double step = 1;
    bool accepted = false;
    for (int k = 0; k < 60; ++k, step /= 2) {
      const Vec<double> y = x + step * p;
      auto [fy, gy] = eval(y);
      if (std::isfinite(fy) && fy <= f + 1e-4 * step * p.dot(g)) {
        const Vec<double> s = y - x, dg = gy - g;
        const double sy = s.dot(dg);
        if (sy > 1e-300) {  // the BFGS update of the inverse Hessian
          const double rho = 1 / sy;
          const Eigen::MatrixXd I = Eigen::MatrixXd::Identity(P, P);
          Hinv = (I - rho * s * dg.transpose()) * Hinv * (I - rho * dg * s.transpose()) + rho * s * s.transpose();
        }
        x = y, f = fy, g = gy;
        accepted = true;
        break;
      }
    }
    if (!accepted) break;  // no descent at double precision: Newton takes over
  }
  for (int k = 0; k < opt.newton_steps && g.norm() > opt.grad_tol; ++k) {
    tl::arch_scatter(out.arch, coords, x);
    const Eigen::MatrixXd H = two_layer_hessian(loss, out.arch, coords);
    out.evaluations += P;
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(H);
    const Vec<double> lam = es.eigenvalues();
    const double top = lam.cwiseAbs().maxCoeff();
    Vec<double> c = es.eigenvectors().transpose() * g;
    for (Eigen::Index i = 0; i < P; ++i) c(i) = std::abs(lam(i)) > 1e-9 * top ? c(i) / std::abs(lam(i)) : 0;
    const Vec<double> y = x - es.eigenvectors() * c;
    auto [fy, gy] = eval(y);
    if (!(gy.norm() < g.norm())) break;
    x = y, f = fy, g = gy;
  }
  tl::arch_scatter(out.arch, coords, x);
  out.loss = f;
  out.grad_norm = g.norm();
  return out;
}

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
inline StationaryCertificate certify_stationary(int d, const Rational& s2,
                                                const std::vector<TwoLayerTerm<double>>& terms, const Arch<double>& a,
                                                const std::vector<exact::two_layer::ArchCoordinate>& coords) {
  StationaryCertificate c;
  TwoLayerLoss<Float50> exact50(d, from_rational<Float50>(s2), two_layer_terms_cast<Float50>(terms));
  const auto [value, gradient] = exact50.value_gradient(a.cast<Float50>(), coords);
  c.value50 = value;
  c.grad50 = to_double(sqrt_of(Float50(gradient.squaredNorm())));
  TwoLayerLoss<double> exact(d, from_rational<double>(s2), terms);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(two_layer_hessian(exact, a, coords));
  const Eigen::VectorXd lam = es.eigenvalues();
  c.low = lam(0);
  c.top = lam(lam.size() - 1);
  for (Eigen::Index i = 0; i < lam.size(); ++i) c.flat += std::abs(lam(i)) <= 1e-6 * std::abs(c.top);
  return c;
}

}  // namespace icl::train
