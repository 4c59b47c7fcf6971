// LRN (local response normalization, tf.nn.lrn) and its backward op LRNGrad,
// as TensorFlow's CPU kernels (lrn_op.cc), over the last (channels) axis of
// an NHWC tensor:
//
//   sqr_sum[n, h, w, d] = sum_{k = max(0, d - r)}^{min(D - 1, d + r)} x[n, h, w, k]^2
//   y[n, h, w, d]       = x[n, h, w, d] / (bias + alpha * sqr_sum[n, h, w, d])^beta
//
// r = depth_radius. The gradient (LRNGrad(dy, x, y)) is the exact one: with
// norm_j = bias + alpha * sqr_sum_j,
//
//   dx_k = sum_{j : |j - k| <= r} dy_j * ([k == j] * norm_j^-beta - 2 alpha beta x_k y_j / norm_j)
//
// Rows (n, h, w) are independent: threads take whole rows.
#include <algorithm>
#include <cmath>
#include <limits>

#include "kernel_util.h"
#include "op_registry.h"

namespace slimcore {

namespace {

struct LrnParams {
  int64_t radius;
  double bias, alpha, beta;
};

template <typename Ctx> LrnParams lrn_params(const Ctx& c) {
  LrnParams p{c.attrs().template get<int64_t>("depth_radius"), c.attrs().template get<double>("bias"),
              c.attrs().template get<double>("alpha"), c.attrs().template get<double>("beta")};
  if (p.radius < 0 || p.radius > std::numeric_limits<int32_t>::max())
    c.fail("depth_radius must be in [0, 2^31 - 1], got " + std::to_string(p.radius));
  return p;
}

void check_lrn_input(const InferContext& c, const char* arg, const TensorSpec& t) {
  if (!is_floating(t.dtype)) c.fail_type(std::string(arg) + " must be float32 or float64, got " + dtype_name(t.dtype));
  if (t.shape.size() != 4)
    c.fail(std::string(arg) + " must be 4-dimensional [batch, height, width, channels], got shape " +
           shape_string(t.shape));
}

std::vector<TensorSpec> lrn_shape(const InferContext& c) {
  check_lrn_input(c, "input", c.input(0));
  lrn_params(c);
  return {c.input(0)};
}

// LRNGrad(input_grads, input_image, output_image): three tensors of one
// dtype and shape.
std::vector<TensorSpec> lrn_grad_shape(const InferContext& c) {
  const char* names[] = {"input_grads", "input_image", "output_image"};
  TensorSpec out = c.input(1);
  for (int i = 0; i < 3; ++i) {
    check_lrn_input(c, names[i], c.input(i));
    if (c.input(i).dtype != out.dtype)
      c.fail_type(std::string(names[i]) + " must have the dtype of input_image, got " + dtype_name(c.input(i).dtype) +
                  " and " + dtype_name(out.dtype));
    if (!shape_compatible(c.input(i).shape, out.shape))
      c.fail(std::string(names[i]) + " of shape " + shape_string(c.input(i).shape) +
             " does not match input_image of shape " + shape_string(out.shape));
    for (int d = 0; d < 4; ++d)
      if (out.shape[d] < 0) out.shape[d] = c.input(i).shape[d];
  }
  lrn_params(c);
  return {out};
}

// Runs body(row_begin, row_end, depth) over the rows of the last axis.
template <typename Body> void lrn_rows(const Tensor& x, Body&& body) {
  const int64_t depth = x.dim(3);
  if (depth == 0) return;
  const int64_t rows = x.numel() / depth;
  const int64_t min_rows = std::max<int64_t>(1, kParallelThreshold / (8 * depth));
  parallel_chunks(rows, min_rows, [&](int64_t begin, int64_t end) { body(begin, end, depth); });
}

// norm[d] = bias + alpha * sum_{|k - d| <= r} x[k]^2 for one row, a running
// window sum of squares (accumulated in double).
template <typename T> void lrn_norms(const T* x, int64_t depth, const LrnParams& p, double* norm) {
  double window = 0;
  for (int64_t k = 0; k < std::min(depth, p.radius); ++k) window += double(x[k]) * x[k];
  for (int64_t d = 0; d < depth; ++d) {
    if (d + p.radius < depth) window += double(x[d + p.radius]) * x[d + p.radius];
    norm[d] = p.bias + p.alpha * window;
    if (d - p.radius >= 0) window -= double(x[d - p.radius]) * x[d - p.radius];
  }
}

void lrn_kernel(KernelContext& c) {
  const LrnParams p = lrn_params(c);
  dispatch_float(c.input(0).dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* x = c.input(0).data<T>();
    T* y = c.output(0).data<T>();
    lrn_rows(c.input(0), [&](int64_t begin, int64_t end, int64_t depth) {
      std::vector<double> norm(static_cast<std::size_t>(depth));
      for (int64_t r = begin; r < end; ++r) {
        const T* xr = x + r * depth;
        lrn_norms(xr, depth, p, norm.data());
        for (int64_t d = 0; d < depth; ++d) y[r * depth + d] = T(xr[d] * std::pow(norm[d], -p.beta));
      }
    });
  });
}

void lrn_grad_kernel(KernelContext& c) {
  const LrnParams p = lrn_params(c);
  dispatch_float(c.input(0).dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* dy = c.input(0).data<T>();
    const T* x = c.input(1).data<T>();
    const T* y = c.input(2).data<T>();
    T* dx = c.output(0).data<T>();
    lrn_rows(c.input(1), [&](int64_t begin, int64_t end, int64_t depth) {
      std::vector<double> norm(static_cast<std::size_t>(depth)), acc(static_cast<std::size_t>(depth));
      for (int64_t r = begin; r < end; ++r) {
        const int64_t o = r * depth;
        lrn_norms(x + o, depth, p, norm.data());
        std::fill(acc.begin(), acc.end(), 0.0);
        for (int64_t j = 0; j < depth; ++j) {
          const double g = dy[o + j];
          const double cross = -2.0 * p.alpha * p.beta * double(y[o + j]) / norm[j] * g;
          const int64_t k0 = std::max<int64_t>(0, j - p.radius), k1 = std::min(depth, j + p.radius + 1);
          for (int64_t k = k0; k < k1; ++k) acc[k] += cross * double(x[o + k]);
          acc[j] += g * std::pow(norm[j], -p.beta);
        }
        for (int64_t k = 0; k < depth; ++k) dx[o + k] = T(acc[k]);
      }
    });
  });
}

Attrs lrn_attrs(const Attrs& a) {
  return {{"depth_radius", a.get<int64_t>("depth_radius")},
          {"bias", a.get<double>("bias")},
          {"alpha", a.get<double>("alpha")},
          {"beta", a.get<double>("beta")}};
}

// d LRN: LRNGrad(g, x, y) with LRN's attributes.
std::vector<Output> lrn_grad(const GradContext& c) {
  return {c.graph.add("LRNGrad", {c.grad(), c.input(0), c.output(0)}, lrn_attrs(c.attrs()))};
}

REGISTER_OP("LRN").inputs(1).shape(lrn_shape).kernel(lrn_kernel).gradient(lrn_grad);
// First order only: differentiating LRNGrad raises "No gradient defined".
REGISTER_OP("LRNGrad").inputs(3).shape(lrn_grad_shape).kernel(lrn_grad_kernel);

}  // namespace
}  // namespace slimcore
