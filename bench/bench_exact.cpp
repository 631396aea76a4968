// Benchmarks of the exact population-risk engine (src/exact) against Monte Carlo (src/sim) on one
// arbitrary merged parameter point: every entry of V and Q drawn N(0, 0.3^2) from a fixed seed,
// n = 20 shots, s2 = 1/10, theta = (1, ..., 1)/sqrt(d). Run with `./run bench [ARGS]`.
//
//   BM_ExactRiskFixed/d     exact risk in double, fixed theta
//   BM_ExactRiskSphere/d    exact risk in double, theta uniform on the sphere
//   BM_ExactGradient/d      exact value and gradient in double w.r.t. every entry of V and Q (fixed theta);
//                           forward-mode AD over 2 D^2 coordinates, cost ~ d^4, so d = 5 and 20 only
//   BM_HeadsRisk/H/sphere   exact risk of one layer with H separate heads (exact/heads.hpp) in double at d = 5,
//                           entries N(0, 0.3^2), fixed theta (sphere = 0) or the sphere (sphere = 1)
//   BM_HeadsGradient/H      its value and gradient w.r.t. every V_h, Q_h, K_h (fixed theta)
//   BM_MonteCarloToSe/d/k   one Monte Carlo pilot of k prompts (1 thread, fixed theta); the counters
//                           extrapolate its time to a standard error of 1e-3 (mc_s_se1e-3) and divide it by
//                           the exact time (ratio); since the risk grows with d, the same for a relative
//                           standard error se/risk of 1e-3 (mc_s_rel1e-3, ratio_rel)
#include <benchmark/benchmark.h>

#include <boost/random/normal_distribution.hpp>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <pcg_random.hpp>
#include <random>

#include "exact/heads.hpp"
#include "exact/objective.hpp"
#include "exact/risk.hpp"
#include "sim/monte_carlo.hpp"
#include "train/arch_sgd.hpp"

