// Activations: Relu, Relu6, Tanh, Sigmoid, Softmax, LogSoftmax, Elu, Selu,
// LeakyRelu, Softplus, Softsign, and their backward kernels (ReluGrad,
// Relu6Grad, TanhGrad, SigmoidGrad, SoftmaxGrad, LogSoftmaxGrad, EluGrad,
// SeluGrad, LeakyReluGrad, SoftplusGrad, SoftsignGrad) as ordinary ops, so each gradient is one fused loop rather
// than a chain of elementwise graph ops. Conventions are TensorFlow's (nn_grad.py,
// math_grad.py): relu' = 0 at x <= 0, relu6' = 1 only for 0 < x < 6.
//
// Transcendentals go through Eigen's array maps (vectorised exp/tanh, the
// same functions TensorFlow's kernels use); everything else is a plain loop
// over raw pointers. Large tensors are split over the OpenMP team: elementwise
// ops in contiguous chunks, softmax by whole rows of the last axis.
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "grad_util.h"
#include "kernel_util.h"
#include "op_registry.h"
#include "slimcore/ops.h"

namespace slimcore {

namespace {

template <typename T> using ArrayMap = Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>>;
template <typename T> using ConstArrayMap = Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>;

// Rows of the last axis, whole rows per thread, parallel once the tensor
// holds about kParallelThreshold elements.
template <typename Body> void row_chunks(int64_t rows, int64_t row_len, Body&& body) {
  const int64_t min_rows = std::max<int64_t>(1, kParallelThreshold / (2 * std::max<int64_t>(1, row_len)));
  parallel_chunks(rows, min_rows, body);
}

// ---- shape rules ------------------------------------------------------------------

std::vector<TensorSpec> numeric_unary_shape(const InferContext& c) {
  if (c.input(0).dtype == DType::Bool) c.fail_type("expected a numeric tensor, got bool");
  return {c.input(0)};
}

std::vector<TensorSpec> float_unary_shape(const InferContext& c) {
  if (!is_floating(c.input(0).dtype))
    c.fail_type("expected a float32 or float64 tensor, got " + dtype_name(c.input(0).dtype));
  return {c.input(0)};
}

// Softmax and LogSoftmax normalise over the last axis: rank >= 1.
std::vector<TensorSpec> last_axis_shape(const InferContext& c) {
  std::vector<TensorSpec> out = float_unary_shape(c);
  if (c.input(0).shape.empty()) c.fail("logits must have rank >= 1 (the classes are on the last axis), got a scalar");
  return out;
}

// Backward kernels take two float tensors of one dtype and one shape (a
// forward output or input, and the gradient flowing into it).
std::vector<TensorSpec> grad_pair_shape(const InferContext& c) {
  const TensorSpec& a = c.input(0);
  const TensorSpec& b = c.input(1);
  if (!is_floating(a.dtype) || a.dtype != b.dtype)
    c.fail_type("expected two float32 or two float64 tensors, got " + dtype_name(a.dtype) + " and " +
                dtype_name(b.dtype));
  if (a.shape.size() != b.shape.size() || !shape_compatible(a.shape, b.shape))
    c.fail("both inputs must have the same shape, got " + shape_string(a.shape) + " and " + shape_string(b.shape));
  TensorSpec out = a;
  for (std::size_t d = 0; d < out.shape.size(); ++d)
    if (out.shape[d] < 0) out.shape[d] = b.shape[d];
  return {out};
}

// ---- forward kernels ------------------------------------------------------------

// relu(x) = max(x, 0); NaN stays NaN.
void relu_kernel(KernelContext& c) {
  dispatch_numeric(c.input(0).dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* x = c.input(0).data<T>();
    T* y = c.output(0).data<T>();
    parallel_for(c.output(0).numel(), [&](int64_t i) { y[i] = x[i] < T(0) ? T(0) : x[i]; });
  });
}

// relu6(x) = min(max(x, 0), 6); NaN stays NaN.
void relu6_kernel(KernelContext& c) {
  dispatch_numeric(c.input(0).dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* x = c.input(0).data<T>();
    T* y = c.output(0).data<T>();
    parallel_for(c.output(0).numel(), [&](int64_t i) { y[i] = x[i] < T(0) ? T(0) : (x[i] > T(6) ? T(6) : x[i]); });
  });
}

