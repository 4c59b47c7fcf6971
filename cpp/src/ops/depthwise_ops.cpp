// DepthwiseConv2dNative (NHWC) and its backward ops, as TensorFlow's
// tf.nn.depthwise_conv2d_native: every input channel c is correlated with its
// own filters f[:, :, c, m], m < M (the depth multiplier), and lands in output
// channel c*M + m:
//
//   y[n, oh, ow, c*M + m] = sum_{i, j} x[n, oh*sh - pad_top + i*dh, ow*sw - pad_left + j*dw, c]
//                                      * f[i, j, c, m]
//
// with zeros outside the input and TF's SAME / VALID padding (window_util.h).
// Since f [kh, kw, C, M] is [kh, kw, C*M] in memory, the index c*M + m is the
// same in the filter and the output: with the input "expanded" (channel c
// repeated M times, done per row into scratch when M > 1) every kernel is an
// elementwise loop over the C*M contiguous channels of NHWC.
//
// Direct loops, vectorized over channels in blocks of up to four vectors
// held in registers (window::channel_blocks). OpenMP over output rows (n, oh)
// for the forward pass and the filter gradient (one partial filter gradient
// per thread, summed in thread order) and over input rows (n, ih) for the
// input gradient. With unit strides and M = 1 the input gradient is the
// forward loop run on dy with the filter flipped; otherwise it gathers, for
// each input cell, from the output cells that read it. Either way no two
// threads write the same value.
#include <algorithm>

#include "kernel_util.h"
#include "op_registry.h"
#include "slimcore/ops.h"
#include "window_util.h"

