"""tf.nn: activations, softmax, cross-entropy with logits, l2_loss, embedding_lookup, zero_fraction,
the recurrent cells (``tf.nn.rnn_cell``), static_rnn / static_bidirectional_rnn and
dynamic_rnn / bidirectional_dynamic_rnn."""

import sys as _sys

from .ops import rnn_cell
from .ops.array_ops import embedding_lookup
from .ops.math_ops import zero_fraction
from .ops.nn_ops import *  # noqa: F403
from .ops.nn_ops import __all__ as _nn_all
from .ops.rnn_static import static_bidirectional_rnn, static_rnn
from .rnn_dynamic import bidirectional_dynamic_rnn, dynamic_rnn

_sys.modules.setdefault(f"{__name__}.rnn_cell", rnn_cell)  # `import slimcore.nn.rnn_cell`

__all__ = [
    *_nn_all,
    "embedding_lookup",
    "zero_fraction",
    "rnn_cell",
    "static_rnn",
    "static_bidirectional_rnn",
    "dynamic_rnn",
    "bidirectional_dynamic_rnn",
]
