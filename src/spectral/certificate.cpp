#include "spectral/certificate.hpp"

#include <Spectra/SymEigsSolver.h>
#include <fmt/format.h>

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>

#include "closed_form/key_query.hpp"
#include "closed_form/pretrained.hpp"
#include "closed_form/value_only.hpp"
#include "exact/quadratic.hpp"
#include "model/families.hpp"
#include "spectral/deflation.hpp"

namespace icl::spectral {
namespace {

using exact::Coordinate;
using exact::Objective;
using exact::TaskLaw;
using exact::Update;

constexpr int kExactLimit = 400;  // exact rank and LDL^T up to this many active coordinates ...
constexpr int kExactDim = 20;     // ... and D <= 20: a rational product costs O(D^3) in the separate form

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
  if (c.block == block::V) return c.row != D - 1;                                      // V above the value row
  if (kind == Parameterization::Merged) return c.block == block::Q && c.row == D - 1;  // Q's label row
  return c.block == block::Qsep && c.col == D - 1;  // Qsep's label column: Q[y, :] = Qsep[:, y]^T K
}

namespace {

// The predicted flat directions, stage by stage, among the active coordinates
// (docs/certificates.md#2-predicted-zero-counts). Built from the point's own entries, independently
// of the count formula above: the certificate checks that the two agree.
std::vector<std::vector<FlatFamily>> predicted_flat(const CertificateSpec& spec, const CertificatePlan& plan,
                                                    const MergedParams<Rational>& merged) {
  const Layout L{spec.d};
  std::vector<FlatFamily> merged_flat;  // among the merged active coordinates
  std::vector<FlatFamily> first;        // a first stage that does not read the updated blocks at all
  switch (spec.point) {
    case CertPoint::Pretrained:
      merged_flat = {scaling_family(merged)};
      break;
    case CertPoint::ZsFull:
      merged_flat = {antisymmetric_family(L), label_column_family(L), label_weight_family(L), scaling_family(merged)};
      break;
    case CertPoint::ValueOnly:
      merged_flat = {label_weight_family(L)};
      break;
    case CertPoint::ValueFewshot:
      return {{label_weight_family(L)}, {}};
    case CertPoint::KqFewshot:
      if (spec.s2 == 0) merged_flat = {noiseless_kq_family(L, first_axis<Rational>(spec.d))};
      first = {unit_family("the zero-shot loss does not read Q (v = e_y)", [&] {
        std::vector<exact::Coordinate> active;
        for (const auto& c : plan.coords)
          if (!is_inert(spec.kind, L.D(), c)) active.push_back(c);
        return active;
      }())};
      break;
  }
  std::vector<FlatFamily> last = merged_flat;
  if (spec.kind == Parameterization::Separate && plan.update != Update::Value) {
    if (plan.point.Qsep() != Mat<Rational>::Identity(L.D(), L.D()))
      throw std::logic_error("the separate flat directions are derived at Qsep = I");
    last.clear();
    for (const auto& f : merged_flat) last.push_back(lift_to_separate(f));
    last.push_back(gl_orbit_family(plan.point.K()));
    last.push_back(key_label_row_family(L));
  }
  if (first.empty()) return {last};
  return {first, last};
}

}  // namespace

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
        merged = kq_memory_params(theta0, closed_form::kq_memory_star(spec.n_ft, setting));
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
  plan.flat = predicted_flat(spec, plan, merged);
  return plan;
}