namespace slimcore {

namespace {

using window::Geometry;

// ---- shape rules ------------------------------------------------------------------------

// input [N, H, W, C], filter [kh, kw, C, M] -> output [N, OH, OW, C*M].
TensorSpec depthwise_spec(const InferContext& c, const TensorSpec& input, const TensorSpec& filter) {
  window::check_nhwc(c, "input", input);
  if (filter.shape.size() != 4)
    c.fail("filter must have rank 4 [filter_height, filter_width, in_channels, channel_multiplier], got shape " +
           shape_string(filter.shape) + " for input of shape " + shape_string(input.shape));
  if (filter.dtype != input.dtype)
    c.fail_type("input and filter must have the same dtype, got " + dtype_name(input.dtype) + " and " +
                dtype_name(filter.dtype));
  const int64_t cin = input.shape[3], fcin = filter.shape[2];
  if (cin >= 0 && fcin >= 0 && cin != fcin)
    c.fail("input channels (" + std::to_string(cin) + ", input shape " + shape_string(input.shape) +
           ") do not match the filter's in_channels (" + std::to_string(fcin) + ", filter shape " +
           shape_string(filter.shape) + ")");
  for (int d = 0; d < 2; ++d)
    if (filter.shape[d] == 0)
      c.fail("filter must have a non-empty window, got shape " + shape_string(filter.shape));
  window::Attrs2D a;
  window::read_pair(c, "strides", a.sh, a.sw, true);
  window::read_pair(c, "dilations", a.dh, a.dw, false);
  a.padding = window::read_padding(c);
  const window::Dim oh =
      window::dim_of(c, "height", input.shape[1], filter.shape[0], a.sh, a.dh, a.padding, input.shape);
  const window::Dim ow =
      window::dim_of(c, "width", input.shape[2], filter.shape[1], a.sw, a.dw, a.padding, input.shape);
  const int64_t channels = cin >= 0 ? cin : fcin, mult = filter.shape[3];
  const int64_t out_c = channels >= 0 && mult >= 0 ? channels * mult : -1;
  return {input.dtype, {input.shape[0], oh.out, ow.out, out_c}};
}

std::vector<TensorSpec> depthwise_shape(const InferContext& c) {
  return {depthwise_spec(c, c.input(0), c.input(1))};
}

void check_grad(const InferContext& c, const TensorSpec& expected, const TensorSpec& grad) {
  if (grad.dtype != expected.dtype)
    c.fail_type("grad must have the dtype of input, got " + dtype_name(grad.dtype) + " and " +
                dtype_name(expected.dtype));
  if (grad.shape.size() != 4 || !shape_compatible(expected.shape, grad.shape) ||
      !shape_compatible(grad.shape, expected.shape))
    c.fail("grad of shape " + shape_string(grad.shape) +
           " does not match the forward output shape " + shape_string(expected.shape));
}

// Backward ops: (input, filter, grad) -> gradient of input or of filter.
std::vector<TensorSpec> depthwise_backprop_input_shape(const InferContext& c) {
  check_grad(c, depthwise_spec(c, c.input(0), c.input(1)), c.input(2));
  return {c.input(0)};
}
std::vector<TensorSpec> depthwise_backprop_filter_shape(const InferContext& c) {
  check_grad(c, depthwise_spec(c, c.input(0), c.input(1)), c.input(2));
  return {c.input(1)};
}

Geometry geometry_of(const KernelContext& c) {
  window::Attrs2D a;
  window::read_pair(c, "strides", a.sh, a.sw, true);
  window::read_pair(c, "dilations", a.dh, a.dw, false);
  a.padding = window::read_padding(c);
  const Shape& f = c.input(1).shape();
  return window::make_geometry(c.input(0).shape(), f[0], f[1], a, f[2] * f[3]);
}

// ---- kernels ---------------------------------------------------------------------------

// Row ih of image n with every channel repeated M times ([W, C*M]); a pointer
// into x itself when M is 1.
template <typename T>
const T* expanded_row(const Geometry& g, int64_t mult, const T* x, int64_t n, int64_t ih, T* buffer) {
  const T* row = x + (n * g.h + ih) * g.w * g.c;
  if (mult == 1) return row;
  for (int64_t p = 0; p < g.w * g.c; ++p)
    for (int64_t m = 0; m < mult; ++m) buffer[p * mult + m] = row[p];
  return buffer;
}

// P adjacent output pixels of one row (starting at input column iw0, sw
// apart), channels [k0, k0 + width) of a block of compile-time width W, taps
// rows ti x columns [j0, j1): out[p, k] = sum xe_i[iw0 + p*sw + j*dw, k] * f[i, j, k].
// The P x W sums are held in registers and each filter vector is loaded once
// for the P pixels.
template <typename T, int64_t W, int64_t P>
inline void depthwise_pixels(const Geometry& g, const T* const* rows, window::TapRange ti, int64_t j0,
                             int64_t j1, int64_t iw0, const T* f, int64_t k0, int64_t width, T* out) {
  const int64_t CM = g.out_c, step = g.sw * CM;
  T acc[P][window::kLanes<T, W>] = {};
  for (int64_t i = ti.t0; i < ti.t1; ++i) {
    const T* xr = rows[i] + iw0 * CM + k0;
    const T* fr = f + i * g.kw * CM + k0;
    for (int64_t j = j0; j < j1; ++j) {
      const T* xp = xr + j * g.dw * CM;
      const T* fp = fr + j * CM;
      for (int64_t p = 0; p < P; ++p)
        window::lanes<T, W>(width, [&](int64_t k) { acc[p][k] += xp[p * step + k] * fp[k]; });
    }
  }
  for (int64_t p = 0; p < P; ++p)
    window::lanes<T, W>(width, [&](int64_t k) { out[p * CM + k0 + k] = acc[p][k]; });
}

// Output pixels computed together in the interior of a row.
constexpr int64_t kPixels = 4;

// y[n, oh, ow, k] = sum over the valid taps (i, j) of xe[n, ih, iw, k] * f[i, j, k].
// Interior pixels (every column tap inside the input) go kPixels at a time,
// border pixels one at a time with their clipped tap range.
template <typename T>
void depthwise_forward(const Geometry& g, int64_t mult, const T* x, const T* f, T* y) {
  const int64_t CM = g.out_c, R = g.n * g.oh;
  if (R * g.ow * CM == 0) return;
  const double flops = 2.0 * R * g.ow * g.kh * g.kw * CM;
  // Interior columns [ow_a, ow_b): tap 0 and tap kw-1 both inside.
  const int64_t ow_a = std::min(g.ow, (g.pad_left + g.sw - 1) / g.sw);
  const int64_t last = g.w - 1 + g.pad_left - (g.kw - 1) * g.dw;
  const int64_t ow_b = std::max(ow_a, last < 0 ? int64_t{0} : std::min(g.ow, last / g.sw + 1));
  window::run_team(window::team_for(flops, R), [&](int t, int nt) {
    const int64_t r0 = window::slice_begin(R, t, nt), r1 = window::slice_begin(R, t + 1, nt);
    T* buffer = mult > 1 ? window::scratch<T>(0, static_cast<std::size_t>(g.kh * g.w * CM)) : nullptr;
    const T** rows = window::scratch<const T*>(0, static_cast<std::size_t>(g.kh));
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t n = r / g.oh, oh = r % g.oh;
      const window::TapRange ti = g.rows_of(oh);
      for (int64_t i = ti.t0; i < ti.t1; ++i)
        rows[i] = expanded_row(g, mult, x, n, oh * g.sh - g.pad_top + i * g.dh,
                               buffer ? buffer + i * g.w * CM : nullptr);
      T* yrow = y + r * g.ow * CM;
      auto one = [&](int64_t ow) {
        const window::TapRange tj = g.cols_of(ow);
        window::channel_blocks<T>(CM, [&](auto block, int64_t k0, int64_t width) {
          depthwise_pixels<T, decltype(block)::value, 1>(g, rows, ti, tj.t0, tj.t1, ow * g.sw - g.pad_left, f,
                                                         k0, width, yrow + ow * CM);
        });
      };
      for (int64_t ow = 0; ow < ow_a; ++ow) one(ow);
      int64_t ow = ow_a;
      for (; ow + kPixels <= ow_b; ow += kPixels)
        window::channel_blocks<T>(CM, [&](auto block, int64_t k0, int64_t width) {
          depthwise_pixels<T, decltype(block)::value, kPixels>(g, rows, ti, 0, g.kw, ow * g.sw - g.pad_left, f,
                                                               k0, width, yrow + ow * CM);
        });
      for (; ow < g.ow; ++ow) one(ow);
    }
  });
}

// df[i, j, k] = sum over output pixels of dy[.., k] * xe[ih, iw, k]. For each
// output row, tap and channel block, the sum along the row's pixels is held in
// registers, then added to the thread's partial.
template <typename T>
void depthwise_backprop_filter(const Geometry& g, int64_t mult, const T* x, const T* dy, T* df) {
  const int64_t CM = g.out_c, R = g.n * g.oh, F = g.kh * g.kw * CM;
  if (F == 0) return;
  if (R * g.ow == 0) {
    std::fill(df, df + F, T(0));
    return;
  }
  const double flops = 2.0 * R * g.ow * g.kh * g.kw * CM;
  T* partials[window::kMaxThreads];
  window::run_team(window::team_for(flops, R), [&](int t, int nt) {
    const int64_t r0 = window::slice_begin(R, t, nt), r1 = window::slice_begin(R, t + 1, nt);
    T* acc_df = nt == 1 ? df : window::scratch<T>(2, static_cast<std::size_t>(F));
    std::fill(acc_df, acc_df + F, T(0));
    T* buffer = mult > 1 ? window::scratch<T>(0, static_cast<std::size_t>(g.w * CM)) : nullptr;
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t n = r / g.oh, oh = r % g.oh;
      const window::TapRange ti = g.rows_of(oh);
      const T* dyrow = dy + r * g.ow * CM;
      for (int64_t i = ti.t0; i < ti.t1; ++i) {
        const T* xr = expanded_row(g, mult, x, n, oh * g.sh - g.pad_top + i * g.dh, buffer);
        for (int64_t j = 0; j < g.kw; ++j) {
          const window::TapRange outs = window::outputs_for_tap(j, g.w, g.ow, g.sw, g.dw, g.pad_left);
          if (outs.t0 >= outs.t1) continue;
          const T* xcol = xr + (j * g.dw - g.pad_left) * CM;  // + ow * sw * CM
          T* dst = acc_df + (i * g.kw + j) * CM;
          window::channel_blocks<T>(CM, [&](auto block, int64_t k0, int64_t width) {
            constexpr int64_t W = decltype(block)::value;
            T acc[window::kLanes<T, W>] = {};
            for (int64_t ow = outs.t0; ow < outs.t1; ++ow) {
              const T* dp = dyrow + ow * CM + k0;
              const T* xp = xcol + ow * g.sw * CM + k0;
              window::lanes<T, W>(width, [&](int64_t k) { acc[k] += dp[k] * xp[k]; });
            }
            window::lanes<T, W>(width, [&](int64_t k) { dst[k0 + k] += acc[k]; });
          });
        }
      }
    }
    if (nt == 1) return;
    partials[t] = acc_df;
#pragma omp barrier
    const int64_t e0 = window::slice_begin(F, t, nt), e1 = window::slice_begin(F, t + 1, nt);
    std::copy(partials[0] + e0, partials[0] + e1, df + e0);
    for (int u = 1; u < nt; ++u) {
      const T* p = partials[u];
#pragma omp simd
      for (int64_t e = e0; e < e1; ++e) df[e] += p[e];
    }
  });
}

