#include "report/table.hpp"

#include <algorithm>

namespace icl::report {
namespace {

// Display width of UTF-8 text: one column per code point (the labels use Greek letters and minus signs).
std::size_t display_width(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::vector<std::size_t> widths(const Table& t) {
  std::vector<std::size_t> w(t.header.size(), 0);
  for (std::size_t j = 0; j < t.header.size(); ++j) w[j] = display_width(t.header[j]);
  for (const auto& row : t.rows)
    for (std::size_t j = 0; j < row.size() && j < w.size(); ++j) w[j] = std::max(w[j], display_width(row[j]));
  return w;
}

std::string pad(const std::string& s, std::size_t width) {
  return s + std::string(width - std::min(width, display_width(s)), ' ');
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::string render_text(const Table& t) {
  const auto w = widths(t);
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t j = 0; j < w.size(); ++j) {
      const std::string cell = j < cells.size() ? cells[j] : "";
      out += j + 1 < w.size() ? pad(cell, w[j]) + "  " : cell;
    }
    return out + "\n";
  };
  std::string out = line(t.header);
  std::vector<std::string> rule;
  for (auto width : w) rule.push_back(std::string(width, '-'));
  out += line(rule);
  for (const auto& row : t.rows) out += line(row);
  return out;
}

std::string render_csv(const Table& t) {
  auto line = [](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t j = 0; j < cells.size(); ++j) {
      if (j) out += ',';
      out += csv_field(cells[j]);
    }
    return out + "\n";
  };
  std::string out = line(t.header);
  for (const auto& row : t.rows) out += line(row);
  return out;
}

std::string render_markdown(const Table& t) {
  auto line = [](const std::vector<std::string>& cells) {
    std::string out = "|";
    for (const auto& c : cells) out += " " + c + " |";
    return out + "\n";
  };
  std::string out = line(t.header);
  out += line(std::vector<std::string>(t.header.size(), "---"));
  for (const auto& row : t.rows) out += line(row);
  return out;
}

}  // namespace icl::report