// tanh(x), Eigen's vectorised tanh (as TensorFlow's kernel).
void tanh_kernel(KernelContext& c) {
  dispatch_float(c.input(0).dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* x = c.input(0).data<T>();
    T* y = c.output(0).data<T>();
    parallel_chunks(c.output(0).numel(), kParallelThreshold / 2, [&](int64_t begin, int64_t end) {
      ArrayMap<T>(y + begin, end - begin) = ConstArrayMap<T>(x + begin, end - begin).tanh();
    });
  });
}

// sigmoid(x) = 1 / (1 + exp(-x)), evaluated as e = exp(-|x|),
// y = 1 / (1 + e) for x >= 0 and e / (1 + e) for x < 0: no overflow, and
// full relative precision in the far negative tail (sigmoid(-100) ~ 3.7e-44).
void sigmoid_kernel(KernelContext& c) {
  dispatch_float(c.input(0).dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* x = c.input(0).data<T>();
    T* y = c.output(0).data<T>();
    parallel_chunks(c.output(0).numel(), kParallelThreshold / 2, [&](int64_t begin, int64_t end) {
      const int64_t n = end - begin;
      ConstArrayMap<T> xs(x + begin, n);
      ArrayMap<T> ys(y + begin, n);
      ys = (-xs.abs()).exp();
      const T* xp = x + begin;
      T* yp = y + begin;
#pragma omp simd
      for (int64_t i = 0; i < n; ++i) {
        const T e = yp[i];
        const T r = T(1) / (T(1) + e);
        yp[i] = xp[i] >= T(0) ? r : e * r;
      }
    });
  });
}

// Row view of a tensor whose last axis is the class axis.
struct Rows {
  int64_t count;  // product of all but the last dimension
  int64_t len;    // the last dimension
};
Rows rows_of(const Tensor& t) {
  const int64_t len = t.dim(t.rank() - 1);
  return {len ? t.numel() / len : 0, len};
}

// softmax(x)_i = exp(x_i - m) / sum_j exp(x_j - m), m = max_j x_j, per row
// of the last axis. The shift makes every exponent <= 0, so logits of
// +-1e4 give exact 0 / 1 instead of inf / nan. Like TensorFlow, the row is
// scaled by the inverse of the sum.
template <typename T> void softmax_rows(const T* x, T* y, Rows r) {
  row_chunks(r.count, r.len, [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      ConstArrayMap<T> xs(x + row * r.len, r.len);
      ArrayMap<T> ys(y + row * r.len, r.len);
      const T m = xs.maxCoeff();
      ys = (xs - m).exp();
      ys *= T(1) / ys.sum();
    }
  });
}

// log_softmax(x)_i = (x_i - m) - log(sum_j exp(x_j - m)), m = max_j x_j, per
// row of the last axis: finite wherever the true value is.
template <typename T> void log_softmax_rows(const T* x, T* y, Rows r) {
  row_chunks(r.count, r.len, [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      ConstArrayMap<T> xs(x + row * r.len, r.len);
      ArrayMap<T> ys(y + row * r.len, r.len);
      const T m = xs.maxCoeff();
      ys = xs - m;
      const T log_sum = std::log(ys.exp().sum());
      ys -= log_sum;
    }
  });
}

void softmax_kernel(KernelContext& c) {
  if (c.output(0).numel() == 0) return;
  dispatch_float(c.input(0).dtype(), [&](auto zero) {
    using T = decltype(zero);
    softmax_rows<T>(c.input(0).data<T>(), c.output(0).data<T>(), rows_of(c.input(0)));
  });
}

