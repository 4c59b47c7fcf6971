// Ordering: NoOp, and tf.group built from it with control dependencies.
#include "op_registry.h"
#include "slimcore/ops.h"

namespace slimcore {

namespace {
REGISTER_OP("NoOp")
    .inputs(0)
    .shape([](const InferContext&) { return std::vector<TensorSpec>{}; })
    .kernel([](KernelContext&) {})
    .not_differentiable();
}  // namespace

namespace ops {

int no_op(Graph& g, const std::string& name) {
  return g.add_node("NoOp", {}, {}, name);
}

int group(Graph& g, const std::vector<int>& deps, const std::string& name) {
  g.push_control_dependencies(deps);
  try {
    const int id = g.add_node("NoOp", {}, {}, name);
    g.pop_control_dependencies();
    return id;
  } catch (...) {
    g.pop_control_dependencies();
    throw;
  }
}

}  // namespace ops
}  // namespace slimcore