namespace {

constexpr Eigen::Index kDenseLimit = 2000;      // auto: dense spectra up to this many stage coordinates
constexpr Eigen::Index kExactNullLimit = 4000;  // (a) in rationals up to this many coordinates
constexpr int kExactNullDim = 42;               // ... and D <= 42 (d <= 40); else in 50 digits
constexpr int kVerdictEigenvalues = 4;          // Lanczos: eigenvalues sought for the verdict, whatever --k is
constexpr std::uint64_t kNullSeed = 20261201;   // the random combinations of (a)
const double kNull50Bound = 1e-30;              // (a) in 50 digits: |H u| / |u| <= this * max(1, lambda_max)

// A Spectra operator from a function y = A x.
template <class F>
class FunctionOp {
 public:
  using Scalar = double;
  FunctionOp(Eigen::Index n, F f) : n_(n), f_(std::move(f)) {}
  Eigen::Index rows() const { return n_; }
  Eigen::Index cols() const { return n_; }
  void perform_op(const double* x, double* y) const { f_(x, y); }

 private:
  Eigen::Index n_;
  F f_;
};

// The `nev` extreme eigenvalues of A by implicitly restarted Lanczos (ascending); empty when it
// does not converge.
template <class F>
std::vector<double> lanczos(Eigen::Index n, const F& apply, int nev, Spectra::SortRule rule) {
  FunctionOp<F> op(n, apply);
  nev = static_cast<int>(std::min<Eigen::Index>(nev, n - 1));
  const int ncv = static_cast<int>(std::min<Eigen::Index>(n, std::max(2 * nev + 1, 40)));
  Spectra::SymEigsSolver<FunctionOp<F>> solver(op, nev, ncv);
  solver.init();
  try {
    solver.compute(rule, 50000, 1e-11, Spectra::SortRule::SmallestAlge);
  } catch (const std::exception&) {  // a breakdown (e.g. an operator that is 0) is no convergence
    return {};
  }
  if (solver.info() != Spectra::CompInfo::Successful) return {};
  const Vec<double> ev = solver.eigenvalues();
  std::vector<double> out(ev.data(), ev.data() + ev.size());
  std::sort(out.begin(), out.end());
  return out;
}

Mat<double> dense_matrix(Eigen::Index n, const std::function<void(const double*, double*)>& apply) {
  Mat<double> H(n, n);
  Vec<double> e = Vec<double>::Zero(n);
  for (Eigen::Index j = 0; j < n; ++j) {
    e(j) = 1;
    apply(e.data(), H.col(j).data());
    e(j) = 0;
  }
  return (H + H.transpose()) / 2;  // exact up to rounding; symmetrize the rounding
}

double tolerance_for(double lambda_max_abs) { return 1e-9 * std::max(1.0, lambda_max_abs); }

// Exact: H is positive semidefinite iff its restriction to its own range is positive definite
// (H vanishes on its kernel, and range and kernel are complementary for a symmetric H). That
// restriction B^T H B is nonsingular, so LDL^T with all pivots > 0 and an exact reconstruction
// proves it (docs/certificates.md#5-cross-checks).
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

std::vector<Coordinate> active_of(const CertificatePlan& plan, bool inert) {
  std::vector<Coordinate> out;
  for (const auto& c : plan.coords)
    if (is_inert(plan.point.kind, plan.point.D(), c) == inert) out.push_back(c);
  return out;
}

std::vector<Direction> directions_of(const std::vector<FlatFamily>& families) {
  std::vector<Direction> out;
  for (const auto& f : families) out.insert(out.end(), f.directions.begin(), f.directions.end());
  return out;
}

// The coordinates a stage leaves flat, when its flat directions are coordinate directions.
std::vector<Coordinate> flat_coordinates(const std::vector<FlatFamily>& families) {
  std::vector<Coordinate> out;
  for (const auto& d : directions_of(families)) {
    if (d.entries.size() != 1 || d.entries.front().second != 1)
      throw std::logic_error("a later stage needs the earlier stage's flat directions to be coordinate directions");
    out.push_back(d.entries.front().first);
  }
  return out;
}

// (a): H maps a random combination of the family to 0: exactly in rationals when the stage is small
// enough, else in 50 digits against kNull50Bound.
FlatCheck null_check(const HessianKernel& kernel, const Objective<Rational>& loss, const Point<Rational>& point,
                     const std::vector<Coordinate>& coords, const FlatFamily& family, int stage, double lambda_max,
                     std::uint64_t stream) {
  FlatCheck fc;
  fc.stage = stage;
  fc.why = family.why;
  fc.count = static_cast<int>(family.directions.size());
  const SparseBasis B = to_basis(family.directions, coords, point.D());
  const Vec<Rational> u = random_combination(B, kNullSeed, stream);
  fc.exact = static_cast<Eigen::Index>(coords.size()) <= kExactNullLimit && point.D() <= kExactNullDim;
  if (fc.exact) {
    const Vec<Rational> Hu = kernel.in_rational(loss, point, coords, u);
    fc.flat = Hu.isZero(0);
    fc.residual = fc.flat ? 0.0 : std::sqrt(to_double(Rational(Hu.squaredNorm() / u.squaredNorm())));
  } else {
    const Vec<Float50> u50 = u.unaryExpr([](const Rational& x) { return Float50(x); });
    const Vec<Float50> Hu = kernel.in_float50(loss.cast<Float50>(), point.cast<Float50>(), coords, u50);
    fc.residual = static_cast<double>(Float50(sqrt(Float50(Hu.squaredNorm() / u50.squaredNorm()))));
    fc.bound = kNull50Bound * std::max(1.0, lambda_max);
    fc.flat = fc.residual <= fc.bound;
  }
  return fc;
}

// 50-digit Rayleigh quotients u^T H u / u^T u of the computed zero modes (columns of Z).
std::vector<std::string> rayleigh50(const HessianKernel& kernel, const Objective<Rational>& obj,
                                    const Point<Rational>& point, const std::vector<Coordinate>& coords,
                                    const Mat<double>& Z) {
  constexpr Eigen::Index kModes = 20;
  std::vector<std::string> out;
  const auto obj50 = obj.cast<Float50>();
  const auto point50 = point.cast<Float50>();
  for (Eigen::Index j = 0; j < std::min<Eigen::Index>(Z.cols(), kModes); ++j) {
    const Vec<Float50> u = Z.col(j).cast<Float50>();
    const Float50 q = u.dot(kernel.in_float50(obj50, point50, coords, u)) / u.squaredNorm();
    out.push_back(to_decimal(q, 3));
  }
  return out;
}

// The exact cross-check (<= 400 active coordinates): the rank of the rational Hessian, stage by
// stage on the exact kernel, and LDL^T.
void exact_cross_check(const HessianKernel& kernel, const CertificatePlan& plan, const std::vector<Coordinate>& active,
                       Certificate& cert) {
  const auto n = static_cast<Eigen::Index>(active.size());
  Mat<Rational> Z = Mat<Rational>::Identity(n, n);
  bool psd = true;
  int zeros = 0;
  for (const auto& stage : plan.stages) {
    Mat<Rational> H(n, n);
    for (Eigen::Index j = 0; j < n; ++j)
      H.col(j) = kernel.in_rational(stage, plan.point, active, Vec<Rational>(Vec<Rational>::Unit(n, j)));
    const Mat<Rational> Hs = Z.transpose() * H * Z;
    psd = psd && exactly_psd(Hs);
    const Eigen::FullPivLU<Mat<Rational>> lu(Hs);
    zeros = static_cast<int>(lu.dimensionOfKernel());
    if (zeros == 0) break;
    Z = Mat<Rational>(Z * lu.kernel());
  }
  cert.exact_zero_count = plan.inert + zeros;
  cert.exact_psd = psd;
}

// (b) and (c) for one stage, and the dense cross-check where the stage is small.
struct StageRun {
  StageCertificate result;
  std::vector<double> spectrum;  // dense: every eigenvalue of H; Lanczos: the deflated smallest
  Mat<double> zero_modes;        // dense, with vectors: the eigenvectors counted as zero
  bool converged = true;
};

StageRun run_stage(const HessianKernel& kernel, const Objective<double>& loss, const Point<double>& point,
                   const std::vector<Coordinate>& coords, const SparseBasis& B, bool dense, bool vectors, int k) {
  StageRun run;
  auto& r = run.result;
  const auto n = static_cast<Eigen::Index>(coords.size());
  r.coordinates = static_cast<int>(n);
  r.basis_size = static_cast<int>(B.cols());
  const auto rank = exact_rank(B);
  r.basis_rank = rank.rank;
  r.basis_components = rank.components;
  r.largest_component = rank.largest_component;
  const auto hvp = [&](const double* x, double* y) {
    const Eigen::Map<const Vec<double>> u(x, n);
    Eigen::Map<Vec<double>>(y, n) = kernel.in_double(loss, point, coords, Vec<double>(u));
  };
  if (r.basis_rank == n) {
    // The flat directions span every coordinate: (a) then proves H = 0 here, and (c) is vacuous.
    r.spans_all = true;
    r.tolerance = tolerance_for(0);
    r.mu = 1;
    r.deflated_lambda_min = std::numeric_limits<double>::infinity();
    return run;
  }
  if (dense) {
    const Mat<double> H = dense_matrix(n, hvp);
    const Eigen::SelfAdjointEigenSolver<Mat<double>> es(H,
                                                        vectors ? Eigen::ComputeEigenvectors : Eigen::EigenvaluesOnly);
    const Vec<double>& ev = es.eigenvalues();
    r.lambda_max = ev.size() ? std::max(std::abs(ev(0)), std::abs(ev(ev.size() - 1))) : 0.0;
    r.tolerance = tolerance_for(r.lambda_max);
    r.mu = std::max(1.0, r.lambda_max);
    run.spectrum.assign(ev.data(), ev.data() + ev.size());
    std::vector<Eigen::Index> zeros;
    for (Eigen::Index i = 0; i < ev.size(); ++i)
      if (std::abs(ev(i)) <= r.tolerance) zeros.push_back(i);
    r.dense_zero_count = static_cast<int>(zeros.size());
    if (vectors) {
      run.zero_modes.resize(n, static_cast<Eigen::Index>(zeros.size()));
      for (std::size_t j = 0; j < zeros.size(); ++j)
        run.zero_modes.col(static_cast<Eigen::Index>(j)) = es.eigenvectors().col(zeros[j]);
    }
    Mat<double> A = H;
    Deflation(B, r.mu).add_to(A);
    const Vec<double> dev = Eigen::SelfAdjointEigenSolver<Mat<double>>(A, Eigen::EigenvaluesOnly).eigenvalues();
    r.deflated_lambda_min = dev.size() ? dev(0) : std::numeric_limits<double>::infinity();
    r.deflated_smallest.assign(dev.data(), dev.data() + std::min<Eigen::Index>(dev.size(), kVerdictEigenvalues));
    return run;
  }
  // Matrix-free: |lambda|_max of H, then the smallest eigenvalues of H + mu Bn Bn^T, always with the
  // same number sought (kVerdictEigenvalues), so --k never changes the verdict.
  const auto largest = lanczos(n, hvp, 1, Spectra::SortRule::LargestMagn);
  if (largest.empty()) {
    run.converged = false;
    return run;
  }
  r.lambda_max = std::abs(largest.back());
  r.tolerance = tolerance_for(r.lambda_max);
  r.mu = std::max(1.0, r.lambda_max);
  const Deflation deflation(B, r.mu);
  const auto deflated = [&](const double* x, double* y) {
    hvp(x, y);
    deflation.add_to(x, y);
  };
  r.deflated_smallest = lanczos(n, deflated, kVerdictEigenvalues, Spectra::SortRule::SmallestAlge);
  if (r.deflated_smallest.empty()) {
    run.converged = false;
    return run;
  }
  r.deflated_lambda_min = r.deflated_smallest.front();
  run.spectrum = r.deflated_smallest;
  if (k > kVerdictEigenvalues) {  // only for printing
    const auto more = lanczos(n, deflated, k, Spectra::SortRule::SmallestAlge);
    if (!more.empty()) run.spectrum = more;
  }
  return run;
}

}  // namespace