// (tap, output cell) pairs of one dimension that read input cell `in`:
// tap t reads it from output cell o when o * s - pad + t * d = in. Writes
// them to taps / outs and returns their count.
inline int64_t taps_reading(int64_t in, int64_t k, int64_t s, int64_t d, int64_t pad, int64_t out,
                            int64_t* taps, int64_t* outs) {
  int64_t count = 0;
  for (int64_t t = 0; t < k; ++t) {
    const int64_t u = in + pad - t * d;  // = o * s
    if (u < 0) break;
    if (u % s != 0 || u / s >= out) continue;
    taps[count] = t;
    outs[count++] = u / s;
  }
  return count;
}

// dx[n, ih, iw, c] = sum_m sum over the (tap, output cell) pairs that read
// (ih, iw) of dy[n, oh, ow, c*M + m] * f[i, j, c*M + m]: a gather, so the
// threads own disjoint input rows and each sum is held in registers.
template <typename T>
void depthwise_backprop_input(const Geometry& g, int64_t mult, const T* f, const T* dy, T* dx) {
  const int64_t C = g.c, CM = g.out_c, R = g.n * g.h;
  if (R * g.w * C == 0) return;
  if (g.sh == 1 && g.sw == 1 && mult == 1) {
    // With unit strides the gather is a forward depthwise correlation of dy
    // with the filter flipped in both spatial axes:
    //   dx[ih, iw] = sum_{i', j'} dy[ih - pad' + i'*dh, iw - pad'' + j'*dw] * f[kh-1-i', kw-1-j']
    // where pad' = (kh - 1)*dh - pad_top and pad'' = (kw - 1)*dw - pad_left.
    Geometry t = g;
    t.h = g.oh;
    t.w = g.ow;
    t.oh = g.h;
    t.ow = g.w;
    t.pad_top = (g.kh - 1) * g.dh - g.pad_top;
    t.pad_left = (g.kw - 1) * g.dw - g.pad_left;
    T* flipped = window::scratch<T>(1, static_cast<std::size_t>(g.kh * g.kw * C));
    for (int64_t i = 0; i < g.kh; ++i)
      for (int64_t j = 0; j < g.kw; ++j)
        std::copy(f + (i * g.kw + j) * C, f + (i * g.kw + j + 1) * C,
                  flipped + ((g.kh - 1 - i) * g.kw + (g.kw - 1 - j)) * C);
    depthwise_forward(t, 1, dy, flipped, dx);
    return;
  }
  const double flops = 2.0 * g.n * g.oh * g.ow * g.kh * g.kw * CM;
  window::run_team(window::team_for(flops, R), [&](int t, int nt) {
    const int64_t r0 = window::slice_begin(R, t, nt), r1 = window::slice_begin(R, t + 1, nt);
    // Per input column iw: the count and the (tap j, output column ow) pairs
    // that read it, the same for every row; then the pairs of the current row.
    const int64_t kw = g.kw;
    int64_t* lists = window::scratch<int64_t>(0, static_cast<std::size_t>(g.w * (1 + 2 * kw) + 2 * g.kh));
    int64_t *col_count = lists, *col_taps = lists + g.w, *col_outs = col_taps + g.w * kw;
    int64_t *row_taps = col_outs + g.w * kw, *row_outs = row_taps + g.kh;
    for (int64_t iw = 0; iw < g.w; ++iw)
      col_count[iw] = taps_reading(iw, kw, g.sw, g.dw, g.pad_left, g.ow, col_taps + iw * kw, col_outs + iw * kw);
    T* wide = mult > 1 ? window::scratch<T>(3, static_cast<std::size_t>(CM)) : nullptr;
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t n = r / g.h, ih = r % g.h;
      const int64_t ni = taps_reading(ih, g.kh, g.sh, g.dh, g.pad_top, g.oh, row_taps, row_outs);
      T* dxrow = dx + r * g.w * C;
      if (ni == 0) {
        std::fill(dxrow, dxrow + g.w * C, T(0));
        continue;
      }
      for (int64_t iw = 0; iw < g.w; ++iw) {
        const int64_t nj = col_count[iw];
        const int64_t *tj = col_taps + iw * kw, *tw = col_outs + iw * kw;
        T* out = dxrow + iw * C;
        if (mult == 1) {
          window::channel_blocks<T>(C, [&](auto block, int64_t k0, int64_t width) {
            constexpr int64_t W = decltype(block)::value;
            T acc[window::kLanes<T, W>] = {};
            for (int64_t a = 0; a < ni; ++a) {
              const T* dyrow = dy + (n * g.oh + row_outs[a]) * g.ow * C + k0;
              const T* frow = f + row_taps[a] * kw * C + k0;
              for (int64_t b = 0; b < nj; ++b) {
                const T* dp = dyrow + tw[b] * C;
                const T* fp = frow + tj[b] * C;
                window::lanes<T, W>(width, [&](int64_t k) { acc[k] += dp[k] * fp[k]; });
              }
            }
            window::lanes<T, W>(width, [&](int64_t k) { out[k0 + k] = acc[k]; });
          });
        } else {
          std::fill(wide, wide + CM, T(0));
          for (int64_t a = 0; a < ni; ++a) {
            const T* dyrow = dy + (n * g.oh + row_outs[a]) * g.ow * CM;
            const T* frow = f + row_taps[a] * kw * CM;
            for (int64_t b = 0; b < nj; ++b) {
              const T* dp = dyrow + tw[b] * CM;
              const T* fp = frow + tj[b] * CM;
#pragma omp simd
              for (int64_t k = 0; k < CM; ++k) wide[k] += dp[k] * fp[k];
            }
          }
          for (int64_t c = 0; c < C; ++c) {
            T s = 0;
            for (int64_t m = 0; m < mult; ++m) s += wide[c * mult + m];
            out[c] = s;
          }
        }
      }
    }
  });
}

