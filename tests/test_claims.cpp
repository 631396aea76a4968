// Claim files (src/claims): the block algebra against matrix products, the risk atoms against the
// engine off their grid, the four kinds of statement, and wrong statements caught.
#include <doctest/doctest.h>

#include "claims/atoms.hpp"
#include "claims/ginac_rational.hpp"
#include "claims/verify.hpp"
#include "core/number.hpp"
#include "exact/risk.hpp"

using namespace icl;
using namespace icl::claims;

namespace {

const char* kHeader = R"TOML([symbols]
gamma = "0 < gamma < 2"
c = "c != 0"
a = "real"
b = "real"
w = "real"

[family.P]
"V.yy" = "1"
"Q.xx" = "gamma*I"

[family.F]
"V.yx" = "c*theta0"
"V.yy" = "1"
"Q.00" = "1/c"

[family.S]   # separate form: Q_sep^T K = (a b) I on x, plus a memorizing part through the constant row
"V.yy" = "w"
"Qsep.xx" = "a*I + P"
"K.xx" = "b*I"
"Qsep.0x" = "theta0"
"K.0y" = "c"
)TOML";

Decision decide(const std::string& statements, const std::string& name) {
  const ClaimFile f = parse_claim_file(std::string(kHeader) + statements, "test.toml");
  Verifier v(f);
  for (const auto& s : f.statements)
    if (s.name == name) return v.decide(s);
  FAIL("no statement " << name);
  return {};
}

}  // namespace

TEST_CASE("separate blocks multiply as the matrices do") {
  const ClaimFile f =
      parse_claim_file(std::string(kHeader) + "[[statement]]\nname = \"x\"\nidentity = \"1 = 1\"\n", "t");
  const Family& S = f.families.at("S");
  const GiNaC::exmap at{{f.symbol("a")->sym, GiNaC::numeric(2, 3)},
                        {f.symbol("b")->sym, GiNaC::numeric(-5, 7)},
                        {f.symbol("c")->sym, GiNaC::numeric(3)}};
  auto eval = [&](const GiNaC::ex& e) { return *rational_value(e.subs(at)); };
  // build Q_sep and K directly at d = 3 and compare Q_sep^T K with the block algebra's M
  const int d = 3;
  Mat<Rational> Qsep = Mat<Rational>::Zero(d + 2, d + 2), K = Qsep;
  for (int i = 1; i <= d; ++i) Qsep(i, i) = Rational(2, 3), K(i, i) = Rational(-5, 7);
  Qsep(1, 1) += 1;  // + P
  Qsep(0, 1) = 1;   // Qsep.0x = theta0 (a row)
  K(0, d + 1) = 3;  // K.0y = c
  const Mat<Rational> want = Qsep.transpose() * K;
  CHECK(S.M.concrete(d, eval) == want);
}

TEST_CASE("a risk atom equals the engine away from its grid") {
  const ClaimFile f =
      parse_claim_file(std::string(kHeader) + "[[statement]]\nname = \"x\"\nidentity = \"1 = 1\"\n", "t");
  const GiNaC::symbol k("k");
  const AtomFit fit = fit_atom(f, f.families.at("S"), TaskKind::Sphere, {}, k);
  CHECK(fit.d_axis);
  const GiNaC::exmap at{{f.symbol("a")->sym, GiNaC::numeric(3, 11)},
                        {f.symbol("b")->sym, GiNaC::numeric(7, 5)},
                        {f.symbol("c")->sym, GiNaC::numeric(-2, 9)},
                        {f.symbol("w")->sym, GiNaC::numeric(13, 4)},
                        {f.d_sym, 9},  // beyond the d nodes of the grid
                        {f.s2_sym, GiNaC::numeric(5, 3)}};
  GiNaC::exmap with_k = at;
  with_k[k] = 17;
  const Rational fitted = *rational_value(fit.value.subs(with_k));
  CHECK(fitted == engine_risk(f, f.families.at("S"), TaskKind::Sphere, at, 17));
}

