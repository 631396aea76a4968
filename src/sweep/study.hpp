// A study file (TOML): one command, options fixed for every point, and axes whose Cartesian product
// gives the points (docs/sweep.md). A point is the command with its canonical options: a JSON object
// with sorted keys (the command's long flags without dashes), integers, numbers and strings as the
// file wrote them, a flag as `true` (a flag written `false` is absent). The canonical text of a point
// is its identity in a store; the canonical text of the study (command, fixed, axes) is the study's.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace icl::sweep {

// What the sweep needs to know of a command's options (from the command line itself, cli::command_options).
struct OptionSpec {
  std::string name;  // long name without dashes
  bool flag = false;
};

struct Point {
  nlohmann::json options;  // canonical: sorted keys
  std::string key;         // options.dump(): the point's identity
  std::size_t index = 0;   // position in the study's order (axes varied last-fastest)
};

struct Study {
  std::string path;  // as given, for messages
  std::string command;
  nlohmann::json fixed;  // object
  nlohmann::json axes;   // object of non-empty arrays, in the file's order of keys (sorted)
  std::vector<Point> points;
  std::string canonical;  // {"axes":...,"command":...,"fixed":...} dumped
  std::string hash;       // 16 hex digits of FNV-1a 64 over `canonical`
};

// Reads and checks a study file: the command exists and prints JSON (`--format json`), every key is an
// option of it (not --format), flags are `true`/`false`, no key is both fixed and an axis, no axis is
// empty, values are integers, numbers, strings or booleans. `options_of(command)` lists a command's
// options and throws std::invalid_argument for an unknown command. Throws InputError naming the file.
Study read_study(const std::string& path, const std::function<std::vector<OptionSpec>(const std::string&)>& options_of);
// The same from the file's text (`path` names it in messages); what read_study does after reading the file
// within limits::kMaxFileBytes. A study of more than limits::kMaxStudyPoints points is refused before any
// point is built.
Study parse_study(std::string_view text, const std::string& path,
                  const std::function<std::vector<OptionSpec>(const std::string&)>& options_of);

// The command line of a point: {program, command, --key value..., --flag..., --format json}.
std::vector<std::string> point_arguments(const Study& study, const Point& point, const std::string& program);

// An estimate of the seconds a point of `command` takes on one core of this project's 2-core machine,
// from its options (SGD prompt-steps and Monte Carlo prompts, each priced as measured; docs/sweep.md
// "Slurm"): it orders the points (longest first), balances the shards and sizes Slurm's time request.
double point_seconds(const std::string& command, const nlohmann::json& options);

// FNV-1a 64 of `text` as 16 hex digits.
std::string fingerprint(const std::string& text);

}  // namespace icl::sweep
