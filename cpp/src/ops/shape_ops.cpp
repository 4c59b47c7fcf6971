// Shapes: Reshape, Squeeze, ExpandDims, Shape, Size, Rank, Pack (tf.stack),
// ConcatV2 (tf.concat), OneHot, and the gradient helpers ReshapeLike,
// StackSlice, ConcatSlice (Cast: cast_ops.cpp).
// Op types carry TensorFlow's names (Pack, ConcatV2) so that code reading
// op.type sees what it saw in TF1.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "convert.h"
#include "kernel_util.h"
#include "op_registry.h"
#include "slimcore/ops.h"

namespace slimcore {

namespace {

// Product of shape[begin, end) (checked, as every shape product).
int64_t product(const Shape& shape, std::size_t begin, std::size_t end) {
  return num_elements(shape, begin, end);
}

// The dimensions of `shape` that are >= 0 (its -1 or unknown ones left out).
Shape known_dims(const Shape& shape) {
  Shape out;
  for (int64_t d : shape)
    if (d >= 0) out.push_back(d);
  return out;
}

// The node's "axis" attribute for a tensor of `rank`, made non-negative (the
// shape rule has already checked its range).
std::size_t axis_attr(const KernelContext& c, int rank, const char* what) {
  return static_cast<std::size_t>(normalize_axis(c.attrs().get<int64_t>("axis"), rank, what));
}

// dst[0..n) = src[0..n) for elements of `bytes` bytes.
inline void copy_elements(char* dst, const char* src, int64_t n, std::size_t bytes) {
  if (n > 0) std::memcpy(dst, src, static_cast<std::size_t>(n) * bytes);
}

// ---- Reshape ------------------------------------------------------------------------

// A reshape target as written, -1 and all ("[-1, 784]").
std::string target_string(const Shape& target) {
  std::string s = "[";
  for (std::size_t d = 0; d < target.size(); ++d) s += (d ? ", " : "") + std::to_string(target[d]);
  return s + "]";
}

// The shape `target` takes for an input of shape `in`: its one -1 (if any)
// inferred from the number of elements. With unknown input dimensions the -1
// stays unknown, and a size that cannot divide the input is refused early.
template <typename Ctx> Shape resolve_reshape(const Ctx& c, const Shape& in, const Shape& target) {
  int unknown = -1;
  for (std::size_t d = 0; d < target.size(); ++d) {
    if (target[d] == -1) {
      if (unknown >= 0)
        c.fail("shape " + target_string(target) + " has more than one -1: only one dimension can be inferred");
      unknown = static_cast<int>(d);
    } else if (target[d] < 0) {
      c.fail("invalid dimension " + std::to_string(target[d]) + " in shape " + target_string(target) +
             ": dimensions must be >= 0, or -1 for one inferred dimension");
    }
  }
  int64_t known = 0;
  try {
    known = num_elements(known_dims(target));
  } catch (const InvalidArgument&) {
    c.fail("cannot reshape to shape " + target_string(target) +
           ": its dimensions multiply to more than the 2^62 elements slimcore can index");
  }
  const int64_t numel = num_elements(in);
  Shape out = target;
  if (numel >= 0) {
    if (unknown >= 0) {
      if (known == 0 || numel % known != 0)
        c.fail("cannot reshape a tensor of " + std::to_string(numel) + " elements (shape " + shape_string(in) +
               ") to shape " + target_string(target) + ": the -1 cannot be inferred, " + std::to_string(numel) +
               " is not a multiple of " + std::to_string(known));
      out[static_cast<std::size_t>(unknown)] = numel / known;
    } else if (known != numel) {
      c.fail("cannot reshape a tensor of " + std::to_string(numel) + " elements (shape " + shape_string(in) +
             ") to shape " + target_string(target) + " (" + std::to_string(known) + " elements)");
    }
    return out;
  }
  // Some input dimension is unknown: the element count is a multiple of the
  // known dimensions' product.
  const int64_t in_known = num_elements(known_dims(in));
  if (unknown >= 0 && known == 0)
    c.fail("cannot infer the -1 of shape " + target_string(target) + " when the other dimensions multiply to 0");
  if (unknown < 0 && in_known > 0 && known % in_known != 0)
    c.fail("cannot reshape a tensor of shape " + shape_string(in) + " (a multiple of " + std::to_string(in_known) +
           " elements) to shape " + target_string(target) + " (" + std::to_string(known) + " elements)");
  return out;
}

// Reshape(x) takes its target from attr "shape"; Reshape(x, shape) from a 1-D
// int tensor computed at run time (tf.reshape(x, tf.shape(y))), attr "shape"
// then holding what is known of it when the graph is built (-1: not known).
REGISTER_OP("Reshape")
    .variadic_inputs()
    .shape([](const InferContext& c) {
      if (c.num_inputs() != 1 && c.num_inputs() != 2) c.fail("takes a tensor and, optionally, a shape tensor");
      const Shape& target = c.attrs().get<std::vector<int64_t>>("shape");
      if (c.num_inputs() == 2) {
        const TensorSpec& shape = c.input(1);
        if (!is_integer(shape.dtype))
          c.fail_type("shape must be an int32 or int64 tensor, got " + dtype_name(shape.dtype));
        if (shape.shape.size() != 1) c.fail("shape must be a 1-D tensor, got shape " + shape_string(shape.shape));
        // With two or more entries unknown (or -1) nothing more can be inferred;
        // with one, it is the one -1 reshape infers (the element count fixes it).
        if (std::count_if(target.begin(), target.end(), [](int64_t d) { return d < 0; }) > 1)
          return std::vector<TensorSpec>{{c.input(0).dtype, target}};
      }
      return std::vector<TensorSpec>{{c.input(0).dtype, resolve_reshape(c, c.input(0).shape, target)}};
    })
    // The output is a view on the input's storage: no copy.
    .kernel([](KernelContext& c) {
      const Tensor& x = c.input(0);
      const Shape target =
          c.num_inputs() == 2 ? int_values(c.input(1), "reshape: shape") : c.attrs().get<std::vector<int64_t>>("shape");
      c.outputs[0] = x.reshaped(resolve_reshape(c, x.shape(), target));
    })
    .gradient([](const GradContext& c) {
      std::vector<Output> grads{c.graph.add("ReshapeLike", {c.grad(), c.input(0)})};
      if (c.inputs.size() == 2) grads.emplace_back();
      return grads;
    })
    .sets_own_outputs()
    .any_dtype();

// ReshapeLike(x, like): x viewed with like's run-time shape (the gradient of
// Reshape). Its gradient is the same op the other way.
REGISTER_OP("ReshapeLike")
    .inputs(2)
    .shape([](const InferContext& c) {
      const TensorSpec& x = c.input(0);
      const TensorSpec& like = c.input(1);
      const int64_t a = num_elements(x.shape), b = num_elements(like.shape);
      if (a >= 0 && b >= 0 && a != b)
        c.fail("cannot reshape a tensor of shape " + shape_string(x.shape) + " (" + std::to_string(a) +
               " elements) like one of shape " + shape_string(like.shape) + " (" + std::to_string(b) + " elements)");
      return std::vector<TensorSpec>{{x.dtype, like.shape}};
    })
    .kernel([](KernelContext& c) { c.outputs[0] = c.input(0).reshaped(c.input(1).shape()); })
    .gradient([](const GradContext& c) {
      return std::vector<Output>{c.graph.add("ReshapeLike", {c.grad(), c.input(0)}), Output()};
    })
    .sets_own_outputs();

// ---- Squeeze and ExpandDims (views, as Reshape) ------------------------------------------

// x's shape without the dimensions `dims` (each of size 1), or without every
// dimension of size 1 when `dims` is empty (TF's squeeze_dims). An unknown
// dimension may be squeezed when named; with no dims named it must be known.
template <typename Ctx> Shape squeeze_shape(const Ctx& c, const Shape& in, const std::vector<int64_t>& dims) {
  const int rank = static_cast<int>(in.size());
  std::vector<char> drop(in.size(), 0);
  for (int64_t axis : dims) {
    if (axis < -rank || axis >= rank)
      c.fail("squeeze: axis " + std::to_string(axis) + " is out of range for a tensor of shape " + shape_string(in) +
             " (valid axes are " + std::to_string(-rank) + ".." + std::to_string(rank - 1) + ")");
    const std::size_t d = static_cast<std::size_t>(axis < 0 ? axis + rank : axis);
    if (in[d] >= 0 && in[d] != 1)
      c.fail("Can not squeeze dim[" + std::to_string(d) + "], expected a dimension of 1, got " + std::to_string(in[d]) +
             " (shape " + shape_string(in) + ")");
    drop[d] = 1;
  }
  Shape out;
  for (std::size_t d = 0; d < in.size(); ++d) {
    // Whether an unknown dimension is squeezed is known only when the graph
    // runs: the rank is unknown until then (TF1).
    if (dims.empty() && in[d] < 0) return unknown_rank_shape();
    if (!(dims.empty() ? in[d] == 1 : drop[d])) out.push_back(in[d]);
  }
  return out;
}

// y = x without size-1 dimensions (tf.squeeze): a view, no copy.
REGISTER_OP("Squeeze")
    .inputs(1)
    .shape([](const InferContext& c) {
      const auto& dims = c.attrs().get<std::vector<int64_t>>("squeeze_dims");
      return std::vector<TensorSpec>{{c.input(0).dtype, squeeze_shape(c, c.input(0).shape, dims)}};
    })
    .kernel([](KernelContext& c) {
      const Tensor& x = c.input(0);
      c.outputs[0] = x.reshaped(squeeze_shape(c, x.shape(), c.attrs().get<std::vector<int64_t>>("squeeze_dims")));
    })
    .gradient([](const GradContext& c) {
      return std::vector<Output>{c.graph.add("ReshapeLike", {c.grad(), c.input(0)})};
    })
    .sets_own_outputs()
    .any_dtype();

// x's shape with a 1 inserted at `axis` in [-rank-1, rank] (tf.expand_dims).
template <typename Ctx> Shape expand_shape(const Ctx& c, Shape shape, int64_t axis) {
  const int64_t rank = static_cast<int64_t>(shape.size());
  if (axis < -rank - 1 || axis > rank)
    c.fail("expand_dims: axis " + std::to_string(axis) + " is out of range for a tensor of shape " +
           shape_string(shape) + " (valid axes are " + std::to_string(-rank - 1) + ".." + std::to_string(rank) + ")");
  shape.insert(shape.begin() + (axis < 0 ? axis + rank + 1 : axis), 1);
  return shape;
}

// y = x with a dimension of size 1 inserted at `axis`: a view, no copy.
REGISTER_OP("ExpandDims")
    .inputs(1)
    .shape([](const InferContext& c) {
      return std::vector<TensorSpec>{
          {c.input(0).dtype, expand_shape(c, c.input(0).shape, c.attrs().get<int64_t>("axis"))}};
    })
    .kernel([](KernelContext& c) {
      const Tensor& x = c.input(0);
      c.outputs[0] = x.reshaped(expand_shape(c, x.shape(), c.attrs().get<int64_t>("axis")));
    })
    .gradient([](const GradContext& c) {
      return std::vector<Output>{c.graph.add("ReshapeLike", {c.grad(), c.input(0)})};
    })
    .sets_own_outputs()
    .any_dtype();

// ---- Shape, Size, Rank: a tensor's run-time shape as a tensor ----------------------------

// Writes `values` into the int32 or int64 tensor `out`; int32 fails on a
// value it cannot hold, as TF ("use out_type=tf.int64").
void write_ints(const KernelContext& c, Tensor& out, const std::vector<int64_t>& values) {
  if (out.dtype() == DType::Int64) {
    std::copy(values.begin(), values.end(), out.data<int64_t>());
    return;
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i] > std::numeric_limits<int32_t>::max())
      c.fail("the value " + std::to_string(values[i]) + " does not fit out_type int32: use out_type=tf.int64");
    out.data<int32_t>()[i] = static_cast<int32_t>(values[i]);
  }
}

