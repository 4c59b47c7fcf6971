// Elementwise unary math: Neg, Square, Abs, Sqrt, Exp, Log. Each entry is
// the forward formula and its derivative written as graph ops.
#include <cmath>

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

template <typename F> KernelFn numeric_kernel(F f) {
  return [f](KernelContext& c) {
    dispatch_numeric(c.input(0).dtype(), [&](auto zero) {
      using T = decltype(zero);
      const T* x = c.input(0).data<T>();
      T* y = c.output(0).data<T>();
      parallel_for(c.output(0).numel(), [&](int64_t i) { y[i] = static_cast<T>(f(x[i])); });
    });
  };
}
template <typename F> KernelFn float_kernel(F f) {
  return [f](KernelContext& c) {
    dispatch_float(c.input(0).dtype(), [&](auto zero) {
      using T = decltype(zero);
      const T* x = c.input(0).data<T>();
      T* y = c.output(0).data<T>();
      parallel_for(c.output(0).numel(), [&](int64_t i) { y[i] = f(x[i]); });
    });
  };
}

REGISTER_OP("Neg")
    .inputs(1)
    .shape(numeric_same_shape)
    .kernel(numeric_kernel([](auto x) { return -x; }))
    .gradient([](const GradContext& c) { return std::vector<Output>{ops::neg(c.grad())}; });

// d(x^2) = 2 x g
REGISTER_OP("Square")
    .inputs(1)
    .shape(numeric_same_shape)
    .kernel(numeric_kernel([](auto x) { return x * x; }))
    .gradient([](const GradContext& c) { return std::vector<Output>{ops::mul(c.grad(), 2.0 * c.input(0))}; });

// d|x| = sign(x) g (0 at 0, as TensorFlow)
REGISTER_OP("Abs")
    .inputs(1)
    .shape(numeric_same_shape)
    .kernel(numeric_kernel([](auto x) { return x < 0 ? -x : x; }))
    .gradient([](const GradContext& c) {
      return std::vector<Output>{ops::mul(c.grad(), c.graph.add("Sign", {c.input(0)}))};
    });
REGISTER_OP("Sign")
    .inputs(1)
    .shape(numeric_same_shape)
    .kernel(numeric_kernel([](auto x) { return (x > 0) - (x < 0); }))
    .not_differentiable();

// d sqrt(x) = g / (2 sqrt(x))
REGISTER_OP("Sqrt")
    .inputs(1)
    .shape(float_same_shape)
    .kernel(float_kernel([](auto x) { return std::sqrt(x); }))
    .gradient([](const GradContext& c) { return std::vector<Output>{ops::div(c.grad(), 2.0 * c.output(0))}; });

// d exp(x) = g exp(x)
REGISTER_OP("Exp")
    .inputs(1)
    .shape(float_same_shape)
    .kernel(float_kernel([](auto x) { return std::exp(x); }))
    .gradient([](const GradContext& c) { return std::vector<Output>{ops::mul(c.grad(), c.output(0))}; });

// d log(x) = g / x
REGISTER_OP("Log")
    .inputs(1)
    .shape(float_same_shape)
    .kernel(float_kernel([](auto x) { return std::log(x); }))
    .gradient([](const GradContext& c) { return std::vector<Output>{ops::div(c.grad(), c.input(0))}; });

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
