"""slimcore.slim: tf.contrib.slim's API on slimcore's engine.

import slimcore.slim as slim
with slim.arg_scope([slim.conv2d, slim.fully_connected],
                    weights_regularizer=slim.l2_regularizer(0.0005)):
    net = slim.conv2d(images, 32, [3, 3])
"""

from ..initializers import contrib_variance_scaling_initializer as variance_scaling_initializer
from ..initializers import xavier_initializer, xavier_initializer_conv2d
from ..regularizers import apply_regularization, l1_l2_regularizer, l1_regularizer, l2_regularizer, sum_regularizer
from ..train.training_util import get_global_step, get_or_create_global_step
from . import learning, losses, metrics
from .arg_scope import (
    add_arg_scope,
    arg_scope,
    arg_scope_func_key,
    arg_scoped_arguments,
    current_arg_scope,
    has_arg_scope,
)
from .layers import (
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

__all__ = [
    "add_arg_scope",
    "arg_scope",
    "arg_scope_func_key",
    "arg_scoped_arguments",
    "current_arg_scope",
    "has_arg_scope",
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
    "xavier_initializer",
    "xavier_initializer_conv2d",
    "variance_scaling_initializer",
    "l1_regularizer",
    "l2_regularizer",
    "l1_l2_regularizer",
    "sum_regularizer",
    "apply_regularization",
    "losses",
    "learning",
    "metrics",
    "get_or_create_global_step",
    "get_global_step",
]
