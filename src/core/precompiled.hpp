// The third-party and standard headers nearly every translation unit includes, parsed once per build
// as a precompiled header (CMake target_precompile_headers in CMakeLists.txt; docs/performance.md,
// "Build"). Library headers only: a change in the project never rebuilds it. Every file still
// includes what it uses; this list only makes that cheaper.
#pragma once

// IWYU pragma: begin_exports
#include <Eigen/Dense>
// Eigen/Core must come before the AutoDiff module.
#include <unsupported/Eigen/AutoDiff>
#include <algorithm>
#include <array>
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <boost/multiprecision/eigen.hpp>
#include <boost/multiprecision/gmp.hpp>
#include <chrono>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
// IWYU pragma: end_exports