DType out_type_attr(const InferContext& c) {
  const DType t = c.attrs().get<DType>("out_type");
  if (t != DType::Int32 && t != DType::Int64) c.fail_type("out_type must be int32 or int64, got " + dtype_name(t));
  return t;
}

// y = x.shape, a 1-D int tensor of x's rank (tf.shape).
REGISTER_OP("Shape")
    .inputs(1)
    .shape([](const InferContext& c) {
      return std::vector<TensorSpec>{{out_type_attr(c), {static_cast<int64_t>(c.input(0).shape.size())}}};
    })
    .kernel([](KernelContext& c) { write_ints(c, c.output(0), c.input(0).shape()); })
    .not_differentiable()
    .any_dtype();

// y = the number of elements of x, a scalar (tf.size).
REGISTER_OP("Size")
    .inputs(1)
    .shape([](const InferContext& c) { return std::vector<TensorSpec>{{out_type_attr(c), {}}}; })
    .kernel([](KernelContext& c) { write_ints(c, c.output(0), {c.input(0).numel()}); })
    .not_differentiable()
    .any_dtype();

// y = the rank of x, an int32 scalar (tf.rank).
REGISTER_OP("Rank")
    .inputs(1)
    .shape([](const InferContext&) { return std::vector<TensorSpec>{{DType::Int32, {}}}; })
    .kernel([](KernelContext& c) { *c.output(0).data<int32_t>() = c.input(0).rank(); })
    .not_differentiable()
    .any_dtype();

