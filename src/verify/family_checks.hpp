// Monte Carlo agreement of a family's closed form, shared by the claims that own a family.
#pragma once

#include <array>

#include "closed_form/family.hpp"
#include "verify/primitives.hpp"

namespace icl {

inline constexpr std::array<long, 6> kMcShots{0, 1, 2, 5, 20, 40};

// theta0 = (3/5, 4/5, 0, ...) for d >= 2 (off the axes, so no coordinate is special), e_1 for d = 1;
// perp = (-4/5, 3/5, 0, ...).
inline Placement<double> mc_placement(int d) {
  Placement<double> pl{Eigen::VectorXd::Zero(d), Eigen::VectorXd::Zero(d)};
  if (d == 1) {
    pl.theta0(0) = 1;
    return pl;
  }
  pl.theta0(0) = 0.6;
  pl.theta0(1) = 0.8;
  pl.perp(0) = -0.8;
  pl.perp(1) = 0.6;
  return pl;
}

// For both tasks and every n in kMcShots: Monte Carlo risk of the family's matrices against the
// closed form of policy F. PASS iff every |z| <= 4.
template <class F>
Outcome mc_agreement(const FamilySpec& spec, int d, const Rational& s2, const CheckContext& ctx) {
  const Placement<double> pl = mc_placement(d);
  const MergedParams<double> params = family_params<double>(spec, pl);
  const Setting<double> s{d, from_rational<double>(s2)};
  std::vector<McCase> cases;
  for (Task task : {Task::Target, Task::Opposite}) {
    const Eigen::VectorXd theta = task_sign(task) * pl.theta0;
    for (long n : kMcShots) {
      const sim::McOptions opt{ctx.mc_samples, case_seed(ctx, cases.size() + 100 * static_cast<std::uint64_t>(d)),
                               ctx.threads};
      const TrustedValue exact = trusted_value([&]<class T>(std::type_identity<T>) {
        return family_risk<F, T>(spec, n, task, Setting<T>{d, from_rational<T>(s2)});
      });
      cases.push_back(McCase{fmt::format("{} n={} d={}", task_name(task), n, d), exact.value,
                             sim::mc_risk(params, sim::TaskSpec::fixed(theta), n, s.s2, opt), exact.double_vs_50});
    }
  }
  return all_within_z(cases, ctx);
}

}  // namespace icl
