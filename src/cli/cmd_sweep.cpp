// iclverify sweep: a study of many runs of one command into one SQLite store, on this machine (K child
// processes), under mpirun (main.cpp and sweep_mpi), or as Slurm job-array shards merged afterwards
// (docs/sweep.md). The mechanism is src/sweep; this file is its command line.
#include <fmt/format.h>
#include <unistd.h>

#include <iostream>
#include <limits>

#include "cli/app.hpp"
#include "cli/commands.hpp"
#include "core/number.hpp"
#include "sweep/sweep.hpp"

namespace icl::cli {
namespace {

struct SweepArgs {
  std::string study, store, jobs = "1", shard, emit, shards = "1", limit, store_dir;
  bool allow_version_change = false, quiet = false;
  CLI::App* export_cmd = nullptr;
  CLI::App* merge_cmd = nullptr;
  CLI::App* status_cmd = nullptr;
  std::string export_format = "json", status_format = "text";
  std::vector<std::string> merge_from;
};

sweep::Study read_study(const std::string& path) {
  return sweep::read_study(path, [](const std::string& command) {
    std::vector<sweep::OptionSpec> out;
    for (const OptionInfo& o : command_options(command))
      if (!o.positional) out.push_back({o.name, o.flag});
    return out;
  });
}

Result run_sweep(const SweepArgs& a, const Host& host) {
  if (a.export_cmd->parsed()) return {sweep::export_json(a.store)};
  if (a.merge_cmd->parsed()) {
    const std::size_t n = sweep::merge_stores(a.store, a.merge_from, a.allow_version_change);
    return {"", 0, fmt::format("sweep merge: {} points copied into {}\n", n, a.store)};
  }
  if (a.status_cmd->parsed()) {
    const sweep::Status s = sweep::study_status(read_study(a.study), a.store);
    return {a.status_format == "json" ? sweep::status_json(s).dump(1) + "\n" : sweep::status_text(s)};
  }
  if (a.study.empty())
    throw InputError("sweep: give a study file STUDY.toml (or: sweep export, sweep merge, sweep status)");
  const sweep::Study study = read_study(a.study);
  const sweep::Shard shard = a.shard.empty() ? sweep::Shard{} : sweep::read_shard(a.shard);
  const std::vector<sweep::Point> points = sweep::shard_points(study, shard);
  sweep::validate_points(study, study.points, [&](const std::vector<std::string>& args) {
    const Outcome o = validate_command_line(args);
    if (o.status == 0) return std::string();
    std::string line = o.err.substr(0, o.err.find('\n'));
    const std::string prefix = "iclverify: error: ";
    return line.starts_with(prefix) ? line.substr(prefix.size()) : line;
  });
  if (a.emit == "slurm") {
    if (host.program.empty()) throw InputError("sweep --emit slurm: runs from the iclverify executable only");
    sweep::SlurmOptions o;
    o.shards = static_cast<int>(parse_integer(a.shards, "--shards", 1, 100000));
    o.limit = a.limit.empty() ? 0 : static_cast<int>(parse_integer(a.limit, "--limit", 1, 100000));
    o.store_dir = a.store_dir;
    return {sweep::slurm_script(study, host.program, o)};
  }
  if (a.store.empty()) throw InputError("sweep: --store S.sqlite is required");
  if (host.program.empty())
    throw InputError("sweep: points run as processes of the iclverify executable; run the sweep from it");
  const int jobs = static_cast<int>(parse_integer(a.jobs, "--jobs", 1, 1024));
  const auto executor =
      host.distributed ? host.distributed(host.program, jobs) : sweep::local_executor(host.program, jobs);
  sweep::RunOptions o;
  o.store = a.store;
  o.allow_version_change = a.allow_version_change;
  o.quiet = a.quiet;
  const sweep::RunSummary s = sweep::run_points(study, points, o, *executor, std::cerr, isatty(2) != 0);
  const std::string summary = fmt::format(
      "sweep: {} points{}: {} already in the store ({} failed), {} ran ({} ok, {} failed, {} killed); "
      "store {}\n",
      s.points, a.shard.empty() ? "" : " in shard " + a.shard, s.skipped, s.failed_before, s.ok + s.failed + s.killed,
      s.ok, s.failed, s.killed, a.store);
  return {"", s.failed + s.killed + s.failed_before > 0 ? 1 : 0, summary};
}

}  // namespace

Runner add_sweep(CLI::App& app, const Host& host) {
  auto a = std::make_shared<SweepArgs>();
  app.require_subcommand(0, 1);
  app.add_option("study", a->study, "The study file (TOML: command, [fixed], [axes]; docs/sweep.md)")
      ->type_name("STUDY.toml");
  app.add_option("--store", a->store, "The SQLite store of the results (created when absent)")->type_name("S.sqlite");
  app.add_option("--jobs", a->jobs, "Points at a time on this machine (default 1)")->type_name("K");
  app.add_option("--shard", a->shard, "Run only shard I of K (0 <= I < K; Slurm array tasks)")->type_name("I/K");
  app.add_flag("--allow-version-change", a->allow_version_change,
               "Add to a store that another iclverify version wrote (both versions are recorded)");
  app.add_option("--emit", a->emit, "Print a Slurm job-array script instead of running")
      ->type_name("slurm")
      ->check(CLI::IsMember({"slurm"}));
  app.add_option("--shards", a->shards, "--emit slurm: array tasks K (default 1)")->type_name("K");
  app.add_option("--limit", a->limit, "--emit slurm: tasks running at a time (default all)")->type_name("N");
  app.add_option("--store-dir", a->store_dir, "--emit slurm: directory of the shard stores and logs (default .)")
      ->type_name("DIR");
  app.add_flag("--quiet", a->quiet, "No progress lines");
  a->export_cmd = app.add_subcommand("export", "Print a store's finished points as JSON, sorted, wall times removed");
  a->export_cmd->add_option("--store", a->store, "The store")->type_name("S.sqlite")->required();
  a->export_cmd->add_option("--format", a->export_format, "json (default)")->check(CLI::IsMember({"json"}));
  a->merge_cmd = app.add_subcommand("merge", "Copy the finished points of shard stores into one store");
  a->merge_cmd->add_option("--store", a->store, "The merged store (created when absent)")
      ->type_name("S.sqlite")
      ->required();
  a->merge_cmd->add_option("shards", a->merge_from, "The shard stores")->type_name("SHARD.sqlite")->required();
  a->merge_cmd->add_flag("--allow-version-change", a->allow_version_change,
                         "Accept shards or a store of other iclverify versions");
  a->status_cmd = app.add_subcommand(
      "status", "How far a study has got in its store: finished, to run, CPU spent and still needed");
  a->status_cmd->add_option("study", a->study, "The study file")->type_name("STUDY.toml")->required();
  a->status_cmd->add_option("--store", a->store, "The store (it may be in use by a running sweep)")
      ->type_name("S.sqlite")
      ->required();
  a->status_cmd->add_option("--format", a->status_format, "text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  app.footer(
      "Examples:\n"
      "  iclverify sweep study.toml --store s.sqlite --jobs 2\n"
      "  mpirun -np 4 iclverify sweep study.toml --store s.sqlite\n"
      "  iclverify sweep study.toml --emit slurm --shards 8 > study.sbatch; then sweep merge --store s.sqlite "
      "shard-*.sqlite\n"
      "  iclverify sweep export --store s.sqlite --format json\n"
      "  iclverify sweep status study.toml --store s.sqlite   (also while it runs)\n"
      "Exit status: 0; 1 if a point failed; 2 on bad input (nothing ran, the store untouched).\n");
  return [a, &host] { return unsplit([a, &host] { return run_sweep(*a, host); }); };
}

}  // namespace icl::cli
