// Looking a name up in a catalog of tables or figures (anything with a `name` field).
#pragma once

#include <fmt/format.h>

#include <string>
#include <vector>

#include "core/number.hpp"

namespace icl::report {

// The entry called `name`; otherwise InputError "<what> '<name>' (one of a, b, c)".
template <class Info>
const Info& find_in_catalog(const std::vector<Info>& catalog, const std::string& name, const std::string& what) {
  std::string names;
  for (const auto& entry : catalog) {
    if (entry.name == name) return entry;
    names += (names.empty() ? "" : ", ") + entry.name;
  }
  throw InputError(fmt::format("{} '{}' (one of {})", what, name, names));
}

}  // namespace icl::report
