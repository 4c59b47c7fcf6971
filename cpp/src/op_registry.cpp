#include "op_registry.h"

#include <map>
#include <memory>
#include <optional>
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

namespace {

// The generic dtype rule (see infer_outputs): `what` is "input" or "output".
void check_compute_dtypes(const OpDef& def, const InferContext& c, const std::vector<TensorSpec>& specs,
                          const char* what) {
  if (def.any_dtype) return;
  for (std::size_t i = 0; i < specs.size(); ++i)
    if (!is_compute_dtype(specs[i].dtype))
      c.fail_type(std::string(what) + " " + std::to_string(i) + " has dtype " + dtype_name(specs[i].dtype) +
                  ", which this op does not compute in: slimcore's kernels take float32, float64, int32, int64 "
                  "and bool (" +
                  dtype_name(specs[i].dtype) + " tensors can be fed, fetched, reshaped and cast: tf.cast first)");
}

// Folds one stand-in's output specs into what all valid stand-ins agree on.
void agree(std::vector<TensorSpec>& merged, const std::vector<TensorSpec>& outputs) {
  for (std::size_t i = 0; i < merged.size() && i < outputs.size(); ++i) {
    Shape& m = merged[i].shape;
    const Shape& o = outputs[i].shape;
    if (is_unknown_rank(m)) continue;
    if (m.size() != o.size()) {
      m = unknown_rank_shape();
      continue;
    }
    for (std::size_t d = 0; d < m.size(); ++d)
      if (m[d] != o[d]) m[d] = kUnknownDim;
  }
}

std::string strip_label(const std::string& message, const std::string& label) {
  return message.rfind(label + ": ", 0) == 0 ? message.substr(label.size() + 2) : message;
}

// The unknown-rank rule of infer_outputs: def.shape on stand-ins of every
// rank up to kMaxStandInRank for the inputs of unknown rank.
std::vector<TensorSpec> infer_unknown_rank(const OpDef& def, const InferContext& c) {
  std::vector<std::size_t> unknown;
  for (std::size_t i = 0; i < c.inputs.size(); ++i)
    if (is_unknown_rank(c.inputs[i].shape)) unknown.push_back(i);
  constexpr int64_t kRanks = kMaxStandInRank + 1;
  const bool every_combination = unknown.size() <= 2;
  int64_t combinations = kRanks;
  if (every_combination)
    for (std::size_t k = 1; k < unknown.size(); ++k) combinations *= kRanks;
  std::vector<TensorSpec> stand_in = c.inputs;
  std::vector<TensorSpec> merged;
  bool valid = false;
  std::string first_error;
  std::optional<TypeMismatch> type_error;
  for (int64_t k = 0; k < combinations; ++k) {
    int64_t code = k;
    for (std::size_t u : unknown) {
      const int64_t rank = every_combination ? code % kRanks : k;
      code /= kRanks;
      stand_in[u].shape = Shape(static_cast<std::size_t>(rank), kUnknownDim);
    }
    std::vector<TensorSpec> outputs;
    try {
      outputs = def.shape(InferContext{c.node, stand_in, c.values});
    } catch (const TypeMismatch& e) {
      if (!type_error) type_error = e;
      continue;
    } catch (const InvalidArgument& e) {
      if (first_error.empty()) first_error = e.what();
      continue;
    }
    if (!valid) merged = outputs;
    else agree(merged, outputs);
    valid = true;
  }
  if (valid) return merged;
  if (type_error) throw *type_error;
  std::string which;
  for (std::size_t u : unknown) which += (which.empty() ? "" : ", ") + std::to_string(u);
  c.fail("no rank of input " + which + " (of unknown rank) makes this op valid (ranks 0 to " +
         std::to_string(kMaxStandInRank) + " tried, every dimension unknown); taken as rank 0: " +
         strip_label(first_error, "op '" + c.node.name + "' (" + c.node.type + ")"));
}

bool any_unknown_rank(const std::vector<TensorSpec>& specs) {
  for (const TensorSpec& s : specs)
    if (is_unknown_rank(s.shape)) return true;
  return false;
}

}  // namespace

std::vector<TensorSpec> infer_outputs(const OpDef& def, const Node& node, const std::vector<TensorSpec>& inputs,
                                      const std::vector<const Tensor*>* values) {
  const InferContext c{node, inputs, def.value_dependent_shape ? values : nullptr};
  try {
    check_compute_dtypes(def, c, inputs, "input");
    std::vector<TensorSpec> outputs = any_unknown_rank(inputs) ? infer_unknown_rank(def, c) : def.shape(c);
    check_compute_dtypes(def, c, outputs, "output");
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
