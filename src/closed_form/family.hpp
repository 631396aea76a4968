// A named family with its parameters: one description that yields both the closed-form risk
// (through a formula policy) and the parameter matrices (for Monte Carlo and the exact engine).
#pragma once

#include <string>

#include "closed_form/formulas.hpp"
#include "model/families.hpp"

namespace icl {

enum class FamilyKind { Pretrained, FullFt, ValueOnly };

const char* family_name(FamilyKind k);

// All parameters are exact rationals; evaluation converts them to the requested scalar.
struct FamilySpec {
  FamilyKind kind;
  Rational param;         // gamma (pretrained), c (zs-full), w (v-only)
  Rational beta;          // v-only: coefficient of theta0 in b
  Rational beta_perp{0};  // v-only: coefficient of a unit vector orthogonal to theta0 in b
};

// Where a family is placed: the fine-tuning task theta0 (unit) and a unit vector orthogonal to it
// (needed only when beta_perp != 0).
template <class T>
struct Placement {
  Vec<T> theta0;
  Vec<T> perp;
};

template <class T>
Placement<T> axis_placement(int d) {
  Placement<T> pl{first_axis<T>(d), Vec<T>::Zero(d)};
  if (d >= 2) pl.perp(1) = T(1);
  return pl;
}

// The closed-form risk of the family on +-theta0 with n shots, through formula policy F.
template <class F, class T>
T family_risk(const FamilySpec& f, long n, Task task, const Setting<T>& s) {
  const T p = from_rational<T>(f.param);
  switch (f.kind) {
    case FamilyKind::Pretrained:
      return F::risk_pretrained(p, n, s);
    case FamilyKind::FullFt:
      return F::risk_full_ft(p, n, task, s);
    case FamilyKind::ValueOnly: {
      const T beta = from_rational<T>(f.beta);
      const T perp = from_rational<T>(f.beta_perp);
      const closed_form::ValueOnlyGeometry<T> g{T(task_sign(task)) * beta, beta * beta + perp * perp, p};
      return F::risk_value_only(g, n, s);
    }
  }
  throw std::logic_error("unknown family");
}

// The family's parameter matrices.
template <class T>
MergedParams<T> family_params(const FamilySpec& f, const Placement<T>& pl) {
  const int d = static_cast<int>(pl.theta0.size());
  const T p = from_rational<T>(f.param);
  switch (f.kind) {
    case FamilyKind::Pretrained:
      return pretrained_params<T>(d, p);
    case FamilyKind::FullFt:
      return full_ft_params<T>(pl.theta0, p);
    case FamilyKind::ValueOnly: {
      const Vec<T> b = from_rational<T>(f.beta) * pl.theta0 + from_rational<T>(f.beta_perp) * pl.perp;
      return value_only_params<T>(b, p);
    }
  }
  throw std::logic_error("unknown family");
}

inline const char* family_name(FamilyKind k) {
  switch (k) {
    case FamilyKind::Pretrained:
      return "pretrained";
    case FamilyKind::FullFt:
      return "zs-full";
    case FamilyKind::ValueOnly:
      return "v-only";
  }
  return "?";
}

}  // namespace icl
