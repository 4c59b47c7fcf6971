// Slices: Slice (tf.slice), StridedSlice (tf.strided_slice and Python
// slicing x[1:3, ..., ::-1, tf.newaxis, 0]) and their gradients SliceGrad,
// StridedSliceGrad.
//
// Both ops reduce to one canonical form, a box of the input: along input
// dimension d it takes size[d] elements starting at begin[d], stride[d]
// apart,
//
//   y[k_0, ..., k_{r-1}] = x[begin_0 + k_0 stride_0, ..., begin_{r-1} + k_{r-1} stride_{r-1}]
//
// and then inserts (new axis) or removes (shrink axis) dimensions of size 1,
// which does not move any element. The gradient scatters dy back into zeros
// shaped like x through the same box (a box never reads an element twice).
// begin/end/size/strides are tensors, as in TF: the output shape depends on
// their values (value_dependent_shape), known when the graph is built when
// they are constants.
#include <cstdint>
#include <cstring>

#include "kernel_util.h"
#include "op_registry.h"
#include "slimcore/ops.h"

namespace slimcore {

namespace {

// The canonical box: per input dimension, the first index, the step and the
// count; `out` is the final shape (new axes and shrunk axes applied). A
// dimension whose count is not known yet (values or input dimension
// unknown) has size -1.
struct Box {
  Shape begin, stride, size;
  Shape out;
};

// The int values of a 1-D int32/int64 tensor.
Shape int_values(const Tensor& t) {
  Shape v(static_cast<std::size_t>(t.numel()));
  if (t.dtype() == DType::Int32)
    for (int64_t i = 0; i < t.numel(); ++i) v[static_cast<std::size_t>(i)] = t.data<int32_t>()[i];
  else
    for (int64_t i = 0; i < t.numel(); ++i) v[static_cast<std::size_t>(i)] = t.data<int64_t>()[i];
  return v;
}

// Checks that inputs [first, first + count) are 1-D int tensors of one
// length and returns it (-1 when unknown).
int64_t index_vector_length(const InferContext& c, int first, int count, const char* names) {
  int64_t length = -1;
  for (int i = first; i < first + count; ++i) {
    const TensorSpec& s = c.input(i);
    if (s.dtype != DType::Int32 && s.dtype != DType::Int64)
      c.fail_type(std::string(names) + " must be int32 or int64 tensors, got " + dtype_name(s.dtype));
    if (s.shape.size() != 1)
      c.fail(std::string("Expected ") + names + " to be 1-D tensors, got shape " + shape_string(s.shape));
    if (s.shape[0] >= 0) {
      if (length >= 0 && s.shape[0] != length)
        c.fail(std::string("Expected ") + names + " to be 1-D tensors of one size, got sizes " +
               std::to_string(length) + " and " + std::to_string(s.shape[0]));
      length = s.shape[0];
    }
  }
  return length;
}

// ---- Slice: begin and size per dimension ------------------------------------------------

// tf.slice's box: begin[d] in [0, dim], size[d] in [0, dim - begin[d]]
// (size -1: to the end), TF's checks and messages.
Box slice_box(const InferContext& c, const Shape& in) {
  const int rank = static_cast<int>(in.size());
  const int64_t n = index_vector_length(c, 1, 2, "begin and size");
  if (n >= 0 && n != rank)
    c.fail("Expected begin and size arguments to be 1-D tensors of size " + std::to_string(rank) + ", but got size " +
           std::to_string(n));
  const Tensor* begin_t = c.value(1);
  const Tensor* size_v = c.value(2);
  const Shape begin = begin_t ? int_values(*begin_t) : Shape{}, size = size_v ? int_values(*size_v) : Shape{};
  Box box{Shape(in.size(), 0), Shape(in.size(), 1), Shape(in.size(), -1), {}};
  for (std::size_t d = 0; d < in.size(); ++d) {
    const int64_t dim = in[d];
    if (begin_t) {
      box.begin[d] = begin[d];
      if (begin[d] < 0 || (dim >= 0 && begin[d] > dim))
        c.fail("Expected begin[" + std::to_string(d) + "] in [0, " + (dim >= 0 ? std::to_string(dim) : "?") +
               "], but got " + std::to_string(begin[d]));
    }
    if (!size_v) continue;
    int64_t s = size[d];
    if (s == -1) {
      if (dim < 0 || !begin_t) continue;
      s = dim - begin[d];
    }
    if (s < 0 || (dim >= 0 && begin_t && begin[d] + s > dim))
      c.fail("Expected size[" + std::to_string(d) + "] in [0, " +
             (dim >= 0 && begin_t ? std::to_string(dim - begin[d]) : "?") + "], but got " + std::to_string(size[d]));
    box.size[d] = s;
  }
  box.out = box.size;
  return box;
}

// ---- StridedSlice: TF's sparse spec, made dense -----------------------------------------

// The masks of a StridedSlice node (bit i: entry i of begin/end/strides).
struct Masks {
  int64_t begin, end, ellipsis, new_axis, shrink;
};

Masks masks_of(const Attrs& a) {
  return {a.get_or<int64_t>("begin_mask", 0), a.get_or<int64_t>("end_mask", 0), a.get_or<int64_t>("ellipsis_mask", 0),
          a.get_or<int64_t>("new_axis_mask", 0), a.get_or<int64_t>("shrink_axis_mask", 0)};
}

inline bool bit(int64_t mask, int64_t i) {
  return i < 63 && ((mask >> i) & 1) != 0;
}

// One dense entry: what the spec says of one input dimension.
struct DenseDim {
  int64_t begin = 0, end = 0, stride = 1;
  bool begin_masked = true, end_masked = true, shrink = false;
  int sparse = -1;  // the spec entry it came from (-1: from an ellipsis or implicit)
};

constexpr int kNewAxis = -1, kShrinkAxis = -2;

// tf.strided_slice's box, exactly as TF's ValidateStridedSliceOp: the spec
// entries are expanded to one per input dimension (an ellipsis, explicit
// or implicit at the end, covers the dimensions no entry names; new axes
// take no input dimension), then per dimension, with `stride` s and the
// dimension's size n: a masked begin is 0 (s > 0) or n - 1 (s < 0), a masked
// end n or "before 0"; a negative index counts from the end, and both are
// clamped into [0, n] (s > 0) or [-1, n - 1] (s < 0); the count is
// ceil((end - begin) / s), 0 when the interval is empty. A shrunk dimension
// takes exactly index begin (negative from the end), which must exist.
Box strided_box(const InferContext& c, const Shape& in) {
  const Masks m = masks_of(c.attrs());
  const int64_t n = index_vector_length(c, 1, 3, "begin, end and strides");
  if (n < 0) c.fail("the length of begin, end and strides must be known when the graph is built");
  if (n > 32) c.fail("slices have at most 32 entries (the masks are 32-bit), got " + std::to_string(n));
  if (m.ellipsis & (m.ellipsis - 1)) c.fail("Multiple ellipses in slice spec not allowed");
  const Tensor* begin_t = c.value(1);
  const Tensor* end_t = c.value(2);
  const Tensor* stride_t = c.value(3);
  const Shape begin = begin_t ? int_values(*begin_t) : Shape{}, end = end_t ? int_values(*end_t) : Shape{};
  const Shape stride = stride_t ? int_values(*stride_t) : Shape{};
  const int rank = static_cast<int>(in.size());

  // The sparse spec, with an ellipsis at the end when it has none.
  int64_t sparse_dims = n, ellipsis = m.ellipsis;
  int new_axes_after_ellipsis = 0;
  bool ellipsis_seen = false;
  for (int64_t i = 0; i < n; ++i) {
    if (ellipsis_seen && bit(m.new_axis, i)) ++new_axes_after_ellipsis;
    if (bit(ellipsis, i)) ellipsis_seen = true;
  }
  if (!ellipsis_seen) ellipsis |= int64_t{1} << sparse_dims++;

  std::vector<DenseDim> dense(in.size());
  std::vector<int> gather;  // per output dimension: its dense dimension, or kNewAxis
  int full = 0;
  for (int64_t i = 0; i < sparse_dims; ++i) {
    if (bit(ellipsis, i)) {
      const int next = std::min(rank - static_cast<int>(sparse_dims - i) + 1 + new_axes_after_ellipsis, rank);
      for (; full < next; ++full) gather.push_back(full);
    } else if (bit(m.new_axis, i)) {
      gather.push_back(kNewAxis);
    } else {
      if (full == rank)
        c.fail("Index out of range using input dim " + std::to_string(full) + "; input has only " +
               std::to_string(rank) + " dims");
      DenseDim& d = dense[static_cast<std::size_t>(full)];
      d.sparse = static_cast<int>(i);
      d.begin_masked = bit(m.begin, i);
      d.end_masked = bit(m.end, i);
      d.shrink = bit(m.shrink, i);
      gather.push_back(d.shrink ? kShrinkAxis : full);
      ++full;
    }
  }

  Box box{Shape(in.size(), 0), Shape(in.size(), 1), Shape(in.size(), -1), {}};
  for (std::size_t k = 0; k < in.size(); ++k) {
    const DenseDim& d = dense[k];
    const int64_t dim = in[k];
    const std::size_t i = static_cast<std::size_t>(d.sparse);
    const bool known_stride = d.sparse < 0 || stride_t;
    const int64_t s = d.sparse < 0 ? 1 : (stride_t ? stride[i] : 0);
    if (known_stride && s == 0) c.fail("strides[" + std::to_string(d.sparse) + "] must be non-zero");
    if (d.shrink && known_stride && s < 0) c.fail("only stride 1 allowed on non-range indexing.");
    box.stride[k] = s;
    if (d.shrink) {
      box.size[k] = 1;
      if (!begin_t || dim < 0) continue;
      const int64_t b = begin[i] < 0 ? dim + begin[i] : begin[i];
      if (b < 0 || b >= dim)
        c.fail("slice index " + std::to_string(begin[i]) + " of dimension " + std::to_string(k) + " out of bounds.");
      box.begin[k] = b;
      continue;
    }
    if (!known_stride || dim < 0) continue;
    const bool have_begin = d.begin_masked || begin_t, have_end = d.end_masked || end_t;
    if (!have_begin || !have_end) continue;
    // Valid range [lo, hi] of a canonical index for this direction.
    const int64_t lo = s > 0 ? 0 : -1, hi = s > 0 ? dim : dim - 1;
    auto canonical = [&](int64_t x, bool masked, bool is_end) {
      if (masked) return (s > 0) != is_end ? lo : hi;
      const int64_t fwd = x < 0 ? dim + x : x;
      return fwd < lo ? lo : (fwd > hi ? hi : fwd);
    };
    const int64_t b = canonical(d.sparse < 0 ? 0 : (begin_t ? begin[i] : 0), d.begin_masked, false);
    const int64_t e = canonical(d.sparse < 0 ? 0 : (end_t ? end[i] : 0), d.end_masked, true);
    const int64_t length = e - b;
    box.begin[k] = b;
    box.size[k] = (length == 0 || (length < 0) != (s < 0)) ? 0 : length / s + (length % s != 0 ? 1 : 0);
  }
  for (int g : gather) {
    if (g >= 0) box.out.push_back(box.size[static_cast<std::size_t>(g)]);
    else if (g == kNewAxis) box.out.push_back(1);
  }
  return box;
}

// ---- the shared copy ---------------------------------------------------------------------

// Copies between a box of `full` (shape `shape`) and a dense tensor of the
// box's size: Gather reads the box into `dense`, Scatter writes `dense`
// into the box. Trailing dimensions the box covers whole (begin 0, stride 1,
// every element) are merged into the rows memcpy moves, so the common
// x[a:b] copies whole rows.
enum class Direction { Gather, Scatter };

// n elements of type W (one of each dtype's size), `jump` elements apart
// in `full`, next to each other in `dense`.
template <Direction kDir, typename W> void strided_move(char* full, char* dense, int64_t jump, int64_t n) {
  W* f = reinterpret_cast<W*>(full);
  W* d = reinterpret_cast<W*>(dense);
  for (int64_t j = 0; j < n; ++j) {
    if constexpr (kDir == Direction::Gather) d[j] = f[j * jump];
    else f[j * jump] = d[j];
  }
}

template <Direction kDir> void box_copy(const Box& box, const Shape& shape, char* full, char* dense,
                                        std::size_t bytes) {
  // Canonical dimensions, merged: (begin, stride, size, element stride in `full`).
  struct Dim {
    int64_t begin, stride, size, step;
  };
  std::vector<Dim> dims;
  const Shape strides = strides_of(shape);
  for (std::size_t d = 0; d < shape.size(); ++d) {
    if (box.size[d] == 0) return;  // an empty box: nothing to move
    dims.push_back({box.begin[d], box.stride[d], box.size[d], strides[d]});
  }
  while (dims.size() >= 2) {
    const Dim& last = dims.back();
    Dim& prev = dims[dims.size() - 2];
    const int64_t whole = prev.step / last.step;  // the size of the last dimension in `full`
    if (!(last.begin == 0 && last.stride == 1 && last.size == whole && prev.stride == 1)) break;
    prev = {prev.begin * whole, 1, prev.size * whole, last.step};
    dims.pop_back();
  }
  if (dims.empty()) dims.push_back({0, 1, 1, 1});  // a scalar
  const Dim inner = dims.back();
  dims.pop_back();
  int64_t rows = 1;
  for (const Dim& d : dims) rows *= d.size;
  const int64_t row_bytes = inner.size * static_cast<int64_t>(bytes);
  auto move_rows = [&](int64_t first, int64_t last) {
    for (int64_t r = first; r < last; ++r) {
      // Offset of row r's first element in `full`: its index in each outer
      // dimension, from the last one up.
      int64_t offset = inner.begin * inner.step, rest = r;
      for (std::size_t k = dims.size(); k-- > 0;) {
        offset += (dims[k].begin + (rest % dims[k].size) * dims[k].stride) * dims[k].step;
        rest /= dims[k].size;
      }
      char* f = full + offset * static_cast<int64_t>(bytes);
      char* dn = dense + r * row_bytes;
      if (inner.stride == 1) {
        if constexpr (kDir == Direction::Gather) std::memcpy(dn, f, static_cast<std::size_t>(row_bytes));
        else std::memcpy(f, dn, static_cast<std::size_t>(row_bytes));
        continue;
      }
      const int64_t jump = inner.stride * inner.step;  // in elements
      switch (bytes) {
        case 1: strided_move<kDir, uint8_t>(f, dn, jump, inner.size); break;
        case 2: strided_move<kDir, uint16_t>(f, dn, jump, inner.size); break;
        case 4: strided_move<kDir, uint32_t>(f, dn, jump, inner.size); break;
        case 8: strided_move<kDir, uint64_t>(f, dn, jump, inner.size); break;
        default:
          for (int64_t j = 0; j < inner.size; ++j, f += jump * static_cast<int64_t>(bytes), dn += bytes) {
            if constexpr (kDir == Direction::Gather) std::memcpy(dn, f, bytes);
            else std::memcpy(f, dn, bytes);
          }
      }
    }
  };
  if (rows * inner.size >= kParallelThreshold && rows > 1) parallel_chunks(rows, 1, move_rows);
  else move_rows(0, rows);
}

using BoxFn = Box (*)(const InferContext&, const Shape&);

// The box of a kernel's node for input shape `shape` and the node's current
// input values (the box rule at run time).
Box kernel_box(KernelContext& c, BoxFn box_fn, const Shape& shape, int first_index_input, int num_index_inputs) {
  std::vector<TensorSpec> specs{{DType::Float32, shape}};
  std::vector<const Tensor*> values{nullptr};
  for (int i = first_index_input; i < first_index_input + num_index_inputs; ++i) {
    specs.push_back({c.input(i).dtype(), c.input(i).shape()});
    values.push_back(&c.input(i));
  }
  const InferContext ic{c.node, specs, &values};
  return box_fn(ic, shape);
}

// The forward op: y = the box of x.
template <BoxFn kBox> std::vector<TensorSpec> forward_shape(const InferContext& c) {
  return {{c.input(0).dtype, kBox(c, c.input(0).shape).out}};
}
template <BoxFn kBox, int kIndexInputs> void forward_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  const Box box = kernel_box(c, kBox, x.shape(), 1, kIndexInputs);
  box_copy<Direction::Gather>(box, x.shape(), static_cast<char*>(x.raw()), static_cast<char*>(c.output(0).raw()),
                              dtype_size(x.dtype()));
}

// The gradient op (x, index inputs..., dy): zeros like x with dy in the box.
template <BoxFn kBox, int kIndexInputs> std::vector<TensorSpec> grad_shape(const InferContext& c) {
  const TensorSpec& dy = c.input(kIndexInputs + 1);
  const Shape expected = kBox(c, c.input(0).shape).out;
  if (!shape_compatible(expected, dy.shape))
    c.fail("the gradient has shape " + shape_string(dy.shape) + ", the slice " + shape_string(expected));
  return {{dy.dtype, c.input(0).shape}};
}
template <BoxFn kBox, int kIndexInputs> void grad_kernel(KernelContext& c) {
  Tensor& dx = c.output(0);
  const Box box = kernel_box(c, kBox, dx.shape(), 1, kIndexInputs);
  dx.fill_zero();
  box_copy<Direction::Scatter>(box, dx.shape(), static_cast<char*>(dx.raw()),
                               static_cast<char*>(c.input(kIndexInputs + 1).raw()), dtype_size(dx.dtype()));
}

// dx = Grad(x, indices..., dy); the grad op's own gradient (with respect to
// dy) is the forward slice of ddx.
GradFn slice_gradient(const char* grad_type) {
  return [grad_type](const GradContext& c) {
    std::vector<Output> inputs(c.inputs.begin(), c.inputs.end());
    inputs.push_back(c.grad());
    std::vector<Output> grads(c.inputs.size());
    grads[0] = c.graph.add(grad_type, inputs, c.attrs());
    return grads;
  };
}
template <int kIndexInputs>
GradFn slice_grad_gradient(const char* forward_type) {
  return [forward_type](const GradContext& c) {
    std::vector<Output> inputs{c.grad()};
    for (int i = 1; i <= kIndexInputs; ++i) inputs.push_back(c.input(i));
    std::vector<Output> grads(c.inputs.size());
    grads[kIndexInputs + 1] = c.graph.add(forward_type, inputs, c.attrs());
    return grads;
  };
}

// tf.slice(x, begin, size).
REGISTER_OP("Slice")
    .inputs(3)
    .shape(forward_shape<slice_box>)
    .kernel(forward_kernel<slice_box, 2>)
    .gradient(slice_gradient("SliceGrad"))
    .value_dependent_shape();

// SliceGrad(x, begin, size, dy): zeros like x, dy at the slice.
REGISTER_OP("SliceGrad")
    .inputs(4)
    .shape(grad_shape<slice_box, 2>)
    .kernel(grad_kernel<slice_box, 2>)
    .gradient(slice_grad_gradient<2>("Slice"))
    .value_dependent_shape();

// tf.strided_slice(x, begin, end, strides) with the node's masks.
REGISTER_OP("StridedSlice")
    .inputs(4)
    .shape(forward_shape<strided_box>)
    .kernel(forward_kernel<strided_box, 3>)
    .gradient(slice_gradient("StridedSliceGrad"))
    .value_dependent_shape();

// StridedSliceGrad(x, begin, end, strides, dy): zeros like x, dy at the slice.
REGISTER_OP("StridedSliceGrad")
    .inputs(5)
    .shape(grad_shape<strided_box, 3>)
    .kernel(grad_kernel<strided_box, 3>)
    .gradient(slice_grad_gradient<3>("StridedSlice"))
    .value_dependent_shape();

}  // namespace

namespace ops {

namespace {
Output int64_vector(Graph& g, const std::vector<int64_t>& values) {
  Tensor t(DType::Int64, {static_cast<int64_t>(values.size())});
  std::copy(values.begin(), values.end(), t.data<int64_t>());
  return constant(g, t);
}
}  // namespace

Output slice(Output x, const std::vector<int64_t>& begin, const std::vector<int64_t>& size, const std::string& name) {
  Graph& g = x.graph();
  return g.add("Slice", {x, int64_vector(g, begin), int64_vector(g, size)}, {}, name);
}

Output strided_slice(Output x, const std::vector<int64_t>& begin, const std::vector<int64_t>& end,
                     const std::vector<int64_t>& strides, SliceMasks masks, const std::string& name) {
  Graph& g = x.graph();
  return g.add("StridedSlice", {x, int64_vector(g, begin), int64_vector(g, end), int64_vector(g, strides)},
               {{"begin_mask", masks.begin},
                {"end_mask", masks.end},
                {"ellipsis_mask", masks.ellipsis},
                {"new_axis_mask", masks.new_axis},
                {"shrink_axis_mask", masks.shrink_axis}},
               name);
}

}  // namespace ops
}  // namespace slimcore
