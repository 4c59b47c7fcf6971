// One element converted between dtypes with TensorFlow's numbers (tf.cast,
// and the on/off values of OneHot).
#pragma once
#include <cstdint>
#include <limits>
#include <type_traits>

namespace slimcore {

// TensorFlow's (and numpy's astype) numbers on x86:
//   float -> int32/int64: truncates toward zero; nan or a value out of the
//     integer's range gives the integer's minimum (what the cvtt instructions
//     TF's kernel compiles to return; written out here because the plain C++
//     cast is undefined there);
//   float -> int8/int16/uint8/uint16: truncated to int32 as above, then
//     wrapped to the narrow type (300.0 -> uint8 44, -1.0 -> uint8 255);
//   int -> narrower int: keeps the low bits (wraps, as numpy astype);
//   anything -> bool: x != 0; bool -> number: 0 or 1.
// (float16 goes through float32: cast_ops.cpp.)
template <typename D, typename S> D convert(S v) {
  if constexpr (std::is_same_v<D, bool>) {
    return v != S(0);
  } else if constexpr (std::is_floating_point_v<S> && std::is_integral_v<D> && sizeof(D) < sizeof(int32_t)) {
    return static_cast<D>(convert<int32_t, S>(v));
  } else if constexpr (std::is_floating_point_v<S> && std::is_integral_v<D>) {
    constexpr S lo = static_cast<S>(std::numeric_limits<D>::min());  // -2^(bits-1), exact
    return (v >= lo && v < -lo) ? static_cast<D>(v) : std::numeric_limits<D>::min();
  } else {
    return static_cast<D>(v);
  }
}

}  // namespace slimcore
