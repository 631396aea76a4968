#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <string_view>

#include "report/figure.hpp"
#include "report/latex_text.hpp"

namespace icl::report {
namespace {

// The same shapes, in the same order, as the gnuplot renderer: circle, square, triangle up,
// triangle down, diamond, pentagon (all filled).
struct Mark {
  std::string_view name, rotate;
};
constexpr Mark kMarks[] = {{"*", ""},        {"square*", ""},  {"triangle*", ""}, {"triangle*", ", rotate=180"},
                           {"diamond*", ""}, {"pentagon*", ""}};

// Shortest text that reads back as the same double.
std::string number(double v) { return fmt::format("{}", v); }

// A label as LaTeX (specials escaped, Unicode symbols as math: see latex_text), on one line.
std::string text(std::string s) {
  std::replace_if(
      s.begin(), s.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
  return latex_text(s);
}

std::string color_name(std::size_t index) { return fmt::format("icl{}", index); }

std::string preamble(const Figure& f) {
  std::string s = "% " + text(f.name) + ": written by iclverify (docs/report.md#figures); compile with pdflatex.\n";
  s += "% Labels: LaTeX specials are escaped and Unicode symbols (theta, gamma, sigma, squared, minus...) are math.\n";
  s += "\\documentclass[tikz]{standalone}\n\\usepackage{pgfplots}\n\\usepgfplotslibrary{groupplots}\n";
  s += "\\pgfplotsset{compat=1.17}\n";
  for (std::size_t i = 0; i < palette().size(); ++i)
    s += "\\definecolor{" + color_name(i) + "}{HTML}{" + palette()[i] + "}\n";
  return s;
}

// Room between two columns: the legend of the left panel (about 0.17 cm per footnotesize
// character plus its sample line) and the tick labels and y label of the right one.
double legend_room_cm(const Figure& f) {
  return 3.2 + 0.17 * static_cast<double>(std::min<std::size_t>(longest_label(f), 60));
}

std::string group_options(const Figure& f) {
  const int panels = static_cast<int>(f.panels.size());
  const int columns = std::clamp(f.columns, 1, std::max(panels, 1));
  const int rows = (panels + columns - 1) / columns;
  return fmt::format(
      "\\begin{{groupplot}}[\n"
      "  group style={{group size={} by {}, horizontal sep={:.1f}cm, vertical sep=2.4cm}},\n"
      "  width=7.5cm, height=5.6cm, grid=major, title style={{font=\\small}},\n"
      "  legend pos=outer north east, legend cell align=left, legend style={{font=\\footnotesize}},\n"
      "]\n",
      columns, rows, legend_room_cm(f));
}

std::string panel_options(const Panel& p) {
  std::string s = "\\nextgroupplot[";
  if (!p.title.empty()) s += "title={" + text(p.title) + "}, ";
  s += "xlabel={" + text(p.xlabel) + "}, ylabel={" + text(p.ylabel) + "}";
  if (p.logx) s += ", xmode=log";
  if (p.logy) s += ", ymode=log";
  return s + "]\n";
}

std::string mark_options(const Mark& m, const std::string& color, double scale) {
  return fmt::format("mark={}, mark options={{solid, fill={}, draw={}, scale={}{}}}", m.name, color, color, scale,
                     m.rotate);
}

std::string plot_options(const Series& s, std::size_t position) {
  const std::string color = color_name(palette_index(s, position));
  const Mark& mark = kMarks[position % std::size(kMarks)];
  std::string o = "color=" + color + ", " +
                  (s.dashed                      ? "dashed"
                   : beyond_palette(s, position) ? "dashdotted"
                                                 : "solid") +
                  ", ";
  switch (s.style) {
    case SeriesStyle::Line:
      o += "mark=none, line width=1.2pt";
      break;
    case SeriesStyle::Markers:
      o += "only marks, " + mark_options(mark, color, 0.9);
      break;
    case SeriesStyle::LinePoints:
      o += "line width=1.2pt, " + mark_options(mark, color, 0.8);
      break;
  }
  if (s.label.empty()) o += ", forget plot";
  if (!s.err.empty()) o += ", error bars/.cd, y dir=both, y explicit, error bar style={solid}";
  return o;
}

// The table columns: x y [err [errminus]]; errminus (log y only) clips the lower bar end to y/10
// where y - err <= 0, since a log axis cannot show it.
std::string table(const Series& s, bool logy) {
  const bool bars = !s.err.empty();
  const bool clipped = bars && logy;
  std::string keys = "x=x, y=y, row sep=\\\\";
  if (bars) keys += clipped ? ", y error plus=err, y error minus=errminus" : ", y error=err";
  std::string out = "table [" + keys + "] {\n";
  out += std::string("x y") + (bars ? " err" : "") + (clipped ? " errminus" : "") + " \\\\\n";
  for (std::size_t i = 0; i < s.x.size(); ++i) {
    out += number(s.x[i]) + " " + number(s.y[i]);
    if (bars) out += fmt::format(" {}", s.err[i]);
    if (clipped) out += fmt::format(" {}", s.y[i] - s.err[i] > 0 ? s.err[i] : s.y[i] - s.y[i] / 10);
    out += " \\\\\n";
  }
  return out + "};\n";
}

std::string series_source(const Series& s, std::size_t position, bool logy) {
  std::string out = "\\addplot+ [" + plot_options(s, position) + "] " + table(s, logy);
  if (!s.label.empty()) out += "\\addlegendentry{" + text(s.label) + "}\n";
  return out;
}

}  // namespace

std::string pgfplots_source(const Figure& f) {
  std::string s = preamble(f);
  s += "\\begin{document}\n\\begin{tikzpicture}\n" + group_options(f);
  for (const Panel& p : f.panels) {
    s += panel_options(p);
    for (std::size_t k = 0; k < p.series.size(); ++k) s += series_source(p.series[k], k, p.logy);
  }
  s += "\\end{groupplot}\n";
  if (!f.title.empty())
    s += "\\node[anchor=south, font=\\large] at (current bounding box.north) {" + text(f.title) + "};\n";
  return s + "\\end{tikzpicture}\n\\end{document}\n";
}

}  // namespace icl::report