// ---- Pack (tf.stack) and its gradient StackSlice -----------------------------------------

// The tensors' common shape (unknown dimensions taken from any input that
// knows them); fails naming the shapes that differ.
TensorSpec common_spec(const InferContext& c, const char* what) {
  if (c.num_inputs() == 0) c.fail(std::string(what) + " needs at least one tensor");
  TensorSpec spec = c.input(0);
  for (int i = 1; i < c.num_inputs(); ++i) {
    const TensorSpec& s = c.input(i);
    if (s.dtype != spec.dtype)
      c.fail_type("all tensors must have one dtype: input 0 has " + dtype_name(spec.dtype) + ", input " +
                  std::to_string(i) + " has " + dtype_name(s.dtype));
    if (!shape_compatible(spec.shape, s.shape))
      c.fail("all tensors must have the same shape: input 0 has shape " + shape_string(c.input(0).shape) + ", input " +
             std::to_string(i) + " has shape " + shape_string(s.shape));
    for (std::size_t d = 0; d < spec.shape.size(); ++d)
      if (spec.shape[d] < 0) spec.shape[d] = s.shape[d];
  }
  return spec;
}

std::string axis_range_text(int64_t axis, int rank, const std::string& what) {
  return "axis " + std::to_string(axis) + " is out of range for " + what + " (valid axes are " + std::to_string(-rank) +
         ".." + std::to_string(rank - 1) + ")";
}

