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
  bool per_arch = false;  // one figure per ArchConfig (Budget::arch; a report draws report_arch_configs())
};

const std::vector<FigureInfo>& figure_catalog();

// Throws InputError naming the figure if `name` is not in the catalog.
Figure build_figure(const std::string& name, Sources& sources);

// The comparison figure of configuration `c` (catalog name "comparison", file stem c.stem()): the risk
// of the pretrained model and of the eight methods of the comparison protocol against n = 0..20 on
// theta0 and -theta0, log y; exact for L = 1, Monte Carlo with +-1 s.e. bars for L >= 2.
Figure comparison_figure(Sources& sources, const ArchConfig& c);

// The sizes of a comparison run in words, for titles and captions: steps, prompts/step, seed and the
// risk engine (exact, or Monte Carlo test seeds x prompts per n).
std::string comparison_budget_text(const train::ArchProtocolOptions& o);

}  // namespace icl::report
