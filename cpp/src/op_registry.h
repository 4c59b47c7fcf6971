// How an op is defined: its shape rule, forward kernel and gradient live
// together in one file under ops/ and register themselves here.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "slimcore/graph.h"
#include "slimcore/variable_store.h"

namespace slimcore {

struct Epilogue;  // fusion_pass.h

// Input specs of a node whose outputs are being inferred. The same rule
// serves at graph build time (shapes may hold -1) and at run time (all
// shapes known), so build-time and run-time shapes cannot disagree.
//
// Ops whose output shape depends on input values (tf.where(cond),
// tf.boolean_mask, tf.slice with computed begin/size) say so with
// .value_dependent_shape() and read the values with value(i): at run time
// every input's value is there (and the executor re-infers the outputs on
// every run, then allocates them as for any op); at graph construction only
// the values of Const inputs are (TF's constant shape inference), and a rule
// that cannot see a value it needs leaves those dimensions unknown (-1).
struct InferContext {
  const Node& node;
  const std::vector<TensorSpec>& inputs;
  // Input values when known (entries may be null), or null: see above.
  const std::vector<const Tensor*>* values = nullptr;
  const Attrs& attrs() const { return node.attrs; }
  const TensorSpec& input(int i) const { return inputs[i]; }
  int num_inputs() const { return static_cast<int>(inputs.size()); }
  // The value of input i when known here, else null.
  const Tensor* value(int i) const { return values ? (*values)[static_cast<std::size_t>(i)] : nullptr; }
  // Throws InvalidArgument prefixed with the op's name and type.
  [[noreturn]] void fail(const std::string& message) const;
  [[noreturn]] void fail_type(const std::string& message) const;
};

// What a kernel sees when it runs: its inputs and its outputs, already
// allocated to the shapes of the op's shape rule (or left for the kernel to
// set, for ops that alias their input).
struct KernelContext {
  const Node& node;
  std::vector<const Tensor*> inputs;
  std::vector<Tensor>& outputs;
  VariableStore& variables;
  // Per-op counters that persist across the runs of one session (how far a
  // random op has advanced its stream): a new session starts them at 0.
  std::map<int, uint64_t>& op_counters;
  // A fused bias and activation to apply to output 0 (fusion_pass.h), or
  // null. A kernel that applies it inside its own loops takes it
  // (take_epilogue); otherwise the executor applies it after the kernel.
  Epilogue* epilogue = nullptr;
  Epilogue* take_epilogue();
  const Attrs& attrs() const { return node.attrs; }
  const Tensor& input(int i) const { return *inputs[i]; }
  Tensor& output(int i) { return outputs[i]; }
  int num_inputs() const { return static_cast<int>(inputs.size()); }
  [[noreturn]] void fail(const std::string& message) const;
  // The name of a node of the graph (e.g. a variable an op updates).
  std::string node_name(int node) const;
};

// What a gradient function sees: the forward node, its inputs and outputs as
// graph outputs, and the gradient flowing into each output (invalid when no
// gradient reaches that output). It returns one gradient per input (an
// invalid Output for an input that gets none).
struct GradContext {
  Graph& graph;
  const Node& node;
  std::vector<Output> inputs;
  std::vector<Output> outputs;
  std::vector<Output> grad_outputs;
  const Attrs& attrs() const { return node.attrs; }
  const Output& input(int i) const { return inputs[i]; }
  const Output& output(int i) const { return outputs[i]; }
  const Output& grad(int i = 0) const { return grad_outputs[i]; }
};

using ShapeFn = std::function<std::vector<TensorSpec>(const InferContext&)>;
using KernelFn = std::function<void(KernelContext&)>;
using GradFn = std::function<std::vector<Output>(const GradContext&)>;

struct OpDef {
  std::string type;
  int num_inputs = -1;  // -1: any number
  ShapeFn shape;
  KernelFn compute;
  GradFn grad;  // empty: not differentiable (an error if a gradient must pass)
  // The kernel sets its outputs itself (aliases of inputs or of variables)
  // instead of writing into buffers the executor allocated.
  bool sets_own_outputs = false;
  // Inputs that only order execution or that gradients must not flow into.
  bool not_differentiable = false;
  // The shape rule reads input values (InferContext::value): re-inferred on
  // every run, with Const inputs' values at graph construction.
  bool value_dependent_shape = false;
  // The op moves or converts elements of every dtype (Placeholder, Const,
  // Identity, Cast, Reshape...), storage-only ones included (int8, int16,
  // uint8, uint16, float16, string). Any other op takes and gives only the
  // compute dtypes (is_compute_dtype); infer_outputs refuses the rest.
  bool any_dtype = false;
  // Elementwise: out 0 [i] depends on the inputs at [i] only (or on inputs
  // broadcast along it), so the executor may hand the op a dying input of
  // the output's dtype and size as its output buffer (buffer_planner.h).
  // The kernel must read each element of every input before it writes that
  // element of the output, and write nothing else.
  bool in_place = false;
};

// def.shape's output specs for `node`, each checked to be indexable
// (check_shape_size): an oversized shape, or a size product that overflows
// inside the rule, fails with InvalidArgument naming the op. Graph
// construction and the executor's run-time inference both go through it;
// `values` (one entry per input, null where unknown) reach the rule of an op
// with value_dependent_shape.
//
// Two generic rules, so that no shape function needs to know about them:
//
// Dtypes: unless def.any_dtype, an input or output of a storage-only dtype
// (float16, int8, string...) is a TypeMismatch naming the op, the dtype and
// the fix (tf.cast), at graph construction.
//
// Unknown rank (only at graph construction: a run has every shape): when
// inputs have unknown rank, def.shape runs on stand-ins, each such input
// taken as rank 0, 1, ..., kMaxStandInRank with every dimension unknown (all
// combinations for up to two such inputs, the same rank for all beyond). An
// output keeps what every valid stand-in agrees on: its rank when all give
// the same one (else unknown rank), and each dimension all give alike (else
// unknown); its dtype and the number of outputs are those of the first valid
// stand-in. So Mul(x[?, 10], unknown) has unknown rank, MatMul(unknown,
// w[10, 5]) is [?, 5] (only rank 2 is valid), Shape(unknown) is [?] and
// ReduceSum(unknown) over all axes is []. The rank-dependent checks the
// stand-ins passed run again at run time on the fed shapes, where they fail
// with InvalidArgument naming the op. When no stand-in is valid the op can
// never run: InvalidArgument (or the shape function's TypeMismatch) now.
constexpr int kMaxStandInRank = 8;
std::vector<TensorSpec> infer_outputs(const OpDef& def, const Node& node, const std::vector<TensorSpec>& inputs,
                                      const std::vector<const Tensor*>* values = nullptr);

void register_op(OpDef def);
const OpDef& find_op(const std::string& type);
bool has_op(const std::string& type);

// Names every part of an op's definition:
//
//   REGISTER_OP("Conv2D")
//       .inputs(2)
//       .shape(conv2d_shape)
//       .kernel(conv2d_kernel)
//       .gradient(conv2d_grad);
//
// registers the op when the library loads. Left out: any number of inputs
// (say so with .variadic_inputs()), no gradient (the op is not
// differentiable), outputs written into buffers the executor allocated, a
// shape rule that reads only input specs (.value_dependent_shape(): it reads
// input values too, see InferContext).
class OpBuilder {
 public:
  explicit OpBuilder(std::string type) { def_.type = std::move(type); }
  OpBuilder& inputs(int count) {
    def_.num_inputs = count;
    return *this;
  }
  OpBuilder& variadic_inputs() {
    def_.num_inputs = -1;
    return *this;
  }
  OpBuilder& shape(ShapeFn fn) {
    def_.shape = std::move(fn);
    return *this;
  }
  OpBuilder& kernel(KernelFn fn) {
    def_.compute = std::move(fn);
    return *this;
  }
  OpBuilder& gradient(GradFn fn) {
    def_.grad = std::move(fn);
    return *this;
  }
  // See OpDef::sets_own_outputs.
  OpBuilder& sets_own_outputs() {
    def_.sets_own_outputs = true;
    return *this;
  }
  // See OpDef::not_differentiable.
  OpBuilder& not_differentiable() {
    def_.not_differentiable = true;
    return *this;
  }
  // See OpDef::value_dependent_shape and InferContext.
  OpBuilder& value_dependent_shape() {
    def_.value_dependent_shape = true;
    return *this;
  }
  // See OpDef::any_dtype.
  OpBuilder& any_dtype() {
    def_.any_dtype = true;
    return *this;
  }
  // See OpDef::in_place.
  OpBuilder& in_place() {
    def_.in_place = true;
    return *this;
  }
  const OpDef& def() const { return def_; }

 private:
  OpDef def_;
};

// Registers a built definition at load time (what REGISTER_OP expands to).
struct OpRegistration {
  OpRegistration(const OpBuilder& builder) { register_op(builder.def()); }  // NOLINT: implicit by design
};

#define SLIMCORE_OP_CONCAT_(a, b) a##b
#define SLIMCORE_OP_CONCAT(a, b) SLIMCORE_OP_CONCAT_(a, b)
#define REGISTER_OP(type)                                                                     \
  static const ::slimcore::OpRegistration SLIMCORE_OP_CONCAT(op_registration_, __COUNTER__) = \
      ::slimcore::OpBuilder(type)

}  // namespace slimcore
