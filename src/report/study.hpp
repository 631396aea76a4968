// A protocol study read back from a sweep store (docs/sweep.md, "Figures and the report"): the risk
// curves of every fine-tuning method on theta0 and -theta0, averaged over the study's seeds with their
// standard error, one group per combination of the other axes. `figure --store` draws one group;
// `report --store` gives every group a figure and a table in its "Studies" section.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "report/data_table.hpp"
#include "report/figure.hpp"

namespace icl::report {

// One number over the seeds: mean, standard error of the mean (none for a single seed), seeds counted.
struct SeedBand {
  double mean = 0;
  std::optional<double> se;
  std::size_t count = 0;
};

struct StudyMethod {
  std::string name;  // the protocol's method name ("zs_v", ...)
  std::vector<long> n;
  std::vector<SeedBand> target, opposite;  // per n: risk on theta0 and on -theta0
  // Retention (THEORY.md section 8) against the study's pretrained model, per seed, with the risk at the
  // largest n standing for the limit: rho = (1 + s2 - R(n_max)) / (1 + s2 - R_pretrained(n_max)), on theta0
  // and -theta0. Empty when no seed's pretrained model gains from prompts there.
  std::optional<SeedBand> rho_target, rho_opposite;
};

struct StudyGroup {
  std::vector<std::pair<std::string, std::string>> key;  // the varying axes (besides the seed) and their values
  std::vector<std::string> seeds;                        // the seeds averaged over, as text
  std::vector<StudyMethod> methods;
  bool beyond = false;  // beyond the paper's model: some point has softmax attention or LoRA methods
};

struct Study {
  std::string store;
  std::vector<std::string> varying;  // options that differ between points, besides the seed
  std::vector<StudyGroup> groups;    // sorted by key
  std::size_t failed = 0;            // points stored as failed or killed (left out)
};

// A condition `--where NAME=VALUE`: only points whose option NAME has that value (as the store writes it).
using Where = std::pair<std::string, std::string>;

// Parses "NAME=VALUE"; InputError naming --where otherwise.
Where parse_where(const std::string& text);

// Reads the finished points of a `protocol` study in `store`, keeps those matching every condition and
// groups them by the options that still differ besides `seed`. InputError (one line naming the store)
// for a store of another command, a condition on an option no point has or that no point matches, no
// finished point, or points whose methods or shot counts differ within a group.
Study read_study(const std::string& store, const std::vector<Where>& where = {});

// The group's name for files and titles: "heads=2 optimizer=adam", or "all points" for a single group.
std::string group_label(const StudyGroup& g);

// Two panels (theta0, -theta0), one line per method: the seed mean with +-1 standard error bars.
Figure study_figure(const StudyGroup& g, const std::string& name, const std::string& title);

// One row per method: the risk at the smallest and the largest n on theta0 and -theta0 and the retention
// on each (seed mean and standard error), seeds counted.
DataTable study_table(const StudyGroup& g, const std::string& name, const std::string& caption);

}  // namespace icl::report
