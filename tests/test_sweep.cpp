// The sweep's study files and shards (src/sweep, docs/sweep.md): the Cartesian product and canonical
// options of the points, flags, every refusal of a bad file, --shard, and the shard assignment (a
// partition of the points, balanced by the cost estimate, the same for every run).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "core/number.hpp"
#include "sweep/sweep.hpp"  // the module's index header compiles

using namespace icl;
using namespace icl::sweep;

namespace {

// A command "train" with a few options, as cli::command_options would list them.
std::vector<OptionSpec> options_of(const std::string& command) {
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
  CHECK(point_arguments(s, s.points[0], "prog") ==
        std::vector<std::string>{"prog", "train", "--lr", "0.1", "--quiet", "--seed", "1", "--steps", "10",
                                 "--trainer", "sgd", "--format", "json"});
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
  double total = 0, heaviest = 0, lightest = 1e300, largest_point = 0;
  for (int i = 0; i < K; ++i) {
    double load = 0;
    for (const Point& p : shard_points(s, {i, K})) {
      all.insert(p.key);
      load += point_cost(p.options);
      largest_point = std::max(largest_point, point_cost(p.options));
    }
    total += load;
    heaviest = std::max(heaviest, load);
    lightest = std::min(lightest, load);
    CHECK(shard_points(s, {i, K}).size() == shard_points(study_of(text), {i, K}).size());
  }
  std::multiset<std::string> want;
  for (const Point& p : s.points) want.insert(p.key);
  CHECK(all == want);  // every point in exactly one shard
  // Longest-processing-time: no shard exceeds the lightest by more than the largest point.
  CHECK(heaviest - lightest <= largest_point);
  CHECK(point_cost(nlohmann::json{{"steps", 200}}) > point_cost(nlohmann::json{{"steps", 100}}));
}

TEST_CASE("export drops every wall-time field") {
  nlohmann::json j = {{"seconds", 1.5}, {"a", {{"seconds", 2}, {"b", 3}}}, {"list", {{{"seconds", 4}}, 5}}};
  drop_wall_time(j);
  CHECK(j == nlohmann::json{{"a", {{"b", 3}}}, {"list", {nlohmann::json::object(), 5}}});
}
