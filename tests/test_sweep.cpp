// The sweep's study files and shards (src/sweep, docs/sweep.md): the Cartesian product and canonical
// options of the points, flags, every refusal of a bad file, --shard, and the shard assignment (a
// partition of the points, balanced by the cost estimate, the same for every run).
#include <doctest/doctest.h>
#include <sys/resource.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "core/number.hpp"
#include "sweep/executor.hpp"
#include "sweep/sweep.hpp"  // the module's index header compiles

using namespace icl;
using namespace icl::sweep;

namespace {

// A command "train" with a few options, as cli::command_options would list them.
std::vector<OptionSpec> options_of(const std::string& command) {
  if (command == "protocol")
    return {{"layers", false},    {"heads", false},      {"steps-pretrain", false}, {"steps-finetune", false},
            {"batch", false},     {"eval-batch", false}, {"test-seeds", false},     {"max-shots", false},
            {"optimizer", false}, {"seed", false},       {"quiet", true},           {"format", false}};
  if (command != "train") throw std::invalid_argument("unknown command '" + command + "'");
  return {{"trainer", false}, {"steps", false}, {"batch", false}, {"seed", false},
          {"lr", false},      {"quiet", true},  {"format", false}};
}

// Writes `text` to a temporary study file and reads it.
Study study_of(const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / "iclverify-test-study.toml";
  std::ofstream(path) << text;
  return read_study(path.string(), options_of);
}

std::string message(const std::string& text) {
  try {
    study_of(text);
  } catch (const InputError& e) {
    const std::string m = e.what();
    return m.substr(m.find(": ") + 2);  // without the file's path
  }
  return "";
}

}  // namespace

TEST_CASE("points: the Cartesian product of the axes, canonical options sorted, flags as true") {
  const Study s = study_of(
      "command = \"train\"\n[fixed]\ntrainer = \"sgd\"\nquiet = true\nlr = 0.1\n[axes]\nseed = [1, 2, 3]\n"
      "steps = [10, 20]\n");
  REQUIRE(s.points.size() == 6);
  CHECK(s.points[0].key == R"({"lr":0.1,"quiet":true,"seed":1,"steps":10,"trainer":"sgd"})");
  CHECK(s.points[1].key == R"({"lr":0.1,"quiet":true,"seed":1,"steps":20,"trainer":"sgd"})");
  CHECK(s.points[5].key == R"({"lr":0.1,"quiet":true,"seed":3,"steps":20,"trainer":"sgd"})");
  std::set<std::string> keys;
  for (const Point& p : s.points) keys.insert(p.key);
  CHECK(keys.size() == 6);
  CHECK(point_arguments(s, s.points[0], "prog") == std::vector<std::string>{"prog", "train", "--lr", "0.1", "--quiet",
                                                                            "--seed", "1", "--steps", "10", "--trainer",
                                                                            "sgd", "--format", "json"});
  // The study's identity does not depend on the order of the keys in the file.
  const Study t = study_of(
      "command = \"train\"\n[axes]\nsteps = [10, 20]\nseed = [1, 2, 3]\n[fixed]\nlr = 0.1\nquiet = true\n"
      "trainer = \"sgd\"\n");
  CHECK(t.canonical == s.canonical);
  CHECK(t.hash == s.hash);
  CHECK(study_of("command = \"train\"\n[axes]\nseed = [1, 2, 4]\n").hash !=
        study_of("command = \"train\"\n[axes]\nseed = [1, 2, 3]\n").hash);
}

TEST_CASE("a flag written false is absent; no axes is one point") {
  const Study s = study_of("command = \"train\"\n[axes]\nquiet = [true, false]\n");
  REQUIRE(s.points.size() == 2);
  CHECK(s.points[0].key == R"({"quiet":true})");
  CHECK(s.points[1].key == "{}");
  CHECK(study_of("command = \"train\"\n[fixed]\nquiet = false\n").points.at(0).key == "{}");
  CHECK(study_of("command = \"train\"\n").points.size() == 1);
}

