// The input layer of the command line: every option that more than one subcommand takes is
// registered here (one help text) and read here (one rule), into the exact object the command needs.
// A bad value is an InputError naming the flag (one line on stderr, exit status 2), with the same
// message on every command. Options that only one command takes stay in that command.
//
// add_*: registers the option bound to `text`. A non-empty `text` is the default and the help shows
// it; `note` says what the option does for this command and ends the help.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/number.hpp"
#include "exact/exact.hpp"
#include "model/arch.hpp"
#include "verify/check.hpp"

namespace icl::cli {

// --sigma2 S2: the label noise variance, an exact rational >= 0 (required when `text` is empty).
void add_sigma2(CLI::App& app, std::string& text, const std::string& note = "");
Rational read_sigma2(const std::string& text);

// --d D: the covariate dimension, an integer in [1, limit]. `limit` is the largest d the command can
// evaluate; every d < 1 or non-integer gets the same message.
inline constexpr int kMaxDimension = 100000;
CLI::Option* add_dimension(CLI::App& app, std::string& text, const std::string& note = "");
int read_dimension(const std::string& text, int limit = kMaxDimension);

// --theta LIST: a task direction theta0, d comma-separated rationals, not all zero (the zero vector
// is no direction: families placed along it, the fine-tuning task and the risk on it degenerate).
// Not given (`opt`, from add_theta): e_1. Messages name `opt` (--theta, or --theta0 of diagnose).
CLI::Option* add_theta(CLI::App& app, std::string& text, const std::string& note);
Vec<Rational> read_theta(const CLI::Option* opt, const std::string& text, int d);

// --task target|opposite|sphere: theta0, -theta0, or theta uniform on the unit sphere.
CLI::Option* add_task(CLI::App& app, std::string& text, const std::string& note);
exact::TaskLaw<Rational> read_task(const std::string& name, const Vec<Rational>& theta0);

// --shots LIST: shot counts n >= 0, a list 0,1,5, an inclusive range 0:40, or a mix (required when
// `text` is empty).
void add_shots(CLI::App& app, std::string& text, const std::string& note = "");
std::vector<long> read_shots(const std::string& text);

// --seed SEED: an integer >= 0; `what` names what it seeds.
CLI::Option* add_seed(CLI::App& app, std::string& text, const std::string& what);
unsigned long long read_seed(const std::string& text);

// --threads K: 1..1024, default `text` or, when empty, every core. No output depends on it.
CLI::Option* add_threads(CLI::App& app, std::string& text, const std::string& note = "");
int read_threads(const std::string& text);

// --quiet: no progress bar.
void add_quiet(CLI::App& app, bool& quiet);

// --format: one of `choices`, the first being the default (CLI11 rejects the rest).
void add_format(CLI::App& app, std::string& format, const std::vector<std::string>& choices,
                const std::string& note = "");

// --digits K: 1..50 significant digits.
CLI::Option* add_digits(CLI::App& app, std::string& text, const std::string& note);
int read_digits(const std::string& text);

// --exact or --digits K (they exclude each other), else double.
struct PrecisionArgs {
  bool exact = false;
  std::string digits;
  CLI::Option* digits_opt = nullptr;
};
struct Precision {
  enum class Kind { Double, Digits, Exact } kind = Kind::Double;
  int digits = 17;           // printed significant digits of a Digits (or double) evaluation
  std::string name() const;  // "double", "30 digits", "exact"
};
void add_precision(CLI::App& app, PrecisionArgs& a);
Precision read_precision(const PrecisionArgs& a);

// --params FILE: exact JSON parameters {V, Q} or {V, Qsep, K}; `d` (from --d), when given, must be
// the file's.
struct ParamsFile {
  Point<Rational> point;
  int d;
};
CLI::Option* add_params(CLI::App& app, std::string& path, const std::string& note = "");
ParamsFile read_params(const std::string& path, std::optional<int> d = std::nullopt,
                       const std::string& flag = "--params");

// --params FILE of L layers x H heads (model/arch_file.hpp: JSON "layers", "allparam" or one head,
// NumPy .npy or .npz), with the same rule for `d`. A softmax file ("attention": "softmax") is an
// InputError unless the command simulates (`softmax_ok`: risk --mc, diagnose, train, protocol).
struct ArchParamsFile {
  Arch<Rational> arch;
  int d;
};
ArchParamsFile read_arch_params(const std::string& path, std::optional<int> d = std::nullopt, bool softmax_ok = false,
                                const std::string& flag = "--params");

// The one line for a softmax file given to a command (or option) that evaluates exactly.
InputError softmax_is_not_exact(const std::string& path, const std::string& what);

// --param merged|separate: the parameterization of a pretrained point (separate: Qsep = I, K = Q).
CLI::Option* add_parameterization(CLI::App& app, std::string& text);
Parameterization read_parameterization(const std::string& text);
// A parameter file sets its own parameterization: --param (`opt`) must not be given with it.
void reject_parameterization_of_file(const CLI::Option* opt);

// --update all|v|kq|q|k (CLI11 checks the names) as an update mask, and its coordinates at a point of
// `kind`; q and k need the separate parameterization.
exact::Update read_update(const std::string& name);
std::vector<exact::Coordinate> update_coordinates(Parameterization kind, int D, const std::string& name);

// c of F(c), nonzero (Q[0,0] = 1/c); `what` names the flag or field ("--c", "A (c)").
Rational read_c(const std::string& text, const std::string& what);

// `opt` was given although it applies to `where` only (the flag's name and `where` in the message).
void applies_only_to(bool ok, const CLI::Option* opt, const std::string& where);

// --heads H (1..64) and --layers L (1..16) of a model trained with L layers x H heads.
int read_heads(const std::string& text);
int read_layers(const std::string& text);

// A real number from TEXT (a decimal or a fraction) that must be > 0 (>= 0 with allow_zero), named
// by `flag` in the message.
double read_positive(const std::string& text, const std::string& flag, bool allow_zero = false);

// --only IDS: "C1,C2.x" -> {"C1", "C2.x"}; an empty id is an error.
std::vector<std::string> read_ids(const std::string& text);

// --mc-samples N (default `samples`), --seed SEED, --threads K of check and selftest, read into their
// CheckContext.
struct ContextArgs {
  std::string samples, seed = "20261123", threads;
};
void add_context(CLI::App& app, ContextArgs& a, const std::string& samples);
CheckContext read_context(const ContextArgs& a);

}  // namespace icl::cli
