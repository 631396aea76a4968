#include "diagnose/diagnose.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "diagnose/fit.hpp"
#include "exact/heads.hpp"
#include "exact/two_layer.hpp"
#include "poly/flint_poly.hpp"
#include "prove/proof.hpp"

namespace icl::diagnose {

Number Number::of(const Rational& q) { return Number{q, to_double(q), std::nullopt}; }
Number Number::estimate(double mean, double se) { return Number{std::nullopt, mean, se}; }

std::optional<Rational> exact_sqrt(const Rational& q) {
  if (q < 0) return std::nullopt;
  const Integer p = boost::multiprecision::numerator(q), r = boost::multiprecision::denominator(q);
  const Integer sp = boost::multiprecision::sqrt(p), sr = boost::multiprecision::sqrt(r);
  if (sp * sp != p || sr * sr != r) return std::nullopt;
  return Rational(sp, sr);
}

namespace {

// x rounded to a multiple of 10^-30, exactly.
Rational round_30(const Float50& x) {
  const Integer scale = boost::multiprecision::pow(Integer(10), 30);
  const Float50 scaled = boost::multiprecision::round(Float50(x * Float50(scale)));
  return Rational(scaled.convert_to<Integer>(), scale);
}

}  // namespace

UnitTask unit_task(const Vec<Rational>& v) {
  if (v.isZero()) throw std::invalid_argument("unit_task: the zero vector has no direction");
  const Rational r2 = v.squaredNorm();
  if (const auto r = exact_sqrt(r2)) return {Vec<Rational>(v / *r), true};
  Eigen::Index k = 0;
  for (Eigen::Index i = 1; i < v.size(); ++i)
    if (abs_of(v(i)) > abs_of(v(k))) k = i;
  // Stereographic coordinates from the pole -sign(v_k) e_k: p_i = u_i / (1 + |u_k|), u = v / |v|.
  const Float50 norm = sqrt_of(to_float50(r2));
  const Float50 denom = Float50(1) + abs_of(to_float50(v(k))) / norm;
  Vec<Rational> p = Vec<Rational>::Zero(v.size());
  for (Eigen::Index i = 0; i < v.size(); ++i)
    if (i != k) p(i) = round_30(Float50(to_float50(v(i)) / norm / denom));
  const Rational q = p.squaredNorm();
  Vec<Rational> theta = Vec<Rational>(p * Rational(2) / (1 + q));
  theta(k) = (v(k) > 0 ? 1 : -1) * (1 - q) / (1 + q);
  return {theta, false};
}

// --- validation and the task ---------------------------------------------------------------------

void check_inputs(const Arch<Rational>& pre, const Arch<Rational>& post, const Options& opt) {
  try {
    validate_arch(pre, "--pre");
    validate_arch(post, "--post");
  } catch (const std::invalid_argument& e) {
    throw InputError(e.what());
  }
  if (pre.L() != post.L() || pre.H() != post.H() || pre.D() != post.D())
    throw InputError(
        fmt::format("--pre and --post differ in shape: pre has L = {}, H = {}, D = {}; post has L = {}, H = {}, D = {}",
                    pre.L(), pre.H(), pre.D(), post.L(), post.H(), post.D()));
  if (pre.attention != post.attention)
    throw InputError(fmt::format("--pre and --post differ in attention: pre is {}, post is {}",
                                 attention_name(pre.attention), attention_name(post.attention)));
  if (opt.theta0 && opt.theta0->size() != pre.d())
    throw InputError(fmt::format("--theta0: has {} entries, expected d = {}", opt.theta0->size(), pre.d()));
  if (opt.theta0 && opt.theta0->isZero())
    throw InputError("--theta0: the zero vector (a task direction must be nonzero)");
  if (opt.s2 < 0) throw InputError("--sigma2: negative (the noise variance must be >= 0)");
  for (long n : opt.shots)
    if (n < 0) throw InputError("--shots: n must be >= 0");
}

bool exact_engine(const Arch<Rational>& a) {
  return !a.softmax() && (a.L() == 1 || (a.L() == 2 && a.d() <= exact::two_layer::kMaxD));
}

namespace {

void choose_theta0(const Arch<Rational>& pre, const Arch<Rational>& post, const Options& opt, Diagnosis& dx) {
  Vec<Rational> v;
  if (opt.theta0) {
    v = *opt.theta0;
    dx.theta0_source = "given";
  } else {
    v = written_direction(pre, post);
    dx.theta0_source = v.isZero() ? "default" : "inferred";
    if (v.isZero()) v = first_axis<Rational>(pre.d());
  }
  const UnitTask u = unit_task(v);
  dx.theta0 = u.theta;
  dx.theta0_exact = u.exact;
}

// --- risk curves ------------------------------------------------------------------------------------

const std::vector<long> kFitShots{0, 1, 2, 3, 4, 5};  // curve_numerator's nodes

// Two layers: R(n) = numerator(n) / (n + 1)^8 from the two-layer engine, its limit the coefficient of n^8.
ModelCurve two_layer_curve(const Arch<Rational>& a, const exact::TaskLaw<Rational>& task, const Options& o) {
  const auto r = exact::two_layer::risk_polynomial(a, task, o.s2);
  ModelCurve c;
  c.numerator = Polynomial<Rational>{r.numerator};
  c.power = r.power;
  for (long n : o.shots) c.risk.push_back(Number::of(r.at(n)));
  c.zero_shot = Number::of(r.at(0));
  c.limit = Number::of(r.limit());
  return c;
}

// One layer: (n + 1)^2 R(n) interpolated at n = 0..2 and confirmed at 3..5; the limit from its own formula.
ModelCurve exact_curve(const Arch<Rational>& a, const exact::TaskLaw<Rational>& task, const Options& o) {
  if (a.L() == 2) return two_layer_curve(a, task, o);
  std::vector<long> shots = kFitShots;
  shots.insert(shots.end(), o.shots.begin(), o.shots.end());
  const std::vector<Rational> r = exact::arch_curve(a, task, shots, o.s2);
  ModelCurve c;
  c.numerator = curve_numerator([&](long n) { return r.at(static_cast<std::size_t>(n)); });
  c.power = 2;
  for (std::size_t j = 0; j < o.shots.size(); ++j) c.risk.push_back(Number::of(r[kFitShots.size() + j]));
  c.zero_shot = Number::of(r[0]);
  const Rational limit = exact::arch_risk_limit(a, task, o.s2);
  if (limit != c.numerator->coeff(2))
    throw std::logic_error("diagnose: lim R differs from the leading coefficient of (n+1)^2 R");
  c.limit = Number::of(limit);
  return c;
}

Number mc_point(const Arch<double>& a, const sim::TaskSpec& task, long n, const Options& o) {
  const sim::McEstimate e = sim::mc_risk(a, task, n, to_double(o.s2), sim::at_shots(o.mc, n));
  return Number::estimate(e.mean, e.se);
}

ModelCurve mc_curve(const Arch<double>& a, const sim::TaskSpec& task, const Options& o) {
  ModelCurve c;
  for (long n : o.shots) c.risk.push_back(mc_point(a, task, n, o));
  c.zero_shot = mc_point(a, task, 0, o);
  c.limit = mc_point(a, task, o.limit_shots, o);
  return c;
}

// The listed n where post - pre exceeds three standard errors of the difference.
std::vector<long> worse_by_mc(const TaskResult& t, const std::vector<long>& shots) {
  std::vector<long> out;
  for (std::size_t j = 0; j < shots.size(); ++j) {
    const Number &a = t.pre.risk[j], &b = t.post.risk[j];
    if (b.decimal - a.decimal > 3 * std::hypot(*a.se, *b.se)) out.push_back(shots[j]);
  }
  return out;
}

TaskResult task_result(const std::string& name, const std::optional<Vec<Rational>>& theta, const Arch<Rational>& pre,
                       const Arch<Rational>& post, const Options& o) {
  TaskResult t{name, {}, {}, std::nullopt, {}};
  if (exact_engine(pre)) {
    const auto task = theta ? exact::TaskLaw<Rational>::fixed(*theta) : exact::TaskLaw<Rational>::sphere();
    t.pre = exact_curve(pre, task, o);
    t.post = exact_curve(post, task, o);
    // pre and post have the same L, so the same denominator (n + 1)^power: the numerators' difference
    // has the sign of R_post - R_pre at every n.
    if (t.pre.power != t.post.power) throw std::logic_error("diagnose: pre and post curves over different powers");
    t.runs = sign_runs_any_degree(*t.post.numerator - *t.pre.numerator);
    return t;
  }
  const auto task = theta ? sim::TaskSpec::fixed(theta->cast<double>()) : sim::TaskSpec::sphere();
  t.pre = mc_curve(pre.cast<double>(), task, o);
  t.post = mc_curve(post.cast<double>(), task, o);
  t.worse_mc = worse_by_mc(t, o.shots);
  return t;
}

// --- retention and the verdict ---------------------------------------------------------------------

Number gain(const Number& limit, const Rational& s2) {
  if (limit.exact) return Number::of(1 + s2 - *limit.exact);
  return Number::estimate(to_double(Rational(1 + s2)) - limit.decimal, *limit.se);
}

Retention retention(const TaskResult& t, const Rational& s2) {
  Retention r{gain(t.pre.limit, s2), gain(t.post.limit, s2), std::nullopt, ""};
  const bool exact = r.gain_pre.exact.has_value();
  if (exact ? *r.gain_pre.exact <= 0 : r.gain_pre.decimal <= 0) {
    r.flag = "no ICL to lose";
    return r;
  }
  if (exact) {
    r.rho = Number::of(*r.gain_post.exact / *r.gain_pre.exact);
  } else {  // the delta method for a ratio of two estimates
    const double rho = r.gain_post.decimal / r.gain_pre.decimal;
    r.rho = Number::estimate(rho, std::hypot(*r.gain_post.se, rho * *r.gain_pre.se) / r.gain_pre.decimal);
  }
  if (r.rho->decimal < 0 && (!exact || *r.rho->exact < 0)) r.flag = "negative";
  return r;
}

// rho < t (below = true) or rho >= t; false without a rho.
bool compare(const std::optional<Number>& rho, const Rational& t, bool below) {
  if (!rho) return false;
  const bool less = rho->exact ? *rho->exact < t : rho->decimal < to_double(t);
  return below ? less : !less;
}

std::string rho_text(const Retention& r, const std::string& task) {
  if (!r.rho) return fmt::format("rho({}) = none (no ICL to lose)", task);
  return fmt::format("rho({}) = {:.4g}", task, r.rho->decimal);
}

}  // namespace

std::pair<std::string, std::string> verdict(const std::vector<Retention>& r) {
  const auto &t = r.at(0).rho, &o = r.at(1).rho, &s = r.at(2).rho;
  const std::string all =
      fmt::format("{}, {}, {}", rho_text(r[0], "theta0"), rho_text(r[1], "-theta0"), rho_text(r[2], "sphere"));
  if (!t && !o && !s) return {"no-icl", all + ": the pretrained model has no ICL to lose on any task"};
  if (compare(t, kCollapsed, true) && compare(o, kCollapsed, true))
    return {"collapsed", all + ": below 1/4 on theta0 and -theta0, the gain from prompts is lost"};
  if (compare(o, kKept, false) && compare(s, kKept, false))
    return {"preserved", all +
                             ": at least 9/10 on -theta0 and the sphere, the gain from prompts is kept off the "
                             "fine-tuned task"};
  if (compare(t, kKept, false) && compare(o, kKept, true))
    return {"specialized",
            all + ": at least 9/10 on theta0 but below 9/10 on -theta0, ICL is kept on the fine-tuned task only"};
  return {"degraded", all + ": neither collapsed, preserved nor specialized"};
}

namespace {

// --- what moved ---------------------------------------------------------------------------------

BlockChange block_change(const std::string& block, const std::string& role, const Mat<Rational>& a,
                         const Mat<Rational>& b) {
  BlockChange c{block, role, a.squaredNorm(), b.squaredNorm(), Mat<Rational>(b - a).squaredNorm(), std::nullopt};
  if (c.pre2 != 0) c.ratio2 = c.change2 / c.pre2;
  return c;
}

// The blocks of THEORY.md's names (0 = constant, x = 1..d, y = D-1) of M = Q^T K and of V.
std::vector<BlockChange> head_blocks(const Head<Rational>& a, const Head<Rational>& b) {
  const Mat<Rational> Ma = a.M(), Mb = b.M();
  const auto D = Ma.rows(), d = D - 2, y = D - 1;
  return {block_change("M_xx", "icl", Ma.block(1, 1, d, d), Mb.block(1, 1, d, d)),
          block_change("V_yy", "icl", a.V.block(y, y, 1, 1), b.V.block(y, y, 1, 1)),
          block_change("M_00", "zero_shot", Ma.block(0, 0, 1, 1), Mb.block(0, 0, 1, 1)),
          block_change("V_yx", "zero_shot", a.V.block(y, 1, 1, d), b.V.block(y, 1, 1, d)),
          block_change("M_xy", "memorizing", Ma.block(1, y, d, 1), Mb.block(1, y, d, 1))};
}

train::ScaleFree<Rational> head_products(const Head<Rational>& h, int H, const Vec<Rational>& theta0) {
  return train::scale_free<Rational>(Mat<Rational>(h.V / Rational(H)), h.M(), theta0);
}

std::vector<HeadChange> moved(const Arch<Rational>& pre, const Arch<Rational>& post, const Vec<Rational>& theta0) {
  std::vector<HeadChange> out;
  for (int l = 0; l < pre.L(); ++l)
    for (int h = 0; h < pre.H(); ++h) {
      const auto& a = pre.layers[static_cast<std::size_t>(l)][static_cast<std::size_t>(h)];
      const auto& b = post.layers[static_cast<std::size_t>(l)][static_cast<std::size_t>(h)];
      out.push_back({l, h, head_blocks(a, b), head_products(a, pre.H(), theta0), head_products(b, pre.H(), theta0)});
    }
  return out;
}

// --- the nearest family ------------------------------------------------------------------------------

FamilyFit fit(const AffineFamily<Rational>& f, const Tensor<Rational>& E, const Rational& norm2) {
  const Fit<Rational> r = fit_family(f, E);
  FamilyFit out{f.name, {}, r.residual2 / norm2};
  for (std::size_t k = 0; k < r.p.size(); ++k) {
    if (f.coordinates[k] == "1/c") {  // F(c): report c; u = 1/c = 0 is no member
      if (r.p[k] != 0) out.parameters.emplace_back("c", 1 / r.p[k]);
    } else {
      out.parameters.emplace_back(f.coordinates[k], r.p[k]);
    }
  }
  return out;
}

void nearest_family(const Arch<Rational>& post, const Vec<Rational>& theta0, Diagnosis& dx) {
  if (post.L() != 1) {
    dx.nearest = "none";
    dx.nearest_reason = "the families are one-layer models; L >= 2 is not compared";
    return;
  }
  if (post.softmax()) {
    dx.nearest = "none";
    dx.nearest_reason = "the families are linear-attention models; softmax attention is not compared";
    return;
  }
  const Tensor<Rational> E = layer_tensor(post.layers.front());
  const Rational norm2 = E.a.squaredNorm();
  if (norm2 == 0) {
    dx.nearest = "none";
    dx.nearest_reason = "post predicts 0 for every prompt (its effective tensor is 0)";
    return;
  }
  for (const auto& f : {full_ft_family(theta0), value_only_family(theta0), kq_memory_family(theta0)})
    dx.families.push_back(fit(f, E, norm2));
  const FamilyFit* best = &dx.families.front();
  for (const auto& f : dx.families)
    if (f.distance2 < best->distance2) best = &f;
  const double dist = std::sqrt(to_double(best->distance2));
  if (best->distance2 <= kNearestDistance * kNearestDistance) {
    dx.nearest = best->family;
    dx.nearest_reason = fmt::format("relative distance {:.4g} <= 1/4", dist);
  } else {
    dx.nearest = "none";
    dx.nearest_reason = fmt::format("the closest, {}, is at relative distance {:.4g} > 1/4", best->family, dist);
  }
}

}  // namespace

Diagnosis diagnose(const Arch<Rational>& pre, const Arch<Rational>& post, const Options& opt) {
  check_inputs(pre, post, opt);
  Diagnosis dx{};
  dx.L = pre.L();
  dx.H = pre.H();
  dx.d = pre.d();
  dx.kind_pre = parameterization_name(pre.kind());
  dx.kind_post = parameterization_name(post.kind());
  dx.s2 = opt.s2;
  dx.exact = exact_engine(pre);
  dx.attention = attention_name(pre.attention);
  dx.options = opt;
  choose_theta0(pre, post, opt, dx);
  const Vec<Rational> minus = -dx.theta0;
  dx.tasks = {task_result("theta0", dx.theta0, pre, post, opt), task_result("-theta0", minus, pre, post, opt),
              task_result("sphere", std::nullopt, pre, post, opt)};
  for (const auto& t : dx.tasks) dx.retention.push_back(retention(t, opt.s2));
  const ModelCurve &a = dx.tasks.front().pre, &b = dx.tasks.front().post;
  dx.zero_shot_change = dx.exact ? Number::of(*b.zero_shot.exact - *a.zero_shot.exact)
                                 : Number::estimate(b.zero_shot.decimal - a.zero_shot.decimal,
                                                    std::hypot(*a.zero_shot.se, *b.zero_shot.se));
  std::tie(dx.verdict, dx.reason) = verdict(dx.retention);
  dx.moved = moved(pre, post, dx.theta0);
  nearest_family(post, dx.theta0, dx);
  return dx;
}

// --- JSON -----------------------------------------------------------------------------------------

nlohmann::json to_json(const Number& x) {
  return {{"exact", x.exact ? nlohmann::json(to_fraction(*x.exact)) : nlohmann::json(nullptr)},
          {"decimal", x.decimal},
          {"se", x.se ? nlohmann::json(*x.se) : nlohmann::json(nullptr)}};
}

namespace {

nlohmann::json optional_json(const std::optional<Number>& x) { return x ? to_json(*x) : nlohmann::json(nullptr); }

nlohmann::json numbers_json(const std::vector<Number>& xs) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& x : xs) out.push_back(to_json(x));
  return out;
}

