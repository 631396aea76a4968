// libFuzzer target: the study-file reader icl::sweep::parse_study (src/sweep/study.hpp): TOML, the
// command, [fixed] options and [axes] lists checked against a command's options, and the Cartesian
// product of the points.
//
// Contract (docs/fuzzing.md): on any input the reader returns a Study or throws icl::InputError; any
// other exception escapes and aborts (libFuzzer saves the input), as do crashes, undefined behaviour,
// hangs and huge allocations. An accepted study has between 1 and limits::kMaxStudyPoints points, each
// with a distinct key, and every point holds every axis that is not a false flag.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <set>
#include <stdexcept>
#include <string>

#include "core/limits.hpp"
#include "core/number.hpp"
#include "sweep/study.hpp"

namespace {

// Two commands like the CLI's: `train` (values and a flag) and `protocol`; `risk` prints no JSON.
std::vector<icl::sweep::OptionSpec> options_of(const std::string& command) {
  if (command == "train")
    return {{"trainer", false},   {"steps", false}, {"seed", false},  {"lr", false},
            {"optimizer", false}, {"quiet", true},  {"format", false}};
  if (command == "protocol") return {{"heads", false}, {"layers", false}, {"optimizer", false}, {"format", false}};
  if (command == "risk") return {{"theta", false}};
  throw std::invalid_argument("unknown command '" + command + "'");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const icl::sweep::Study s = icl::sweep::parse_study(text, "fuzz.toml", options_of);
    if (s.points.empty() || s.points.size() > icl::limits::kMaxStudyPoints) __builtin_trap();
    std::set<std::string> keys;
    for (const auto& p : s.points) {
      if (!keys.insert(p.key).second) {
        fprintf(stderr, "fuzz_study: two points with the key %s\n", p.key.c_str());
        __builtin_trap();
      }
      for (const auto& [axis, values] : s.axes.items())
        if (!p.options.contains(axis) && values.size() > 1 &&
            std::find(values.begin(), values.end(), false) == values.end())
          __builtin_trap();
    }
  } catch (const icl::InputError&) {
  }
  return 0;
}
