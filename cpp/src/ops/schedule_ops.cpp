// LearningRateSchedule(global_step): TF1's learning-rate decay functions as
// one scalar op (float32), attrs "kind" and "params" (doubles), computed in
// double from the step's current value. With p = step / decay_steps
// (floored when staircase):
//   exponential   lr * rate^p
//   inverse_time  lr / (1 + rate * p)
//   natural_exp   lr * exp(-rate * p)
//   polynomial    (lr - end) * (1 - s / D)^power + end, s = min(step, D)
//                 (cycle: D = decay_steps * max(1, ceil(step / decay_steps)), s = step)
//   cosine        lr * ((1 - alpha) * 0.5 (1 + cos(pi s / D)) + alpha), s = min(step, D)
//   cosine_restarts  TF's cosine_decay_restarts (t_mul, m_mul, alpha)
//   piecewise     values[i] for boundaries[i-1] < step <= boundaries[i]
#include <cmath>

#include "kernel_util.h"
#include "op_registry.h"

namespace slimcore {

namespace {

double p_of(double step, double decay_steps, bool staircase) {
  const double p = step / decay_steps;
  return staircase ? std::floor(p) : p;
}

double cosine_restarts(double lr, double step, double first, double t_mul, double m_mul, double alpha) {
  double fraction = step / first;
  double restart = 0;
  if (t_mul == 1.0) {
    restart = std::floor(fraction);
    fraction -= restart;
  } else {
    // Periods completed before period r: (1 - t_mul^r) / (1 - t_mul) first periods.
    auto done = [t_mul](double r) { return (1.0 - std::pow(t_mul, r)) / (1.0 - t_mul); };
    restart = std::floor(std::log(1.0 - fraction * (1.0 - t_mul)) / std::log(t_mul));
    // The logarithm's rounding can land one period off exactly at a restart
    // (first 1, t_mul 3, step 121 gave period 4 at its very end, not period 5
    // at its peak): step to the period that really contains the fraction.
    while (restart > 0 && done(restart) > fraction) restart -= 1;
    while (done(restart + 1) <= fraction) restart += 1;
    fraction = (fraction - done(restart)) / std::pow(t_mul, restart);
  }
  const double cosine = 0.5 * std::pow(m_mul, restart) * (1.0 + std::cos(M_PI * fraction));
  return lr * ((1.0 - alpha) * cosine + alpha);
}

double schedule_value(const std::string& kind, const std::vector<double>& a, double step) {
  if (kind == "exponential") return a[0] * std::pow(a[2], p_of(step, a[1], a[3] != 0));
  if (kind == "inverse_time") return a[0] / (1.0 + a[2] * p_of(step, a[1], a[3] != 0));
  if (kind == "natural_exp") return a[0] * std::exp(-a[2] * p_of(step, a[1], a[3] != 0));
  if (kind == "polynomial") {  // lr, decay_steps, end, power, cycle
    double steps = a[1], s = step;
    if (a[4] != 0) steps *= std::max(1.0, std::ceil(step / a[1]));
    else s = std::min(step, a[1]);
    return (a[0] - a[2]) * std::pow(1.0 - s / steps, a[3]) + a[2];
  }
  if (kind == "cosine") {  // lr, decay_steps, alpha
    const double s = std::min(step, a[1]);
    return a[0] * ((1.0 - a[2]) * 0.5 * (1.0 + std::cos(M_PI * s / a[1])) + a[2]);
  }
  if (kind == "cosine_restarts") return cosine_restarts(a[0], step, a[1], a[2], a[3], a[4]);
  if (kind == "piecewise") {  // n boundaries then n + 1 values
    const std::size_t n = (a.size() - 1) / 2;
    for (std::size_t i = 0; i < n; ++i)
      if (step <= a[i]) return a[n + i];
    return a[2 * n];
  }
  throw InvalidArgument("unknown learning-rate schedule '" + kind + "'");
}

REGISTER_OP("LearningRateSchedule")
    .inputs(1)
    .shape([](const InferContext& c) {
      if (!c.input(0).shape.empty())
        c.fail("global_step must be a scalar, got shape " + shape_string(c.input(0).shape));
      if (c.input(0).dtype == DType::Bool) c.fail_type("global_step must be numeric");
      return std::vector<TensorSpec>{{DType::Float32, {}}};
    })
    .kernel([](KernelContext& c) {
      const double value = schedule_value(c.attrs().get<std::string>("kind"),
                                          c.attrs().get<std::vector<double>>("params"), c.input(0).scalar_value());
      *c.output(0).data<float>() = static_cast<float>(value);
    })
    .not_differentiable();

}  // namespace
}  // namespace slimcore
