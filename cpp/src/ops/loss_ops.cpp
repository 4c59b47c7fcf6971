// Cross-entropy with logits, fused and numerically stable (log-sum-exp):
//   SoftmaxCrossEntropyWithLogits(logits [.., K], labels [.., K]):
//       loss = logsumexp(x) - sum_k y_k x_k            (= -sum_k y_k log softmax(x)_k when sum y = 1)
//       backprop = softmax(x) * sum_k y_k - y         (d loss / d logits)
//   SparseSoftmaxCrossEntropyWithLogits(logits [.., K], labels int [..]):
//       loss = logsumexp(x) - x[label];  backprop = softmax(x) - onehot(label)
//   SigmoidCrossEntropyWithLogits(logits, labels), elementwise:
//       loss = max(x, 0) - x z + log(1 + exp(-|x|));  d/dx = sigmoid(x) - z;  d/dz = -x
// The first two compute loss and backprop in one pass, as TensorFlow's
// kernels do; the gradient op multiplies backprop by the incoming gradient.
#include <cmath>

#include "kernel_util.h"
#include "op_registry.h"
#include "slimcore/ops.h"

namespace slimcore {

namespace {

// Float logits and labels of the same dtype and shape (the dense and sigmoid forms).
void check_same_kind(const InferContext& c) {
  const TensorSpec& logits = c.input(0);
  const TensorSpec& labels = c.input(1);
  if (!is_floating(logits.dtype)) c.fail_type("logits must be float32 or float64, got " + dtype_name(logits.dtype));
  if (labels.dtype != logits.dtype)
    c.fail_type("labels must have the logits' dtype " + dtype_name(logits.dtype) + ", got " + dtype_name(labels.dtype));
  if (!shape_compatible(logits.shape, labels.shape))
    c.fail("logits and labels must have the same shape, got logits " + shape_string(logits.shape) + " and labels " +
           shape_string(labels.shape));
}

std::vector<TensorSpec> dense_xent_shape(const InferContext& c) {
  const TensorSpec& logits = c.input(0);
  const TensorSpec& labels = c.input(1);
  if (logits.shape.empty()) c.fail("logits must have rank >= 1 (classes on the last axis)");
  check_same_kind(c);
  Shape batch(logits.shape.begin(), logits.shape.end() - 1);
  Shape full = logits.shape;
  for (std::size_t d = 0; d < full.size(); ++d)
    if (full[d] < 0) full[d] = labels.shape[d];
  return {{logits.dtype, batch}, {logits.dtype, full}};
}

std::vector<TensorSpec> sparse_xent_shape(const InferContext& c) {
  const TensorSpec& logits = c.input(0);
  const TensorSpec& labels = c.input(1);
  if (!is_floating(logits.dtype)) c.fail_type("logits must be float32 or float64, got " + dtype_name(logits.dtype));
  if (!is_integer(labels.dtype))
    c.fail_type("labels must be int32 or int64 class ids, got " + dtype_name(labels.dtype));
  if (logits.shape.size() != labels.shape.size() + 1 ||
      !shape_compatible(Shape(logits.shape.begin(), logits.shape.end() - 1), labels.shape))
    c.fail("labels must have the shape of logits without the last axis: logits " + shape_string(logits.shape) +
           ", labels " + shape_string(labels.shape));
  return {{logits.dtype, labels.shape}, {logits.dtype, logits.shape}};
}

// One row: loss and backprop from logits x[0..k) given a per-class target
// function. Returns the loss.
template <typename T, typename Target>
T xent_row(const T* x, T* backprop, int64_t k, Target target, T target_sum) {
  T max = x[0];
  for (int64_t j = 1; j < k; ++j) max = x[j] > max ? x[j] : max;
  T sum = 0;
  for (int64_t j = 0; j < k; ++j) sum += std::exp(x[j] - max);
  const T log_sum = std::log(sum) + max;  // logsumexp(x)
  T dot = 0;
  for (int64_t j = 0; j < k; ++j) {
    const T y = target(j);
    dot += y * x[j];
    backprop[j] = std::exp(x[j] - log_sum) * target_sum - y;
  }
  return log_sum * target_sum - dot;
}

void dense_xent_kernel(KernelContext& c) {
  const Tensor& logits = c.input(0);
  const Tensor& labels = c.input(1);
  const int64_t k = logits.dim(logits.rank() - 1);
  const int64_t rows = k ? logits.numel() / k : 0;
  dispatch_float(logits.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* x = logits.data<T>();
    const T* y = labels.data<T>();
    T* loss = c.output(0).data<T>();
    T* back = c.output(1).data<T>();
    parallel_chunks(rows, 256, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        const T* yr = y + r * k;
        T total = 0;
        for (int64_t j = 0; j < k; ++j) total += yr[j];
        loss[r] = xent_row<T>(x + r * k, back + r * k, k, [&](int64_t j) { return yr[j]; }, total);
      }
    });
  });
}

