// C++ training API: penalties and minimize() over the fused optimizer op.
#include "slimcore/train.h"

#include <map>

#include "slimcore/gradients.h"
#include "slimcore/ops.h"
#include "slimcore/optimizer.h"

namespace slimcore {
namespace train {

namespace {

// Records the penalty in the settings of `weights` when it is a variable.
void record_penalty(Output weights, const char* kind, double scale) {
  if (weights.node().type != "VariableV2") return;
  VariableSettings& s = weights.graph().variable_settings(weights.node_id());
  s.regularizer = kind;
  (std::string(kind) == "l1_regularizer" ? s.l1 : s.l2) = scale;
  s.penalty_convention = kPenaltyHalf;
}

}  // namespace

Output l2_regularizer(Output weights, double scale) {
  if (!(scale >= 0)) throw InvalidArgument("l2_regularizer: scale must be >= 0");
  record_penalty(weights, "l2_regularizer", scale);
  return ops::mul(ops::scalar(weights.graph(), scale, weights.dtype()), ops::l2_loss(weights), "l2_regularizer");
}

Output l1_regularizer(Output weights, double scale) {
  if (!(scale >= 0)) throw InvalidArgument("l1_regularizer: scale must be >= 0");
  record_penalty(weights, "l1_regularizer", scale);
  return ops::mul(ops::scalar(weights.graph(), scale, weights.dtype()), ops::reduce_sum(ops::abs(weights)),
                  "l1_regularizer");
}

VariableSettings& settings(Output var) {
  if (!var.valid() || var.node().type != "VariableV2")
    throw InvalidArgument("train::settings: " + (var.valid() ? var.name() : std::string("an empty Output")) +
                          " is not a variable");
  return var.graph().variable_settings(var.node_id());
}

namespace {

// The optimizer's name, TF1's default for the algorithm unless given: it
// names the slots ("w/Adam", "w/Adam_1").
std::string optimizer_name(const OptimizerSpec& s) {
  if (!s.name.empty()) return s.name;
  static const std::map<std::string, std::string> names{{"sgd", "GradientDescent"},
                                                        {"momentum", "Momentum"},
                                                        {"adam", "Adam"},
                                                        {"rmsprop", "RMSProp"},
                                                        {"adagrad", "Adagrad"}};
  auto it = names.find(s.algorithm);
  return it == names.end() ? s.algorithm : it->second;
}

// A float32 variable initialized to `value` everywhere, plus its Assign op.
std::pair<Output, int> filled_variable(Graph& g, const std::string& name, const Shape& shape, double value,
                                       Attrs extra) {
  extra.set("dtype", DType::Float32);
  extra.set("shape", shape);
  extra.set("trainable", false);
  Output var = g.add("VariableV2", {}, extra, name);  // made unique: "w/Adam", "w/Adam_1"
  Tensor init(DType::Float32, shape);
  float* p = init.data<float>();
  for (int64_t i = 0; i < init.numel(); ++i) p[i] = static_cast<float>(value);
  const std::string& full = var.node().name;
  return {var, ops::assign(var, ops::constant(g, init, full + "/Initializer"), full + "/Assign").node_id()};
}

}  // namespace

TrainOp minimize(Output loss, const std::vector<Output>& vars, const OptimizerSpec& spec,
                 const std::vector<Output>& decayed) {
  Graph& g = loss.graph();
  const auto plan = optimizer::slot_plan(spec.algorithm, spec.centered, spec.initial_accumulator);
  std::vector<Output> grads = gradients({loss}, vars);
  optimizer::ApplyRequest request;
  request.algorithm = spec.algorithm;
  request.nesterov = spec.nesterov;
  request.centered = spec.centered;
  request.check_finite = spec.check_finite;
  request.decay_convention = spec.decay_convention;
  request.epsilon_convention = spec.epsilon_convention;
  request.gradient_reducer = spec.gradient_reducer;
  for (std::size_t i = 0; i < vars.size(); ++i) {
    if (vars[i].node().type != "VariableV2" || vars[i].dtype() != DType::Float32)
      throw InvalidArgument("minimize: " + vars[i].name() + " is not a float32 variable");
    if (grads[i].valid()) {
      request.vars.push_back(vars[i]);
      request.grads.push_back(grads[i]);
    }
  }
  if (request.vars.empty()) throw InvalidArgument("minimize: the loss depends on none of the variables");

  TrainOp out;
  const std::string name = optimizer_name(spec);
  std::map<int, int> slot_counts;
  const std::string saved_stack = g.name_stack();
  g.set_name_stack("");
  for (const Output& v : request.vars) {
    request.slots.emplace_back();
    for (const optimizer::SlotSpec& slot_spec : plan) {
      const int index = ++slot_counts[v.node_id()];
      auto [slot, init] = filled_variable(
          g, v.node().name + "/" + name, v.shape(), slot_spec.initial,
          Attrs{{"slot_of", static_cast<int64_t>(v.node_id())}, {"slot_index", static_cast<int64_t>(index)}});
      g.variable_settings(slot.node_id()).role = "optimizer_slot";
      request.slots.back().push_back(slot);
      out.slots.push_back(slot);
      out.initializers.push_back(init);
    }
    bool decays = decayed.empty();
    for (const Output& d : decayed) decays = decays || d.node_id() == v.node_id();
    request.decayed.push_back(decays);
  }
  const std::map<std::string, double> values{{"learning_rate", spec.learning_rate},
                                             {"momentum", spec.momentum},
                                             {"beta1", spec.beta1},
                                             {"beta2", spec.beta2},
                                             {"epsilon", spec.epsilon},
                                             {"rho", spec.rho},
                                             {"weight_decay", spec.weight_decay},
                                             {"decay_multiplier", 1.0}};
  for (const optimizer::NonSlotSpec& nonslot : optimizer::nonslot_plan(spec.algorithm)) {
    auto [var, init] = filled_variable(g, nonslot.name, {}, values.at(nonslot.initial_from), {});
    request.nonslot.push_back(var);
    out.initializers.push_back(init);
  }
  g.set_name_stack(saved_stack);

  for (const std::string& hyper : optimizer::hyperparameter_names(spec.algorithm))
    request.hyper[hyper] = ops::scalar(g, values.at(hyper), DType::Float32);
  out.op = optimizer::apply(g, request);
  return out;
}

}  // namespace train
}  // namespace slimcore
