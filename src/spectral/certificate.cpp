#include "spectral/certificate.hpp"

#include <Spectra/SymEigsSolver.h>
#include <fmt/format.h>

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

#include "closed_form/key_query.hpp"
#include "closed_form/pretrained.hpp"
#include "closed_form/value_only.hpp"
#include "exact/quadratic.hpp"
#include "model/families.hpp"

namespace icl::spectral {
namespace {

using exact::Coordinate;
using exact::Objective;
using exact::TaskLaw;
using exact::Update;

constexpr int kExactLimit = 400;  // exact rank and LDL^T up to this many active coordinates
constexpr int kRayleighModes = 20;
constexpr Eigen::Index kVectorLimit = 2000;  // dense eigenvectors up to this many active coordinates

// The separate point with Qsep = I and K = Q: the same model, and Qsep invertible, so the map
// (Qsep, K) -> Qsep^T K is onto (docs/certificates.md#3-separate).
Point<Rational> in_parameterization(const MergedParams<Rational>& p, Parameterization kind) {
  if (kind == Parameterization::Merged) return Point<Rational>::merged(p);
  const auto D = p.Q.rows();
  return Point<Rational>{Parameterization::Separate, {p.V, Mat<Rational>::Identity(D, D), p.Q}};
}

Objective<Rational> loss(const Rational& s2, long n, TaskLaw<Rational> task) {
  return Objective<Rational>{s2, {{Rational(1), n, std::move(task)}}};
}

// The theory's zero count: inert coordinates, then each flat direction with its reason.
struct Count {
  int total = 0;
  std::string text;
  void add(int n, const std::string& why) {
    total += n;
    text += fmt::format("{}{} {}", text.empty() ? "" : " + ", n, why);
  }
};

}  // namespace

const std::vector<std::string>& cert_point_names() {
  static const std::vector<std::string> names{"pretrained", "zs-full", "v-only", "v-fewshot", "kq-fewshot"};
  return names;
}

const char* cert_point_name(CertPoint p) { return cert_point_names()[static_cast<std::size_t>(p)].c_str(); }

CertPoint cert_point_from_name(const std::string& name) {
  const auto& names = cert_point_names();
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) throw std::invalid_argument("unknown certificate point '" + name + "'");
  return static_cast<CertPoint>(it - names.begin());
}

bool is_inert(Parameterization kind, int D, const Coordinate& c) {
  if (c.block == 0) return c.row != D - 1;                                      // V above the value row
  if (kind == Parameterization::Merged) return c.block == 1 && c.row == D - 1;  // Q's label row
  return c.block == 1 && c.col == D - 1;  // Qsep's label column: Q[y, :] = Qsep[:, y]^T K
}

