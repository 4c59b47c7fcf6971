// The optimizer builder: the one place that knows the fused ApplyOptimizer
// op's inputs, attributes and slot plan, and resolves every variable's
// settings (slimcore/variable_settings.h) into the update. Python's
// optimizers and C++'s train::minimize both build through it; the
// regularization report, the loss accounting, the guard and checkpoints read
// back its resolved update plan.
//
// Per variable i, with lr_i = lr * lr_mult_i, mu_i its momentum and the
// decoupled decay d_i applied as p <- p - s_i * d_i * p before the base
// update (TF contrib's DecoupledWeightDecayExtension), the decay step scale
//   s_i = 1                  "contrib" (TF contrib, tensorflow_addons)
//   s_i = lr * lr_mult_i     "lr"      (PyTorch AdamW, Keras weight_decay=)
//   s_i = lr_t / lr_0        "schedule" (Loshchilov & Hutter; the op's
//                             decay_multiplier input)
// and d_i the variable's own weight_decay when set, else the optimizer's
// weight_decay input when the optimizer decays it, else 0.
//
// Where epsilon goes (the epsilon convention; ftrl, adagrad... have none):
//   "tf"       adam:    m / (sqrt(v) + eps), lr * sqrt(1-b2^t)/(1-b1^t) outside
//                       (TF1's eps-hat, Keras 2 and 3);
//              rmsprop: g / sqrt(D + eps) (TF1, Keras)
//   "pytorch"  adam:    m_hat / (sqrt(v_hat) + eps), m_hat = m/(1-b1^t),
//                       v_hat = v/(1-b2^t) (torch.optim.Adam/AdamW), computed
//                       as the "tf" rule with eps * sqrt(1-b2^t);
//              rmsprop: g / (sqrt(D) + eps) (torch.optim.RMSprop)
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "slimcore/graph.h"

namespace slimcore {
namespace optimizer {

// The decay conventions ("contrib", "lr", "schedule"); anything else is refused.
bool is_decay_convention(const std::string& convention);
// The epsilon conventions ("tf", "pytorch"); anything else is refused.
bool is_epsilon_convention(const std::string& convention);

// One optimizer slot variable per trained variable: TF1's slot name
// ("momentum"; "m", "v"; "rms", "mg", "momentum"; "accumulator"; "accum",
// "accum_update" (Adadelta); "accum", "linear" (Ftrl)) and the value it starts
// at.
struct SlotSpec {
  std::string name;
  double initial = 0.0;
};

// The slots of `algorithm` ("sgd", "momentum", "adam", "rmsprop", "adagrad",
// "adadelta", "ftrl", "proximal_sgd") in TF1's creation order (the order that
// names them "w/Adam", "w/Adam_1"). initial_accumulator: Adagrad's and Ftrl's
// "accum" start (TF1: 0.1); initial_rms: RMSProp's mean square start (TF1: 1,
// Keras: 0). Throws InvalidArgument for an unknown algorithm.
std::vector<SlotSpec> slot_plan(const std::string& algorithm, bool centered = false, double initial_accumulator = 0.1,
                                double initial_rms = 1.0);

// Non-slot variables: Adam's beta1_power and beta2_power, scalars that start
// at the hyperparameter named `initial_from` (beta1, beta2).
struct NonSlotSpec {
  std::string name;
  std::string initial_from;
};
std::vector<NonSlotSpec> nonslot_plan(const std::string& algorithm);

// The named scalar hyperparameters of `algorithm`, in the op's input order:
// "learning_rate", then "momentum" | "beta1", "beta2", "epsilon" | "rho",
// "momentum", "epsilon" | "rho", "epsilon" (adadelta) | "lr_power", "l1",
// "l2", "l2_shrinkage" (ftrl) | "l1", "l2" (proximal_sgd), then
// "weight_decay" and "decay_multiplier" (lr_t / lr_0 for the "schedule"
// convention). Ftrl's and proximal_sgd's l1 and l2 are regularization the
// update applies (TF1's l1/l2_regularization_strength), not loss terms.
std::vector<std::string> hyperparameter_names(const std::string& algorithm);

// What apply() builds one fused update from.
struct ApplyRequest {
  std::string algorithm;  // sgd, momentum, adam, rmsprop, adagrad, adadelta, ftrl, proximal_sgd
  bool nesterov = false;  // momentum
  bool centered = false;  // rmsprop
  bool check_finite = true;
  std::string decay_convention = "contrib";
  std::string epsilon_convention = "tf";   // "tf" | "pytorch" (adam, rmsprop)
  std::vector<Output> grads;               // one float32 gradient per variable
  std::vector<Output> vars;                // VariableV2 outputs (float32)
  std::vector<std::vector<Output>> slots;  // per variable, in slot_plan order
  std::vector<Output> nonslot;             // in nonslot_plan order
  // Scalar float32 tensors by hyperparameter name (hyperparameter_names);
  // weight_decay defaults to 0 and decay_multiplier to 1 when absent.
  std::map<std::string, Output> hyper;
  // Per variable: whether the optimizer's weight_decay applies to it
  // (decay_var_list); empty: to every variable.
  std::vector<bool> decayed;
  std::string name = "update";
  // A registered gradient reducer (slimcore/gradient_reducer.h) that averages
  // the gradients over data-parallel replicas before the update; 0: none.
  int64_t gradient_reducer = 0;
};

// Adds the ApplyOptimizer node (its id) that updates `vars` in one pass,
// reading each variable's lr_mult, momentum and weight_decay from the graph's
// settings record now. Throws InvalidArgument for an unknown algorithm or
// convention, a missing hyperparameter, mismatched list lengths, a slot list
// that is not slot_plan's, or invalid settings (validate_settings).
int apply(Graph& graph, const ApplyRequest& request);

// ---- the resolved update plan ---------------------------------------------
// How the decay step of a variable is scaled (s above).
enum class DecayScale { kOne, kLearningRate, kScheduleMultiplier };
const char* decay_scale_name(DecayScale scale);  // "1", "lr*lr_mult", "lr_t/lr_0"

// One scalar input of the op: its name, the tensor, its value when a Const.
struct PlanScalar {
  std::string name;
  TensorRef input;
  std::optional<double> value;
};

// What one step does to one variable.
struct VariableUpdate {
  int var = -1;
  double lr_mult = 1.0;
  // mu: the variable's override or the optimizer's (value unset when that is
  // a non-constant tensor); both unset/false for algorithms without momentum.
  std::optional<double> momentum;
  bool momentum_from_input = false;
  // d: the decoupled decay coefficient. decay_from_input: it is the op's
  // weight_decay input (decay then holds its value when that is a Const).
  std::optional<double> decay;
  bool decay_from_input = false;
  std::string decay_convention;
  DecayScale decay_scale = DecayScale::kOne;
  // The variable's settings record as it is now: role and coupled penalty
  // (kind, scales, convention).
  VariableSettings settings;
};

struct UpdatePlan {
  int op = -1;
  std::string algorithm;
  bool nesterov = false, centered = false;
  std::string epsilon_convention = "tf";
  std::vector<PlanScalar> scalars;  // hyperparameter_names(algorithm) order
  std::vector<VariableUpdate> variables;
  // The scalar input called `name`; throws InvalidArgument when there is none.
  const PlanScalar& scalar(const std::string& name) const;
};

// The plan of ApplyOptimizer node `op`. Throws InvalidArgument when `op` is
// not an ApplyOptimizer node.
UpdatePlan update_plan(const Graph& graph, int op);

}  // namespace optimizer
}  // namespace slimcore
