// diagnose (src/diagnose): retention, verdicts, the sets where post is worse, the family fit and the
// inferred task, on points whose answers the closed forms of THEORY.md give independently.
#include <doctest/doctest.h>

#include "closed_form/closed_form.hpp"
#include "diagnose/diagnose.hpp"
#include "diagnose/fit.hpp"
#include "model/families.hpp"
#include "sim/random_params.hpp"

using namespace icl;
using diagnose::Diagnosis;
using diagnose::Retention;

namespace {

const int kD = 5;
const Rational kS2(1, 10);
const Setting<Rational> kSetting{kD, kS2};

Arch<Rational> one_head(const MergedParams<Rational>& p) { return arch_from_point(Point<Rational>::merged(p)); }

Arch<Rational> pretrained() { return one_head(pretrained_params(kD, closed_form::gamma_star<Rational>(20, kSetting))); }

Vec<Rational> e1() { return first_axis<Rational>(kD); }

Diagnosis run(const Arch<Rational>& post, std::optional<Vec<Rational>> theta0 = e1()) {
  diagnose::Options o;
  o.theta0 = std::move(theta0);
  o.s2 = kS2;
  return diagnose::diagnose(pretrained(), post, o);
}

Rational rho(const Diagnosis& dx, std::size_t task) { return *dx.retention.at(task).rho->exact; }

// The closed-form retention of V(beta theta0, w) from P(gamma) on +-theta0 (THEORY.md C4:
// lim R_v = (1 - w -+ beta)^2 + s2 at beta = 1/(d+4); lim R_pre = (1 - gamma)^2 + s2).
Rational value_only_rho(const Rational& w, Task task) {
  const Rational gamma = closed_form::gamma_star<Rational>(20, kSetting);
  const Rational lim_post = closed_form::value_only_limit(w, task, kSetting);
  const Rational lim_pre = (1 - gamma) * (1 - gamma) + kS2;
  return (1 + kS2 - lim_post) / (1 + kS2 - lim_pre);
}

std::optional<diagnose::Number> exact_rho(const Rational& q) { return diagnose::Number::of(q); }

Retention with_rho(std::optional<diagnose::Number> rho) {
  return Retention{diagnose::Number::of(1), diagnose::Number::of(1), std::move(rho), ""};
}

std::string verdict_of(std::optional<Rational> t, std::optional<Rational> o, std::optional<Rational> s) {
  auto r = [](const std::optional<Rational>& q) { return with_rho(q ? exact_rho(*q) : std::nullopt); };
  return diagnose::verdict({r(t), r(o), r(s)}).first;
}

}  // namespace

TEST_CASE("unit tasks: exact when the norm is rational, else exactly unit and within 1e-28") {
  Vec<Rational> v(2);
  v << 3, 4;
  const auto u = diagnose::unit_task(v);
  CHECK(u.exact);
  CHECK(u.theta(0) == Rational(3, 5));
  CHECK(u.theta(1) == Rational(4, 5));
  Vec<Rational> w(3);
  w << 1, -1, Rational(1, 3);
  const auto x = diagnose::unit_task(w);
  CHECK_FALSE(x.exact);
  CHECK(x.theta.squaredNorm() == 1);
  const double n = std::sqrt(1 + 1 + 1.0 / 9);
  CHECK(std::abs(to_double(x.theta(0)) - 1 / n) < 1e-15);
  CHECK(std::abs(to_double(x.theta(1)) + 1 / n) < 1e-15);
  CHECK(std::abs(to_double(x.theta(2)) - 1 / (3 * n)) < 1e-15);
  CHECK(diagnose::exact_sqrt(Rational(49, 4)) == Rational(7, 2));
  CHECK_FALSE(diagnose::exact_sqrt(Rational(2)).has_value());
}

TEST_CASE("the zero-shot slope E[p(x) x] equals (R(0; -e_a) - R(0; e_a)) / 4 of the exact engine") {
  // R(0; t) = |t|^2 + s2 - 2 t.s + E p^2, so the odd part in t is -2 t.s.
  sim::Engine rng(11);
  for (int H : {1, 3}) {
    const Arch<Rational> a = sim::random_heads(rng, Parameterization::Separate, 3, H, 4, 4);
    const Vec<Rational> s = diagnose::zero_shot_slope(exact::detail::head_tensor(a.layers.front()));
    for (int i = 0; i < 3; ++i) {
      const Vec<Rational> e = Vec<Rational>::Unit(3, i);
      const auto risk = [&](const Vec<Rational>& t) {
        return exact::arch_risk(a, exact::TaskLaw<Rational>::fixed(t), 0, kS2);
      };
      CHECK(s(i) == (risk(Vec<Rational>(-e)) - risk(e)) / 4);
    }
  }
}

