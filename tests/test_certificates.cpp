// Proof certificates (src/claims/certificate.hpp): what a decision exports (the atoms' node values
// in row-major order with k fastest, each the engine's (k+1)^2 R; one part per derivative of a
// stationary list), the file names, and the atomic writer. The independent checker is tested by
// tests/cli_certificates_test.sh and tests/checker/.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "claims/atoms.hpp"
#include "claims/certificate.hpp"
#include "claims/ginac_rational.hpp"
#include "claims/verify.hpp"
#include "core/number.hpp"

using namespace icl;
using namespace icl::claims;

namespace {

const char* kFile = R"TOML([symbols]
gamma = "0 < gamma < 2"
e1 = "real"
e2 = "real"

[family.P]
"V.yy" = "1"
"Q.xx" = "gamma*I"

[family.Pe]
"V.yy" = "1 + e1"
"Q.xx" = "(gamma + e2)*I"

[[statement]]
name = "R_pre"
identity = "risk(P, theta0, n) = 1 + s2 - 2*gamma*n/N + gamma^2*n*(n + d + 1 + d*s2)/N^2"

[[statement]]
name = "both"
stationary = "risk(Pe, theta0, 0)"
in = ["e1", "e2"]
at = "0"
where = { gamma = "1/2" }
)TOML";

}  // namespace

TEST_CASE("an identity's certificate holds the engine's (k+1)^2 R at every node, k fastest") {
  const ClaimFile f = parse_claim_file(kFile, "t.toml");
  Verifier v(f);
  CHECK(v.decide(f.statements[0]).certificate.is_null());  // off by default
  v.set_certificates(true);
  const Decision d = v.decide(f.statements[0]);
  REQUIRE(d.verdict == ClaimVerdict::Proved);
  const auto& atom = d.certificate["parts"][0]["atoms"]["P|theta0"];
  const auto& vars = atom["variables"];
  REQUIRE(vars.size() == 4);  // d, s2, gamma, k
  CHECK(vars[3]["name"] == "k");
  std::vector<int> nodes;
  for (const auto& x : vars) nodes.push_back(x["nodes"].get<int>());
  CHECK(atom["values"].size() == std::size_t(nodes[0] * nodes[1] * nodes[2] * nodes[3]));
  // the node (d = 2, s2 = 1, gamma = 3, k = 4): indices (1, 1, 2, 4)
  const std::size_t index = ((1 * nodes[1] + 1) * nodes[2] + 2) * nodes[3] + 4;
  const GiNaC::exmap at{{f.d_sym, 2}, {f.s2_sym, 1}, {f.symbol("gamma")->sym, 3}};
  const Rational engine = engine_risk(f, f.families.at("P"), TaskKind::Theta0, at, 4) * 25;
  CHECK(atom["values"][index] == to_fraction(engine));
  CHECK(atom["values"][index + 1] != to_fraction(engine));  // mutant: the neighbouring node (gamma = 4, k = 0)
  CHECK(d.certificate["parts"][0]["left_minus_right"] == "0");
}

TEST_CASE("a stationary list has one part per name, each fixing the others at the point") {
  const ClaimFile f = parse_claim_file(kFile, "t.toml");
  Verifier v(f);
  v.set_certificates(true);
  const Decision d = v.decide(f.statements[1]);
  REQUIRE(d.verdict == ClaimVerdict::Proved);
  const auto& parts = d.certificate["parts"];
  REQUIRE(parts.size() == 2);
  CHECK(parts[0]["in"] == "e1");
  CHECK(parts[0]["where"]["e2"] == "0");
  CHECK(parts[1]["in"] == "e2");
  CHECK(parts[1]["where"]["e1"] == "0");
  CHECK(parts[1]["derivative"] == "0");
  const auto doc = certificate_document("t.both", f, f.statements[1], d);
  CHECK(doc["format_version"] == kCertificateFormatVersion);
  CHECK(doc["statement"]["in"] == nlohmann::json({"e1", "e2"}));
  CHECK(doc["families"]["Pe"]["blocks"]["Q.xx"] == "(gamma + e2)*I");
}

TEST_CASE("certificate files: names, duplicates, an unwritable directory") {
  CHECK(certificate_file_name("C2.worse set on theta0 at gamma = 10/13") ==
        "C2.worse_set_on_theta0_at_gamma___10_13.json");
  CHECK(certificate_file_name("a/../b") == "a_.._b.json");
  const auto dir = std::filesystem::temp_directory_path() / "icl_test_certificates";
  std::filesystem::remove_all(dir);
  const auto written = write_certificates(dir.string(), {{"x y", {{"a", 1}}}, {"x/y", {{"a", 2}}}});
  REQUIRE(written.size() == 2);
  CHECK(std::filesystem::path(written[0]).filename() == "x_y.json");
  CHECK(std::filesystem::path(written[1]).filename() == "x_y-2.json");
  std::ifstream in(written[1]);
  CHECK(nlohmann::json::parse(in)["a"] == 2);
  CHECK(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator{}) == 2);
  std::ofstream(dir / "plain") << "x";
  CHECK_THROWS_AS(write_certificates((dir / "plain" / "sub").string(), {{"x", {}}}), InputError);
  std::filesystem::remove_all(dir);
}
