"""A LeNet-style CNN from slim layers under arg_scope (as slim's nets/lenet.py):
conv 5x5 x32, max-pool 2, conv 5x5 x64, max-pool 2, flatten, fully connected
1024 (dropout), logits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import slim
from ..initializers import truncated_normal_initializer
from ..ops import nn_ops
from ..variable_scope import variable_scope

if TYPE_CHECKING:  # annotations only
    from ..framework.types import TensorLike

__all__ = ["lenet", "lenet_arg_scope"]


def lenet_arg_scope(weight_decay: float = 0.0) -> dict:
    """slim's lenet_arg_scope: l2_regularizer(weight_decay) on conv and fully
    connected weights, truncated-normal(0.1) initializer, ReLU."""
    with slim.arg_scope(
        [slim.conv2d, slim.fully_connected],
        weights_regularizer=slim.l2_regularizer(weight_decay) if weight_decay else None,
        weights_initializer=truncated_normal_initializer(stddev=0.1),
        activation_fn=nn_ops.relu,
    ) as sc:
        return sc


def lenet(
    images: TensorLike,
    num_classes: int = 10,
    is_training: bool = False,
    dropout_keep_prob: float = 0.5,
    depth: int = 32,
    fc_units: int = 1024,
    scope: str = "LeNet",
) -> Any:
    """slim's LeNet: returns the logits [N, num_classes] for NHWC images.

    Args:
      depth: filters of the first convolution (the second has 2 * depth).
    """
    with variable_scope(scope, "LeNet", [images]):
        net = slim.conv2d(images, depth, [5, 5], scope="conv1")
        net = slim.max_pool2d(net, [2, 2], 2, scope="pool1")
        net = slim.conv2d(net, 2 * depth, [5, 5], scope="conv2")
        net = slim.max_pool2d(net, [2, 2], 2, scope="pool2")
        net = slim.flatten(net)
        net = slim.fully_connected(net, fc_units, scope="fc3")
        net = slim.dropout(net, dropout_keep_prob, is_training=is_training, scope="dropout3")
        return slim.fully_connected(net, num_classes, activation_fn=None, scope="fc4")
