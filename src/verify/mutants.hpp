// Deliberately wrong variants of the closed forms. Each hides one member of PaperFormulas; the
// checks of the claim it names must FAIL on it (tests/test_mutants.cpp, `iclverify selftest`). A mutant that survives
// names a check that is too weak.
#pragma once

#include <type_traits>

#include "closed_form/formulas.hpp"
#include "exact/moments.hpp"
#include "exact/objective.hpp"
#include "model/families.hpp"

namespace icl::mutants {

using closed_form::ValueOnlyGeometry;

// x rounded through single precision when T is double (a float intermediate); exact otherwise.
// Only a precision check, which compares double with 50 digits, can see it.
template <class T>
T through_float(const T& x) {
  if constexpr (std::is_same_v<T, double>)
    return static_cast<double>(static_cast<float>(x));
  else
    return x;
}

// --- C1: pretrained family ---
struct PretrainedOffByOneN : PaperFormulas {  // N = n + 2
  static constexpr const char* name = "R_pre with N = n + 2";
  static constexpr const char* claim = "C1";
  template <class T>
  static T risk_pretrained(const T& g, long n, const Setting<T>& s) {
    const T N = T(n + 2);
    return T(1) + s.s2 - T(2) * g * T(n) / N + g * g * T(n) * (T(n + s.d + 1) + T(s.d) * s.s2) / (N * N);
  }
};
struct PretrainedNoNoise : PaperFormulas {  // drops the d s2 term
  static constexpr const char* name = "R_pre without the noise term d s2";
  static constexpr const char* claim = "C1";
  template <class T>
  static T risk_pretrained(const T& g, long n, const Setting<T>& s) {
    const T N = T(n + 1);
    return T(1) + s.s2 - T(2) * g * T(n) / N + g * g * T(n) * T(n + s.d + 1) / (N * N);
  }
};
struct GammaStarNoNoise : PaperFormulas {
  static constexpr const char* name = "gamma* = (m+1)/(m+1+d)";
  static constexpr const char* claim = "C1";
  template <class T>
  static T gamma_star(long m, const Setting<T>& s) {
    return T(m + 1) / T(m + 1 + s.d);
  }
};
struct GammaStarOffByOne : PaperFormulas {
  static constexpr const char* name = "gamma* = m/(m + d(1+s2))";
  static constexpr const char* claim = "C1";
  template <class T>
  static T gamma_star(long m, const Setting<T>& s) {
    return T(m) / (T(m) + T(s.d) * (T(1) + s.s2));
  }
};
struct GammaStarNumeratorM : PaperFormulas {
  static constexpr const char* name = "gamma* = m/(m+1+d(1+s2)) (m for m+1 in the numerator)";
  static constexpr const char* claim = "C1";
  template <class T>
  static T gamma_star(long m, const Setting<T>& s) {
    return T(m) / (T(m + 1) + T(s.d) * (T(1) + s.s2));
  }
};
struct ThresholdWrongDenominator : PaperFormulas {
  static constexpr const char* name = "ICL threshold with (1 - gamma) for (2 - gamma)";
  static constexpr const char* claim = "C1";
  template <class T>
  static T icl_threshold(const T& g, const Setting<T>& s) {
    return T(s.d) * g * (T(1) + s.s2) / (T(1) - g);
  }
};
struct ClassicalOffByOne : PaperFormulas {
  static constexpr const char* name = "classical gamma* = m/(m+d+d s2)";
  static constexpr const char* claim = "C1";
  template <class T>
  static T gamma_star_classical(long m, const Setting<T>& s) {
    return T(m) / (T(m + s.d) + T(s.d) * s.s2);
  }
};
struct ClassicalIsQueryIncluded : PaperFormulas {
  static constexpr const char* name = "classical R_pre = the query-included R_pre (conventions confused)";
  static constexpr const char* claim = "C1";
  template <class T>
  static T risk_pretrained_classical(const T& g, long n, const Setting<T>& s) {
    return PaperFormulas::risk_pretrained(g, n, s);
  }
};
struct PretrainedThroughFloat : PaperFormulas {
  static constexpr const char* name = "R_pre through a float intermediate in double";
  static constexpr const char* claim = "C1";
  template <class T>
  static T risk_pretrained(const T& g, long n, const Setting<T>& s) {
    return through_float(PaperFormulas::risk_pretrained(g, n, s));
  }
};

// --- C2: full fine-tuning family ---
struct FullFtOffByOneN : PaperFormulas {
  static constexpr const char* name = "F(c) risk with N = n + 2";
  static constexpr const char* claim = "C2";
  template <class T>
  static T risk_full_ft(const T& c, long n, Task task, const Setting<T>& s) {
    const T N = T(n + 2);
    const T sign = T(task_sign(task));
    const T bias = task == Task::Target ? T(T(n) / N) : T(T(1) + T(1) / N);
    return bias * bias + s.s2 + T(n) / (N * N) * ((T(1) + sign / c) * (T(1) + sign / c) + s.s2 / (c * c));
  }
};
struct FullFtNoNoise : PaperFormulas {
  static constexpr const char* name = "F(c) risk without the s2/c^2 term";
  static constexpr const char* claim = "C2";
  template <class T>
  static T risk_full_ft(const T& c, long n, Task task, const Setting<T>& s) {
    return PaperFormulas::risk_full_ft(c, n, task, s) - T(n) / (T(n + 1) * T(n + 1)) * s.s2 / (c * c);
  }
};
struct FullFtSignFlip : PaperFormulas {
  static constexpr const char* name = "F(c) risk on theta0 with (1 - 1/c)";
  static constexpr const char* claim = "C2";
  template <class T>
  static T risk_full_ft(const T& c, long n, Task task, const Setting<T>& s) {
    if (task == Task::Opposite) return PaperFormulas::risk_full_ft(c, n, task, s);
    const T N = T(n + 1);
    const T m = T(1) - T(1) / c;
    return T(n) / N * T(n) / N + s.s2 + T(n) / (N * N) * (m * m + s.s2 / (c * c));
  }
};
struct FullFtQueryLabelCounted : PaperFormulas {
  static constexpr const char* name = "F(c) risk on theta0 with bias 1 for n/N (the query's own label counted)";
  static constexpr const char* claim = "C2";
  template <class T>
  static T risk_full_ft(const T& c, long n, Task task, const Setting<T>& s) {
    const T r = PaperFormulas::risk_full_ft(c, n, task, s);
    if (task == Task::Opposite) return r;
    const T bias = T(n) / T(n + 1);
    return r + T(1) - bias * bias;
  }
};
struct FullFtThroughFloat : PaperFormulas {
  static constexpr const char* name = "F(c) risk through a float intermediate in double";
  static constexpr const char* claim = "C2";
  template <class T>
  static T risk_full_ft(const T& c, long n, Task task, const Setting<T>& s) {
    return through_float(PaperFormulas::risk_full_ft(c, n, task, s));
  }
};

// --- C3: balance law ---
struct CStarSignFlip : PaperFormulas {
  static constexpr const char* name = "c from balance with + d q_x^2";
  static constexpr const char* claim = "C3";
  template <class T>
  static T c_from_balance(const T& q_x, const T& v_y, int d) {
    const T dq2 = T(d) * q_x * q_x;
    return sqrt_of(T((sqrt_of(T(dq2 * dq2 + T(4))) + dq2) / T(2))) / v_y;
  }
};
struct CStarNoVy : PaperFormulas {
  static constexpr const char* name = "c from balance without dividing by v_y";
  static constexpr const char* claim = "C3";
  template <class T>
  static T c_from_balance(const T& q_x, const T& v_y, int d) {
    return PaperFormulas::c_from_balance(q_x, v_y, d) * v_y;
  }
};
struct CStarThroughFloat : PaperFormulas {
  static constexpr const char* name = "c from balance through a float intermediate in double";
  static constexpr const char* claim = "C3";
  template <class T>
  static T c_from_balance(const T& q_x, const T& v_y, int d) {
    return through_float(PaperFormulas::c_from_balance(q_x, v_y, d));
  }
};

// --- C4: value-only family ---
struct ValueOnlyD3 : PaperFormulas {
  static constexpr const char* name = "R_v with (d+2)(d+3) ||b||^2";
  static constexpr const char* claim = "C4";
  template <class T>
  static T risk_value_only(const ValueOnlyGeometry<T>& g, long n, const Setting<T>& s) {
    const T N = T(n + 1);
    return PaperFormulas::risk_value_only(g, n, s) - T(s.d + 2) * g.b_norm2 / (N * N);
  }
};
struct ValueOnlyNoNoise : PaperFormulas {
  static constexpr const char* name = "R_v without the w^2 n d s2 term";
  static constexpr const char* claim = "C4";
  template <class T>
  static T risk_value_only(const ValueOnlyGeometry<T>& g, long n, const Setting<T>& s) {
    const T N = T(n + 1);
    return PaperFormulas::risk_value_only(g, n, s) - g.w * g.w * T(n) * T(s.d) * s.s2 / (N * N);
  }
};
struct ValueOnlyOffByOneN : PaperFormulas {
  static constexpr const char* name = "R_v with N = n + 2 in the linear term";
  static constexpr const char* claim = "C4";
  template <class T>
  static T risk_value_only(const ValueOnlyGeometry<T>& g, long n, const Setting<T>& s) {
    const T lin = T(n) * (g.b_dot_theta + g.w) + T(s.d + 2) * g.b_dot_theta;
    return PaperFormulas::risk_value_only(g, n, s) + T(2) * lin / T(n + 1) - T(2) * lin / T(n + 2);
  }
};
struct BetaD3 : PaperFormulas {
  static constexpr const char* name = "zero-shot optimum b = theta0/(d+3)";
  static constexpr const char* claim = "C4";
  template <class T>
  static T beta_zero_shot(int d) {
    return T(1) / T(d + 3);
  }
};
struct LimitSignFlip : PaperFormulas {
  static constexpr const char* name = "value-only limit (1 - w +- 1/(d+4))^2 with the sign flipped";
  static constexpr const char* claim = "C4";
  template <class T>
  static T value_only_limit(const T& w, Task task, const Setting<T>& s) {
    return PaperFormulas::value_only_limit(w, task == Task::Target ? Task::Opposite : Task::Target, s);
  }
};
struct ValueOnlyThroughFloat : PaperFormulas {
  static constexpr const char* name = "R_v through a float intermediate in double";
  static constexpr const char* claim = "C4";
  template <class T>
  static T risk_value_only(const ValueOnlyGeometry<T>& g, long n, const Setting<T>& s) {
    return through_float(PaperFormulas::risk_value_only(g, n, s));
  }
};

// --- C5: auxiliary few-shot loss ---
struct WStarD3 : PaperFormulas {
  static constexpr const char* name = "w* with (n+3+2d)/(d+3)";
  static constexpr const char* claim = "C5";
  template <class T>
  static T w_star(long n, const Setting<T>& s) {
    return (T(n + 1) - T(n + 3 + 2 * s.d) / T(s.d + 3)) / (T(n + 1 + s.d) + T(s.d) * s.s2);
  }
};
struct WStarNoNoise : PaperFormulas {
  static constexpr const char* name = "w* without d s2 in the denominator";
  static constexpr const char* claim = "C5";
  template <class T>
  static T w_star(long n, const Setting<T>& s) {
    return (T(n + 1) - T(n + 3 + 2 * s.d) / T(s.d + 4)) / T(n + 1 + s.d);
  }
};
struct WStarOffByOne : PaperFormulas {
  static constexpr const char* name = "w* with n for n + 1 in the numerator";
  static constexpr const char* claim = "C5";
  template <class T>
  static T w_star(long n, const Setting<T>& s) {
    return (T(n) - T(n + 3 + 2 * s.d) / T(s.d + 4)) / (T(n + 1 + s.d) + T(s.d) * s.s2);
  }
};
struct WStarThroughFloat : PaperFormulas {
  static constexpr const char* name = "w* through a float intermediate in double";
  static constexpr const char* claim = "C5";
  template <class T>
  static T w_star(long n, const Setting<T>& s) {
    return through_float(PaperFormulas::w_star(n, s));
  }
};

// --- C6: key-query-only fine-tuning ---
struct KqStarNoTwo : PaperFormulas {
  static constexpr const char* name = "c*(n) = 1/(1+s2) (the factor (n+1)/(n+2) dropped)";
  static constexpr const char* claim = "C6";
  template <class T>
  static T kq_memory_star(long, const Setting<T>& s) {
    return T(1) / (T(1) + s.s2);
  }
};
struct KqRiskFourthMoment : PaperFormulas {
  static constexpr const char* name = "R_kq with n(n+1) for n(n+2) (a wrong fourth moment of the labels)";
  static constexpr const char* claim = "C6";
  template <class T>
  static T risk_kq_memory(const T& c, long n, Task task, const Setting<T>& s) {
    const T N = T(n + 1);
    const T a = T(1) + s.s2;
    return a - T(2 * task_sign(task)) * c * T(n) * a / N + c * c * T(n) * T(n + 1) * a * a / (N * N);
  }
};

struct KqRiskTaskSignFlip : PaperFormulas {
  static constexpr const char* name = "R_kq with theta0 and -theta0 swapped (the sign of the cross term)";
  static constexpr const char* claim = "C6";
  template <class T>
  static T risk_kq_memory(const T& c, long n, Task task, const Setting<T>& s) {
    return PaperFormulas::risk_kq_memory(c, n, task == Task::Target ? Task::Opposite : Task::Target, s);
  }
};
struct PretrainedValueReadsBias : PaperFormulas {
  static constexpr const char* name = "C6's start P(gamma) with the value row reading the constant token (v_0 = 1)";
  static constexpr const char* claim = "C6";
  static MergedParams<Rational> c6_pretrained(int d, const Rational& gamma) {
    MergedParams<Rational> p = pretrained_params(d, gamma);
    p.V(d + 1, 0) = 1;
    return p;
  }
};
struct ResidualRiskNoNoise : FullFtNoNoise {  // C6 reads R_zs for the residual value x-part
  static constexpr const char* name = "R_zs(eps; n) of C6's residual-x-part optimum without the s2/eps^2 term";
  static constexpr const char* claim = "C6";
};

// --- E: the exact engine's Gaussian moments (run through claim E with PaperFormulas) ---
struct SexticSix : exact::GaussianMoments {
  static constexpr const char* name = "E[(w.x)^2 (x^T A x)^2] with 6 |Aw|^2 for 8 |Aw|^2";
  static constexpr const char* claim = "E";
  template <class T>
  static T sextic(const T& ww, const T& trA, const T& trA2, const T& wAw, const T& AwAw) {
    using R = exact::real_t<T>;
    return ww * quad_square(trA, trA2) + R(4) * trA * wAw + R(6) * AwAw;
  }
};
struct QuadSquareOne : exact::GaussianMoments {
  static constexpr const char* name = "E[(x^T A x)^2] = (tr A)^2 + tr A^2 (Isserlis pairing count 1 for 2)";
  static constexpr const char* claim = "E";
  template <class T>
  static T quad_square(const T& trA, const T& trA2) {
    return trA * trA + trA2;
  }
  template <class T>
  static T sextic(const T& ww, const T& trA, const T& trA2, const T& wAw, const T& AwAw) {
    using R = exact::real_t<T>;
    return ww * quad_square(trA, trA2) + R(4) * trA * wAw + R(8) * AwAw;
  }
};
struct FivePointStencil : exact::GaussianMoments {
  static constexpr const char* name =
      "Hessian-vector product with the 5-point stencil for the separate parameterization";
  static constexpr const char* claim = "E";
  static constexpr exact::Stencil separate_stencil = exact::Stencil::FivePoint;
};
struct ProductFourthGaussianFree : exact::GaussianMoments {
  static constexpr const char* name = "E[X^2 Y^2] = Var X Var Y (independence assumed)";
  static constexpr const char* claim = "E";
  template <class T>
  static T product_fourth(const T& var_x, const T& var_y, const T&) {
    return var_x * var_y;
  }
};
struct QuadSquareCancelling : exact::GaussianMoments {
  // The same polynomial, (tr A + K)^2 - K (2 tr A + K) + 2 tr A^2 with K = 10^8/3: exact in
  // rationals, a cancellation of K^2 ~ 10^15 in floating point (K = 10^8/3 is not dyadic: the engine's random test
  // points have small dyadic entries, which a float intermediate would not round).
  static constexpr const char* name = "E[(x^T A x)^2] expanded around 10^8/3 (cancels in floating point)";
  static constexpr const char* claim = "E";
  template <class T>
  static T quad_square(const T& trA, const T& trA2) {
    using R = exact::real_t<T>;
    const R K = R(100000000) / R(3);
    return (trA + K) * (trA + K) - K * (R(2) * trA + K) + R(2) * trA2;
  }
};

}  // namespace icl::mutants
