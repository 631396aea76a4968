// Models named on the command line of curve and compare: a parameter file (one layer, or two layers for
// the two-layer engine), or a family spec `pretrained:gamma=G`, `pretrained:m=M`, `zs-full:c=C`,
// `v-only:w=W[,b=B]` placed along theta0.
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

// The dimension d of a model text: from the file (any number of layers), or nullopt for a family spec.
std::optional<int> file_dimension(const std::string& text, const std::string& flag);

// Reads a model; `flag` names it in errors ("A", "--family"). d and s2 are those of the run
// (pretrained:m=M uses gamma*(M) at this d and s2); families are placed along theta0.
Model read_model(const std::string& text, const std::string& flag, const Vec<Rational>& theta0, const Rational& s2);

// A parameter file of several heads or two layers, read and checked for the exact engines (one layer
// of H heads: exact/heads.hpp; two layers: exact/two_layer.hpp), or nullopt when `text` is a family spec
// or a file of one head. InputError naming `flag` (and the file) for L >= 3, two layers with
// d > two_layer::kMaxD, softmax attention, or a d other than `d` when given.
std::optional<Arch<Rational>> read_layers(const std::string& text, const std::string& flag,
                                          std::optional<int> d = std::nullopt);

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

// The exact risk of a model on a task: R(n) = numerator(n) / (n + 1)^power, and lim R.
struct ExactRisk {
  Polynomial<Rational> numerator;
  int power;
  Rational limit;
};
// One layer (one head or H heads): power 2, interpolated and confirmed as risk_numerator; two layers:
// power 8, from the two-layer engine.
ExactRisk exact_risk(const Model& m, const exact::TaskLaw<Rational>& task, const Rational& s2);
ExactRisk exact_risk(const Arch<Rational>& layers, const exact::TaskLaw<Rational>& task, const Rational& s2);
// p(n) (n + 1)^k: a numerator over (n + 1)^j brought to the denominator (n + 1)^(j + k).
Polynomial<Rational> times_n_plus_1_power(Polynomial<Rational> p, int k);
// The same risk over (n + 1)^power with power >= r.power: the numerator times (n + 1)^(power - r.power).
Polynomial<Rational> numerator_over(const ExactRisk& r, int power);

// "a n^2 + b n + c" with exact coefficients.
std::string polynomial_text(const Polynomial<Rational>& p, const std::string& var);

}  // namespace icl::cli
