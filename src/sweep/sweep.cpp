#include "sweep/sweep.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <ostream>
#include <set>

#include "core/number.hpp"
#include "git_describe.hpp"  // generated at build time (cmake/git_describe.cmake)
#ifndef ICL_BUILD_TYPE
#define ICL_BUILD_TYPE "unknown"
#endif

namespace icl::sweep {

const std::string& program_version() {
  static const std::string v = std::string(ICL_GIT_DESCRIBE) + " " + ICL_BUILD_TYPE;
  return v;
}

std::string duration_text(double s) {
  if (s < 10) return fmt::format("{:.1f}s", s);
  if (s < 60) return fmt::format("{:.0f}s", s);
  if (s < 3600) return fmt::format("{:.0f}m{:02.0f}s", std::floor(s / 60), std::fmod(s, 60));
  return fmt::format("{:.0f}h{:02.0f}m", std::floor(s / 3600), std::fmod(s / 60, 60));
}

Shard read_shard(const std::string& text) {
  const auto slash = text.find('/');
  const auto bad = [&](const std::string& why) { return InputError(fmt::format("--shard: '{}' {}", text, why)); };
  if (slash == std::string::npos) throw bad("is not I/K");
  Shard s;
  try {
    s.index = static_cast<int>(parse_integer(text.substr(0, slash), "--shard", 0, 1000000));
    s.count = static_cast<int>(parse_integer(text.substr(slash + 1), "--shard", 1, 1000000));
  } catch (const InputError&) {
    throw bad("is not I/K with integers 0 <= I < K");
  }
  if (s.index >= s.count)
    throw bad(fmt::format("names shard {} of {} (shards are 0..{})", s.index, s.count, s.count - 1));
  return s;
}

namespace {

// Points longest first (by the cost estimate), ties in the study's order.
std::vector<Point> longest_first(const std::string& command, std::vector<Point> points) {
  std::stable_sort(points.begin(), points.end(), [&](const Point& a, const Point& b) {
    return point_seconds(command, a.options) > point_seconds(command, b.options);
  });
  return points;
}

// The first line of a message (a command's stderr is one line on bad input).
std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

Row row_of(const Point& p, const Finished& f) {
  Row r;
  r.options = p.key;
  r.exit_code = f.exit_code;
  r.error = f.err;
  r.version = program_version();
  r.host = f.host;
  r.start = f.start;
  r.end = f.end;
  r.wall = f.wall;
  r.cpu = f.cpu;
  if (f.signaled) {
    r.status = "killed";
  } else if (f.exit_code != 0) {
    r.status = "failed";
  } else if (!nlohmann::json::accept(f.out)) {
    r.status = "failed";
    r.error = "the command's output is not JSON\n" + f.err;
  } else {
    r.status = "ok";
    r.result = f.out;
  }
  return r;
}

}  // namespace

std::vector<Point> shard_points(const Study& study, const Shard& shard) {
  if (shard.count == 1) return study.points;
  std::vector<double> load(static_cast<std::size_t>(shard.count), 0.0);
  std::vector<Point> mine;
  for (const Point& p : longest_first(study.command, study.points)) {
    const auto least = static_cast<int>(std::min_element(load.begin(), load.end()) - load.begin());
    load[static_cast<std::size_t>(least)] += point_seconds(study.command, p.options);
    if (least == shard.index) mine.push_back(p);
  }
  std::sort(mine.begin(), mine.end(), [](const Point& a, const Point& b) { return a.index < b.index; });
  return mine;
}

void validate_points(const Study& study, const std::vector<Point>& points,
                     const std::function<std::string(const std::vector<std::string>&)>& validate) {
  std::vector<std::string> bad;
  for (const Point& p : points) {
    const std::string why = validate(point_arguments(study, p, "iclverify"));
    if (!why.empty()) bad.push_back(fmt::format("  point {}: {}", p.key, why));
  }
  if (bad.empty()) return;
  std::string msg = fmt::format("{}: {} of {} points refused by '{}', nothing ran:", study.path, bad.size(),
                                points.size(), study.command);
  for (const auto& b : bad) msg += "\n" + b;
  throw InputError(msg);
}

RunSummary run_points(const Study& study, const std::vector<Point>& points, const RunOptions& options,
                      Executor& executor, std::ostream& progress, bool live) {
  Store store(options.store, Store::Mode::Write);
  store.bind(study.canonical, study.hash, program_version(), options.allow_version_change);
  const auto done = store.finished();
  std::vector<Point> todo;
  RunSummary sum;
  sum.points = points.size();
  for (const Point& p : longest_first(study.command, points)) {
    const auto it = done.find(p.key);
    if (it == done.end()) {
      todo.push_back(p);
    } else {
      ++sum.skipped;
      if (it->second == "failed") ++sum.failed_before;
    }
  }

  std::size_t next = 0, reported = 0;
  double wall_sum = 0;
  const auto report = [&](const Point& p, const Row& r) {
    ++reported;
    wall_sum += r.wall;
    if (options.quiet) return;
    if (live) {
      const std::size_t left = todo.size() - reported;
      const double slots = std::max<double>(1.0, static_cast<double>(executor.running() + 1));
      const double eta = wall_sum / static_cast<double>(reported) * static_cast<double>(left) / slots;
      progress << fmt::format("\rsweep: {}/{} done, {} failed, ETA {}   ", reported, todo.size(),
                              sum.failed + sum.killed, left == 0 ? "0s" : duration_text(eta))
               << std::flush;
    } else {
      progress << fmt::format("sweep: {}/{} {} {:.2f}s {}{}\n", reported, todo.size(), r.status, r.wall, p.key,
                              r.status == "ok" ? "" : ": " + first_line(r.error))
               << std::flush;
    }
  };
  while (reported < todo.size()) {
    while (next < todo.size() && executor.has_free_slot()) {
      executor.start(next, point_arguments(study, todo[next], "iclverify"));
      ++next;
    }
    for (const Finished& f : executor.poll(50)) {
      const Point& p = todo.at(f.index);
      const Row r = row_of(p, f);
      store.put(r);
      (r.status == "ok" ? sum.ok : r.status == "failed" ? sum.failed : sum.killed)++;
      report(p, r);
    }
  }
  if (live && !options.quiet && !todo.empty()) progress << "\n";
  return sum;
}

void drop_wall_time(nlohmann::json& j) {
  if (j.is_object()) {
    j.erase("seconds");
    for (auto& [k, v] : j.items()) drop_wall_time(v);
  } else if (j.is_array()) {
    for (auto& v : j) drop_wall_time(v);
  }
}

std::string export_json(const std::string& path) {
  const Store store(path, Store::Mode::Read);
  nlohmann::json out = nlohmann::json::array();
  for (const Row& r : store.rows()) {
    if (r.status == "killed") continue;
    nlohmann::json e{{"options", nlohmann::json::parse(r.options)}};
    if (r.status == "ok") {
      nlohmann::json result = nlohmann::json::parse(r.result);
      drop_wall_time(result);
      e["result"] = std::move(result);
    } else {
      e["error"] = first_line(r.error);
    }
    out.push_back(std::move(e));
  }
  return out.dump(1) + "\n";
}

std::size_t merge_stores(const std::string& target, const std::vector<std::string>& shards, bool allow_version_change) {
  struct Shard {
    std::string study;
    std::vector<std::string> versions;
    std::vector<Row> rows;
  };
  std::vector<Shard> read;
  for (const auto& path : shards) {  // every shard is read and checked before the target is touched
    const Store s(path, Store::Mode::Read);
    const auto study = s.study();
    if (!study) throw InputError(fmt::format("{}: the store holds no study yet", path));
    if (!read.empty() && *study != read.front().study)
      throw InputError(fmt::format("{}: belongs to another study than {}", path, shards.front()));
    read.push_back({*study, s.versions(), s.rows()});
  }
  if (read.empty()) throw InputError("sweep merge: no shard stores given");
  Store out(target, Store::Mode::Write);
  const std::string hash = fingerprint(read.front().study);
  std::set<std::string> versions;
  for (const auto& s : read) versions.insert(s.versions.begin(), s.versions.end());
  for (const auto& v : versions) out.bind(read.front().study, hash, v, allow_version_change);
  std::set<std::string> done;
  for (const auto& [options, status] : out.finished()) done.insert(options);
  std::size_t copied = 0;
  for (const auto& s : read)
    for (const Row& r : s.rows) {
      if (done.contains(r.options) || r.status == "killed") continue;
      out.put(r);
      done.insert(r.options);
      ++copied;
    }
  return copied;
}

std::string slurm_script(const Study& study, const std::string& program, const SlurmOptions& o) {
  namespace fs = std::filesystem;
  // A task asks for 3 times its points' estimated seconds (point_seconds) and at least 10 minutes.
  double worst = 0;
  for (int i = 0; i < o.shards; ++i) {
    double t = 0;
    for (const Point& p : shard_points(study, {i, o.shards})) t += point_seconds(study.command, p.options);
    worst = std::max(worst, t);
  }
  const long minutes = std::max(10L, static_cast<long>(std::ceil(3 * worst / 60)));
  const std::string dir = fs::absolute(o.store_dir.empty() ? "." : o.store_dir).lexically_normal().string();
  const std::string study_path = fs::absolute(study.path).lexically_normal().string();
  std::string s = "#!/bin/bash\n";
  s += fmt::format("# iclverify sweep of {} ({} points, study {}, {}), written by iclverify {}\n", study_path,
                   study.points.size(), study.hash, study.command, program_version());
  s += fmt::format("#SBATCH --job-name=iclverify-{}\n", study.hash.substr(0, 8));
  s += fmt::format("#SBATCH --array=0-{}%{}\n", o.shards - 1, o.limit > 0 ? o.limit : o.shards);
  s += fmt::format("#SBATCH --time={}:{:02d}:00\n", minutes / 60, minutes % 60);
  s += "#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n#SBATCH --mem=1G\n";
  s += fmt::format("#SBATCH --output={}/shard-%a.log\n", dir);
  s += fmt::format("# {} must exist before sbatch (Slurm opens the logs there)\n", dir);
  s += "set -euo pipefail\n";
  s += fmt::format(
      "exec {} sweep {} --shard \"$SLURM_ARRAY_TASK_ID/{}\" --store \"{}/shard-$SLURM_ARRAY_TASK_ID.sqlite\"\n",
      program, study_path, o.shards, dir);
  s += fmt::format("# then: {} sweep merge --store {}/study.sqlite {}/shard-*.sqlite\n", program, dir, dir);
  return s;
}

}  // namespace icl::sweep