int64_t multiplier_of(const KernelContext& c) { return c.input(1).dim(3); }

void depthwise_kernel(KernelContext& c) {
  const Geometry g = geometry_of(c);
  dispatch_float(c.input(0).dtype(), [&](auto zero) {
    using T = decltype(zero);
    depthwise_forward<T>(g, multiplier_of(c), c.input(0).data<T>(), c.input(1).data<T>(),
                         c.output(0).data<T>());
  });
}

void depthwise_backprop_input_kernel(KernelContext& c) {
  const Geometry g = geometry_of(c);
  dispatch_float(c.input(0).dtype(), [&](auto zero) {
    using T = decltype(zero);
    depthwise_backprop_input<T>(g, multiplier_of(c), c.input(1).data<T>(), c.input(2).data<T>(),
                                c.output(0).data<T>());
  });
}

void depthwise_backprop_filter_kernel(KernelContext& c) {
  const Geometry g = geometry_of(c);
  dispatch_float(c.input(0).dtype(), [&](auto zero) {
    using T = decltype(zero);
    depthwise_backprop_filter<T>(g, multiplier_of(c), c.input(0).data<T>(), c.input(2).data<T>(),
                                 c.output(0).data<T>());
  });
}

// ---- gradients ------------------------------------------------------------------------------

