// Hessian certificates (src/spectral): they hold where the theory says, with the predicted zero
// count, and they fail on a broken point, at a saddle and against a wrong prediction.
#include <doctest/doctest.h>

#include <random>

#include "closed_form/pretrained.hpp"
#include "exact/objective.hpp"
#include "exact/quadratic.hpp"
#include "model/families.hpp"
#include "sim/random_params.hpp"
#include "spectral/certificate.hpp"

using namespace icl;
using spectral::CertPoint;

namespace {

spectral::CertificateSpec spec_at(CertPoint p, Parameterization kind, int d) {
  spectral::CertificateSpec s;
  s.point = p;
  s.kind = kind;
  s.d = d;
  return s;
}

constexpr CertPoint kPoints[] = {CertPoint::Pretrained, CertPoint::ZsFull, CertPoint::ValueOnly,
                                 CertPoint::ValueFewshot, CertPoint::KqFewshot};

}  // namespace

TEST_CASE("every certificate holds at d = 1..3, with the exact count equal to the prediction") {
  for (auto kind : {Parameterization::Merged, Parameterization::Separate})
    for (int d : {1, 3})
      for (auto p : kPoints) {
        CAPTURE(spectral::cert_point_name(p));
        CAPTURE(d);
        const auto c = spectral::certify(spec_at(p, kind, d));
        CHECK(c.holds);
        CHECK(c.gradient_exactly_zero);
        REQUIRE(c.exact_zero_count.has_value());
        CHECK(*c.exact_zero_count == c.predicted_zero_count);
        CHECK(c.zero_count == c.predicted_zero_count);
        CHECK(*c.exact_psd);
        for (const auto& f : c.flat_checks) CHECK(f.exact);
      }
}

TEST_CASE("the key-query point is the engine's exact optimum (closed form = masked_optimum)") {
  for (int d : {2, 4}) {
    const auto spec = spec_at(CertPoint::KqFewshot, Parameterization::Merged, d);
    const auto plan = spectral::certificate_plan(spec);
    const Rational gamma = closed_form::gamma_star(spec.m, Setting<Rational>{d, spec.s2});
    const auto start = Point<Rational>::merged(pretrained_params(d, gamma));
    const auto opt = exact::masked_optimum(
        plan.stages, start, exact::coordinates(start.kind, d + 2, exact::Update::KeyQuery), exact::Update::KeyQuery);
    CHECK(opt.point.blocks[block::Q] == plan.point.blocks[block::Q]);
  }
}

TEST_CASE("the predicted counts have the documented closed forms") {
  const int d = 4, D = d + 2;
  const auto count = [&](CertPoint p, Parameterization k) {
    return spectral::certificate_plan(spec_at(p, k, d)).predicted_zero;
  };
  const auto M = Parameterization::Merged, S = Parameterization::Separate;
  CHECK(count(CertPoint::Pretrained, M) == D * D + 1);
  CHECK(count(CertPoint::Pretrained, S) == 2 * D * D + 1);
  CHECK(count(CertPoint::ZsFull, M) == D * D + d * (d + 1) / 2 + d + 3);
  CHECK(count(CertPoint::ValueOnly, M) == D * (D - 1) + 1);
  CHECK(count(CertPoint::ValueFewshot, S) == D * (D - 1));
  CHECK(count(CertPoint::KqFewshot, M) == D);
  CHECK(count(CertPoint::KqFewshot, S) == D * D + D);
}

TEST_CASE("a flipped sign, the origin saddle and a wrong prediction all fail") {
  auto flipped = spec_at(CertPoint::Pretrained, Parameterization::Merged, 3);
  flipped.flip_sign = true;
  const auto a = spectral::certify(flipped);
  CHECK_FALSE(a.holds);
  CHECK_FALSE(a.gradient_exactly_zero);

  auto plan = spectral::certificate_plan(spec_at(CertPoint::Pretrained, Parameterization::Merged, 3));
  for (auto& b : plan.point.blocks) b.setZero();
  const auto saddle = spectral::certify_plan(plan, 5);
  CHECK(saddle.gradient_exactly_zero);           // stationary ...
  CHECK(saddle.lambda_min < -saddle.tolerance);  // ... but not a minimum
  CHECK_FALSE(*saddle.exact_psd);
  CHECK_FALSE(saddle.holds);

  for (auto p : kPoints) {
    auto wrong = spectral::certificate_plan(spec_at(p, Parameterization::Merged, 2));
    wrong.predicted_zero += 1;  // e.g. forgetting that a symmetry is already counted
    CHECK_FALSE(spectral::certify_plan(wrong, 5).holds);
  }
}

TEST_CASE("inert coordinates: their gradient entries vanish exactly at random points, the others do not") {
  for (auto kind : {Parameterization::Merged, Parameterization::Separate}) {
    const int d = 2, D = d + 2;
    sim::Engine rng = sim::block_engine(7, 0);
    const auto point = sim::random_point(rng, kind, d, 3, 4);
    const exact::Objective<Rational> obj{Rational(1, 10), {{Rational(1), 3, exact::TaskLaw<Rational>::sphere()}}};
    const auto coords = exact::coordinates(kind, D, exact::Update::All);
    const auto g = exact::value_and_gradient(obj, point, coords).gradient;
    int inert = 0, nonzero_active = 0;
    for (std::size_t j = 0; j < coords.size(); ++j) {
      if (spectral::is_inert(kind, D, coords[j])) {
        ++inert;
        CHECK(g(static_cast<Eigen::Index>(j)) == 0);
      } else {
        nonzero_active += g(static_cast<Eigen::Index>(j)) != 0;
      }
    }
    CHECK(inert == D * D);
    CHECK(nonzero_active == static_cast<int>(coords.size()) - inert);
  }
}

