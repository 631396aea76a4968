// The verdict machinery and the primitives: each can fail.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "theorems/theorems.hpp"
#include "verify/primitives.hpp"
// Every module's index header compiles (each lists all of its module's parts).
#include "closed_form/closed_form.hpp"
#include "core/core.hpp"
#include "exact/exact.hpp"
#include "model/model.hpp"
#include "poly/poly.hpp"
#include "prove/prove.hpp"
#include "sim/sim.hpp"
#include "spectral/spectral.hpp"
#include "train/train.hpp"
#include "verify/verify.hpp"

using namespace icl;

TEST_CASE("a throwing check is a FAIL carrying the message; --only filters by claim or id") {
  Claim c{"X", "t", "s", {}, {}};
  c.checks.push_back({"X.ok", "", [](const CheckContext&) { return Outcome{Verdict::Pass, "fine"}; }});
  c.checks.push_back({"X.boom", "", [](const CheckContext&) -> Outcome { throw std::runtime_error("kaput"); }});
  const auto all = run_checks({c}, {}, CheckContext{});
  REQUIRE(all.size() == 2);
  CHECK(all[1].verdict == Verdict::Fail);
  CHECK(all[1].evidence.find("kaput") != std::string::npos);
  CHECK(run_checks({c}, {"X.ok"}, CheckContext{}).size() == 1);
  CHECK(run_checks({c}, {"X"}, CheckContext{}).size() == 2);
  std::string unknown;
  CHECK(has_unknown_id({c}, {"X", "Y.z"}, unknown));
  CHECK(unknown == "Y.z");
  CHECK_FALSE(has_unknown_id({c}, {"X.boom"}, unknown));
}

TEST_CASE(
    "coverage: each check's killers are read off the mutants' caught_by; unkilled checks are UNGUARDED unless "
    "they say why") {
  auto pass = [](const CheckContext&) { return Outcome{Verdict::Pass, ""}; };
  Claim c{"X", "t", "s", {}, {}};
  c.checks.push_back({"X.a", "", pass});
  c.checks.push_back({"X.b", "", pass});
  c.checks.push_back({"X.note", "", pass, "reported, never judged"});
  Claim y{"Y", "t", "s", {}, {}};
  y.checks.push_back({"Y.a", "", pass});
  // A mutant of X caught by X.a; a mutant of Y that names X.b (another claim's check: not X's killer).
  const std::vector<MutantOutcome> outcomes{{"m1", "X", {"X.a"}, 0}, {"m2", "Y", {"X.b", "Y.a"}, 0}};
  const auto cov = coverage({c, y}, outcomes, {});
  REQUIRE(cov.size() == 4);
  CHECK(cov[0].id == "X.a");
  CHECK(cov[0].guard() == Guard::Guarded);
  CHECK(cov[0].killed_by == std::vector<std::size_t>{0});
  CHECK(cov[1].guard() == Guard::Unguarded);
  CHECK(cov[2].guard() == Guard::Exempt);
  CHECK(cov[3].killed_by == std::vector<std::size_t>{1});
  CHECK(coverage({c, y}, outcomes, {"Y"}).size() == 1);
  CHECK(std::string(guard_name(Guard::Unguarded)) == "UNGUARDED");
}

TEST_CASE("primitives fail when they should") {
  CHECK(all_equal({{"a", Rational(1, 3), Rational(1, 3)}}, "w").verdict == Verdict::Pass);
  CHECK(all_equal({{"a", Rational(1, 3), Rational(1, 3) + Rational(1, 1000000000)}}, "w").verdict == Verdict::Fail);
  const auto parabola = [](const Rational& x) { return (x - Rational(2, 3)) * (x - Rational(2, 3)); };
  CHECK(all_stationary_minima({{"min", parabola, Rational(2, 3), 2}}, "w").verdict == Verdict::Pass);
  CHECK(all_stationary_minima({{"off", parabola, Rational(2, 3) + Rational(1, 1000), 2}}, "w").verdict ==
        Verdict::Fail);
  const auto cap = [](const Rational& x) { return -(x * x); };
  CHECK(all_stationary_minima({{"max", cap, Rational(0), 2}}, "w").verdict == Verdict::Fail);
  PrecisionAgreement bad;
  accumulate_precision(bad, []<class T>(std::type_identity<T>) {
    if constexpr (std::is_same_v<T, double>)
      return 1.0 + 1e-9;
    else
      return T(1);
  });
  CHECK(precision_outcome(bad).verdict == Verdict::Fail);
  CheckContext ctx;
  CHECK(all_within_z({{"far", 1.0, sim::McEstimate{1.5, 0.1, 100}}}, ctx).verdict == Verdict::Fail);
  CHECK(all_within_z({{"near", 1.0, sim::McEstimate{1.2, 0.1, 100}}}, ctx).verdict == Verdict::Pass);
}

TEST_CASE("cancellation in double is measured against 50 digits and flagged") {
  // (1 + 1e-20) - 1: 0 in double, 1e-20 in 50 digits.
  const TrustedValue t = trusted_value([]<class T>(std::type_identity<T>) {
    const T tiny = T(1) / T(100000) / T(100000) / T(100000) / T(100000);
    return T(T(1) + tiny) - T(1);
  });
  CHECK(t.value > 0);
  CHECK(t.double_vs_50 > kCancellation);
  CheckContext ctx;
  const Outcome o = all_within_z({{"c", t.value, sim::McEstimate{t.value, 1.0, 100}, t.double_vs_50}}, ctx);
  CHECK(o.evidence.find("CANCELLATION") != std::string::npos);
  const TrustedValue fine = trusted_value([]<class T>(std::type_identity<T>) { return T(1) / T(3); });
  CHECK(fine.double_vs_50 < 1e-15);
}

TEST_CASE("the registry: E, C1..C6, P (proofs), unique ids prefixed by their claim, at least 10 checks") {
  const auto claims = theorems::all_claims();
  std::vector<std::string> names;
  for (const auto& c : claims) names.push_back(c.id);
  const std::vector<std::string> paper{"E", "C1", "C2", "C3", "C4", "C5", "C6"};
  REQUIRE(names.size() >= paper.size());
  CHECK(std::vector<std::string>(names.begin(), names.begin() + 7) == paper);
  CHECK(std::find(names.begin(), names.end(), "P") != names.end());
  std::set<std::string> ids;
  std::size_t total = 0;
  for (const auto& c : claims)
    for (const auto& k : c.checks) {
      CHECK(k.id.rfind(c.id + ".", 0) == 0);
      CHECK(ids.insert(k.id).second);
      ++total;
    }
  CHECK(total >= 10);
}

TEST_CASE("the registry: each row builds the claim it names, and every mutant names a claim of the registry") {
  const auto ids = theorems::claim_ids();
  const auto claims = theorems::all_claims();
  REQUIRE(claims.size() == ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) CHECK(claims[i].id == ids[i]);
  CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == ids.size());
  std::size_t total = 0;
  for (const auto& e : theorems::registry()) {
    const auto cases = e.file.mutants();
    total += cases.size();
    for (const auto& c : cases) {
      INFO(e.id << " mutant " << c.name << " for claim " << c.claim);
      CHECK(std::find(ids.begin(), ids.end(), c.claim) != ids.end());
    }
  }
  CHECK(theorems::all_mutant_cases().size() == total);
}

TEST_CASE("case seeds are distinct") {
  CheckContext ctx;
  std::set<std::uint64_t> seeds;
  for (std::uint64_t i = 0; i < 1000; ++i) seeds.insert(case_seed(ctx, i));
  CHECK(seeds.size() == 1000);
}
