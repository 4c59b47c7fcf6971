// What Conv2D and DepthwiseConv2dNative share, around their own kernels: the
// shape rules of the forward op and of its two backward ops (input, filter,
// grad) -> d input / d filter, the run-time geometry, the dtype dispatch and
// the gradient wiring (both backward ops are linear in their other two
// inputs), written once and instantiated for each family.
//
// A Family names its ops and supplies its kernels:
//   static constexpr const char* kForward, kBackpropInput, kBackpropFilter;
//   static constexpr const char* kFilterLast;  // the filter's last dimension
//   static int64_t out_channels(int64_t in_channels, int64_t filter_last);
//   template <typename T> static void forward(const Geometry&, const T* x, const T* f, T* y,
//                                             const Epilogue* epilogue);  // fused bias, activation, or null
//   template <typename T> static void backprop_input(const Geometry&, const T* f, const T* dy, T* dx);
//   template <typename T> static void backprop_filter(const Geometry&, const T* x, const T* dy, T* df);
// (forward applies the epilogue of fusion_pass.h to y block by block).
#pragma once
#include <string>
#include <vector>

#include "fusion_pass.h"
#include "kernel_util.h"
#include "op_registry.h"
#include "window_util.h"

namespace slimcore {
namespace window {

// A node of a family's op `type` on `inputs` (the graph-building functions).
inline Output conv_family_node(const char* type, std::vector<Output> inputs, std::vector<int64_t> strides,
                               const std::string& padding, std::vector<int64_t> dilations, const std::string& name) {
  Graph& graph = inputs[0].graph();
  return graph.add(type, inputs, window_node_attrs(std::move(strides), padding, std::move(dilations)), name);
}

template <typename Family> struct ConvFamily {
  // input [N, H, W, Cin], filter [kh, kw, Cin, last] -> output [N, OH, OW,
  // out_channels(Cin, last)]; dimensions may be -1 at graph build time.
  static TensorSpec output_spec(const InferContext& c) {
    const TensorSpec& input = c.input(0);
    const TensorSpec& filter = c.input(1);
    check_nhwc(c, "input", input);
    if (filter.shape.size() != 4)
      c.fail(std::string("filter must have rank 4 [filter_height, filter_width, in_channels, ") + Family::kFilterLast +
             "], got shape " + shape_string(filter.shape) + " for input of shape " + shape_string(input.shape));
    if (filter.dtype != input.dtype)
      c.fail_type("input and filter must have the same dtype, got " + dtype_name(input.dtype) + " and " +
                  dtype_name(filter.dtype));
    const int64_t cin = input.shape[3], fcin = filter.shape[2];
    if (cin >= 0 && fcin >= 0 && cin != fcin)
      c.fail("input channels (" + std::to_string(cin) + ", input shape " + shape_string(input.shape) +
             ") do not match the filter's in_channels (" + std::to_string(fcin) + ", filter shape " +
             shape_string(filter.shape) + ")");
    for (int d = 0; d < 2; ++d)
      if (filter.shape[d] == 0) c.fail("filter must have a non-empty window, got shape " + shape_string(filter.shape));
    Attrs2D a;
    read_pair(c, "strides", a.sh, a.sw, true);
    read_pair(c, "dilations", a.dh, a.dw, false);
    a.padding = read_padding(c);
    const Dim oh = dim_of(c, "height", input.shape[1], filter.shape[0], a.sh, a.dh, a.padding, input.shape);
    const Dim ow = dim_of(c, "width", input.shape[2], filter.shape[1], a.sw, a.dw, a.padding, input.shape);
    const int64_t channels = cin >= 0 ? cin : fcin;
    return {input.dtype, {input.shape[0], oh.out, ow.out, Family::out_channels(channels, filter.shape[3])}};
  }

  static std::vector<TensorSpec> forward_shape(const InferContext& c) { return {output_spec(c)}; }

  // The backward ops take (input, filter, grad): the forward op's inputs (for
  // their run-time shapes) and the gradient of its output, which must have
  // the forward output's shape.
  static void check_grad(const InferContext& c) {
    const TensorSpec expected = output_spec(c);
    const TensorSpec& grad = c.input(2);
    if (grad.dtype != expected.dtype)
      c.fail_type("grad must have the dtype of input, got " + dtype_name(grad.dtype) + " and " +
                  dtype_name(expected.dtype));
    if (grad.shape.size() != 4 || !shape_compatible(expected.shape, grad.shape) ||
        !shape_compatible(grad.shape, expected.shape))
      c.fail("grad of shape " + shape_string(grad.shape) + " does not match the forward output shape " +
             shape_string(expected.shape));
  }
  static std::vector<TensorSpec> backprop_input_shape(const InferContext& c) {
    check_grad(c);
    return {c.input(0)};
  }
  static std::vector<TensorSpec> backprop_filter_shape(const InferContext& c) {
    check_grad(c);
    return {c.input(1)};
  }

  // Run-time geometry of a kernel whose inputs 0 and 1 are the forward input
  // and filter.
  static Geometry geometry_of(const KernelContext& c) {
    Attrs2D a;
    read_pair(c, "strides", a.sh, a.sw, true);
    read_pair(c, "dilations", a.dh, a.dw, false);
    a.padding = read_padding(c);
    const Shape& f = c.input(1).shape();
    return make_geometry(c.input(0).shape(), f[0], f[1], a, Family::out_channels(f[2], f[3]));
  }

  static void forward_kernel(KernelContext& c) {
    const Geometry g = geometry_of(c);
    dispatch_float(c.input(0).dtype(), [&](auto zero) {
      using T = decltype(zero);
      const T* x = c.input(0).data<T>();
      const T* f = c.input(1).data<T>();
      T* y = c.output(0).data<T>();
      Family::forward(g, x, f, y, c.take_epilogue());
    });
  }
  static void backprop_input_kernel(KernelContext& c) {
    const Geometry g = geometry_of(c);
    dispatch_float(c.input(0).dtype(), [&](auto zero) {
      using T = decltype(zero);
      Family::backprop_input(g, c.input(1).data<T>(), c.input(2).data<T>(), c.output(0).data<T>());
    });
  }
  static void backprop_filter_kernel(KernelContext& c) {
    const Geometry g = geometry_of(c);
    dispatch_float(c.input(0).dtype(), [&](auto zero) {
      using T = decltype(zero);
      Family::backprop_filter(g, c.input(0).data<T>(), c.input(2).data<T>(), c.output(0).data<T>());
    });
  }

  // A node of this family with the attributes of the node `c` differentiates.
  static Output node(const GradContext& c, const char* type, std::vector<Output> inputs) {
    return c.graph.add(
        type, inputs,
        window_node_attrs(c.attrs().get<std::vector<int64_t>>("strides"), c.attrs().get<std::string>("padding"),
                          c.attrs().get_or<std::vector<int64_t>>("dilations", {1, 1})));
  }

  // y = conv(x, f):  dx = BackpropInput(x, f, g),  df = BackpropFilter(x, f, g).
  static std::vector<Output> forward_grad(const GradContext& c) {
    return {node(c, Family::kBackpropInput, {c.input(0), c.input(1), c.grad()}),
            node(c, Family::kBackpropFilter, {c.input(0), c.input(1), c.grad()})};
  }
  // dx = BackpropInput(x, f, dy) is linear in f and dy (x gives only a shape):
  //   d/df = BackpropFilter(g2, f, dy),  d/ddy = conv(g2, f).
  static std::vector<Output> backprop_input_grad(const GradContext& c) {
    return {Output(), node(c, Family::kBackpropFilter, {c.grad(), c.input(1), c.input(2)}),
            node(c, Family::kForward, {c.grad(), c.input(1)})};
  }
  // df = BackpropFilter(x, f, dy) is linear in x and dy (f gives only a shape):
  //   d/dx = BackpropInput(x, g2, dy),  d/ddy = conv(x, g2).
  static std::vector<Output> backprop_filter_grad(const GradContext& c) {
    return {node(c, Family::kBackpropInput, {c.input(0), c.grad(), c.input(2)}), Output(),
            node(c, Family::kForward, {c.input(0), c.grad()})};
  }

  // Registers the three ops (a static ConvFamily<F>::Registration in the
  // family's file).
  struct Registration {
    Registration() {
      register_op(OpBuilder(Family::kForward)
                      .inputs(2)
                      .shape(forward_shape)
                      .kernel(forward_kernel)
                      .gradient(forward_grad)
                      .def());
      register_op(OpBuilder(Family::kBackpropInput)
                      .inputs(3)
                      .shape(backprop_input_shape)
                      .kernel(backprop_input_kernel)
                      .gradient(backprop_input_grad)
                      .def());
      register_op(OpBuilder(Family::kBackpropFilter)
                      .inputs(3)
                      .shape(backprop_filter_shape)
                      .kernel(backprop_filter_kernel)
                      .gradient(backprop_filter_grad)
                      .def());
    }
  };
};

}  // namespace window
}  // namespace slimcore

