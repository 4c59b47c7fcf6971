// Neural-network ops: BiasAdd (with its BiasAddGrad kernel) and L2Loss.
// BiasAdd is channels-last (NHWC): the bias [C] is added along the last axis
// of a tensor of rank >= 2, as tf.nn.bias_add with the default data_format.
#include <algorithm>
#include <type_traits>

#include "grad_util.h"
#include "kernel_util.h"
#include "op_registry.h"
#include "slimcore/ops.h"

namespace slimcore {

namespace {

// ---- BiasAdd: y[..., c] = x[..., c] + bias[c] ----------------------------------------

std::vector<TensorSpec> bias_add_shape(const InferContext& c) {
  const TensorSpec& x = c.input(0);
  const TensorSpec& bias = c.input(1);
  if (x.dtype == DType::Bool) c.fail_type("expected a numeric value, got bool");
  if (bias.dtype != x.dtype)
    c.fail_type("value and bias must have the same dtype, got " + dtype_name(x.dtype) + " and " +
                dtype_name(bias.dtype));
  if (x.shape.size() < 2)
    c.fail("value must have rank >= 2 (channels on the last axis), got shape " + shape_string(x.shape));
  if (bias.shape.size() != 1)
    c.fail("bias must have rank 1, got shape " + shape_string(bias.shape) + " for value of shape " +
           shape_string(x.shape));
  TensorSpec out = x;
  const int64_t channels = x.shape.back();
  if (channels >= 0 && bias.shape[0] >= 0 && channels != bias.shape[0])
    c.fail("bias of shape " + shape_string(bias.shape) + " does not match the last dimension of value of shape " +
           shape_string(x.shape) + " (" + std::to_string(bias.shape[0]) + " vs " + std::to_string(channels) +
           "): the bias is added along the last (channels, NHWC) axis");
  if (channels < 0) out.shape.back() = bias.shape[0];
  return {out};
}

template <typename T> void bias_add(const T* x, const T* bias, T* y, int64_t rows, int64_t channels) {
  const int64_t min_rows = std::max<int64_t>(1, kParallelThreshold / (2 * std::max<int64_t>(1, channels)));
  parallel_chunks(rows, min_rows, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const T* xr = x + r * channels;
      T* yr = y + r * channels;
#pragma omp simd
      for (int64_t k = 0; k < channels; ++k) yr[k] = xr[k] + bias[k];
    }
  });
}

void bias_add_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  const int64_t channels = x.dim(x.rank() - 1);
  const int64_t rows = channels ? x.numel() / channels : 0;
  dispatch_numeric(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    bias_add<T>(x.data<T>(), c.input(1).data<T>(), c.output(0).data<T>(), rows, channels);
  });
}

// ---- BiasAddGrad: db[c] = sum of g[..., c] over all but the last axis ----------------

std::vector<TensorSpec> bias_add_grad_shape(const InferContext& c) {
  const TensorSpec& g = c.input(0);
  if (g.dtype == DType::Bool) c.fail_type("expected a numeric tensor, got bool");
  if (g.shape.size() < 2) c.fail("gradient must have rank >= 2, got shape " + shape_string(g.shape));
  return {{g.dtype, {g.shape.back()}}};
}

// Accumulator type: float sums in double (a conv's bias gradient adds up
// millions of terms), integers in int64, double in double.
template <typename T> using Acc = std::conditional_t<std::is_floating_point_v<T>, double, int64_t>;

// Column sums of the [rows, channels] matrix g, for columns [c0, c1), in tiles
// of kTile columns accumulated on the stack.
template <typename T>
void column_sums(const T* g, int64_t rows, int64_t channels, int64_t c0, int64_t c1, T* out) {
  constexpr int64_t kTile = 64;
  for (int64_t t0 = c0; t0 < c1; t0 += kTile) {
    const int64_t w = std::min(kTile, c1 - t0);
    Acc<T> acc[kTile] = {};
    for (int64_t r = 0; r < rows; ++r) {
      const T* gr = g + r * channels + t0;
#pragma omp simd
      for (int64_t k = 0; k < w; ++k) acc[k] += static_cast<Acc<T>>(gr[k]);
    }
    for (int64_t k = 0; k < w; ++k) out[t0 + k] = static_cast<T>(acc[k]);
  }
}

