// Ops that make a tensor from scalars and a shape: Fill (tf.fill) and Range
// (tf.range). Their sizes may be values computed at run time, so the kernels
// allocate their outputs; the shape rules keep what the graph knows (a size
// hint the Python layer computes from constant inputs, -1 where unknown).
#include <cmath>
#include <string>
#include <type_traits>

#include "kernel_util.h"
#include "op_registry.h"
#include "slimcore/ops.h"

namespace slimcore {

namespace {

void check_scalar(const InferContext& c, int i, const char* what) {
  if (!c.input(i).shape.empty())
    c.fail(std::string(what) + " must be a scalar, got shape " + shape_string(c.input(i).shape));
}

// ---- Fill ------------------------------------------------------------------------------

// Fill(value[, dims]): y[i] = value for every i of shape dims; dims from
// input 1 when computed at run time, else attribute "shape" (which is then
// what is known of dims when the graph is built).
REGISTER_OP("Fill")
    .variadic_inputs()
    .shape([](const InferContext& c) {
      if (c.num_inputs() != 1 && c.num_inputs() != 2) c.fail("takes a value and, optionally, a dims tensor");
      check_scalar(c, 0, "value");
      const Shape& shape = c.attrs().get<std::vector<int64_t>>("shape");
      if (c.num_inputs() == 2) {
        const TensorSpec& dims = c.input(1);
        if (!is_integer(dims.dtype))
          c.fail_type("dims must be an int32 or int64 tensor, got " + dtype_name(dims.dtype));
        if (!shape_compatible(dims.shape, {static_cast<int64_t>(shape.size())}))
          c.fail("dims must be a 1-D tensor of " + std::to_string(shape.size()) + " values, got shape " +
                 shape_string(dims.shape));
      }
      return std::vector<TensorSpec>{{c.input(0).dtype, shape}};
    })
    .kernel([](KernelContext& c) {
      const Tensor& value = c.input(0);
      const Shape shape =
          c.num_inputs() == 2 ? int_values(c.input(1), "dims") : c.attrs().get<std::vector<int64_t>>("shape");
      for (int64_t d : shape)
        if (d < 0) c.fail("dims must be non-negative, got " + shape_string(shape));
      Tensor y(value.dtype(), shape);
      dispatch_any(value.dtype(), [&](auto zero) {
        using T = decltype(zero);
        const T v = *value.data<T>();
        T* o = y.data<T>();
        parallel_for(y.numel(), [=](int64_t i) { o[i] = v; });
      });
      c.outputs[0] = y;
    })
    // d value = sum(dy); dims gets none.
    .gradient([](const GradContext& c) {
      std::vector<Output> grads{ops::reduce_sum(c.grad())};
      if (c.inputs.size() == 2) grads.emplace_back();
      return grads;
    })
    .sets_own_outputs();

// ---- Range -----------------------------------------------------------------------------

// The number of elements of range(start, limit, delta): ceil((limit - start) /
// delta); TF's errors for a zero delta or a delta pointing away from limit.
template <typename T> int64_t range_size(const KernelContext& c, T start, T limit, T delta) {
  if (delta == T(0)) c.fail("Requires delta != 0: " + std::to_string(delta));
  if (delta > T(0) && start > limit)
    c.fail("Requires start <= limit when delta > 0: " + std::to_string(start) + "/" + std::to_string(limit));
  if (delta < T(0) && start < limit)
    c.fail("Requires start >= limit when delta < 0: " + std::to_string(start) + "/" + std::to_string(limit));
  if constexpr (std::is_integral_v<T>) {
    const int64_t span = std::abs(static_cast<int64_t>(limit) - static_cast<int64_t>(start));
    const int64_t step = std::abs(static_cast<int64_t>(delta));
    return (span + step - 1) / step;
  } else {
    return static_cast<int64_t>(std::ceil(std::abs((limit - start) / delta)));  // in T, as TF
  }
}

// Range(start, limit, delta): y[0] = start, y[i + 1] = y[i] + delta for i in [0, size),
// size = ceil((limit - start) / delta); attribute "size" is the size when the
// graph knows it (-1 otherwise).
REGISTER_OP("Range")
    .inputs(3)
    .shape([](const InferContext& c) {
      const char* names[] = {"start", "limit", "delta"};
      for (int i = 0; i < 3; ++i) {
        check_scalar(c, i, names[i]);
        if (c.input(i).dtype != c.input(0).dtype)
          c.fail_type("start, limit and delta must have one dtype: start is " + dtype_name(c.input(0).dtype) + ", " +
                      names[i] + " is " + dtype_name(c.input(i).dtype));
      }
      if (c.input(0).dtype == DType::Bool) c.fail_type("range needs numbers, got bool");
      return std::vector<TensorSpec>{{c.input(0).dtype, {c.attrs().get<int64_t>("size")}}};
    })
    .kernel([](KernelContext& c) {
      dispatch_numeric(c.input(0).dtype(), [&](auto zero) {
        using T = decltype(zero);
        const T start = *c.input(0).data<T>(), limit = *c.input(1).data<T>(), delta = *c.input(2).data<T>();
        Tensor y(c.input(0).dtype(), {range_size(c, start, limit, delta)});
        T* o = y.data<T>();
        T value = start;  // accumulated as TF's kernel does (its float numbers)
        for (int64_t i = 0; i < y.numel(); ++i, value += delta) o[i] = value;
        c.outputs[0] = y;
      });
    })
    .sets_own_outputs()
    .not_differentiable();

}  // namespace
}  // namespace slimcore
