// Ops that map each output dimension to an input dimension on its own: Tile
// (tf.tile), Pad (tf.pad, CONSTANT) and MirrorPad (tf.pad, REFLECT and
// SYMMETRIC), with their gradients TileGrad and PadGrad.
//
// Each is y[o_0, ..., o_{n-1}] = x[map_0[o_0], ..., map_{n-1}[o_{n-1}]], or
// the pad value where some map_d[o_d] is -1; the gradient is the scatter-add
// dx[map(o)] += dy[o]. Only the per-dimension maps differ:
//   tile:      map[o] = o mod n                               (n = x.shape[d])
//   constant:  map[o] = o - before if 0 <= o - before < n, else -1
//   reflect:   i = o - before; i < 0 -> -i;     i >= n -> 2(n-1) - i   (edge not repeated)
//   symmetric: i = o - before; i < 0 -> -i - 1; i >= n -> 2n - 1 - i   (edge repeated)
//
// Multiples and paddings come from an attribute, or from an int tensor input
// computed at run time (then the shape rule leaves the sizes unknown and the
// kernels allocate their outputs).
#include <algorithm>
#include <string>

#include "kernel_util.h"
#include "op_registry.h"
#include "slimcore/ops.h"

namespace slimcore {

namespace {

using DimMaps = std::vector<std::vector<int64_t>>;

// The row-major offset in a tensor of `shape` of the row (index over all
// dimensions but the last) `row` after mapping, or -1 if a map gives -1.
int64_t mapped_row_offset(int64_t row, const Shape& out_shape, const Shape& in_strides, const DimMaps& maps) {
  int64_t offset = 0;
  bool inside = true;
  for (int64_t d = static_cast<int64_t>(out_shape.size()) - 2; d >= 0; --d) {
    const int64_t o = row % out_shape[static_cast<std::size_t>(d)];
    row /= out_shape[static_cast<std::size_t>(d)];
    const int64_t i = maps[static_cast<std::size_t>(d)][static_cast<std::size_t>(o)];
    if (i < 0) inside = false;
    offset += i * in_strides[static_cast<std::size_t>(d)];
  }
  return inside ? offset : -1;
}

// A run of the last dimension's map: `len` outputs from `out` read the inputs
// in, in+1, ... (in = -1: `len` fill values), so a row is a few block copies.
struct Run {
  int64_t out, in, len;
};

std::vector<Run> runs_of(const std::vector<int64_t>& map) {
  std::vector<Run> runs;
  for (int64_t o = 0; o < static_cast<int64_t>(map.size()); ++o) {
    const int64_t i = map[static_cast<std::size_t>(o)];
    if (!runs.empty()) {
      Run& last = runs.back();
      const bool extends = last.in < 0 ? i < 0 : i == last.in + last.len;
      if (extends) {
        ++last.len;
        continue;
      }
    }
    runs.push_back({o, i < 0 ? -1 : i, 1});
  }
  return runs;
}

// y[o] = x[map(o)], or `fill` where the map gives -1.
template <typename T>
void gather_dims(const T* x, const Shape& x_shape, T* y, const Shape& y_shape, const DimMaps& maps, T fill) {
  const std::size_t rank = y_shape.size();
  if (rank == 0) {
    y[0] = x[0];
    return;
  }
  const Shape in_strides = strides_of(x_shape);
  const int64_t cols = y_shape[rank - 1], rows = num_elements(y_shape, 0, rank - 1);
  const std::vector<Run> runs = runs_of(maps[rank - 1]);
  auto body = [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      T* dst = y + r * cols;
      const int64_t offset = mapped_row_offset(r, y_shape, in_strides, maps);
      if (offset < 0) {
        std::fill(dst, dst + cols, fill);
        continue;
      }
      for (const Run& run : runs) {
        if (run.in < 0) std::fill(dst + run.out, dst + run.out + run.len, fill);
        else std::copy(x + offset + run.in, x + offset + run.in + run.len, dst + run.out);
      }
    }
  };
  if (rows * cols >= kParallelThreshold && rows > 1) parallel_chunks(rows, 1, body);
  else body(0, rows);
}

// dx = 0, then dx[map(o)] += dy[o] wherever the map is not -1 (serial: two
// outputs may map to one input).
template <typename T>
void scatter_add_dims(const T* dy, const Shape& dy_shape, T* dx, const Shape& dx_shape, const DimMaps& maps) {
  std::fill(dx, dx + num_elements(dx_shape), T(0));
  const std::size_t rank = dy_shape.size();
  if (rank == 0) {
    dx[0] = dy[0];
    return;
  }
  const Shape in_strides = strides_of(dx_shape);
  const int64_t cols = dy_shape[rank - 1], rows = num_elements(dy_shape, 0, rank - 1);
  const std::vector<int64_t>& last = maps[rank - 1];
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t offset = mapped_row_offset(r, dy_shape, in_strides, maps);
    if (offset < 0) continue;
    const T* src = dy + r * cols;
    for (int64_t j = 0; j < cols; ++j) {
      const int64_t i = last[static_cast<std::size_t>(j)];
      if (i >= 0) dx[offset + i] += src[j];
    }
  }
}