TEST_CASE("post = pre: rho = 1 exactly everywhere, preserved, equal for every n, nearest V(0, gamma)") {
  const Diagnosis dx = run(pretrained(), std::nullopt);
  CHECK(dx.theta0_source == "default");  // nothing was written: e_1
  for (std::size_t t = 0; t < 3; ++t) {
    CHECK(rho(dx, t) == 1);
    CHECK(dx.retention[t].flag.empty());
    CHECK(describe_runs(*dx.tasks[t].runs, 0) == "[0, inf)");
  }
  CHECK(dx.verdict == "preserved");
  CHECK(*dx.zero_shot_change.exact == 0);
  REQUIRE(dx.nearest == "V(b,w)");
  const auto& v = dx.families.at(1);
  CHECK(v.distance2 == 0);
  CHECK(v.parameters.at(0).second == 0);
  CHECK(v.parameters.at(1).second == closed_form::gamma_star<Rational>(20, kSetting));
  for (const auto& b : dx.moved.front().blocks) CHECK(b.change2 == 0);
}

TEST_CASE("post = F(c) (full zero-shot fine-tuning, C2): collapsed, worse from n0 on theta0, F(c) fitted exactly") {
  for (const Rational& c : {Rational(1), Rational(1, 2), Rational(3)}) {
    CAPTURE(to_fraction(c));
    const Diagnosis dx = run(one_head(full_ft_params(e1(), c)), std::nullopt);
    CHECK(dx.theta0_source == "inferred");
    CHECK(dx.theta0_exact);
    CHECK(dx.theta0 == e1());
    CHECK(rho(dx, 0) == 0);  // lim R_F = 1 + s2 (C2.collapse_limit)
    CHECK(rho(dx, 1) == 0);
    CHECK(dx.verdict == "collapsed");
    // Zero-shot optimal: R_F(0) = s2 against R_pre(0) = 1 + s2.
    CHECK(*dx.zero_shot_change.exact == -1);
    // C2: on theta0 the worse set is {n >= n0}; on -theta0 the constant term is positive (n = 0 worse).
    const auto& t = *dx.tasks[0].runs;
    CHECK(sign_holds_from(t, 1).has_value());
    CHECK(describe_runs(*dx.tasks[1].runs, 1).rfind("[0, ", 0) == 0);
    REQUIRE(dx.nearest == "F(c)");
    CHECK(dx.families.front().distance2 == 0);
    CHECK(dx.families.front().parameters.at(0).second == c);
  }
  // c = 1, gamma = 42/53, d = 5: n0 = 2 (prove C2.sets).
  CHECK(describe_runs(*run(one_head(full_ft_params(e1(), Rational(1)))).tasks[0].runs, 1) == "[2, inf)");
}

TEST_CASE("post = V(theta0/(d+4), gamma) (value-only, C4): preserved, rho equal to the closed form") {
  const Rational gamma = closed_form::gamma_star<Rational>(20, kSetting), beta = Rational(1, kD + 4);
  const Diagnosis dx = run(one_head(value_only_params(Vec<Rational>(beta * e1()), gamma)), std::nullopt);
  CHECK(dx.theta0 == e1());
  CHECK(rho(dx, 0) == value_only_rho(gamma, Task::Target));
  CHECK(rho(dx, 1) == value_only_rho(gamma, Task::Opposite));
  CHECK(dx.verdict == "preserved");
  // The zero-shot optimum of C4: 2/(d+4) + s2 against 1 + s2.
  CHECK(*dx.zero_shot_change.exact == Rational(2, kD + 4) - 1);
  REQUIRE(dx.nearest == "V(b,w)");
  CHECK(dx.families.at(1).parameters.at(0).second == beta);
  CHECK(dx.families.at(1).parameters.at(1).second == gamma);
  // A retention formula without the noise (1 - lim R) is caught: it differs from the result.
  const Rational lim_pre = *dx.tasks[1].pre.limit.exact, lim_post = *dx.tasks[1].post.limit.exact;
  CHECK((1 - lim_post) / (1 - lim_pre) != rho(dx, 1));
  CHECK((1 + kS2 - lim_post) / (1 + kS2 - lim_pre) == rho(dx, 1));
}

