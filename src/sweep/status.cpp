#include "sweep/status.hpp"

#include <fmt/format.h>

#include <map>

#include "core/number.hpp"
#include "sweep/store.hpp"
#include "sweep/sweep.hpp"

namespace icl::sweep {
namespace {

std::string value_text(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

}  // namespace

Status study_status(const Study& study, const std::string& store_path) {
  const Store store(store_path, Store::Mode::Read);
  const auto bound = store.study();
  if (bound && *bound != study.canonical)
    throw InputError(fmt::format("{}: the store belongs to another study than {}", store_path, study.path));
  Status s;
  s.study = study.path;
  s.store = store_path;
  s.points = study.points.size();
  s.versions = store.versions();
  std::map<std::string, const Row*> rows;
  const std::vector<Row> all = store.rows();
  for (const Row& r : all) rows[r.options] = &r;
  std::map<std::string, std::map<std::string, std::pair<std::size_t, std::size_t>>> by_axis;
  for (const Point& p : study.points) {
    const auto it = rows.find(p.key);
    const Row* r = it == rows.end() ? nullptr : it->second;
    const bool finished = r != nullptr && r->status != "killed";
    const double model = point_seconds(study.command, p.options);
    if (finished) {
      (r->status == "ok" ? s.ok : s.failed)++;
      if (r->cpu > 0) {  // 0: a store from before the CPU was kept (wall time would not do: shared cores)
        s.cpu_finished += r->cpu;
        s.model_finished += model;
      } else {
        ++s.unmeasured;
      }
    } else {
      s.model_to_run += model;
      if (r != nullptr) ++s.killed;
    }
    for (const auto& [axis, values] : study.axes.items()) {
      auto& count = by_axis[axis][value_text(p.options.at(axis))];
      count.first += finished ? 1 : 0;
      ++count.second;
    }
  }
  for (const auto& [axis, values] : study.axes.items()) {  // the file's values, in its order
    auto& out = s.axes.emplace_back(axis, decltype(s.axes)::value_type::second_type{});
    for (const auto& v : values) out.second.emplace_back(value_text(v), by_axis[axis][value_text(v)]);
  }
  return s;
}

std::string status_text(const Status& s) {
  std::string out = fmt::format("sweep status: {} in {}\n", s.study, s.store);
  out += fmt::format("  {} points: {} finished ({} ok, {} failed), {} to run", s.points, s.finished(), s.ok, s.failed,
                     s.to_run());
  out += s.killed > 0 ? fmt::format(" ({} of them killed mid-run before)\n", s.killed) : "\n";
  for (const auto& [axis, values] : s.axes) {
    std::vector<std::string> parts;
    for (const auto& [value, count] : values)
      parts.push_back(fmt::format("{} ({}/{})", value, count.first, count.second));
    out += fmt::format("  {}: {}\n", axis, fmt::join(parts, ", "));
  }
  if (s.model_finished > 0)
    out += fmt::format("  CPU so far {} ({:.2f} x the cost model's estimate of those points)\n",
                       duration_text(s.cpu_finished), s.model_scale());
  if (s.unmeasured > 0)
    out += fmt::format("  {} finished points have no CPU time (written before the store kept it)\n", s.unmeasured);
  if (s.to_run() > 0)
    out += fmt::format("  to run: about {} of CPU ({})\n", duration_text(s.cpu_to_run()),
                       s.model_finished > 0 ? "the cost model scaled by the points measured so far"
                                            : "the cost model; no point measured yet");
  if (!s.versions.empty()) out += fmt::format("  written by iclverify {}\n", fmt::join(s.versions, ", "));
  return out;
}

nlohmann::json status_json(const Status& s) {
  nlohmann::json axes = nlohmann::json::object();
  for (const auto& [axis, values] : s.axes) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& [value, count] : values)
      a.push_back({{"value", value}, {"finished", count.first}, {"points", count.second}});
    axes[axis] = std::move(a);
  }
  return {{"study", s.study},
          {"store", s.store},
          {"points", s.points},
          {"finished", s.finished()},
          {"ok", s.ok},
          {"failed", s.failed},
          {"to_run", s.to_run()},
          {"killed", s.killed},
          {"axes", std::move(axes)},
          {"cpu_seconds_finished", s.cpu_finished},
          {"unmeasured", s.unmeasured},
          {"model_scale", s.model_scale()},
          {"cpu_seconds_to_run", s.cpu_to_run()},
          {"versions", s.versions}};
}

}  // namespace icl::sweep