nlohmann::json curve_json(const ModelCurve& c) {
  nlohmann::json j{{"risk", numbers_json(c.risk)}, {"zero_shot", to_json(c.zero_shot)}, {"limit", to_json(c.limit)}};
  j["numerator"] = c.numerator ? nlohmann::json(prove::fractions(*c.numerator)) : nlohmann::json(nullptr);
  j["denominator_power"] = c.numerator ? nlohmann::json(c.power) : nlohmann::json(nullptr);
  return j;
}

nlohmann::json task_json(const TaskResult& t) {
  nlohmann::json j{{"pre", curve_json(t.pre)}, {"post", curve_json(t.post)}, {"sets_exact", t.runs.has_value()}};
  if (t.runs) {
    j["worse"] = prove::runs_json(*t.runs, 1);
    j["equal"] = prove::runs_json(*t.runs, 0);
    j["better"] = prove::runs_json(*t.runs, -1);
    j["worse_mc"] = nullptr;
  } else {
    j["worse"] = j["equal"] = j["better"] = nullptr;
    j["worse_mc"] = t.worse_mc;
  }
  return j;
}

nlohmann::json products_json(const train::ScaleFree<Rational>& s) {
  nlohmann::json j;
  for (const auto& [name, value] : train::named(s)) j[name] = to_json(Number::of(value));
  return j;
}