REGISTER_OP("Pack")
    .variadic_inputs()
    .shape([](const InferContext& c) {
      TensorSpec spec = common_spec(c, "stack");
      const int rank = static_cast<int>(spec.shape.size()) + 1;
      const int64_t axis = c.attrs().get<int64_t>("axis");
      if (axis < -rank || axis >= rank)
        c.fail(axis_range_text(axis, rank, "stacking tensors of shape " + shape_string(spec.shape)));
      spec.shape.insert(spec.shape.begin() + (axis < 0 ? axis + rank : axis), c.num_inputs());
      return std::vector<TensorSpec>{spec};
    })
    // out[o, k, i] = x_k[o, i] with o over the dimensions before the axis.
    .kernel([](KernelContext& c) {
      Tensor& out = c.output(0);
      const int n = c.num_inputs();
      const Shape& shape = c.input(0).shape();
      const std::size_t axis = axis_attr(c, out.rank(), "stack");
      const std::size_t bytes = dtype_size(out.dtype());
      const int64_t outer = product(shape, 0, axis), inner = product(shape, axis, shape.size());
      char* o = static_cast<char*>(out.raw());
      auto blocks = [&](int64_t begin, int64_t end) {
        for (int64_t b = begin; b < end; ++b) {
          const int64_t row = b / n, k = b % n;
          const char* src = static_cast<const char*>(c.input(static_cast<int>(k)).raw());
          copy_elements(o + b * inner * bytes, src + row * inner * bytes, inner, bytes);
        }
      };
      if (out.numel() >= kParallelThreshold) parallel_chunks(outer * n, 1, blocks);
      else blocks(0, outer * n);
    })
    .gradient([](const GradContext& c) {
      std::vector<Output> grads;
      for (std::size_t k = 0; k < c.inputs.size(); ++k)
        grads.push_back(c.graph.add("StackSlice", {c.grad()},
                                    {{"axis", c.attrs().get<int64_t>("axis")}, {"index", static_cast<int64_t>(k)}}));
      return grads;
    });

