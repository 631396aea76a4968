// LoRA adapters (src/lora): PEFT's initialization, the chain rule through W = W0 + (alpha/r) B A
// against exact stencils in rationals (and a wrong rule that the test shows caught), the conserved
// balance A A^T - B^T B, the closed-form end point of rank-one value LoRA against gradient flow,
// and the parameter file of a LoRA run.
#include <doctest/doctest.h>

#include "closed_form/closed_form.hpp"
#include "lora/lora.hpp"
#include "model/families.hpp"
#include "train/exact_trainers.hpp"

using namespace icl;

namespace {

// The chain rule with the factor alpha/r dropped in dL/dA (the mutant of claim L).
struct ScaleDropped : lora::PeftChainRule {
  template <class T>
  static Mat<T> grad_A(const T&, const Mat<T>&, const Mat<T>& B, const Mat<T>& G) {
    return B.transpose() * G;
  }
};

exact::Objective<Rational> zs_and_fs(int d) {
  const auto theta = exact::TaskLaw<Rational>::fixed(first_axis<Rational>(d));
  return {Rational(1, 10), {{Rational(1), 0, theta}, {Rational(1, 2), 3, theta}}};
}

// Adapters on `letters` of P(1/2) (merged) or its separate form, with B moved off 0 so that every
// factor has a gradient; exact dyadic entries.
lora::Adapted<Rational> some_adapters(Parameterization kind, const char* letters, int d, int rank) {
  const Point<Rational> base = in_parameterization(pretrained_params(d, Rational(1, 2)), kind);
  auto ad = lora::peft_init(base, lora::target_blocks(kind, letters), rank, Rational(3), 7);
  for (auto& a : ad.adapters) a.B = lora::peft_adapters(base.D(), {a.block}, rank, 9)[0].A.transpose().cast<Rational>();
  return ad;
}

// dL/dx_k by the 5-point central stencil with h = 1: exact, since the loss is a polynomial of degree
// <= 4 along a line of one factor entry (W is affine in it).
template <class Field>
Vec<Rational> stencil_gradient(const Field& field, const exact::Objective<Rational>& loss, const Vec<Rational>& x) {
  Vec<Rational> g(x.size());
  for (Eigen::Index k = 0; k < x.size(); ++k) {
    const auto f = [&](int j) {
      Vec<Rational> y = x;
      y(k) += j;
      return exact::objective_value(loss, field.point(y));
    };
    g(k) = (8 * (f(1) - f(-1)) - (f(2) - f(-2))) / 12;
  }
  return g;
}

}  // namespace

TEST_CASE("PEFT's initialization: B = 0 (the merged point is the base), A in +-1/sqrt(D), seeded") {
  const Point<double> base = Point<double>::merged(pretrained_params(5, 0.8));
  const auto ad = lora::peft_init(base, {block::V, block::Q}, 2, 4.0, 11);
  CHECK(ad.scale == 2.0);
  CHECK(ad.merged().blocks[block::Q] == base.blocks[block::Q]);
  CHECK(ad.merged().blocks[block::V] == base.blocks[block::V]);
  for (const auto& a : ad.adapters) {
    CHECK(a.A.rows() == 2);
    CHECK(a.B.isZero());
    CHECK(a.A.cwiseAbs().maxCoeff() <= 1 / std::sqrt(7.0));
    CHECK(a.A.cwiseAbs().maxCoeff() > 0);
  }
  CHECK(lora::peft_init(base, {block::V, block::Q}, 2, 4.0, 11).adapters[1].A == ad.adapters[1].A);
  CHECK(lora::peft_init(base, {block::V, block::Q}, 2, 4.0, 12).adapters[1].A != ad.adapters[1].A);
  // the stream of a block does not depend on the other targets
  CHECK(lora::peft_init(base, {block::Q}, 2, 4.0, 11).adapters[0].A == ad.adapters[1].A);
  CHECK_THROWS(lora::peft_init(base, {block::V}, 0, 4.0, 1));
  CHECK_THROWS(lora::peft_init(base, {block::V}, 8, 4.0, 1));
  CHECK_THROWS(lora::peft_init(base, {block::V}, 1, 0.0, 1));
}

TEST_CASE("target letters: q, k, v; k needs the separate parameterization") {
  using P = Parameterization;
  CHECK(lora::target_blocks(P::Merged, "qv") == std::vector<int>{block::V, block::Q});
  CHECK(lora::target_blocks(P::Separate, "q,k,v") == std::vector<int>{block::V, block::Qsep, block::K});
  CHECK(lora::target_blocks(P::Separate, "kk") == std::vector<int>{block::K});
  CHECK_THROWS_AS(lora::target_blocks(P::Merged, "k"), std::invalid_argument);
  CHECK_THROWS_AS(lora::target_blocks(P::Merged, "x"), std::invalid_argument);
  CHECK_THROWS_AS(lora::target_blocks(P::Merged, ""), std::invalid_argument);
}