CertificatePlan certificate_plan(const CertificateSpec& spec) {
  const int d = spec.d, D = d + 2;
  const Rational& s2 = spec.s2;
  const Setting<Rational> setting{d, s2};
  const Rational gamma = closed_form::gamma_star(spec.m, setting);
  const Vec<Rational> theta0 = first_axis<Rational>(d);
  const auto target = TaskLaw<Rational>::fixed(theta0);
  const bool separate = spec.kind == Parameterization::Separate;

  CertificatePlan plan;
  Count count;
  MergedParams<Rational> merged;
  switch (spec.point) {
    case CertPoint::Pretrained:
      merged = pretrained_params(d, gamma);
      plan.stages = {loss(s2, spec.m, TaskLaw<Rational>::sphere())};
      plan.update = Update::All;
      break;
    case CertPoint::ZsFull:
      merged = full_ft_params(theta0, spec.c);
      plan.stages = {loss(s2, 0, target)};
      plan.update = Update::All;
      break;
    case CertPoint::ValueOnly:
      merged = value_only_params(Vec<Rational>(theta0 * closed_form::beta_zero_shot<Rational>(d)), gamma);
      plan.stages = {loss(s2, 0, target)};
      plan.update = Update::Value;
      break;
    case CertPoint::ValueFewshot:
      merged = value_only_params(Vec<Rational>(theta0 * closed_form::beta_zero_shot<Rational>(d)),
                                 closed_form::w_star(spec.n_ft, setting));
      plan.stages = {loss(s2, 0, target), loss(s2, spec.n_ft, target)};
      plan.update = Update::Value;
      break;
    case CertPoint::KqFewshot: {
      plan.stages = {loss(s2, 0, target), loss(s2, spec.n_ft, target)};
      plan.update = Update::KeyQuery;
      merged = pretrained_params(d, gamma);
      if (s2 > 0) {
        // The closed form (docs/derivations.md#8): Q[x, y] = c* theta0, every other entry 0.
        merged.Q.setZero();
        merged.Q.col(D - 1).segment(1, d) = closed_form::kq_memory_star(spec.n_ft, setting) * theta0;
      } else {
        // Noiseless: not unique; the exact minimizer nearest the start (one rational solve, O(D^6)).
        const auto start = Point<Rational>::merged(merged);
        merged = exact::masked_optimum(plan.stages, start, exact::coordinates(start.kind, D, Update::KeyQuery),
                                       Update::KeyQuery)
                     .point.as_merged();
      }
      break;
    }
  }
  if (spec.flip_sign) merged.V(D - 1, D - 1) = -merged.V(D - 1, D - 1);
  plan.point = in_parameterization(merged, spec.kind);
  plan.coords = exact::coordinates(spec.kind, D, plan.update);
  for (const auto& c : plan.coords) plan.inert += is_inert(spec.kind, D, c);

  // docs/certificates.md#2-predicted-zero-counts
  count.add(plan.inert, "inert coordinates");
  const bool moves_qk = plan.update != Update::Value;
  if (separate && moves_qk) count.add(D * D, "(Qsep, K) -> (G Qsep, G^-T K), G near I");
  switch (spec.point) {
    case CertPoint::Pretrained:
      count.add(1, "scaling (V, Q) -> (sV, Q/s)");
      break;
    case CertPoint::ZsFull:
      count.add(d * (d + 1) / 2, "antisymmetric part of Q's (1, x) block");
      count.add(d + 1, "Q's label column above the label row");
      count.add(1, "label weight v_y");
      count.add(1, "scaling (V, Q) -> (sV, Q/s)");
      break;
    case CertPoint::ValueOnly:
      count.add(1, "label weight v_y (the zero-shot loss never reads it)");
      break;
    case CertPoint::ValueFewshot:
      break;
    case CertPoint::KqFewshot:
      if (s2 == 0) count.add(d + 1, "noiseless: Q's label column is free (C6.noiseless)");
      break;
  }
  plan.predicted_zero = count.total;
  plan.prediction = count.text;
  return plan;
}

namespace {

// Matrix-free H u on the active coordinates, in double, for Spectra.
class HessianOp {
 public:
  using Scalar = double;
  HessianOp(const Objective<double>& obj, const Point<double>& point, const std::vector<Coordinate>& coords)
      : obj_(obj), point_(point), coords_(coords) {}
  Eigen::Index rows() const { return static_cast<Eigen::Index>(coords_.size()); }
  Eigen::Index cols() const { return rows(); }
  void perform_op(const double* x, double* y) const {
    const Eigen::Map<const Vec<double>> u(x, rows());
    Eigen::Map<Vec<double>>(y, rows()) = exact::hessian_vector(obj_, point_, coords_, Vec<double>(u));
  }

 private:
  const Objective<double>& obj_;
  const Point<double>& point_;
  const std::vector<Coordinate>& coords_;
};

Mat<double> dense_hessian(const HessianOp& op) {
  const auto n = op.rows();
  Mat<double> H(n, n);
  Vec<double> e = Vec<double>::Zero(n);
  for (Eigen::Index j = 0; j < n; ++j) {
    e(j) = 1;
    op.perform_op(e.data(), H.col(j).data());
    e(j) = 0;
  }
  return (H + H.transpose()) / 2;  // exact up to rounding; symmetrize the rounding
}

double tolerance_for(double lambda_max_abs) { return 1e-9 * std::max(1.0, lambda_max_abs); }

// Exact: H is positive semidefinite iff its restriction to its own range is positive definite
// (H vanishes on its kernel, and range and kernel are complementary for a symmetric H). That
// restriction B^T H B is nonsingular, so LDL^T with all pivots > 0 and an exact reconstruction
// proves it (docs/certificates.md#4-exact).
bool exactly_psd(const Mat<Rational>& H) {
  const Eigen::FullPivLU<Mat<Rational>> lu(H);
  if (lu.rank() == 0) return true;
  const Mat<Rational> B = lu.image(H);
  const Mat<Rational> M = B.transpose() * H * B;
  const Eigen::LDLT<Mat<Rational>> ldlt(M);
  if (ldlt.info() != Eigen::Success) return false;
  if ((ldlt.vectorD().array() <= Rational(0)).any()) return false;
  return ldlt.reconstructedMatrix() == M;
}

std::vector<Coordinate> active_of(const CertificatePlan& plan) {
  std::vector<Coordinate> active;
  for (const auto& c : plan.coords)
    if (!is_inert(plan.point.kind, plan.point.D(), c)) active.push_back(c);
  return active;
}

// 50-digit Rayleigh quotients u^T H u / u^T u of the computed zero modes (columns of Z).
std::vector<std::string> rayleigh50(const Objective<Rational>& obj, const Point<Rational>& point,
                                    const std::vector<Coordinate>& active, const Mat<double>& Z) {
  std::vector<std::string> out;
  const auto obj50 = obj.cast<Float50>();
  const auto point50 = point.cast<Float50>();
  for (Eigen::Index j = 0; j < std::min<Eigen::Index>(Z.cols(), kRayleighModes); ++j) {
    const Vec<Float50> u = Z.col(j).cast<Float50>();
    const Float50 q = u.dot(exact::hessian_vector(obj50, point50, active, u)) / u.squaredNorm();
    out.push_back(to_decimal(q, 3));
  }
  return out;
}

}  // namespace