TEST_CASE("the four kinds decide the paper's formulas and refute wrong ones") {
  const std::string s = R"TOML(
[[statement]]
name = "R_pre"
identity = "risk(P, theta0, n) = 1 + s2 - 2*gamma*n/N + gamma^2*n*(n+d+1+d*s2)/N^2"
[[statement]]
name = "R_pre wrong"
identity = "risk(P, theta0, n) = 1 + s2 - 2*gamma*n/N + gamma^2*n*(n+d+1+s2)/N^2"
[[statement]]
name = "collapse"
limit = "risk(F, -theta0, n)"
equals = "1 + s2"
[[statement]]
name = "collapse wrong"
limit = "risk(F, -theta0, n)"
equals = "1"
[[statement]]
name = "limit printed"
limit = "risk(P, theta0, n)"
[[statement]]
name = "n0"
sets = "risk(F, theta0, n) - risk(P, theta0, n)"
where = { c = "1", gamma = "10/13", d = "5", s2 = "1/10" }
expect = { positive = [[2, "inf"]] }
[[statement]]
name = "n0 wrong"
sets = "risk(F, theta0, n) - risk(P, theta0, n)"
where = { c = "1", gamma = "10/13", d = "5", s2 = "1/10" }
expect = { positive = [[3, "inf"]] }
[[statement]]
name = "atoms on the right"
identity = "1 + s2 - 2*gamma*n/N + gamma^2*n*(n+d+1+d*s2)/N^2 = risk(P, theta0, n)"
[[statement]]
name = "separate = merged"
identity = "risk(S, sphere, n) = risk(S, sphere, n) + 0*a"
)TOML";
  CHECK(decide(s, "R_pre").verdict == ClaimVerdict::Proved);
  const Decision right = decide(s, "atoms on the right");  // coverage and grids named from either side
  CHECK(right.verdict == ClaimVerdict::Proved);
  CHECK(right.evidence.find("every d >= 1 by the degree bound") != std::string::npos);
  CHECK(right.evidence.find("risk(P, theta0, .) from the engine") != std::string::npos);
  const Decision wrong = decide(s, "R_pre wrong");
  REQUIRE(wrong.verdict == ClaimVerdict::Refuted);
  CHECK(wrong.counterexample["lhs"] != wrong.counterexample["rhs"]);
  CHECK(decide(s, "collapse").verdict == ClaimVerdict::Proved);
  const Decision lim = decide(s, "collapse wrong");
  CHECK(lim.verdict == ClaimVerdict::Refuted);
  CHECK(lim.counterexample["limit"] == "s2 + 1");
  const Decision printed = decide(s, "limit printed");
  CHECK(printed.verdict == ClaimVerdict::Decided);
  CHECK(decide(s, "n0").verdict == ClaimVerdict::Proved);
  const Decision n0 = decide(s, "n0 wrong");
  REQUIRE(n0.verdict == ClaimVerdict::Refuted);
  CHECK(n0.counterexample["values"]["n"] == "2");
}

TEST_CASE("stationarity: w*(n) with Q = I, and the issue's Q = gamma I refuted") {
  const std::string s = R"TOML(
[family.Vo]
"V.yx" = "theta0/(d+4)"
"V.yy" = "w"
"Q.xx" = "gamma*I"
[[statement]]
name = "w* at gamma = 1"
stationary = "risk(Vo, theta0, n)"
in = "w"
at = "(N - (n+3+2*d)/(d+4)) / (N + d + d*s2)"
where = { gamma = "1" }
[[statement]]
name = "w* any gamma"
stationary = "risk(Vo, theta0, n)"
in = "w"
at = "(N - (n+3+2*d)/(d+4)) / (N + d + d*s2)"
)TOML";
  CHECK(decide(s, "w* at gamma = 1").verdict == ClaimVerdict::Proved);
  const Decision any = decide(s, "w* any gamma");
  REQUIRE(any.verdict == ClaimVerdict::Refuted);
  CHECK(any.counterexample["derivative"] != "0");
}

