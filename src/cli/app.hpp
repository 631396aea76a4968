// The whole command line as a function of its arguments, shared by the executable (main.cpp) and
// the Python module (python/_core.cpp): both build the same CLI::App (every subcommand of
// commands.hpp), so a command added here appears in both.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace icl::sweep {
class Executor;
}

namespace icl::cli {

// Exit status of a run stopped by icl::request_interrupt() (core/interrupt.hpp); 128 + SIGINT, as a
// shell reports a process ended by Ctrl-C.
inline constexpr int kInterruptedStatus = 130;

struct Outcome {
  int status = 0;
  std::string out;  // what the executable prints on stdout
  std::string err;  // and on stderr: a summary, or the one-line error "iclverify: error: ..."
};

// What the executable provides and the Python module does not: `sweep` runs its points as child
// processes of `program` (empty: sweep refuses to run, export and merge work), with local child
// processes or, when `distributed` is set (an mpirun launch, main.cpp), the executor it returns.
struct Host {
  std::string program;
  std::function<std::unique_ptr<sweep::Executor>(const std::string& program, int jobs)> distributed;
};

// Parses `args` (args[0] is the program name) and runs the chosen subcommand. Never throws: bad input
// is status 2 with one line in `err`, an internal error status 4, an interrupt kInterruptedStatus.
Outcome run_command_line(const std::vector<std::string>& args, const Host& host = {});

// Parses `args` as run_command_line does and prepares the command's request (every option checked, input
// files read) without running it: status 0, or status 2 with the same one-line message the command line
// gives. Commands not split into request and run yet (commands.hpp, `unsplit`) are checked by the parser
// only here; their other rules are checked when they run.
Outcome validate_command_line(const std::vector<std::string>& args);

// The options of subcommand `command` (for the Python module's keyword arguments): long name without
// the dashes (positionals: their name), whether it is a flag (takes no value) or a positional.
// Throws std::invalid_argument for an unknown command.
struct OptionInfo {
  std::string name;
  bool flag = false;
  bool positional = false;
};
std::vector<OptionInfo> command_options(const std::string& command);

// The subcommands' names, in the order of `iclverify --help`.
std::vector<std::string> command_names();

}  // namespace icl::cli