template <typename T> void bias_add_grad(const T* g, int64_t rows, int64_t channels, T* out) {
  constexpr int64_t kNarrow = 64;
  const int team = team_for_work(rows * channels);
  if (team <= 1 || channels >= kNarrow) {
    // Wide rows (or a small tensor): threads take disjoint column ranges.
    const int64_t min_cols = team <= 1 ? std::max<int64_t>(channels, 1) : 16;
    parallel_chunks(channels, min_cols, [&](int64_t c0, int64_t c1) { column_sums(g, rows, channels, c0, c1, out); });
    return;
  }
  // Few channels, many rows: threads take row ranges, then the partial sums
  // are added in thread order.
  Acc<T> partial[kMaxThreads][kNarrow];
  const int used = run_team(team, [&](int t, int nt) {
    const int64_t begin = slice_begin(rows, t, nt), end = slice_begin(rows, t + 1, nt);
    Acc<T>* acc = partial[t];
    std::fill(acc, acc + channels, Acc<T>(0));
    for (int64_t r = begin; r < end; ++r) {
      const T* gr = g + r * channels;
#pragma omp simd
      for (int64_t k = 0; k < channels; ++k) acc[k] += static_cast<Acc<T>>(gr[k]);
    }
  });
  for (int64_t k = 0; k < channels; ++k) {
    Acc<T> sum = 0;
    for (int t = 0; t < used; ++t) sum += partial[t][k];
    out[k] = static_cast<T>(sum);
  }
}

void bias_add_grad_kernel(KernelContext& c) {
  const Tensor& g = c.input(0);
  const int64_t channels = g.dim(g.rank() - 1);
  const int64_t rows = channels ? g.numel() / channels : 0;
  dispatch_numeric(g.dtype(), [&](auto zero) {
    using T = decltype(zero);
    bias_add_grad<T>(g.data<T>(), rows, channels, c.output(0).data<T>());
  });
}

// d/dx = g, d/dbias = BiasAddGrad(g).
std::vector<Output> bias_add_grad_fn(const GradContext& c) {
  return {c.grad(), c.graph.add("BiasAddGrad", {c.grad()})};
}

// BiasAddGrad is linear: its gradient broadcasts g2 [C] back over the rows,
// i.e. BiasAdd(zeros_like(g), g2).
std::vector<Output> bias_add_grad_grad(const GradContext& c) {
  return {c.graph.add("BiasAdd", {zeros_like(c.input(0)), c.grad()})};
}

// ---- L2Loss: sum(x^2) / 2 -------------------------------------------------------------

std::vector<TensorSpec> l2_loss_shape(const InferContext& c) {
  if (!is_floating(c.input(0).dtype))
    c.fail_type("expected a float32 or float64 tensor, got " + dtype_name(c.input(0).dtype));
  return {{c.input(0).dtype, {}}};
}

// sum(x^2) / 2, accumulated in double.
template <typename T> double half_sum_of_squares(const T* x, int64_t n) {
  const double sum = sum_over_slices<double>(n, [x](int64_t begin, int64_t end) {
    double acc = 0;
#pragma omp simd reduction(+ : acc)
    for (int64_t i = begin; i < end; ++i) acc += static_cast<double>(x[i]) * static_cast<double>(x[i]);
    return acc;
  });
  return sum / 2;
}

void l2_loss_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  dispatch_float(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    *c.output(0).data<T>() = static_cast<T>(half_sum_of_squares(x.data<T>(), x.numel()));
  });
}

// d/dx = x * g (g a scalar).
std::vector<Output> l2_loss_grad(const GradContext& c) {
  return {ops::mul(c.input(0), c.grad())};
}

REGISTER_OP("BiasAdd").inputs(2).shape(bias_add_shape).kernel(bias_add_kernel).gradient(bias_add_grad_fn);
REGISTER_OP("BiasAddGrad")
    .inputs(1)
    .shape(bias_add_grad_shape)
    .kernel(bias_add_grad_kernel)
    .gradient(bias_add_grad_grad);
REGISTER_OP("L2Loss").inputs(1).shape(l2_loss_shape).kernel(l2_loss_kernel).gradient(l2_loss_grad);

}  // namespace

namespace ops {
Output bias_add(Output x, Output bias, const std::string& name) {
  return x.graph().add("BiasAdd", {x, bias}, {}, name);
}
Output l2_loss(Output x, const std::string& name) {
  return x.graph().add("L2Loss", {x}, {}, name);
}
}  // namespace ops
}  // namespace slimcore