TEST_CASE("post = V(theta0/(d+4), w*(20)) (auxiliary few-shot loss, C5): specialized") {
  const Rational w = closed_form::w_star<Rational>(20, kSetting);
  const Diagnosis dx = run(one_head(value_only_params(Vec<Rational>(Rational(1, kD + 4) * e1()), w)));
  CHECK(rho(dx, 0) == value_only_rho(w, Task::Target));
  CHECK(rho(dx, 1) == value_only_rho(w, Task::Opposite));
  CHECK(rho(dx, 0) >= Rational(9, 10));
  CHECK(rho(dx, 1) < Rational(9, 10));
  CHECK(dx.verdict == "specialized");
}

TEST_CASE("post = the key-query memorizing optimum (C6): negative retention on -theta0, KQ(c) fitted") {
  const Rational c = closed_form::kq_memory_star<Rational>(20, kSetting);
  Vec<Rational> theta(kD);
  theta << Rational(3, 5), Rational(4, 5), 0, 0, 0;
  const Diagnosis dx = run(one_head(kq_memory_params(theta, c)), std::nullopt);
  CHECK(dx.theta0 == theta);  // inferred from the memorizing column M[x, y] v_y
  // lim on theta0: (1 - c (1 + s2))^2 + s2; on -theta0: (1 + c (1 + s2))^2 + s2 (closed_form/key_query.hpp).
  const Rational gamma = closed_form::gamma_star<Rational>(20, kSetting);
  const Rational gain_pre = 1 - (1 - gamma) * (1 - gamma), a = c * (1 + kS2);
  CHECK(rho(dx, 0) == (1 - (1 - a) * (1 - a)) / gain_pre);
  CHECK(rho(dx, 1) == (1 - (1 + a) * (1 + a)) / gain_pre);
  CHECK(dx.retention[1].flag == "negative");
  CHECK(dx.verdict == "specialized");
  REQUIRE(dx.nearest == "KQ(c)");
  CHECK(dx.families.at(2).parameters.at(0).second == c);
  CHECK(describe_runs(*dx.tasks[1].runs, 1) == "[1, inf)");
}

TEST_CASE("two heads whose tensor is F(c): the same diagnosis as one head") {
  const Rational c(1, 2);
  const MergedParams<Rational> f = full_ft_params(e1(), c);
  // Head 0 carries 2 M (x) v, head 1 nothing: T = (1/2)(2 M (x) v) = M (x) v.
  Head<Rational> h0{Mat<Rational>(2 * f.V), f.Q, Mat<Rational>()};
  Head<Rational> h1{Mat<Rational>::Zero(kD + 2, kD + 2), Mat<Rational>::Identity(kD + 2, kD + 2), Mat<Rational>()};
  const Arch<Rational> two{{{h0, h1}}};
  const MergedParams<Rational> p = pretrained_params(kD, closed_form::gamma_star<Rational>(20, kSetting));
  const Arch<Rational> pre2{{{Head<Rational>{Mat<Rational>(2 * p.V), p.Q, {}}, h1}}};
  diagnose::Options o;
  o.theta0 = e1();
  const Diagnosis dx = diagnose::diagnose(pre2, two, o), one = run(one_head(f));
  for (std::size_t t = 0; t < 3; ++t) CHECK(rho(dx, t) == rho(one, t));
  CHECK(dx.verdict == one.verdict);
  CHECK(dx.families.front().parameters.at(0).second == c);
  CHECK(dx.moved.size() == 2);
}

TEST_CASE("the verdict: thresholds and their order") {
  const Rational lo(1, 10), hi(95, 100);
  CHECK(verdict_of(lo, lo, hi) == "collapsed");  // collapse is checked before preservation
  CHECK(verdict_of(hi, hi, hi) == "preserved");
  CHECK(verdict_of(lo, hi, hi) == "preserved");  // kept off the task, lost on it
  CHECK(verdict_of(hi, Rational(1, 2), hi) == "specialized");
  CHECK(verdict_of(Rational(1, 2), Rational(1, 2), Rational(1, 2)) == "degraded");
  CHECK(verdict_of(Rational(9, 10), Rational(9, 10), Rational(9, 10)) == "preserved");  // 9/10 is kept
  CHECK(verdict_of(Rational(1, 4), Rational(1, 4), lo) == "degraded");                  // 1/4 is not collapsed
  CHECK(verdict_of(std::nullopt, std::nullopt, std::nullopt) == "no-icl");
  CHECK(verdict_of(std::nullopt, Rational(1, 2), Rational(1)) == "degraded");
}