TEST_CASE("past the grid limit, d is decided one value at a time and the rest is OPEN") {
  const ClaimFile f = parse_claim_file(std::string(kHeader) + R"TOML(
[[statement]]
name = "R_pre"
identity = "risk(P, theta0, n) = 1 + s2 - 2*gamma*n/N + gamma^2*n*(n+d+1+d*s2)/N^2"
[[statement]]
name = "R_pre wrong at d = 3"
identity = "risk(P, theta0, n) = 1 + s2 - 2*gamma*n/N + gamma^2*n*(n+d+1+d*s2)/N^2 + (d-1)*(d-2)*(d-3)*(d-4)*(d-5)*(d-6)*(d-7)*(d-8)*0 + (d-1)*(d-2)*(d-4)*(d-5)*(d-6)*(d-7)*(d-8)*gamma/1000"
)TOML",
                                       "t");
  Verifier v(f, 100);  // the d axis makes 125 points
  const Decision proved = v.decide(f.statements[0]);
  CHECK(proved.verdict == ClaimVerdict::Open);
  CHECK(proved.evidence.find("PROVED for d = 1..8") != std::string::npos);
  const Decision wrong = v.decide(f.statements[1]);
  REQUIRE(wrong.verdict == ClaimVerdict::Refuted);
  CHECK(wrong.counterexample["values"]["d"] == "3");
}

TEST_CASE("mutants of a proved statement are refuted") {
  const ClaimFile f = parse_claim_file(std::string(kHeader) + R"TOML(
[[statement]]
name = "R_zs"
identity = "risk(F, theta0, n) = (n/N)^2 + s2 + (n/N^2)*((1 + 1/c)^2 + s2/c^2)"
)TOML",
                                       "t");
  Verifier v(f);
  Decision d = v.decide(f.statements.front());
  REQUIRE(d.verdict == ClaimVerdict::Proved);
  v.mutate(f.statements.front(), d);
  REQUIRE(d.mutants);
  CHECK(*d.mutants >= 10);
  CHECK(*d.refuted == *d.mutants - static_cast<int>(d.survivors.size()));
  CHECK(*d.refuted >= *d.mutants - 1);  // the task flip is not equivalent here: R_zs differs on -theta0
}

TEST_CASE("bad files name the problem") {
  auto error_of = [](const std::string& text) -> std::string {
    try {
      parse_claim_file(text, "bad.toml");
    } catch (const InputError& e) {
      return e.what();
    }
    return "accepted";
  };
  CHECK(error_of("[setting\n").find("line 1, column") != std::string::npos);
  CHECK(error_of(std::string(kHeader) + "[[statement]]\nname = \"x\"\nidentity = \"risk(P, theta0, n) = 2 +* 1\"\n")
            .find("column 25") != std::string::npos);
  CHECK(error_of(std::string(kHeader) + "[[statement]]\nname = \"x\"\nidentity = \"q = 1\"\n")
            .find("unknown symbol 'q'") != std::string::npos);
  CHECK(error_of("[family.X]\n\"Q.xx\" = \"theta0\"\n[[statement]]\nname = \"x\"\nidentity = \"1 = 1\"\n")
            .find("combination") != std::string::npos);
  CHECK(
      error_of("[family.X]\n\"Q.xq\" = \"1\"\n[[statement]]\nname = \"x\"\nidentity = \"1 = 1\"\n").find("MATRIX.RC") !=
      std::string::npos);
  CHECK(error_of("[family.X]\n\"V.yy\" = \"1\"\n\"Qsep.xx\" = \"I\"\n\"Q.xx\" = \"I\"\n[[statement]]\nname = \"x\"\n"
                 "identity = \"1 = 1\"\n")
            .find("not both") != std::string::npos);
  CHECK(error_of("[[statement]]\nname = \"x\"\nidentity = \"1 = 1\"\nbogus = 1\n").find("unknown key") !=
        std::string::npos);
}
