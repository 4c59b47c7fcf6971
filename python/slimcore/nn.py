"""tf.nn: activations, softmax, cross-entropy with logits, l2_loss."""

from .ops.nn_ops import *  # noqa: F403
from .ops.nn_ops import __all__  # noqa: F401