TEST_CASE("a bad study file: one message naming the key") {
  CHECK(message("command = \"nope\"\n") == "command: unknown command 'nope'");
  CHECK(message("[fixed]\nseed = 1\n") == "expected command = \"NAME\"");
  CHECK(message("command = \"train\"\nextra = 1\n") == "unknown key 'extra' (command, [fixed], [axes])");
  CHECK(message("command = \"train\"\n[fixed]\ncolour = 1\n") == "[fixed] colour: 'colour' is not an option of train");
  CHECK(message("command = \"train\"\n[axes]\nseed = []\n") == "[axes] seed: the axis is empty (a study of no points)");
  CHECK(message("command = \"train\"\n[axes]\nseed = 1\n") == "[axes] seed: expected a list of values");
  CHECK(message("command = \"train\"\n[axes]\nseed = [1, 1]\n") == "[axes] seed: the value 1 is listed twice");
  CHECK(message("command = \"train\"\n[fixed]\nquiet = 1\n") ==
        "[fixed] quiet: 'quiet' is a flag of train, written quiet = true");
  CHECK(message("command = \"train\"\n[fixed]\nseed = true\n") == "[fixed] seed: 'seed' takes a value, not true/false");
  CHECK(message("command = \"train\"\n[fixed]\nformat = \"json\"\n") ==
        "[fixed] format: 'format' is set by the sweep (every point prints JSON)");
  CHECK(message("command = \"train\"\n[fixed]\nseed = 1\n[axes]\nseed = [2]\n") ==
        "[axes] seed: 'seed' is both fixed and an axis");
  CHECK(message("command = \"train\"\n[fixed]\nseed = [1]\n") ==
        "[fixed] seed: expected an integer, a number, a string or a boolean");
  CHECK(message("command = \"train\"\n").empty());  // the mutant of the checks above: a good file passes
  // More points than a study may have, refused before any is built (400^2 = 160000; 300^2 = 90000 passes).
  const auto axes_of = [](int k) {
    std::string values;
    for (int i = 1; i <= k; ++i) values += (i > 1 ? ", " : "") + std::to_string(i);
    return "command = \"train\"\n[axes]\nseed = [" + values + "]\nsteps = [" + values + "]\n";
  };
  CHECK(message(axes_of(400)) == "the axes make 160000 points, more than 100000 (the limit of a study; split it)");
  CHECK(study_of(axes_of(300)).points.size() == 90000);
}

TEST_CASE("--shard I/K") {
  CHECK(read_shard("0/1").count == 1);
  CHECK(read_shard("2/3").index == 2);
  for (const char* bad : {"3/2", "2/2", "1", "-1/2", "a/b", "1/0", ""}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(read_shard(bad), InputError);
  }
}

TEST_CASE("shards: a partition of the points, balanced by cost, the same every time") {
  std::string text = "command = \"train\"\n[axes]\nsteps = [";
  for (int i = 1; i <= 23; ++i) text += std::to_string(i * 37 % 101) + (i < 23 ? ", " : "]\nseed = [1, 2]\n");
  const Study s = study_of(text);
  REQUIRE(s.points.size() == 46);
  const int K = 4;
  std::multiset<std::string> all;
  double heaviest = 0, lightest = 1e300, largest_point = 0;
  for (int i = 0; i < K; ++i) {
    double load = 0;
    for (const Point& p : shard_points(s, {i, K})) {
      all.insert(p.key);
      load += point_seconds("train", p.options);
      largest_point = std::max(largest_point, point_seconds("train", p.options));
    }
    heaviest = std::max(heaviest, load);
    lightest = std::min(lightest, load);
    CHECK(shard_points(s, {i, K}).size() == shard_points(study_of(text), {i, K}).size());
  }
  std::multiset<std::string> want;
  for (const Point& p : s.points) want.insert(p.key);
  CHECK(all == want);  // every point in exactly one shard
  // Longest-processing-time: no shard exceeds the lightest by more than the largest point.
  CHECK(heaviest - lightest <= largest_point);
  CHECK(point_seconds("train", {{"steps", 200}}) > point_seconds("train", {{"steps", 100}}));
}

