// Options shared by the engine subcommands (grad, optimum): the parameter point, the task theta0
// and the loss, read and validated into exact rational objects.
#pragma once

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/number.hpp"
#include "exact/exact.hpp"

namespace icl::cli {

struct EngineArgs {
  std::string params, gamma, m, d, sigma2, theta, loss, nft, weight = "1", param = "merged";
  bool annealed = false;
  CLI::Option *params_opt, *gamma_opt, *m_opt, *d_opt, *theta_opt, *nft_opt, *weight_opt, *param_opt;
};

struct EngineJob {
  Point<Rational> point;   // the point (grad) or the starting point (optimum)
  std::string point_name;  // "P(gamma=10/13)" or the file name
  int d;
  Rational s2;
  Vec<Rational> theta0;
  std::string loss;                                // zs, fs, zs+fs, pretrain
  std::vector<exact::Objective<Rational>> stages;  // one stage, or {zs}, {fs} when annealed
  std::string loss_text;                           // "R(0, theta0) + 1 * R(20, theta0)"
  std::vector<std::string> stage_names;            // one per stage: "zs", "fs" (annealed) or the loss name
};

// Registers --params/--gamma/--m/--d/--sigma2/--theta/--loss/--nft/--weight/--param
// (and --annealed when `with_annealed`); the shared ones through inputs.hpp.
void add_engine_options(CLI::App& app, EngineArgs& a, bool with_annealed);

// Throws InputError naming the flag.
EngineJob read_engine_job(const EngineArgs& a);

// A scalar for people: "p/q" for rationals, K significant digits for Float50, shortest for double.
template <class T>
std::string show_scalar(const T& x, int digits) {
  if constexpr (std::is_same_v<T, Rational>)
    return to_fraction(x);
  else if constexpr (std::is_same_v<T, Float50>)
    return to_decimal(x, digits);
  else if (std::isfinite(x))
    return to_decimal(x);
  else
    throw InputError(
        fmt::format("a result is {} in double precision (parameter entries too large for double?): "
                    "--exact or --digits K evaluates it",
                    std::isnan(x) ? "NaN" : "infinite"));
}

// A matrix as aligned text (one row per line) or as a JSON array of row arrays of strings.
template <class T>
std::vector<std::vector<std::string>> matrix_strings(const Mat<T>& m, int digits) {
  std::vector<std::vector<std::string>> out(static_cast<std::size_t>(m.rows()));
  for (Eigen::Index r = 0; r < m.rows(); ++r)
    for (Eigen::Index c = 0; c < m.cols(); ++c)
      out[static_cast<std::size_t>(r)].push_back(show_scalar(m(r, c), digits));
  return out;
}
std::string matrix_text(const std::vector<std::vector<std::string>>& cells, const std::string& indent);

std::string theta_text(const Vec<Rational>& t);

}  // namespace icl::cli
