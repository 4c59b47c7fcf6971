// Per-variable settings: the one record of what the optimizer and the
// penalties do to each variable (cuda-convnet's epsW/momW/wc, Caffe's
// lr_mult/decay_mult, TF's regularizer). The Graph keeps one record per
// VariableV2 node from the node's creation on (Python Variables exist before
// any Session); a session's VariableStore hands it out beside each arena
// segment; the optimizer builder (slimcore/optimizer.h) resolves it into the
// fused update.
//
//   graph.variable_settings(w.node_id()).lr_mult = 2.0;     // epsW: 2x the rate
//   graph.variable_settings(b.node_id()).weight_decay = 0.0; // never decayed
//
// Every optional is "unset" when empty: the optimizer's default applies.
#pragma once
#include <optional>
#include <string>

namespace slimcore {

// The two conventions of an L2 penalty: TF's scale * sum(w^2) / 2
// (l2_regularizer, tf.nn.l2_loss; gradient scale * w) and Keras'
// scale * sum(w^2) (gradient 2 * scale * w).
inline const char* const kPenaltyHalf = "half";
inline const char* const kPenaltyFull = "full";

struct VariableSettings {
  // What the variable is to the layer that made it: "weights", "biases",
  // "bn_gamma", "bn_beta", "moving_stats", "depthwise_weights",
  // "optimizer_slot"; empty for a variable made by hand.
  std::string role;
  // The learning rate of this variable is lr * lr_mult (unset: 1).
  std::optional<double> lr_mult;
  // Replaces the optimizer's momentum for this variable (unset: the optimizer's).
  std::optional<double> momentum;
  // Decoupled decay d: p <- p - s * d * p per step, replacing the optimizer's
  // weight_decay for this variable (0: never decayed; unset: the optimizer's
  // when the optimizer decays it).
  std::optional<double> weight_decay;
  // The coupled penalty in the loss: kind as the regularizer names it
  // ("l2_regularizer", "l1_regularizer", "l1_l2_regularizer", Keras' "l2",
  // "l1", "l1_l2"...; empty: none), its scales (unset: a tensor scale or no
  // such term) and convention (kPenaltyHalf or kPenaltyFull).
  std::string regularizer;
  std::optional<double> l1, l2;
  std::string penalty_convention;
};

// Throws InvalidArgument naming `variable` and the field when lr_mult,
// momentum, weight_decay, l1 or l2 is set to a non-finite or negative value.
void validate_settings(const VariableSettings& settings, const std::string& variable);

}  // namespace slimcore
