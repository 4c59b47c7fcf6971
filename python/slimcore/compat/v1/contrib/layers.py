"""tf.contrib.layers (TF 1.x): slim's layers, contrib's regularizers and initializers.

The layers are slim's (``fully_connected``, ``conv2d``... with slim's names
"weights"/"biases" and slim's default ReLU activation); the regularizers are
TF1's, with the ½ in L2: ``l2_regularizer(s)(w) = s * sum(w^2) / 2``
(Keras' ``l2`` has no ½). ``variance_scaling_initializer`` is contrib's
(factor, 'FAN_IN', uniform), not tf.variance_scaling_initializer.

Example (seed 002)::

    import slimcore.compat.v1.contrib.layers as layers
    out = layers.fully_connected(x, 200, weights_regularizer=layers.l2_regularizer(scale=0.01),
                                 weights_initializer=layers.xavier_initializer(uniform=True),
                                 activation_fn=tf.nn.tanh)
"""

from __future__ import annotations

from ....initializers import contrib_variance_scaling_initializer as variance_scaling_initializer
from ....initializers import xavier_initializer, xavier_initializer_conv2d
from ....regularizers import apply_regularization, l1_l2_regularizer, l1_regularizer, l2_regularizer, sum_regularizer
from ....slim.convolution import conv1d, conv2d_in_plane, convolution, convolution1d, pool
from ....slim.layers import (
    avg_pool2d,
    batch_norm,
    conv2d,
    conv2d_transpose,
    convolution2d,
    convolution2d_transpose,
    dropout,
    flatten,
    fully_connected,
    max_pool2d,
    repeat,
    separable_conv2d,
    separable_convolution2d,
    stack,
)
from ....slim.normalization import group_norm, instance_norm, layer_norm
from ....slim.simple_layers import (
    bias_add,
    elu,
    images_to_sequence,
    linear,
    maxout,
    one_hot_encoding,
    relu,
    relu6,
    scale_gradient,
    sequence_to_images,
    softmax,
    spatial_softmax,
    unit_norm,
)

__all__ = [
    "avg_pool2d",
    "batch_norm",
    "conv2d",
    "conv2d_transpose",
    "convolution2d",
    "convolution2d_transpose",
    "dropout",
    "flatten",
    "fully_connected",
    "max_pool2d",
    "repeat",
    "separable_conv2d",
    "separable_convolution2d",
    "stack",
    "bias_add",
    "conv1d",
    "conv2d_in_plane",
    "convolution",
    "convolution1d",
    "pool",
    "elu",
    "group_norm",
    "images_to_sequence",
    "instance_norm",
    "layer_norm",
    "linear",
    "maxout",
    "one_hot_encoding",
    "relu",
    "relu6",
    "scale_gradient",
    "sequence_to_images",
    "softmax",
    "spatial_softmax",
    "unit_norm",
    "l1_regularizer",
    "l2_regularizer",
    "l1_l2_regularizer",
    "sum_regularizer",
    "apply_regularization",
    "xavier_initializer",
    "xavier_initializer_conv2d",
    "variance_scaling_initializer",
]