// An integer-vector argument: input 1 when the node has it, else attribute `attr`.
std::vector<int64_t> int_arg(const KernelContext& c, const char* attr, const char* what) {
  return c.num_inputs() == 2 ? int_values(c.input(1), what) : c.attrs().get<std::vector<int64_t>>(attr);
}

// Checks the optional run-time argument (input 1): an int tensor of `shape`.
void check_int_input(const InferContext& c, const char* what, const Shape& shape) {
  if (c.num_inputs() != 1 && c.num_inputs() != 2) c.fail(std::string("takes a tensor and, optionally, ") + what);
  if (c.num_inputs() == 1) return;
  const TensorSpec& arg = c.input(1);
  if (!is_integer(arg.dtype)) c.fail_type(std::string(what) + " must be an int32 or int64 tensor");
  if (!shape_compatible(arg.shape, shape))
    c.fail(std::string(what) + " must have shape " + shape_string(shape) + " for an input of rank " +
           std::to_string(c.input(0).shape.size()) + ", got shape " + shape_string(arg.shape));
}

// ---- Tile ------------------------------------------------------------------------------

// y.shape[d] = x.shape[d] * multiples[d].
template <typename Ctx> Shape tile_shape(const Ctx& c, const Shape& in, const std::vector<int64_t>& multiples) {
  if (multiples.size() != in.size())
    c.fail("multiples must have one entry per dimension of the input (shape " + shape_string(in) + "), got " +
           std::to_string(multiples.size()));
  Shape out(in.size());
  for (std::size_t d = 0; d < in.size(); ++d) {
    if (multiples[d] < 0)
      c.fail("Expected multiples[" + std::to_string(d) + "] >= 0, but got " + std::to_string(multiples[d]));
    out[d] = multiples[d] == 0 ? 0 : in[d] < 0 ? -1 : in[d] * multiples[d];
  }
  return out;
}

DimMaps tile_maps(const Shape& in, const Shape& out) {
  DimMaps maps(in.size());
  for (std::size_t d = 0; d < in.size(); ++d) {
    maps[d].resize(static_cast<std::size_t>(out[d]));
    for (int64_t o = 0; o < out[d]; ++o) maps[d][static_cast<std::size_t>(o)] = o % in[d];
  }
  return maps;
}

REGISTER_OP("Tile")
    .variadic_inputs()
    .shape([](const InferContext& c) {
      const Shape& in = c.input(0).shape;
      check_int_input(c, "multiples", {static_cast<int64_t>(in.size())});
      const auto& multiples = c.attrs().get<std::vector<int64_t>>("multiples");
      if (c.num_inputs() == 1) return std::vector<TensorSpec>{{c.input(0).dtype, tile_shape(c, in, multiples)}};
      // Run-time multiples: attr "multiples" is what the graph knows of them (-1: unknown).
      Shape out(in.size(), -1);
      for (std::size_t d = 0; d < in.size() && multiples.size() == in.size(); ++d)
        if (multiples[d] >= 0) out[d] = multiples[d] == 0 ? 0 : in[d] < 0 ? -1 : in[d] * multiples[d];
      return std::vector<TensorSpec>{{c.input(0).dtype, out}};
    })
    .kernel([](KernelContext& c) {
      const Tensor& x = c.input(0);
      Tensor y(x.dtype(), tile_shape(c, x.shape(), int_arg(c, "multiples", "multiples")));
      if (y.numel() > 0)
        dispatch_any(x.dtype(), [&](auto zero) {
          using T = decltype(zero);
          gather_dims(x.data<T>(), x.shape(), y.data<T>(), y.shape(), tile_maps(x.shape(), y.shape()), T{});
        });
      c.outputs[0] = y;
    })
    .gradient([](const GradContext& c) {
      std::vector<Output> grads{c.graph.add("TileGrad", {c.grad(), c.input(0)})};
      if (c.inputs.size() == 2) grads.emplace_back();
      return grads;
    })
    .sets_own_outputs();

