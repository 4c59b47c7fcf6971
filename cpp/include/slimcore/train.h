// Training from C++: penalties, the fused optimizer and its slots, as the
// Python API's train.*Optimizer.minimize builds them.
//
//   auto loss = data_loss + train::l2_regularizer(w1, 1e-4) + ...;
//   train::OptimizerSpec adamw;               // Adam, TF1's rule
//   adamw.weight_decay = 1e-4;                // decoupled, TF contrib's rule
//   train::settings(b1).lr_mult = 2.0;        // per variable (cuda-convnet's epsB,
//   train::settings(b1).weight_decay = 0.0;   //  wc; momW through .momentum)
//   train::TrainOp step = train::minimize(loss, {w1, b1, ...}, adamw);
//   session.run({}, {}, step.initializers);   // slots
//   session.run(feeds, {}, {step.op});
#pragma once
#include <string>
#include <vector>

#include "slimcore/graph.h"
#include "slimcore/optimizer.h"
#include "slimcore/variable_settings.h"

namespace slimcore {
namespace train {

// scale * sum(w^2) / 2 (TF1's l2_regularizer; its gradient is scale * w).
// When `weights` is a variable, its settings record the penalty (kind, scale).
Output l2_regularizer(Output weights, double scale);
// scale * sum(|w|) (recorded as l2_regularizer's).
Output l1_regularizer(Output weights, double scale);

// The settings record of variable `var` (slimcore/variable_settings.h), to
// set per-variable optimizer settings before minimize() reads them:
//   lr_mult       the variable's learning rate is lr * lr_mult (epsW / lr);
//   momentum      replaces spec.momentum for it (momW);
//   weight_decay  its decoupled decay d, replacing spec.weight_decay (wc; 0:
//                 never decayed), applied as p <- p - s * d * p with s of
//                 spec.decay_convention.
// Values must be finite and >= 0 (minimize throws InvalidArgument naming the
// variable otherwise). Throws InvalidArgument when `var` is not a variable.
VariableSettings& settings(Output var);

struct OptimizerSpec {
  std::string algorithm = "adam";  // sgd, momentum, adam, rmsprop, adagrad
  std::string name;                // names the slots "<var>/<name>"; empty: TF1's ("Adam", "Momentum"...)
  double learning_rate = 1e-3;
  double momentum = 0.9;                              // momentum; rmsprop's momentum term (set 0 for none)
  double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;  // adam (rmsprop uses epsilon too)
  double rho = 0.9;                                   // rmsprop's decay
  double initial_accumulator = 0.1;                   // adagrad
  bool nesterov = false, centered = false;
  // Decoupled weight decay applied to the variables in `decayed` (all when
  // empty) before the base update: p <- p - s * weight_decay * p with s = 1
  // ("contrib"), the learning rate times the variable's lr_mult ("lr") or 1
  // ("schedule" with a constant rate). A variable's own settings(v).weight_decay
  // replaces weight_decay for it, decayed or not.
  double weight_decay = 0.0;
  std::string decay_convention = "contrib";
  // Where adam's and rmsprop's epsilon goes: "tf" (TF1, Keras) or "pytorch"
  // (torch.optim.Adam/AdamW/RMSprop); see slimcore/optimizer.h.
  std::string epsilon_convention = "tf";
  bool check_finite = true;  // NaN/Inf gradients raise NonFinite instead of reaching the weights
  // Data-parallel replicas: the token of a registered GradientReducer
  // (slimcore/gradient_reducer.h) that averages the gradients; 0: none.
  int64_t gradient_reducer = 0;
};

struct TrainOp {
  int op = -1;                    // run it to take one step
  std::vector<int> initializers;  // run once: the optimizer's slot variables
  std::vector<Output> slots;      // the slot variables (e.g. "w/Adam", "w/Adam_1")
};

// Adds the gradient graph of `loss` for `vars` and one fused ApplyOptimizer
// op (built by optimizer::apply, which resolves each variable's settings;
// optimizer::update_plan(graph, op) reads them back). Variables the loss does
// not depend on are skipped. Throws
// InvalidArgument when none of `vars` gets a gradient or a variable is not a
// float32 variable.
TrainOp minimize(Output loss, const std::vector<Output>& vars, const OptimizerSpec& spec,
                 const std::vector<Output>& decayed = {});

}  // namespace train
}  // namespace slimcore
