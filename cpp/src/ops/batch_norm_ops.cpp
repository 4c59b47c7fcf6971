// Batch normalization over the channels (last) axis of x [..., C], rank 2
// ([N, C]) or 4 (NHWC), as TensorFlow's FusedBatchNorm. With n = the number
// of rows (N, or N*H*W):
//
//   FusedBatchNorm(x, scale, offset, mean, variance; epsilon, is_training)
//       -> y, batch_mean, batch_variance, saved_mean, saved_inv_std
//     training:   mu = sum(x) / n,  var = sum((x - mu)^2) / n       (biased)
//                 y = scale * (x - mu) / sqrt(var + eps) + offset
//                 batch_mean = mu, batch_variance = var * n / (n - 1)
//                 (Bessel-corrected, for the moving average; factor 1 when
//                 n = 1, as TF), saved_mean = mu, saved_inv_std = 1/sqrt(var + eps);
//                 the mean and variance inputs are not used (TF passes []).
//     inference:  y = scale * (x - mean) / sqrt(variance + eps) + offset
//                 batch_mean = mean, batch_variance = variance (passed through),
//                 saved_mean = mean, saved_inv_std = 1 / sqrt(variance + eps)
//
//   FusedBatchNormGrad(dy, x, scale, saved_mean, saved_inv_std[, dmean, dvariance];
//                      is_training) -> dx, dscale, doffset
//     xhat = (x - saved_mean) * saved_inv_std, dscale = sum(dy * xhat), doffset = sum(dy)
//     training:   dx = scale * inv_std / n * (n dy - doffset - xhat * dscale)
//                      + dmean / n + dvariance * 2 (x - mu) / max(n - 1, 1)
//                 (the optional last two inputs carry gradients that reach
//                 batch_mean and batch_variance)
//     inference:  dx = dy * scale * inv_std
//
// Numerics: the statistics are one pass over x of shifted sums accumulated
// in double, sum(x - K) and sum((x - K)^2) with K = the channel's value in
// the first row: var = S2/n - (S1/n)^2 then loses only about
// (mu - K)^2 / var ulps of double, however large |mu| is relative to the
// spread. The gradient's sums are accumulated in double the same way.
//
// Layout: x is a [rows, C] matrix. For C <= 64 the kernels walk it as
// blocks of W = (64 / C) * C elements (whole rows), so the inner loops are
// W long and vectorize even for C = 1 or 3; element i then belongs to
// channel (i % W) % C, and per-channel coefficients are expanded to W
// entries. Wider tensors use blocks of one row. Every pass reads the data
// sequentially, split over threads by ranges of blocks; sums are per-thread
// partials added in thread order.
#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <vector>

#include "fusion_pass.h"
#include "grad_util.h"
#include "kernel_util.h"
#include "op_registry.h"
#include "slimcore/ops.h"

