// Tensor shapes. A static shape may hold -1 for a dimension that is unknown
// until the graph runs (the batch dimension of a placeholder), or have an
// unknown rank (tf.placeholder(tf.float32) without a shape: TF's
// TensorShape(None)), written as the one-element shape {kUnknownRank}.
//
// Unknown rank is a static matter only: a tensor that runs always has a known
// shape, and shape functions never see an unknown rank (the op registry
// resolves it generically, see infer_outputs in op_registry.h). Code that
// reads a static shape asks is_unknown_rank() first; num_elements gives -1,
// is_fully_defined false, shape_compatible true against any shape and
// shape_string "<unknown>" for it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace slimcore {

using Shape = std::vector<int64_t>;
constexpr int64_t kUnknownDim = -1;
// The one dimension of the shape of unknown rank; not a dimension itself.
constexpr int64_t kUnknownRank = -2;
// The static shape of unknown rank, {kUnknownRank}.
inline Shape unknown_rank_shape() {
  return Shape{kUnknownRank};
}
inline bool is_unknown_rank(const Shape& shape) {
  return shape.size() == 1 && shape[0] == kUnknownRank;
}

// The largest dimension and element count the engine indexes: 2^62. Element
// offsets are int64_t, and every product of a shape's nonzero dimensions (the
// strides and sub-block sizes kernels compute) stays below it, so index math
// over a shape that passed check_shape_size cannot overflow.
constexpr int64_t kMaxElements = int64_t{1} << 62;

// a * b for sizes in [0, kMaxElements]; throws InvalidArgument("<what>: ...")
// when the product exceeds kMaxElements. The one checked multiplication of
// shape sizes (through __builtin_mul_overflow).
int64_t checked_size_product(int64_t a, int64_t b, const std::string& what);

// Number of elements; -1 if any dimension is unknown. Throws InvalidArgument
// naming the shape when its known nonzero dimensions multiply past
// kMaxElements (even when another dimension is 0 or unknown).
int64_t num_elements(const Shape& shape);
// Product of shape[begin, end) of a fully known shape, checked as
// num_elements.
int64_t num_elements(const Shape& shape, std::size_t begin, std::size_t end);
// Throws InvalidArgument unless every known dimension, the element count and
// the byte size (elements of `element_bytes`) fit what the engine indexes:
// dimensions and element counts <= 2^62, bytes <= PTRDIFF_MAX.
void check_shape_size(const Shape& shape, std::size_t element_bytes);
bool is_fully_defined(const Shape& shape);
// "[?, 784]" style, as TF prints shapes; "<unknown>" for unknown rank.
std::string shape_string(const Shape& shape);
// True when every known dimension of `partial` equals the one of `full`
// (always true when either has unknown rank).
bool shape_compatible(const Shape& partial, const Shape& full);

}  // namespace slimcore
