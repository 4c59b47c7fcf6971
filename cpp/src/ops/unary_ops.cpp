// Elementwise unary math. One table serves the whole family: each entry is
// the op's name, its forward formula y = f(x), and its derivative dy/dx
// written as graph ops on x and y; the gradient is then dx = g * dy/dx.
//
//   numeric  (any number):  Neg, Square, Abs, Sign, Round
//   float    (float32/64):  Sqrt, Exp, Log, the trigonometric and hyperbolic
//                           functions and their inverses, Log1p, Expm1,
//                           Rsqrt, Reciprocal, Erf, Erfc, Lgamma, Digamma,
//                           Floor, Ceil, Rint
//   predicates (float -> bool): IsNan, IsInf, IsFinite;  LogicalNot (bool)
//
// Steps (Round, Floor, Ceil, Rint) and predicates pass no gradient, as in
// TensorFlow 1 (tf.gradients gives None through them); Sign's gradient is 0.
#include <cmath>
#include <limits>
#include <type_traits>

#include "grad_util.h"
#include "kernel_util.h"
#include "op_registry.h"
#include "slimcore/ops.h"

namespace slimcore {

namespace {

std::vector<TensorSpec> numeric_same_shape(const InferContext& c) {
  if (c.input(0).dtype == DType::Bool) c.fail_type("expected a numeric tensor, got bool");
  return {c.input(0)};
}
std::vector<TensorSpec> float_same_shape(const InferContext& c) {
  if (!is_floating(c.input(0).dtype))
    c.fail_type("expected a float32 or float64 tensor, got " + dtype_name(c.input(0).dtype));
  return {c.input(0)};
}
std::vector<TensorSpec> float_predicate_shape(const InferContext& c) {
  float_same_shape(c);
  return {{DType::Bool, c.input(0).shape}};
}
std::vector<TensorSpec> bool_same_shape(const InferContext& c) {
  if (c.input(0).dtype != DType::Bool) c.fail_type("expected a bool tensor, got " + dtype_name(c.input(0).dtype));
  return {c.input(0)};
}

// y[i] = f(x[i]) for T the input's C++ type (among `dispatch`'s) and R the
// output's (T, or bool for predicates).
template <bool kBoolOut, typename Dispatch, typename F> KernelFn elementwise(Dispatch dispatch, F f) {
  return [dispatch, f](KernelContext& c) {
    dispatch(c.input(0).dtype(), [&](auto zero) {
      using T = decltype(zero);
      using R = std::conditional_t<kBoolOut, bool, T>;
      const T* x = c.input(0).data<T>();
      R* y = c.output(0).data<R>();
      parallel_for(c.output(0).numel(), [&](int64_t i) { y[i] = static_cast<R>(f(x[i])); });
    });
  };
}
const auto numeric = [](DType d, auto&& fn) { dispatch_numeric(d, fn); };
const auto floating = [](DType d, auto&& fn) { dispatch_float(d, fn); };
const auto boolean = [](DType d, auto&& fn) {
  if (d != DType::Bool) throw TypeMismatch("expected a bool tensor, got " + dtype_name(d));
  fn(bool{});
};

// dx = g * dydx(x, y): the gradient of every differentiable op of the table.
template <typename D> GradFn chain_rule(D dydx) {
  return [dydx](const GradContext& c) {
    return std::vector<Output>{ops::mul(c.grad(), dydx(c.graph, c.input(0), c.output(0)))};
  };
}
// Round half to even (2.5 -> 2, -0.5 -> -0, as TensorFlow's Round and Rint);
// integers are already round.
template <typename T> T round_half_even(T x) {
  if constexpr (std::is_floating_point_v<T>) return std::nearbyint(x);  // the default mode rounds to even
  else return x;
}

// The op `type` applied to x (a derivative that is another op of the table).
Output apply(Graph& g, const char* type, Output x) {
  return g.add(type, {x});
}

// digamma(x) = d lgamma(x) / dx: the recurrence psi(x) = psi(x + 1) - 1/x up
// to x >= 6, then the asymptotic series; the reflection formula for x < 0.
template <typename T> T digamma(T x) {
  if (std::isnan(x) || x == -std::numeric_limits<T>::infinity()) return std::numeric_limits<T>::quiet_NaN();
  if (x <= 0 && std::floor(x) == x) return std::numeric_limits<T>::quiet_NaN();  // poles, as TF
  if (x < 0) return digamma(1 - x) - static_cast<T>(M_PI) / std::tan(static_cast<T>(M_PI) * x);
  double v = static_cast<double>(x), acc = 0;
  for (; v < 6; v += 1) acc -= 1 / v;
  const double r = 1 / (v * v);
  acc += std::log(v) - 0.5 / v - r * (1.0 / 12 - r * (1.0 / 120 - r * (1.0 / 252 - r * (1.0 / 240 - r / 132))));
  return static_cast<T>(acc);
}
// trigamma(x) = d digamma(x) / dx, the same way: psi1(x) = psi1(x + 1) + 1/x^2.
template <typename T> T trigamma(T x) {
  if (std::isnan(x)) return x;
  if (x <= 0 && std::floor(x) == x) return std::numeric_limits<T>::infinity();
  if (x < 0) {  // psi1(1 - x) + psi1(x) = pi^2 / sin^2(pi x)
    const double s = std::sin(M_PI * static_cast<double>(x));
    return static_cast<T>(M_PI * M_PI / (s * s) - trigamma(1 - static_cast<double>(x)));
  }
  double v = static_cast<double>(x), acc = 0;
  for (; v < 6; v += 1) acc += 1 / (v * v);
  const double r = 1 / (v * v);
  acc += 1 / v + r / 2 + r / v * (1.0 / 6 - r * (1.0 / 30 - r * (1.0 / 42 - r / 30)));
  return static_cast<T>(acc);
}

constexpr double kTwoOverSqrtPi = 1.12837916709551257390;  // d erf(x) = 2/sqrt(pi) exp(-x^2)

// The table. Each line: name, shape rule and dtype dispatch, y = f(x), and
// (SLIMCORE_UNARY) dy/dx as graph ops on x, y; SLIMCORE_STEP and
// SLIMCORE_PREDICATE pass no gradient (None, as TF1).
#define SLIMCORE_UNARY(NAME, SHAPE, DISPATCH, FORWARD, DYDX) \
  REGISTER_OP(NAME)                                          \
      .inputs(1)                                             \
      .shape(SHAPE)                                          \
      .kernel(elementwise<false>(DISPATCH, FORWARD))         \
      .in_place()                                            \
      .gradient(chain_rule(                                  \
          []([[maybe_unused]] Graph& g, [[maybe_unused]] Output x, [[maybe_unused]] Output y) { return DYDX; }));
#define SLIMCORE_STEP(NAME, SHAPE, DISPATCH, FORWARD) \
  REGISTER_OP(NAME)                                   \
      .inputs(1)                                      \
      .shape(SHAPE)                                   \
      .kernel(elementwise<false>(DISPATCH, FORWARD))  \
      .in_place()                                     \
      .not_differentiable();
#define SLIMCORE_PREDICATE(NAME, SHAPE, DISPATCH, FORWARD) \
  REGISTER_OP(NAME).inputs(1).shape(SHAPE).kernel(elementwise<true>(DISPATCH, FORWARD)).not_differentiable();
#define F(EXPR) [](auto x) { return EXPR; }

// clang-format off
//             name          shape rule          dtypes    y = f(x)                    dy/dx
SLIMCORE_UNARY("Neg",        numeric_same_shape, numeric,  F(-x),                      scalar_like(x, -1.0))
SLIMCORE_UNARY("Square",     numeric_same_shape, numeric,  F(x * x),                   2.0 * x)
SLIMCORE_UNARY("Abs",        numeric_same_shape, numeric,  F(x < 0 ? -x : x),          apply(g, "Sign", x))  // 0 at 0, as TF
SLIMCORE_STEP( "Round",      numeric_same_shape, numeric,  F(round_half_even(x)))     // 2.5 -> 2, as TF
SLIMCORE_UNARY("Sqrt",       float_same_shape,   floating, F(std::sqrt(x)),            0.5 / y)
SLIMCORE_UNARY("Rsqrt",      float_same_shape,   floating, F(1 / std::sqrt(x)),        -0.5 * y * y * y)
SLIMCORE_UNARY("Reciprocal", float_same_shape,   floating, F(1 / x),                   -(y * y))
SLIMCORE_UNARY("Exp",        float_same_shape,   floating, F(std::exp(x)),             y)
SLIMCORE_UNARY("Expm1",      float_same_shape,   floating, F(std::expm1(x)),           y + 1.0)
SLIMCORE_UNARY("Log",        float_same_shape,   floating, F(std::log(x)),             1.0 / x)
SLIMCORE_UNARY("Log1p",      float_same_shape,   floating, F(std::log1p(x)),           1.0 / (x + 1.0))
SLIMCORE_UNARY("Sin",        float_same_shape,   floating, F(std::sin(x)),             apply(g, "Cos", x))
SLIMCORE_UNARY("Cos",        float_same_shape,   floating, F(std::cos(x)),             -apply(g, "Sin", x))
SLIMCORE_UNARY("Tan",        float_same_shape,   floating, F(std::tan(x)),             1.0 + y * y)
SLIMCORE_UNARY("Asin",       float_same_shape,   floating, F(std::asin(x)),            apply(g, "Rsqrt", 1.0 - x * x))
SLIMCORE_UNARY("Acos",       float_same_shape,   floating, F(std::acos(x)),            -apply(g, "Rsqrt", 1.0 - x * x))
SLIMCORE_UNARY("Atan",       float_same_shape,   floating, F(std::atan(x)),            1.0 / (1.0 + x * x))
SLIMCORE_UNARY("Sinh",       float_same_shape,   floating, F(std::sinh(x)),            apply(g, "Cosh", x))
SLIMCORE_UNARY("Cosh",       float_same_shape,   floating, F(std::cosh(x)),            apply(g, "Sinh", x))
SLIMCORE_UNARY("Asinh",      float_same_shape,   floating, F(std::asinh(x)),           apply(g, "Rsqrt", x * x + 1.0))
SLIMCORE_UNARY("Acosh",      float_same_shape,   floating, F(std::acosh(x)),           apply(g, "Rsqrt", x * x - 1.0))
SLIMCORE_UNARY("Atanh",      float_same_shape,   floating, F(std::atanh(x)),           1.0 / (1.0 - x * x))
SLIMCORE_UNARY("Erf",        float_same_shape,   floating, F(std::erf(x)),             kTwoOverSqrtPi * apply(g, "Exp", -(x * x)))
SLIMCORE_UNARY("Erfc",       float_same_shape,   floating, F(std::erfc(x)),            -kTwoOverSqrtPi * apply(g, "Exp", -(x * x)))
SLIMCORE_UNARY("Lgamma",     float_same_shape,   floating, F(std::lgamma(x)),          apply(g, "Digamma", x))
SLIMCORE_UNARY("Digamma",    float_same_shape,   floating, F(digamma(x)),              apply(g, "Trigamma", x))
SLIMCORE_STEP( "Floor",      float_same_shape,   floating, F(std::floor(x)))
SLIMCORE_STEP( "Ceil",       float_same_shape,   floating, F(std::ceil(x)))
SLIMCORE_STEP( "Rint",       float_same_shape,   floating, F(round_half_even(x)))
SLIMCORE_PREDICATE("IsNan",    float_predicate_shape, floating, F(std::isnan(x)))
SLIMCORE_PREDICATE("IsInf",    float_predicate_shape, floating, F(std::isinf(x)))
SLIMCORE_PREDICATE("IsFinite", float_predicate_shape, floating, F(std::isfinite(x)))
SLIMCORE_PREDICATE("LogicalNot", bool_same_shape,     boolean,  F(!x))
// clang-format on

// Sign's gradient is 0 (not None), as TF1's _SignGrad.
REGISTER_OP("Sign")
    .inputs(1)
    .shape(numeric_same_shape)
    .kernel(elementwise<false>(numeric, F((x > 0) - (x < 0))))
    .gradient([](const GradContext& c) { return std::vector<Output>{zeros_like(c.input(0))}; });

// Trigamma serves Digamma's gradient only (tf.math.polygamma(1, x)); its own
// gradient is not implemented (an error if one must pass).
REGISTER_OP("Trigamma").inputs(1).shape(float_same_shape).kernel(elementwise<false>(floating, F(trigamma(x))));

#undef F
#undef SLIMCORE_UNARY
#undef SLIMCORE_STEP
#undef SLIMCORE_PREDICATE

}  // namespace

namespace ops {
Output neg(Output x, const std::string& name) {
  return x.graph().add("Neg", {x}, {}, name);
}
Output square(Output x, const std::string& name) {
  return x.graph().add("Square", {x}, {}, name);
}
Output abs(Output x, const std::string& name) {
  return x.graph().add("Abs", {x}, {}, name);
}
Output sqrt(Output x, const std::string& name) {
  return x.graph().add("Sqrt", {x}, {}, name);
}
Output exp(Output x, const std::string& name) {
  return x.graph().add("Exp", {x}, {}, name);
}
Output log(Output x, const std::string& name) {
  return x.graph().add("Log", {x}, {}, name);
}
}  // namespace ops
}  // namespace slimcore
