// An appendix table whose numeric cells keep the precision the engine computed them in: exact
// rationals, 50-digit values or doubles. Each rendering says what it does with that precision
// (docs/report.md#tables): CSV and JSON carry the numbers exactly, LaTeX and Markdown display them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/scalar.hpp"
#include "report/table.hpp"

namespace icl::report {

class Cell {
 public:
  static Cell label(std::string text);
  static Cell exact(const Rational& q);
  static Cell precise(const Float50& x);  // an irrational value known to 50 digits
  static Cell approx(double x);           // a double (Monte Carlo, training); must be finite

  bool is_label() const { return kind_ == Kind::Label; }
  bool is_exact() const { return kind_ == Kind::Exact; }
  bool is_approx() const { return kind_ == Kind::Approx; }
  const std::string& text() const { return text_; }
  const Rational& rational() const { return q_; }
  Float50 value50() const;  // the value in 50 digits (exact cells rounded)
  double value() const;

  // Full-precision text: "p/q" for exact cells, max_digits10 digits for 50-digit cells, the
  // shortest round-trip decimal for doubles, the text itself for labels.
  std::string full() const;
  // `digits` significant digits (labels unchanged).
  std::string rounded(int digits) const;

 private:
  enum class Kind { Label, Exact, Precise, Approx };
  Kind kind_ = Kind::Label;
  std::string text_;
  Rational q_;
  Float50 x_;
};

struct DataTable {
  std::string name;     // file stem: "risk_families"
  std::string caption;  // one sentence: what the rows and columns are
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;
  std::string latex_columns;  // tabular column spec; empty: l for labels, S or r for numbers
};

// How LaTeX and Markdown show numbers: exact cells as fractions (\frac in LaTeX) or every number
// to `digits` significant digits.
struct NumberStyle {
  bool fractions = true;
  int digits = 6;
};

// Tables with more rows than this are a longtable (it breaks across pages, the header repeated).
inline constexpr std::size_t kLongtableRows = 40;

// booktabs tabular in a table float with caption and label tab:<name> (a longtable past
// kLongtableRows rows). Numeric columns are siunitx S columns when every number is shown as a
// decimal; with fractions they are r columns in math mode.
std::string render_latex(const DataTable& t, const NumberStyle& style);
// Header row then one line per row; numbers at full precision (parse back with parse_rational).
std::string render_csv(const DataTable& t);
// {"name", "caption", "columns", "rows": [{column: value}]}: exact cells as "p/q" strings,
// 50-digit cells as decimal strings, doubles as JSON numbers, labels as strings.
std::string render_json(const DataTable& t);
std::string render_markdown(const DataTable& t, const NumberStyle& style);
// The aligned text of the terminal.
std::string render_text(const DataTable& t, const NumberStyle& style);

}  // namespace icl::report
