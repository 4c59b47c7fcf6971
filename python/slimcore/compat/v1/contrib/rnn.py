"""tf.contrib.rnn (TF 1.x): the core cells and static unrolling, the same
objects as ``tf.nn.rnn_cell`` and ``tf.nn.static_rnn``.

Contrib's extra cells (LayerNormBasicLSTMCell, LSTMBlockCell, NASCell,
AttentionCellWrapper, ...) are not in slimcore: asking for one raises an
AttributeError that says so.
"""

from ....ops.rnn_cell import (
    BasicLSTMCell,
    BasicRNNCell,
    DeviceWrapper,
    DropoutWrapper,
    GRUCell,
    LSTMCell,
    LSTMStateTuple,
    MultiRNNCell,
    ResidualWrapper,
    RNNCell,
)
from ....ops.rnn_static import static_bidirectional_rnn, static_rnn

__all__ = [
    "BasicLSTMCell",
    "BasicRNNCell",
    "DeviceWrapper",
    "DropoutWrapper",
    "GRUCell",
    "LSTMCell",
    "LSTMStateTuple",
    "MultiRNNCell",
    "ResidualWrapper",
    "RNNCell",
    "static_bidirectional_rnn",
    "static_rnn",
]


def __getattr__(name: str) -> object:
    raise AttributeError(
        f"tf.contrib.rnn.{name} is not in slimcore: it has TF1's core cells and static unrolling "
        f"({', '.join(__all__)}); dynamic_rnn is tf.nn.dynamic_rnn"
    )