// TileGrad(dy, x): dx[i] = sum of dy over the tiles' copies of x[i] (the
// multiples are dy.shape / x.shape).
REGISTER_OP("TileGrad")
    .inputs(2)
    .shape([](const InferContext& c) {
      if (c.input(0).shape.size() != c.input(1).shape.size())
        c.fail("a gradient of shape " + shape_string(c.input(0).shape) + " does not fit a tile of shape " +
               shape_string(c.input(1).shape));
      return std::vector<TensorSpec>{{c.input(0).dtype, c.input(1).shape}};
    })
    .kernel([](KernelContext& c) {
      const Tensor& dy = c.input(0);
      Tensor& dx = c.output(0);
      dispatch_float(dy.dtype(), [&](auto zero) {
        using T = decltype(zero);
        scatter_add_dims(dy.data<T>(), dy.shape(), dx.data<T>(), dx.shape(), tile_maps(dx.shape(), dy.shape()));
      });
    });  // no second-order gradient: differentiating through it is an error, not a silent zero

// ---- Pad and MirrorPad ---------------------------------------------------------------------

enum class PadMode { kConstant, kReflect, kSymmetric };

// The mode of a Pad or MirrorPad op (`type`) with attributes `attrs`.
PadMode pad_mode(const std::string& type, const Attrs& attrs) {
  if (type == "Pad") return PadMode::kConstant;
  return attrs.get<std::string>("mode") == "SYMMETRIC" ? PadMode::kSymmetric : PadMode::kReflect;
}

// y.shape[d] = before_d + x.shape[d] + after_d with paddings = [[before_0,
// after_0], ...] flattened; TF's limits: paddings >= 0, and at most
// x.shape[d] - 1 (REFLECT) or x.shape[d] (SYMMETRIC).
template <typename Ctx>
Shape pad_shape(const Ctx& c, PadMode mode, const Shape& in, const std::vector<int64_t>& paddings) {
  if (paddings.size() != 2 * in.size())
    c.fail("paddings must have shape [" + std::to_string(in.size()) + ", 2] for an input of shape " + shape_string(in) +
           ", got " + std::to_string(paddings.size()) + " values");
  Shape out(in.size());
  for (std::size_t d = 0; d < in.size(); ++d) {
    const int64_t before = paddings[2 * d], after = paddings[2 * d + 1];
    if (before < 0 || after < 0)
      c.fail("paddings must be non-negative: dimension " + std::to_string(d) + " has [" + std::to_string(before) +
             ", " + std::to_string(after) + "]");
    if (mode != PadMode::kConstant && in[d] >= 0) {
      const int64_t limit = mode == PadMode::kReflect ? in[d] - 1 : in[d];
      if (before > limit || after > limit)
        c.fail(std::string("paddings must be no greater than the dimension size") +
               (mode == PadMode::kReflect ? " - 1 for REFLECT" : " for SYMMETRIC") + ": dimension " +
               std::to_string(d) + " of shape " + shape_string(in) + " has paddings [" + std::to_string(before) + ", " +
               std::to_string(after) + "], at most " + std::to_string(limit));
    }
    out[d] = in[d] < 0 ? -1 : before + in[d] + after;
  }
  return out;
}

DimMaps pad_maps(PadMode mode, const Shape& in, const Shape& out, const std::vector<int64_t>& paddings) {
  DimMaps maps(in.size());
  for (std::size_t d = 0; d < in.size(); ++d) {
    const int64_t n = in[d], before = paddings[2 * d];
    maps[d].resize(static_cast<std::size_t>(out[d]));
    for (int64_t o = 0; o < out[d]; ++o) {
      int64_t i = o - before;
      if (mode == PadMode::kConstant) i = (i >= 0 && i < n) ? i : -1;
      else if (mode == PadMode::kReflect) i = i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i;
      else i = i < 0 ? -i - 1 : i >= n ? 2 * n - 1 - i : i;
      maps[d][static_cast<std::size_t>(o)] = i;
    }
  }
  return maps;
}

