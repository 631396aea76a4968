#include "sweep/study.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <cmath>
#include <filesystem>
#include <map>

#include "core/input_file.hpp"
#include "core/limits.hpp"
#include "core/number.hpp"

namespace icl::sweep {
namespace {

// A TOML value as canonical JSON, or a message saying why it cannot be an option's value.
nlohmann::json value_of(const toml::node& node, const std::string& where) {
  if (const auto* v = node.as_integer()) return v->get();
  if (const auto* v = node.as_floating_point()) {
    if (!std::isfinite(v->get())) throw InputError(fmt::format("{}: is not a finite number", where));
    return v->get();
  }
  if (const auto* v = node.as_string()) return v->get();
  if (const auto* v = node.as_boolean()) return v->get();
  throw InputError(fmt::format("{}: expected an integer, a number, a string or a boolean", where));
}

// Checks `value` against the option `name` of the command; `where` prefixes the message.
void check_value(const std::map<std::string, bool>& flags, const std::string& command, const std::string& name,
                 const nlohmann::json& value, const std::string& where) {
  const auto it = flags.find(name);
  if (name == "format")
    throw InputError(fmt::format("{}: 'format' is set by the sweep (every point prints JSON)", where));
  if (it == flags.end()) throw InputError(fmt::format("{}: '{}' is not an option of {}", where, name, command));
  if (it->second && !value.is_boolean())
    throw InputError(fmt::format("{}: '{}' is a flag of {}, written {} = true", where, name, command, name));
  if (!it->second && value.is_boolean())
    throw InputError(fmt::format("{}: '{}' takes a value, not true/false", where, name));
}

std::string argument_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  return v.dump();  // a number: the shortest text that reads back to the same double
}

}  // namespace

Study read_study(const std::string& path,
                 const std::function<std::vector<OptionSpec>(const std::string&)>& options_of) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw InputError(fmt::format("{}: cannot read the study file ({})", path,
                                 std::filesystem::exists(path, ec) ? "not a regular file" : "no such file"));
  return parse_study(read_input_file(path, "study file"), path, options_of);
}

Study parse_study(std::string_view text, const std::string& path,
                  const std::function<std::vector<OptionSpec>(const std::string&)>& options_of) {
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    const auto& at = e.source().begin;
    throw InputError(fmt::format("{}:{}:{}: {}", path, at.line, at.column, e.description()));
  }
  for (const auto& [k, v] : root)
    if (k != "command" && k != "fixed" && k != "axes")
      throw InputError(fmt::format("{}: unknown key '{}' (command, [fixed], [axes])", path, k.str()));
  Study s;
  s.path = path;
  const auto* command = root["command"].as_string();
  if (command == nullptr) throw InputError(fmt::format("{}: expected command = \"NAME\"", path));
  s.command = command->get();
  if (s.command == "sweep") throw InputError(fmt::format("{}: command 'sweep' cannot be a study's command", path));
  std::vector<OptionSpec> specs;
  try {
    specs = options_of(s.command);
  } catch (const std::invalid_argument& e) {
    throw InputError(fmt::format("{}: command: {}", path, e.what()));
  }
  std::map<std::string, bool> flags;
  for (const auto& o : specs) flags[o.name] = o.flag;
  if (!flags.contains("format"))
    throw InputError(fmt::format("{}: command '{}' does not print JSON (it has no --format)", path, s.command));

  s.fixed = nlohmann::json::object();
  s.axes = nlohmann::json::object();
  for (const char* section : {"fixed", "axes"}) {
    const toml::node_view<toml::node> node = root[section];
    if (!node) continue;
    const toml::table* t = node.as_table();
    if (t == nullptr) throw InputError(fmt::format("{}: expected a table [{}]", path, section));
    for (const auto& [k, v] : *t) {
      const std::string name{k.str()};
      const std::string where = fmt::format("{}: [{}] {}", path, section, name);
      if (std::string(section) == "fixed") {
        nlohmann::json value = value_of(v, where);
        check_value(flags, s.command, name, value, where);
        if (value != false) s.fixed[name] = value;
        continue;
      }
      const toml::array* a = v.as_array();
      if (a == nullptr) throw InputError(fmt::format("{}: expected a list of values", where));
      if (a->empty()) throw InputError(fmt::format("{}: the axis is empty (a study of no points)", where));
      if (s.fixed.contains(name) || (root["fixed"][name]))
        throw InputError(fmt::format("{}: '{}' is both fixed and an axis", where, name));
      nlohmann::json values = nlohmann::json::array();
      for (const toml::node& e : *a) {
        nlohmann::json value = value_of(e, where);
        check_value(flags, s.command, name, value, where);
        if (std::find(values.begin(), values.end(), value) != values.end())
          throw InputError(fmt::format("{}: the value {} is listed twice", where, value.dump()));
        values.push_back(std::move(value));
      }
      s.axes[name] = std::move(values);
    }
  }
  // The number of points, before any is built: a typo can make a product of billions.
  double count = 1;
  for (const auto& [k, v] : s.axes.items()) count *= static_cast<double>(v.size());
  if (count > static_cast<double>(limits::kMaxStudyPoints))
    throw InputError(fmt::format("{}: the axes make {:.0f} points, more than {} (the limit of a study; split it)", path,
                                 count, limits::kMaxStudyPoints));
  s.canonical = nlohmann::json{{"command", s.command}, {"fixed", s.fixed}, {"axes", s.axes}}.dump();
  s.hash = fingerprint(s.canonical);

  // The Cartesian product, the last axis (in sorted order) varying fastest.
  std::vector<std::pair<std::string, const nlohmann::json*>> axes;
  for (const auto& [k, v] : s.axes.items()) axes.emplace_back(k, &v);
  std::vector<std::size_t> at(axes.size(), 0);
  for (std::size_t index = 0;; ++index) {
    Point p;
    p.options = s.fixed;
    for (std::size_t i = 0; i < axes.size(); ++i) {
      const nlohmann::json& v = (*axes[i].second)[at[i]];
      if (v != false) p.options[axes[i].first] = v;
    }
    p.key = p.options.dump();
    p.index = index;
    s.points.push_back(std::move(p));
    std::size_t i = axes.size();
    while (i > 0 && ++at[i - 1] == axes[i - 1].second->size()) at[--i] = 0;
    if (i == 0) break;
  }
  return s;
}

