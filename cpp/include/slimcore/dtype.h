// Element types of tensors.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace slimcore {

// The compute dtypes (float32, float64, int32, int64, bool) are the ones
// kernels take. The storage dtypes (int8, int16, uint8, uint16, float16,
// string) exist so that TF1 programs can feed, fetch, hold as constants,
// reshape and tf.cast them; any other op refuses them (OpDef::any_dtype).
// Float16 is stored as IEEE half bits (uint16_t); String as one std::string
// per element (bytes, as TF's tf.string).
enum class DType : int {
  Float32 = 0,
  Float64 = 1,
  Int32 = 2,
  Int64 = 3,
  Bool = 4,
  Int8 = 5,
  Int16 = 6,
  UInt8 = 7,
  UInt16 = 8,
  Float16 = 9,
  String = 10,
};

// Size of one element in bytes (Bool is stored as one byte, String as a
// std::string object).
std::size_t dtype_size(DType dtype);
// TensorFlow's name of the dtype: "float32", "float64", "int32", "int64",
// "bool", "int8", "int16", "uint8", "uint16", "float16", "string".
std::string dtype_name(DType dtype);
// float32 and float64: the floating compute dtypes (not float16).
bool is_floating(DType dtype);
// int32 and int64: the integer compute dtypes.
bool is_integer(DType dtype);
// float32, float64, int32, int64 and bool: what kernels compute in.
bool is_compute_dtype(DType dtype);

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
template <> struct dtype_of<int8_t> {
  static constexpr DType value = DType::Int8;
};
template <> struct dtype_of<int16_t> {
  static constexpr DType value = DType::Int16;
};
template <> struct dtype_of<uint8_t> {
  static constexpr DType value = DType::UInt8;
};
template <> struct dtype_of<uint16_t> {  // uint16; float16 is read through raw()
  static constexpr DType value = DType::UInt16;
};
template <> struct dtype_of<std::string> {
  static constexpr DType value = DType::String;
};

}  // namespace slimcore