Certificate certify_plan(const CertificatePlan& plan, int k, const CertificateOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  Certificate cert;
  const auto active = active_of(plan);
  const auto n = static_cast<Eigen::Index>(active.size());
  cert.coordinates = static_cast<int>(plan.coords.size());
  cert.inert = plan.inert;
  cert.predicted_zero_count = plan.predicted_zero;
  cert.prediction = plan.prediction;

  const auto g = exact::value_and_gradient(plan.stages.front(), plan.point, plan.coords).gradient;
  cert.gradient_exactly_zero = g.isZero(0);
  cert.gradient_norm = std::sqrt(to_double(Rational(g.squaredNorm())));

  const Point<double> point = plan.point.cast<double>();
  std::vector<Objective<double>> stages;
  for (const auto& s : plan.stages) stages.push_back(s.cast<double>());

  const bool dense =
      options.method == Method::Dense || (options.method == Method::Auto && (n <= 4000 || plan.stages.size() > 1));
  // The active spectrum of the effective (lexicographic) Hessian: values within the tolerance, the rest.
  std::vector<double> zero_values, spectrum;
  if (dense) {
    cert.method = "dense";
    // Stage by stage: each later stage is seen only on the null space Z of the earlier ones.
    Mat<double> Z = Mat<double>::Identity(n, n);
    for (std::size_t s = 0; s < stages.size(); ++s) {
      const HessianOp op(stages[s], point, active);
      const Mat<double> Hs = Z.transpose() * dense_hessian(op) * Z;
      // Eigenvectors only where they are used: the null space for a later stage, and the
      // 50-digit Rayleigh quotients (skipped above kVectorLimit: eigenvalues cost a third).
      const bool vectors = s + 1 < stages.size() || n <= kVectorLimit;
      const Eigen::SelfAdjointEigenSolver<Mat<double>> es(
          Hs, vectors ? Eigen::ComputeEigenvectors : Eigen::EigenvaluesOnly);
      const Vec<double>& ev = es.eigenvalues();
      const double scale = ev.size() ? std::max(std::abs(ev(0)), std::abs(ev(ev.size() - 1))) : 0.0;
      const double tol = tolerance_for(scale);  // each stage at its own scale
      cert.tolerance = std::max(cert.tolerance, tol);
      std::vector<Eigen::Index> zeros;
      for (Eigen::Index i = 0; i < ev.size(); ++i) {
        if (std::abs(ev(i)) <= tol)
          zeros.push_back(i);
        else
          spectrum.push_back(ev(i));
      }
      Mat<double> Znext(Z.rows(), vectors ? static_cast<Eigen::Index>(zeros.size()) : 0);
      for (Eigen::Index j = 0; j < Znext.cols(); ++j)
        Znext.col(j) = Z * es.eigenvectors().col(zeros[static_cast<std::size_t>(j)]);
      if (s + 1 == stages.size() && Znext.cols() > 0)  // the zero modes that remain, under the last loss
        cert.rayleigh50 = rayleigh50(plan.stages[s], plan.point, active, Znext);
      if (s + 1 < stages.size()) {
        // a later stage must be stationary on the flat set of the earlier ones
        const auto gs = exact::value_and_gradient(stages[s + 1], point, active).gradient;
        cert.gradient_norm = std::max(cert.gradient_norm, (Znext.transpose() * gs).norm());
      }
      cert.stage_zero_counts.push_back(plan.inert + static_cast<int>(zeros.size()));
      if (s + 1 == stages.size())
        for (auto i : zeros) zero_values.push_back(ev(i));
      Z = Znext;
    }
  } else {
    cert.method = "spectra";
    HessianOp op(stages.front(), point, active);
    const int nev = static_cast<int>(std::min<Eigen::Index>(std::max(k, 1), n - 1));
    const int ncv = static_cast<int>(std::min<Eigen::Index>(n, std::max(2 * nev + 1, 40)));
    Spectra::SymEigsSolver<HessianOp> small(op, nev, ncv);
    small.init();
    small.compute(Spectra::SortRule::SmallestAlge, 20000, 1e-12, Spectra::SortRule::SmallestAlge);
    Spectra::SymEigsSolver<HessianOp> large(op, 1, std::min<int>(static_cast<int>(n), 20));
    large.init();
    large.compute(Spectra::SortRule::LargestAlge, 1000, 1e-10);
    if (small.info() != Spectra::CompInfo::Successful || large.info() != Spectra::CompInfo::Successful)
      throw std::runtime_error("Spectra did not converge");
    cert.tolerance = tolerance_for(std::abs(large.eigenvalues()(0)));
    for (double ev : small.eigenvalues()) (std::abs(ev) <= cert.tolerance ? zero_values : spectrum).push_back(ev);
    spectrum.push_back(large.eigenvalues()(0));
  }
  // Every eigenvalue found: the inert coordinates' exact zeros, the near-zero ones, the rest.
  std::vector<double> all(static_cast<std::size_t>(plan.inert), 0.0);
  all.insert(all.end(), zero_values.begin(), zero_values.end());
  all.insert(all.end(), spectrum.begin(), spectrum.end());
  std::sort(all.begin(), all.end());
  std::sort(spectrum.begin(), spectrum.end());
  cert.zero_count = plan.inert + static_cast<int>(zero_values.size());
  cert.lambda_min = all.empty() ? 0.0 : all.front();
  cert.lambda_max = all.empty() ? 0.0 : all.back();
  for (double ev : zero_values) cert.largest_zero = std::max(cert.largest_zero, std::abs(ev));
  for (double ev : spectrum)
    cert.smallest_nonzero = cert.smallest_nonzero == 0 ? std::abs(ev) : std::min(cert.smallest_nonzero, std::abs(ev));
  // The k smallest of the active block (the inert zeros are known exactly and only counted).
  std::vector<double> active_ev = zero_values;
  active_ev.insert(active_ev.end(), spectrum.begin(), spectrum.end());
  std::sort(active_ev.begin(), active_ev.end());
  active_ev.resize(std::min(active_ev.size(), static_cast<std::size_t>(std::max(k, 0))));
  cert.eigenvalues = active_ev;

  if (options.exact && n <= kExactLimit) {
    // Exact: the rank of the rational Hessian, stage by stage on the exact kernel, and LDL^T.
    Mat<Rational> Z = Mat<Rational>::Identity(n, n);
    bool psd = true;
    int zeros = 0;
    for (const auto& stage : plan.stages) {
      const Mat<Rational> Hs = Z.transpose() * exact::hessian(stage, plan.point, active) * Z;
      psd = psd && exactly_psd(Hs);
      const Eigen::FullPivLU<Mat<Rational>> lu(Hs);
      zeros = static_cast<int>(lu.dimensionOfKernel());
      if (zeros == 0) break;
      Z = Mat<Rational>(Z * lu.kernel());
    }
    cert.exact_zero_count = plan.inert + zeros;
    cert.exact_psd = psd;
  }

  std::vector<std::string> why;
  if (cert.gradient_norm > cert.tolerance) why.push_back(fmt::format("gradient {:.3g} != 0", cert.gradient_norm));
  if (cert.lambda_min < -cert.tolerance) why.push_back(fmt::format("negative eigenvalue {:.6g}", cert.lambda_min));
  if (cert.zero_count != cert.predicted_zero_count)
    why.push_back(fmt::format("{} zero eigenvalues, theory predicts {}", cert.zero_count, cert.predicted_zero_count));
  if (cert.exact_zero_count && *cert.exact_zero_count != cert.predicted_zero_count)
    why.push_back(fmt::format("exact rank gives {} zeros, theory predicts {}", *cert.exact_zero_count,
                              cert.predicted_zero_count));
  if (cert.exact_psd && !*cert.exact_psd) why.push_back("exact LDL^T has a negative pivot");
  cert.holds = why.empty();
  for (const auto& w : why) cert.why += (cert.why.empty() ? "" : "; ") + w;
  cert.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return cert;
}

Certificate certify(const CertificateSpec& spec, const CertificateOptions& options) {
  return certify_plan(certificate_plan(spec), spec.k, options);
}

}  // namespace icl::spectral
