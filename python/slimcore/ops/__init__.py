"""The ops, as TF1's ``tensorflow/python/ops``: functions that add nodes to
the graph (their kernels are C++). ``array_ops`` (placeholder, constant,
reshape, ...), ``math_ops`` (elementwise math, matmul, reductions),
``nn_ops`` (activations, convolutions, pooling, cross-entropy, batch norm),
``random_ops``, ``control_flow_ops`` (group, tuple, no_op) and ``gradients``.

They build on ``slimcore.framework`` and never on the TF1 API modules above
them (variables, layers, losses). Importing ``math_ops`` installs the tensor
operators and ``array_ops`` registers constant conversion.
"""