Certificate certify_plan(const CertificatePlan& plan, int k, const CertificateOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const HessianKernel& kernel = options.kernel ? *options.kernel : engine_kernel();
  if (plan.flat.size() != plan.stages.size())
    throw std::logic_error("a certificate plan needs flat directions per stage");
  Certificate cert;
  cert.lambda_min = plan.inert > 0 ? 0.0 : std::numeric_limits<double>::infinity();
  const int D = plan.point.D();
  const auto active = active_of(plan, false);
  const auto n = static_cast<Eigen::Index>(active.size());
  cert.coordinates = static_cast<int>(plan.coords.size());
  cert.inert = plan.inert;
  cert.predicted_zero_count = plan.predicted_zero;
  cert.prediction = plan.prediction;

  const bool dense = options.method == Method::Dense || (options.method == Method::Auto && n <= kDenseLimit);
  cert.method = dense ? "dense" : "spectra";
  const Point<double> point = plan.point.cast<double>();
  std::vector<std::string> why;

  // Stage by stage on the coordinates the earlier stages left flat.
  Rational gradient2(0);
  std::vector<Coordinate> coords = active;
  std::vector<double> last_spectrum;
  std::uint64_t stream = 0;
  for (std::size_t s = 0; s < plan.stages.size(); ++s) {
    const int stage = static_cast<int>(s) + 1;
    const auto& loss = plan.stages[s];
    const Objective<double> loss_d = loss.cast<double>();
    gradient2 += Vec<Rational>(engine_gradient(loss, plan.point, s == 0 ? plan.coords : coords)).squaredNorm();
    const SparseBasis B = to_basis(directions_of(plan.flat[s]), coords, D);
    const bool last = s + 1 == plan.stages.size();
    const bool tiny = static_cast<Eigen::Index>(coords.size()) <= 2 * kVerdictEigenvalues + 2;  // below Lanczos' reach
    const bool vectors = last && static_cast<Eigen::Index>(coords.size()) <= kDenseLimit;
    StageRun run = run_stage(kernel, loss_d, point, coords, B, dense || tiny, vectors && (dense || tiny), k);
    auto& r = run.result;
    if (!run.converged) why.push_back(fmt::format("stage {}: Lanczos did not converge", stage));
    cert.tolerance = std::max(cert.tolerance, r.tolerance);
    cert.lambda_max = std::max(cert.lambda_max, r.lambda_max);
    if (s == 0 && plan.inert > 0) {  // the inert coordinates are flat for the whole loss, on every coordinate
      const FlatFamily inert = unit_family("inert coordinates", active_of(plan, true));
      cert.flat_checks.push_back(
          null_check(kernel, loss, plan.point, plan.coords, inert, stage, r.lambda_max, stream++));
    }
    for (const auto& family : plan.flat[s])
      if (!family.directions.empty())
        cert.flat_checks.push_back(null_check(kernel, loss, plan.point, coords, family, stage, r.lambda_max, stream++));
    if (r.basis_rank != r.basis_size)
      why.push_back(
          fmt::format("stage {}: the {} predicted flat directions have rank {}", stage, r.basis_size, r.basis_rank));
    if (run.converged && !(r.deflated_lambda_min > r.tolerance))
      why.push_back(
          fmt::format("stage {}: lambda_min(H + mu B B^T) = {:.6g} <= tol {:.3g}: not positive definite "
                      "off the predicted flat directions",
                      stage, r.deflated_lambda_min, r.tolerance));
    if (r.dense_zero_count && *r.dense_zero_count != r.basis_size)
      why.push_back(fmt::format("stage {}: dense spectrum has {} zero eigenvalues, the basis {}", stage,
                                *r.dense_zero_count, r.basis_size));
    cert.stage_zero_counts.push_back(plan.inert + r.basis_rank);
    if (r.dense_zero_count) {
      for (double ev : run.spectrum) {
        if (std::abs(ev) <= r.tolerance)
          cert.largest_zero = std::max(cert.largest_zero, std::abs(ev));
        else
          cert.smallest_nonzero =
              cert.smallest_nonzero == 0 ? std::abs(ev) : std::min(cert.smallest_nonzero, std::abs(ev));
      }
      cert.lambda_min = std::min(cert.lambda_min, run.spectrum.empty() ? 0.0 : run.spectrum.front());
    } else if (run.converged) {
      cert.smallest_nonzero =
          cert.smallest_nonzero == 0 ? r.deflated_lambda_min : std::min(cert.smallest_nonzero, r.deflated_lambda_min);
      cert.lambda_min = std::min(cert.lambda_min, r.deflated_lambda_min);
    }
    if (last) {
      cert.zero_count = plan.inert + r.basis_rank;
      if (run.zero_modes.cols() > 0) cert.rayleigh50 = rayleigh50(kernel, loss, plan.point, coords, run.zero_modes);
      last_spectrum = run.spectrum;
      if (!r.dense_zero_count)  // Lanczos: the certified zeros, then the smallest of the deflated operator
        last_spectrum.insert(last_spectrum.begin(), static_cast<std::size_t>(r.basis_rank), 0.0);
    } else {
      coords = flat_coordinates(plan.flat[s]);
    }
    cert.stages.push_back(std::move(r));
  }
  if (std::isinf(cert.lambda_min)) cert.lambda_min = 0;
  cert.gradient_exactly_zero = gradient2 == 0;
  cert.gradient_norm = std::sqrt(to_double(gradient2));
  if (!cert.gradient_exactly_zero) why.insert(why.begin(), fmt::format("gradient {:.3g} != 0", cert.gradient_norm));
  for (const auto& fc : cert.flat_checks)
    if (!fc.flat)
      why.push_back(fmt::format("stage {}: H does not vanish on the {} ({} directions): |H u|/|u| = {:.3g}", fc.stage,
                                fc.why, fc.count, fc.residual));
  if (cert.zero_count != cert.predicted_zero_count)
    why.push_back(fmt::format("{} flat directions, theory predicts {}", cert.zero_count, cert.predicted_zero_count));
  std::sort(last_spectrum.begin(), last_spectrum.end());
  last_spectrum.resize(std::min(last_spectrum.size(), static_cast<std::size_t>(std::max(k, 0))));
  cert.eigenvalues = last_spectrum;

  if (options.exact && n <= kExactLimit && D <= kExactDim) {
    exact_cross_check(kernel, plan, active, cert);
    if (*cert.exact_zero_count != cert.predicted_zero_count)
      why.push_back(fmt::format("exact rank gives {} zeros, theory predicts {}", *cert.exact_zero_count,
                                cert.predicted_zero_count));
    if (!*cert.exact_psd) why.push_back("exact LDL^T has a negative pivot");
  }
  cert.holds = why.empty();
  for (const auto& w : why) cert.why += (cert.why.empty() ? "" : "; ") + w;
  cert.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return cert;
}

Certificate certify(const CertificateSpec& spec, const CertificateOptions& options) {
  return certify_plan(certificate_plan(spec), spec.k, options);
}

const HessianKernel& engine_kernel() {
  static const HessianKernel kernel{[](const auto& o, const auto& p, const auto& c, const Vec<double>& u) {
                                      return engine_hessian_vector(o, p, c, u);
                                    },
                                    [](const auto& o, const auto& p, const auto& c, const Vec<Float50>& u) {
                                      return engine_hessian_vector(o, p, c, u);
                                    },
                                    [](const auto& o, const auto& p, const auto& c, const Vec<Rational>& u) {
                                      return engine_hessian_vector(o, p, c, u);
                                    }};
  return kernel;
}

}  // namespace icl::spectral
