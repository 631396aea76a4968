// How far a study has got in its store (`iclverify sweep status`, docs/sweep.md): points finished,
// failed and still to run, per axis value, the CPU spent and an estimate of the CPU still needed (the
// cost model of point_seconds scaled by what the finished points measured). It reads the store as a
// reader does, so it works while a sweep runs.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sweep/study.hpp"

namespace icl::sweep {

struct Status {
  std::string study, store;
  std::size_t points = 0;
  std::size_t ok = 0, failed = 0;  // finished: the command printed its JSON, or refused the point
  std::size_t killed = 0;          // of the points to run, those whose last run was ended by a signal
  double cpu_finished = 0;         // measured CPU seconds of the finished points
  std::size_t unmeasured = 0;      // finished points without it (a store from before the CPU was kept)
  double model_finished = 0;       // point_seconds of the finished points with a measured time
  double model_to_run = 0;         // point_seconds of the points to run
  std::vector<std::string> versions;
  // Per axis, per value (the value as the file wrote it): {finished, total}.
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::pair<std::size_t, std::size_t>>>>> axes;

  std::size_t finished() const { return ok + failed; }
  std::size_t to_run() const { return points - finished(); }
  // Measured CPU over the cost model on the finished points (1 when nothing was measured yet).
  double model_scale() const { return model_finished > 0 ? cpu_finished / model_finished : 1.0; }
  double cpu_to_run() const { return model_to_run * model_scale(); }
};

// The status of `study` in the store at `store_path`. Throws InputError (one line) for a missing store,
// one that is not a store, or a store of another study.
Status study_status(const Study& study, const std::string& store_path);

std::string status_text(const Status& s);
nlohmann::json status_json(const Status& s);

}  // namespace icl::sweep
