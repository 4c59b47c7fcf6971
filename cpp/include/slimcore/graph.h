// The graph: ops (nodes) with typed, statically shaped outputs, TF-style
// unique names and name scopes, control dependencies and collections.
// Nodes are only ever appended and their inputs always precede them, so the
// node order is a topological order.
#pragma once
#include <deque>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "slimcore/dtype.h"
#include "slimcore/shape.h"
#include "slimcore/tensor.h"
#include "slimcore/variable_settings.h"

namespace slimcore {

class Graph;

// One output of one node.
struct TensorRef {
  int node = -1;
  int index = 0;
  bool valid() const { return node >= 0; }
  bool operator==(const TensorRef& o) const { return node == o.node && index == o.index; }
  bool operator<(const TensorRef& o) const { return node != o.node ? node < o.node : index < o.index; }
};

// What is known of a tensor before the graph runs.
struct TensorSpec {
  DType dtype = DType::Float32;
  Shape shape;
};

using AttrValue =
    std::variant<bool, int64_t, double, std::string, std::vector<int64_t>, std::vector<double>, DType, Tensor>;

// Named attributes of a node (transpose flags, axes, the value of a constant...).
class Attrs {
 public:
  Attrs() = default;
  Attrs(std::initializer_list<std::pair<const std::string, AttrValue>> init) : values_(init) {}
  void set(const std::string& name, AttrValue value) { values_[name] = std::move(value); }
  bool has(const std::string& name) const { return values_.count(name) > 0; }
  template <typename T> const T& get(const std::string& name) const;
  template <typename T> T get_or(const std::string& name, T fallback) const {
    return has(name) ? get<T>(name) : fallback;
  }
  const std::map<std::string, AttrValue>& all() const { return values_; }

 private:
  std::map<std::string, AttrValue> values_;
};

// One branch of a tf.cond (TF1's CondContext): a node added while the
// context is entered runs only in runs where the scalar bool `pred` is
// `branch` and the enclosing context (`parent`, -1: none) is live; otherwise
// it is dead: skipped, with no side effects (executor: session.cpp).
struct CondContext {
  TensorRef pred;
  bool branch = true;
  int parent = -1;
};

struct Node {
  int id = -1;
  std::string name;  // unique in the graph, e.g. "dense/MatMul"
  std::string type;  // the registered op, e.g. "MatMul"
  std::vector<TensorRef> inputs;
  std::vector<int> control_inputs;
  Attrs attrs;
  std::vector<TensorSpec> outputs;
  int cond_context = -1;  // the innermost CondContext it was added in, or -1
};

// A handle on one output of a node: what the C++ builder functions take and
// return. A default-constructed Output means "no tensor" (e.g. no gradient).
class Output {
 public:
  Output() = default;
  Output(Graph* graph, TensorRef ref) : graph_(graph), ref_(ref) {}
  bool valid() const { return graph_ != nullptr && ref_.valid(); }
  explicit operator bool() const { return valid(); }
  Graph& graph() const;
  TensorRef ref() const { return ref_; }
  int node_id() const { return ref_.node; }
  const Node& node() const;
  const TensorSpec& spec() const;
  DType dtype() const { return spec().dtype; }
  const Shape& shape() const { return spec().shape; }
  // The static rank; -1 when unknown (is_unknown_rank(shape())).
  int rank() const { return is_unknown_rank(shape()) ? -1 : static_cast<int>(shape().size()); }
  // TF's tensor name: "<op name>:<output index>".
  std::string name() const;

 private:
  Graph* graph_ = nullptr;
  TensorRef ref_;
};

class Graph {
 public:
  Graph() = default;
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  // Adds a node of a registered op type. `name` is the base name (the op
  // type when empty); it is put under the current name scope and made unique
  // ("MatMul", "MatMul_1"). Shape inference runs here: incompatible shapes or
  // dtypes throw InvalidArgument / TypeMismatch naming the op.
  int add_node(const std::string& type, const std::vector<Output>& inputs, Attrs attrs = {},
               const std::string& name = "");
  // Same, returning output `index` of the new node.
  Output add(const std::string& type, const std::vector<Output>& inputs, Attrs attrs = {},
             const std::string& name = "");

