// iclverify: a verifier for the theory of fine-tuning linear attention without losing ICL.
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "cli/app.hpp"
#include "sweep/mpi.hpp"

namespace {

int print(const icl::cli::Outcome& r) {
  std::cout << r.out << std::flush;
  std::cerr << r.err << std::flush;
  return r.status;
}

// `sweep STUDY ...` that runs points (not export, merge or --emit): the one command that uses MPI.
bool runs_a_sweep(const std::vector<std::string>& args) {
  if (args.size() < 3 || args[1] != "sweep" || args[2] == "export" || args[2] == "merge") return false;
  for (const auto& a : args)
    if (a == "--emit" || a.starts_with("--emit=") || a == "--help" || a == "-h") return false;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv, argv + argc);
  std::error_code ec;
  icl::cli::Host host;
  host.program = std::filesystem::read_symlink("/proc/self/exe", ec).string();  // sweep's child processes
  if (icl::sweep::mpi::launched() && runs_a_sweep(args)) {
    const icl::sweep::mpi::Session mpi;
    if (mpi.size() > 1) {
      if (mpi.rank() != 0) {
        icl::sweep::mpi::serve(host.program);
        return 0;
      }
      host.distributed = icl::sweep::mpi::executor;
      const icl::cli::Outcome r = icl::cli::run_command_line(args, host);
      icl::sweep::mpi::stop_workers();
      return print(r);
    }
  }
  return print(icl::cli::run_command_line(args, host));
}