// StackSlice(x): x[..., index, ...] along `axis`, that dimension removed
// (one output of tf.unstack; the gradient of Pack for input `index`).
REGISTER_OP("StackSlice")
    .inputs(1)
    .shape([](const InferContext& c) {
      const TensorSpec& x = c.input(0);
      const int rank = static_cast<int>(x.shape.size());
      const int64_t axis = c.attrs().get<int64_t>("axis");
      const int64_t index = c.attrs().get<int64_t>("index");
      if (axis < -rank || axis >= rank)
        c.fail(axis_range_text(axis, rank, "a tensor of shape " + shape_string(x.shape)));
      const std::size_t d = static_cast<std::size_t>(axis < 0 ? axis + rank : axis);
      if (index < 0 || (x.shape[d] >= 0 && index >= x.shape[d]))
        c.fail("index " + std::to_string(index) + " is out of range for axis " + std::to_string(axis) + " of shape " +
               shape_string(x.shape));
      Shape out = x.shape;
      out.erase(out.begin() + static_cast<std::ptrdiff_t>(d));
      return std::vector<TensorSpec>{{x.dtype, out}};
    })
    .kernel([](KernelContext& c) {
      const Tensor& x = c.input(0);
      Tensor& out = c.output(0);
      const std::size_t axis = axis_attr(c, x.rank(), "stack slice");
      const int64_t index = c.attrs().get<int64_t>("index");
      const std::size_t bytes = dtype_size(x.dtype());
      const int64_t outer = product(x.shape(), 0, axis), n = x.dim(static_cast<int>(axis));
      const int64_t inner = product(x.shape(), axis + 1, x.shape().size());
      const char* src = static_cast<const char*>(x.raw());
      char* o = static_cast<char*>(out.raw());
      auto rows = [&](int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; ++r)
          copy_elements(o + r * inner * bytes, src + (r * n + index) * inner * bytes, inner, bytes);
      };
      if (out.numel() >= kParallelThreshold) parallel_chunks(outer, 1, rows);
      else rows(0, outer);
    });  // no second-order gradient: differentiating through it is an error, not a silent zero

// ---- ConcatV2 (tf.concat) and its gradient ConcatSlice --------------------------------------

REGISTER_OP("ConcatV2")
    .variadic_inputs()
    .shape([](const InferContext& c) {
      if (c.num_inputs() == 0) c.fail("concat needs at least one tensor");
      TensorSpec spec = c.input(0);
      const int rank = static_cast<int>(spec.shape.size());
      if (rank == 0) c.fail("cannot concatenate scalars (rank 0): use stack");
      const int64_t axis = c.attrs().get<int64_t>("axis");
      if (axis < -rank || axis >= rank) c.fail(axis_range_text(axis, rank, "tensors of rank " + std::to_string(rank)));
      const std::size_t a = static_cast<std::size_t>(axis < 0 ? axis + rank : axis);
      for (int i = 1; i < c.num_inputs(); ++i) {
        const TensorSpec& s = c.input(i);
        if (s.dtype != spec.dtype)
          c.fail_type("all tensors must have one dtype: input 0 has " + dtype_name(spec.dtype) + ", input " +
                      std::to_string(i) + " has " + dtype_name(s.dtype));
        bool match = s.shape.size() == spec.shape.size();
        for (std::size_t d = 0; match && d < s.shape.size(); ++d)
          if (d != a && s.shape[d] >= 0 && spec.shape[d] >= 0 && s.shape[d] != spec.shape[d]) match = false;
        if (!match)
          c.fail("shapes " + shape_string(c.input(0).shape) + " (input 0) and " + shape_string(s.shape) + " (input " +
                 std::to_string(i) + ") must match in every dimension except axis " + std::to_string(axis));
        for (std::size_t d = 0; d < spec.shape.size(); ++d) {
          if (d == a && (spec.shape[d] < 0 || s.shape[d] < 0)) spec.shape[d] = -1;
          else if (d == a && __builtin_add_overflow(spec.shape[d], s.shape[d], &spec.shape[d]))
            c.fail("the concatenated dimension " + std::to_string(axis) +
                   " is larger than the 2^62 elements slimcore can index");
          else if (spec.shape[d] < 0) spec.shape[d] = s.shape[d];
        }
      }
      return std::vector<TensorSpec>{spec};
    })
    // Each output row (one index of the dimensions before the axis) is the
    // inputs' rows one after the other.
    .kernel([](KernelContext& c) {
      Tensor& out = c.output(0);
      const int n = c.num_inputs();
      const std::size_t axis = axis_attr(c, out.rank(), "concat");
      const std::size_t bytes = dtype_size(out.dtype());
      const int64_t outer = product(out.shape(), 0, axis);
      const int64_t inner = product(out.shape(), axis + 1, out.shape().size());
      const int64_t out_row = out.dim(static_cast<int>(axis)) * inner;
      char* o = static_cast<char*>(out.raw());
      auto rows = [&](int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; ++r) {
          char* dst = o + r * out_row * bytes;
          for (int k = 0; k < n; ++k) {
            const Tensor& x = c.input(k);
            const int64_t len = x.dim(static_cast<int>(axis)) * inner;
            copy_elements(dst, static_cast<const char*>(x.raw()) + r * len * bytes, len, bytes);
            dst += len * bytes;
          }
        }
      };
      if (out.numel() >= kParallelThreshold && outer > 1) parallel_chunks(outer, 1, rows);
      else rows(0, outer);
    })
    // Input k gets the slice of the gradient at its offset along the axis,
    // both read from the inputs' run-time shapes.
    .gradient([](const GradContext& c) {
      std::vector<Output> grads;
      std::vector<Output> slice_inputs{c.grad()};
      for (const Output& x : c.inputs) {
        slice_inputs.push_back(x);
        grads.push_back(c.graph.add("ConcatSlice", slice_inputs, {{"axis", c.attrs().get<int64_t>("axis")}}));
      }
      return grads;
    });

