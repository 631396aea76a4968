// Where the points of a sweep run: an Executor starts a point's command line and reports it finished.
// LocalExecutor runs K child processes of the iclverify executable at a time (a point that crashes or
// is killed takes only its own process down); the MPI executor (sweep_mpi, linked into the executable
// only) hands points to other ranks. The sweep's scheduler (sweep.hpp) sees only this interface.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace icl::sweep {

// A finished run of a point's command line.
struct Finished {
  std::size_t index = 0;  // the caller's id of the point
  int exit_code = 0;      // exit status, or the signal that ended it
  bool signaled = false;  // ended by a signal (SIGKILL, a crash)
  std::string out, err;   // its stdout (the JSON) and stderr
  std::string host;
  std::string start, end;  // UTC, ISO 8601 with milliseconds
  double wall = 0;         // seconds
  double cpu = 0;          // the point's processes' user + system CPU seconds (wait4's rusage)
};

class Executor {
 public:
  virtual ~Executor() = default;
  // Whether a point can start now.
  virtual bool has_free_slot() const = 0;
  // Starts point `index` as the command line `args` (args[0] is replaced by the executable).
  virtual void start(std::size_t index, const std::vector<std::string>& args) = 0;
  // Points finished since the last call (waits at most about `wait_ms` when none has).
  virtual std::vector<Finished> poll(int wait_ms) = 0;
  // Points started and not yet reported.
  virtual std::size_t running() const = 0;
};

// `jobs` child processes of `program` at a time; each child dies with its parent (PR_SET_PDEATHSIG), so
// a killed sweep leaves no orphans running.
std::unique_ptr<Executor> local_executor(const std::string& program, int jobs);

// Several executors as one (the MPI rank 0 runs points itself and hands out the rest).
std::unique_ptr<Executor> combined_executor(std::vector<std::unique_ptr<Executor>> parts);

// Runs `args` with `program` as a child process to its end (what an MPI worker rank does per point).
Finished run_child(const std::string& program, std::size_t index, const std::vector<std::string>& args);

// "2026-12-06T14:39:02.123Z" for now; the host name.
std::string utc_now();
std::string host_name();

}  // namespace icl::sweep
