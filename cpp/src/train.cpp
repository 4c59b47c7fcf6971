// C++ training API: penalties and minimize() over the fused optimizer op.
#include "slimcore/train.h"

#include <cmath>
#include <limits>
#include <map>

#include "slimcore/gradients.h"
#include "slimcore/ops.h"

namespace slimcore {
namespace train {

Output l2_regularizer(Output weights, double scale) {
  if (!(scale >= 0)) throw InvalidArgument("l2_regularizer: scale must be >= 0");
  return ops::mul(ops::scalar(weights.graph(), scale, weights.dtype()), ops::l2_loss(weights), "l2_regularizer");
}

Output l1_regularizer(Output weights, double scale) {
  if (!(scale >= 0)) throw InvalidArgument("l1_regularizer: scale must be >= 0");
  return ops::mul(ops::scalar(weights.graph(), scale, weights.dtype()), ops::reduce_sum(ops::abs(weights)),
                  "l1_regularizer");
}

namespace {

std::vector<std::pair<std::string, double>> slot_plan(const OptimizerSpec& s) {
  if (s.algorithm == "sgd") return {};
  if (s.algorithm == "momentum") return {{"Momentum", 0.0}};
  if (s.algorithm == "adam") return {{"Adam", 0.0}, {"Adam", 0.0}};
  if (s.algorithm == "rmsprop") {
    if (s.centered) return {{"RMSProp", 1.0}, {"RMSProp", 0.0}, {"RMSProp", 0.0}};  // rms, momentum, mg
    return {{"RMSProp", 1.0}, {"RMSProp", 0.0}};
  }
  if (s.algorithm == "adagrad") return {{"Adagrad", s.initial_accumulator}};
  throw InvalidArgument("unknown optimizer algorithm '" + s.algorithm + "'");
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
  const auto plan = slot_plan(spec);
  std::vector<Output> grads = gradients({loss}, vars);
  std::vector<Output> kept, kept_grads;
  for (std::size_t i = 0; i < vars.size(); ++i) {
    if (vars[i].node().type != "VariableV2" || vars[i].dtype() != DType::Float32)
      throw InvalidArgument("minimize: " + vars[i].name() + " is not a float32 variable");
    if (grads[i].valid()) {
      kept.push_back(vars[i]);
      kept_grads.push_back(grads[i]);
    }
  }
  if (kept.empty()) throw InvalidArgument("minimize: the loss depends on none of the variables");

  TrainOp out;
  std::map<int, int> slot_counts;
  std::vector<int64_t> var_ids, slot_ids, nonslot;
  std::vector<double> lr_mult, mu_override, decay_factor, decay_extra, l2;
  const std::string saved_stack = g.name_stack();
  g.set_name_stack("");
  for (const Output& v : kept) {
    var_ids.push_back(v.node_id());
    for (std::size_t k = 0; k < plan.size(); ++k) {
      const int index = ++slot_counts[v.node_id()];
      auto [slot, init] = filled_variable(
          g, v.node().name + "/" + plan[k].first, v.shape(), plan[k].second,
          Attrs{{"slot_of", static_cast<int64_t>(v.node_id())}, {"slot_index", static_cast<int64_t>(index)}});
      slot_ids.push_back(slot.node_id());
      out.slots.push_back(slot);
      out.initializers.push_back(init);
    }
    bool decays = decayed.empty();
    for (const Output& d : decayed) decays = decays || d.node_id() == v.node_id();
    lr_mult.push_back(1.0);
    mu_override.push_back(std::numeric_limits<double>::quiet_NaN());
    decay_factor.push_back(decays ? 1.0 : 0.0);
    decay_extra.push_back(0.0);
    l2.push_back(0.0);
  }
  if (spec.algorithm == "adam")
    for (const auto& [name, beta] : {std::pair{"beta1_power", spec.beta1}, std::pair{"beta2_power", spec.beta2}}) {
      auto [var, init] = filled_variable(g, name, {}, beta, {});
      nonslot.push_back(var.node_id());
      out.initializers.push_back(init);
    }
  g.set_name_stack(saved_stack);

  std::vector<Output> inputs = kept_grads;
  auto scalar = [&](double v) { inputs.push_back(ops::scalar(g, v, DType::Float32)); };
  scalar(spec.learning_rate);
  if (spec.algorithm == "momentum") scalar(spec.momentum);
  if (spec.algorithm == "adam") {
    scalar(spec.beta1);
    scalar(spec.beta2);
    scalar(spec.epsilon);
  }
  if (spec.algorithm == "rmsprop") {
    scalar(spec.rho);
    scalar(spec.momentum);
    scalar(spec.epsilon);
  }
  scalar(spec.weight_decay);
  scalar(1.0);
  Attrs attrs{{"algorithm", spec.algorithm}, {"vars", var_ids}, {"slots", slot_ids}, {"nonslot", nonslot},
              {"lr_mult", lr_mult}, {"momentum_override", mu_override}, {"decay_factor", decay_factor},
              {"decay_extra", decay_extra}, {"l2", l2},
              {"decay_convention", spec.decay_convention == "contrib" ? std::string("none") : spec.decay_convention},
              {"nesterov", spec.nesterov}, {"centered", spec.centered}, {"check_finite", spec.check_finite}};
  out.op = g.add_node("ApplyOptimizer", inputs, attrs, "update");
  return out;
}

}  // namespace train
}  // namespace slimcore
