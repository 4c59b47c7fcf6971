// Helpers shared by kernels: dtype dispatch, shapes (and, through
// parallel.h, the parallel loops).
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "parallel.h"
#include "slimcore/dtype.h"
#include "slimcore/errors.h"
#include "slimcore/shape.h"
#include "slimcore/tensor.h"

namespace slimcore {

// Calls fn(T{}) with T the C++ type of a floating dtype.
template <typename Fn> void dispatch_float(DType dtype, Fn&& fn) {
  switch (dtype) {
    case DType::Float32: fn(float{}); return;
    case DType::Float64: fn(double{}); return;
    default: throw TypeMismatch("expected a float32 or float64 tensor, got " + dtype_name(dtype));
  }
}

// Calls fn(T{}) with T the C++ type of a numeric (non-bool) dtype.
template <typename Fn> void dispatch_numeric(DType dtype, Fn&& fn) {
  switch (dtype) {
    case DType::Float32: fn(float{}); return;
    case DType::Float64: fn(double{}); return;
    case DType::Int32: fn(int32_t{}); return;
    case DType::Int64: fn(int64_t{}); return;
    default: throw TypeMismatch("expected a numeric tensor, got " + dtype_name(dtype));
  }
}

// Calls fn(T{}) for any dtype.
template <typename Fn> void dispatch_any(DType dtype, Fn&& fn) {
  if (dtype == DType::Bool) {
    fn(bool{});
    return;
  }
  dispatch_numeric(dtype, fn);
}

// Row-major strides of a shape, in elements.
inline Shape strides_of(const Shape& shape) {
  Shape strides(shape.size(), 1);
  for (int i = static_cast<int>(shape.size()) - 2; i >= 0; --i) strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

// Normalizes a possibly negative axis for a tensor of `rank`; throws naming
// `what` when out of range.
int64_t normalize_axis(int64_t axis, int64_t rank, const char* what);

// The elements of an int32 or int64 tensor as int64s, row-major: the value of
// a shape, multiples or paddings argument computed at run time (tf.shape(y)).
inline std::vector<int64_t> int_values(const Tensor& t, const char* what) {
  std::vector<int64_t> out(static_cast<std::size_t>(t.numel()));
  if (t.dtype() == DType::Int32) std::copy(t.data<int32_t>(), t.data<int32_t>() + t.numel(), out.begin());
  else if (t.dtype() == DType::Int64) std::copy(t.data<int64_t>(), t.data<int64_t>() + t.numel(), out.begin());
  else throw TypeMismatch(std::string(what) + " must be an int32 or int64 tensor, got " + dtype_name(t.dtype()));
  return out;
}

}  // namespace slimcore
