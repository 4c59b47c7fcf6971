// Reverse-mode differentiation by graph construction (tf.gradients).
#include "slimcore/gradients.h"

#include <algorithm>
#include <map>

#include "grad_util.h"
#include "op_registry.h"

namespace slimcore {

namespace {

// Restores the graph's name scope when leaving a C++ scope.
struct NameStackGuard {
  Graph& graph;
  std::string saved;
  explicit NameStackGuard(Graph& g) : graph(g), saved(g.name_stack()) {}
  ~NameStackGuard() { graph.set_name_stack(saved); }
};

Output sum_all(const std::vector<Output>& terms) {
  return terms.size() == 1 ? terms[0] : ops::add_n(terms);
}

// Gradient ops go in the cond context of the op they differentiate, so the
// backward pass of an untaken branch is skipped with its forward pass. A
// gradient `grad` built in context `from` for a tensor `like` of an
// enclosing context leaves one context at a time through
// Merge(pred, grad, zeros), the zeros computed only in the other branch: the
// untaken branch contributes zeros (TF1's _SwitchGrad of a CondContext).
Output leave_cond_contexts(Graph& g, Output grad, int from, const Output& like) {
  const int target = like.node().cond_context;
  for (int ctx = from; !g.cond_context_encloses(ctx, target);) {
    const CondContext info = g.cond_context_info(ctx);
    const Output pred = g.output(info.pred.node, info.pred.index);
    Output zeros;
    {
      const CondContextScope other(g, g.cond_context(info.pred, !info.branch, info.parent));
      zeros = zeros_like(like);
    }
    const CondContextScope parent(g, info.parent);
    grad = info.branch ? ops::merge(pred, zeros, grad, "cond_grad") : ops::merge(pred, grad, zeros, "cond_grad");
    ctx = info.parent;
  }
  return grad;
}

// The deeper of two contexts one of which encloses the other.
int inner_context(const Graph& g, int a, int b) {
  return g.cond_context_encloses(a, b) ? b : a;
}

}  // namespace

std::vector<Output> gradients(const std::vector<Output>& ys, const std::vector<Output>& xs,
                              const std::vector<Output>& grad_ys) {
  if (ys.empty()) throw InvalidArgument("gradients: ys is empty");
  Graph& g = ys[0].graph();
  for (const Output& t : ys)
    if (&t.graph() != &g) throw InvalidArgument("gradients: ys belong to different graphs");
  for (const Output& t : xs)
    if (&t.graph() != &g) throw InvalidArgument("gradients: xs and ys belong to different graphs");
  if (!grad_ys.empty() && grad_ys.size() != ys.size())
    throw InvalidArgument("gradients: grad_ys must have one entry per y");

  const int n = g.num_nodes();
  // Nodes on a path from some x to some y: forward-reachable from the xs and
  // backward-reachable from the ys (non-float edges are skipped later).
  std::vector<char> from_x(static_cast<std::size_t>(n), 0), to_y(static_cast<std::size_t>(n), 0);
  for (const Output& x : xs) from_x[static_cast<std::size_t>(x.node_id())] = 1;
  int lowest = n;
  for (const Output& x : xs) lowest = std::min(lowest, x.node_id());
  for (int id = lowest; id < n; ++id)
    for (TensorRef in : g.node(id).inputs)
      if (from_x[static_cast<std::size_t>(in.node)]) from_x[static_cast<std::size_t>(id)] = 1;
  for (const Output& y : ys) to_y[static_cast<std::size_t>(y.node_id())] = 1;
  for (int id = n - 1; id >= 0; --id)
    if (to_y[static_cast<std::size_t>(id)])
      for (TensorRef in : g.node(id).inputs) to_y[static_cast<std::size_t>(in.node)] = 1;

  NameStackGuard guard(g);
  const CondContextScope outside(g, g.current_cond_context());  // restored at the end
  const std::string scope = g.enter_name_scope("gradients");

  std::map<TensorRef, std::vector<Output>> pending;
  for (std::size_t i = 0; i < ys.size(); ++i) {
    if (!is_floating(ys[i].dtype()))
      throw TypeMismatch("gradients: y " + ys[i].name() + " has dtype " + dtype_name(ys[i].dtype()) +
                         "; only float tensors can be differentiated");
    g.set_current_cond_context(ys[i].node().cond_context);
    pending[ys[i].ref()].push_back(grad_ys.empty() || !grad_ys[i].valid() ? ones_like(ys[i]) : grad_ys[i]);
  }

  int top = -1;
  for (const Output& y : ys) top = std::max(top, y.node_id());
  for (int id = top; id >= lowest && id >= 0; --id) {
    if (!from_x[static_cast<std::size_t>(id)] || !to_y[static_cast<std::size_t>(id)]) continue;
    const Node& node = g.node(id);
    g.set_current_cond_context(node.cond_context);
    GradContext ctx{g, node, {}, {}, {}};
    bool any = false;
    for (std::size_t k = 0; k < node.outputs.size(); ++k) {
      const TensorRef ref{id, static_cast<int>(k)};
      ctx.outputs.push_back(g.output(id, static_cast<int>(k)));
      auto it = pending.find(ref);
      if (it == pending.end()) {
        ctx.grad_outputs.emplace_back();
        continue;
      }
      g.set_name_stack(scope + node.name + "_grad");
      it->second = {sum_all(it->second)};
      ctx.grad_outputs.push_back(it->second[0]);
      any = true;
    }
    if (!any) continue;
    // Inputs that reach back to an x need a gradient from this node.
    bool needs = false;
    for (TensorRef in : node.inputs)
      if (from_x[static_cast<std::size_t>(in.node)] && is_floating(g.node(in.node).outputs[in.index].dtype))
        needs = true;
    if (!needs) continue;
    const OpDef& def = find_op(node.type);
    if (def.not_differentiable) continue;
    if (!def.grad)
      throw InvalidArgument("No gradient defined for operation '" + node.name + "' (op type: " + node.type + ")");
    for (TensorRef in : node.inputs) ctx.inputs.push_back(g.output(in.node, in.index));
    g.set_name_stack(scope + node.name + "_grad");
    std::vector<Output> grads = def.grad(ctx);
    g.set_current_cond_context(node.cond_context);  // a rule may have entered branches
    if (grads.size() != node.inputs.size())
      throw Error("gradient of op type " + node.type + " returned " + std::to_string(grads.size()) + " gradients for " +
                  std::to_string(node.inputs.size()) + " inputs");
    for (std::size_t i = 0; i < node.inputs.size(); ++i) {
      const TensorRef in = node.inputs[i];
      if (!grads[i].valid() || !from_x[static_cast<std::size_t>(in.node)]) continue;
      if (!is_floating(g.node(in.node).outputs[in.index].dtype)) continue;
      const int from = inner_context(g, grads[i].node().cond_context, node.cond_context);
      pending[in].push_back(leave_cond_contexts(g, grads[i], from, ctx.inputs[i]));
    }
  }

  std::vector<Output> result;
  for (const Output& x : xs) {
    auto it = pending.find(x.ref());
    if (it == pending.end() || it->second.empty()) {
      result.emplace_back();
      continue;
    }
    g.set_name_stack(scope.substr(0, scope.size() - 1));
    g.set_current_cond_context(x.node().cond_context);
    result.push_back(sum_all(it->second));
  }
  return result;
}

}  // namespace slimcore
