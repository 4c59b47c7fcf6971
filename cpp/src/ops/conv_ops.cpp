// Conv2D (NHWC) and its backward ops Conv2DBackpropInput and
// Conv2DBackpropFilter, as TensorFlow's tf.nn.conv2d (a cross-correlation, no
// kernel flip):
//
//   y[n, oh, ow, co] = sum_{i, j, ci} x[n, oh*sh - pad_top + i*dh, ow*sw - pad_left + j*dw, ci]
//                                     * f[i, j, ci, co]
//
// with zeros outside the input and TF's SAME / VALID padding (window_util.h).
//
// Implementation: GEMM over the patch matrix col[p, (i, j, ci)] of the output
// pixels p = (n, oh, ow) (K = kh*kw*Cin columns):
//   y[P, Cout]   = col[P, K] f[K, Cout]                         (forward)
//   df[K, Cout]  = col[P, K]^T dy[P, Cout]                      (filter gradient)
//   dcol[P, K]   = dy[P, Cout] f[K, Cout]^T, dx = col2im(dcol)  (input gradient)
// The forward pass and the filter gradient never build col: the product
// (conv_gemm.h) reads each patch in place, one kernel row (kw*Cin contiguous
// values when dw = 1) or one tap at a time, from x or from a zero-padded
// copy of x when windows reach outside it. The input gradient builds dcol in
// chunks of about kColBytes per thread and adds it back into dx (col2im);
// measured faster than the equivalent forward pass of dy with the filter
// flipped (8.7-9.4 vs 9.3-11.7 ms on the 5x5x32->64 layer below). A 1x1
// convolution with stride 1 is the plain product on x (no patches).
//
// Measured on this 2-core AVX-512 machine, single thread, forward pass of
// the 5x5x32->64 layer at 14x14, batch 64, of bench/bench_conv.py (1.28
// GFLOP): Eigen's tensor convolution (extract_image_patches + contract on a
// ThreadPoolDevice, the unspecialised form of TF's CPU kernel) 42 ms; im2col
// + Eigen's GEMM 17-20 ms; im2col + conv_gemm.h 9.5 ms; patches read in place
// + conv_gemm.h 8.3 ms (155 GF/s). conv_gemm.h beats Eigen's GEMM on these
// shapes because it neither packs the patch matrix nor zero-fills C first.
//
// Threads: the output pixels (forward, filter gradient) or the input rows
// (input gradient) are split into one contiguous range per thread; scratch
// (the padded copy, dcol chunks, pointer tables, per-thread partial filter
// gradients) lives in per-thread buffers reused from run to run. The filter
// gradient sums the partials in thread order, so a result depends only on
// the thread count.
#include <algorithm>
#include <cstring>

#include "conv_family.h"
#include "conv_gemm.h"
#include "kernel_util.h"
#include "op_registry.h"
#include "slimcore/ops.h"
#include "window_util.h"