nlohmann::json moved_json(const std::vector<HeadChange>& heads) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& h : heads) {
    nlohmann::json blocks = nlohmann::json::array();
    for (const auto& b : h.blocks)
      blocks.push_back({{"block", b.block},
                        {"role", b.role},
                        {"pre_norm", std::sqrt(to_double(b.pre2))},
                        {"post_norm", std::sqrt(to_double(b.post2))},
                        {"relative_change", b.ratio2 ? nlohmann::json(std::sqrt(to_double(*b.ratio2))) : nullptr},
                        {"relative_change_squared", b.ratio2 ? nlohmann::json(to_fraction(*b.ratio2)) : nullptr}});
    out.push_back({{"layer", h.layer},
                   {"head", h.head},
                   {"blocks", blocks},
                   {"scale_free", {{"pre", products_json(h.pre)}, {"post", products_json(h.post)}}}});
  }
  return out;
}

nlohmann::json families_json(const std::vector<FamilyFit>& fits) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& f : fits) {
    nlohmann::json p = nlohmann::json::object();
    for (const auto& [name, value] : f.parameters) p[name] = to_json(Number::of(value));
    out.push_back({{"family", f.family},
                   {"parameters", p},
                   {"distance", std::sqrt(to_double(f.distance2))},
                   {"distance_squared", to_json(Number::of(f.distance2))}});
  }
  return out;
}

