// Variables and their updates: VariableV2 (reads the session's value),
// Assign, AssignAdd, AssignSub. Values live in the session's VariableStore.
#include "kernel_util.h"
#include "op_registry.h"
#include "slimcore/ops.h"

namespace slimcore {

namespace {

std::vector<TensorSpec> spec_from_attrs(const InferContext& c) {
  return {{c.attrs().get<DType>("dtype"), c.attrs().get<std::vector<int64_t>>("shape")}};
}

REGISTER_OP("VariableV2")
    .inputs(0)
    .shape([](const InferContext& c) {
      auto specs = spec_from_attrs(c);
      if (!is_fully_defined(specs[0].shape))
        c.fail("a variable needs a fully defined shape, got " + shape_string(specs[0].shape));
      return specs;
    })
    .kernel([](KernelContext& c) { c.outputs[0] = c.variables.value(c.node.id); })
    .sets_own_outputs();

int var_of(const KernelContext& c) {
  return static_cast<int>(c.attrs().get<int64_t>("var"));
}

// var <- value
void assign_kernel(KernelContext& c) {
  c.variables.assign(var_of(c), c.input(0));
  c.outputs[0] = c.variables.value(var_of(c));
}

// var <- var + sign * value
template <int kSign> void assign_update_kernel(KernelContext& c) {
  const Tensor& var = c.variables.value(var_of(c));
  const Tensor& value = c.input(0);
  if (value.shape() != var.shape())
    c.fail("value of shape " + shape_string(value.shape()) + " does not match the variable's " +
           shape_string(var.shape()));
  dispatch_numeric(var.dtype(), [&](auto zero) {
    using T = decltype(zero);
    T* v = var.data<T>();
    const T* d = value.data<T>();
    parallel_for(var.numel(), [&](int64_t i) { v[i] += static_cast<T>(kSign) * d[i]; });
  });
  c.outputs[0] = var;
}

REGISTER_OP("Assign").inputs(1).shape(spec_from_attrs).kernel(assign_kernel).sets_own_outputs().not_differentiable();
REGISTER_OP("AssignAdd")
    .inputs(1)
    .shape(spec_from_attrs)
    .kernel(assign_update_kernel<1>)
    .sets_own_outputs()
    .not_differentiable();
REGISTER_OP("AssignSub")
    .inputs(1)
    .shape(spec_from_attrs)
    .kernel(assign_update_kernel<-1>)
    .sets_own_outputs()
    .not_differentiable();

Output make_update(const char* type, Output var, Output value, const std::string& name) {
  const Node& v = var.node();
  if (v.type != "VariableV2") throw InvalidArgument(std::string(type) + ": '" + var.name() + "' is not a variable");
  if (value.dtype() != var.dtype())
    throw TypeMismatch(std::string(type) + " to " + v.name + ": value has dtype " + dtype_name(value.dtype()) +
                       ", the variable " + dtype_name(var.dtype()));
  if (!shape_compatible(value.shape(), var.shape()))
    throw InvalidArgument(std::string(type) + " to " + v.name + ": value of shape " + shape_string(value.shape()) +
                          " does not match the variable's " + shape_string(var.shape()));
  return var.graph().add(type, {value},
                         {{"var", static_cast<int64_t>(v.id)}, {"dtype", var.dtype()}, {"shape", var.shape()}}, name);
}

}  // namespace

namespace ops {

Output variable(Graph& g, const std::string& name, DType dtype, Shape shape, bool trainable) {
  return g.add("VariableV2", {}, {{"dtype", dtype}, {"shape", shape}, {"trainable", trainable}}, name);
}
Output assign(Output var, Output value, const std::string& name) {
  return make_update("Assign", var, value, name);
}
Output assign_add(Output var, Output value, const std::string& name) {
  return make_update("AssignAdd", var, value, name);
}
Output assign_sub(Output var, Output value, const std::string& name) {
  return make_update("AssignSub", var, value, name);
}

}  // namespace ops
}  // namespace slimcore
