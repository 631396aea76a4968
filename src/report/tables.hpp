// The appendix tables (docs/report.md#tables): risk tables (n down; families or learned methods
// across), the optimal parameters (closed form next to the exact engine), w*(n) and gamma*(n), and
// the claim verdicts. Numbers keep the engine's precision (report/data_table.hpp).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/scalar.hpp"
#include "report/data_table.hpp"
#include "report/sources.hpp"

namespace icl::report {

// The paper's setting of the closed-form tables (THEORY.md section 6): d, s2 and m = n_ft.
struct PaperSetting {
  int d = 5;
  Rational s2{1, 10};
  long m = 20;
};

struct TableRequest {
  PaperSetting setting;
  std::vector<long> shots{0, 1, 2, 3, 5, 10, 20, 40};  // the rows of the risk tables
};

struct TableInfo {
  std::string name;
  std::string description;
  bool trains = false;  // needs the SGD protocol
  bool checks = false;  // runs the theorem checks
  std::function<DataTable(const TableRequest&, Sources&)> build;
};

const std::vector<TableInfo>& table_catalog();

// Throws InputError naming --which if `name` is not in the catalog, and InputError if a learned
// table is asked for a shot count the protocol does not evaluate (n > 40).
DataTable build_table(const std::string& name, const TableRequest& request, Sources& sources);

}  // namespace icl::report