void log_softmax_kernel(KernelContext& c) {
  if (c.output(0).numel() == 0) return;
  dispatch_float(c.input(0).dtype(), [&](auto zero) {
    using T = decltype(zero);
    log_softmax_rows<T>(c.input(0).data<T>(), c.output(0).data<T>(), rows_of(c.input(0)));
  });
}

// Runs y[i] = f(x[i]) over a float tensor, contiguous chunks per thread.
template <typename F> void float_map_kernel(KernelContext& c, F f) {
  dispatch_float(c.input(0).dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* x = c.input(0).data<T>();
    T* y = c.output(0).data<T>();
    parallel_for(c.output(0).numel(), [&](int64_t i) { y[i] = f(x[i]); });
  });
}

// SELU's constants (Klambauer et al. 2017, as TensorFlow's kernel).
constexpr double kSeluScale = 1.0507009873554804934193349852946;
constexpr double kSeluAlpha = 1.6732632423543772848170429916717;

// elu(x) = x for x > 0, exp(x) - 1 otherwise (expm1: exact near 0).
void elu_kernel(KernelContext& c) {
  float_map_kernel(c, [](auto x) { return x > decltype(x)(0) ? x : std::expm1(x); });
}

// selu(x) = scale * x for x > 0, scale * alpha * (exp(x) - 1) otherwise.
void selu_kernel(KernelContext& c) {
  float_map_kernel(c, [](auto x) {
    using T = decltype(x);
    return x > T(0) ? T(kSeluScale) * x : T(kSeluScale * kSeluAlpha) * std::expm1(x);
  });
}

// leaky_relu(x) = x for x > 0, alpha * x otherwise (TF's kernel: not
// max(x, alpha x), which differs for alpha > 1).
void leaky_relu_kernel(KernelContext& c) {
  const double alpha = c.attrs().get<double>("alpha");
  float_map_kernel(c, [alpha](auto x) {
    using T = decltype(x);
    return x > T(0) ? x : x * T(alpha);
  });
}

// softplus(x) = log(1 + exp(x)), TF's kernel: with t = log(machine epsilon) + 2,
// x for x > -t (exp(-x) below epsilon), exp(x) for x < t, log1p(exp(x)) between.
void softplus_kernel(KernelContext& c) {
  float_map_kernel(c, [](auto x) {
    using T = decltype(x);
    const T threshold = std::log(std::numeric_limits<T>::epsilon()) + T(2);
    if (x > -threshold) return x;
    if (x < threshold) return std::exp(x);
    return std::log1p(std::exp(x));
  });
}

// softsign(x) = x / (1 + |x|).
void softsign_kernel(KernelContext& c) {
  float_map_kernel(c, [](auto x) {
    using T = decltype(x);
    return x / (T(1) + std::abs(x));
  });
}

// ---- backward kernels -----------------------------------------------------------

// Runs body(a, b, out, n) on the two float inputs of a backward kernel (the
// shape rule, re-run on the actual shapes, has checked that they agree).
template <typename Body> void float_pair_kernel(KernelContext& c, Body&& body) {
  dispatch_float(c.input(0).dtype(), [&](auto zero) {
    using T = decltype(zero);
    body(c.input(0).data<T>(), c.input(1).data<T>(), c.output(0).data<T>(), c.output(0).numel());
  });
}

// ReluGrad(dy, y) = dy * (y > 0). y is relu's output: y > 0 exactly where
// x > 0. A multiply, not a select, as TensorFlow: a NaN/inf dy stays visible.
void relu_grad_kernel(KernelContext& c) {
  float_pair_kernel(c, [](const auto* dy, const auto* y, auto* dx, int64_t n) {
    using T = std::remove_const_t<std::remove_pointer_t<decltype(dy)>>;
    parallel_for(n, [&](int64_t i) { dx[i] = dy[i] * T(y[i] > T(0)); });
  });
}