std::vector<TensorSpec> pad_shape_rule(const InferContext& c) {
  const Shape& in = c.input(0).shape;
  check_int_input(c, "paddings", {static_cast<int64_t>(in.size()), 2});
  if (c.num_inputs() == 2) return {{c.input(0).dtype, Shape(in.size(), -1)}};
  return {{c.input(0).dtype,
           pad_shape(c, pad_mode(c.node.type, c.attrs()), in, c.attrs().get<std::vector<int64_t>>("paddings"))}};
}

void pad_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  const PadMode mode = pad_mode(c.node.type, c.attrs());
  const std::vector<int64_t> paddings = int_arg(c, "paddings", "paddings");
  Tensor y(x.dtype(), pad_shape(c, mode, x.shape(), paddings));
  const double value = mode == PadMode::kConstant ? c.attrs().get<double>("constant_values") : 0.0;
  if (y.numel() > 0)
    dispatch_any(x.dtype(), [&](auto zero) {
      using T = decltype(zero);
      gather_dims(x.data<T>(), x.shape(), y.data<T>(), y.shape(), pad_maps(mode, x.shape(), y.shape(), paddings),
                  static_cast<T>(value));
    });
  c.outputs[0] = y;
}

// PadGrad(dy, x[, paddings]) with the forward op's attributes.
std::vector<Output> pad_gradient(const GradContext& c) {
  std::vector<Output> inputs{c.grad(), c.input(0)};
  if (c.inputs.size() == 2) inputs.push_back(c.input(1));
  Attrs attrs = c.attrs();
  attrs.set("forward", c.node.type);
  std::vector<Output> grads{c.graph.add("PadGrad", inputs, attrs)};
  if (c.inputs.size() == 2) grads.emplace_back();
  return grads;
}

// y = x padded with constant_values (tf.pad, mode CONSTANT).
REGISTER_OP("Pad").variadic_inputs().shape(pad_shape_rule).kernel(pad_kernel).gradient(pad_gradient).sets_own_outputs();
// y = x padded with its own mirror image (tf.pad, mode REFLECT or SYMMETRIC).
REGISTER_OP("MirrorPad")
    .variadic_inputs()
    .shape(pad_shape_rule)
    .kernel(pad_kernel)
    .gradient(pad_gradient)
    .sets_own_outputs();

// PadGrad(dy, x[, paddings]): dx[i] = sum of dy where the pad read x[i] (for
// CONSTANT the slice of dy at the paddings' offsets).
REGISTER_OP("PadGrad")
    .variadic_inputs()
    .shape([](const InferContext& c) {
      if (c.num_inputs() != 2 && c.num_inputs() != 3) c.fail("takes the gradient, the input and optionally paddings");
      if (c.input(0).shape.size() != c.input(1).shape.size())
        c.fail("a gradient of shape " + shape_string(c.input(0).shape) + " does not fit a pad of shape " +
               shape_string(c.input(1).shape));
      return std::vector<TensorSpec>{{c.input(0).dtype, c.input(1).shape}};
    })
    .kernel([](KernelContext& c) {
      const Tensor& dy = c.input(0);
      Tensor& dx = c.output(0);
      const PadMode mode = pad_mode(c.attrs().get<std::string>("forward"), c.attrs());
      const std::vector<int64_t> paddings =
          c.num_inputs() == 3 ? int_values(c.input(2), "paddings") : c.attrs().get<std::vector<int64_t>>("paddings");
      dispatch_float(dy.dtype(), [&](auto zero) {
        using T = decltype(zero);
        scatter_add_dims(dy.data<T>(), dy.shape(), dx.data<T>(), dx.shape(),
                         pad_maps(mode, dx.shape(), dy.shape(), paddings));
      });
    });  // no second-order gradient: differentiating through it is an error, not a silent zero

}  // namespace

namespace ops {

Output tile(Output x, std::vector<int64_t> multiples, const std::string& name) {
  return x.graph().add("Tile", {x}, {{"multiples", std::move(multiples)}}, name);
}

Output pad(Output x, std::vector<int64_t> paddings, const std::string& mode, double constant_value,
           const std::string& name) {
  if (mode == "CONSTANT")
    return x.graph().add("Pad", {x}, {{"paddings", std::move(paddings)}, {"constant_values", constant_value}}, name);
  if (mode != "REFLECT" && mode != "SYMMETRIC")
    throw InvalidArgument("pad: unknown padding mode " + mode + " (CONSTANT, REFLECT or SYMMETRIC)");
  return x.graph().add("MirrorPad", {x}, {{"paddings", std::move(paddings)}, {"mode", mode}}, name);
}

}  // namespace ops
}  // namespace slimcore
