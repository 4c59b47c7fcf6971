"""The ops, as TF1's ``tensorflow/python/ops``: functions that add nodes to
the graph (their kernels are C++). ``array_ops`` (placeholder, constant,
reshape, ...), ``math_ops`` (elementwise math, matmul, reductions),
``nn_ops`` (activations, convolutions, pooling, cross-entropy, batch norm),
``random_ops``, ``control_flow_ops`` (group, tuple, no_op), ``gradients``,
and the recurrent cells ``rnn_cell`` (tf.nn.rnn_cell) with ``rnn_static``
(static_rnn, static_bidirectional_rnn).

They build on ``slimcore.framework`` and never on the TF1 API modules above
them (variables, layers, losses) -- except a cell, which makes variables as
a layer does: ``rnn_cell`` uses initializers, and imports variable_scope and
_layer_util when a cell is first called, not at import time. Importing
``math_ops`` installs the tensor operators and ``array_ops`` registers
constant conversion.
"""