TEST_CASE("Lanczos and the dense solver agree on the deflated spectrum, and both hold") {
  for (auto p : kPoints) {
    CAPTURE(spectral::cert_point_name(p));
    const auto spec = spec_at(p, Parameterization::Merged, 5);
    const auto dense = spectral::certify(spec, {spectral::Method::Dense, false});
    const auto lanczos = spectral::certify(spec, {spectral::Method::Spectra, false});
    CHECK(dense.holds);
    CHECK(lanczos.holds);
    REQUIRE(dense.stages.size() == lanczos.stages.size());
    for (std::size_t s = 0; s < dense.stages.size(); ++s) {
      CHECK(lanczos.stages[s].spans_all == dense.stages[s].spans_all);
      if (dense.stages[s].spans_all) continue;  // kq's zero-shot stage: H = 0 by (a), nothing to deflate
      CHECK(lanczos.stages[s].deflated_lambda_min ==
            doctest::Approx(dense.stages[s].deflated_lambda_min).epsilon(1e-8));
      CHECK(lanczos.stages[s].lambda_max == doctest::Approx(dense.stages[s].lambda_max).epsilon(1e-8));
    }
    CHECK(lanczos.zero_count == dense.zero_count);
    REQUIRE(dense.stages.back().dense_zero_count.has_value());
    CHECK(dense.inert + *dense.stages.back().dense_zero_count == dense.predicted_zero_count);
  }
}

// The regression of issue 17: at d = 62 the active block of F(1) has 4096 coordinates, so Lanczos is
// used; it cannot count the 2018-fold zero eigenvalue, and the certificate must not need it to.
TEST_CASE("zs-full at d = 62 holds with Lanczos, and --k does not change the verdict") {
  const auto spec = spec_at(CertPoint::ZsFull, Parameterization::Merged, 62);
  for (int k : {1, 10, 40}) {
    auto s = spec;
    s.k = k;
    const auto c = spectral::certify(s);
    CAPTURE(k);
    CHECK(c.method == "spectra");
    CHECK(c.holds);
    CHECK(c.zero_count == 6114);
    CHECK(c.predicted_zero_count == 6114);
    CHECK(c.stages.front().deflated_lambda_min > 0.1);  // 0.117852, the dense run's smallest nonzero
    CHECK(static_cast<int>(c.eigenvalues.size()) == k);
  }
}

TEST_CASE("at d = 100 a flipped sign and the origin saddle fail with Lanczos") {
  auto flipped = spec_at(CertPoint::Pretrained, Parameterization::Merged, 100);
  flipped.flip_sign = true;
  const auto a = spectral::certify(flipped);
  CHECK(a.method == "spectra");
  CHECK_FALSE(a.holds);
  auto plan = spectral::certificate_plan(spec_at(CertPoint::Pretrained, Parameterization::Merged, 100));
  for (auto& b : plan.point.blocks) b.setZero();
  const auto saddle = spectral::certify_plan(plan, 5);
  CHECK(saddle.gradient_exactly_zero);
  CHECK(saddle.stages.front().deflated_lambda_min < -saddle.tolerance);  // a negative curvature is found
  CHECK_FALSE(saddle.holds);
}

TEST_CASE("a basis that forgets a symmetry fails on positive definiteness, not on a count") {
  for (auto kind : {Parameterization::Merged, Parameterization::Separate}) {
    auto plan = spectral::certificate_plan(spec_at(CertPoint::Pretrained, kind, 3));
    auto& flat = plan.flat.back();
    flat.erase(flat.begin());  // the scaling
    plan.predicted_zero -= 1;  // and the count agrees with the smaller basis
    const auto c = spectral::certify_plan(plan, 5, {spectral::Method::Spectra, false});
    CHECK_FALSE(c.holds);
    CHECK(c.stages.front().deflated_lambda_min <= c.tolerance);
  }
}

TEST_CASE("a wrong Hessian-vector product breaks (a): the predicted directions are no longer flat") {
  const spectral::HessianKernel& engine = spectral::engine_kernel();
  spectral::HessianKernel shifted = engine;  // H + I: no flat direction is flat
  shifted.in_double = [&](const auto& o, const auto& p, const auto& c, const Vec<double>& u) {
    return Vec<double>(engine.in_double(o, p, c, u) + u);
  };
  shifted.in_rational = [&](const auto& o, const auto& p, const auto& c, const Vec<Rational>& u) {
    return Vec<Rational>(engine.in_rational(o, p, c, u) + u);
  };
  const auto c =
      spectral::certify_plan(spectral::certificate_plan(spec_at(CertPoint::ZsFull, Parameterization::Merged, 3)), 5,
                             {spectral::Method::Dense, false, &shifted});
  CHECK_FALSE(c.holds);
  for (const auto& f : c.flat_checks) {
    CHECK(f.exact);
    CHECK_FALSE(f.flat);
  }
}