// ConcatSlice(grad, x_0, ..., x_k): the part of `grad` that concat took from
// x_k: along `axis`, offset sum_{j<k} x_j.shape[axis] and size x_k.shape[axis].
REGISTER_OP("ConcatSlice")
    .variadic_inputs()
    .shape([](const InferContext& c) {
      if (c.num_inputs() < 2) c.fail("needs the gradient and at least one concatenated tensor");
      const TensorSpec& grad = c.input(0);
      TensorSpec out{grad.dtype, c.input(c.num_inputs() - 1).shape};
      const int rank = static_cast<int>(out.shape.size());
      const int64_t axis = c.attrs().get<int64_t>("axis");
      if (static_cast<int>(grad.shape.size()) != rank || axis < -rank || axis >= rank)
        c.fail("a gradient of shape " + shape_string(grad.shape) + " does not fit a concat along axis " +
               std::to_string(axis) + " of tensors of shape " + shape_string(out.shape));
      const std::size_t a = static_cast<std::size_t>(axis < 0 ? axis + rank : axis);
      for (std::size_t d = 0; d < out.shape.size(); ++d)
        if (d != a && out.shape[d] < 0) out.shape[d] = grad.shape[d];
      return std::vector<TensorSpec>{out};
    })
    .kernel([](KernelContext& c) {
      const Tensor& grad = c.input(0);
      Tensor& out = c.output(0);
      const int k = c.num_inputs() - 1;
      const int axis = static_cast<int>(axis_attr(c, out.rank(), "concat slice"));
      int64_t offset = 0;
      for (int j = 1; j < k; ++j) offset += c.input(j).dim(axis);
      const int64_t size = out.dim(axis);
      if (offset + size > grad.dim(axis))
        c.fail("the gradient of shape " + shape_string(grad.shape()) + " has no slice [" + std::to_string(offset) +
               ", " + std::to_string(offset + size) + ") along axis " + std::to_string(axis));
      const std::size_t bytes = dtype_size(grad.dtype());
      const int64_t outer = product(out.shape(), 0, static_cast<std::size_t>(axis));
      const int64_t inner = product(out.shape(), static_cast<std::size_t>(axis) + 1, out.shape().size());
      const int64_t grad_row = grad.dim(axis) * inner, len = size * inner;
      const char* g = static_cast<const char*>(grad.raw());
      char* o = static_cast<char*>(out.raw());
      auto rows = [&](int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; ++r)
          copy_elements(o + r * len * bytes, g + (r * grad_row + offset * inner) * bytes, len, bytes);
      };
      if (out.numel() >= kParallelThreshold && outer > 1) parallel_chunks(outer, 1, rows);
      else rows(0, outer);
    });  // no second-order gradient: differentiating through it is an error, not a silent zero

// ---- OneHot --------------------------------------------------------------------------------

