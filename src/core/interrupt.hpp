// Cooperative cancellation of a long run (docs/design.md, "Interrupting a run"). The Python module
// (python/_core.cpp) runs a command on a worker thread; on Ctrl-C it calls request_interrupt(), and
// the long loops poll: every training step (train/stochastic.hpp, train/exact_trainers.hpp), every
// Monte Carlo block (sim/monte_carlo.cpp), every check (verify/check.cpp). They throw Interrupted,
// which the command line turns into its own exit status. The flag is never read by the mathematics
// and the command-line executable never sets it, so the CLI's output cannot depend on it.
//
// Interrupted deliberately does not derive from std::exception: code that reports a failure by
// catching std::exception (a check that throws is a FAIL) must not swallow a cancellation.
#pragma once

#include <atomic>

namespace icl {

struct Interrupted {};

inline std::atomic<bool>& interrupt_flag() {
  static std::atomic<bool> flag{false};
  return flag;
}

inline void request_interrupt() { interrupt_flag().store(true, std::memory_order_relaxed); }
inline void clear_interrupt() { interrupt_flag().store(false, std::memory_order_relaxed); }
inline bool interrupt_requested() { return interrupt_flag().load(std::memory_order_relaxed); }

// The polling point of a long loop: throws Interrupted once an interrupt was requested. Worker threads
// (which must not throw) test interrupt_requested() and stop; the thread that joins them polls here.
inline void poll_interrupt() {
  if (interrupt_requested()) throw Interrupted{};
}

}  // namespace icl
