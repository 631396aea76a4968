// iclverify._core: the command line in-process (cli/app.hpp). run() executes one subcommand on a
// worker thread while the calling thread waits with the GIL released, waking every 50 ms to take
// the GIL and let Python handle signals; Ctrl-C requests an interrupt (core/interrupt.hpp), the
// command stops at its next polling point, and KeyboardInterrupt is raised once it has. The package
// layer (iclverify/__init__.py) builds the arguments and maps the status to a value or an exception.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "cli/app.hpp"
#include "core/interrupt.hpp"
#include "core/limits.hpp"

namespace py = pybind11;

namespace {

constexpr auto kSignalPoll = std::chrono::milliseconds(50);

// One command at a time: the interrupt flag is global, and so are the commands' thread counts.
std::mutex& command_mutex() {
  static std::mutex m;
  return m;
}

// The outcome of a command on its worker thread, and the wake-up when it is done.
struct Pending {
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  icl::cli::Outcome outcome;

  void finish(icl::cli::Outcome o) {
    std::lock_guard lock(m);
    outcome = std::move(o);
    done = true;
    cv.notify_one();
  }
  // Waits at most one poll interval; true when the command has finished.
  bool wait_a_while() {
    std::unique_lock lock(m);
    return cv.wait_for(lock, kSignalPoll, [&] { return done; });
  }
};

// Called with the GIL released. Returns true when Python raised an exception for a signal (then
// pending on this thread's Python error state, to be raised after the command has stopped).
bool wait_for(Pending& p) {
  bool signalled = false;
  while (!p.wait_a_while()) {
    if (signalled) continue;
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) {
      signalled = true;
      icl::request_interrupt();
    }
  }
  return signalled;
}

std::tuple<int, std::string, std::string> run(std::vector<std::string> args) {
  args.insert(args.begin(), "iclverify");
  Pending pending;
  bool signalled = false;
  {
    py::gil_scoped_release nogil;
    std::lock_guard serial(command_mutex());
    icl::clear_interrupt();
    std::thread worker([&] {
      try {
        pending.finish(icl::cli::run_command_line(args));
      } catch (...) {  // run_command_line reports every error; this is memory running out
        pending.finish({4, "", "iclverify: internal error: out of memory\n"});
      }
    });
    signalled = wait_for(pending);
    worker.join();
    icl::clear_interrupt();
  }
  if (signalled) throw py::error_already_set();
  const auto& o = pending.outcome;
  return {o.status, o.out, o.err};
}

std::vector<std::tuple<std::string, bool, bool>> options(const std::string& command) {
  std::vector<std::tuple<std::string, bool, bool>> out;
  for (const auto& o : icl::cli::command_options(command)) out.emplace_back(o.name, o.flag, o.positional);
  return out;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "iclverify's command line in-process; use the functions of the package iclverify instead.";
  m.def("run", &run, py::arg("args"),
        "Run `iclverify ARGS...` in-process: (status, stdout, stderr). Releases the GIL; Ctrl-C stops the "
        "command at its next polling point and raises KeyboardInterrupt.");
  m.def("options", &options, py::arg("command"),
        "The options of a subcommand: (name without dashes, is_flag, is_positional) for each.");
  m.def("commands", &icl::cli::command_names, "The subcommands, in the order of `iclverify --help`.");
  m.attr("INTERRUPTED_STATUS") = icl::cli::kInterruptedStatus;
  // The readers' limits (core/limits.hpp), so the package refuses a value past them before converting it.
  py::dict limits;
  limits["max_list_values"] = icl::limits::kMaxListValues;
  limits["max_quoted_chars"] = icl::limits::kMaxQuotedChars;
  m.attr("LIMITS") = limits;
}