REGISTER_OP("OneHot")
    .inputs(1)
    .shape([](const InferContext& c) {
      const TensorSpec& indices = c.input(0);
      if (!is_integer(indices.dtype)) c.fail_type("indices must be int32 or int64, got " + dtype_name(indices.dtype));
      const int64_t depth = c.attrs().get<int64_t>("depth");
      if (depth < 0) c.fail("depth must be >= 0, got " + std::to_string(depth));
      const int rank = static_cast<int>(indices.shape.size());
      const int64_t axis = c.attrs().get<int64_t>("axis");
      if (axis < -1 || axis > rank)
        c.fail("axis " + std::to_string(axis) + " is out of range for indices of rank " + std::to_string(rank) +
               " (valid: -1 for the last, or 0.." + std::to_string(rank) + ")");
      Shape out = indices.shape;
      out.insert(out.begin() + (axis < 0 ? rank : axis), depth);
      return std::vector<TensorSpec>{{c.attrs().get<DType>("dtype"), out}};
    })
    // out[o, d, i] = indices[o, i] == d ? on : off; an index outside
    // [0, depth) gives a row of off values, as TensorFlow.
    .kernel([](KernelContext& c) {
      const Tensor& indices = c.input(0);
      Tensor& out = c.output(0);
      const int64_t depth = c.attrs().get<int64_t>("depth");
      const int64_t axis_attr = c.attrs().get<int64_t>("axis");
      const std::size_t axis = static_cast<std::size_t>(axis_attr < 0 ? indices.rank() : axis_attr);
      const int64_t inner = product(indices.shape(), axis, indices.shape().size());
      const double on_value = c.attrs().get<double>("on_value");
      const double off_value = c.attrs().get<double>("off_value");
      dispatch_any(out.dtype(), [&](auto zero) {
        using T = decltype(zero);
        const T on = convert<T, double>(on_value), off = convert<T, double>(off_value);
        T* o = out.data<T>();
        parallel_for(out.numel(), [&](int64_t i) { o[i] = off; });
        auto place = [&](auto index_zero) {
          using I = decltype(index_zero);
          const I* idx = indices.data<I>();
          if (inner == 1) {  // axis -1: one row of `depth` per index
            parallel_for(indices.numel(), [&](int64_t i) {
              const int64_t v = static_cast<int64_t>(idx[i]);
              if (v >= 0 && v < depth) o[i * depth + v] = on;
            });
            return;
          }
          parallel_for(indices.numel(), [&](int64_t i) {
            const int64_t v = static_cast<int64_t>(idx[i]);
            if (v >= 0 && v < depth) o[((i / inner) * depth + v) * inner + i % inner] = on;
          });
        };
        if (indices.dtype() == DType::Int32) place(int32_t{});
        else place(int64_t{});
      });
    })
    .not_differentiable();

}  // namespace

namespace ops {

Output reshape(Output x, Shape shape, const std::string& name) {
  return x.graph().add("Reshape", {x}, {{"shape", shape}}, name);
}

// As tf.cast, a tensor that already has the dtype is returned as is.
Output cast(Output x, DType dtype, const std::string& name) {
  if (x.dtype() == dtype) return x;
  return x.graph().add("Cast", {x}, {{"DstT", dtype}}, name);
}

Output stack(const std::vector<Output>& xs, int64_t axis, const std::string& name) {
  if (xs.empty()) throw InvalidArgument("stack: needs a non-empty list of tensors");
  return xs[0].graph().add("Pack", xs, {{"axis", axis}}, name);
}

Output concat(const std::vector<Output>& xs, int64_t axis, const std::string& name) {
  if (xs.empty()) throw InvalidArgument("concat: needs a non-empty list of tensors");
  return xs[0].graph().add("ConcatV2", xs, {{"axis", axis}}, name);
}

Output one_hot(Output indices, int64_t depth, double on_value, double off_value, int64_t axis, DType dtype,
               const std::string& name) {
  return indices.graph().add(
      "OneHot", {indices},
      {{"depth", depth}, {"on_value", on_value}, {"off_value", off_value}, {"axis", axis}, {"dtype", dtype}}, name);
}

Output squeeze(Output x, std::vector<int64_t> axis, const std::string& name) {
  return x.graph().add("Squeeze", {x}, {{"squeeze_dims", std::move(axis)}}, name);
}

Output expand_dims(Output x, int64_t axis, const std::string& name) {
  return x.graph().add("ExpandDims", {x}, {{"axis", axis}}, name);
}

Output shape(Output x, DType out_type, const std::string& name) {
  return x.graph().add("Shape", {x}, {{"out_type", out_type}}, name);
}

}  // namespace ops
}  // namespace slimcore