// Relu6Grad(dy, y) = dy * (0 < y < 6), y relu6's output (or its input x: the same mask).
void relu6_grad_kernel(KernelContext& c) {
  float_pair_kernel(c, [](const auto* dy, const auto* x, auto* dx, int64_t n) {
    using T = std::remove_const_t<std::remove_pointer_t<decltype(dy)>>;
    parallel_for(n, [&](int64_t i) { dx[i] = dy[i] * T((x[i] > T(0)) & (x[i] < T(6))); });
  });
}

// TanhGrad(y, dy) = dy * (1 - y^2), y = tanh(x).
void tanh_grad_kernel(KernelContext& c) {
  float_pair_kernel(c, [](const auto* y, const auto* dy, auto* dx, int64_t n) {
    using T = std::remove_const_t<std::remove_pointer_t<decltype(dy)>>;
    parallel_for(n, [&](int64_t i) { dx[i] = dy[i] * (T(1) - y[i] * y[i]); });
  });
}

// SigmoidGrad(y, dy) = dy * y * (1 - y), y = sigmoid(x).
void sigmoid_grad_kernel(KernelContext& c) {
  float_pair_kernel(c, [](const auto* y, const auto* dy, auto* dx, int64_t n) {
    using T = std::remove_const_t<std::remove_pointer_t<decltype(dy)>>;
    parallel_for(n, [&](int64_t i) { dx[i] = dy[i] * (y[i] * (T(1) - y[i])); });
  });
}

// Runs dx[i] = f(dy[i], v[i]) over the (dy, v) pair of a backward kernel.
template <typename F> void grad_map_kernel(KernelContext& c, F f) {
  float_pair_kernel(c, [&](const auto* dy, const auto* v, auto* dx, int64_t n) {
    parallel_for(n, [&](int64_t i) { dx[i] = f(dy[i], v[i]); });
  });
}

// EluGrad(dy, y) = dy for y > 0, dy * (y + 1) otherwise; y = elu(x), so
// y + 1 = exp(x) there.
void elu_grad_kernel(KernelContext& c) {
  grad_map_kernel(c, [](auto dy, auto y) { return y > decltype(y)(0) ? dy : dy * (y + decltype(y)(1)); });
}

// SeluGrad(dy, y) = dy * scale for y > 0, dy * (y + scale * alpha) otherwise.
void selu_grad_kernel(KernelContext& c) {
  grad_map_kernel(c, [](auto dy, auto y) {
    using T = decltype(y);
    return y > T(0) ? dy * T(kSeluScale) : dy * (y + T(kSeluScale * kSeluAlpha));
  });
}

// LeakyReluGrad(dy, x) = dy for x > 0, alpha * dy otherwise.
void leaky_relu_grad_kernel(KernelContext& c) {
  const double alpha = c.attrs().get<double>("alpha");
  grad_map_kernel(c, [alpha](auto dy, auto x) {
    using T = decltype(x);
    return x > T(0) ? dy : dy * T(alpha);
  });
}

// SoftplusGrad(dy, x) = dy * sigmoid(x) = dy / (1 + exp(-x)).
void softplus_grad_kernel(KernelContext& c) {
  grad_map_kernel(c, [](auto dy, auto x) { return dy / (decltype(x)(1) + std::exp(-x)); });
}

// SoftsignGrad(dy, x) = dy / (1 + |x|)^2.
void softsign_grad_kernel(KernelContext& c) {
  grad_map_kernel(c, [](auto dy, auto x) {
    using T = decltype(x);
    const T d = T(1) + std::abs(x);
    return dy / (d * d);
  });
}

