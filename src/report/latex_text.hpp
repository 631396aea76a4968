// Plain UTF-8 text (labels, captions, column names) as LaTeX source that pdflatex compiles:
// specials escaped, the few Unicode symbols the project writes mapped to math (docs/report.md).
#pragma once

#include <string>
#include <string_view>

namespace icl::report {

// \ _ % & # $ { } ~ ^ are escaped; θ γ σ β ² ₀ − ± ≤ ≥ ∞ · → … become math (adjacent
// symbols share one math group: θ₀ -> $\theta_0$); the result is ASCII.
// Any other non-ASCII character is replaced by '?', so the output always compiles.
std::string latex_text(std::string_view utf8);

}  // namespace icl::report