TEST_CASE("the chain rule equals exact stencils in rationals; a rule without alpha/r is caught") {
  for (const auto& kind_letters :
       {std::pair{Parameterization::Merged, "qv"}, std::pair{Parameterization::Separate, "qkv"}})
    for (int rank : {1, 2}) {
      const auto kind = kind_letters.first;  // not a structured binding: CAPTURE's lambda reads it
      const char* letters = kind_letters.second;
      CAPTURE(letters);
      CAPTURE(rank);
      const auto ad = some_adapters(kind, letters, 2, rank);
      const auto loss = zs_and_fs(2);
      const lora::Field<Rational> field{ad};
      const Vec<Rational> x = field.start();
      const Vec<Rational> g = field.value_and_gradient(loss, x).gradient;
      CHECK(field.value_and_gradient(loss, x).value == exact::objective_value(loss, ad.merged()));
      const Vec<Rational> ref = stencil_gradient(field, loss, x);
      CHECK(g == ref);
      const lora::Field<Rational, ScaleDropped> wrong{ad};
      CHECK(wrong.value_and_gradient(loss, x).gradient != ref);  // the mutant is caught (alpha/r = 3/rank != 1)
    }
}

TEST_CASE("the balance A A^T - B^T B has zero time derivative along the flow, exactly") {
  const auto ad = some_adapters(Parameterization::Separate, "qkv", 2, 2);
  const lora::Field<Rational> field{ad};
  const auto check = [&](const auto& f) {
    const Vec<Rational> g = f.value_and_gradient(zs_and_fs(2), f.start()).gradient;
    const lora::Adapted<Rational> dg = field.adapted(g);  // the gradient in the factors' layout
    bool zero = true;
    for (std::size_t i = 0; i < ad.adapters.size(); ++i) {
      const auto& a = ad.adapters[i];
      const auto& d = dg.adapters[i];
      const Mat<Rational> rate =
          a.A * d.A.transpose() + d.A * a.A.transpose() - d.B.transpose() * a.B - a.B.transpose() * d.B;
      zero = zero && rate.isZero();
    }
    return zero;
  };
  CHECK(check(field));
  CHECK_FALSE(check(lora::Field<Rational, ScaleDropped>{ad}));
}

TEST_CASE("rank-one value LoRA from P(gamma): gradient flow ends at the closed-form end point") {
  const int d = 5;
  const double gamma = 42.0 / 53;
  const Point<double> base = Point<double>::merged(pretrained_params(d, gamma));
  const auto ad = lora::peft_init(base, {block::V}, 1, 2.0, 1);
  const exact::Objective<double> zs{0.1, {{1.0, 0, exact::TaskLaw<double>::fixed(first_axis<double>(d))}}};
  const lora::Field<double> field{ad};
  train::FlowOptions opt;
  opt.grad_tol = 1e-9;  // double rounding keeps the gradient norm near 1e-10
  const auto r = train::gradient_flow_field(zs, field, opt);
  REQUIRE(r.converged);
  const Vec<double> a0 = ad.adapters[0].A.row(0).transpose();
  const auto end = lora::rank_one_value_end(d, gamma, 2.0, a0, first_axis<double>(d));
  const Vec<double> v = r.point.V().row(d + 1).transpose();
  CHECK((v - end.v).cwiseAbs().maxCoeff() < 1e-8);
  CHECK(r.loss == doctest::Approx(2.0 / 9 + 0.1).epsilon(1e-12));
  CHECK(std::abs(end.v_y - 1) > 1e-3);  // the label weight moved: not C4's w = gamma
  // the label entry of A never moved
  CHECK(field.adapted(r.x).adapters[0].A(0, d + 1) == a0(d + 1));
  // the closed form without the a_y term (C4's w = gamma) is caught
  CHECK(std::abs(v(d + 1) - 1) > 1e-3);
}

TEST_CASE("a LoRA run's parameter file: the merged matrices (every reader's model) and the factors") {
  const auto ad = some_adapters(Parameterization::Merged, "qv", 2, 2);
  const std::string text = lora::lora_params_json(ad, "qv", Rational(6));
  const Point<Rational> p = parse_params_json(text, "lora.json");
  CHECK(p.kind == Parameterization::Merged);
  CHECK(p.blocks[block::Q] == ad.merged().blocks[block::Q]);
  CHECK(p.blocks[block::V] == ad.merged().blocks[block::V]);
  const auto j = nlohmann::json::parse(text);
  CHECK(j["lora"]["rank"] == 2);
  CHECK(j["lora"]["alpha"] == "6");
  CHECK(j["lora"]["A"]["Q"].size() == 2);
  CHECK(j["lora"]["B"]["V"].size() == 4);
  CHECK(parse_rational(j["lora"]["A"]["V"][1][3].get<std::string>(), "x") == ad.adapters[0].A(1, 3));
}