nlohmann::json retention_json(const Retention& r) {
  return {{"rho", optional_json(r.rho)},
          {"gain_pre", to_json(r.gain_pre)},
          {"gain_post", to_json(r.gain_post)},
          {"flag", r.flag.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.flag)}};
}

}  // namespace

nlohmann::json to_json(const Diagnosis& dx) {
  nlohmann::json j{{"layers", dx.L},
                   {"heads", dx.H},
                   {"d", dx.d},
                   {"parameterization", {{"pre", dx.kind_pre}, {"post", dx.kind_post}}},
                   {"attention", dx.attention},
                   {"sigma2", to_fraction(dx.s2)},
                   {"engine", dx.exact ? "exact" : "monte carlo"},
                   {"shots", dx.options.shots}};
  j["monte_carlo"] = dx.exact ? nlohmann::json(nullptr)
                              : nlohmann::json{{"samples", dx.options.mc.samples},
                                               {"seed", dx.options.mc.seed},
                                               {"limit_shots", dx.options.limit_shots}};
  nlohmann::json theta = nlohmann::json::array(), theta_dec = nlohmann::json::array();
  for (Eigen::Index i = 0; i < dx.theta0.size(); ++i) {
    theta.push_back(to_fraction(dx.theta0(i)));
    theta_dec.push_back(to_double(dx.theta0(i)));
  }
  j["theta0"] = {
      {"exact", theta}, {"decimal", theta_dec}, {"source", dx.theta0_source}, {"unit_exact", dx.theta0_exact}};
  j["tasks"] = nlohmann::json::object();
  j["retention"] = nlohmann::json::object();
  for (std::size_t t = 0; t < dx.tasks.size(); ++t) {
    j["tasks"][dx.tasks[t].name] = task_json(dx.tasks[t]);
    j["retention"][dx.tasks[t].name] = retention_json(dx.retention[t]);
  }
  j["zero_shot_change"] = to_json(dx.zero_shot_change);
  j["verdict"] = dx.verdict;
  j["verdict_reason"] = dx.reason;
  j["moved"] = moved_json(dx.moved);
  j["families"] = families_json(dx.families);
  j["nearest"] = {{"family", dx.nearest}, {"reason", dx.nearest_reason}};
  return j;
}

}  // namespace icl::diagnose
