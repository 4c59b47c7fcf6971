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

#include "conv_family.h"
#include "kernel_util.h"
#include "op_registry.h"
#include "slimcore/ops.h"
#include "window_util.h"

namespace slimcore {

namespace {

using window::Geometry;

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
inline void depthwise_pixels(const Geometry& g, const T* const* rows, window::TapRange ti, int64_t j0, int64_t j1,
                             int64_t iw0, const T* f, int64_t k0, int64_t width, T* out) {
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
  for (int64_t p = 0; p < P; ++p) window::lanes<T, W>(width, [&](int64_t k) { out[p * CM + k0 + k] = acc[p][k]; });
}

// Output pixels computed together in the interior of a row.
constexpr int64_t kPixels = 4;

// y[n, oh, ow, k] = sum over the valid taps (i, j) of xe[n, ih, iw, k] * f[i, j, k].
// Interior pixels (every column tap inside the input) go kPixels at a time,
// border pixels one at a time with their clipped tap range; then the fused
// epilogue (fusion_pass.h; null: none) on each output row.
template <typename T>
void depthwise_forward(const Geometry& g, int64_t mult, const T* x, const T* f, T* y, const Epilogue* epilogue) {
  const int64_t CM = g.out_c, R = g.n * g.oh;
  if (R * g.ow * CM == 0) return;
  const double flops = 2.0 * R * g.ow * g.kh * g.kw * CM;
  // Interior columns [ow_a, ow_b): tap 0 and tap kw-1 both inside.
  const int64_t ow_a = std::min(g.ow, (g.pad_left + g.sw - 1) / g.sw);
  const int64_t last = g.w - 1 + g.pad_left - (g.kw - 1) * g.dw;
  const int64_t ow_b = std::max(ow_a, last < 0 ? int64_t{0} : std::min(g.ow, last / g.sw + 1));
  run_team(team_for_flops(flops, R), [&](int t, int nt) {
    const int64_t r0 = slice_begin(R, t, nt), r1 = slice_begin(R, t + 1, nt);
    T* buffer =
        mult > 1 ? window::scratch<T>(window::Scratch::kRows, static_cast<std::size_t>(g.kh * g.w * CM)) : nullptr;
    const T** rows = window::scratch<const T*>(window::Scratch::kTables, static_cast<std::size_t>(g.kh));
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t n = r / g.oh, oh = r % g.oh;
      const window::TapRange ti = g.rows_of(oh);
      for (int64_t i = ti.t0; i < ti.t1; ++i)
        rows[i] =
            expanded_row(g, mult, x, n, oh * g.sh - g.pad_top + i * g.dh, buffer ? buffer + i * g.w * CM : nullptr);
      T* yrow = y + r * g.ow * CM;
      auto one = [&](int64_t ow) {
        const window::TapRange tj = g.cols_of(ow);
        window::channel_blocks<T>(CM, [&](auto block, int64_t k0, int64_t width) {
          depthwise_pixels<T, decltype(block)::value, 1>(g, rows, ti, tj.t0, tj.t1, ow * g.sw - g.pad_left, f, k0,
                                                         width, yrow + ow * CM);
        });
      };
      for (int64_t ow = 0; ow < ow_a; ++ow) one(ow);
      int64_t ow = ow_a;
      for (; ow + kPixels <= ow_b; ow += kPixels)
        window::channel_blocks<T>(CM, [&](auto block, int64_t k0, int64_t width) {
          depthwise_pixels<T, decltype(block)::value, kPixels>(g, rows, ti, 0, g.kw, ow * g.sw - g.pad_left, f, k0,
                                                               width, yrow + ow * CM);
        });
      for (; ow < g.ow; ++ow) one(ow);
      if (epilogue) epilogue->apply(y, r * g.ow * CM, (r + 1) * g.ow * CM);  // fused bias, activation
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
  T* partials[kMaxThreads];
  run_team(team_for_flops(flops, R), [&](int t, int nt) {
    const int64_t r0 = slice_begin(R, t, nt), r1 = slice_begin(R, t + 1, nt);
    T* acc_df = nt == 1 ? df : window::scratch<T>(window::Scratch::kPartials, static_cast<std::size_t>(F));
    std::fill(acc_df, acc_df + F, T(0));
    T* buffer = mult > 1 ? window::scratch<T>(window::Scratch::kRows, static_cast<std::size_t>(g.w * CM)) : nullptr;
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
    team_barrier();
    const int64_t e0 = slice_begin(F, t, nt), e1 = slice_begin(F, t + 1, nt);
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
inline int64_t taps_reading(int64_t in, int64_t k, int64_t s, int64_t d, int64_t pad, int64_t out, int64_t* taps,
                            int64_t* outs) {
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
    T* flipped = window::scratch<T>(window::Scratch::kFilter, static_cast<std::size_t>(g.kh * g.kw * C));
    for (int64_t i = 0; i < g.kh; ++i)
      for (int64_t j = 0; j < g.kw; ++j)
        std::copy(f + (i * g.kw + j) * C, f + (i * g.kw + j + 1) * C,
                  flipped + ((g.kh - 1 - i) * g.kw + (g.kw - 1 - j)) * C);
    depthwise_forward(t, 1, dy, flipped, dx, nullptr);
    return;
  }
  const double flops = 2.0 * g.n * g.oh * g.ow * g.kh * g.kw * CM;
  run_team(team_for_flops(flops, R), [&](int t, int nt) {
    const int64_t r0 = slice_begin(R, t, nt), r1 = slice_begin(R, t + 1, nt);
    // Per input column iw: the count and the (tap j, output column ow) pairs
    // that read it, the same for every row; then the pairs of the current row.
    const int64_t kw = g.kw;
    int64_t* lists =
        window::scratch<int64_t>(window::Scratch::kTables, static_cast<std::size_t>(g.w * (1 + 2 * kw) + 2 * g.kh));
    int64_t *col_count = lists, *col_taps = lists + g.w, *col_outs = col_taps + g.w * kw;
    int64_t *row_taps = col_outs + g.w * kw, *row_outs = row_taps + g.kh;
    for (int64_t iw = 0; iw < g.w; ++iw)
      col_count[iw] = taps_reading(iw, kw, g.sw, g.dw, g.pad_left, g.ow, col_taps + iw * kw, col_outs + iw * kw);
    T* wide = mult > 1 ? window::scratch<T>(window::Scratch::kSums, static_cast<std::size_t>(CM)) : nullptr;
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

// DepthwiseConv2dNative and its two backward ops (conv_family.h); the
// multiplier M is out_c / C (any value when the tensors are empty).
struct Depthwise {
  static constexpr const char* kForward = "DepthwiseConv2dNative";
  static constexpr const char* kBackpropInput = "DepthwiseConv2dNativeBackpropInput";
  static constexpr const char* kBackpropFilter = "DepthwiseConv2dNativeBackpropFilter";
  static constexpr const char* kFilterLast = "channel_multiplier";
  static int64_t out_channels(int64_t channels, int64_t mult) {
    return channels >= 0 && mult >= 0 ? channels * mult : -1;
  }
  static int64_t multiplier(const Geometry& g) { return g.c > 0 ? g.out_c / g.c : 1; }
  template <typename T>
  static void forward(const Geometry& g, const T* x, const T* f, T* y, const Epilogue* epilogue) {
    depthwise_forward(g, multiplier(g), x, f, y, epilogue);
  }
  template <typename T> static void backprop_input(const Geometry& g, const T* f, const T* dy, T* dx) {
    depthwise_backprop_input(g, multiplier(g), f, dy, dx);
  }
  template <typename T> static void backprop_filter(const Geometry& g, const T* x, const T* dy, T* df) {
    depthwise_backprop_filter(g, multiplier(g), x, dy, df);
  }
};
using DepthwiseOps = window::ConvFamily<Depthwise>;
const DepthwiseOps::Registration depthwise_ops;

}  // namespace

}  // namespace slimcore

SLIMCORE_CONV_FAMILY_BUILDERS(slimcore::Depthwise, depthwise_conv2d, depthwise_conv2d_backprop_input,
                              depthwise_conv2d_backprop_filter)