namespace {

using namespace icl;
using namespace icl::exact;
using Clock = std::chrono::steady_clock;

constexpr long kShots = 20;
constexpr double kS2 = 0.1;
constexpr double kEntrySd = 0.3;
constexpr std::uint64_t kParamSeed = 20260101;
constexpr std::uint64_t kMcSeed = 20261123;
constexpr double kTargetSe = 1e-3;

struct Setup {
  MergedParams<double> params;
  Eigen::VectorXd theta;
};

// The parameter point of dimension d: the same seed for every d, built once.
const Setup& setup(int d) {
  static std::map<int, Setup> cache;
  auto it = cache.find(d);
  if (it != cache.end()) return it->second;
  const int D = d + 2;
  pcg64 rng(kParamSeed, static_cast<std::uint64_t>(d));
  boost::random::normal_distribution<double> normal(0.0, kEntrySd);
  Eigen::MatrixXd V(D, D), Q(D, D);
  for (int r = 0; r < D; ++r)
    for (int c = 0; c < D; ++c) V(r, c) = normal(rng);
  for (int r = 0; r < D; ++r)
    for (int c = 0; c < D; ++c) Q(r, c) = normal(rng);
  const Eigen::VectorXd theta = Eigen::VectorXd::Ones(d) / std::sqrt(static_cast<double>(d));
  return cache.emplace(d, Setup{MergedParams<double>{V, Q}, theta}).first->second;
}

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// The exact risk of the setup's point on `task`, timed.
void time_exact_risk(benchmark::State& state, const Setup& s, const TaskLaw<double>& task) {
  double r = 0;
  for (auto _ : state) {
    r = risk(s.params, task, kShots, kS2);
    benchmark::DoNotOptimize(r);
  }
  state.counters["risk"] = r;
}

void BM_ExactRiskFixed(benchmark::State& state) {
  const Setup& s = setup(static_cast<int>(state.range(0)));
  time_exact_risk(state, s, TaskLaw<double>::fixed(s.theta));
}

void BM_ExactRiskSphere(benchmark::State& state) {
  const Setup& s = setup(static_cast<int>(state.range(0)));
  time_exact_risk(state, s, TaskLaw<double>::sphere());
}

// Value and gradient with respect to every entry of V and Q: the adjoint (value_and_gradient) or the
// forward-mode AD cross-check (value_and_gradient_forward).
template <bool Forward>
void time_gradient(benchmark::State& state) {
  const Setup& s = setup(static_cast<int>(state.range(0)));
  const Objective<double> obj{kS2, {LossTerm<double>{1.0, kShots, TaskLaw<double>::fixed(s.theta)}}};
  const auto point = Point<double>::merged(s.params);
  const auto coords = coordinates(point.kind, point.D(), Update::All);
  double norm = 0;
  for (auto _ : state) {
    const auto vg = Forward ? value_and_gradient_forward(obj, point, coords) : value_and_gradient(obj, point, coords);
    norm = vg.gradient.norm();
    benchmark::DoNotOptimize(norm);
  }
  state.counters["coords"] = static_cast<double>(coords.size());
  state.counters["grad_norm"] = norm;
}

void BM_ExactGradient(benchmark::State& state) { time_gradient<false>(state); }
void BM_ExactGradientForwardAD(benchmark::State& state) { time_gradient<true>(state); }

// One layer of H separate heads at d = 5, every entry N(0, 0.3^2) from a fixed seed.
Arch<double> heads_setup(int H) { return train::random_arch(1, H, 5, 0.3, 2026); }

void BM_HeadsRisk(benchmark::State& state) {
  const Arch<double> a = heads_setup(static_cast<int>(state.range(0)));
  const auto task =
      state.range(1) ? TaskLaw<double>::sphere() : TaskLaw<double>::fixed(Vec<double>::Constant(5, 1 / std::sqrt(5.0)));
  double r = 0;
  for (auto _ : state) {
    r = arch_risk(a, task, kShots, kS2);
    benchmark::DoNotOptimize(r);
  }
  state.counters["risk"] = r;
}

void BM_HeadsGradient(benchmark::State& state) {
  const Arch<double> a = heads_setup(static_cast<int>(state.range(0)));
  const Objective<double> obj{
      kS2, {LossTerm<double>{1.0, kShots, TaskLaw<double>::fixed(Vec<double>::Constant(5, 1 / std::sqrt(5.0)))}}};
  const auto coords = head_coordinates(Parameterization::Separate, a.H(), a.D(), Update::All);
  double norm = 0;
  for (auto _ : state) {
    norm = heads_value_and_gradient(obj, a, coords).gradient.norm();
    benchmark::DoNotOptimize(norm);
  }
  state.counters["coords"] = static_cast<double>(coords.size());
}

// Seconds per exact fixed-theta risk, timed here so that the ratio needs no other benchmark.
double exact_seconds(const Setup& s) {
  const auto task = TaskLaw<double>::fixed(s.theta);
  long calls = 0;
  const auto start = Clock::now();
  double elapsed = 0;
  do {
    benchmark::DoNotOptimize(risk(s.params, task, kShots, kS2));
    ++calls;
    elapsed = seconds_since(start);
  } while (elapsed < 0.2 || calls < 3);
  return elapsed / static_cast<double>(calls);
}

struct McRow {
  double exact_s, pilot_s, pilot_se, mc_s, ratio, mc_rel_s, ratio_rel;
  long long pilot;
};
std::map<int, McRow> mc_rows;

// se ~ 1/sqrt(samples): reaching se 1e-3 takes pilot (se/1e-3)^2 prompts, at the pilot's time per prompt.
void BM_MonteCarloToSe(benchmark::State& state) {
  const int d = static_cast<int>(state.range(0));
  const long long pilot = state.range(1);
  const Setup& s = setup(d);
  const auto task = sim::TaskSpec::fixed(s.theta);
  sim::McEstimate e{};
  double pilot_s = 0;
  for (auto _ : state) {
    const auto start = Clock::now();
    e = sim::mc_risk(s.params, task, kShots, kS2, sim::McOptions{pilot, kMcSeed, 1});
    pilot_s = seconds_since(start);
  }
  const double exact = risk(s.params, TaskLaw<double>::fixed(s.theta), kShots, kS2);
  const double samples_needed = static_cast<double>(pilot) * std::pow(e.se / kTargetSe, 2);
  const double samples_needed_rel = static_cast<double>(pilot) * std::pow(e.se / (kTargetSe * exact), 2);
  const double per_prompt_s = pilot_s / static_cast<double>(pilot);
  McRow row{};
  row.pilot = pilot;
  row.pilot_s = pilot_s;
  row.pilot_se = e.se;
  row.exact_s = exact_seconds(s);
  row.mc_s = per_prompt_s * samples_needed;
  row.ratio = row.mc_s / row.exact_s;
  row.mc_rel_s = per_prompt_s * samples_needed_rel;
  row.ratio_rel = row.mc_rel_s / row.exact_s;
  mc_rows[d] = row;
  state.counters["exact"] = exact;
  state.counters["mc_mean"] = e.mean;
  state.counters["z"] = sim::z_score(e, exact);  // the pilot agrees with the exact value
  state.counters["pilot_se"] = e.se;
  state.counters["exact_s"] = row.exact_s;
  state.counters["mc_s_se1e-3"] = row.mc_s;
  state.counters["ratio"] = row.ratio;
  state.counters["mc_s_rel1e-3"] = row.mc_rel_s;
  state.counters["ratio_rel"] = row.ratio_rel;
}

BENCHMARK(BM_ExactRiskFixed)->Arg(5)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ExactRiskSphere)->Arg(5)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ExactGradient)->Arg(5)->Arg(20)->Arg(40)->Arg(100)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ExactGradientForwardAD)->Arg(5)->Arg(20)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_HeadsRisk)->ArgsProduct({{1, 2, 4}, {0, 1}})->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_HeadsGradient)->Arg(1)->Arg(2)->Arg(4)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_MonteCarloToSe)
    ->Args({5, 200000})
    ->Args({100, 20000})
    ->Args({1000, 20000})
    ->Iterations(1)
    ->Unit(benchmark::kSecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (!mc_rows.empty()) {
    std::printf(
        "\nMonte Carlo (1 thread, fixed theta) extrapolated to se %.0e (absolute; relative: se/risk) vs exact"
        " risk (double, fixed theta):\n",
        kTargetSe);
    std::printf("%6s %8s %10s %10s %11s %11s %11s %11s %11s\n", "d", "pilot", "pilot s", "pilot se", "exact s",
                "MC s abs", "MC/exact", "MC s rel", "MC/exact");
    for (const auto& [d, r] : mc_rows)
      std::printf("%6d %8lld %10.4g %10.4g %11.4g %11.4g %11.3g %11.4g %11.3g\n", d, r.pilot, r.pilot_s, r.pilot_se,
                  r.exact_s, r.mc_s, r.ratio, r.mc_rel_s, r.ratio_rel);
  }
  return 0;
}
