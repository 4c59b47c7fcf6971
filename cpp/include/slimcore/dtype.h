// Element types of tensors.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace slimcore {

enum class DType : int { Float32 = 0, Float64 = 1, Int32 = 2, Int64 = 3, Bool = 4 };

// Size of one element in bytes (Bool is stored as one byte).
std::size_t dtype_size(DType dtype);
// TensorFlow's name of the dtype: "float32", "float64", "int32", "int64", "bool".
std::string dtype_name(DType dtype);
bool is_floating(DType dtype);
bool is_integer(DType dtype);

// The C++ element type of each dtype.
template <typename T> struct dtype_of;
template <> struct dtype_of<float> {
  static constexpr DType value = DType::Float32;
};
template <> struct dtype_of<double> {
  static constexpr DType value = DType::Float64;
};
template <> struct dtype_of<int32_t> {
  static constexpr DType value = DType::Int32;
};
template <> struct dtype_of<int64_t> {
  static constexpr DType value = DType::Int64;
};
template <> struct dtype_of<bool> {
  static constexpr DType value = DType::Bool;
};

}  // namespace slimcore
