#include "report/latex_text.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace icl::report {
namespace {

// The Unicode symbols the figures and tables use, with their LaTeX.
constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kSymbols{{
    {"θ", "$\\theta$"},
    {"γ", "$\\gamma$"},
    {"σ", "$\\sigma$"},
    {"β", "$\\beta$"},
    {"²", "$^2$"},
    {"₀", "$_0$"},
    {"−", "$-$"},
    {"±", "$\\pm$"},
    {"≤", "$\\leq$"},
    {"≥", "$\\geq$"},
    {"∞", "$\\infty$"},
    {"·", "$\\cdot$"},
    {"→", "$\\to$"},
    {"…", "$\\ldots$"},
}};

std::string_view escaped(char c) {
  switch (c) {
    case '\\':
      return "\\textbackslash{}";
    case '_':
      return "\\_";
    case '%':
      return "\\%";
    case '&':
      return "\\&";
    case '#':
      return "\\#";
    case '$':
      return "\\$";
    case '{':
      return "\\{";
    case '}':
      return "\\}";
    case '~':
      return "\\textasciitilde{}";
    case '^':
      return "\\textasciicircum{}";
    default:
      return {};
  }
}

}  // namespace

std::string latex_text(std::string_view s) {
  std::string out;
  bool after_math = false;  // the last piece was "$...$": join the next one into it ("$\theta_0$")
  auto append_math = [&](std::string_view math) {
    if (after_math) {
      out.pop_back();
      math.remove_prefix(1);
    }
    out += math;
    after_math = true;
  };
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      const std::string_view e = escaped(s[i]);
      out += e.empty() ? std::string(1, s[i]) : std::string(e);
      after_math = false;
      ++i;
      continue;
    }
    const auto* symbol = std::find_if(kSymbols.begin(), kSymbols.end(), [&](const auto& entry) {
      return s.substr(i, entry.first.size()) == entry.first;
    });
    if (symbol != kSymbols.end()) {
      append_math(symbol->second);
      i += symbol->first.size();
      continue;
    }
    out += '?';
    after_math = false;
    ++i;  // skip the continuation bytes of an unknown character
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
  }
  return out;
}

}  // namespace icl::report