void sparse_xent_kernel(KernelContext& c) {
  const Tensor& logits = c.input(0);
  const Tensor& labels = c.input(1);
  const int64_t k = logits.dim(logits.rank() - 1);
  const int64_t rows = labels.numel();
  auto label_at = [&](int64_t r) -> int64_t {
    return labels.dtype() == DType::Int32 ? labels.data<int32_t>()[r] : labels.data<int64_t>()[r];
  };
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t label = label_at(r);
    if (label < 0 || label >= k)
      c.fail("Received a label value of " + std::to_string(label) + " which is outside the valid range of [0, " +
             std::to_string(k) + ") (labels[" + std::to_string(r) + "])");
  }
  dispatch_float(logits.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* x = logits.data<T>();
    T* loss = c.output(0).data<T>();
    T* back = c.output(1).data<T>();
    parallel_chunks(rows, 256, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        const int64_t label = label_at(r);
        loss[r] = xent_row<T>(x + r * k, back + r * k, k, [&](int64_t j) { return j == label ? T(1) : T(0); }, T(1));
      }
    });
  });
}

// d loss / d logits = backprop * g[..., None]; labels get -g * log softmax(x)
// for the dense form (TF's _SoftmaxCrossEntropyWithLogitsGrad), none for sparse.
std::vector<Output> xent_grad(const GradContext& c, bool dense) {
  Output grad = c.grad(0);
  std::vector<Output> out(2);
  if (!grad.valid()) return out;
  Output expanded = ops::expand_dims(grad, -1);  // per row -> broadcast over the classes
  out[0] = ops::mul(expanded, c.output(1));
  if (dense) out[1] = ops::mul(expanded, ops::neg(ops::log_softmax(c.input(0))));
  return out;
}

REGISTER_OP("SoftmaxCrossEntropyWithLogits")
    .inputs(2)
    .shape(dense_xent_shape)
    .kernel(dense_xent_kernel)
    .gradient([](const GradContext& c) { return xent_grad(c, true); });
REGISTER_OP("SparseSoftmaxCrossEntropyWithLogits")
    .inputs(2)
    .shape(sparse_xent_shape)
    .kernel(sparse_xent_kernel)
    .gradient([](const GradContext& c) { return xent_grad(c, false); });

// ---- sigmoid cross-entropy -------------------------------------------------------------
std::vector<TensorSpec> sigmoid_xent_shape(const InferContext& c) {
  check_same_kind(c);
  return {c.input(0)};
}

template <typename F> KernelFn elementwise2(F f) {
  return [f](KernelContext& c) {
    dispatch_float(c.input(0).dtype(), [&](auto zero) {
      using T = decltype(zero);
      const T* x = c.input(0).data<T>();
      const T* z = c.input(1).data<T>();
      T* o = c.output(0).data<T>();
      parallel_for(c.output(0).numel(), [&](int64_t i) { o[i] = f(x[i], z[i]); });
    });
  };
}

REGISTER_OP("SigmoidCrossEntropyWithLogits")
    .inputs(2)
    .shape(sigmoid_xent_shape)
    .kernel(elementwise2([](auto x, auto z) {
      using T = decltype(x);
      return (x > T(0) ? x : T(0)) - x * z + std::log1p(std::exp(-std::fabs(x)));
    }))
    .gradient([](const GradContext& c) {
      Output dx = c.graph.add("SigmoidCrossEntropyGrad", {c.input(0), c.input(1)});
      return std::vector<Output>{ops::mul(c.grad(), dx), ops::mul(c.grad(), ops::neg(c.input(0)))};
    });

// sigmoid(x) - z, computed without overflow for large |x|.
REGISTER_OP("SigmoidCrossEntropyGrad")
    .inputs(2)
    .shape(sigmoid_xent_shape)
    .kernel(elementwise2([](auto x, auto z) {
      using T = decltype(x);
      const T e = std::exp(-std::fabs(x));
      const T sigmoid = x >= T(0) ? T(1) / (T(1) + e) : e / (T(1) + e);
      return sigmoid - z;
    }))
    .not_differentiable();

}  // namespace
}  // namespace slimcore
