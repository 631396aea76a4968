// The exact two-layer trainer (train/two_layer_exact.hpp), compiled once: BFGS and Newton steps on
// TwoLayerLoss<double>, and the certificate of an end point in 50 digits.
#include "train/two_layer_exact.hpp"

namespace icl::train {

Eigen::MatrixXd two_layer_hessian(TwoLayerLoss<double>& loss, const Arch<double>& a,
                                  const std::vector<exact::two_layer::ArchCoordinate>& coords) {
  return loss.hessian(a, coords);
}

TwoLayerFit two_layer_minimize(TwoLayerLoss<double>& loss, const Arch<double>& start,
                               const std::vector<exact::two_layer::ArchCoordinate>& coords,
                               const TwoLayerFitOptions& opt) {
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

StationaryCertificate certify_stationary(int d, const Rational& s2, const std::vector<TwoLayerTerm<double>>& terms,
                                         const Arch<double>& a,
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
