// The prediction shortcut against the full layer formula, the parameterizations, the symmetries.
#include <doctest/doctest.h>

#include "model/model.hpp"
#include "sim/sampler.hpp"

using namespace icl;

namespace {

Eigen::MatrixXd random_matrix(sim::Engine& rng, int D) {
  boost::random::normal_distribution<double> normal;
  Eigen::MatrixXd M(D, D);
  for (int i = 0; i < D; ++i)
    for (int j = 0; j < D; ++j) M(i, j) = normal(rng);
  return M;
}

Eigen::MatrixXd random_prompt(sim::Engine& rng, int d, long n) {
  sim::PromptSampler sampler(d, n, 0.1);
  Eigen::MatrixXd Z;
  sampler.draw(rng, sim::TaskSpec::sphere(), Z);
  return Z;
}

}  // namespace

TEST_CASE("predict equals the bottom-right entry of the full layer output, both conventions") {
  sim::Engine rng = sim::block_engine(7, 0);
  for (int d : {1, 3, 6})
    for (long n : {1L, 2L, 9L}) {
      const MergedParams<double> p{random_matrix(rng, d + 2), random_matrix(rng, d + 2)};
      const Eigen::MatrixXd Z = random_prompt(rng, d, n);
      for (Convention conv : {Convention::QueryIncluded, Convention::Classical}) {
        const Eigen::MatrixXd out = attention_output(p, Z, conv);
        CHECK(predict(p, Z, conv) == doctest::Approx(out(n, d + 1)).epsilon(1e-12));
      }
    }
}

TEST_CASE("query-included and classical conventions differ, and n = 0 is only defined for the former") {
  sim::Engine rng = sim::block_engine(8, 0);
  const int d = 3;
  const MergedParams<double> p = pretrained_params<double>(d, 0.7);
  const Eigen::MatrixXd Z = random_prompt(rng, d, 4);
  // P(gamma): the query's own term is zero, so the two differ exactly by the factor n / N.
  CHECK(predict(p, Z, Convention::QueryIncluded) ==
        doctest::Approx(predict(p, Z, Convention::Classical) * 4.0 / 5.0).epsilon(1e-12));
  const Eigen::MatrixXd Z0 = random_prompt(rng, d, 0);
  CHECK_THROWS_AS(predict(p, Z0, Convention::Classical), std::invalid_argument);
  CHECK_NOTHROW(predict(p, Z0, Convention::QueryIncluded));
}

TEST_CASE("separate parameters predict like the merged Q = Qsep^T K") {
  sim::Engine rng = sim::block_engine(9, 0);
  const int d = 4;
  const SeparateParams<double> s{random_matrix(rng, d + 2), random_matrix(rng, d + 2), random_matrix(rng, d + 2)};
  const Eigen::MatrixXd Z = random_prompt(rng, d, 5);
  // A[r, s] = (Qsep z_r) . (K z_s) directly.
  const Eigen::MatrixXd A = (Z * s.Qsep.transpose()) * (s.K * Z.transpose());
  const Eigen::MatrixXd out = Z + A * (Z * s.V.transpose()) / 6.0;
  CHECK(predict(s.merged(), Z) == doctest::Approx(out(5, d + 1)).epsilon(1e-12));
}

TEST_CASE("in_parameterization: merged as is, separate as Qsep = I, K = Q, the same model") {
  sim::Engine rng = sim::block_engine(11, 0);
  const int d = 3;
  const MergedParams<double> p{random_matrix(rng, d + 2), random_matrix(rng, d + 2)};
  const Point<double> merged = in_parameterization(p, Parameterization::Merged);
  CHECK(merged.kind == Parameterization::Merged);
  CHECK(merged.blocks.size() == 2);
  CHECK(merged.Q() == p.Q);
  const Point<double> separate = in_parameterization(p, Parameterization::Separate);
  CHECK(separate.kind == Parameterization::Separate);
  CHECK(separate.blocks[1] == Eigen::MatrixXd::Identity(d + 2, d + 2));
  CHECK(separate.blocks[2] == p.Q);
  CHECK(separate.as_merged().V == p.V);
  CHECK(separate.as_merged().Q == p.Q);
}

TEST_CASE("symmetries: (sV, Q/s), rows of V above the last, and the last row of Q do not change yhat") {
  sim::Engine rng = sim::block_engine(10, 0);
  const int d = 3;
  MergedParams<double> p{random_matrix(rng, d + 2), random_matrix(rng, d + 2)};
  const Eigen::MatrixXd Z = random_prompt(rng, d, 6);
  const double y = predict(p, Z);
  CHECK(predict(MergedParams<double>{2.5 * p.V, p.Q / 2.5}, Z) == doctest::Approx(y).epsilon(1e-12));
  MergedParams<double> q = p;
  q.V.topRows(d + 1).setRandom();
  q.Q.row(d + 1).setRandom();
  CHECK(predict(q, Z) == doctest::Approx(y).epsilon(1e-12));
  q.Q(0, 0) += 1.0;  // a coordinate that does matter
  CHECK(predict(q, Z) != doctest::Approx(y).epsilon(1e-9));
}

TEST_CASE("F(c) predicts theta0 . x_q exactly from a zero-shot prompt, in exact rationals") {
  const int d = 3;
  Vec<Rational> theta0(d);
  theta0 << Rational(2, 3), Rational(1, 3), Rational(-2, 3);
  Mat<Rational> X(1, d);
  X << Rational(1, 2), Rational(-3), Rational(5, 7);
  const Mat<Rational> Z = make_prompt<Rational>(X, Vec<Rational>(0));
  for (const Rational& c : {Rational(1), Rational(-3, 2), Rational(7)})
    CHECK(predict(full_ft_params<Rational>(theta0, c), Z) == theta0.dot(X.row(0).transpose()));
}

TEST_CASE("balance of the named constructions") {
  CHECK(balance(pretrained_params<Rational>(5, Rational(10, 13))) == Rational(5 * 100, 169) - 1);
  const Vec<Rational> e = first_axis<Rational>(5);
  CHECK(balance(full_ft_params<Rational>(e, Rational(2))) == Rational(1, 4) - 4 - 1);
}

TEST_CASE("make_prompt layout: constant, covariates, labels, zero query label") {
  Mat<double> X(3, 2);
  X << 1, 2, 3, 4, 5, 6;
  Vec<double> y(2);
  y << 7, 8;
  const Mat<double> Z = make_prompt<double>(X, y);
  CHECK(Z.rows() == 3);
  CHECK(Z.cols() == 4);
  CHECK(Z(2, 0) == 1);
  CHECK(Z(1, 3) == 8);
  CHECK(Z(2, 3) == 0);
  CHECK(Z(2, 2) == 6);
  CHECK_THROWS_AS(make_prompt<double>(X, Vec<double>(3)), std::invalid_argument);
}