TEST_CASE("point_seconds: training and Monte Carlo evaluation add up, priced as measured") {
  // The authors' two-layer protocol point (examples/sweep/two_layers_authors.toml): 11 min on one core
  // here from the measured prices (docs/sweep.md); the estimate is within a factor 2 of it. A model that multiplies the
  // training and evaluation costs instead of adding them says years.
  const nlohmann::json authors = {
      {"layers", 2},   {"heads", 2},         {"steps-pretrain", 5000}, {"steps-finetune", 5000},
      {"batch", 5000}, {"eval-batch", 1000}, {"test-seeds", 5},        {"max-shots", 40}};
  const double t = point_seconds("protocol", authors);
  CHECK(t > 330);
  CHECK(t < 1320);
  // The protocol's defaults are the authors' sizes.
  nlohmann::json defaults = authors;
  for (const char* key : {"steps-pretrain", "steps-finetune", "batch"}) defaults.erase(key);
  CHECK(point_seconds("protocol", defaults) == t);
  // One layer: exact risk curves, so the evaluation batch costs nothing; two layers: Monte Carlo.
  nlohmann::json one = authors, one_small = authors, two_small = authors;
  one["layers"] = one_small["layers"] = 1;
  one_small["eval-batch"] = two_small["eval-batch"] = 10;
  CHECK(point_seconds("protocol", one) == point_seconds("protocol", one_small));
  CHECK(point_seconds("protocol", authors) - point_seconds("protocol", two_small) > 20);
  CHECK(point_seconds("protocol", one) < t / 1.5);  // measured: 1.29 against 2.83 us a prompt-step
  // check --full runs the paper's sizes: a Slurm task of one such point asks for hours, not 10 minutes.
  CHECK(point_seconds("check", {{"full", true}, {"only", "A.two_layers_auxiliary"}}) >= 3600);
  CHECK(point_seconds("check", {{"only", "C1"}}) < 600);
}

TEST_CASE("slurm: the time request is 3 times the largest shard's estimate") {
  const Study s = study_of(
      "command = \"protocol\"\n[fixed]\nlayers = 2\nheads = 2\nmax-shots = 40\n[axes]\n"
      "optimizer = [\"sgd\", \"adam\"]\nseed = [1, 2, 3, 4, 5]\n");
  const auto minutes = [&](int shards) {
    const std::string script = slurm_script(s, "iclverify", {shards, 0, "/tmp"});
    const auto at = script.find("#SBATCH --time=");
    REQUIRE(at != std::string::npos);
    const std::string hm = script.substr(at + 15, script.find('\n', at) - at - 15);
    return 60 * std::stol(hm.substr(0, hm.find(':'))) + std::stol(hm.substr(hm.find(':') + 1));
  };
  const double one_point = point_seconds("protocol", s.points.at(0).options);
  CHECK(minutes(10) == static_cast<long>(std::ceil(3 * one_point / 60)));  // one point a task
  CHECK(minutes(5) == static_cast<long>(std::ceil(3 * 2 * one_point / 60)));
}

TEST_CASE("export drops every wall-time field") {
  nlohmann::json j = {{"seconds", 1.5}, {"a", {{"seconds", 2}, {"b", 3}}}, {"list", {{{"seconds", 4}}, 5}}};
  drop_wall_time(j);
  CHECK(j == nlohmann::json{{"a", {{"b", 3}}}, {"list", {nlohmann::json::object(), 5}}});
}

namespace {
// How often this process went to sleep by itself (voluntary context switches): a wait in the kernel
// is a handful of them, a polling loop one per poll. Unlike CPU time it does not grow when other
// processes load the machine.
long own_wakeups() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_nvcsw;
}
}  // namespace

TEST_CASE("the local executor sleeps while its points run, and reports each with its exit status") {
  // A sweep waits hours for its points: it must wait in the kernel, not poll (it polled every 2 ms
  // before: about 500 wakeups over this one-second wait; poll(50) in the kernel wakes about 20 times).
  const auto executor = local_executor("/bin/sleep", 2);
  executor->start(7, {"sleep", "1"});
  executor->start(8, {"sleep", "not-a-number"});
  std::vector<Finished> done;
  const long wakeups0 = own_wakeups();
  while (done.size() < 2)
    for (Finished& f : executor->poll(50)) done.push_back(std::move(f));
  const long wakeups = own_wakeups() - wakeups0;
  INFO("voluntary context switches over the wait: ", wakeups);
  CHECK(wakeups < 100);
  REQUIRE(done.size() == 2);
  CHECK(done[0].index == 8);  // the refused one ends first
  CHECK(done[0].exit_code != 0);
  CHECK(done[1].index == 7);
  CHECK(done[1].exit_code == 0);
  CHECK(done[1].wall >= 1.0);
  CHECK(executor->running() == 0);
}
