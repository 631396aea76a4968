// A progress bar on stderr: drawn only when stderr is a terminal, not --quiet, and the run has
// lasted more than a second; erased when done, so that redirected output never holds it.
#pragma once

#include <chrono>
#include <string>

#include "train/schedule.hpp"

namespace icl::train {

class ProgressBar {
 public:
  ProgressBar(std::string label, bool quiet);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void update(double done, double total);
  ProgressFn callback() {
    return [this](double done, double total) { update(done, total); };
  }

 private:
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace icl::train
