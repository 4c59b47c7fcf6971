// The optimizer builder and the resolved update plan (slimcore/optimizer.h):
// the only code that knows ApplyOptimizer's inputs, attributes and slots.
#include "slimcore/optimizer.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "slimcore/ops.h"

namespace slimcore {
namespace optimizer {

namespace {

void check_algorithm(const std::string& algorithm) {
  for (const char* known : {"sgd", "momentum", "adam", "rmsprop", "adagrad", "adadelta", "ftrl", "proximal_sgd"})
    if (algorithm == known) return;
  throw InvalidArgument("unknown optimizer algorithm '" + algorithm +
                        "' (expected sgd, momentum, adam, rmsprop, adagrad, adadelta, ftrl or proximal_sgd)");
}

// The slots in the order the kernel reads them (s0, s1, s2).
std::vector<std::string> kernel_slot_order(const std::string& algorithm, bool centered) {
  if (algorithm == "rmsprop") {
    if (centered) return {"rms", "momentum", "mg"};
    return {"rms", "momentum"};
  }
  std::vector<std::string> out;
  for (const SlotSpec& s : slot_plan(algorithm, centered)) out.push_back(s.name);
  return out;
}

bool has_momentum(const std::string& algorithm) {
  return algorithm == "momentum" || algorithm == "rmsprop";
}

std::optional<double> const_value(const Graph& g, TensorRef ref) {
  const Node& n = g.node(ref.node);
  if (n.type != "Const" || !n.attrs.has("value")) return std::nullopt;
  const Tensor& t = n.attrs.get<Tensor>("value");
  if (t.numel() != 1) return std::nullopt;
  return t.scalar_value();
}

}  // namespace

bool is_decay_convention(const std::string& convention) {
  return convention == "contrib" || convention == "lr" || convention == "schedule";
}

bool is_epsilon_convention(const std::string& convention) {
  return convention == "tf" || convention == "pytorch";
}

std::vector<SlotSpec> slot_plan(const std::string& algorithm, bool centered, double initial_accumulator,
                                double initial_rms) {
  check_algorithm(algorithm);
  if (algorithm == "momentum") return {{"momentum", 0.0}};
  if (algorithm == "adam") return {{"m", 0.0}, {"v", 0.0}};
  if (algorithm == "rmsprop") {
    if (centered) return {{"rms", initial_rms}, {"mg", 0.0}, {"momentum", 0.0}};
    return {{"rms", initial_rms}, {"momentum", 0.0}};
  }
  if (algorithm == "adagrad") return {{"accumulator", initial_accumulator}};
  if (algorithm == "adadelta") return {{"accum", 0.0}, {"accum_update", 0.0}};
  if (algorithm == "ftrl") return {{"accum", initial_accumulator}, {"linear", 0.0}};
  return {};
}

std::vector<NonSlotSpec> nonslot_plan(const std::string& algorithm) {
  check_algorithm(algorithm);
  if (algorithm == "adam") return {{"beta1_power", "beta1"}, {"beta2_power", "beta2"}};
  return {};
}

std::vector<std::string> hyperparameter_names(const std::string& algorithm) {
  check_algorithm(algorithm);
  std::vector<std::string> out{"learning_rate"};
  if (algorithm == "momentum") out.push_back("momentum");
  if (algorithm == "adam") out.insert(out.end(), {"beta1", "beta2", "epsilon"});
  if (algorithm == "rmsprop") out.insert(out.end(), {"rho", "momentum", "epsilon"});
  if (algorithm == "adadelta") out.insert(out.end(), {"rho", "epsilon"});
  if (algorithm == "ftrl") out.insert(out.end(), {"lr_power", "l1", "l2", "l2_shrinkage"});
  if (algorithm == "proximal_sgd") out.insert(out.end(), {"l1", "l2"});
  out.insert(out.end(), {"weight_decay", "decay_multiplier"});
  return out;
}

int apply(Graph& g, const ApplyRequest& r) {
  const auto plan = slot_plan(r.algorithm, r.centered);
  if (!is_decay_convention(r.decay_convention))
    throw InvalidArgument("decay_convention must be contrib, lr or schedule, got '" + r.decay_convention + "'");
  if (!is_epsilon_convention(r.epsilon_convention))
    throw InvalidArgument("epsilon_convention must be tf or pytorch, got '" + r.epsilon_convention + "'");
  const std::size_t n = r.vars.size();
  if (r.grads.size() != n || r.slots.size() != n || (!r.decayed.empty() && r.decayed.size() != n))
    throw InvalidArgument("optimizer::apply: " + std::to_string(n) + " variables but " +
                          std::to_string(r.grads.size()) + " gradients, " + std::to_string(r.slots.size()) +
                          " slot lists and " + std::to_string(r.decayed.size()) + " decay flags");
  if (r.nonslot.size() != nonslot_plan(r.algorithm).size())
    throw InvalidArgument("optimizer::apply: " + r.algorithm + " needs " +
                          std::to_string(nonslot_plan(r.algorithm).size()) + " non-slot variables, got " +
                          std::to_string(r.nonslot.size()));
  const auto kernel_order = kernel_slot_order(r.algorithm, r.centered);

  std::vector<int64_t> vars, slots, nonslot, decay_from_input;
  std::vector<double> lr_mult, momentum_override, decay;
  for (std::size_t i = 0; i < n; ++i) {
    const Output& v = r.vars[i];
    if (v.node().type != "VariableV2" || v.dtype() != DType::Float32)
      throw InvalidArgument("optimizer::apply: " + v.name() + " is not a float32 variable");
    if (r.slots[i].size() != plan.size())
      throw InvalidArgument("optimizer::apply: " + v.node().name + " has " + std::to_string(r.slots[i].size()) +
                            " slots, " + r.algorithm + " needs " + std::to_string(plan.size()));
    const VariableSettings& s = g.variable_settings(v.node_id());
    validate_settings(s, v.node().name);
    vars.push_back(v.node_id());
    for (const std::string& name : kernel_order) {
      const auto at = std::find_if(plan.begin(), plan.end(), [&](const SlotSpec& p) { return p.name == name; });
      slots.push_back(r.slots[i][static_cast<std::size_t>(at - plan.begin())].node_id());
    }
    lr_mult.push_back(s.lr_mult.value_or(1.0));
    momentum_override.push_back(s.momentum.value_or(std::numeric_limits<double>::quiet_NaN()));
    // A variable's own weight_decay replaces the optimizer's (0: never decayed).
    const bool optimizer_decays = r.decayed.empty() || r.decayed[i];
    decay_from_input.push_back(!s.weight_decay && optimizer_decays);
    decay.push_back(s.weight_decay.value_or(0.0));
  }
  for (const Output& v : r.nonslot) nonslot.push_back(v.node_id());

  std::vector<Output> inputs = r.grads;
  for (const std::string& name : hyperparameter_names(r.algorithm)) {
    auto it = r.hyper.find(name);
    if (it != r.hyper.end()) {
      inputs.push_back(it->second);
    } else if (name == "weight_decay" || name == "decay_multiplier") {
      inputs.push_back(ops::scalar(g, name == "weight_decay" ? 0.0 : 1.0, DType::Float32));
    } else {
      throw InvalidArgument("optimizer::apply: " + r.algorithm + " needs the hyperparameter '" + name + "'");
    }
  }
  Attrs attrs{{"algorithm", r.algorithm},
              {"vars", vars},
              {"slots", slots},
              {"nonslot", nonslot},
              {"lr_mult", lr_mult},
              {"momentum_override", momentum_override},
              {"decay", decay},
              {"decay_from_input", decay_from_input},
              {"decay_convention", r.decay_convention},
              {"epsilon_convention", r.epsilon_convention},
              {"nesterov", r.nesterov},
              {"centered", r.centered},
              {"check_finite", r.check_finite}};
  if (r.gradient_reducer != 0) attrs.set("gradient_reducer", r.gradient_reducer);
  return g.add_node("ApplyOptimizer", inputs, attrs, r.name);
}

const char* decay_scale_name(DecayScale scale) {
  switch (scale) {
    case DecayScale::kOne: return "1";
    case DecayScale::kLearningRate: return "lr*lr_mult";
    case DecayScale::kScheduleMultiplier: return "lr_t/lr_0";
  }
  return "?";
}

const PlanScalar& UpdatePlan::scalar(const std::string& name) const {
  for (const PlanScalar& s : scalars)
    if (s.name == name) return s;
  throw InvalidArgument("the " + algorithm + " update has no scalar input '" + name + "'");
}

UpdatePlan update_plan(const Graph& g, int op) {
  const Node& node = g.node(op);
  if (node.type != "ApplyOptimizer")
    throw InvalidArgument("update_plan: " + node.name + " is a " + node.type + " op, not ApplyOptimizer");
  const Attrs& a = node.attrs;
  UpdatePlan plan;
  plan.op = op;
  plan.algorithm = a.get<std::string>("algorithm");
  plan.nesterov = a.get_or<bool>("nesterov", false);
  plan.centered = a.get_or<bool>("centered", false);
  plan.epsilon_convention = a.get_or<std::string>("epsilon_convention", "tf");
  const auto& vars = a.get<std::vector<int64_t>>("vars");
  const auto names = hyperparameter_names(plan.algorithm);
  for (std::size_t k = 0; k < names.size(); ++k) {
    const TensorRef ref = node.inputs[vars.size() + k];
    plan.scalars.push_back({names[k], ref, const_value(g, ref)});
  }
  const std::string& convention = a.get<std::string>("decay_convention");
  const DecayScale scale = convention == "lr"         ? DecayScale::kLearningRate
                           : convention == "schedule" ? DecayScale::kScheduleMultiplier
                                                      : DecayScale::kOne;
  const auto& lr_mult = a.get<std::vector<double>>("lr_mult");
  const auto& mu = a.get<std::vector<double>>("momentum_override");
  const auto& decay = a.get<std::vector<double>>("decay");
  const auto& from_input = a.get<std::vector<int64_t>>("decay_from_input");
  for (std::size_t i = 0; i < vars.size(); ++i) {
    const int var = static_cast<int>(vars[i]);
    VariableUpdate u;
    u.var = var;
    u.lr_mult = lr_mult[i];
    if (has_momentum(plan.algorithm)) {
      u.momentum_from_input = std::isnan(mu[i]);
      u.momentum = u.momentum_from_input ? plan.scalar("momentum").value : std::optional<double>(mu[i]);
    }
    u.decay_from_input = from_input[i] != 0;
    u.decay = u.decay_from_input ? plan.scalar("weight_decay").value : std::optional<double>(decay[i]);
    u.decay_convention = convention;
    u.decay_scale = scale;
    u.settings = g.variable_settings(var);
    plan.variables.push_back(std::move(u));
  }
  return plan;
}

}  // namespace optimizer
}  // namespace slimcore
