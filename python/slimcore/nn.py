"""tf.nn: activations, softmax, cross-entropy with logits, l2_loss, embedding_lookup,
dynamic_rnn and bidirectional_dynamic_rnn."""

from .ops.array_ops import embedding_lookup
from .ops.nn_ops import *  # noqa: F403
from .ops.nn_ops import __all__ as _nn_all
from .rnn_dynamic import bidirectional_dynamic_rnn, dynamic_rnn

__all__ = [*_nn_all, "embedding_lookup", "dynamic_rnn", "bidirectional_dynamic_rnn"]
