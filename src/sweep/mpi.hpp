// A sweep under mpirun (OpenMPI) or srun --mpi=pmix: rank 0 reads the study, owns the store and hands
// points out one at a time, longest first, to every rank that is free, itself included; the other ranks
// run what they are given as child processes and send back the output. Only the executable links this
// (library iclsweep_mpi), never the Python module, and MPI is initialized only when a launcher started
// the process and the command is a sweep run (main.cpp).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sweep/executor.hpp"

namespace icl::sweep::mpi {

// Whether an MPI launcher (mpirun, srun --mpi=pmix) started this process.
bool launched();

// MPI_Init on construction, MPI_Finalize on destruction.
class Session {
 public:
  Session();
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  int rank_ = 0, size_ = 1;
};

// Rank 0: `jobs` local child processes and one point at a time on each other rank.
std::unique_ptr<Executor> executor(const std::string& program, int jobs);

// Ranks > 0: run the points rank 0 sends until it says stop.
void serve(const std::string& program);

// Rank 0, when the sweep is over (or refused): tells every other rank to stop.
void stop_workers();

}  // namespace icl::sweep::mpi
