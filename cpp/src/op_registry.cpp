#include "op_registry.h"

#include <map>
#include <memory>
#include <stdexcept>

namespace slimcore {

namespace {
std::map<std::string, OpDef>& registry() {
  static std::map<std::string, OpDef> ops;
  return ops;
}
std::string node_label(const Node& node) {
  return "op '" + node.name + "' (" + node.type + ")";
}
}  // namespace

void register_op(OpDef def) {
  std::string type = def.type;
  if (!registry().emplace(type, std::move(def)).second)
    throw std::logic_error("op type '" + type + "' is registered twice");
}

const OpDef& find_op(const std::string& type) {
  auto it = registry().find(type);
  if (it == registry().end()) throw NotFound("no op named '" + type + "' is registered");
  return it->second;
}

bool has_op(const std::string& type) {
  return registry().count(type) > 0;
}

std::vector<TensorSpec> infer_outputs(const OpDef& def, const Node& node, const std::vector<TensorSpec>& inputs,
                                      const std::vector<const Tensor*>* values) {
  const InferContext c{node, inputs, def.value_dependent_shape ? values : nullptr};
  try {
    std::vector<TensorSpec> outputs = def.shape(c);
    for (const TensorSpec& spec : outputs) check_shape_size(spec.shape, dtype_size(spec.dtype));
    return outputs;
  } catch (const InvalidArgument& e) {
    const std::string what = e.what();
    if (what.rfind(node_label(node), 0) == 0) throw;
    c.fail(what);
  }
}

void InferContext::fail(const std::string& message) const {
  throw InvalidArgument(node_label(node) + ": " + message);
}
void InferContext::fail_type(const std::string& message) const {
  throw TypeMismatch(node_label(node) + ": " + message);
}
std::string KernelContext::node_name(int id) const {
  return variables.graph().node(id).name;
}

void KernelContext::fail(const std::string& message) const {
  throw InvalidArgument(node_label(node) + ": " + message);
}

}  // namespace slimcore
