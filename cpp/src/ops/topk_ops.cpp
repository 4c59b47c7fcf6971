// TopK (tf.nn.top_k), its backward op TopKGrad, and InTopK (tf.nn.in_top_k),
// as TensorFlow's CPU kernels (topk_op.cc, in_topk_op.h):
//
//   TopK:   along the last axis, the k largest values in descending order and
//           their int32 indices; equal values come lowest index first, NaN
//           above every number (TF leaves NaN's rank unspecified).
//   d TopK: dx[..., indices[..., i]] += dvalues[..., i], zero elsewhere.
//   InTopK: out[b] = (#{i : predictions[b, i] > predictions[b, t_b]} < k),
//           t_b = targets[b]; false when t_b is out of [0, classes) or
//           predictions[b, t_b] is not finite. Ties count for the target
//           (every class tied at the k-th value is "in the top k").
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "kernel_util.h"
#include "op_registry.h"

namespace slimcore {

namespace {

// ---- TopK ----------------------------------------------------------------------------

std::vector<TensorSpec> top_k_shape(const InferContext& c) {
  const TensorSpec& x = c.input(0);
  if (x.dtype == DType::Bool) c.fail_type("input must be numeric, got bool");
  if (x.shape.empty()) c.fail("input must have rank >= 1 (the top k are taken along the last axis), got a scalar");
  const int64_t k = c.attrs().get<int64_t>("k");
  if (k < 0) c.fail("k must be non-negative, got " + std::to_string(k));
  const int64_t last = x.shape.back();
  if (last >= 0 && last < k)
    c.fail("input must have at least k=" + std::to_string(k) + " columns, got shape " + shape_string(x.shape));
  Shape out = x.shape;
  out.back() = k;
  return {{x.dtype, out}, {DType::Int32, out}};
}

void top_k_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  const int64_t k = c.attrs().get<int64_t>("k");
  const int64_t n = x.dim(x.rank() - 1);
  if (n > std::numeric_limits<int32_t>::max()) c.fail("the last axis has too many entries for int32 indices");
  if (k == 0 || x.numel() == 0) return;
  const int64_t rows = x.numel() / n;
  dispatch_numeric(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* xs = x.data<T>();
    T* values = c.output(0).data<T>();
    int32_t* indices = c.output(1).data<int32_t>();
    const int64_t min_rows = std::max<int64_t>(1, kParallelThreshold / (4 * n));
    parallel_chunks(rows, min_rows, [&](int64_t begin, int64_t end) {
      std::vector<int32_t> order(static_cast<std::size_t>(n));
      for (int64_t r = begin; r < end; ++r) {
        const T* row = xs + r * n;
        std::iota(order.begin(), order.end(), 0);
        // Descending by value, ascending by index among equals; NaN ranks
        // above every number (a strict weak order, so the sort is defined).
        auto before = [row](int32_t a, int32_t b) {
          const bool a_nan = row[a] != row[a], b_nan = row[b] != row[b];
          if (a_nan != b_nan) return a_nan;
          if (!a_nan && row[a] != row[b]) return row[a] > row[b];
          return a < b;
        };
        std::partial_sort(order.begin(), order.begin() + k, order.end(), before);
        for (int64_t i = 0; i < k; ++i) {
          indices[r * k + i] = order[i];
          values[r * k + i] = row[order[i]];
        }
      }
    });
  });
}

// TopKGrad(input, indices, grad): input only gives the shape of dx.
std::vector<TensorSpec> top_k_grad_shape(const InferContext& c) {
  if (c.input(1).dtype != DType::Int32) c.fail_type("indices must be int32");
  if (c.input(2).dtype != c.input(0).dtype) c.fail_type("grad must have input's dtype");
  return {c.input(0)};
}

void top_k_grad_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  const Tensor& idx = c.input(1);
  const int64_t n = x.rank() ? x.dim(x.rank() - 1) : 0;
  const int64_t k = idx.rank() ? idx.dim(idx.rank() - 1) : 0;
  dispatch_numeric(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    T* dx = c.output(0).data<T>();
    std::fill(dx, dx + x.numel(), T(0));
    if (n == 0 || k == 0) return;
    const int32_t* ids = idx.data<int32_t>();
    const T* g = c.input(2).data<T>();
    const int64_t rows = x.numel() / n;
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t i = 0; i < k; ++i) dx[r * n + ids[r * k + i]] += g[r * k + i];
  });
}

// d values: TopKGrad(x, indices, g); the indices get no gradient.
std::vector<Output> top_k_grad(const GradContext& c) {
  if (!c.grad(0).valid()) return {Output()};
  return {c.graph.add("TopKGrad", {c.input(0), c.output(1), c.grad(0)})};
}

// ---- InTopK --------------------------------------------------------------------------

std::vector<TensorSpec> in_top_k_shape(const InferContext& c) {
  const TensorSpec& p = c.input(0);
  const TensorSpec& t = c.input(1);
  if (!is_floating(p.dtype)) c.fail_type("predictions must be float32 or float64, got " + dtype_name(p.dtype));
  if (t.dtype != DType::Int32 && t.dtype != DType::Int64)
    c.fail_type("targets must be int32 or int64, got " + dtype_name(t.dtype));
  if (p.shape.size() != 2) c.fail("predictions must be 2-dimensional [batch, classes], got " + shape_string(p.shape));
  if (t.shape.size() != 1) c.fail("targets must be 1-dimensional [batch], got " + shape_string(t.shape));
  if (p.shape[0] >= 0 && t.shape[0] >= 0 && p.shape[0] != t.shape[0])
    c.fail("First dimension of predictions " + std::to_string(p.shape[0]) + " must match length of targets " +
           std::to_string(t.shape[0]));
  return {{DType::Bool, {p.shape[0] >= 0 ? p.shape[0] : t.shape[0]}}};
}

void in_top_k_kernel(KernelContext& c) {
  const Tensor& p = c.input(0);
  const int64_t batch = p.dim(0), classes = p.dim(1);
  const int64_t k = c.attrs().get<int64_t>("k");
  bool* out = c.output(0).data<bool>();
  dispatch_float(p.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* pred = p.data<T>();
    auto target_at = [&](int64_t b) -> int64_t {
      return c.input(1).dtype() == DType::Int32 ? c.input(1).data<int32_t>()[b] : c.input(1).data<int64_t>()[b];
    };
    for (int64_t b = 0; b < batch; ++b) {
      const int64_t t = target_at(b);
      const T* row = pred + b * classes;
      if (t < 0 || t >= classes || !std::isfinite(row[t])) {
        out[b] = false;
        continue;
      }
      int64_t more = 0;
      for (int64_t i = 0; i < classes && more < k; ++i) more += row[i] > row[t];
      out[b] = more < k;
    }
  });
}

REGISTER_OP("TopK").inputs(1).shape(top_k_shape).kernel(top_k_kernel).gradient(top_k_grad);
REGISTER_OP("TopKGrad").inputs(3).shape(top_k_grad_shape).kernel(top_k_grad_kernel);
REGISTER_OP("InTopK").inputs(2).shape(in_top_k_shape).kernel(in_top_k_kernel).not_differentiable();

}  // namespace
}  // namespace slimcore
