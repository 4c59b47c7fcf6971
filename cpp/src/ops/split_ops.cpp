// Ops with one output per piece of their input along an axis: Split (tf.split
// into num equal pieces), SplitV (tf.split with sizes, one of them -1) and
// Unpack (tf.unstack). The gradients join the pieces' gradients back (ConcatV2,
// Pack), zeros standing in for pieces no gradient reached.
#include <cstring>
#include <string>

#include "grad_util.h"
#include "kernel_util.h"
#include "op_registry.h"
#include "slimcore/ops.h"

namespace slimcore {

namespace {

// The node's axis for an input of shape `in` (checked), non-negative.
std::size_t split_axis(const InferContext& c, const Shape& in, const char* what) {
  const int64_t rank = static_cast<int64_t>(in.size());
  const int64_t axis = c.attrs().get<int64_t>("axis");
  if (axis < -rank || axis >= rank)
    c.fail(std::string(what) + ": axis " + std::to_string(axis) + " is out of range for a tensor of shape " +
           shape_string(in) + " (valid axes are " + std::to_string(-rank) + ".." + std::to_string(rank - 1) + ")");
  return static_cast<std::size_t>(axis < 0 ? axis + rank : axis);
}

// One output spec per size: `in` with its `axis` dimension set to the size
// (unknown stays -1); `drop_axis` removes that dimension instead (Unpack).
std::vector<TensorSpec> pieces(DType dtype, const Shape& in, std::size_t axis, const std::vector<int64_t>& sizes,
                               bool drop_axis = false) {
  std::vector<TensorSpec> out;
  for (int64_t size : sizes) {
    Shape s = in;
    if (drop_axis) s.erase(s.begin() + static_cast<std::ptrdiff_t>(axis));
    else s[axis] = size;
    out.push_back({dtype, s});
  }
  return out;
}

// Copies each output's slab of x along `axis`, the outputs in order; each
// output's extent along the axis is `extent(k)` (its own dimension, or 1 for
// Unpack, whose outputs drop the axis). One parallel region over (row,
// output) blocks, as Pack: a fork/join per output would cost more than the
// copies on a shared machine.
template <typename Extent> void split_kernel(KernelContext& c, std::size_t axis, Extent extent) {
  const Tensor& x = c.input(0);
  const std::size_t bytes = dtype_size(x.dtype());
  const int64_t outer = num_elements(x.shape(), 0, axis);
  const int64_t inner = num_elements(x.shape(), axis + 1, x.shape().size());
  const int64_t row = x.dim(static_cast<int>(axis)) * inner;
  const int64_t n = static_cast<int64_t>(c.outputs.size());
  std::vector<int64_t> offsets(c.outputs.size()), lens(c.outputs.size());
  std::vector<char*> dsts(c.outputs.size());
  for (int64_t k = 0, offset = 0; k < n; ++k) {
    offsets[k] = offset;
    lens[k] = extent(static_cast<std::size_t>(k)) * inner;
    dsts[k] = static_cast<char*>(c.output(static_cast<int>(k)).raw());
    offset += lens[k];
  }
  const char* src = static_cast<const char*>(x.raw());
  auto blocks = [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      const int64_t r = b / n, k = b % n;
      if (lens[k] > 0)
        std::memcpy(dsts[k] + r * lens[k] * bytes, src + (r * row + offsets[k]) * bytes,
                    static_cast<std::size_t>(lens[k]) * bytes);
    }
  };
  if (x.numel() >= kParallelThreshold && outer * n > 1) parallel_chunks(outer * n, 1, blocks);
  else blocks(0, outer * n);
}

// The pieces' gradients, zeros where none arrived.
std::vector<Output> piece_grads(const GradContext& c) {
  std::vector<Output> grads;
  for (std::size_t k = 0; k < c.grad_outputs.size(); ++k)
    grads.push_back(c.grad_outputs[k].valid() ? c.grad_outputs[k] : zeros_like(c.output(static_cast<int>(k))));
  return grads;
}

std::vector<Output> split_gradient(const GradContext& c) {
  return {ops::concat(piece_grads(c), c.attrs().get<int64_t>("axis"))};
}

// y_k = x[..., k*n/num : (k+1)*n/num, ...] along `axis`, n = x.shape[axis].
REGISTER_OP("Split")
    .inputs(1)
    .shape([](const InferContext& c) {
      const TensorSpec& x = c.input(0);
      const std::size_t axis = split_axis(c, x.shape, "split");
      const int64_t num = c.attrs().get<int64_t>("num_split");
      if (num < 1) c.fail("split: num_split must be >= 1, got " + std::to_string(num));
      const int64_t n = x.shape[axis];
      if (n >= 0 && n % num != 0)
        c.fail("Number of ways to split should evenly divide the split dimension, but got split_dim " +
               std::to_string(axis) + " (size = " + std::to_string(n) + ") and num_split " + std::to_string(num));
      return pieces(x.dtype, x.shape, axis, std::vector<int64_t>(static_cast<std::size_t>(num), n < 0 ? -1 : n / num));
    })
    .kernel([](KernelContext& c) {
      const std::size_t axis =
          static_cast<std::size_t>(normalize_axis(c.attrs().get<int64_t>("axis"), c.input(0).rank(), "split"));
      split_kernel(c, axis, [&](std::size_t k) { return c.output(static_cast<int>(k)).dim(static_cast<int>(axis)); });
    })
    .gradient(split_gradient);

// y_k = the k-th piece of x along `axis`, of size size_splits[k]; one size
// may be -1, the rest of the dimension.
REGISTER_OP("SplitV")
    .inputs(1)
    .shape([](const InferContext& c) {
      const TensorSpec& x = c.input(0);
      const std::size_t axis = split_axis(c, x.shape, "split");
      std::vector<int64_t> sizes = c.attrs().get<std::vector<int64_t>>("size_splits");
      if (sizes.empty()) c.fail("split: size_splits must not be empty");
      int64_t known = 0;
      int inferred = -1;
      for (std::size_t k = 0; k < sizes.size(); ++k) {
        if (sizes[k] == -1 && inferred < 0) inferred = static_cast<int>(k);
        else if (sizes[k] < 0)
          c.fail("split: size_splits must be >= 0 with at most one -1, got " + std::to_string(sizes[k]) + " at index " +
                 std::to_string(k));
        else known += sizes[k];
      }
      const int64_t n = x.shape[axis];
      if (n >= 0) {
        if (inferred >= 0 ? known > n : known != n)
          c.fail(
              "Determined shape must either match input shape along split_dim exactly if fully specified, or be "
              "less than the size of the input along split_dim if not fully specified: the sizes add up to " +
              std::to_string(known) + ", dimension " + std::to_string(axis) + " of shape " + shape_string(x.shape) +
              " is " + std::to_string(n));
        if (inferred >= 0) sizes[static_cast<std::size_t>(inferred)] = n - known;
      }
      return pieces(x.dtype, x.shape, axis, sizes);
    })
    .kernel([](KernelContext& c) {
      const std::size_t axis =
          static_cast<std::size_t>(normalize_axis(c.attrs().get<int64_t>("axis"), c.input(0).rank(), "split"));
      split_kernel(c, axis, [&](std::size_t k) { return c.output(static_cast<int>(k)).dim(static_cast<int>(axis)); });
    })
    .gradient(split_gradient);

// y_k = x[..., k, ...] along `axis`, that dimension removed (tf.unstack).
REGISTER_OP("Unpack")
    .inputs(1)
    .shape([](const InferContext& c) {
      const TensorSpec& x = c.input(0);
      const std::size_t axis = split_axis(c, x.shape, "unstack");
      const int64_t num = c.attrs().get<int64_t>("num");
      if (x.shape[axis] >= 0 && x.shape[axis] != num)
        c.fail("unstack: num " + std::to_string(num) + " does not match dimension " + std::to_string(axis) +
               " of shape " + shape_string(x.shape));
      return pieces(x.dtype, x.shape, axis, std::vector<int64_t>(static_cast<std::size_t>(num), 1), true);
    })
    .kernel([](KernelContext& c) {
      const std::size_t axis =
          static_cast<std::size_t>(normalize_axis(c.attrs().get<int64_t>("axis"), c.input(0).rank(), "unstack"));
      split_kernel(c, axis, [](std::size_t) { return int64_t{1}; });
    })
    .gradient([](const GradContext& c) {
      return std::vector<Output>{ops::stack(piece_grads(c), c.attrs().get<int64_t>("axis"))};
    });

}  // namespace

namespace ops {

namespace {
std::vector<Output> all_outputs(Output first) {
  std::vector<Output> out;
  for (std::size_t k = 0; k < first.node().outputs.size(); ++k)
    out.emplace_back(&first.graph(), TensorRef{first.node_id(), static_cast<int>(k)});
  return out;
}
}  // namespace

std::vector<Output> split(Output x, std::vector<int64_t> sizes, int64_t axis, const std::string& name) {
  return all_outputs(x.graph().add("SplitV", {x}, {{"size_splits", std::move(sizes)}, {"axis", axis}}, name));
}

std::vector<Output> unstack(Output x, int64_t axis, const std::string& name) {
  const int64_t rank = static_cast<int64_t>(x.shape().size());
  const int64_t num =
      axis >= -rank && axis < rank ? x.shape()[static_cast<std::size_t>(axis < 0 ? axis + rank : axis)] : 0;
  if (num < 0) throw InvalidArgument("unstack: dimension " + std::to_string(axis) + " of " + x.name() + " is unknown");
  return all_outputs(x.graph().add("Unpack", {x}, {{"num", num}, {"axis", axis}}, name));
}

}  // namespace ops
}  // namespace slimcore