// Runs row_body(y_row, dy_row, dx_row) over the rows of the last axis, for
// the gradients of the per-row ops (softmax, log_softmax).
template <typename RowBody> void row_pair_kernel(KernelContext& c, RowBody row_body) {
  if (c.output(0).numel() == 0) return;
  const Rows r = rows_of(c.input(0));
  float_pair_kernel(c, [&](const auto* y, const auto* dy, auto* dx, int64_t) {
    using T = std::remove_const_t<std::remove_pointer_t<decltype(dy)>>;
    row_chunks(r.count, r.len, [&](int64_t begin, int64_t end) {
      for (int64_t row = begin; row < end; ++row)
        row_body(ConstArrayMap<T>(y + row * r.len, r.len), ConstArrayMap<T>(dy + row * r.len, r.len),
                 ArrayMap<T>(dx + row * r.len, r.len));
    });
  });
}

// SoftmaxGrad(y, dy) = (dy - sum(dy * y, last axis)) * y, y = softmax(x).
void softmax_grad_kernel(KernelContext& c) {
  row_pair_kernel(c, [](const auto& ys, const auto& dys, auto dx) { dx = (dys - (dys * ys).sum()) * ys; });
}

// LogSoftmaxGrad(y, dy) = dy - exp(y) * sum(dy, last axis), y = log_softmax(x).
void log_softmax_grad_kernel(KernelContext& c) {
  row_pair_kernel(c, [](const auto& ys, const auto& dys, auto dx) { dx = dys - ys.exp() * dys.sum(); });
}

// ---- gradients (graph builders) ----------------------------------------------------

Output grad_op(const GradContext& c, const char* type, Output a, Output b) {
  return c.graph.add(type, {a, b});
}

// d relu: ReluGrad(g, y).
std::vector<Output> relu_grad(const GradContext& c) {
  return {grad_op(c, "ReluGrad", c.grad(), c.output(0))};
}
// d relu6: Relu6Grad(g, y), y = relu6(x), as TF1's _Relu6Grad: 0 < y < 6
// exactly where 0 < x < 6, and reading y rather than x lets x die (relu6 then
// runs in place over it, buffer_planner.h; an epilogue-fused producer never
// stores it, fusion_pass.h).
std::vector<Output> relu6_grad(const GradContext& c) {
  return {grad_op(c, "Relu6Grad", c.grad(), c.output(0))};
}
std::vector<Output> tanh_grad(const GradContext& c) {
  return {grad_op(c, "TanhGrad", c.output(0), c.grad())};
}
std::vector<Output> sigmoid_grad(const GradContext& c) {
  return {grad_op(c, "SigmoidGrad", c.output(0), c.grad())};
}
std::vector<Output> softmax_grad(const GradContext& c) {
  return {grad_op(c, "SoftmaxGrad", c.output(0), c.grad())};
}
std::vector<Output> log_softmax_grad(const GradContext& c) {
  return {grad_op(c, "LogSoftmaxGrad", c.output(0), c.grad())};
}

// Elu, Selu: grad(g, y) from the output; LeakyRelu, Softplus, Softsign:
// grad(g, x) from the input (TensorFlow's nn_grad.py).
std::vector<Output> elu_grad(const GradContext& c) {
  return {grad_op(c, "EluGrad", c.grad(), c.output(0))};
}
std::vector<Output> selu_grad(const GradContext& c) {
  return {grad_op(c, "SeluGrad", c.grad(), c.output(0))};
}
std::vector<Output> leaky_relu_grad(const GradContext& c) {
  return {c.graph.add("LeakyReluGrad", {c.grad(), c.input(0)}, {{"alpha", c.attrs().get<double>("alpha")}})};
}
std::vector<Output> softplus_grad(const GradContext& c) {
  return {grad_op(c, "SoftplusGrad", c.grad(), c.input(0))};
}
std::vector<Output> softsign_grad(const GradContext& c) {
  return {grad_op(c, "SoftsignGrad", c.grad(), c.input(0))};
}

