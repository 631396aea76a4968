// Module diagnose: what a fine-tuning did to in-context learning (docs/diagnose.md). Given the
// parameters before (pre) and after (post) fine-tuning, of any L x H layout (model/arch.hpp):
//   - risk curves on theta0, -theta0 and the sphere before and after, and the exact set of n where
//     post is worse than pre (linear attention with one layer: exact, (n+1)^2 R is a polynomial of
//     degree <= 2 in n; two layers with d <= 3: exact, (n+1)^8 R of degree <= 8 from the two-layer engine;
//     softmax attention, L >= 3 or two layers with d > 3: Monte Carlo with standard errors, sets only at
//     the listed n and flagged);
//   - what moved, per layer and head: relative changes of the ICL, zero-shot and memorizing blocks,
//     and the scale-free products of train/summary.hpp;
//   - the nearest named family (F(c), V(b, w), KQ(c)) by a least-squares fit of the effective tensor
//     (fit.hpp);
//   - retention rho_t = (1 + s2 - lim R_post) / (1 + s2 - lim R_pre) (THEORY.md section 8) and a verdict.
// The files:
//   fit.hpp        effective tensor, family fits, the written direction, exact unit tasks
//   diagnose.hpp   this header: options, the result, diagnose(), to_json()
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/number.hpp"
#include "model/arch.hpp"
#include "poly/polynomial.hpp"
#include "poly/sign_runs.hpp"
#include "sim/monte_carlo.hpp"
#include "train/summary.hpp"

namespace icl::diagnose {

struct Options {
  std::optional<Vec<Rational>> theta0;  // the fine-tuned task, any nonzero length; empty: inferred from post
  Rational s2{1, 10};
  std::vector<long> shots{0, 1, 2, 5, 10, 20, 40};
  sim::McOptions mc{20000, 1, 1};  // the Monte Carlo path only (exact_engine false)
  long limit_shots = 200;          // the Monte Carlo path: the n of the estimate of lim R
};

// A number: exact (a rational) or a Monte Carlo estimate (mean and standard error).
struct Number {
  std::optional<Rational> exact;
  double decimal = 0;
  std::optional<double> se;

  static Number of(const Rational& q);
  static Number estimate(double mean, double se);
};

// Retention thresholds of the verdict (THEORY.md section 8; docs/diagnose.md#verdict).
inline const Rational kCollapsed{1, 4};  // rho < 1/4 on theta0 and -theta0: collapsed
inline const Rational kKept{9, 10};      // rho >= 9/10: kept

// A family is the nearest only when its relative distance is at most this (docs/diagnose.md#families).
inline const Rational kNearestDistance{1, 4};

struct ModelCurve {
  std::optional<Polynomial<Rational>> numerator;  // (n+1)^power R(n), exact (the exact engines)
  int power = 0;                                  // 2 for one layer, 8 for two; 0 on the Monte Carlo path
  std::vector<Number> risk;                       // at Options::shots
  Number zero_shot, limit;                        // R(0) and lim R (Monte Carlo: R(limit_shots))
};

struct TaskResult {
  std::string name;  // "theta0", "-theta0", "sphere"
  ModelCurve pre, post;
  std::optional<std::vector<SignRun>> runs;  // exact sign of R_post - R_pre for every n >= 0 (exact engines)
  std::vector<long> worse_mc;                // Monte Carlo: listed n with R_post - R_pre > 3 combined se
};

struct Retention {
  Number gain_pre, gain_post;  // 1 + s2 - lim R
  std::optional<Number> rho;   // empty: no ICL to lose (gain_pre <= 0)
  std::string flag;            // "", "negative" or "no ICL to lose"
};

struct BlockChange {
  std::string block, role;         // "M_xx", "icl"
  Rational pre2, post2, change2;   // squared Frobenius norms of pre, post and post - pre
  std::optional<Rational> ratio2;  // change2 / pre2 (empty when pre2 = 0)
};

struct HeadChange {
  int layer, head;
  std::vector<BlockChange> blocks;
  train::ScaleFree<Rational> pre, post;  // of (V_h / H, M_h): summed over the heads, those of T
};

struct FamilyFit {
  std::string family;
  std::vector<std::pair<std::string, Rational>> parameters;  // fitted coordinates (F(c): c when 1/c != 0)
  Rational distance2;                                        // ||E_B - E_fit||^2 / ||E_B||^2
};

struct Diagnosis {
  int L, H, d;
  std::string kind_pre, kind_post;  // "merged" / "separate"
  std::string attention;            // "linear" / "softmax" (model/softmax.hpp; both files the same)
  Rational s2;
  bool exact;  // exact_engine(pre): linear attention, L = 1, or L = 2 with d <= 3
  Options options;
  Vec<Rational> theta0;
  std::string theta0_source;         // "given", "inferred" or "default"
  bool theta0_exact;                 // theta0 = the given or inferred direction / its norm exactly
  std::vector<TaskResult> tasks;     // theta0, -theta0, sphere
  std::vector<Retention> retention;  // the same order
  Number zero_shot_change;           // R_post(0) - R_pre(0) on theta0
  std::string verdict, reason;
  std::vector<HeadChange> moved;
  std::vector<FamilyFit> families;  // L = 1 only
  std::string nearest;              // a family name or "none"
  std::string nearest_reason;
};

// Which path a model takes: the exact engines for linear attention with L = 1 (any H) or L = 2 (any H,
// d <= exact::two_layer::kMaxD); Monte Carlo for softmax attention, L >= 3 and two layers with larger d.
bool exact_engine(const Arch<Rational>& a);

// The checks of diagnose() alone (no evaluation): InputError as below.
void check_inputs(const Arch<Rational>& pre, const Arch<Rational>& post, const Options& opt);

// Throws InputError when pre and post differ in L, H or D, when theta0 has the wrong length or is
// zero, or when an entry is not finite (the readers reject those already).
Diagnosis diagnose(const Arch<Rational>& pre, const Arch<Rational>& post, const Options& opt);

// The verdict and its reason from the retentions on theta0, -theta0 and the sphere (in that order).
std::pair<std::string, std::string> verdict(const std::vector<Retention>& r);

// Every field of the diagnosis (docs/usage.md, "iclverify diagnose", lists them).
nlohmann::json to_json(const Diagnosis& dx);
nlohmann::json to_json(const Number& x);

}  // namespace icl::diagnose
