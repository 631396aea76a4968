#include "report/data_table.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "report/latex_text.hpp"

namespace icl::report {

Cell Cell::label(std::string text) {
  Cell c;
  c.text_ = std::move(text);
  return c;
}

Cell Cell::exact(const Rational& q) {
  Cell c;
  c.kind_ = Kind::Exact;
  c.q_ = q;
  return c;
}

Cell Cell::precise(const Float50& x) {
  Cell c;
  c.kind_ = Kind::Precise;
  c.x_ = x;
  return c;
}

Cell Cell::approx(double x) {
  if (!std::isfinite(x)) throw std::invalid_argument("a table cell must be a finite number");
  Cell c;
  c.kind_ = Kind::Approx;
  c.x_ = Float50(x);
  return c;
}

Float50 Cell::value50() const {
  if (kind_ == Kind::Label) throw std::logic_error("a label cell has no value");
  return kind_ == Kind::Exact ? static_cast<Float50>(q_) : x_;
}

double Cell::value() const { return to_double(value50()); }

std::string Cell::full() const {
  switch (kind_) {
    case Kind::Label:
      return text_;
    case Kind::Exact:
      return to_fraction(q_);
    case Kind::Precise:
      return to_decimal(x_, std::numeric_limits<Float50>::max_digits10);
    case Kind::Approx:
      return to_decimal(to_double(x_));
  }
  return text_;
}

std::string Cell::rounded(int digits) const {
  if (kind_ == Kind::Label) return text_;
  return to_decimal(value50(), digits);
}

namespace {

// Exact cells as fractions when asked, every other number to `digits` significant digits.
std::string shown(const Cell& c, const NumberStyle& style) {
  if (c.is_exact() && style.fractions) return to_fraction(c.rational());
  return c.rounded(style.digits);
}

// The string table of `t` with every cell shown by `show`.
template <class Show>
Table strings(const DataTable& t, Show show) {
  Table out;
  out.header = t.columns;
  for (const auto& row : t.rows) {
    std::vector<std::string> cells;
    for (const auto& c : row) cells.push_back(show(c));
    out.rows.push_back(std::move(cells));
  }
  return out;
}

Table as_text_table(const DataTable& t, const NumberStyle& style) {
  return strings(t, [&](const Cell& c) { return shown(c, style); });
}

bool numeric_column(const DataTable& t, std::size_t j) {
  for (const auto& row : t.rows)
    if (j >= row.size() || row[j].is_label()) return false;
  return !t.rows.empty();
}

std::string latex_fraction(const Rational& q) {
  const Integer num = boost::multiprecision::numerator(q);
  const Integer den = boost::multiprecision::denominator(q);
  const std::string sign = num < 0 ? "-" : "";
  const Integer mag = num < 0 ? Integer(-num) : num;
  if (den == 1) return fmt::format("${}{}$", sign, mag.str());
  return fmt::format("${}\\frac{{{}}}{{{}}}$", sign, mag.str(), den.str());
}

// "{text}": protects text in a siunitx S column. (fmt, not "{" + s: GCC 12 bug 105329, -Wrestrict.)
std::string braced(const std::string& text) { return fmt::format("{{{}}}", text); }

// One LaTeX cell. S columns read plain decimals (siunitx); labels in them are braced.
std::string latex_cell(const Cell& c, bool s_column, const NumberStyle& style) {
  if (c.is_label()) return s_column ? braced(latex_text(c.text())) : latex_text(c.text());
  if (c.is_exact() && style.fractions) return latex_fraction(c.rational());
  const std::string number = c.rounded(style.digits);
  return s_column ? number : fmt::format("\\num{{{}}}", number);
}

}  // namespace

std::string render_latex(const DataTable& t, const NumberStyle& style) {
  std::vector<bool> numeric, s_column;
  std::string spec;
  for (std::size_t j = 0; j < t.columns.size(); ++j) {
    numeric.push_back(numeric_column(t, j));
    s_column.push_back(numeric.back() && !style.fractions);
    spec += s_column.back() ? "S" : numeric.back() ? "r" : "l";
  }
  if (!t.latex_columns.empty()) {
    spec = t.latex_columns;
    s_column.assign(t.columns.size(), false);
  }
  auto line = [](const std::vector<std::string>& cells) {
    std::string out = "    ";
    for (std::size_t j = 0; j < cells.size(); ++j) out += (j ? " & " : "") + cells[j];
    return out + " \\\\\n";
  };
  std::vector<std::string> head;
  for (std::size_t j = 0; j < t.columns.size(); ++j)
    head.push_back(s_column[j] ? braced(latex_text(t.columns[j])) : latex_text(t.columns[j]));
  std::string body;
  for (const auto& row : t.rows) {
    std::vector<std::string> cells;
    for (std::size_t j = 0; j < row.size(); ++j) cells.push_back(latex_cell(row[j], s_column[j], style));
    body += line(cells);
  }
  const std::string header = "    \\toprule\n" + line(head) + "    \\midrule\n";
  if (t.rows.size() > kLongtableRows)  // breaks across pages, the header repeated on each
    return fmt::format(
        "% iclverify table {}: booktabs + siunitx + longtable (\\usepackage{{booktabs,siunitx,longtable}})\n"
        "{{\\small\n\\begin{{longtable}}{{{}}}\n  \\caption{{{}}}\\label{{tab:{}}} \\\\\n{}    \\endfirsthead\n{}"
        "    \\endhead\n    \\bottomrule\n    \\endfoot\n{}\\end{{longtable}}}}\n",
        t.name, spec, latex_text(t.caption), t.name, header, header, body);
  return fmt::format(
             "% iclverify table {}: booktabs + siunitx (\\usepackage{{booktabs,siunitx}})\n"
             "\\begin{{table}}[htbp]\n  \\centering\n  \\small\n  \\caption{{{}}}\n  \\label{{tab:{}}}\n"
             "  \\begin{{tabular}}{{{}}}\n",
             t.name, latex_text(t.caption), t.name, spec) +
         header + body + "    \\bottomrule\n  \\end{tabular}\n\\end{table}\n";
}

std::string render_csv(const DataTable& t) {
  return render_csv(strings(t, [](const Cell& c) { return c.full(); }));
}

std::string render_json(const DataTable& t) {
  nlohmann::ordered_json j{{"name", t.name}, {"caption", t.caption}, {"columns", t.columns}};
  j["rows"] = nlohmann::ordered_json::array();
  for (const auto& row : t.rows) {
    nlohmann::ordered_json r = nlohmann::ordered_json::object();
    for (std::size_t k = 0; k < row.size() && k < t.columns.size(); ++k) {
      const Cell& c = row[k];
      r[t.columns[k]] = c.is_approx() ? nlohmann::ordered_json(c.value()) : nlohmann::ordered_json(c.full());
    }
    j["rows"].push_back(r);
  }
  return j.dump(2) + "\n";
}

std::string render_markdown(const DataTable& t, const NumberStyle& style) {
  return render_markdown(as_text_table(t, style));
}

std::string render_text(const DataTable& t, const NumberStyle& style) { return render_text(as_text_table(t, style)); }

}  // namespace icl::report