  int num_nodes() const { return static_cast<int>(nodes_.size()); }
  const Node& node(int id) const;
  Output output(int node, int index = 0);
  // The node id of an op name ("scope/op"); -1 when absent.
  int find_node(const std::string& name) const;
  // tf.Tensor.set_shape: merges `shape` (-1: unknown) into the static shape
  // of output `index` of `node`: its unknown dimensions take the known ones of
  // `shape`; an output of unknown rank takes `shape` whole, and a `shape` of
  // unknown rank changes nothing. Nodes added afterwards see the refined shape (and a feed of the
  // output is checked against it); nodes already added keep what they
  // inferred. Throws InvalidArgument naming the tensor and both shapes when
  // the ranks differ or a known dimension differs, or when `shape` holds a
  // dimension below -1 or too large (check_shape_size).
  void refine_output_shape(int node, int index, const Shape& shape);

  // ---- names (TensorFlow's rules) ----------------------------------------
  // Prefixes the current name scope and appends _1, _2... until unused.
  std::string unique_name(const std::string& name, bool mark_as_used = true);
  const std::string& name_stack() const { return name_stack_; }
  void set_name_stack(std::string stack) { name_stack_ = std::move(stack); }
  // Enters a name scope as tf.name_scope does and returns the scope string
  // ("dense/" or "dense_1/"); a name ending in "/" re-enters it exactly and
  // "" returns to the root. Restore with set_name_stack(previous).
  std::string enter_name_scope(const std::string& name);

  // ---- control dependencies ----------------------------------------------
  // Nodes added while a frame is active run after the frame's nodes.
  void push_control_dependencies(const std::vector<int>& nodes, bool clear_outer = false);
  void pop_control_dependencies();

  // ---- conditional execution (tf.cond) -----------------------------------
  // The context of branch `branch` of `pred` inside `parent` (-1: top level),
  // created on first use: one id per (pred, branch, parent). Throws
  // InvalidArgument when `pred` is not a scalar bool or `parent` is unknown.
  int cond_context(TensorRef pred, bool branch, int parent);
  const CondContext& cond_context_info(int id) const;
  // The context new nodes are added in (-1: none). push_control_dependencies
  // with clear_outer leaves every context until the matching pop, as TF1's
  // control_dependencies(None) does (variables are created that way).
  int current_cond_context() const { return current_cond_context_; }
  void set_current_cond_context(int id);
  // Whether context `outer` is `inner` or encloses it (-1 encloses every one).
  bool cond_context_encloses(int outer, int inner) const;

  // ---- collections (insertion order kept) ----------------------------------
  void add_to_collection(const std::string& key, TensorRef item);
  const std::vector<TensorRef>& collection(const std::string& key) const;
  std::vector<std::string> collection_keys() const;
  void clear_collection(const std::string& key);

  // Nodes of type VariableV2, in creation order.
  std::vector<int> variable_nodes() const;
  // The settings record of variable node `var` (slimcore/variable_settings.h),
  // created with the node, all unset. Throws InvalidArgument when `var` is
  // not a VariableV2 node. The optimizer builder validates what it reads.
  const VariableSettings& variable_settings(int var) const;
  VariableSettings& variable_settings(int var);
  // Replaces the record of `var` after validate_settings (InvalidArgument).
  void set_variable_settings(int var, const VariableSettings& settings);

  // For every node: whether it is one of `nodes` or an ancestor of one
  // through data or control inputs or the predicates of its cond contexts
  // (what running `nodes` may run).
  std::vector<bool> ancestors(const std::vector<int>& nodes) const;

 private:
  std::deque<Node> nodes_;  // a deque: references to nodes stay valid as nodes are added
  std::map<std::string, int> node_by_name_;
  std::map<std::string, int> names_in_use_;  // lower-cased, as TF
  std::string name_stack_;
  struct ControlFrame {
    std::vector<int> nodes;
    bool clear_outer;
    int saved_cond_context;  // restored by the pop of a clear_outer frame
  };
  std::vector<ControlFrame> control_frames_;
  std::vector<CondContext> cond_contexts_;
  int current_cond_context_ = -1;
  std::map<std::string, std::vector<TensorRef>> collections_;
  std::vector<int> variables_;
  std::map<int, VariableSettings> settings_;  // a map: references stay valid as variables are added
};

// The collection keys of TF1's GraphKeys.
namespace keys {
inline const char* const kGlobalVariables = "variables";
inline const char* const kTrainableVariables = "trainable_variables";
inline const char* const kModelVariables = "model_variables";
inline const char* const kLosses = "losses";
inline const char* const kRegularizationLosses = "regularization_losses";
inline const char* const kUpdateOps = "update_ops";
inline const char* const kGlobalStep = "global_step";
}  // namespace keys

template <typename T> const T& Attrs::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw InvalidArgument("missing attribute '" + name + "'");
  const T* value = std::get_if<T>(&it->second);
  if (!value) throw InvalidArgument("attribute '" + name + "' has another type");
  return *value;
}

}  // namespace slimcore
