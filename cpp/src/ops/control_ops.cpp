// Ordering: NoOp, and tf.group built from it with control dependencies.
// Conditional execution: Merge, the output of a tf.cond.
#include "grad_util.h"
#include "op_registry.h"
#include "slimcore/ops.h"

namespace slimcore {

namespace {
REGISTER_OP("NoOp")
    .inputs(0)
    .shape([](const InferContext&) { return std::vector<TensorSpec>{}; })
    .kernel([](KernelContext&) {})
    .not_differentiable();

// The branch Merge(pred, if_false, if_true) picks: 1 + pred.
int merge_choice(const Tensor& pred) {
  return 1 + (pred.data<bool>()[0] ? 1 : 0);
}

// At run time the chosen input's spec; at graph construction the chosen one
// when pred is a constant, else what both branches agree on (a dimension
// they disagree on is unknown; ranks that differ give unknown rank).
std::vector<TensorSpec> merge_shape(const InferContext& c) {
  const TensorSpec& pred = c.input(0);
  if (pred.dtype != DType::Bool || (!is_unknown_rank(pred.shape) && !pred.shape.empty()))
    c.fail_type("pred must be a scalar bool, got dtype " + dtype_name(pred.dtype) + " and shape " +
                shape_string(pred.shape));
  if (const Tensor* value = c.value(0)) return {c.input(merge_choice(*value))};
  const TensorSpec& f = c.input(1);
  const TensorSpec& t = c.input(2);
  if (f.dtype != t.dtype)
    c.fail_type("true_fn and false_fn must return the same dtypes, got " + dtype_name(t.dtype) + " and " +
                dtype_name(f.dtype));
  if (is_unknown_rank(f.shape) || is_unknown_rank(t.shape) || f.shape.size() != t.shape.size())
    return {{f.dtype, unknown_rank_shape()}};
  Shape shape = f.shape;
  for (std::size_t i = 0; i < shape.size(); ++i)
    if (shape[i] != t.shape[i]) shape[i] = kUnknownDim;
  return {{f.dtype, shape}};
}

// y = if_true if pred else if_false (TF1's Merge after a Switch; here the
// predicate is an input and the executor runs only the taken branch, so the
// other input is never read). The output aliases the chosen input.
//
// Gradient: dy flows into the taken branch only: input b gets Identity(dy)
// in the context (pred, b) under the Merge's own, so it is dead (not
// computed) when branch b is not taken; gradients() turns what leaves a
// branch dead into zeros (TF1's _MergeGrad, a Switch of dy on pred).
REGISTER_OP("Merge")
    .inputs(3)
    .shape(merge_shape)
    .kernel([](KernelContext& c) { c.outputs[0] = c.input(merge_choice(c.input(0))); })
    .gradient([](const GradContext& c) {
      std::vector<Output> grads(3);
      for (const bool branch : {false, true}) {
        const int ctx = c.graph.cond_context(c.input(0).ref(), branch, c.node.cond_context);
        const CondContextScope scope(c.graph, ctx);
        grads[branch ? 2 : 1] = ops::identity(c.grad(), branch ? "switch_t" : "switch_f");
      }
      return grads;
    })
    .sets_own_outputs()
    .value_dependent_shape()
    .any_dtype();
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

Output merge(Output pred, Output if_false, Output if_true, const std::string& name) {
  return pred.graph().add("Merge", {pred, if_false, if_true}, {}, name);
}

}  // namespace ops
}  // namespace slimcore
