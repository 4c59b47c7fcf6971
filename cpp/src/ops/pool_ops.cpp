// MaxPool and AvgPool (NHWC) with their backward ops MaxPoolGrad and
// AvgPoolGrad, as TensorFlow's tf.nn.max_pool / tf.nn.avg_pool:
//
//   max: y[n, oh, ow, c] = max over the window's real cells of x[n, ih, iw, c]
//   avg: y[n, oh, ow, c] = (sum over the window's real cells of x[n, ih, iw, c]) / count
//
// with ih = oh*sh - pad_top + i, iw = ow*sw - pad_left + j and TF's SAME /
// VALID padding (window_util.h). Padding cells take no part: they never win
// the max and are not counted in `count` (SAME windows at the border average
// fewer cells, as TF does). Every SAME window holds at least one real cell.
// The max starts from -inf, so a window of -inf values gives -inf (TF's CPU
// kernel starts from the lowest finite value and gives that).
//
// Gradients: MaxPoolGrad sends each window's gradient to its first maximal
// cell in row-major window order (TF's CPU kernel, SpatialMaxPoolWithArgMax-
// Helper, replaces its running max only on a strictly greater value); AvgPoolGrad spreads g / count over the
// window's real cells. Both scatter into possibly overlapping windows, so
// threads own disjoint (image, channel block) units and never write the same
// value.
// Loops are vectorized over the channels (innermost in NHWC) in blocks of up
// to four vectors held in registers (window::channel_blocks).
#include <algorithm>
#include <limits>

#include "kernel_util.h"
#include "op_registry.h"
#include "slimcore/ops.h"
#include "window_util.h"

