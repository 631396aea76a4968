// Models named on the command line of curve and compare: a parameter file, or a family spec
// `pretrained:gamma=G`, `pretrained:m=M`, `zs-full:c=C`, `v-only:w=W[,b=B]` placed along theta0.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "exact/exact.hpp"
#include "poly/polynomial.hpp"

namespace icl::cli {

struct Model {
  MergedParams<Rational> params;
  std::string name;  // "P(gamma=10/13)" or the file name
};

// The dimension d of a model text: from the file, or nullopt for a family spec.
std::optional<int> file_dimension(const std::string& text, const std::string& flag);

// Reads a model; `flag` names it in errors ("A", "--family"). d and s2 are those of the run
// (pretrained:m=M uses gamma*(M) at this d and s2); families are placed along theta0.
Model read_model(const std::string& text, const std::string& flag, const Vec<Rational>& theta0, const Rational& s2);

// d from --d (text, may be empty) and the files among the models; InputError if they disagree or
// if no source gives d.
int resolve_dimension(const std::string& d_text, const std::vector<std::pair<std::string, std::string>>& models);

// The options curve and compare share: --d D, --sigma2 S (required), --format table|json.
struct CurveOptions {
  std::string d, sigma2, format;
};
void add_curve_options(CLI::App& app, CurveOptions& o, const std::string& d_note, const std::string& format_note);

// (n+1)^2 R(n) of a model on a task: exact, degree <= 2 in n, confirmed at n = 3, 4, 5.
Polynomial<Rational> risk_numerator(const Model& m, const exact::TaskLaw<Rational>& task, const Rational& s2);

// "a n^2 + b n + c" with exact coefficients.
std::string polynomial_text(const Polynomial<Rational>& p, const std::string& var);

}  // namespace icl::cli