struct DepthwiseAttrs {
  std::vector<int64_t> strides, dilations;
  std::string padding;
};
DepthwiseAttrs depthwise_attrs(const GradContext& c) {
  return {c.attrs().get<std::vector<int64_t>>("strides"),
          c.attrs().get_or<std::vector<int64_t>>("dilations", {1, 1}),
          c.attrs().get<std::string>("padding")};
}

// y = dwconv(x, f): dx = BackpropInput(x, f, g), df = BackpropFilter(x, f, g).
std::vector<Output> depthwise_grad(const GradContext& c) {
  const DepthwiseAttrs a = depthwise_attrs(c);
  return {ops::depthwise_conv2d_backprop_input(c.input(0), c.input(1), c.grad(), a.strides, a.padding,
                                               a.dilations),
          ops::depthwise_conv2d_backprop_filter(c.input(0), c.input(1), c.grad(), a.strides, a.padding,
                                                a.dilations)};
}

// Both backward ops are linear in their other two inputs (see conv_ops.cpp):
//   BackpropInput(x, f, dy):  d/df = BackpropFilter(g2, f, dy),  d/ddy = dwconv(g2, f)
//   BackpropFilter(x, f, dy): d/dx = BackpropInput(x, g2, dy),   d/ddy = dwconv(x, g2)
std::vector<Output> depthwise_backprop_input_grad(const GradContext& c) {
  const DepthwiseAttrs a = depthwise_attrs(c);
  const Output& g2 = c.grad();
  return {Output(),
          ops::depthwise_conv2d_backprop_filter(g2, c.input(1), c.input(2), a.strides, a.padding, a.dilations),
          ops::depthwise_conv2d(g2, c.input(1), a.strides, a.padding, a.dilations)};
}
std::vector<Output> depthwise_backprop_filter_grad(const GradContext& c) {
  const DepthwiseAttrs a = depthwise_attrs(c);
  const Output& g2 = c.grad();
  return {ops::depthwise_conv2d_backprop_input(c.input(0), g2, c.input(2), a.strides, a.padding, a.dilations),
          Output(), ops::depthwise_conv2d(c.input(0), g2, a.strides, a.padding, a.dilations)};
}