namespace slimcore {

namespace {

using window::Geometry;

// ---- shape rules ------------------------------------------------------------------------

window::Attrs2D pool_attrs(const InferContext& c) {
  window::Attrs2D a;
  window::read_pair(c, "ksize", a.kh, a.kw, true);
  window::read_pair(c, "strides", a.sh, a.sw, true);
  a.padding = window::read_padding(c);
  return a;
}

TensorSpec pool_spec(const InferContext& c, const TensorSpec& value) {
  window::check_nhwc(c, "value", value);
  const window::Attrs2D a = pool_attrs(c);
  const window::Dim oh = window::dim_of(c, "height", value.shape[1], a.kh, a.sh, 1, a.padding, value.shape);
  const window::Dim ow = window::dim_of(c, "width", value.shape[2], a.kw, a.sw, 1, a.padding, value.shape);
  return {value.dtype, {value.shape[0], oh.out, ow.out, value.shape[3]}};
}

std::vector<TensorSpec> pool_shape(const InferContext& c) {
  return {pool_spec(c, c.input(0))};
}

void check_like(const InferContext& c, const char* arg, const TensorSpec& expected, const TensorSpec& t) {
  if (t.dtype != expected.dtype)
    c.fail_type(std::string(arg) + " must have the dtype of orig_input, got " + dtype_name(t.dtype) + " and " +
                dtype_name(expected.dtype));
  if (t.shape.size() != 4 || !shape_compatible(expected.shape, t.shape) || !shape_compatible(t.shape, expected.shape))
    c.fail(std::string(arg) + " of shape " + shape_string(t.shape) + " does not match the pooled output shape " +
           shape_string(expected.shape));
}

// MaxPoolGrad(orig_input, orig_output, grad) -> gradient of orig_input.
std::vector<TensorSpec> max_pool_grad_shape(const InferContext& c) {
  const TensorSpec out = pool_spec(c, c.input(0));
  check_like(c, "orig_output", out, c.input(1));
  check_like(c, "grad", out, c.input(2));
  return {c.input(0)};
}

// AvgPoolGrad(orig_input, grad) -> gradient of orig_input.
std::vector<TensorSpec> avg_pool_grad_shape(const InferContext& c) {
  check_like(c, "grad", pool_spec(c, c.input(0)), c.input(1));
  return {c.input(0)};
}

Geometry geometry_of(const KernelContext& c) {
  window::Attrs2D a;
  window::read_pair(c, "ksize", a.kh, a.kw, true);
  window::read_pair(c, "strides", a.sh, a.sw, true);
  a.padding = window::read_padding(c);
  return window::make_geometry(c.input(0).shape(), a.kh, a.kw, a, c.input(0).dim(3));
}

// ---- forward ------------------------------------------------------------------------------

template <typename T, bool kMax> void pool_forward(const Geometry& g, const T* x, T* y) {
  const int64_t C = g.c, R = g.n * g.oh;
  if (R * g.ow * C == 0) return;
  const double flops = static_cast<double>(R) * g.ow * g.kh * g.kw * C;
  run_team(team_for_flops(flops, R), [&](int t, int nt) {
    const int64_t r0 = slice_begin(R, t, nt), r1 = slice_begin(R, t + 1, nt);
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t n = r / g.oh, oh = r % g.oh;
      const window::TapRange ti = g.rows_of(oh);
      const T* image = x + n * g.h * g.w * C;
      for (int64_t ow = 0; ow < g.ow; ++ow) {
        const window::TapRange tj = g.cols_of(ow);
        const T* cell0 = image + ((oh * g.sh - g.pad_top) * g.w + ow * g.sw - g.pad_left) * C;
        T* out = y + (r * g.ow + ow) * C;
        const T inv = T(1) / static_cast<T>((ti.t1 - ti.t0) * (tj.t1 - tj.t0));
        window::channel_blocks<T>(C, [&](auto block, int64_t k0, int64_t width) {
          constexpr int64_t W = decltype(block)::value;
          T acc[window::kLanes<T, W>];
          for (auto& a : acc) a = kMax ? -std::numeric_limits<T>::infinity() : T(0);
          for (int64_t i = ti.t0; i < ti.t1; ++i)
            for (int64_t j = tj.t0; j < tj.t1; ++j) {
              const T* xp = cell0 + (i * g.w + j) * C + k0;
              if constexpr (kMax)
                window::lanes<T, W>(width, [&](int64_t k) { acc[k] = xp[k] > acc[k] ? xp[k] : acc[k]; });
              else window::lanes<T, W>(width, [&](int64_t k) { acc[k] += xp[k]; });
            }
          if constexpr (kMax) window::lanes<T, W>(width, [&](int64_t k) { out[k0 + k] = acc[k]; });
          else window::lanes<T, W>(width, [&](int64_t k) { out[k0 + k] = acc[k] * inv; });
        });
      }
    }
  });
}

// ---- backward -----------------------------------------------------------------------------

// Input rows (or columns) [0, n) that no window covers, as flags (1 =
// uncovered) in `flags`.
inline void mark_uncovered(int64_t n, int64_t out, int64_t k, int64_t s, int64_t pad, char* flags) {
  std::fill(flags, flags + n, char(1));
  for (int64_t o = 0; o < out; ++o)
    for (int64_t i = std::max<int64_t>(0, o * s - pad); i < std::min(n, o * s - pad + k); ++i) flags[i] = 0;
}

// For every window: MaxPoolGrad gives g to the first cell equal to the
// window's max y, AvgPoolGrad g / count to every real cell. Overlapping
// windows (stride < window) add into dx zeroed first; otherwise each cell
// belongs to at most one window and is written once, and only the cells no
// window covers are zeroed.
template <typename T, bool kMax>
void pool_backward(const Geometry& g, const T* x, const T* y, const T* grad, T* dx) {
  const int64_t C = g.c;
  if (g.n * g.h * g.w * C == 0) return;
  const bool overlap = g.sh < g.kh || g.sw < g.kw;
  const double flops = static_cast<double>(g.n) * g.oh * g.ow * g.kh * g.kw * C;
  const int team = team_for_flops(flops, g.n * std::max<int64_t>(1, C / 16));
  const window::UnitSplit split = window::split_items_channels(g.n, C, team);
  const int64_t units = split.units();
  char* uncovered = nullptr;  // rows then columns
  if (!overlap) {
    uncovered = window::scratch<char>(window::Scratch::kTables, static_cast<std::size_t>(g.h + g.w));
    mark_uncovered(g.h, g.oh, g.kh, g.sh, g.pad_top, uncovered);
    mark_uncovered(g.w, g.ow, g.kw, g.sw, g.pad_left, uncovered + g.h);
  }
  run_team(std::min<int64_t>(team, units), [&](int t, int nt) {
    for (int64_t u = slice_begin(units, t, nt); u < slice_begin(units, t + 1, nt); ++u) {
      const int64_t n = u / split.blocks, c0 = (u % split.blocks) * split.block;
      const int64_t c1 = std::min(C, c0 + split.block);
      const int64_t image = n * g.h * g.w * C;
      T* dxi = dx + image;
      for (int64_t ih = 0; ih < g.h; ++ih)
        for (int64_t iw = 0; iw < g.w; ++iw)
          if (overlap || uncovered[ih] || uncovered[g.h + iw])
            std::fill(dxi + (ih * g.w + iw) * C + c0, dxi + (ih * g.w + iw) * C + c1, T(0));
      for (int64_t oh = 0; oh < g.oh; ++oh) {
        const window::TapRange ti = g.rows_of(oh);
        for (int64_t ow = 0; ow < g.ow; ++ow) {
          const window::TapRange tj = g.cols_of(ow);
          const int64_t cell0 = ((oh * g.sh - g.pad_top) * g.w + ow * g.sw - g.pad_left) * C + c0;
          const int64_t o = ((n * g.oh + oh) * g.ow + ow) * C + c0;
          const T inv = T(1) / static_cast<T>((ti.t1 - ti.t0) * (tj.t1 - tj.t0));
          window::channel_blocks<T>(c1 - c0, [&](auto block, int64_t k0, int64_t width) {
            constexpr int64_t W = decltype(block)::value;
            const T* gp = grad + o + k0;
            const T* yp = kMax ? y + o + k0 : nullptr;
            T found[window::kLanes<T, W>] = {};  // MaxPoolGrad: 1 once lane k has given its gradient away
            for (int64_t i = ti.t0; i < ti.t1; ++i)
              for (int64_t j = tj.t0; j < tj.t1; ++j) {
                const int64_t cell = cell0 + (i * g.w + j) * C + k0;
                T* dp = dxi + cell;
                if constexpr (kMax) {
                  const T* xp = x + image + cell;
                  window::lanes<T, W>(width, [&](int64_t k) {
                    const bool hit = found[k] == T(0) && xp[k] == yp[k];
                    const T share = hit ? gp[k] : T(0);
                    dp[k] = overlap ? dp[k] + share : share;
                    found[k] = hit ? T(1) : found[k];
                  });
                } else {
                  window::lanes<T, W>(width, [&](int64_t k) { dp[k] = (overlap ? dp[k] : T(0)) + gp[k] * inv; });
                }
              }
          });
        }
      }
    }
  });
}

void max_pool_kernel(KernelContext& c) {
  const Geometry g = geometry_of(c);
  dispatch_float(c.input(0).dtype(), [&](auto zero) {
    using T = decltype(zero);
    pool_forward<T, true>(g, c.input(0).data<T>(), c.output(0).data<T>());
  });
}

void avg_pool_kernel(KernelContext& c) {
  const Geometry g = geometry_of(c);
  dispatch_float(c.input(0).dtype(), [&](auto zero) {
    using T = decltype(zero);
    pool_forward<T, false>(g, c.input(0).data<T>(), c.output(0).data<T>());
  });
}

void max_pool_grad_kernel(KernelContext& c) {
  const Geometry g = geometry_of(c);
  dispatch_float(c.input(0).dtype(), [&](auto zero) {
    using T = decltype(zero);
    pool_backward<T, true>(g, c.input(0).data<T>(), c.input(1).data<T>(), c.input(2).data<T>(), c.output(0).data<T>());
  });
}

void avg_pool_grad_kernel(KernelContext& c) {
  const Geometry g = geometry_of(c);
  dispatch_float(c.input(0).dtype(), [&](auto zero) {
    using T = decltype(zero);
    pool_backward<T, false>(g, nullptr, nullptr, c.input(1).data<T>(), c.output(0).data<T>());
  });
}

// ---- gradients ------------------------------------------------------------------------------

struct PoolAttrs {
  std::vector<int64_t> ksize, strides;
  std::string padding;
};
PoolAttrs pool_attrs(const GradContext& c) {
  return {c.attrs().get<std::vector<int64_t>>("ksize"), c.attrs().get<std::vector<int64_t>>("strides"),
          c.attrs().get<std::string>("padding")};
}

std::vector<Output> max_pool_grad_fn(const GradContext& c) {
  const PoolAttrs a = pool_attrs(c);
  return {ops::max_pool_grad(c.input(0), c.output(0), c.grad(), a.ksize, a.strides, a.padding)};
}

std::vector<Output> avg_pool_grad_fn(const GradContext& c) {
  const PoolAttrs a = pool_attrs(c);
  return {ops::avg_pool_grad(c.input(0), c.grad(), a.ksize, a.strides, a.padding)};
}

// AvgPoolGrad(x, g) = A^T g for the linear map A = AvgPool: d/dg = A g2 (x
// gives only a shape).
std::vector<Output> avg_pool_grad_grad(const GradContext& c) {
  const PoolAttrs a = pool_attrs(c);
  return {Output(), ops::avg_pool(c.grad(), a.ksize, a.strides, a.padding)};
}

REGISTER_OP("MaxPool").inputs(1).shape(pool_shape).kernel(max_pool_kernel).gradient(max_pool_grad_fn);
REGISTER_OP("AvgPool").inputs(1).shape(pool_shape).kernel(avg_pool_kernel).gradient(avg_pool_grad_fn);
// MaxPoolGrad has no gradient of its own (TF's MaxPoolGradGrad is not implemented).
REGISTER_OP("MaxPoolGrad").inputs(3).shape(max_pool_grad_shape).kernel(max_pool_grad_kernel);
REGISTER_OP("AvgPoolGrad")
    .inputs(2)
    .shape(avg_pool_grad_shape)
    .kernel(avg_pool_grad_kernel)
    .gradient(avg_pool_grad_grad);

Attrs node_attrs(std::vector<int64_t> ksize, std::vector<int64_t> strides, const std::string& padding) {
  return {{"ksize", std::move(ksize)}, {"strides", std::move(strides)}, {"padding", padding}};
}

}  // namespace

