// Graph construction: nodes, names, scopes, control dependencies, collections.
#include "slimcore/graph.h"

#include <algorithm>
#include <cctype>

#include "op_registry.h"

namespace slimcore {

Graph& Output::graph() const {
  if (!graph_) throw InvalidArgument("use of an empty Output (no tensor)");
  return *graph_;
}
const Node& Output::node() const {
  return graph().node(ref_.node);
}
const TensorSpec& Output::spec() const {
  const Node& n = node();
  return n.outputs.at(static_cast<std::size_t>(ref_.index));
}
std::string Output::name() const {
  return node().name + ":" + std::to_string(ref_.index);
}

namespace {
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}
}  // namespace

int Graph::add_node(const std::string& type, const std::vector<Output>& inputs, Attrs attrs, const std::string& name) {
  const OpDef& def = find_op(type);
  Node node;
  node.id = num_nodes();
  node.type = type;
  node.attrs = std::move(attrs);
  // A name ending in "/" is an exact name taken from a name scope (how TF
  // names a variable after its scope); any other name is made unique.
  const bool exact = !name.empty() && name.back() == '/';
  node.name = exact ? name.substr(0, name.size() - 1) : unique_name(name.empty() ? type : name, /*mark_as_used=*/false);
  if (exact && node_by_name_.count(node.name))
    throw InvalidArgument("Duplicate node name in graph: '" + node.name + "'");
  if (def.num_inputs >= 0 && static_cast<int>(inputs.size()) != def.num_inputs)
    throw InvalidArgument("op '" + node.name + "' (" + type + ") takes " + std::to_string(def.num_inputs) +
                          " inputs, got " + std::to_string(inputs.size()));
  std::vector<TensorSpec> input_specs;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const Output& in = inputs[i];
    if (!in.valid())
      throw InvalidArgument("op '" + node.name + "' (" + type + "): input " + std::to_string(i) + " is None");
    if (&in.graph() != this)
      throw InvalidArgument("op '" + node.name + "' (" + type + "): input " + in.name() + " belongs to another graph");
    node.inputs.push_back(in.ref());
    input_specs.push_back(in.spec());
  }
  for (const ControlFrame& frame : control_frames_) {
    if (frame.clear_outer) node.control_inputs.clear();
    for (int dep : frame.nodes)
      if (std::find(node.control_inputs.begin(), node.control_inputs.end(), dep) == node.control_inputs.end())
        node.control_inputs.push_back(dep);
  }
  node.cond_context = current_cond_context_;
  // A value-dependent shape rule sees the values of Const inputs now.
  std::vector<const Tensor*> values;
  if (def.value_dependent_shape)
    for (const Output& in : inputs)
      values.push_back(in.node().type == "Const" ? &in.node().attrs.get<Tensor>("value") : nullptr);
  node.outputs = infer_outputs(def, node, input_specs, &values);
  // Only a node that was accepted takes its name.
  if (!exact) node.name = unique_name(name.empty() ? type : name, /*mark_as_used=*/true);
  node_by_name_[node.name] = node.id;
  if (type == "VariableV2") {
    variables_.push_back(node.id);
    settings_[node.id] = VariableSettings{};
  }
  nodes_.push_back(std::move(node));
  return nodes_.back().id;
}

void Graph::refine_output_shape(int id, int index, const Shape& shape) {
  const Node& n = node(id);
  if (index < 0 || index >= static_cast<int>(n.outputs.size()))
    throw InvalidArgument("op '" + n.name + "' has no output " + std::to_string(index));
  TensorSpec& spec = nodes_[static_cast<std::size_t>(id)].outputs[static_cast<std::size_t>(index)];
  const std::string tensor = n.name + ":" + std::to_string(index);
  if (is_unknown_rank(shape)) return;
  for (int64_t d : shape)
    if (d < kUnknownDim)
      throw InvalidArgument("set_shape of " + tensor + ": dimension " + std::to_string(d) + " in shape " +
                            shape_string(shape) + " is negative");
  check_shape_size(shape, dtype_size(spec.dtype));
  if (!shape_compatible(spec.shape, shape))
    throw InvalidArgument("set_shape of " + tensor + ": shapes " + shape_string(spec.shape) + " and " +
                          shape_string(shape) + " are not compatible");
  if (is_unknown_rank(spec.shape)) {
    spec.shape = shape;
    return;
  }
  // Merge: a dimension known on either side is kept (equal when both are known).
  for (std::size_t i = 0; i < shape.size(); ++i)
    if (spec.shape[i] == kUnknownDim) spec.shape[i] = shape[i];
}

Output Graph::add(const std::string& type, const std::vector<Output>& inputs, Attrs attrs, const std::string& name) {
  return output(add_node(type, inputs, std::move(attrs), name), 0);
}

const Node& Graph::node(int id) const {
  if (id < 0 || id >= num_nodes()) throw NotFound("node " + std::to_string(id) + " is not in this graph");
  return nodes_[static_cast<std::size_t>(id)];
}

