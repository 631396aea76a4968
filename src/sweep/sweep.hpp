// Module sweep: studies of many runs of one command (docs/sweep.md). A study file gives the points
// (study.hpp); each point runs as a child process of the iclverify executable (executor.hpp) and its
// JSON lands in one SQLite store (store.hpp); this header runs a study, exports, merges and shards
// stores, and writes Slurm job arrays. MPI lives in sweep_mpi (linked into the executable only), which
// provides another Executor.
//   study.hpp     the study file, canonical options of a point, the cost estimate
//   store.hpp     the SQLite store, its lock and schema
//   executor.hpp  child processes K at a time, or any other Executor
//   aggregate.hpp a number of every point grouped by options: mean, se, min, max, count
//   status.hpp    how far a study has got in its store: finished, to run, CPU spent and still needed
#pragma once

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "sweep/aggregate.hpp"
#include "sweep/executor.hpp"
#include "sweep/status.hpp"
#include "sweep/store.hpp"
#include "sweep/study.hpp"

namespace icl::sweep {

// The version every row records (and --version prints): git describe of the tree at build time and
// the build type.
const std::string& program_version();

// "45s", "12m05s", "2h41m".
std::string duration_text(double seconds);

// --shard I/K: I in [0, K), K >= 1.
struct Shard {
  int index = 0, count = 1;
};
Shard read_shard(const std::string& text);

// The points of shard `shard` of `study`: longest first (point_seconds) to the least loaded shard, so
// every shard gets about the same work; the same points for the same study on every machine.
std::vector<Point> shard_points(const Study& study, const Shard& shard);

// Checks every point with `validate` (the command line's parser: empty when the point parses, else its
// one-line message). Throws InputError listing every refused point, one per line.
void validate_points(const Study& study, const std::vector<Point>& points,
                     const std::function<std::string(const std::vector<std::string>&)>& validate);

struct RunOptions {
  std::string store;
  bool allow_version_change = false;
  bool quiet = false;  // no progress lines
};

struct RunSummary {
  std::size_t points = 0, skipped = 0, ok = 0, failed = 0, killed = 0;
  std::size_t failed_before = 0;  // of the skipped points, those the command had refused
};

// Runs the points of `points` not yet finished in the store, longest first, with `executor`; each
// finished point is written at once (one transaction). Progress on `progress` (a live line when
// `live`, else one line per point).
RunSummary run_points(const Study& study, const std::vector<Point>& points, const RunOptions& options,
                      Executor& executor, std::ostream& progress, bool live);

// Finished points of a store as JSON: sorted by options, each {"options", "result"} (the command's
// JSON less every "seconds" field) or {"options", "error"} for a point the command refused.
std::string export_json(const std::string& store);

// Copies every finished point of `shards` into `target` (created when absent). All must belong to one
// study; versions as for a sweep (allow_version_change).
std::size_t merge_stores(const std::string& target, const std::vector<std::string>& shards, bool allow_version_change);

// A Slurm job-array script: task I runs `program sweep STUDY --shard I/K --store DIR/shard-I.sqlite`.
struct SlurmOptions {
  int shards = 1;
  int limit = 0;  // tasks at a time (0: all)
  std::string store_dir;
};
std::string slurm_script(const Study& study, const std::string& program, const SlurmOptions& options);

// Removes every "seconds" member (wall time) from `j`, recursively.
void drop_wall_time(nlohmann::json& j);

}  // namespace icl::sweep
