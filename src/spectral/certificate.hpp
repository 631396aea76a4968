// Second-order certificates at a claimed optimum (docs/certificates.md). A certificate holds when
// the gradient is exactly 0 and, stage by stage, the Hessian maps every predicted flat direction to
// 0, those directions are independent and as many as the theory counts, and H + mu B B^T (B the
// flat directions) is positive definite. Together this proves H >= 0 with null space exactly
// span(B): no eigenvalue multiplicity is ever counted. Dense spectra and the exact rational rank
// are cross-checks where they fit.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/scalar.hpp"
#include "exact/objective.hpp"
#include "spectral/flat_directions.hpp"
#include "spectral/hessian_kernel.hpp"

namespace icl::spectral {

// The claimed optima of THEORY.md: P(gamma*(m)) for the sphere m-shot loss (all parameters); F(c)
// for the zero-shot loss (all parameters); V(theta0/(d+4), gamma*) for the zero-shot loss (value
// only); the annealed value-only optimum (theta0/(d+4), w*(n_ft)) for {zs} then {fs}; the annealed
// key-query-only optimum from P(gamma*) (Q = Qsep^T K only).
enum class CertPoint { Pretrained, ZsFull, ValueOnly, ValueFewshot, KqFewshot };

const std::vector<std::string>& cert_point_names();       // "pretrained", "zs-full", ...
CertPoint cert_point_from_name(const std::string& name);  // throws std::invalid_argument
const char* cert_point_name(CertPoint p);

struct CertificateSpec {
  CertPoint point = CertPoint::Pretrained;
  Parameterization kind = Parameterization::Merged;
  int d = 5;
  long m = 20;  // pretraining shots: gamma = gamma*(m)
  Rational s2{1, 10};
  Rational c{1};           // F(c)
  long n_ft = 20;          // few-shot fine-tuning shots
  int k = 10;              // how many of the smallest eigenvalues to print (never changes a verdict)
  bool flip_sign = false;  // negate one entry of the point (a deliberately broken certificate)
};

// Where the Hessian is taken: the exact point, the loss stages it minimizes (lexicographically) and
// the coordinates, with the zero count the theory predicts and its parts.
struct CertificatePlan {
  Point<Rational> point;
  std::vector<exact::Objective<Rational>> stages;
  // The predicted flat directions of each stage among its active coordinates (the inert ones are
  // certified separately). Stage 1 works on the active coordinates; a later stage on the flat
  // directions of the one before, which must then be coordinate directions.
  std::vector<std::vector<FlatFamily>> flat;
  exact::Update update;
  std::vector<exact::Coordinate> coords;  // the updated coordinates that reach the prediction
  int inert = 0;                          // updated coordinates the prediction never reads
  int predicted_zero = 0;                 // including the inert ones: the theory's count formula
  std::string prediction;                 // "D^2 inert + 1 scaling" with the numbers
};

CertificatePlan certificate_plan(const CertificateSpec& spec);

// Coordinates the prediction never reads (docs/certificates.md#1-inert-coordinates): the rows of V
// above the value row; Q's label row (merged) or Qsep's label column (separate).
bool is_inert(Parameterization kind, int D, const exact::Coordinate& c);

enum class Method { Auto, Dense, Spectra };

// (a) for one family of predicted flat directions: |H (B r)| for a random combination r.
struct FlatCheck {
  int stage = 1;
  std::string why;
  int count = 0;        // directions in the family
  bool exact = true;    // in rationals (residual exactly 0 or not); else 50 digits against `bound`
  double residual = 0;  // |H u| / |u|
  double bound = 0;     // 50 digits: the residual below which u counts as flat
  bool flat = false;
};

// One loss stage: its coordinates, the deflation basis and the deflated spectrum.
struct StageCertificate {
  int coordinates = 0;  // active coordinates of this stage
  int basis_size = 0;   // predicted flat directions
  int basis_rank = 0;   // their exact rank
  int basis_components = 0, largest_component = 0;
  double lambda_max = 0;                  // max |lambda| of H on the stage's coordinates
  double tolerance = 0;                   // 1e-9 max(1, lambda_max)
  double mu = 0;                          // the deflation shift, max(1, lambda_max)
  double deflated_lambda_min = 0;         // lambda_min(H + mu Bn Bn^T), Bn = B with unit columns
  std::vector<double> deflated_smallest;  // the smallest eigenvalues of H + mu Bn Bn^T found
  std::optional<int> dense_zero_count;    // dense runs: eigenvalues with |lambda| <= tolerance
  bool spans_all = false;                 // the flat directions span every coordinate: H = 0 by (a), (c) is vacuous
};

struct Certificate {
  std::string method;   // "dense" or "spectra": how the deflated spectrum was computed
  int coordinates = 0;  // updated coordinates
  int inert = 0;
  double gradient_norm = 0;  // |grad| over every stage (exact, then rounded for printing)
  bool gradient_exactly_zero = false;
  double lambda_min = 0, lambda_max = 0;
  std::vector<double> eigenvalues;  // the k smallest active ones (the certified zeros first)
  int zero_count = 0;               // inert + the rank of the last stage's flat directions
  int predicted_zero_count = 0;
  std::string prediction;
  double tolerance = 0;
  double largest_zero = 0, smallest_nonzero = 0;  // dense: |lambda| just below and above the tolerance
  std::vector<FlatCheck> flat_checks;             // (a), inert coordinates first
  std::vector<StageCertificate> stages;           // (b) and (c), stage by stage
  std::optional<int> exact_zero_count;            // from the exact rational rank (small cases)
  std::optional<bool> exact_psd;                  // exact LDL^T in rationals (small cases)
  std::vector<std::string> rayleigh50;            // 50-digit Rayleigh quotients of the dense zero modes
  std::vector<int> stage_zero_counts;             // lexicographic stages: zeros left after each
  double seconds = 0;
  bool holds = false;
  std::string why;  // why it fails, empty when it holds
};

struct CertificateOptions {
  Method method = Method::Auto;
  bool exact = true;                      // exact rank / LDL^T when the active block is small (<= 400)
  const HessianKernel* kernel = nullptr;  // default: the exact engine (engine_kernel())
};

Certificate certify(const CertificateSpec& spec, const CertificateOptions& options = {});

// The same from an explicit plan (tests build broken plans with it).
Certificate certify_plan(const CertificatePlan& plan, int k, const CertificateOptions& options = {});

}  // namespace icl::spectral
