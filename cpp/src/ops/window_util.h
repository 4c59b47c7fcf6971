// Shared by the convolution, depthwise convolution and pooling ops (NHWC):
// TensorFlow's SAME / VALID window geometry, attribute parsing and the checks
// every such op makes, per-thread scratch buffers and work splits.
//
//   SAME:  out = ceil(n / s)
//          pad_total  = max((out - 1) * s + (k - 1) * d + 1 - n, 0)
//          pad_before = floor(pad_total / 2)  (the extra row / column goes at
//                                              the bottom / right, as TF)
//   VALID: out = floor((n - ((k - 1) * d + 1)) / s) + 1, no padding; a window
//          larger than the input (out < 1) is an error.
//
// Output cell o of one dimension reads input cells o * s - pad_before + t * d
// for the window taps t in [0, k); taps that fall outside [0, n) are padding
// (zeros for a convolution, skipped by the pools).
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <type_traits>
#include <vector>

#include "conv_gemm.h"
#include "op_registry.h"
#include "parallel.h"
#include "slimcore/shape.h"

namespace slimcore {
namespace window {

enum class Padding { Same, Valid };

// One spatial dimension: output size and padding before the first cell.
struct Dim {
  int64_t out = -1;
  int64_t pad_before = 0;
};

// Window taps [t0, t1) of output cell `o` that read real input cells
// (0 <= o * s - pad + t * d < n).
struct TapRange {
  int64_t t0, t1;
};
inline TapRange valid_taps(int64_t o, int64_t n, int64_t k, int64_t s, int64_t d, int64_t pad) {
  const int64_t base = o * s - pad;  // input cell of tap 0
  int64_t t0 = 0, t1 = k;
  if (base < 0) t0 = (-base + d - 1) / d;
  const int64_t last = n - 1 - base;  // taps t with t * d <= last are inside
  if (last < 0) t1 = 0;
  else t1 = std::min(k, last / d + 1);
  return {t0, std::max(t0, t1)};
}

// Output cells [o0, o1) whose windows touch some input cell in [i0, i1).
inline TapRange outputs_touching(int64_t i0, int64_t i1, int64_t out, int64_t k, int64_t s, int64_t d, int64_t pad) {
  // o * s - pad + t * d in [i0, i1) for some t in [0, k):
  //   o >= (i0 + pad - (k - 1) * d) / s  (rounded up),  o <= (i1 - 1 + pad) / s.
  const int64_t lo_num = i0 + pad - (k - 1) * d;
  const int64_t o0 = lo_num <= 0 ? 0 : (lo_num + s - 1) / s;
  const int64_t hi_num = i1 - 1 + pad;
  const int64_t o1 = hi_num < 0 ? 0 : std::min(out, hi_num / s + 1);
  return {std::min(o0, o1), o1};
}

// Output cells [o0, o1) in which window tap t reads a real input cell
// (0 <= o * s - pad + t * d < n).
inline TapRange outputs_for_tap(int64_t t, int64_t n, int64_t out, int64_t s, int64_t d, int64_t pad) {
  const int64_t lo = pad - t * d;          // o * s >= lo
  const int64_t hi = n - 1 + pad - t * d;  // o * s <= hi
  if (hi < 0) return {0, 0};
  const int64_t o0 = lo <= 0 ? 0 : (lo + s - 1) / s;
  const int64_t o1 = std::min(out, hi / s + 1);
  return {std::min(o0, o1), o1};
}

// The attributes every windowed op reads, already checked.
struct Attrs2D {
  int64_t sh = 1, sw = 1;    // strides
  int64_t dh = 1, dw = 1;    // dilations (1 for pools)
  int64_t kh = -1, kw = -1;  // window (pools: from ksize; convs: from the filter)
  Padding padding = Padding::Valid;
};

// Everything a kernel needs to walk the windows of one op at run time.
struct Geometry {
  int64_t n = 0, h = 0, w = 0, c = 0;  // input [N, H, W, C]
  int64_t kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1;
  int64_t oh = 0, ow = 0;  // output height and width
  int64_t pad_top = 0, pad_left = 0;
  int64_t out_c = 0;  // output channels
  TapRange rows_of(int64_t o) const { return valid_taps(o, h, kh, sh, dh, pad_top); }
  TapRange cols_of(int64_t o) const { return valid_taps(o, w, kw, sw, dw, pad_left); }
};

inline std::string ints_string(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

// Reads an attribute that must hold exactly two positive ints ([h, w]).
template <typename Ctx>
void read_pair(const Ctx& c, const char* attr, int64_t& a, int64_t& b, bool required, int64_t fallback = 1) {
  if (!c.attrs().has(attr)) {
    if (required) c.fail(std::string("missing attribute '") + attr + "'");
    a = b = fallback;
    return;
  }
  const auto* v = std::get_if<std::vector<int64_t>>(&c.attrs().all().at(attr));
  if (!v) c.fail(std::string("attribute '") + attr + "' must be a list of two ints [h, w]");
  if (v->size() != 2)
    c.fail(std::string(attr) +
           " must have 2 entries [h, w] (NHWC: the batch and channel "
           "entries of TF's 4-element form are dropped), got " +
           ints_string(*v));
  if ((*v)[0] < 1 || (*v)[1] < 1) c.fail(std::string(attr) + " must be positive, got " + ints_string(*v));
  a = (*v)[0];
  b = (*v)[1];
}

template <typename Ctx> Padding read_padding(const Ctx& c) {
  if (!c.attrs().has("padding")) c.fail("missing attribute 'padding' (\"SAME\" or \"VALID\")");
  const auto* p = std::get_if<std::string>(&c.attrs().all().at("padding"));
  if (p && *p == "SAME") return Padding::Same;
  if (p && *p == "VALID") return Padding::Valid;
  c.fail("padding must be \"SAME\" or \"VALID\", got " + (p ? "\"" + *p + "\"" : std::string("a non-string")));
}

// Output size and padding of one dimension; n or k may be -1 (unknown at
// graph build time), which gives an unknown output size.
template <typename Ctx>
Dim dim_of(const Ctx& c, const char* what, int64_t n, int64_t k, int64_t s, int64_t d, Padding padding,
           const Shape& input_shape) {
  Dim r;
  if (n < 0) return r;
  if (padding == Padding::Same) {
    r.out = (n + s - 1) / s;
    if (k < 0) return r;
    const int64_t total = std::max<int64_t>((r.out - 1) * s + (k - 1) * d + 1 - n, 0);
    r.pad_before = total / 2;
    return r;
  }
  if (k < 0) return r;
  const int64_t span = (k - 1) * d + 1;
  if (n < span)
    c.fail(std::string("the window (") + std::to_string(k) + (d > 1 ? " dilated by " + std::to_string(d) : "") +
           ", spanning " + std::to_string(span) + ") is larger than the input " + what + " " + std::to_string(n) +
           " with VALID padding (input shape " + shape_string(input_shape) +
           "): the output would be empty; use SAME padding or a smaller window");
  r.out = (n - span) / s + 1;
  return r;
}

// Checks rank 4 and a float dtype of a named NHWC input.
template <typename Ctx> void check_nhwc(const Ctx& c, const char* arg, const TensorSpec& t) {
  if (t.shape.size() != 4)
    c.fail(std::string(arg) + " must have rank 4 [batch, height, width, channels] (NHWC), got shape " +
           shape_string(t.shape));
  if (!is_floating(t.dtype)) c.fail_type(std::string(arg) + " must be float32 or float64, got " + dtype_name(t.dtype));
}

// Run-time geometry from concrete shapes (the shape rule validated them).
inline Geometry make_geometry(const Shape& input, int64_t kh, int64_t kw, const Attrs2D& a, int64_t out_c) {
  Geometry g;
  g.n = input[0];
  g.h = input[1];
  g.w = input[2];
  g.c = input[3];
  g.kh = kh;
  g.kw = kw;
  g.sh = a.sh;
  g.sw = a.sw;
  g.dh = a.dh;
  g.dw = a.dw;
  g.out_c = out_c;
  auto one = [&](int64_t n, int64_t k, int64_t s, int64_t d, int64_t& out, int64_t& pad) {
    if (a.padding == Padding::Same) {
      out = (n + s - 1) / s;
      pad = std::max<int64_t>((out - 1) * s + (k - 1) * d + 1 - n, 0) / 2;
    } else {
      out = (n - ((k - 1) * d + 1)) / s + 1;
      pad = 0;
    }
  };
  one(g.h, kh, a.sh, a.dh, g.oh, g.pad_top);
  one(g.w, kw, a.sw, a.dw, g.ow, g.pad_left);
  return g;
}

// ---- channel blocks ----------------------------------------------------------------------

// Splits the channels [0, n) of a channels-last loop into blocks whose width
// is a compile-time constant, so a block's accumulators live in vector
// registers and its loops need no masks: blocks of 4, 2 and 1 vectors
// (64 / 32 / 16 floats with AVX-512), then one masked tail narrower than a
// vector. Calls fn(std::integral_constant<int64_t, W>{}, k0, width) per block,
// with W = width for the full blocks and W = 0 for the tail (width < one
// vector; its loops must test k < width).
template <typename T>
constexpr int64_t kVector = conv_gemm::kVectorBytes / static_cast<int64_t>(sizeof(T));

template <typename T, typename Fn> inline void channel_blocks(int64_t n, Fn&& fn) {
  constexpr int64_t V = kVector<T>;
  int64_t k = 0;
  for (; k + 4 * V <= n; k += 4 * V) fn(std::integral_constant<int64_t, 4 * V>{}, k, 4 * V);
  if (k + 2 * V <= n) {
    fn(std::integral_constant<int64_t, 2 * V>{}, k, 2 * V);
    k += 2 * V;
  }
  if (k + V <= n) {
    fn(std::integral_constant<int64_t, V>{}, k, V);
    k += V;
  }
  if (k < n) fn(std::integral_constant<int64_t, 0>{}, k, n - k);
}

// body(k) for the lanes k of a channel block of compile-time width W (W = 0:
// the masked tail of `width` < one vector). Accumulators of a block are
// arrays of kLanes<T, W> values.
template <typename T, int64_t W, typename Body> inline void lanes(int64_t width, Body&& body) {
  if constexpr (W > 0) {
#pragma omp simd
    for (int64_t k = 0; k < W; ++k) body(k);
  } else {
#pragma omp simd
    for (int64_t k = 0; k < kVector<T>; ++k)
      if (k < width) body(k);
  }
}
template <typename T, int64_t W> constexpr int64_t kLanes = W > 0 ? W : kVector<T>;

// ---- scratch and work units --------------------------------------------------------------

// What a windowed kernel keeps in per-thread scratch: one buffer per slot
// and element type, so buffers of different slots (or types) coexist.
enum class Scratch {
  kRows,      // rows being built: conv patch gradients (dcol), depthwise expanded input rows
  kPartials,  // this thread's partial filter gradient
  kFilter,    // a rearranged copy of the filter shared by the team (transposed, flipped)
  kPadded,    // the zero-padded copy of the input shared by the team
  kTables,    // pointer and index tables: patch starts, row pointers, tap lists, coverage marks
  kSums,      // depthwise input gradient: one pixel's sums over all C*M channels
  kCount
};

// A 64-byte aligned buffer per thread and slot that only grows: kernels
// allocate on their first run and reuse the memory on every later run
// (OpenMP keeps its worker threads alive between parallel regions).
template <typename T> T* scratch(Scratch slot, std::size_t count) {
  struct Buffer {
    std::unique_ptr<T[], void (*)(void*)> data{nullptr, std::free};
    std::size_t capacity = 0;
  };
  thread_local Buffer buffers[static_cast<int>(Scratch::kCount)];
  Buffer& b = buffers[static_cast<int>(slot)];
  if (count > b.capacity) {
    const std::size_t bytes = ((count * sizeof(T) + 63) / 64) * 64;
    T* p = static_cast<T*>(std::aligned_alloc(64, bytes));
    if (!p) throw std::bad_alloc();
    b.data.reset(p);
    b.capacity = count;
  }
  return b.data.get();
}

// Work units for `team` threads over `items` images of `channels` channels
// that never share a channel: whole images when there are enough, otherwise
// (image, block of `block` channels) pairs, blocks a multiple of 16 channels.
// Unit u is image u / blocks, channels from (u % blocks) * block.
struct UnitSplit {
  int64_t items = 0, blocks = 1, block = 0;
  int64_t units() const { return items * blocks; }
};
inline UnitSplit split_items_channels(int64_t items, int64_t channels, int team) {
  UnitSplit s;
  s.items = items;
  s.blocks = 1;
  if (items < team && channels >= 32) s.blocks = std::min<int64_t>(team, channels / 16);
  s.block = ((channels + s.blocks - 1) / s.blocks + 15) / 16 * 16;
  s.blocks = s.block > 0 ? (channels + s.block - 1) / s.block : 1;
  return s;
}

}  // namespace window
// Attributes of a windowed op node (convolutions): strides, padding, dilations.
inline Attrs window_node_attrs(std::vector<int64_t> strides, const std::string& padding,
                               std::vector<int64_t> dilations) {
  return {{"strides", std::move(strides)}, {"padding", padding}, {"dilations", std::move(dilations)}};
}

}  // namespace slimcore
