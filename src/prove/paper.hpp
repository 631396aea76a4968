// The statements of `iclverify prove` against the paper's formulas: every claim file's, in registry
// order (theorems/registry.cpp).
#pragma once

#include <vector>

#include "prove/proof.hpp"

namespace icl::theorems {

std::vector<prove::Statement> paper_statements();

}  // namespace icl::theorems
