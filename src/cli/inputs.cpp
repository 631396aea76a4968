#include "cli/inputs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <thread>

#include "model/arch_file.hpp"
#include "model/families.hpp"
#include "model/params_file.hpp"

namespace icl::cli {

namespace {

// "base (default X); note"
std::string help(std::string base, const std::string& fallback, const std::string& note) {
  if (!fallback.empty()) base += fmt::format(" (default {})", fallback);
  if (!note.empty()) base += "; " + note;
  return base;
}

// "a (default), b or c"
std::string choice_list(const std::vector<std::string>& choices) {
  std::string out;
  for (std::size_t i = 0; i < choices.size(); ++i)
    out += (i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ") + choices[i] + (i == 0 ? " (default)" : "");
  return out;
}

}  // namespace

void add_sigma2(CLI::App& app, std::string& text, const std::string& note) {
  auto* opt = app.add_option("--sigma2", text,
                             help("Label noise variance s2 >= 0, a decimal or a fraction such as 1/10", text, note))
                  ->type_name("S2");
  if (text.empty()) opt->required();
}

Rational read_sigma2(const std::string& text) {
  const Rational s2 = parse_rational(text, "--sigma2");
  if (s2 < 0) throw InputError(fmt::format("--sigma2: '{}' is negative (the noise variance must be >= 0)", text));
  return s2;
}

CLI::Option* add_dimension(CLI::App& app, std::string& text, const std::string& note) {
  return app.add_option("--d", text, help("Covariate dimension d >= 1", text, note))->type_name("D");
}

int read_dimension(const std::string& text, int limit) {
  long d = 0;
  try {
    d = parse_integer(text, "--d", 1, std::numeric_limits<long>::max());
  } catch (const InputError&) {
    throw InputError(fmt::format("--d: '{}' is not an integer >= 1", text));
  }
  if (d > limit)
    throw InputError(fmt::format("--d: '{}' is larger than {}, the largest d this command takes", text, limit));
  return static_cast<int>(d);
}

CLI::Option* add_theta(CLI::App& app, std::string& text, const std::string& note) {
  return app.add_option("--theta", text, help("Task direction theta0: d comma-separated numbers, not all 0", "", note))
      ->type_name("LIST");
}

Vec<Rational> read_theta(const CLI::Option* opt, const std::string& text, int d) {
  if (opt->count() == 0) return first_axis<Rational>(d);
  const std::string flag = opt->get_name();
  const auto t = parse_rational_list(text, flag);
  if (static_cast<int>(t.size()) != d)
    throw InputError(fmt::format("{}: has {} entries, expected d = {}", flag, t.size(), d));
  Vec<Rational> theta(d);
  for (int i = 0; i < d; ++i) theta(i) = t[static_cast<std::size_t>(i)];
  if (theta.isZero())
    throw InputError(fmt::format("{}: '{}' is the zero vector (a task direction must be nonzero)", flag, text));
  return theta;
}

CLI::Option* add_task(CLI::App& app, std::string& text, const std::string& note) {
  return app
      .add_option("--task", text,
                  help("target: theta0; opposite: -theta0; sphere: theta uniform on the unit sphere", text, note))
      ->type_name("TASK")
      ->check(CLI::IsMember({"target", "opposite", "sphere"}));
}

exact::TaskLaw<Rational> read_task(const std::string& name, const Vec<Rational>& theta0) {
  if (name == "sphere") return exact::TaskLaw<Rational>::sphere();
  return exact::TaskLaw<Rational>::fixed(name == "opposite" ? Vec<Rational>(-theta0) : theta0);
}

void add_shots(CLI::App& app, std::string& text, const std::string& note) {
  auto* opt = app.add_option("--shots", text,
                             help("Shot counts n >= 0: a list 0,1,5, an inclusive range 0:40, or a mix", text, note))
                  ->type_name("LIST");
  if (text.empty()) opt->required();
}

std::vector<long> read_shots(const std::string& text) { return parse_index_list(text, "--shots"); }

CLI::Option* add_seed(CLI::App& app, std::string& text, const std::string& what) {
  return app
      .add_option(
          "--seed", text,
          help("Seed of " + what + ", an integer >= 0", text, "the same seed gives the same output for any --threads"))
      ->type_name("SEED");
}

unsigned long long read_seed(const std::string& text) {
  return static_cast<unsigned long long>(parse_integer(text, "--seed", 0, std::numeric_limits<long>::max()));
}

CLI::Option* add_threads(CLI::App& app, std::string& text, const std::string& note) {
  return app
      .add_option("--threads", text,
                  help("Threads, 1..1024", text.empty() ? "all cores" : text,
                       "the output does not depend on it" + (note.empty() ? "" : "; " + note)))
      ->type_name("K");
}

int read_threads(const std::string& text) {
  if (text.empty()) return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return static_cast<int>(parse_integer(text, "--threads", 1, 1024));
}

void add_quiet(CLI::App& app, bool& quiet) {
  app.add_flag("--quiet", quiet, "No progress bar (it is drawn only on a terminal, after one second)");
}

void add_format(CLI::App& app, std::string& format, const std::vector<std::string>& choices, const std::string& note) {
  format = choices.front();
  app.add_option("--format", format, help(choice_list(choices), "", note))
      ->type_name("FORMAT")
      ->check(CLI::IsMember(choices));
}

CLI::Option* add_digits(CLI::App& app, std::string& text, const std::string& note) {
  return app.add_option("--digits", text, help("K significant digits, 1..50", "", note))->type_name("K");
}

int read_digits(const std::string& text) { return static_cast<int>(parse_integer(text, "--digits", 1, 50)); }

std::string Precision::name() const {
  switch (kind) {
    case Kind::Exact:
      return "exact";
    case Kind::Digits:
      return fmt::format("{} digits", digits);
    case Kind::Double:
      break;
  }
  return "double";
}

void add_precision(CLI::App& app, PrecisionArgs& a) {
  app.add_flag("--exact", a.exact, "Evaluate in exact rationals, print p/q (default: double)");
  a.digits_opt = add_digits(app, a.digits, "evaluate in 50-digit floating point, print K digits");
}

Precision read_precision(const PrecisionArgs& a) {
  const bool digits = a.digits_opt->count() > 0;
  if (a.exact && digits) throw InputError("--exact and --digits exclude each other");
  if (a.exact) return {Precision::Kind::Exact, 17};
  if (digits) return {Precision::Kind::Digits, read_digits(a.digits)};
  return {};
}

CLI::Option* add_params(CLI::App& app, std::string& path, const std::string& note) {
  return app
      .add_option("--params", path,
                  help("Parameter file: JSON {V, Q} (merged) or {V, Qsep, K} (separate), D x D with D = d + 2, "
                       "entries numbers or \"p/q\", read exactly",
                       "", note))
      ->type_name("FILE");
}

namespace {

// --d, when given, must be the parameter file's d.
int file_dimension(long D, std::optional<int> d) {
  const int file_d = static_cast<int>(D) - 2;
  if (d && *d != file_d)
    throw InputError(fmt::format("--d: {} does not match the parameter file (d = {})", *d, file_d));
  return file_d;
}

}  // namespace

ParamsFile read_params(const std::string& path, std::optional<int> d, const std::string& flag) {
  ParamsFile f{read_params_file(path, flag), 0};
  f.d = file_dimension(f.point.D(), d);
  return f;
}

ArchParamsFile read_arch_params(const std::string& path, std::optional<int> d, bool softmax_ok,
                                const std::string& flag) {
  ArchParamsFile f{read_arch_file(path, flag), 0};
  if (f.arch.softmax() && !softmax_ok) throw softmax_is_not_exact(path, "this command");
  f.d = file_dimension(f.arch.D(), d);
  return f;
}

InputError softmax_is_not_exact(const std::string& path, const std::string& what) {
  return InputError(fmt::format(
      "{}: \"attention\": \"softmax\": {} evaluates linear attention exactly and softmax attention has no exact "
      "engine (simulate it: risk --mc, diagnose, train, protocol --attention softmax)",
      path, what));
}

CLI::Option* add_parameterization(CLI::App& app, std::string& text) {
  return app
      .add_option("--param", text,
                  "merged (V, Q; default) or separate (V, Qsep, K); a pretrained point in the separate form is "
                  "Qsep = I, K = Q")
      ->type_name("NAME")
      ->check(CLI::IsMember({"merged", "separate"}));
}

Parameterization read_parameterization(const std::string& text) {
  return text == "separate" ? Parameterization::Separate : Parameterization::Merged;
}

void reject_parameterization_of_file(const CLI::Option* opt) {
  if (opt->count() > 0)
    throw InputError("--param applies to the pretrained point only (a parameter file sets its own)");
}

exact::Update read_update(const std::string& name) {
  if (name == "v") return exact::Update::Value;
  if (name == "kq") return exact::Update::KeyQuery;
  if (name == "q") return exact::Update::Query;
  if (name == "k") return exact::Update::Key;
  return exact::Update::All;
}

std::vector<exact::Coordinate> update_coordinates(Parameterization kind, int D, const std::string& name) {
  const exact::Update update = read_update(name);
  if (kind == Parameterization::Merged && (update == exact::Update::Query || update == exact::Update::Key))
    throw InputError(fmt::format(
        "--update {}: needs the separate parameterization (--param separate or a parameter file with V, Qsep, K)",
        name));
  return exact::coordinates(kind, D, update);
}

Rational read_c(const std::string& text, const std::string& what) {
  const Rational c = parse_rational(text, what);
  if (c == 0) throw InputError(fmt::format("{}: '{}' is not allowed (F(c) needs c != 0)", what, text));
  return c;
}

void applies_only_to(bool ok, const CLI::Option* opt, const std::string& where) {
  if (!ok && opt->count() > 0) throw InputError(fmt::format("{} applies to {} only", opt->get_name(), where));
}

int read_heads(const std::string& text) { return static_cast<int>(parse_integer(text, "--heads", 1, 64)); }
int read_layers(const std::string& text) { return static_cast<int>(parse_integer(text, "--layers", 1, 16)); }

double read_positive(const std::string& text, const std::string& flag, bool allow_zero) {
  const Rational q = parse_rational(text, flag);
  if (q < 0 || (!allow_zero && q == 0))
    throw InputError(fmt::format("{}: '{}' must be {}", flag, text, allow_zero ? ">= 0" : "> 0"));
  return q.convert_to<double>();
}

std::vector<std::string> read_ids(const std::string& text) {
  std::vector<std::string> ids;
  std::string cur;
  for (char c : text + ",") {
    if (c == ',') {
      if (cur.empty()) throw InputError(fmt::format("--only: '{}' has an empty id", text));
      ids.push_back(cur);
      cur.clear();
    } else if (c != ' ') {
      cur += c;
    }
  }
  return ids;
}

void add_context(CLI::App& app, ContextArgs& a, const std::string& samples) {
  a.samples = samples;
  app.add_option("--mc-samples", a.samples, help("Monte Carlo prompts per case", a.samples, ""))->type_name("N");
  add_seed(app, a.seed, "the Monte Carlo checks (each case derives its own)");
  add_threads(app, a.threads);
}

CheckContext read_context(const ContextArgs& a) {
  CheckContext ctx;
  ctx.mc_samples = parse_integer(a.samples, "--mc-samples", 100, 100'000'000);
  ctx.seed = read_seed(a.seed);
  ctx.threads = read_threads(a.threads);
  return ctx;
}

}  // namespace icl::cli
