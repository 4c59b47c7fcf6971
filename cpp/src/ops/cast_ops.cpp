// Cast (tf.cast) between every numeric dtype: the compute dtypes (float32,
// float64, int32, int64, bool) and the storage ones (int8, int16, uint8,
// uint16, float16). string casts only to string (TF1 converts with
// tf.as_string / tf.strings.to_number, which slimcore does not have).
#include <Eigen/Core>
#include <cstdint>
#include <type_traits>

#include "convert.h"
#include "kernel_util.h"
#include "op_registry.h"
#include "slimcore/ops.h"

namespace slimcore {

namespace {

// Calls fn(T{}) with T the C++ element type of any numeric dtype (bool and
// the storage dtypes included; float16 as Eigen::half).
template <typename Fn> void dispatch_castable(DType dtype, Fn&& fn) {
  switch (dtype) {
    case DType::Int8: fn(int8_t{}); return;
    case DType::Int16: fn(int16_t{}); return;
    case DType::UInt8: fn(uint8_t{}); return;
    case DType::UInt16: fn(uint16_t{}); return;
    case DType::Float16: fn(Eigen::half{}); return;
    default: dispatch_any(dtype, fn);
  }
}

// One element of Cast: convert (convert.h) with float16 through float32
// (rounded to nearest even into float16).
template <typename D, typename S> D cast_element(S v) {
  if constexpr (std::is_same_v<S, Eigen::half>) {
    return cast_element<D, float>(static_cast<float>(v));
  } else if constexpr (std::is_same_v<D, Eigen::half>) {
    return Eigen::half(static_cast<float>(v));
  } else {
    return convert<D, S>(v);
  }
}

REGISTER_OP("Cast")
    .inputs(1)
    .shape([](const InferContext& c) {
      const DType src = c.input(0).dtype, dst = c.attrs().get<DType>("DstT");
      if ((src == DType::String) != (dst == DType::String))
        c.fail_type("cannot cast " + dtype_name(src) + " to " + dtype_name(dst) +
                    ": string tensors cast only to string (TF1: tf.as_string, tf.strings.to_number)");
      return std::vector<TensorSpec>{{dst, c.input(0).shape}};
    })
    .kernel([](KernelContext& c) {
      const Tensor& x = c.input(0);
      Tensor& out = c.output(0);
      if (x.dtype() == DType::String) {
        out.copy_from(x);
        return;
      }
      dispatch_castable(x.dtype(), [&](auto src_zero) {
        using S = decltype(src_zero);
        dispatch_castable(out.dtype(), [&](auto dst_zero) {
          using D = decltype(dst_zero);
          const S* in = static_cast<const S*>(x.raw());
          D* o = static_cast<D*>(out.raw());
          parallel_for(out.numel(), [&](int64_t i) { o[i] = cast_element<D, S>(in[i]); });
        });
      });
    })
    // float32/float64 -> float32/float64: the gradient cast back; no gradient
    // through an integer, bool, string or float16 side (float16 is storage
    // only: no kernel computes a gradient in it).
    .gradient([](const GradContext& c) {
      const DType src = c.input(0).dtype(), dst = c.output(0).dtype();
      if (!is_floating(src) || !is_floating(dst)) return std::vector<Output>{Output()};
      return std::vector<Output>{ops::cast(c.grad(), src)};
    })
    .any_dtype();

}  // namespace
}  // namespace slimcore