// Second order (TensorFlow's _ReluGradGrad, _TanhGradGrad, _SigmoidGradGrad).
// ReluGrad(dy, y) is linear in dy with a piecewise-constant mask: the
// gradient to dy is ReluGrad(g, y), to y zero. Same for Relu6Grad.
std::vector<Output> relu_grad_grad(const GradContext& c) {
  return {grad_op(c, "ReluGrad", c.grad(), c.input(1)), zeros_like(c.input(1))};
}
std::vector<Output> relu6_grad_grad(const GradContext& c) {
  return {grad_op(c, "Relu6Grad", c.grad(), c.input(1)), zeros_like(c.input(1))};
}
// out = dy (1 - y^2): d/dy = -2 y dy g, d/d(dy) = TanhGrad(y, g).
std::vector<Output> tanh_grad_grad(const GradContext& c) {
  const Output& y = c.input(0);
  const Output& dy = c.input(1);
  return {ops::mul(ops::mul(c.grad(), dy), -2.0 * y), grad_op(c, "TanhGrad", y, c.grad())};
}
// out = dy y (1 - y): d/dy = g dy (1 - 2y), d/d(dy) = SigmoidGrad(y, g).
std::vector<Output> sigmoid_grad_grad(const GradContext& c) {
  const Output& y = c.input(0);
  const Output& dy = c.input(1);
  return {ops::mul(ops::mul(c.grad(), dy), 1.0 - 2.0 * y), grad_op(c, "SigmoidGrad", y, c.grad())};
}

// Second order of the newer activations (TensorFlow's _EluGradGrad,
// _SeluGradGrad, _LeakyReluGradGrad, _SoftplusGradGrad):
//   EluGrad(dy, y), SeluGrad(dy, y): linear in dy; d/dy = g dy where y < 0,
//     written ReluGrad(g dy, -y);
//   LeakyReluGrad(dy, x): linear in dy, piecewise constant in x;
//   SoftplusGrad(dy, x) = dy s, s = sigmoid(x): d/dx = g dy s (1 - s).
std::vector<Output> elu_like_grad_grad(const GradContext& c) {
  const Output& y = c.input(1);
  return {grad_op(c, c.node.type.c_str(), c.grad(), y),
          grad_op(c, "ReluGrad", ops::mul(c.grad(), c.input(0)), ops::neg(y))};
}
std::vector<Output> leaky_relu_grad_grad(const GradContext& c) {
  return {c.graph.add("LeakyReluGrad", {c.grad(), c.input(1)}, {{"alpha", c.attrs().get<double>("alpha")}}),
          zeros_like(c.input(1))};
}
std::vector<Output> softplus_grad_grad(const GradContext& c) {
  const Output& x = c.input(1);
  return {grad_op(c, "SoftplusGrad", c.grad(), x),
          grad_op(c, "SigmoidGrad", ops::sigmoid(x), ops::mul(c.grad(), c.input(0)))};
}

REGISTER_OP("Relu").inputs(1).shape(numeric_unary_shape).kernel(relu_kernel).in_place().gradient(relu_grad);
REGISTER_OP("Relu6").inputs(1).shape(numeric_unary_shape).kernel(relu6_kernel).in_place().gradient(relu6_grad);
REGISTER_OP("Tanh").inputs(1).shape(float_unary_shape).kernel(tanh_kernel).in_place().gradient(tanh_grad);
REGISTER_OP("Sigmoid").inputs(1).shape(float_unary_shape).kernel(sigmoid_kernel).gradient(sigmoid_grad);
REGISTER_OP("Softmax").inputs(1).shape(last_axis_shape).kernel(softmax_kernel).gradient(softmax_grad);
REGISTER_OP("LogSoftmax").inputs(1).shape(last_axis_shape).kernel(log_softmax_kernel).gradient(log_softmax_grad);

REGISTER_OP("ReluGrad").inputs(2).shape(grad_pair_shape).kernel(relu_grad_kernel).in_place().gradient(relu_grad_grad);
REGISTER_OP("Relu6Grad")
    .inputs(2)
    .shape(grad_pair_shape)
    .kernel(relu6_grad_kernel)
    .in_place()
    .gradient(relu6_grad_grad);