TEST_CASE("no ICL to lose: rho is empty and flagged") {
  // P(gamma) with gamma = 2 has lim R_pre = (1 - 2)^2 + s2 = 1 + s2.
  diagnose::Options o;
  o.theta0 = e1();
  const auto pre = one_head(pretrained_params(kD, Rational(2)));
  const Diagnosis dx = diagnose::diagnose(pre, pre, o);
  for (const auto& r : dx.retention) {
    CHECK_FALSE(r.rho.has_value());
    CHECK(r.flag == "no ICL to lose");
  }
  CHECK(dx.verdict == "no-icl");
}

TEST_CASE("bad input: shapes, theta0") {
  diagnose::Options o;
  const auto pre = pretrained();
  CHECK_THROWS_AS(diagnose::diagnose(pre, one_head(pretrained_params(3, Rational(1))), o), InputError);
  Arch<Rational> two = pre;
  two.layers.push_back(pre.layers.front());
  CHECK_THROWS_AS(diagnose::diagnose(pre, two, o), InputError);
  o.theta0 = Vec<Rational>::Zero(kD);
  CHECK_THROWS_AS(diagnose::diagnose(pre, pre, o), InputError);
  o.theta0 = Vec<Rational>::Ones(3);
  CHECK_THROWS_AS(diagnose::diagnose(pre, pre, o), InputError);
}

TEST_CASE("two layers at d = 5: Monte Carlo, flagged, seeded; an identity second layer gives the one-layer risk") {
  // Layer 2 with V = 0 is the identity (W = I): the model is P(gamma).
  const auto one = pretrained();
  Arch<Rational> pre = one;
  pre.layers.push_back(
      {Head<Rational>{Mat<Rational>::Zero(kD + 2, kD + 2), Mat<Rational>::Identity(kD + 2, kD + 2), {}}});
  Arch<Rational> post = pre;
  post.layers.front().front() = one_head(full_ft_params(e1(), Rational(1))).layers.front().front();
  diagnose::Options o;
  o.theta0 = e1();
  o.shots = {0, 20};
  o.mc = sim::McOptions{4000, 7, 1};
  o.limit_shots = 100;
  const Diagnosis dx = diagnose::diagnose(pre, post, o);
  CHECK_FALSE(diagnose::exact_engine(pre));  // d = 5 > two_layer::kMaxD
  CHECK_FALSE(dx.exact);
  CHECK_FALSE(dx.tasks[0].runs.has_value());
  CHECK(dx.families.empty());
  CHECK(dx.nearest == "none");
  const Diagnosis exact = run(one_head(full_ft_params(e1(), Rational(1))));
  for (std::size_t t = 0; t < 3; ++t) {
    const auto& mc = dx.tasks[t].post.risk[1];
    const double want = exact.tasks[t].post.risk[5].decimal;  // n = 20 in the default shots 0,1,2,5,10,20,40
    CHECK(std::abs(mc.decimal - want) < 4 * *mc.se);
  }
  CHECK(dx.verdict == "collapsed");
  CHECK(nlohmann::json(diagnose::to_json(dx)).dump() == diagnose::to_json(diagnose::diagnose(pre, post, o)).dump());
}

