// The command line's input layer (src/cli/inputs.hpp): one rule and one message per shared option.
#include <doctest/doctest.h>

#include <string>

#include "cli/commands.hpp"  // the module's index header compiles
#include "cli/inputs.hpp"

using namespace icl;
using namespace icl::cli;

namespace {

// The message of the InputError that `read` throws ("" if it throws none).
template <class Read>
std::string message(Read read) {
  try {
    read();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("--sigma2: exact, >= 0, one message for a negative value") {
  CHECK(read_sigma2("0.1") == Rational(1, 10));
  CHECK(read_sigma2("0") == Rational(0));
  CHECK(message([] { read_sigma2("-1"); }) == "--sigma2: '-1' is negative (the noise variance must be >= 0)");
  CHECK(message([] { read_sigma2("nan"); }).rfind("--sigma2: 'nan' ", 0) == 0);
}

TEST_CASE("--d: an integer in [1, limit]; below 1 the same message whatever the limit") {
  CHECK(read_dimension("5") == 5);
  CHECK(read_dimension("200", 200) == 200);
  CHECK(message([] { read_dimension("0"); }) == "--d: '0' is not an integer >= 1");
  CHECK(message([] { read_dimension("0", 200); }) == "--d: '0' is not an integer >= 1");
  CHECK(message([] { read_dimension("2.5"); }) == "--d: '2.5' is not an integer >= 1");
  CHECK(message([] { read_dimension("201", 200); }) ==
        "--d: '201' is larger than 200, the largest d this command takes");
}

TEST_CASE("--theta: length d, nonzero, e_1 when not given") {
  CLI::App app;
  std::string text;
  CLI::Option* opt = add_theta(app, text, "");
  CHECK(read_theta(opt, text, 3) == Vec<Rational>::Unit(3, 0));
  app.parse("--theta 3/5,4/5", false);
  CHECK(read_theta(opt, text, 2) == (Vec<Rational>(2) << Rational(3, 5), Rational(4, 5)).finished());
  CHECK(message([&] { read_theta(opt, text, 3); }) == "--theta: has 2 entries, expected d = 3");
  text = "0,0";
  CHECK(message([&] { read_theta(opt, text, 2); }) ==
        "--theta: '0,0' is the zero vector (a task direction must be nonzero)");
}

TEST_CASE("--shots, --seed, --threads, --digits, --only") {
  CHECK(read_shots("0:2,5") == std::vector<long>{0, 1, 2, 5});
  CHECK(message([] { read_shots("5:1"); }) == "--shots: '5:1' is a range a:b with a > b");
  CHECK(read_seed("7") == 7ULL);
  CHECK(message([] { read_seed("-3"); }).rfind("--seed: '-3' ", 0) == 0);
  CHECK(read_threads("3") == 3);
  CHECK(read_threads("") >= 1);
  CHECK(message([] { read_threads("0"); }) == "--threads: '0' is outside [1, 1024]");
  CHECK(read_digits("50") == 50);
  CHECK(message([] { read_digits("51"); }) == "--digits: '51' is outside [1, 50]");
  CHECK(read_ids("C1, C2.x") == std::vector<std::string>{"C1", "C2.x"});
  CHECK(message([] { read_ids("C1,,C2"); }) == "--only: 'C1,,C2' has an empty id");
}

TEST_CASE("--exact and --digits: one precision, exclusive") {
  CLI::App app;
  PrecisionArgs a;
  add_precision(app, a);
  CHECK(read_precision(a).name() == "double");
  app.parse("--digits 30", false);
  CHECK(read_precision(a).kind == Precision::Kind::Digits);
  CHECK(read_precision(a).name() == "30 digits");
  a.exact = true;
  CHECK(message([&] { read_precision(a); }) == "--exact and --digits exclude each other");
}

TEST_CASE("c of F(c), --update, --param") {
  CHECK(read_c("-3", "--c") == Rational(-3));
  CHECK(message([] { read_c("0", "--c"); }) == "--c: '0' is not allowed (F(c) needs c != 0)");
  CHECK(message([] { read_c("0", "A (c)"); }) == "A (c): '0' is not allowed (F(c) needs c != 0)");
  CHECK(update_coordinates(Parameterization::Separate, 4, "q").size() == 16);
  CHECK(message([] {
          update_coordinates(Parameterization::Merged, 4, "k");
        }).rfind("--update k: needs the separate", 0) == 0);
  CHECK(read_parameterization("separate") == Parameterization::Separate);
  CHECK(read_parameterization("merged") == Parameterization::Merged);
}

TEST_CASE("--format: the first choice is the default; CLI11 rejects the others") {
  CLI::App app;
  std::string format;
  add_format(app, format, {"table", "json"});
  CHECK(format == "table");
  CHECK_THROWS_AS(app.parse("--format xml", false), CLI::ParseError);
}

TEST_CASE("--heads, --layers and positive reals of the L x H trainers") {
  CHECK(read_heads("3") == 3);
  CHECK(read_layers("2") == 2);
  CHECK(message([] { read_heads("0"); }) == "--heads: '0' is outside [1, 64]");
  CHECK(message([] { read_layers("17"); }) == "--layers: '17' is outside [1, 16]");
  CHECK(read_positive("0.25", "--lr") == 0.25);
  CHECK(read_positive("0", "--noise-std", true) == 0);
  CHECK(message([] { read_positive("0", "--x-std"); }) == "--x-std: '0' must be > 0");
  CHECK(message([] { read_positive("-1", "--noise-std", true); }) == "--noise-std: '-1' must be >= 0");
}
