// Plain tables rendered as aligned text, CSV or Markdown.
#pragma once

#include <string>
#include <vector>

namespace icl::report {

enum class Format { Table, Csv, Json, Markdown };

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

std::string render_text(const Table& t);      // columns aligned, header underlined
std::string render_csv(const Table& t);       // RFC 4180 quoting
std::string render_markdown(const Table& t);  // GitHub pipe table

}  // namespace icl::report
