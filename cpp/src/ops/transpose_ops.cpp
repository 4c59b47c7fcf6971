// Transpose (tf.transpose): y.shape[k] = x.shape[perm[k]],
// y[i_0, ..., i_{n-1}] = x[j] with j[perm[k]] = i_k. Its gradient is the
// transpose by the inverse permutation.
#include <algorithm>
#include <cstring>
#include <string>

#include "kernel_util.h"
#include "op_registry.h"
#include "slimcore/ops.h"

namespace slimcore {

namespace {

std::string perm_string(const std::vector<int64_t>& perm) {
  std::string s = "[";
  for (std::size_t k = 0; k < perm.size(); ++k) s += (k ? ", " : "") + std::to_string(perm[k]);
  return s + "]";
}

// Checks that `perm` is a permutation of 0..rank-1 (TF1's rule: no negative entries).
void check_perm(const InferContext& c, const std::vector<int64_t>& perm, const Shape& shape) {
  const int64_t rank = static_cast<int64_t>(shape.size());
  if (static_cast<int64_t>(perm.size()) != rank)
    c.fail("transpose expects a vector of size " + std::to_string(rank) + " (the rank of shape " + shape_string(shape) +
           "), got perm " + perm_string(perm));
  std::vector<char> seen(perm.size(), 0);
  for (int64_t p : perm) {
    if (p < 0 || p >= rank)
      c.fail("perm dim " + std::to_string(p) + " is out of range of input rank " + std::to_string(rank) + " (perm " +
             perm_string(perm) + ")");
    if (seen[static_cast<std::size_t>(p)])
      c.fail("perm " + perm_string(perm) + " is not a permutation of 0.." + std::to_string(rank - 1));
    seen[static_cast<std::size_t>(p)] = 1;
  }
}

// y[row, j] = x[offset(row) + j * step] over the output's rows (all its
// dimensions but the last), `in_strides[k]` being x's stride along the axis
// that becomes y's axis k.
template <typename T> void permute(const T* x, T* y, const Shape& out_shape, const Shape& in_strides) {
  const std::size_t rank = out_shape.size();
  if (rank == 0) {
    y[0] = x[0];
    return;
  }
  const int64_t cols = out_shape[rank - 1], step = in_strides[rank - 1];
  const int64_t rows = num_elements(out_shape, 0, rank - 1);
  if (cols == 0) return;
  auto body = [&](int64_t begin, int64_t end) {
    Shape index(rank - 1, 0);  // the row's index over the leading dimensions
    int64_t offset = 0;
    for (int64_t r = begin, d = static_cast<int64_t>(rank) - 2; d >= 0; --d) {
      index[d] = r % out_shape[d];
      r /= out_shape[d];
      offset += index[d] * in_strides[d];
    }
    for (int64_t r = begin; r < end; ++r) {
      T* dst = y + r * cols;
      if (step == 1) std::copy(x + offset, x + offset + cols, dst);  // the last axis stays last: rows copy whole
      else
        for (int64_t j = 0; j < cols; ++j) dst[j] = x[offset + j * step];
      for (int64_t d = static_cast<int64_t>(rank) - 2; d >= 0; --d) {  // next row: carry like an odometer
        offset += in_strides[d];
        if (++index[d] < out_shape[d]) break;
        offset -= index[d] * in_strides[d];
        index[d] = 0;
      }
    }
  };
  if (rows * cols >= kParallelThreshold) parallel_chunks(rows, 1, body);
  else body(0, rows);
}

// Elements are moved as raw words of their size: one instantiation per size.
template <typename Fn> void dispatch_size(std::size_t bytes, Fn&& fn) {
  switch (bytes) {
    case 1: fn(uint8_t{}); return;
    case 2: fn(uint16_t{}); return;
    case 4: fn(uint32_t{}); return;
    case 8: fn(uint64_t{}); return;
    default: throw InvalidArgument("transpose: unsupported element size " + std::to_string(bytes));
  }
}

REGISTER_OP("Transpose")
    .inputs(1)
    .shape([](const InferContext& c) {
      const TensorSpec& x = c.input(0);
      const auto& perm = c.attrs().get<std::vector<int64_t>>("perm");
      check_perm(c, perm, x.shape);
      Shape out(perm.size());
      for (std::size_t k = 0; k < perm.size(); ++k) out[k] = x.shape[static_cast<std::size_t>(perm[k])];
      return std::vector<TensorSpec>{{x.dtype, out}};
    })
    .kernel([](KernelContext& c) {
      const Tensor& x = c.input(0);
      Tensor& y = c.output(0);
      const auto& perm = c.attrs().get<std::vector<int64_t>>("perm");
      const Shape x_strides = strides_of(x.shape());
      Shape in_strides(perm.size());
      for (std::size_t k = 0; k < perm.size(); ++k) in_strides[k] = x_strides[static_cast<std::size_t>(perm[k])];
      if (y.numel() == 0) return;
      dispatch_size(dtype_size(x.dtype()), [&](auto word) {
        using W = decltype(word);
        permute(static_cast<const W*>(x.raw()), static_cast<W*>(y.raw()), y.shape(), in_strides);
      });
    })
    .gradient([](const GradContext& c) {
      const auto& perm = c.attrs().get<std::vector<int64_t>>("perm");
      std::vector<int64_t> inverse(perm.size());
      for (std::size_t k = 0; k < perm.size(); ++k)
        inverse[static_cast<std::size_t>(perm[k])] = static_cast<int64_t>(k);
      return std::vector<Output>{c.graph.add("Transpose", {c.grad()}, {{"perm", inverse}})};
    });

}  // namespace

namespace ops {

Output transpose(Output x, std::vector<int64_t> perm, const std::string& name) {
  return x.graph().add("Transpose", {x}, {{"perm", std::move(perm)}}, name);
}

}  // namespace ops
}  // namespace slimcore
