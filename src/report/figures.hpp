// The figures of the paper's regression section (THEORY.md section 6), as data: closed-form curves
// as lines, Monte Carlo or learned points as markers with their standard errors
// (docs/report.md#figures). Rendering is report/figure.hpp's job.
#pragma once

#include <string>
#include <vector>

#include "report/figure.hpp"
#include "report/sources.hpp"

namespace icl::report {

struct FigureInfo {
  std::string name;
  std::string description;
  bool trains = false;  // needs the SGD protocol
  Figure (*build)(Sources&);
};

const std::vector<FigureInfo>& figure_catalog();

// Throws InputError naming the figure if `name` is not in the catalog.
Figure build_figure(const std::string& name, Sources& sources);

}  // namespace icl::report