TEST_CASE("two layers with d <= 3: exact; an identity second layer gives the one-layer diagnosis exactly") {
  // The one-layer engine (interpolated (n+1)^2 R) and the two-layer engine ((n+1)^8 R) are independent
  // derivations; with V = 0 in layer 2 (the identity, whatever its Q) they must agree in every rational.
  const int d = 2;
  const Vec<Rational> t0 = first_axis<Rational>(d);
  const Rational gamma = closed_form::gamma_star<Rational>(20, Setting<Rational>{d, kS2});
  const Arch<Rational> pre1 = one_head(pretrained_params(d, gamma)), post1 = one_head(full_ft_params(t0, Rational(1)));
  Mat<Rational> Q2 = Mat<Rational>::Identity(d + 2, d + 2);
  Q2(0, d + 1) = Rational(3, 7);
  const std::vector<Head<Rational>> identity{Head<Rational>{Mat<Rational>::Zero(d + 2, d + 2), Q2, {}}};
  Arch<Rational> pre2 = pre1, post2 = post1;
  pre2.layers.push_back(identity);
  post2.layers.push_back(identity);
  diagnose::Options o;
  o.theta0 = t0;
  o.s2 = kS2;
  const Diagnosis one = diagnose::diagnose(pre1, post1, o), two = diagnose::diagnose(pre2, post2, o);
  CHECK(one.exact);
  CHECK(two.exact);
  CHECK(two.verdict == one.verdict);
  for (std::size_t t = 0; t < 3; ++t) {
    const auto &a = one.tasks[t], &b = two.tasks[t];
    CHECK(a.pre.power == 2);
    CHECK(b.pre.power == 8);
    REQUIRE(b.runs.has_value());
    REQUIRE(b.runs->size() == a.runs->size());
    for (std::size_t k = 0; k < a.runs->size(); ++k) {
      CHECK((*b.runs)[k].sign == (*a.runs)[k].sign);
      CHECK((*b.runs)[k].lo == (*a.runs)[k].lo);
      CHECK((*b.runs)[k].hi == (*a.runs)[k].hi);
    }
    CHECK(*b.pre.limit.exact == *a.pre.limit.exact);
    CHECK(*b.post.limit.exact == *a.post.limit.exact);
    CHECK(*b.pre.zero_shot.exact == *a.pre.zero_shot.exact);
    for (std::size_t j = 0; j < o.shots.size(); ++j) CHECK(*b.post.risk[j].exact == *a.post.risk[j].exact);
    REQUIRE(two.retention[t].rho.has_value());
    CHECK(*two.retention[t].rho->exact == *one.retention[t].rho->exact);
  }
  // C2 at d = 2, s2 = 1/10: F(1) is worse than P(gamma*(20)) on theta0 from n = 1 on (as the one-layer
  // diagnosis of cli_diagnose_test.sh prints), here through two layers.
  CHECK((*two.tasks[0].runs).back().sign == 1);
  CHECK((*two.tasks[0].runs).back().lo == 1);
  CHECK_FALSE((*two.tasks[0].runs).back().hi.has_value());
  // A second layer that reads the first layer's output: still exact, and no longer the one-layer model.
  Arch<Rational> read2 = pre2;
  read2.layers[1][0].V(d + 1, d + 1) = Rational(1, 2);
  const Diagnosis moved = diagnose::diagnose(pre2, read2, o);
  CHECK(moved.exact);
  CHECK(*moved.tasks[0].post.limit.exact != *moved.tasks[0].pre.limit.exact);
  // The paths: L = 3, d > 3 at L = 2 and softmax attention are simulated.
  Arch<Rational> three = pre2;
  three.layers.push_back(identity);
  CHECK_FALSE(diagnose::exact_engine(three));
  Arch<Rational> soft = pre1;
  soft.attention = Attention::Softmax;
  CHECK_FALSE(diagnose::exact_engine(soft));
  CHECK(diagnose::exact_engine(pre1));
}

TEST_CASE("JSON: every field, exact numbers as strings") {
  const auto j = diagnose::to_json(run(one_head(full_ft_params(e1(), Rational(1)))));
  for (const char* key :
       {"layers", "heads", "d", "parameterization", "sigma2", "engine", "shots", "monte_carlo", "theta0", "tasks",
        "retention", "zero_shot_change", "verdict", "verdict_reason", "moved", "families", "nearest"})
    CHECK(j.contains(key));
  CHECK(j["verdict"] == "collapsed");
  for (const char* t : {"theta0", "-theta0", "sphere"}) {
    CHECK(j["retention"][t]["rho"]["exact"] == "0");
    CHECK(j["tasks"][t]["sets_exact"] == true);
  }
  CHECK(j["tasks"]["theta0"]["worse"] == nlohmann::json::parse("[[2, null]]"));
  CHECK(j["zero_shot_change"]["exact"] == "-1");
  CHECK(j["nearest"]["family"] == "F(c)");
}