REGISTER_OP("TanhGrad").inputs(2).shape(grad_pair_shape).kernel(tanh_grad_kernel).in_place().gradient(tanh_grad_grad);
REGISTER_OP("SigmoidGrad")
    .inputs(2)
    .shape(grad_pair_shape)
    .kernel(sigmoid_grad_kernel)
    .in_place()
    .gradient(sigmoid_grad_grad);
REGISTER_OP("Elu").inputs(1).shape(float_unary_shape).kernel(elu_kernel).in_place().gradient(elu_grad);
REGISTER_OP("Selu").inputs(1).shape(float_unary_shape).kernel(selu_kernel).in_place().gradient(selu_grad);
REGISTER_OP("LeakyRelu")
    .inputs(1)
    .shape(float_unary_shape)
    .kernel(leaky_relu_kernel)
    .in_place()
    .gradient(leaky_relu_grad);
REGISTER_OP("Softplus").inputs(1).shape(float_unary_shape).kernel(softplus_kernel).in_place().gradient(softplus_grad);
REGISTER_OP("Softsign").inputs(1).shape(float_unary_shape).kernel(softsign_kernel).in_place().gradient(softsign_grad);
REGISTER_OP("EluGrad").inputs(2).shape(grad_pair_shape).kernel(elu_grad_kernel).in_place().gradient(elu_like_grad_grad);
REGISTER_OP("SeluGrad")
    .inputs(2)
    .shape(grad_pair_shape)
    .kernel(selu_grad_kernel)
    .in_place()
    .gradient(elu_like_grad_grad);
REGISTER_OP("LeakyReluGrad")
    .inputs(2)
    .shape(grad_pair_shape)
    .kernel(leaky_relu_grad_kernel)
    .gradient(leaky_relu_grad_grad);
REGISTER_OP("SoftplusGrad")
    .inputs(2)
    .shape(grad_pair_shape)
    .kernel(softplus_grad_kernel)
    .in_place()
    .gradient(softplus_grad_grad);
// No second-order rule (TensorFlow has none): differentiating it raises
// "No gradient defined".
REGISTER_OP("SoftsignGrad").inputs(2).shape(grad_pair_shape).kernel(softsign_grad_kernel).in_place();
// No second-order rule yet (it needs a row sum): differentiating these
// raises "No gradient defined" instead of returning a wrong value.
REGISTER_OP("SoftmaxGrad")
    .inputs(2)
    .shape([](const InferContext& c) {
      std::vector<TensorSpec> out = grad_pair_shape(c);
      if (out[0].shape.empty()) c.fail("inputs must have rank >= 1");
      return out;
    })
    .kernel(softmax_grad_kernel);
REGISTER_OP("LogSoftmaxGrad")
    .inputs(2)
    .shape([](const InferContext& c) {
      std::vector<TensorSpec> out = grad_pair_shape(c);
      if (out[0].shape.empty()) c.fail("inputs must have rank >= 1");
      return out;
    })
    .kernel(log_softmax_grad_kernel);

}  // namespace

namespace ops {
Output relu(Output x, const std::string& name) {
  return x.graph().add("Relu", {x}, {}, name);
}
Output relu6(Output x, const std::string& name) {
  return x.graph().add("Relu6", {x}, {}, name);
}
Output tanh(Output x, const std::string& name) {
  return x.graph().add("Tanh", {x}, {}, name);
}
Output sigmoid(Output x, const std::string& name) {
  return x.graph().add("Sigmoid", {x}, {}, name);
}
Output softmax(Output logits, const std::string& name) {
  return logits.graph().add("Softmax", {logits}, {}, name);
}
Output log_softmax(Output logits, const std::string& name) {
  return logits.graph().add("LogSoftmax", {logits}, {}, name);
}
}  // namespace ops
}  // namespace slimcore
