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
