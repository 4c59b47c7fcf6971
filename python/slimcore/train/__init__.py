"""slimcore.train: tf.train's optimizers, decoupled weight decay, schedules,
the global step, gradient clipping and the regularization guard."""
from .accounting import LossAccounting, decoupled_decay_magnitude
from .guard import (DoubleDecayError, DoubleDecayWarning, RegularizationNotAppliedError,
                    RegularizationNotAppliedWarning, check_double_counting, check_regularization,
                    get_regularization_policy, set_regularization_policy)
from .hints import set_lr_multipliers, set_momentum, set_weight_decay
from .optimizer import (DECAY_CONVENTIONS, AdagradOptimizer, AdamOptimizer, AdamWOptimizer,
                        DecoupledWeightDecayExtension, GradientDescentOptimizer, MomentumOptimizer,
                        MomentumWOptimizer, NoGradientWarning, Optimizer, RMSPropOptimizer,
                        extend_with_decoupled_weight_decay)
from .plan import UpdatePlan, VariableUpdate, update_plan
from .report import RegularizationReport, regularization_report
from .saver import (CheckpointSettingsWarning, Saver, checkpoint_path, decay_settings, latest_checkpoint,
                    read_checkpoint)
from .schedules import (cosine_decay, cosine_decay_restarts, exponential_decay, inverse_time_decay,
                        natural_exp_decay, piecewise_constant, polynomial_decay)
from .training_util import (clip_by_global_norm, clip_by_norm, create_global_step, get_global_step,
                            get_or_create_global_step, global_norm)

__all__ = [
    "Optimizer", "GradientDescentOptimizer", "MomentumOptimizer", "AdamOptimizer", "RMSPropOptimizer",
    "AdagradOptimizer", "DecoupledWeightDecayExtension", "extend_with_decoupled_weight_decay",
    "AdamWOptimizer", "MomentumWOptimizer", "NoGradientWarning", "DECAY_CONVENTIONS",
    "exponential_decay", "inverse_time_decay", "natural_exp_decay", "polynomial_decay", "cosine_decay",
    "cosine_decay_restarts", "piecewise_constant", "get_global_step", "create_global_step",
    "get_or_create_global_step", "global_norm", "clip_by_global_norm", "clip_by_norm",
    "RegularizationNotAppliedWarning", "RegularizationNotAppliedError", "set_regularization_policy",
    "get_regularization_policy", "check_regularization", "DoubleDecayWarning", "DoubleDecayError",
    "check_double_counting", "RegularizationReport", "regularization_report",
    "Saver", "latest_checkpoint", "checkpoint_path", "read_checkpoint", "CheckpointSettingsWarning",
    "decay_settings", "set_lr_multipliers", "set_momentum", "set_weight_decay", "LossAccounting", "decoupled_decay_magnitude",
    "update_plan", "UpdatePlan", "VariableUpdate",
]
