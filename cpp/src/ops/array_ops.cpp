// Sources and plumbing: Placeholder, PlaceholderWithDefault, Const, Identity, StopGradient,
// CheckNumerics, OnesLike, ZerosLike.
#include <algorithm>
#include <cmath>

#include "grad_util.h"
#include "kernel_util.h"
#include "op_registry.h"
#include "slimcore/ops.h"

namespace slimcore {

namespace {

std::vector<TensorSpec> same_as_input0(const InferContext& c) {
  return {c.input(0)};
}

REGISTER_OP("Placeholder")
    .inputs(0)
    .shape([](const InferContext& c) {
      return std::vector<TensorSpec>{{c.attrs().get<DType>("dtype"), c.attrs().get<std::vector<int64_t>>("shape")}};
    })
    .kernel([](KernelContext& c) -> void {
      c.fail("a placeholder must be fed");  // the planner refuses this earlier
    })
    .not_differentiable()
    .any_dtype();

// y = x unless y is fed (tf.placeholder_with_default): a placeholder whose
// static shape (attr "shape", -1 unknown) may be less specific than x's.
REGISTER_OP("PlaceholderWithDefault")
    .inputs(1)
    .shape([](const InferContext& c) {
      const Shape& shape = c.attrs().get<std::vector<int64_t>>("shape");
      if (!shape_compatible(shape, c.input(0).shape))
        c.fail("the default value of shape " + shape_string(c.input(0).shape) + " does not fit shape " +
               shape_string(shape));
      return std::vector<TensorSpec>{{c.input(0).dtype, shape}};
    })
    .kernel([](KernelContext& c) { c.outputs[0] = c.input(0); })
    .gradient([](const GradContext& c) { return std::vector<Output>{c.grad()}; })
    .sets_own_outputs()
    .any_dtype();

REGISTER_OP("Const")
    .inputs(0)
    .shape([](const InferContext& c) {
      const Tensor& v = c.attrs().get<Tensor>("value");
      return std::vector<TensorSpec>{{v.dtype(), v.shape()}};
    })
    .kernel([](KernelContext& c) { c.outputs[0] = c.attrs().get<Tensor>("value"); })
    .sets_own_outputs()
    .not_differentiable()
    .any_dtype();

REGISTER_OP("Identity")
    .inputs(1)
    .shape(same_as_input0)
    .kernel([](KernelContext& c) { c.outputs[0] = c.input(0); })
    .gradient([](const GradContext& c) { return std::vector<Output>{c.grad()}; })
    .sets_own_outputs()
    .any_dtype();

// y = x, but no gradient flows back through it (tf.stop_gradient).
REGISTER_OP("StopGradient")
    .inputs(1)
    .shape(same_as_input0)
    .kernel([](KernelContext& c) { c.outputs[0] = c.input(0); })
    .sets_own_outputs()
    .not_differentiable()
    .any_dtype();

// y = x after checking that x holds no NaN or Inf (tf.check_numerics);
// raises NonFiniteError with the op's message otherwise.
REGISTER_OP("CheckNumerics")
    .inputs(1)
    .shape([](const InferContext& c) {
      if (!is_floating(c.input(0).dtype)) c.fail_type("check_numerics needs a float tensor");
      return std::vector<TensorSpec>{c.input(0)};
    })
    .kernel([](KernelContext& c) {
      const Tensor& x = c.input(0);
      bool finite = true;
      dispatch_float(x.dtype(), [&](auto zero) {
        using T = decltype(zero);
        const T* p = x.data<T>();
        for (int64_t i = 0; i < x.numel() && finite; ++i) finite = std::isfinite(p[i]);
      });
      if (!finite)
        throw NonFinite("op '" + c.node.name + "': " + c.attrs().get_or<std::string>("message", "") +
                        " : Tensor had NaN or Inf values");
      c.outputs[0] = x;
    })
    .gradient([](const GradContext& c) { return std::vector<Output>{c.grad()}; })
    .sets_own_outputs();

template <int kValue> void fill_constant(KernelContext& c) {
  Tensor& out = c.output(0);
  dispatch_any(out.dtype(), [&](auto zero) {
    using T = decltype(zero);
    T* o = out.data<T>();
    std::fill(o, o + out.numel(), static_cast<T>(kValue));
  });
}

REGISTER_OP("OnesLike").inputs(1).shape(same_as_input0).kernel(fill_constant<1>).not_differentiable();
REGISTER_OP("ZerosLike").inputs(1).shape(same_as_input0).kernel(fill_constant<0>).not_differentiable();

}  // namespace

Output sum_to_shape_of(Output grad, Output like) {
  if (grad.shape() == like.shape() && is_fully_defined(like.shape())) return grad;
  return grad.graph().add("SumToShapeOf", {grad, like}, {}, "Sum");
}
Output ones_like(Output like) {
  return like.graph().add("OnesLike", {like});
}
Output zeros_like(Output like) {
  return like.graph().add("ZerosLike", {like});
}
Output scalar_like(Output like, double value) {
  return ops::scalar(like.graph(), value, like.dtype());
}

namespace ops {

Output placeholder(Graph& g, DType dtype, Shape shape, const std::string& name) {
  if (!is_unknown_rank(shape))
    for (int64_t d : shape)
      if (d < -1) throw InvalidArgument("placeholder " + name + ": dimensions must be >= 0 or -1 (unknown)");
  return g.add("Placeholder", {}, {{"dtype", dtype}, {"shape", shape}}, name);
}

Output constant(Graph& g, const Tensor& value, const std::string& name) {
  return g.add("Const", {}, {{"value", value.clone()}}, name);
}

Output scalar(Graph& g, double value, DType dtype, const std::string& name) {
  Tensor t(dtype, {});
  dispatch_any(dtype, [&](auto zero) { *t.data<decltype(zero)>() = static_cast<decltype(zero)>(value); });
  return g.add("Const", {}, {{"value", t}}, name);
}

Output identity(Output x, const std::string& name) {
  return x.graph().add("Identity", {x}, {}, name);
}

}  // namespace ops
}  // namespace slimcore