namespace slimcore {

namespace {

using window::Geometry;

// Bytes of patch gradients (dcol) a thread computes before adding them back
// into dx: they stay in the core's L2 cache in between.
constexpr std::size_t kColBytes = std::size_t{1} << 20;

bool is_pointwise(const Geometry& g) {
  return g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1;
}

// Rows of dcol per chunk.
int64_t chunk_rows(int64_t k, std::size_t elem) {
  return std::max<int64_t>(
      1, static_cast<int64_t>(kColBytes / (static_cast<std::size_t>(std::max<int64_t>(k, 1)) * elem)));
}

// ---- patches ----------------------------------------------------------------------------

// The patches of the forward pass and the filter gradient are read in place
// from the input, or from a zero-padded copy of it when the windows reach
// outside: patch p = (n, oh, ow) starts at
//   base + ((n*h + oh*sh)*w + ow*sw)*C
// and its kernel row i (dw = 1: one run of kw*C values), or its tap (i, j)
// (dw > 1: runs of C), lies at a fixed offset from there.
template <typename T> struct Patches {
  const Geometry& g;
  const T* base;
  int64_t h, w;         // rows and columns of each image of base
  T* padded = nullptr;  // the copy to fill (null: base is x itself)

  // One contiguous run of every patch: its offset from the patch start, its
  // index k0 in the patch (the row of the filter matrix) and its length.
  struct Run {
    int64_t offset, k0, length;
  };
  int64_t runs() const { return g.dw == 1 ? g.kh : g.kh * g.kw; }
  Run run(int64_t r) const {
    if (g.dw == 1) return {r * g.dh * w * g.c, r * g.kw * g.c, g.kw * g.c};
    const int64_t i = r / g.kw, j = r % g.kw;
    return {(i * g.dh * w + j * g.dw) * g.c, r * g.c, g.c};
  }
  const T* start(int64_t p) const {
    const int64_t per_image = g.oh * g.ow, n = p / per_image, oh = (p % per_image) / g.ow, ow = p % g.ow;
    return base + ((n * h + oh * g.sh) * w + ow * g.sw) * g.c;
  }
  // Starts of the patches [p0, p1) (consecutive pixels step by sw*C).
  void starts(int64_t p0, int64_t p1, const T** out) const {
    for (int64_t p = p0; p < p1;) {
      const T* s = start(p);
      const int64_t row_end = std::min(p1, (p / g.ow + 1) * g.ow);
      for (; p < row_end; ++p, s += g.sw * g.c) *out++ = s;
    }
  }
  // Fills images [n0, n1) of the padded copy.
  void pad(const T* x, int64_t n0, int64_t n1) const {
    const int64_t C = g.c, lo = std::min(w, g.pad_left), hi = std::min(w, g.pad_left + g.w);
    for (int64_t n = n0; n < n1; ++n)
      for (int64_t r = 0; r < h; ++r) {
        T* dst = padded + (n * h + r) * w * C;
        const int64_t ih = r - g.pad_top;
        if (ih < 0 || ih >= g.h) {
          std::fill(dst, dst + w * C, T(0));
          continue;
        }
        std::fill(dst, dst + lo * C, T(0));
        std::copy(x + ((n * g.h + ih) * g.w + lo - g.pad_left) * C, x + ((n * g.h + ih) * g.w + hi - g.pad_left) * C,
                  dst + lo * C);
        std::fill(dst + hi * C, dst + w * C, T(0));
      }
  }
};

// Patches of x: x itself when every window lies inside it, else a padded
// copy (in the calling thread's scratch) that the team fills with pad().
template <typename T> Patches<T> patches_of(const Geometry& g, const T* x) {
  const int64_t h = (g.oh - 1) * g.sh + (g.kh - 1) * g.dh + 1;  // rows the windows span
  const int64_t w = (g.ow - 1) * g.sw + (g.kw - 1) * g.dw + 1;
  if (g.pad_top == 0 && g.pad_left == 0 && h <= g.h && w <= g.w) return {g, x, g.h, g.w};
  T* copy = window::scratch<T>(window::Scratch::kPadded, static_cast<std::size_t>(g.n * h * w * g.c));
  return {g, copy, h, w, copy};
}

// Fills this thread's images of a padded copy, then waits for the team.
template <typename T> void pad_in_team(const Patches<T>& patches, const T* x, int t, int nt) {
  if (!patches.padded) return;
  patches.pad(x, slice_begin(patches.g.n, t, nt), slice_begin(patches.g.n, t + 1, nt));
  team_barrier();
}

// Output pixels per block of the implicit products.
constexpr int64_t kPixelBlock = 256;

// dst[k] += src[k], k < len.
template <typename T> inline void add_to(T* __restrict dst, const T* __restrict src, int64_t len) {
#pragma omp simd
  for (int64_t k = 0; k < len; ++k) dst[k] += src[k];
}

// col2im, the adjoint of building patches, for image n, output rows [oa, ob)
// (dcol holds their patch rows), restricted to input rows [h0, h1): adds each
// patch entry to the input cell the patch read it from.
template <typename T>
void col2im_add(const Geometry& g, const T* dcol, int64_t n, int64_t oa, int64_t ob, int64_t h0, int64_t h1, T* dx) {
  const int64_t C = g.c, K = g.kh * g.kw * C;
  T* image = dx + n * g.h * g.w * C;
  for (int64_t oh = oa; oh < ob; ++oh) {
    const window::TapRange rows = g.rows_of(oh);
    const int64_t ih0 = oh * g.sh - g.pad_top;
    for (int64_t ow = 0; ow < g.ow; ++ow) {
      const window::TapRange cols = g.cols_of(ow);
      const int64_t iw0 = ow * g.sw - g.pad_left;
      const T* row = dcol + ((oh - oa) * g.ow + ow) * K;
      for (int64_t i = rows.t0; i < rows.t1; ++i) {
        const int64_t ih = ih0 + i * g.dh;
        if (ih < h0 || ih >= h1) continue;
        T* dst = image + ih * g.w * C;
        const T* src = row + i * g.kw * C;
        if (g.dw == 1) {
          add_to(dst + (iw0 + cols.t0) * C, src + cols.t0 * C, (cols.t1 - cols.t0) * C);
        } else {
          for (int64_t j = cols.t0; j < cols.t1; ++j) add_to(dst + (iw0 + j * g.dw) * C, src + j * C, C);
        }
      }
    }
  }
}

// ---- kernels ---------------------------------------------------------------------------

// C[m, n] = A[m, k] B[k, n] on row-major data.
template <typename T> void matmul(int64_t m, int64_t n, int64_t k, const T* a, const T* b, T* c) {
  conv_gemm::gemm(m, n, k, conv_gemm::Strided<T>{a, k, 1}, b, n, c, n, false);
}

// f [K, CO] transposed to [CO, K] in the calling thread's scratch.
template <typename T> const T* transposed_filter(const T* f, int64_t K, int64_t CO) {
  T* ft = window::scratch<T>(window::Scratch::kFilter, static_cast<std::size_t>(K * CO));
  for (int64_t k = 0; k < K; ++k)
    for (int64_t co = 0; co < CO; ++co) ft[co * K + k] = f[k * CO + co];
  return ft;
}

// y = conv(x, f): y[P, CO] = col[P, K] f[K, CO], with the rows of col read
// in place (a 1x1 convolution with stride 1 is the plain product on x), then
// the fused epilogue (if any) on each block of pixels while it is in cache.
template <typename T> void conv2d_forward(const Geometry& g, const T* x, const T* f, T* y, const Epilogue* epilogue) {
  const int64_t K = g.kh * g.kw * g.c, CO = g.out_c, P = g.n * g.oh * g.ow;
  if (P == 0 || CO == 0) return;
  const int team = team_for_flops(2.0 * P * K * CO, P);
  if (is_pointwise(g) || K == 0) {
    run_team(team, [&](int t, int nt) {
      const int64_t p0 = slice_begin(P, t, nt), p1 = slice_begin(P, t + 1, nt);
      matmul(p1 - p0, CO, K, x + p0 * K, f, y + p0 * CO);
      if (epilogue) epilogue->apply(y, p0 * CO, p1 * CO);
    });
    return;
  }
  const Patches<T> patches = patches_of(g, x);
  run_team(team, [&](int t, int nt) {
    pad_in_team(patches, x, t, nt);
    const int64_t p0 = slice_begin(P, t, nt), p1 = slice_begin(P, t + 1, nt);
    const T** starts = window::scratch<const T*>(window::Scratch::kTables, static_cast<std::size_t>(kPixelBlock));
    for (int64_t a = p0; a < p1; a += kPixelBlock) {
      const int64_t b = std::min(p1, a + kPixelBlock);
      patches.starts(a, b, starts);
      for (int64_t r = 0; r < patches.runs(); ++r) {
        const typename Patches<T>::Run run = patches.run(r);
        for (int64_t k0 = 0; k0 < run.length; k0 += conv_gemm::kDepth)
          conv_gemm::slice(b - a, CO, std::min(conv_gemm::kDepth, run.length - k0),
                           conv_gemm::RowPointers<T>{starts, run.offset + k0}, f + (run.k0 + k0) * CO, CO, y + a * CO,
                           CO, r > 0 || k0 > 0);
      }
      if (epilogue) epilogue->apply(y, a * CO, b * CO);
    }
  });
}

// df[K, CO] = sum over output pixels p of col[p, :]^T dy[p, :], the patches
// read in place (A[k, p] = col[p, k]).
template <typename T> void conv2d_backprop_filter(const Geometry& g, const T* x, const T* dy, T* df) {
  const int64_t K = g.kh * g.kw * g.c, CO = g.out_c, P = g.n * g.oh * g.ow;
  if (K * CO == 0) return;
  if (P == 0) {
    std::fill(df, df + K * CO, T(0));
    return;
  }
  const bool pointwise = is_pointwise(g);
  const Patches<T> patches = pointwise ? Patches<T>{g, x, g.h, g.w} : patches_of(g, x);
  T* partials[kMaxThreads];
  run_team(team_for_flops(2.0 * P * K * CO, P), [&](int t, int nt) {
    pad_in_team(patches, x, t, nt);
    const int64_t p0 = slice_begin(P, t, nt), p1 = slice_begin(P, t + 1, nt);
    T* acc = nt == 1 ? df : window::scratch<T>(window::Scratch::kPartials, static_cast<std::size_t>(K * CO));
    if (p0 == p1) {
      std::fill(acc, acc + K * CO, T(0));
    } else if (pointwise) {  // x^T dy
      conv_gemm::gemm(K, CO, p1 - p0, conv_gemm::Strided<T>{x + p0 * K, 1, K}, dy + p0 * CO, CO, acc, CO, false);
    } else {
      const T** starts = window::scratch<const T*>(window::Scratch::kTables, static_cast<std::size_t>(kPixelBlock));
      for (int64_t a = p0; a < p1; a += kPixelBlock) {
        const int64_t b = std::min(p1, a + kPixelBlock);
        patches.starts(a, b, starts);
        for (int64_t r = 0; r < patches.runs(); ++r) {
          const typename Patches<T>::Run run = patches.run(r);
          conv_gemm::gemm(run.length, CO, b - a, conv_gemm::ColumnPointers<T>{starts, run.offset}, dy + a * CO, CO,
                          acc + run.k0 * CO, CO, a != p0);
        }
      }
    }
    if (nt == 1) return;
    // Sum the partials in thread order, each thread over its slice of df.
    partials[t] = acc;
    team_barrier();
    const int64_t e0 = slice_begin(K * CO, t, nt), e1 = slice_begin(K * CO, t + 1, nt);
    std::copy(partials[0] + e0, partials[0] + e1, df + e0);
    for (int u = 1; u < nt; ++u) add_to(df + e0, partials[u] + e0, e1 - e0);
  });
}

// dx = col2im(dy f^T). Threads own disjoint input rows (n, ih) and compute
// the patch gradients of every output row that touches them (the rows at a
// boundary between two threads inside one image are computed by both).
// Measured: faster than the equivalent forward pass of dy with the filter
// flipped (K = kh*kw*Cout patches, Cin outputs) on the 5x5 layers of
// bench/bench_conv.py.
template <typename T> void conv2d_backprop_input(const Geometry& g, const T* f, const T* dy, T* dx) {
  const int64_t K = g.kh * g.kw * g.c, CO = g.out_c, P = g.n * g.oh * g.ow;
  const int64_t X = g.n * g.h * g.w * g.c;
  if (X == 0) return;
  if (P == 0 || CO == 0) {
    std::fill(dx, dx + X, T(0));
    return;
  }
  const T* ft = transposed_filter(f, K, CO);  // [CO, K], shared by the threads
  const double flops = 2.0 * P * K * CO;
  if (is_pointwise(g)) {
    run_team(team_for_flops(flops, P), [&](int t, int nt) {
      const int64_t p0 = slice_begin(P, t, nt), p1 = slice_begin(P, t + 1, nt);
      matmul(p1 - p0, K, CO, dy + p0 * CO, ft, dx + p0 * K);
    });
    return;
  }
  const int64_t rows_per_chunk = std::max<int64_t>(1, chunk_rows(K, sizeof(T)) / g.ow);
  const int64_t R = g.n * g.h;  // input rows
  run_team(team_for_flops(flops, R), [&](int t, int nt) {
    const int64_t r0 = slice_begin(R, t, nt), r1 = slice_begin(R, t + 1, nt);
    T* dcol = nullptr;
    for (int64_t r = r0; r < r1;) {
      const int64_t n = r / g.h, h0 = r % g.h, h1 = std::min(g.h, h0 + (r1 - r));
      r += h1 - h0;
      std::fill(dx + (n * g.h + h0) * g.w * g.c, dx + (n * g.h + h1) * g.w * g.c, T(0));
      const window::TapRange outs = window::outputs_touching(h0, h1, g.oh, g.kh, g.sh, g.dh, g.pad_top);
      for (int64_t a = outs.t0; a < outs.t1; a += rows_per_chunk) {
        const int64_t b = std::min(outs.t1, a + rows_per_chunk);
        if (!dcol)
          dcol = window::scratch<T>(window::Scratch::kRows,
                                    static_cast<std::size_t>(std::min(rows_per_chunk, g.oh) * g.ow * K));
        matmul((b - a) * g.ow, K, CO, dy + (n * g.oh + a) * g.ow * CO, ft, dcol);
        col2im_add(g, dcol, n, a, b, h0, h1, dx);
      }
    }
  });
}

// Conv2D, Conv2DBackpropInput and Conv2DBackpropFilter (conv_family.h).
struct Conv2D {
  static constexpr const char* kForward = "Conv2D";
  static constexpr const char* kBackpropInput = "Conv2DBackpropInput";
  static constexpr const char* kBackpropFilter = "Conv2DBackpropFilter";
  static constexpr const char* kFilterLast = "out_channels";
  static int64_t out_channels(int64_t, int64_t filter_last) { return filter_last; }
  template <typename T>
  static void forward(const Geometry& g, const T* x, const T* f, T* y, const Epilogue* epilogue) {
    conv2d_forward(g, x, f, y, epilogue);
  }
  template <typename T> static void backprop_input(const Geometry& g, const T* f, const T* dy, T* dx) {
    conv2d_backprop_input(g, f, dy, dx);
  }
  template <typename T> static void backprop_filter(const Geometry& g, const T* x, const T* dy, T* df) {
    conv2d_backprop_filter(g, x, dy, df);
  }
};
using Conv2DOps = window::ConvFamily<Conv2D>;
const Conv2DOps::Registration conv2d_ops;

// ---- Conv2DTranspose: the adjoint of Conv2D (tf.nn.conv2d_transpose) -------------------
//
//   y = Conv2DBackpropInput(input_sizes = output_shape, filter, out_backprop = value)
//
// i.e. y is the gradient of conv2d(y', filter) with respect to y' when its
// output gradient is `value`: filter [kh, kw, out_channels, in_channels],
// value [N, h, w, in_channels], y [N, H, W, out_channels] with output_shape
// = [N, H, W, out_channels] (attr; N may be -1: value's batch). Valid only
// when conv2d of a [N, H, W, out_channels] input with the filter, strides
// and padding gives value's shape (TF's check, which several H give with
// strides > 1: output_shape picks one).

// The forward (Conv2D) spec of input `in` and the node's filter.
TensorSpec conv2d_spec_of(const InferContext& c, const TensorSpec& in) {
  const std::vector<TensorSpec> specs = {in, c.input(1)};
  return Conv2DOps::output_spec(InferContext{c.node, specs});
}

// The output shape attr, with an unknown batch (-1) taken from value's.
Shape transpose_output_shape(const Attrs& attrs, const Shape& value) {
  Shape out = attrs.get<std::vector<int64_t>>("output_shape");
  if (out.size() == 4 && out[0] < 0) out[0] = value[0];
  return out;
}

std::vector<TensorSpec> conv2d_transpose_shape(const InferContext& c) {
  const TensorSpec& value = c.input(0);
  const TensorSpec& filter = c.input(1);
  window::check_nhwc(c, "value", value);
  const Shape out = transpose_output_shape(c.attrs(), value.shape);
  if (out.size() != 4) c.fail("output_shape must have 4 entries [batch, height, width, out_channels]");
  for (int d = 1; d < 4; ++d)
    if (out[d] < 0) c.fail("output_shape " + shape_string(out) + " must be known except for the batch");
  if (filter.shape.size() != 4)
    c.fail("filter must have rank 4 [height, width, out_channels, in_channels], got shape " +
           shape_string(filter.shape));
  if (filter.shape[3] >= 0 && value.shape[3] >= 0 && filter.shape[3] != value.shape[3])
    c.fail("input channels of value (" + std::to_string(value.shape[3]) + ", shape " + shape_string(value.shape) +
           ") do not match the filter's in_channels (its last dimension, filter shape " + shape_string(filter.shape) +
           ")");
  if (filter.shape[2] >= 0 && filter.shape[2] != out[3])
    c.fail("output_shape " + shape_string(out) + " does not match the filter's out_channels (its third dimension, " +
           "filter shape " + shape_string(filter.shape) + ")");
  const TensorSpec y{value.dtype, out};
  const TensorSpec expected = conv2d_spec_of(c, y);
  if (!shape_compatible(expected.shape, value.shape) || !shape_compatible(value.shape, expected.shape))
    c.fail("value of shape " + shape_string(value.shape) + " is not what conv2d of output_shape " + shape_string(out) +
           " with this filter, strides and padding gives (" + shape_string(expected.shape) +
           "): output_shape does not fit the input");
  return {y};
}

void conv2d_transpose_kernel(KernelContext& c) {
  const Shape out = transpose_output_shape(c.attrs(), c.input(0).shape());
  window::Attrs2D a;
  window::read_pair(c, "strides", a.sh, a.sw, true);
  window::read_pair(c, "dilations", a.dh, a.dw, false);
  a.padding = window::read_padding(c);
  const Shape& f = c.input(1).shape();
  const Geometry g = window::make_geometry(out, f[0], f[1], a, f[3]);
  dispatch_float(c.input(0).dtype(), [&](auto zero) {
    using T = decltype(zero);
    conv2d_backprop_input(g, c.input(1).data<T>(), c.input(0).data<T>(), c.output(0).data<T>());
  });
}

// y = Conv2DBackpropInput(f, value) is linear in both:
//   d value = conv2d(g, f),  d f = Conv2DBackpropFilter(g, f, value).
std::vector<Output> conv2d_transpose_grad(const GradContext& c) {
  const auto strides = c.attrs().get<std::vector<int64_t>>("strides");
  const auto& padding = c.attrs().get<std::string>("padding");
  const auto dilations = c.attrs().get_or<std::vector<int64_t>>("dilations", {1, 1});
  return {ops::conv2d(c.grad(), c.input(1), strides, padding, dilations, "Conv2D"),
          ops::conv2d_backprop_filter(c.grad(), c.input(1), c.input(0), strides, padding, dilations,
                                      "Conv2DBackpropFilter")};
}

REGISTER_OP("Conv2DTranspose")
    .inputs(2)
    .shape(conv2d_transpose_shape)
    .kernel(conv2d_transpose_kernel)
    .gradient(conv2d_transpose_grad);

}  // namespace

}  // namespace slimcore

SLIMCORE_CONV_FAMILY_BUILDERS(slimcore::Conv2D, conv2d, conv2d_backprop_input, conv2d_backprop_filter)