REGISTER_OP("DepthwiseConv2dNative")
    .inputs(2)
    .shape(depthwise_shape)
    .kernel(depthwise_kernel)
    .gradient(depthwise_grad);
REGISTER_OP("DepthwiseConv2dNativeBackpropInput")
    .inputs(3)
    .shape(depthwise_backprop_input_shape)
    .kernel(depthwise_backprop_input_kernel)
    .gradient(depthwise_backprop_input_grad);
REGISTER_OP("DepthwiseConv2dNativeBackpropFilter")
    .inputs(3)
    .shape(depthwise_backprop_filter_shape)
    .kernel(depthwise_backprop_filter_kernel)
    .gradient(depthwise_backprop_filter_grad);


}  // namespace

namespace ops {
Output depthwise_conv2d(Output input, Output filter, std::vector<int64_t> strides, const std::string& padding,
                        std::vector<int64_t> dilations, const std::string& name) {
  return input.graph().add("DepthwiseConv2dNative", {input, filter},
                           window_node_attrs(std::move(strides), padding, std::move(dilations)), name);
}
Output depthwise_conv2d_backprop_input(Output input, Output filter, Output grad, std::vector<int64_t> strides,
                                       const std::string& padding, std::vector<int64_t> dilations,
                                       const std::string& name) {
  return input.graph().add("DepthwiseConv2dNativeBackpropInput", {input, filter, grad},
                           window_node_attrs(std::move(strides), padding, std::move(dilations)), name);
}
Output depthwise_conv2d_backprop_filter(Output input, Output filter, Output grad, std::vector<int64_t> strides,
                                        const std::string& padding, std::vector<int64_t> dilations,
                                        const std::string& name) {
  return input.graph().add("DepthwiseConv2dNativeBackpropFilter", {input, filter, grad},
                           window_node_attrs(std::move(strides), padding, std::move(dilations)), name);
}
}  // namespace ops
}  // namespace slimcore
