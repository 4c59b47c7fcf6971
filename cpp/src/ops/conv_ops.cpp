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

// ---- shape rules ------------------------------------------------------------------------

struct ConvSpec {
  window::Attrs2D attrs;
  TensorSpec output;
};

// Checks input [N, H, W, Cin] and filter [kh, kw, Cin, Cout] and computes the
// output [N, OH, OW, Cout] (dimensions may be -1 at graph build time).
ConvSpec conv_spec(const InferContext& c, const TensorSpec& input, const TensorSpec& filter) {
  window::check_nhwc(c, "input", input);
  if (filter.shape.size() != 4)
    c.fail("filter must have rank 4 [filter_height, filter_width, in_channels, out_channels], got shape " +
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
  ConvSpec s;
  window::read_pair(c, "strides", s.attrs.sh, s.attrs.sw, true);
  window::read_pair(c, "dilations", s.attrs.dh, s.attrs.dw, false);
  s.attrs.padding = window::read_padding(c);
  s.attrs.kh = filter.shape[0];
  s.attrs.kw = filter.shape[1];
  const window::Dim oh = window::dim_of(c, "height", input.shape[1], s.attrs.kh, s.attrs.sh,
                                        s.attrs.dh, s.attrs.padding, input.shape);
  const window::Dim ow = window::dim_of(c, "width", input.shape[2], s.attrs.kw, s.attrs.sw,
                                        s.attrs.dw, s.attrs.padding, input.shape);
  s.output = {input.dtype, {input.shape[0], oh.out, ow.out, filter.shape[3]}};
  return s;
}

std::vector<TensorSpec> conv2d_shape(const InferContext& c) {
  return {conv_spec(c, c.input(0), c.input(1)).output};
}

// The backward ops take (input, filter, grad): the forward op's inputs (for
// their run-time shapes) and the gradient of its output, which must have the
// forward output's shape.
void check_grad(const InferContext& c, const TensorSpec& expected, const TensorSpec& grad) {
  if (grad.dtype != expected.dtype)
    c.fail_type("grad must have the dtype of input, got " + dtype_name(grad.dtype) + " and " +
                dtype_name(expected.dtype));
  if (grad.shape.size() != 4 || !shape_compatible(expected.shape, grad.shape) ||
      !shape_compatible(grad.shape, expected.shape))
    c.fail("grad of shape " + shape_string(grad.shape) +
           " does not match the forward output shape " + shape_string(expected.shape));
}

std::vector<TensorSpec> conv2d_backprop_input_shape(const InferContext& c) {
  check_grad(c, conv_spec(c, c.input(0), c.input(1)).output, c.input(2));
  return {c.input(0)};
}

std::vector<TensorSpec> conv2d_backprop_filter_shape(const InferContext& c) {
  check_grad(c, conv_spec(c, c.input(0), c.input(1)).output, c.input(2));
  return {c.input(1)};
}

// Run-time geometry of a kernel whose inputs 0 and 1 are the forward input
// and filter.
Geometry geometry_of(const KernelContext& c) {
  window::Attrs2D a;
  window::read_pair(c, "strides", a.sh, a.sw, true);
  window::read_pair(c, "dilations", a.dh, a.dw, false);
  a.padding = window::read_padding(c);
  const Shape& f = c.input(1).shape();
  return window::make_geometry(c.input(0).shape(), f[0], f[1], a, f[3]);
}

bool is_pointwise(const Geometry& g) { return g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1; }

// Rows of dcol per chunk.
int64_t chunk_rows(int64_t k, std::size_t elem) {
  return std::max<int64_t>(1, static_cast<int64_t>(kColBytes / (static_cast<std::size_t>(std::max<int64_t>(k, 1)) * elem)));
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
  int64_t h, w;            // rows and columns of each image of base
  T* padded = nullptr;     // the copy to fill (null: base is x itself)

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
  T* copy = window::scratch<T>(3, static_cast<std::size_t>(g.n * h * w * g.c));
  return {g, copy, h, w, copy};
}

// Fills this thread's images of a padded copy, then waits for the team.
template <typename T> void pad_in_team(const Patches<T>& patches, const T* x, int t, int nt) {
  if (!patches.padded) return;
  patches.pad(x, window::slice_begin(patches.g.n, t, nt), window::slice_begin(patches.g.n, t + 1, nt));
#pragma omp barrier
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
void col2im_add(const Geometry& g, const T* dcol, int64_t n, int64_t oa, int64_t ob, int64_t h0,
                int64_t h1, T* dx) {
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
  T* ft = window::scratch<T>(2, static_cast<std::size_t>(K * CO));
  for (int64_t k = 0; k < K; ++k)
    for (int64_t co = 0; co < CO; ++co) ft[co * K + k] = f[k * CO + co];
  return ft;
}

// y = conv(x, f): y[P, CO] = col[P, K] f[K, CO], with the rows of col read
// in place (a 1x1 convolution with stride 1 is the plain product on x).
template <typename T> void conv2d_forward(const Geometry& g, const T* x, const T* f, T* y) {
  const int64_t K = g.kh * g.kw * g.c, CO = g.out_c, P = g.n * g.oh * g.ow;
  if (P == 0 || CO == 0) return;
  const int team = window::team_for(2.0 * P * K * CO, P);
  if (is_pointwise(g) || K == 0) {
    window::run_team(team, [&](int t, int nt) {
      const int64_t p0 = window::slice_begin(P, t, nt), p1 = window::slice_begin(P, t + 1, nt);
      matmul(p1 - p0, CO, K, x + p0 * K, f, y + p0 * CO);
    });
    return;
  }
  const Patches<T> patches = patches_of(g, x);
  window::run_team(team, [&](int t, int nt) {
    pad_in_team(patches, x, t, nt);
    const int64_t p0 = window::slice_begin(P, t, nt), p1 = window::slice_begin(P, t + 1, nt);
    const T** starts = window::scratch<const T*>(0, static_cast<std::size_t>(kPixelBlock));
    for (int64_t a = p0; a < p1; a += kPixelBlock) {
      const int64_t b = std::min(p1, a + kPixelBlock);
      patches.starts(a, b, starts);
      for (int64_t r = 0; r < patches.runs(); ++r) {
        const typename Patches<T>::Run run = patches.run(r);
        for (int64_t k0 = 0; k0 < run.length; k0 += conv_gemm::kDepth)
          conv_gemm::slice(b - a, CO, std::min(conv_gemm::kDepth, run.length - k0),
                           conv_gemm::RowPointers<T>{starts, run.offset + k0}, f + (run.k0 + k0) * CO, CO,
                           y + a * CO, CO, r > 0 || k0 > 0);
      }
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
  T* partials[window::kMaxThreads];
  window::run_team(window::team_for(2.0 * P * K * CO, P), [&](int t, int nt) {
    pad_in_team(patches, x, t, nt);
    const int64_t p0 = window::slice_begin(P, t, nt), p1 = window::slice_begin(P, t + 1, nt);
    T* acc = nt == 1 ? df : window::scratch<T>(1, static_cast<std::size_t>(K * CO));
    if (p0 == p1) {
      std::fill(acc, acc + K * CO, T(0));
    } else if (pointwise) {  // x^T dy
      conv_gemm::gemm(K, CO, p1 - p0, conv_gemm::Strided<T>{x + p0 * K, 1, K}, dy + p0 * CO, CO, acc, CO, false);
    } else {
      const T** starts = window::scratch<const T*>(0, static_cast<std::size_t>(kPixelBlock));
      for (int64_t a = p0; a < p1; a += kPixelBlock) {
        const int64_t b = std::min(p1, a + kPixelBlock);
        patches.starts(a, b, starts);
        for (int64_t r = 0; r < patches.runs(); ++r) {
          const typename Patches<T>::Run run = patches.run(r);
          conv_gemm::gemm(run.length, CO, b - a, conv_gemm::ColumnPointers<T>{starts, run.offset}, dy + a * CO,
                          CO, acc + run.k0 * CO, CO, a != p0);
        }
      }
    }
    if (nt == 1) return;
    // Sum the partials in thread order, each thread over its slice of df.
    partials[t] = acc;
#pragma omp barrier
    const int64_t e0 = window::slice_begin(K * CO, t, nt), e1 = window::slice_begin(K * CO, t + 1, nt);
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
    window::run_team(window::team_for(flops, P), [&](int t, int nt) {
      const int64_t p0 = window::slice_begin(P, t, nt), p1 = window::slice_begin(P, t + 1, nt);
      matmul(p1 - p0, K, CO, dy + p0 * CO, ft, dx + p0 * K);
    });
    return;
  }
  const int64_t rows_per_chunk = std::max<int64_t>(1, chunk_rows(K, sizeof(T)) / g.ow);
  const int64_t R = g.n * g.h;  // input rows
  window::run_team(window::team_for(flops, R), [&](int t, int nt) {
    const int64_t r0 = window::slice_begin(R, t, nt), r1 = window::slice_begin(R, t + 1, nt);
    T* dcol = nullptr;
    for (int64_t r = r0; r < r1;) {
      const int64_t n = r / g.h, h0 = r % g.h, h1 = std::min(g.h, h0 + (r1 - r));
      r += h1 - h0;
      std::fill(dx + (n * g.h + h0) * g.w * g.c, dx + (n * g.h + h1) * g.w * g.c, T(0));
      const window::TapRange outs = window::outputs_touching(h0, h1, g.oh, g.kh, g.sh, g.dh, g.pad_top);
      for (int64_t a = outs.t0; a < outs.t1; a += rows_per_chunk) {
        const int64_t b = std::min(outs.t1, a + rows_per_chunk);
        if (!dcol) dcol = window::scratch<T>(0, static_cast<std::size_t>(std::min(rows_per_chunk, g.oh) * g.ow * K));
        matmul((b - a) * g.ow, K, CO, dy + (n * g.oh + a) * g.ow * CO, ft, dcol);
        col2im_add(g, dcol, n, a, b, h0, h1, dx);
      }
    }
  });
}

void conv2d_kernel(KernelContext& c) {
  const Geometry g = geometry_of(c);
  dispatch_float(c.input(0).dtype(), [&](auto zero) {
    using T = decltype(zero);
    conv2d_forward<T>(g, c.input(0).data<T>(), c.input(1).data<T>(), c.output(0).data<T>());
  });
}

void conv2d_backprop_input_kernel(KernelContext& c) {
  const Geometry g = geometry_of(c);
  dispatch_float(c.input(0).dtype(), [&](auto zero) {
    using T = decltype(zero);
    conv2d_backprop_input<T>(g, c.input(1).data<T>(), c.input(2).data<T>(), c.output(0).data<T>());
  });
}

void conv2d_backprop_filter_kernel(KernelContext& c) {
  const Geometry g = geometry_of(c);
  dispatch_float(c.input(0).dtype(), [&](auto zero) {
    using T = decltype(zero);
    conv2d_backprop_filter<T>(g, c.input(0).data<T>(), c.input(2).data<T>(), c.output(0).data<T>());
  });
}

// ---- gradients ------------------------------------------------------------------------------

struct ConvAttrs {
  std::vector<int64_t> strides, dilations;
  std::string padding;
};
ConvAttrs conv_attrs(const GradContext& c) {
  return {c.attrs().get<std::vector<int64_t>>("strides"),
          c.attrs().get_or<std::vector<int64_t>>("dilations", {1, 1}),
          c.attrs().get<std::string>("padding")};
}

// y = conv(x, f):  dx = Conv2DBackpropInput(x, f, g),  df = Conv2DBackpropFilter(x, f, g).
std::vector<Output> conv2d_grad(const GradContext& c) {
  const ConvAttrs a = conv_attrs(c);
  return {ops::conv2d_backprop_input(c.input(0), c.input(1), c.grad(), a.strides, a.padding, a.dilations),
          ops::conv2d_backprop_filter(c.input(0), c.input(1), c.grad(), a.strides, a.padding, a.dilations)};
}

// dx = BackpropInput(x, f, dy) is linear in f and dy (x gives only a shape):
//   d/df = BackpropFilter(g2, f, dy),  d/ddy = conv(g2, f).
std::vector<Output> conv2d_backprop_input_grad(const GradContext& c) {
  const ConvAttrs a = conv_attrs(c);
  const Output& g2 = c.grad();
  return {Output(),
          ops::conv2d_backprop_filter(g2, c.input(1), c.input(2), a.strides, a.padding, a.dilations),
          ops::conv2d(g2, c.input(1), a.strides, a.padding, a.dilations)};
}

// df = BackpropFilter(x, f, dy) is linear in x and dy (f gives only a shape):
//   d/dx = BackpropInput(x, g2, dy),  d/ddy = conv(x, g2).
std::vector<Output> conv2d_backprop_filter_grad(const GradContext& c) {
  const ConvAttrs a = conv_attrs(c);
  const Output& g2 = c.grad();
  return {ops::conv2d_backprop_input(c.input(0), g2, c.input(2), a.strides, a.padding, a.dilations),
          Output(), ops::conv2d(c.input(0), g2, a.strides, a.padding, a.dilations)};
}

REGISTER_OP("Conv2D")
    .inputs(2)
    .shape(conv2d_shape)
    .kernel(conv2d_kernel)
    .gradient(conv2d_grad);
REGISTER_OP("Conv2DBackpropInput")
    .inputs(3)
    .shape(conv2d_backprop_input_shape)
    .kernel(conv2d_backprop_input_kernel)
    .gradient(conv2d_backprop_input_grad);
REGISTER_OP("Conv2DBackpropFilter")
    .inputs(3)
    .shape(conv2d_backprop_filter_shape)
    .kernel(conv2d_backprop_filter_kernel)
    .gradient(conv2d_backprop_filter_grad);


}  // namespace

namespace ops {
Output conv2d(Output input, Output filter, std::vector<int64_t> strides, const std::string& padding,
              std::vector<int64_t> dilations, const std::string& name) {
  return input.graph().add("Conv2D", {input, filter},
                           window_node_attrs(std::move(strides), padding, std::move(dilations)), name);
}
Output conv2d_backprop_input(Output input, Output filter, Output grad, std::vector<int64_t> strides,
                             const std::string& padding, std::vector<int64_t> dilations,
                             const std::string& name) {
  return input.graph().add("Conv2DBackpropInput", {input, filter, grad},
                           window_node_attrs(std::move(strides), padding, std::move(dilations)), name);
}
Output conv2d_backprop_filter(Output input, Output filter, Output grad, std::vector<int64_t> strides,
                              const std::string& padding, std::vector<int64_t> dilations,
                              const std::string& name) {
  return input.graph().add("Conv2DBackpropFilter", {input, filter, grad},
                           window_node_attrs(std::move(strides), padding, std::move(dilations)), name);
}
}  // namespace ops
}  // namespace slimcore