Output Graph::output(int node_id, int index) {
  const Node& n = node(node_id);
  if (index < 0 || index >= static_cast<int>(n.outputs.size()))
    throw InvalidArgument("op '" + n.name + "' has no output " + std::to_string(index));
  return Output(this, TensorRef{node_id, index});
}

int Graph::find_node(const std::string& name) const {
  auto it = node_by_name_.find(name);
  return it == node_by_name_.end() ? -1 : it->second;
}

// tf.Graph.unique_name, exactly: names compare case-insensitively and the
// suffix counter continues from the base name's use count.
std::string Graph::unique_name(const std::string& base, bool mark_as_used) {
  std::string name = name_stack_.empty() ? base : name_stack_ + "/" + base;
  std::string key = lower(name);
  int i = names_in_use_.count(key) ? names_in_use_[key] : 0;
  if (mark_as_used) names_in_use_[key] = i + 1;
  if (i > 0) {
    const std::string base_key = key;
    while (names_in_use_.count(key)) key = base_key + "_" + std::to_string(i++);
    if (mark_as_used) names_in_use_[key] = 1;
    name = name + "_" + std::to_string(i - 1);
  }
  return name;
}

std::string Graph::enter_name_scope(const std::string& name) {
  if (name.empty()) {
    name_stack_.clear();
    return "";
  }
  if (name.back() == '/') {
    name_stack_ = name.substr(0, name.size() - 1);
  } else {
    name_stack_ = unique_name(name, true);
  }
  return name_stack_ + "/";
}

void Graph::push_control_dependencies(const std::vector<int>& nodes, bool clear_outer) {
  for (int n : nodes) node(n);  // validates
  control_frames_.push_back({nodes, clear_outer, current_cond_context_});
  if (clear_outer) current_cond_context_ = -1;
}

void Graph::pop_control_dependencies() {
  if (control_frames_.empty()) throw InvalidArgument("no control_dependencies frame to leave");
  if (control_frames_.back().clear_outer) current_cond_context_ = control_frames_.back().saved_cond_context;
  control_frames_.pop_back();
}

void Graph::add_to_collection(const std::string& key, TensorRef item) {
  node(item.node);
  collections_[key].push_back(item);
}

const std::vector<TensorRef>& Graph::collection(const std::string& key) const {
  static const std::vector<TensorRef> empty;
  auto it = collections_.find(key);
  return it == collections_.end() ? empty : it->second;
}

std::vector<std::string> Graph::collection_keys() const {
  std::vector<std::string> out;
  for (const auto& kv : collections_) out.push_back(kv.first);
  return out;
}

void Graph::clear_collection(const std::string& key) {
  collections_.erase(key);
}

std::vector<int> Graph::variable_nodes() const {
  return variables_;
}

std::vector<bool> Graph::ancestors(const std::vector<int>& targets) const {
  std::vector<bool> seen(nodes_.size(), false);
  for (int t : targets) seen.at(static_cast<std::size_t>(t)) = true;
  for (int id = num_nodes() - 1; id >= 0; --id) {
    if (!seen[static_cast<std::size_t>(id)]) continue;
    const Node& n = nodes_[static_cast<std::size_t>(id)];
    for (TensorRef in : n.inputs) seen[static_cast<std::size_t>(in.node)] = true;
    for (int dep : n.control_inputs) seen[static_cast<std::size_t>(dep)] = true;
    for (int c = n.cond_context; c >= 0; c = cond_contexts_[static_cast<std::size_t>(c)].parent)
      seen[static_cast<std::size_t>(cond_contexts_[static_cast<std::size_t>(c)].pred.node)] = true;
  }
  return seen;
}

int Graph::cond_context(TensorRef pred, bool branch, int parent) {
  const TensorSpec& spec = output(pred.node, pred.index).spec();
  if (spec.dtype != DType::Bool || (!is_unknown_rank(spec.shape) && !spec.shape.empty()))
    throw InvalidArgument("cond: pred must be a scalar bool tensor, got " + output(pred.node, pred.index).name() +
                          " of dtype " + dtype_name(spec.dtype) + " and shape " + shape_string(spec.shape));
  if (parent != -1) cond_context_info(parent);  // validates
  for (std::size_t i = 0; i < cond_contexts_.size(); ++i) {
    const CondContext& c = cond_contexts_[i];
    if (c.pred == pred && c.branch == branch && c.parent == parent) return static_cast<int>(i);
  }
  cond_contexts_.push_back({pred, branch, parent});
  return static_cast<int>(cond_contexts_.size()) - 1;
}

const CondContext& Graph::cond_context_info(int id) const {
  if (id < 0 || id >= static_cast<int>(cond_contexts_.size()))
    throw InvalidArgument("no cond context " + std::to_string(id) + " in this graph (it has " +
                          std::to_string(cond_contexts_.size()) + ")");
  return cond_contexts_[static_cast<std::size_t>(id)];
}

void Graph::set_current_cond_context(int id) {
  if (id != -1) cond_context_info(id);  // validates
  current_cond_context_ = id;
}

bool Graph::cond_context_encloses(int outer, int inner) const {
  for (int c = inner; c >= 0; c = cond_context_info(c).parent)
    if (c == outer) return true;
  return outer == -1;
}

}  // namespace slimcore
