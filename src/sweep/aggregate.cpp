#include "sweep/aggregate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "core/number.hpp"
#include "sweep/store.hpp"

namespace icl::sweep {
namespace {

nlohmann::json::json_pointer pointer_of(const std::string& path) {
  if (path.starts_with("/")) return nlohmann::json::json_pointer(path);
  std::string p;
  std::size_t at = 0;
  for (;;) {
    const auto dot = path.find('.', at);
    std::string part = path.substr(at, dot == std::string::npos ? std::string::npos : dot - at);
    std::string escaped;
    for (char c : part) escaped += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
    p += "/" + escaped;
    if (dot == std::string::npos) break;
    at = dot + 1;
  }
  return nlohmann::json::json_pointer(p);
}

std::optional<double> number_at(const nlohmann::json& j, const nlohmann::json::json_pointer& ptr) {
  if (!j.contains(ptr)) return std::nullopt;
  const nlohmann::json& v = j.at(ptr);
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) try {
      return static_cast<double>(parse_rational(v.get<std::string>(), "value"));
    } catch (const InputError&) {
    }
  return std::nullopt;
}

std::string text_of(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

}  // namespace

Summary summarize(const std::vector<double>& xs) {
  Summary g;
  g.count = xs.size();
  const auto n = static_cast<double>(xs.size());
  for (double x : xs) g.mean += x / n;
  g.min = *std::min_element(xs.begin(), xs.end());
  g.max = *std::max_element(xs.begin(), xs.end());
  if (xs.size() > 1) {
    double ss = 0;
    for (double x : xs) ss += (x - g.mean) * (x - g.mean);
    g.se = std::sqrt(ss / (n - 1) / n);
  }
  return g;
}

std::map<std::string, std::string> option_texts(const std::string& options_json) {
  std::map<std::string, std::string> out;
  const auto options = nlohmann::json::parse(options_json);  // items() refers to it: keep it alive
  for (const auto& [name, value] : options.items()) out[name] = text_of(value);
  return out;
}

std::vector<Summary> aggregate(const std::string& store, const std::vector<std::string>& by, const std::string& value) {
  const Store s(store, Store::Mode::Read);
  const auto ptr = [&] {
    try {
      return pointer_of(value);
    } catch (const nlohmann::json::exception&) {
      throw InputError(fmt::format("--value: '{}' is not a path into the command's JSON", value));
    }
  }();
  std::map<std::vector<std::string>, std::vector<double>> groups;
  std::vector<bool> seen(by.size(), false);
  for (const Row& r : s.rows()) {
    if (r.status != "ok") continue;
    const auto options = option_texts(r.options);
    std::vector<std::string> key;
    for (std::size_t i = 0; i < by.size(); ++i) {
      const auto it = options.find(by[i]);
      seen[i] = seen[i] || it != options.end();
      key.push_back(it != options.end() ? it->second : "-");
    }
    const auto x = number_at(nlohmann::json::parse(r.result), ptr);
    if (!x || !std::isfinite(*x))
      throw InputError(fmt::format("--value: '{}' is not a finite number in the output of point {}", value, r.options));
    groups[key].push_back(*x);
  }
  for (std::size_t i = 0; i < by.size(); ++i)
    if (!seen[i]) throw InputError(fmt::format("--by: '{}' is an option of no finished point in {}", by[i], store));
  if (groups.empty()) throw InputError(fmt::format("{}: no finished point to tabulate", store));
  std::vector<Summary> out;
  for (const auto& [key, xs] : groups) {
    out.push_back(summarize(xs));
    out.back().key = key;
  }
  return out;
}

}  // namespace icl::sweep