// Defines the graph-building functions that ops.h declares for a family
// (forward, backprop_input, backprop_filter: their names there), in
// namespace slimcore::ops, each adding one node of the family's op.
#define SLIMCORE_CONV_FAMILY_BUILDERS(Family, forward, backprop_input, backprop_filter)                          \
  namespace slimcore::ops {                                                                                      \
  Output forward(Output input, Output filter, std::vector<int64_t> strides, const std::string& padding,          \
                 std::vector<int64_t> dilations, const std::string& name) {                                      \
    return window::conv_family_node(Family::kForward, {input, filter}, std::move(strides), padding,              \
                                    std::move(dilations), name);                                                 \
  }                                                                                                              \
  Output backprop_input(Output input, Output filter, Output grad, std::vector<int64_t> strides,                  \
                        const std::string& padding, std::vector<int64_t> dilations, const std::string& name) {   \
    return window::conv_family_node(Family::kBackpropInput, {input, filter, grad}, std::move(strides), padding,  \
                                    std::move(dilations), name);                                                 \
  }                                                                                                              \
  Output backprop_filter(Output input, Output filter, Output grad, std::vector<int64_t> strides,                 \
                         const std::string& padding, std::vector<int64_t> dilations, const std::string& name) {  \
    return window::conv_family_node(Family::kBackpropFilter, {input, filter, grad}, std::move(strides), padding, \
                                    std::move(dilations), name);                                                 \
  }                                                                                                              \
  }