namespace ops {
Output max_pool(Output value, std::vector<int64_t> ksize, std::vector<int64_t> strides, const std::string& padding,
                const std::string& name) {
  return value.graph().add("MaxPool", {value}, node_attrs(std::move(ksize), std::move(strides), padding), name);
}
Output avg_pool(Output value, std::vector<int64_t> ksize, std::vector<int64_t> strides, const std::string& padding,
                const std::string& name) {
  return value.graph().add("AvgPool", {value}, node_attrs(std::move(ksize), std::move(strides), padding), name);
}
Output max_pool_grad(Output orig_input, Output orig_output, Output grad, std::vector<int64_t> ksize,
                     std::vector<int64_t> strides, const std::string& padding, const std::string& name) {
  return orig_input.graph().add("MaxPoolGrad", {orig_input, orig_output, grad},
                                node_attrs(std::move(ksize), std::move(strides), padding), name);
}
Output avg_pool_grad(Output orig_input, Output grad, std::vector<int64_t> ksize, std::vector<int64_t> strides,
                     const std::string& padding, const std::string& name) {
  return orig_input.graph().add("AvgPoolGrad", {orig_input, grad},
                                node_attrs(std::move(ksize), std::move(strides), padding), name);
}
}  // namespace ops
}  // namespace slimcore
