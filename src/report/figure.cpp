#include "report/figure.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>

#include "core/number.hpp"

namespace icl::report {
namespace {

std::string where(const Figure& f, std::size_t p, const Panel& panel) {
  std::string s = "figure '" + f.name + "' panel " + std::to_string(p + 1);
  if (!panel.title.empty()) s += " ('" + panel.title + "')";
  return s;
}

std::string where(const Figure& f, std::size_t p, const Panel& panel, std::size_t k, const Series& s) {
  std::string out = where(f, p, panel) + " series " + std::to_string(k + 1);
  if (!s.label.empty()) out += " ('" + s.label + "')";
  return out;
}

[[noreturn]] void reject(const std::string& place, const std::string& problem) {
  throw std::invalid_argument(place + ": " + problem);
}

void check_values(const std::string& place, const char* axis, const std::vector<double>& v, bool log_axis) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string point = std::string(axis) + "[" + std::to_string(i) + "]";
    if (!std::isfinite(v[i])) reject(place, point + " is not finite");
    if (log_axis && v[i] <= 0)
      reject(place, point + " = " + fmt::format("{}", v[i]) + " is not positive on a log axis");
  }
}

void check_errors(const std::string& place, const std::vector<double>& err) {
  for (std::size_t i = 0; i < err.size(); ++i) {
    const std::string point = "err[" + std::to_string(i) + "]";
    if (!std::isfinite(err[i])) reject(place, point + " is not finite");
    if (err[i] < 0) reject(place, point + " = " + fmt::format("{}", err[i]) + " is negative");
  }
}

void check_series(const std::string& place, const Series& s, const Panel& panel) {
  if (s.x.empty()) reject(place, "no points");
  if (s.x.size() != s.y.size())
    reject(place, std::to_string(s.x.size()) + " x values but " + std::to_string(s.y.size()) + " y values");
  if (!s.err.empty() && s.err.size() != s.x.size())
    reject(place, std::to_string(s.x.size()) + " points but " + std::to_string(s.err.size()) + " error bars");
  check_values(place, "x", s.x, panel.logx);
  check_values(place, "y", s.y, panel.logy);
  check_errors(place, s.err);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

const std::vector<std::string>& palette() {
  // Tableau 10 (2016): blue, orange, red, teal, green, yellow, purple, pink, brown, grey.
  static const std::vector<std::string> colors{"4E79A7", "F28E2B", "E15759", "76B7B2", "59A14F",
                                               "EDC948", "B07AA1", "FF9DA7", "9C755F", "BAB0AC"};
  return colors;
}

std::size_t palette_index(const Series& s, std::size_t position) {
  const std::size_t n = palette().size();
  return s.color < 0 ? position % n : static_cast<std::size_t>(s.color) % n;
}

bool beyond_palette(const Series& s, std::size_t position) { return s.color < 0 && position >= palette().size(); }

std::size_t longest_label(const Figure& f) {
  std::size_t longest = 0;
  for (const Panel& p : f.panels)
    for (const Series& s : p.series) {
      const auto code_points = std::count_if(s.label.begin(), s.label.end(), [](char c) { return (c & 0xC0) != 0x80; });
      longest = std::max(longest, static_cast<std::size_t>(code_points));
    }
  return longest;
}

void validate(const Figure& f) {
  if (f.panels.empty()) throw std::invalid_argument("figure '" + f.name + "': no panels");
  if (f.columns < 1) throw std::invalid_argument("figure '" + f.name + "': columns must be at least 1");
  for (std::size_t p = 0; p < f.panels.size(); ++p) {
    const Panel& panel = f.panels[p];
    if (panel.series.empty()) reject(where(f, p, panel), "no series");
    for (std::size_t k = 0; k < panel.series.size(); ++k)
      check_series(where(f, p, panel, k, panel.series[k]), panel.series[k], panel);
  }
}

ImageFormat image_format(const std::filesystem::path& out) {
  const std::string ext = lower(out.extension().string());
  if (ext == ".png") return ImageFormat::Png;
  if (ext == ".svg") return ImageFormat::Svg;
  if (ext == ".pdf") return ImageFormat::Pdf;
  if (ext == ".tex") return ImageFormat::Tex;
  throw InputError("cannot write figure '" + out.string() + "': the extension must be .png, .svg, .pdf or .tex");
}

}  // namespace icl::report