namespace slimcore {

namespace {

constexpr int64_t kWidth = 64;  // blocks of narrow tensors span about this many elements

// A number as %g prints it ("0.001", "-1", "nan").
std::string number_text(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

// The [rows, C] data as consecutive blocks of `width` elements, a multiple
// of C (see the file comment). Requires C > 0.
struct Blocks {
  int64_t n;      // elements
  int64_t width;  // elements per block
  int64_t count() const { return (n + width - 1) / width; }
};

Blocks blocks_of(int64_t rows, int64_t channels) {
  const int64_t per_block = channels < kWidth ? kWidth / channels : 1;
  return {rows * channels, per_block * channels};
}

// Scratch reused by every run on this thread: it grows to the largest size
// asked for and is never freed, so steady-state runs allocate nothing. Each
// slot is one buffer; a kernel takes at most one request per slot and type.
enum ScratchSlot { kSums, kCoefficients };
template <typename T, ScratchSlot kSlot> T* scratch(std::size_t n) {
  thread_local std::vector<T> buffer;
  if (buffer.size() < n) buffer.resize(n);
  return buffer.data();
}

// body(begin, len) for every block [begin, begin + len), len <= width; the
// offset within the block indexes the expanded coefficients. Blocks are
// split over threads once the tensor is large enough.
template <typename Body> void for_blocks(const Blocks& b, const Body& body) {
  const int64_t min_blocks = std::max<int64_t>(1, kParallelThreshold / (2 * b.width));
  parallel_chunks(b.count(), min_blocks, [&](int64_t first, int64_t last) {
    for (int64_t k = first; k < last; ++k) {
      const int64_t begin = k * b.width;
      body(begin, std::min(b.width, b.n - begin));
    }
  });
}

// s1[j] += g, s2[j] += g * u over blocks [first, last), u = x - k[j], g = u or dy.
template <bool kGrad, typename T>
void accumulate_blocks(const T* x, const T* dy, const Blocks& b, int64_t first, int64_t last, const double* k,
                       double* s1, double* s2) {
  for (int64_t blk = first; blk < last; ++blk) {
    const int64_t begin = blk * b.width;
    const int64_t len = std::min(b.width, b.n - begin);
    const T* xb = x + begin;
    const T* gb = kGrad ? dy + begin : nullptr;
#pragma omp simd
    for (int64_t j = 0; j < len; ++j) {
      const double u = static_cast<double>(xb[j]) - k[j];
      const double g = kGrad ? static_cast<double>(gb[j]) : u;
      s1[j] += g;
      s2[j] += g * u;
    }
  }
}

// Per-channel sums over the rows of x [rows, C], accumulated in double:
//   s1[c] = sum_r g,  s2[c] = sum_r g * u,  u = x[r, c] - center[c],
// with g = u (kGrad false: the shifted sums of the statistics) or
// g = dy[r, c] (kGrad true: the sums of the gradient). Threads take ranges
// of blocks (whole rows, read sequentially) into per-thread sums over the
// block's W columns, which are added in thread order and folded onto the C
// channels; done(c, s1, s2) then receives each channel's totals.
template <bool kGrad, typename T, typename Done>
void centered_sums(const T* x, const T* dy, const T* center, int64_t rows, int64_t channels, const Done& done) {
  const Blocks b = blocks_of(rows, channels);
  const int team = team_for_work(b.n);
  // The shift, then s1 and s2 of each thread, each padded to whole cache
  // lines so that threads never write to a shared line.
  constexpr int64_t kLine = 64 / sizeof(double);
  const int64_t stride = (b.width + kLine - 1) / kLine * kLine;
  double* buffer = scratch<double, kSums>(static_cast<std::size_t>((1 + 2 * team) * stride + kLine));
  double* k = buffer + (kLine - reinterpret_cast<uintptr_t>(buffer) / sizeof(double) % kLine) % kLine;
  for (int64_t j = 0; j < b.width; ++j) k[j] = static_cast<double>(center[j % channels]);
  const int used = run_team(team, [&](int t, int nt) {
    double* s1 = k + (1 + 2 * t) * stride;
    double* s2 = s1 + stride;
    const int64_t first = slice_begin(b.count(), t, nt), last = slice_begin(b.count(), t + 1, nt);
    if (b.width <= kWidth) {
      // Narrow blocks: shift and sums in local arrays, which GCC keeps
      // closer than the shared buffer (measurably faster), copied out once.
      double local_k[kWidth], local1[kWidth] = {}, local2[kWidth] = {};
      std::copy(k, k + b.width, local_k);
      accumulate_blocks<kGrad>(x, dy, b, first, last, local_k, local1, local2);
      std::copy(local1, local1 + b.width, s1);
      std::copy(local2, local2 + b.width, s2);
    } else {
      std::fill(s1, s1 + 2 * stride, 0.0);
      accumulate_blocks<kGrad>(x, dy, b, first, last, k, s1, s2);
    }
  });
  for (int64_t c = 0; c < channels; ++c) {
    double s1 = 0, s2 = 0;
    for (int t = 0; t < used; ++t) {
      const double* p1 = k + (1 + 2 * t) * stride;
      const double* p2 = p1 + stride;
      for (int64_t j = c; j < b.width; j += channels) {
        s1 += p1[j];
        s2 += p2[j];
      }
    }
    done(c, s1, s2);
  }
}

// Expands per-channel coefficient rows coef[i * width + c] (c < C) to the
// whole block: coef[i * width + j] = coef[i * width + j % C].
template <typename T> void expand(T* coef, int rows_of_coef, int64_t width, int64_t channels) {
  for (int i = 0; i < rows_of_coef; ++i)
    for (int64_t j = channels; j < width; ++j) coef[i * width + j] = coef[i * width + j % channels];
}

// ---- forward ------------------------------------------------------------------------------

// y = (x - mean) * (scale * inv_std) + offset, per channel, then a fused
// activation (fusion_pass.h; null: none) on each block while it is in cache.
template <typename T>
void normalize(const T* x, T* y, int64_t rows, int64_t channels, const T* mean, const T* inv_std, const T* scale,
               const T* offset, const Epilogue* epilogue) {
  const Blocks b = blocks_of(rows, channels);
  T* coef = scratch<T, kCoefficients>(static_cast<std::size_t>(3 * b.width));
  T* m = coef;
  T* a = coef + b.width;
  T* o = coef + 2 * b.width;
  for (int64_t c = 0; c < channels; ++c) {
    m[c] = mean[c];
    a[c] = scale[c] * inv_std[c];
    o[c] = offset[c];
  }
  expand(coef, 3, b.width, channels);
  for_blocks(b, [=](int64_t begin, int64_t len) {
    const T* xb = x + begin;
    T* yb = y + begin;
#pragma omp simd
    for (int64_t j = 0; j < len; ++j) yb[j] = (xb[j] - m[j]) * a[j] + o[j];
    if (epilogue) epilogue->apply(y, begin, begin + len);
  });
}

template <typename T> void batch_norm_forward(KernelContext& c) {
  const Tensor& xt = c.input(0);
  const int64_t channels = xt.dim(xt.rank() - 1);
  const int64_t rows = channels ? xt.numel() / channels : 0;
  const double eps = c.attrs().get<double>("epsilon");
  const T* x = xt.data<T>();
  T* batch_mean = c.output(1).data<T>();
  T* batch_var = c.output(2).data<T>();
  T* saved_mean = c.output(3).data<T>();
  T* saved_inv_std = c.output(4).data<T>();
  if (channels == 0) return;

  if (c.attrs().get<bool>("is_training")) {
    if (rows == 0) {  // no data: undefined statistics (NaN, as TF), an empty y
      const T nan = std::numeric_limits<T>::quiet_NaN();
      for (T* out : {batch_mean, batch_var, saved_mean, saved_inv_std}) std::fill(out, out + channels, nan);
      return;
    }
    const double n = static_cast<double>(rows);
    const double bessel = rows > 1 ? n / (n - 1) : 1.0;
    // Shifted by the first row (K = x[0, c]): mu = K + S1/n, var = S2/n - (S1/n)^2.
    centered_sums<false>(x, static_cast<const T*>(nullptr), x, rows, channels, [&](int64_t ch, double s1, double s2) {
      const double d = s1 / n;
      const double var = std::max(s2 / n - d * d, 0.0);
      const T mu = static_cast<T>(static_cast<double>(x[ch]) + d);
      batch_mean[ch] = saved_mean[ch] = mu;
      batch_var[ch] = static_cast<T>(var * bessel);
      saved_inv_std[ch] = static_cast<T>(1.0 / std::sqrt(var + eps));
    });
  } else {
    const T* mean = c.input(3).data<T>();
    const T* variance = c.input(4).data<T>();
    for (int64_t ch = 0; ch < channels; ++ch) {
      batch_mean[ch] = saved_mean[ch] = mean[ch];
      batch_var[ch] = variance[ch];
      saved_inv_std[ch] = static_cast<T>(1.0 / std::sqrt(static_cast<double>(variance[ch]) + eps));
    }
  }
  normalize(x, c.output(0).data<T>(), rows, channels, saved_mean, saved_inv_std, c.input(1).data<T>(),
            c.input(2).data<T>(), c.take_epilogue());
}

void batch_norm_kernel(KernelContext& c) {
  dispatch_float(c.input(0).dtype(), [&](auto zero) { batch_norm_forward<decltype(zero)>(c); });
}

// ---- backward -----------------------------------------------------------------------------

// dx = A dy + B (x - m) + D per channel (training) or dx = A dy (inference).
template <typename T> void batch_norm_backward(KernelContext& c) {
  const Tensor& xt = c.input(1);
  const int64_t channels = xt.dim(xt.rank() - 1);
  const int64_t rows = channels ? xt.numel() / channels : 0;
  const bool training = c.attrs().get<bool>("is_training");
  const T* dy = c.input(0).data<T>();
  const T* x = xt.data<T>();
  const T* scale = c.input(2).data<T>();
  const T* mean = c.input(3).data<T>();
  const T* inv_std = c.input(4).data<T>();
  const T* dmean = c.num_inputs() > 5 ? c.input(5).data<T>() : nullptr;
  const T* dvar = c.num_inputs() > 5 ? c.input(6).data<T>() : nullptr;
  T* dx = c.output(0).data<T>();
  T* dscale = c.output(1).data<T>();
  T* doffset = c.output(2).data<T>();
  if (channels == 0) return;
  if (rows == 0) {
    std::fill(dscale, dscale + channels, T(0));
    std::fill(doffset, doffset + channels, T(0));
    return;
  }

  const Blocks b = blocks_of(rows, channels);
  T* coef = scratch<T, kCoefficients>(static_cast<std::size_t>(4 * b.width));
  T* A = coef;
  T* B = coef + b.width;
  T* D = coef + 2 * b.width;
  T* m = coef + 3 * b.width;
  const double n = static_cast<double>(rows);
  const double var_factor = 2.0 / std::max(n - 1.0, 1.0);  // d batch_variance / d (x - mu), per unit
  centered_sums<true>(x, dy, mean, rows, channels, [&](int64_t ch, double s1, double s2) {
    const double r = static_cast<double>(inv_std[ch]);
    const double a = static_cast<double>(scale[ch]) * r;
    const double sum_dy = s1, sum_dy_xhat = s2 * r;
    doffset[ch] = static_cast<T>(sum_dy);
    dscale[ch] = static_cast<T>(sum_dy_xhat);
    A[ch] = static_cast<T>(a);
    m[ch] = mean[ch];
    if (training) {
      const double gm = dmean ? static_cast<double>(dmean[ch]) : 0.0;
      const double gv = dvar ? static_cast<double>(dvar[ch]) : 0.0;
      B[ch] = static_cast<T>(gv * var_factor - a * r * sum_dy_xhat / n);
      D[ch] = static_cast<T>((gm - a * sum_dy) / n);
    }
  });
  if (training) {
    expand(coef, 4, b.width, channels);
    for_blocks(b, [=](int64_t begin, int64_t len) {
      const T* gb = dy + begin;
      const T* xb = x + begin;
      T* ob = dx + begin;
#pragma omp simd
      for (int64_t j = 0; j < len; ++j) ob[j] = A[j] * gb[j] + B[j] * (xb[j] - m[j]) + D[j];
    });
  } else {
    expand(coef, 1, b.width, channels);
    for_blocks(b, [=](int64_t begin, int64_t len) {
      const T* gb = dy + begin;
      T* ob = dx + begin;
#pragma omp simd
      for (int64_t j = 0; j < len; ++j) ob[j] = A[j] * gb[j];
    });
  }
}

void batch_norm_grad_kernel(KernelContext& c) {
  dispatch_float(c.input(0).dtype(), [&](auto zero) { batch_norm_backward<decltype(zero)>(c); });
}

// ---- shape rules --------------------------------------------------------------------------

// Checks that input `i` is a [C] vector of x's dtype (C = `channels`, -1 if
// unknown; `allow_empty`: [0] is accepted too) and returns its length.
int64_t check_vector(const InferContext& c, int i, const char* what, int64_t channels, bool allow_empty,
                     const char* empty_note = "") {
  const TensorSpec& x = c.input(0);
  const TensorSpec& v = c.input(i);
  if (v.dtype != x.dtype)
    c.fail_type(std::string(what) + " must have x's dtype " + dtype_name(x.dtype) + ", got " + dtype_name(v.dtype));
  if (v.shape.size() != 1)
    c.fail(std::string(what) + " must be a vector of one value per channel, got shape " + shape_string(v.shape));
  const int64_t len = v.shape[0];
  if (allow_empty && len == 0) return channels;
  if (len >= 0 && channels >= 0 && len != channels)
    c.fail(std::string(what) + " has " + std::to_string(len) + " values but x " + shape_string(x.shape) + " has " +
           std::to_string(channels) + " channels on its last axis" + empty_note);
  return channels >= 0 ? channels : len;
}

bool is_training_of(const InferContext& c) {
  if (!c.attrs().has("is_training")) c.fail("missing bool attribute 'is_training'");
  return c.attrs().get<bool>("is_training");
}

std::vector<TensorSpec> batch_norm_shape(const InferContext& c) {
  const TensorSpec& x = c.input(0);
  if (!is_floating(x.dtype)) c.fail_type("x must be float32 or float64, got " + dtype_name(x.dtype));
  if (x.shape.size() != 2 && x.shape.size() != 4)
    c.fail("x must have rank 2 ([N, C]) or 4 (NHWC, channels last), got shape " + shape_string(x.shape));
  const double eps = c.attrs().get<double>("epsilon");
  if (!(eps >= 0) || !std::isfinite(eps)) c.fail("epsilon must be a finite number >= 0, got " + number_text(eps));
  const bool training = is_training_of(c);
  int64_t channels = x.shape.back();
  channels = check_vector(c, 1, "scale", channels, false);
  channels = check_vector(c, 2, "offset", channels, false);
  const char* note = training ? " (in training they are not used: pass [] or one value per channel)"
                              : " (inference normalises with the given mean and variance)";
  channels = check_vector(c, 3, "mean", channels, training, note);
  channels = check_vector(c, 4, "variance", channels, training, note);
  TensorSpec y = x;
  y.shape.back() = channels;
  const TensorSpec stat{x.dtype, {channels}};
  return {y, stat, stat, stat, stat};
}

std::vector<TensorSpec> batch_norm_grad_shape(const InferContext& c) {
  if (c.num_inputs() != 5 && c.num_inputs() != 7)
    c.fail(
        "expects 5 inputs (dy, x, scale, saved_mean, saved_inv_std) or 7 (and dmean, "
        "dvariance), got " +
        std::to_string(c.num_inputs()));
  const TensorSpec& dy = c.input(0);
  const TensorSpec& x = c.input(1);
  if (!is_floating(dy.dtype)) c.fail_type("dy must be float32 or float64, got " + dtype_name(dy.dtype));
  if (x.dtype != dy.dtype)
    c.fail_type("x must have dy's dtype " + dtype_name(dy.dtype) + ", got " + dtype_name(x.dtype));
  if (x.shape.size() != 2 && x.shape.size() != 4)
    c.fail("x must have rank 2 or 4 (channels last), got shape " + shape_string(x.shape));
  if (x.shape.size() != dy.shape.size() || !shape_compatible(dy.shape, x.shape) || !shape_compatible(x.shape, dy.shape))
    c.fail("dy and x must have the same shape, got " + shape_string(dy.shape) + " and " + shape_string(x.shape));
  const bool training = is_training_of(c);
  if (c.num_inputs() == 7 && !training)
    c.fail("dmean and dvariance are only taken in training (in inference they flow to the inputs)");
  int64_t channels = x.shape.back();
  const char* names[] = {"", "", "scale", "saved_mean", "saved_inv_std", "dmean", "dvariance"};
  for (int i = 2; i < c.num_inputs(); ++i) {
    const TensorSpec& v = c.input(i);
    if (v.dtype != dy.dtype)
      c.fail_type(std::string(names[i]) + " must have dy's dtype " + dtype_name(dy.dtype) + ", got " +
                  dtype_name(v.dtype));
    if (v.shape.size() != 1 || (v.shape[0] >= 0 && channels >= 0 && v.shape[0] != channels))
      c.fail(std::string(names[i]) + " must have shape [" + std::to_string(channels) +
             "] (one value per channel of x " + shape_string(x.shape) + "), got " + shape_string(v.shape));
    if (channels < 0) channels = v.shape[0];
  }
  TensorSpec dx = x;
  dx.shape.back() = channels;
  for (std::size_t d = 0; d + 1 < dx.shape.size(); ++d)
    if (dx.shape[d] < 0) dx.shape[d] = dy.shape[d];
  return {dx, {dy.dtype, {channels}}, {dy.dtype, {channels}}};
}

// ---- gradient -----------------------------------------------------------------------------

// Training: dx, dscale, doffset from FusedBatchNormGrad; gradients reaching
// batch_mean / batch_variance are folded into its dx (the statistics depend
// on x); the mean and variance inputs are unused and get none.
// Inference: batch_mean and batch_variance are the mean and variance
// inputs, which also get the gradient of y:
//   dmean = -scale * inv_std * doffset,  dvariance = -scale * inv_std^3 / 2 * sum(dy (x - mean))
//                                                  = -scale * inv_std^2 / 2 * dscale.
// TF1 drops all of these (None for mean and variance, batch statistics'
// gradients ignored); slimcore computes them.
std::vector<Output> batch_norm_grad(const GradContext& c) {
  if (c.grad(3).valid() || c.grad(4).valid())
    throw InvalidArgument("FusedBatchNorm '" + c.node.name +
                          "': saved_mean and saved_inv_std (outputs 3 and 4) are internal to the "
                          "gradient and cannot be differentiated; use batch_mean (output 1), or "
                          "tf.nn.moments for differentiable statistics");
  Graph& g = c.graph;
  const bool training = c.attrs().get<bool>("is_training");
  std::vector<Output> out(5);
  const bool stats_grad = c.grad(1).valid() || c.grad(2).valid();
  if (training) {
    Output dy = c.grad(0).valid() ? c.grad(0) : zeros_like(c.output(0));
    std::vector<Output> inputs{dy, c.input(0), c.input(1), c.output(3), c.output(4)};
    if (stats_grad) {
      inputs.push_back(c.grad(1).valid() ? c.grad(1) : zeros_like(c.output(1)));
      inputs.push_back(c.grad(2).valid() ? c.grad(2) : zeros_like(c.output(2)));
    }
    const int node = g.add_node("FusedBatchNormGrad", inputs, {{"is_training", true}});
    out[0] = g.output(node, 0);
    out[1] = g.output(node, 1);
    out[2] = g.output(node, 2);
    return out;
  }
  if (c.grad(0).valid()) {
    const int node = g.add_node("FusedBatchNormGrad", {c.grad(0), c.input(0), c.input(1), c.output(3), c.output(4)},
                                {{"is_training", false}});
    out[0] = g.output(node, 0);
    out[1] = g.output(node, 1);
    out[2] = g.output(node, 2);
    const Output a = ops::mul(c.input(1), c.output(4));  // scale * inv_std
    out[3] = ops::neg(ops::mul(a, out[2]));
    out[4] = ops::mul(ops::mul(a, c.output(4)), out[1]) * -0.5;
  }
  if (c.grad(1).valid()) out[3] = out[3].valid() ? ops::add(out[3], c.grad(1)) : c.grad(1);
  if (c.grad(2).valid()) out[4] = out[4].valid() ? ops::add(out[4], c.grad(2)) : c.grad(2);
  return out;
}

REGISTER_OP("FusedBatchNorm").inputs(5).shape(batch_norm_shape).kernel(batch_norm_kernel).gradient(batch_norm_grad);
// No second derivatives: differentiating FusedBatchNormGrad is an error.
REGISTER_OP("FusedBatchNormGrad").variadic_inputs().shape(batch_norm_grad_shape).kernel(batch_norm_grad_kernel);

}  // namespace

namespace ops {
BatchNormOutputs fused_batch_norm(Output x, Output scale, Output offset, Output mean, Output variance, double epsilon,
                                  bool is_training, const std::string& name) {
  Graph& g = x.graph();
  if (!(epsilon >= 0) || !std::isfinite(epsilon))
    throw InvalidArgument("fused_batch_norm: epsilon must be a finite number >= 0, got " + number_text(epsilon));
  if (!mean.valid() || !variance.valid()) {
    if (!is_training)
      throw InvalidArgument(
          "fused_batch_norm: mean and variance must be given when is_training is "
          "false (inference normalises with them)");
    const Output empty = constant(g, Tensor(x.dtype(), {0}), "empty");
    if (!mean.valid()) mean = empty;
    if (!variance.valid()) variance = empty;
  }
  const int node = g.add_node("FusedBatchNorm", {x, scale, offset, mean, variance},
                              {{"epsilon", epsilon}, {"is_training", is_training}}, name);
  return {g.output(node, 0), g.output(node, 1), g.output(node, 2), g.output(node, 3), g.output(node, 4)};
}
}  // namespace ops
}  // namespace slimcore