std::vector<std::string> point_arguments(const Study& study, const Point& point, const std::string& program) {
  std::vector<std::string> args{program, study.command};
  for (const auto& [k, v] : point.options.items()) {
    args.push_back("--" + k);
    if (!v.is_boolean()) args.push_back(argument_text(v));
  }
  args.insert(args.end(), {"--format", "json"});
  return args;
}

double point_seconds(const std::string& command, const nlohmann::json& options) {
  const auto number = [&](const char* key, double fallback) {
    if (!options.contains(key)) return fallback;
    const nlohmann::json& v = options[key];
    if (v.is_number()) return v.get<double>();
    if (v.is_string()) try {
        return std::stod(v.get<std::string>());
      } catch (const std::exception&) {
      }
    return fallback;
  };
  // check: the checks have no common price; --full runs the paper's sizes (a two-layer check at d = 2 takes
  // 5 to 60 minutes here).
  if (command == "check") return options.value("full", false) ? 3600 : 120;
  // Measured on this project's 2-core machine with the comparison protocol at d = 5, m = 20 (docs/sweep.md,
  // "Slurm"): one SGD prompt-step costs 1.29 us at L = H = 1, 1.64 us at L = 1, H = 4 and 2.83 us at
  // L = H = 2, which the size L^3 H + 10 fits (relative to its value 11 at L = H = 1); one Monte Carlo
  // prompt of the two-layer evaluation costs 6.3 us at L = H = 2 with n averaged over 0..40, 2.66 us
  // at size 11. Both scale with the prompt's tokens and with (d + 2)^2 (relative to 21 and 49).
  constexpr double kStep = 1.29e-6, kPrompt = 6.3e-6 * 11 / 26;
  // The commands' own defaults: protocol 5000 x 5000 x 5000, train --trainer sgd 5000 steps x 5000.
  const bool protocol = command == "protocol", sgd = command == "train" && options.value("trainer", "") == "sgd";
  const double batch = number("batch", protocol || sgd ? 5000 : 1);
  const double L = number("layers", 1), H = number("heads", 1), d = number("d", 5);
  const double size = (L * L * L * H + 10) / 11 * (d + 2) * (d + 2) / 49;
  const double tokens = std::max(number("m", 20), number("nft", 20)) + 1;
  const double methods = 8 + 6 * (number("lora-rank", 0) > 0);
  const double prompt_steps = (number("steps", sgd ? 5000 : 0) + number("steps-pretrain", protocol ? 5000 : 0) +
                               methods * number("steps-finetune", protocol ? 5000 : 0)) *
                              batch;
  // Risk curves by Monte Carlo (protocol with L >= 2 or softmax attention), and risk --mc.
  const double max_shots = number("max-shots", 20);
  const bool simulated = L >= 2 || options.value("attention", std::string()) == "softmax";
  const double curve_prompts =
      simulated && protocol ? (methods + 1) * 2 * (max_shots + 1) * number("eval-batch", 1000) * number("test-seeds", 5)
                            : 0;
  return 0.05 + kStep * size * tokens / 21 * prompt_steps + kPrompt * size * (max_shots / 2 + 1) / 21 * curve_prompts +
         kPrompt * size * tokens / 21 * number("mc", 0);
}

std::string fingerprint(const std::string& text) {
  std::uint64_t h = 14695981039346656037ull;
  for (const unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return fmt::format("{:016x}", h);
}

}  // namespace icl::sweep
