"""tf.contrib.opt (TF 1.x): decoupled weight decay (Loshchilov & Hutter).

``AdamWOptimizer(weight_decay, learning_rate=0.001, ...)`` and
``MomentumWOptimizer(weight_decay, learning_rate, momentum)`` apply, before
the base update, ``p <- p - weight_decay * p``: contrib's rule, the decay is
NOT multiplied by the learning rate (PyTorch's AdamW is:
contrib weight_decay = lr * PyTorch weight_decay). See
slimcore.train.DecoupledWeightDecayExtension for the other conventions.
"""

from ....train.optimizer import (
    AdamWOptimizer,
    DecoupledWeightDecayExtension,
    MomentumWOptimizer,
    extend_with_decoupled_weight_decay,
)

__all__ = [
    "AdamWOptimizer",
    "MomentumWOptimizer",
    "DecoupledWeightDecayExtension",
    "extend_with_decoupled_weight_decay",
]
