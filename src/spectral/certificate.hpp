// Second-order certificates: the spectrum of the exact Hessian at a claimed optimum
// (docs/certificates.md). A certificate holds when the gradient vanishes, the smallest eigenvalue
// is >= -tol and the number of zero eigenvalues equals the number the theory predicts.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/scalar.hpp"
#include "exact/objective.hpp"

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
  int k = 10;              // how many of the smallest eigenvalues to report
  bool flip_sign = false;  // negate one entry of the point (a deliberately broken certificate)
};

// Where the Hessian is taken: the exact point, the loss stages it minimizes (lexicographically) and
// the coordinates, with the zero count the theory predicts and its parts.
struct CertificatePlan {
  Point<Rational> point;
  std::vector<exact::Objective<Rational>> stages;
  exact::Update update;
  std::vector<exact::Coordinate> coords;  // the updated coordinates that reach the prediction
  int inert = 0;                          // updated coordinates the prediction never reads
  int predicted_zero = 0;                 // including the inert ones
  std::string prediction;                 // "D^2 inert + 1 scaling" with the numbers
};

CertificatePlan certificate_plan(const CertificateSpec& spec);

// Coordinates the prediction never reads (docs/certificates.md#1-inert-coordinates): the rows of V
// above the value row; Q's label row (merged) or Qsep's label column (separate).
bool is_inert(Parameterization kind, int D, const exact::Coordinate& c);

enum class Method { Auto, Dense, Spectra };

struct Certificate {
  std::string method;   // "dense" or "spectra"
  int coordinates = 0;  // updated coordinates
  int inert = 0;
  double gradient_norm = 0;  // |grad| of the first stage (exact zero: 0)
  bool gradient_exactly_zero = false;
  double lambda_min = 0, lambda_max = 0;
  std::vector<double> eigenvalues;  // the k smallest, inert zeros included
  int zero_count = 0;               // inert + |lambda| <= tolerance among the active ones
  int predicted_zero_count = 0;
  std::string prediction;
  double tolerance = 0;
  double largest_zero = 0, smallest_nonzero = 0;  // |lambda| just below and just above the tolerance
  std::optional<int> exact_zero_count;            // from the exact rational rank (small cases)
  std::optional<bool> exact_psd;                  // exact LDL^T in rationals (small cases)
  std::vector<std::string> rayleigh50;            // 50-digit Rayleigh quotients of the zero modes
  std::vector<int> stage_zero_counts;             // lexicographic stages: zeros left after each
  double seconds = 0;
  bool holds = false;
  std::string why;  // why it fails, empty when it holds
};

struct CertificateOptions {
  Method method = Method::Auto;
  bool exact = true;  // exact rank / LDL^T when the active block is small (<= 400 coordinates)
};

Certificate certify(const CertificateSpec& spec, const CertificateOptions& options = {});

// The same from an explicit plan (tests build broken plans with it).
Certificate certify_plan(const CertificatePlan& plan, int k, const CertificateOptions& options = {});

}  // namespace icl::spectral
