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
  const std::string scope = g.enter_name_scope("gradients");

  std::map<TensorRef, std::vector<Output>> pending;
  for (std::size_t i = 0; i < ys.size(); ++i) {
    if (!is_floating(ys[i].dtype()))
      throw TypeMismatch("gradients: y " + ys[i].name() + " has dtype " + dtype_name(ys[i].dtype()) +
                         "; only float tensors can be differentiated");
    pending[ys[i].ref()].push_back(grad_ys.empty() || !grad_ys[i].valid() ? ones_like(ys[i]) : grad_ys[i]);
  }

  int top = -1;
  for (const Output& y : ys) top = std::max(top, y.node_id());
  for (int id = top; id >= lowest && id >= 0; --id) {
    if (!from_x[static_cast<std::size_t>(id)] || !to_y[static_cast<std::size_t>(id)]) continue;
    const Node& node = g.node(id);
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
    if (grads.size() != node.inputs.size())
      throw Error("gradient of op type " + node.type + " returned " + std::to_string(grads.size()) + " gradients for " +
                  std::to_string(node.inputs.size()) + " inputs");
    for (std::size_t i = 0; i < node.inputs.size(); ++i) {
      const TensorRef in = node.inputs[i];
      if (!grads[i].valid() || !from_x[static_cast<std::size_t>(in.node)]) continue;
      if (!is_floating(g.node(in.node).outputs[in.index].dtype)) continue;
      pending[in].push_back(grads[i]);
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
    result.push_back(sum_all(it->second));
  }
  return result;
}

}  // namespace slimcore
