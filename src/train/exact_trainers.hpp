// Deterministic trainers on the exact population risk (no sampling): plain gradient descent and
// gradient flow integrated by an adaptive Dormand-Prince 5(4) method with error control, in any
// floating scalar (double, Float50). The gradient is the exact engine's adjoint (docs/training.md).
#pragma once

#include <algorithm>
#include <array>
#include <functional>

#include "core/interrupt.hpp"
#include "core/scalar.hpp"
#include "exact/objective.hpp"
#include "train/schedule.hpp"

namespace icl::train {

struct GdOptions {
  double lr = 0.1;
  long steps = 1000;
  long history = 21;  // entries kept
};

// What the trainers move: a vector x of trained numbers, the model point it stands for, and the
// exact loss's value and gradient in x. CoordinateField trains coordinates of a point directly;
// lora::Field (src/lora/field.hpp) trains the factors of low-rank adapters on a frozen point.
template <class T>
struct CoordinateField {
  Point<T> base;
  std::vector<exact::Coordinate> coords;

  Vec<T> start() const { return exact::gather(base, coords); }
  Point<T> point(const Vec<T>& x) const {
    Point<T> p = base;
    exact::scatter(p, coords, x);
    return p;
  }
  exact::ValueGradient<T> value_and_gradient(const exact::Objective<T>& loss, const Vec<T>& x) const {
    return exact::value_and_gradient(loss, point(x), coords);
  }
};

// x_{t+1} = x_t - lr grad L_t(x_t) over the field's numbers, L_t the schedule's loss at step t.
// Throws DivergenceError naming the step when the loss or gradient is NaN/Inf or explodes.
template <class T, class Field>
TrainResult<T> gradient_descent_field(const Schedule<T>& loss, const Field& field, const GdOptions& opt,
                                      const ProgressFn& progress = {}) {
  TrainResult<T> out;
  Vec<T> x = field.start();
  out.point = field.point(x);
  const T lr = T(opt.lr);
  double start_loss = 0;
  for (long t = 0;; ++t) {
    poll_interrupt();
    const auto vg = field.value_and_gradient(loss.at(std::min(t, opt.steps - 1), opt.steps), x);
    ++out.evaluations;
    const double value = to_double(vg.value);
    if (t == 0) start_loss = value;
    check_finite(value, to_double(T(vg.gradient.squaredNorm())), start_loss, t);
    if (history_due(t, opt.steps, opt.history))
      out.history.push_back({t, static_cast<double>(t) * opt.lr, vg.value, conserved(out.point)});
    if (t == opt.steps) {
      out.loss = vg.value;
      out.grad_norm = sqrt_of(T(vg.gradient.squaredNorm()));
      break;
    }
    x -= lr * vg.gradient;
    out.point = field.point(x);
    if (progress && (t + 1) % 64 == 0) progress(static_cast<double>(t + 1), static_cast<double>(opt.steps));
  }
  out.steps = opt.steps;
  out.time = static_cast<double>(opt.steps) * opt.lr;
  out.x = x;
  return out;
}

// Gradient descent over the coordinates `coords` of `start`.
template <class T>
TrainResult<T> gradient_descent(const Schedule<T>& loss, const Point<T>& start,
                                const std::vector<exact::Coordinate>& coords, const GdOptions& opt,
                                const ProgressFn& progress = {}) {
  return gradient_descent_field(loss, CoordinateField<T>{start, coords}, opt, progress);
}

struct FlowOptions {
  double rtol = 1e-11, atol = 1e-13;  // local error control per step
  double grad_tol = 1e-11;            // converged when |grad| <= grad_tol
  double t_max = 1e7;                 // give up (not converged) at this flow time
  long max_evaluations = 2000000;
  long history = 21;
  double initial_step = 1e-2;  // the first trial step (the controller adapts it from there)
};

// dx/dt = -grad L(x) from `start`, Dormand-Prince 5(4) with the 4th-order embedded error
// estimate and a PI-free step controller; stops when |grad L| <= grad_tol.
template <class T, class Field>
TrainResult<T> gradient_flow_field(const exact::Objective<T>& loss, const Field& field, const FlowOptions& opt,
                                   const ProgressFn& progress = {}) {
  // Butcher tableau of Dormand and Prince (1980).
  static const std::array<std::array<double, 6>, 7> a{
      {{},
       {1.0 / 5},
       {3.0 / 40, 9.0 / 40},
       {44.0 / 45, -56.0 / 15, 32.0 / 9},
       {19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
       {9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656},
       {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84}}};
  // b5 is the last row of a (first-same-as-last); e = b5 - b4.
  static const std::array<double, 7> e{71.0 / 57600,      0,          -71.0 / 16695, 71.0 / 1920,
                                       -17253.0 / 339200, 22.0 / 525, -1.0 / 40};
  TrainResult<T> out;
  Vec<T> x = field.start();
  out.point = field.point(x);
  double start_loss = 0;
  Vec<T> last = x;  // the last point the right-hand side was evaluated at (the history's conserved value)
  auto rhs = [&](const Vec<T>& y, T* value) {
    last = y;
    const auto vg = field.value_and_gradient(loss, y);
    ++out.evaluations;
    const double v = to_double(vg.value);
    if (out.evaluations == 1) start_loss = v;
    check_finite(v, to_double(T(vg.gradient.squaredNorm())), start_loss, out.steps);
    if (value) *value = vg.value;
    return Vec<T>(-vg.gradient);
  };
  T value{};
  std::array<Vec<T>, 7> k;
  k[0] = rhs(x, &value);
  double t = 0, h = opt.initial_step;
  out.history.push_back({0, 0.0, value, conserved(out.point)});
  double next_record = 1;  // flow times 1, 10, 100, ... go into the history
  while (true) {
    poll_interrupt();
    const double g = to_double(sqrt_of(T(k[0].squaredNorm())));
    if (g <= opt.grad_tol) {
      out.converged = true;
      break;
    }
    if (t >= opt.t_max || out.evaluations >= opt.max_evaluations) break;
    const T th = T(h);
    for (int s = 1; s < 7; ++s) {
      Vec<T> y = x;
      for (int j = 0; j < s; ++j)
        if (a[s][j] != 0) y += th * T(a[s][j]) * k[j];
      k[s] = rhs(y, s == 6 ? &value : nullptr);
    }
    const Vec<T> x_new =
        x + th * (T(a[6][0]) * k[0] + T(a[6][2]) * k[2] + T(a[6][3]) * k[3] + T(a[6][4]) * k[4] + T(a[6][5]) * k[5]);
    Vec<T> err = Vec<T>::Zero(x.size());
    for (int s = 0; s < 7; ++s)
      if (e[s] != 0) err += th * T(e[s]) * k[s];
    double ratio = 0;  // max over coordinates of |err| / (atol + rtol |x|)
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      const double scale = opt.atol + opt.rtol * std::max(to_double(abs_of(x(i))), to_double(abs_of(x_new(i))));
      ratio = std::max(ratio, to_double(abs_of(err(i))) / scale);
    }
    if (!std::isfinite(ratio))
      throw DivergenceError(out.steps + 1, fmt::format("diverged at step {}: the error "
                                                       "estimate is not finite",
                                                       out.steps + 1));
    if (ratio <= 1) {
      t += h;
      x = x_new;
      k[0] = k[6];  // first same as last
      ++out.steps;
      if (t >= next_record) {
        out.history.push_back({out.steps, t, value, conserved(field.point(last))});
        next_record *= 10;
      }
      if (progress && out.steps % 64 == 0)
        progress(static_cast<double>(out.evaluations), static_cast<double>(opt.max_evaluations));
    }
    const double factor = ratio == 0 ? 5.0 : std::clamp(0.9 * std::pow(ratio, -0.2), 0.2, 5.0);
    h *= factor;
    if (h < 1e-14 * std::max(1.0, t))
      throw DivergenceError(
          out.steps + 1, fmt::format("diverged at step {}: step size underflow at flow time {:.6g}", out.steps + 1, t));
  }
  out.point = field.point(x);
  out.x = x;
  const auto vg = field.value_and_gradient(loss, x);
  out.loss = vg.value;
  out.grad_norm = sqrt_of(T(vg.gradient.squaredNorm()));
  out.time = t;
  out.history.push_back({out.steps, t, out.loss, conserved(out.point)});
  return out;
}

// Gradient flow over the coordinates `coords` of `start`.
template <class T>
TrainResult<T> gradient_flow(const exact::Objective<T>& loss, const Point<T>& start,
                             const std::vector<exact::Coordinate>& coords, const FlowOptions& opt,
                             const ProgressFn& progress = {}) {
  return gradient_flow_field(loss, CoordinateField<T>{start, coords}, opt, progress);
}

}  // namespace icl::train
