// iclverify report: every table (LaTeX + CSV) and every figure (PNG + pgfplots) of the appendix
// in one directory, with an index (Markdown and HTML) listing each claim, its verdict, its figures
// and its tables (docs/report.md#report).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "report/sources.hpp"

namespace icl::report {

struct ReportOptions {
  std::filesystem::path out;
  Budget budget;
  std::vector<std::string> stores;  // protocol studies (sweep stores) for the "Studies" section
};

struct ReportSummary {
  std::vector<std::string> files;  // written, relative to the output directory, in order
  bool images = false;             // PNGs rendered (gnuplot found)
  int checks = 0, fails = 0, notes = 0;
  double seconds = 0;
};

// Reads every store first (a bad one is an InputError before anything is written), creates `out` if
// needed (InputError if it cannot), writes every file atomically, then the index,
// which links only files that exist. `progress` is told the steps done.
ReportSummary write_report(const ReportOptions& options, const train::ProgressFn& progress = {});

}  // namespace icl::report
