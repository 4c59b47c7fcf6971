"""LeNet as tf-slim's model zoo defines it (models/research/slim/nets/lenet.py):
conv 5x5 x32, max-pool 2, conv 5x5 x64, max-pool 2, flatten, fully connected
1024, dropout, logits; end points keyed 'conv1', 'pool1', ..., 'Logits',
'Predictions'.

    with slim.arg_scope(lenet.lenet_arg_scope()):
        logits, end_points = lenet.lenet(images)        # images [N, 28, 28, 1]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from ... import slim
from ...initializers import truncated_normal_initializer
from ...ops import nn_ops
from ...variable_scope import variable_scope
from ._common import softmax

if TYPE_CHECKING:  # annotations only
    from ...framework.types import TensorLike

__all__ = ["lenet", "lenet_arg_scope"]


def lenet(
    images: TensorLike,
    num_classes: int | None = 10,
    is_training: bool = False,
    dropout_keep_prob: float = 0.5,
    prediction_fn: Callable = softmax,
    scope: str = "LeNet",
) -> tuple:
    """LeNet (TF1: ``nets.lenet.lenet``), 3,274,634 parameters at 28x28x1, 10 classes.

    Args:
      images: [N, 28, 28, C] float images.
      num_classes: logits per image; 0 or None returns the fc3 features instead.
      is_training: dropout on (True) or the identity (False).
      dropout_keep_prob: the keep probability of dropout3.
      prediction_fn: logits -> predictions (end point 'Predictions').
      scope: the variable scope.

    Returns:
      (logits [N, num_classes] or fc3 features [N, 1024], end_points dict).
    """
    end_points = {}
    with variable_scope(scope, "LeNet", [images]):
        net = end_points["conv1"] = slim.conv2d(images, 32, [5, 5], scope="conv1")
        net = end_points["pool1"] = slim.max_pool2d(net, [2, 2], 2, scope="pool1")
        net = end_points["conv2"] = slim.conv2d(net, 64, [5, 5], scope="conv2")
        net = end_points["pool2"] = slim.max_pool2d(net, [2, 2], 2, scope="pool2")
        net = slim.flatten(net)
        end_points["Flatten"] = net
        net = end_points["fc3"] = slim.fully_connected(net, 1024, scope="fc3")
        if not num_classes:
            return net, end_points
        net = end_points["dropout3"] = slim.dropout(net, dropout_keep_prob, is_training=is_training, scope="dropout3")
        logits = end_points["Logits"] = slim.fully_connected(net, num_classes, activation_fn=None, scope="fc4")
    end_points["Predictions"] = prediction_fn(logits, scope="Predictions")
    return logits, end_points


lenet.default_image_size = 28


def lenet_arg_scope(weight_decay: float = 0.0) -> dict:
    """LeNet's arg_scope (TF1: ``nets.lenet.lenet_arg_scope``): on conv2d and
    fully_connected, l2_regularizer(weight_decay) weights, truncated_normal(stddev=0.1)
    initializer, ReLU. At the default weight_decay 0 no regularizer is set: the
    same graph as TF1's (whose scale-0 regularizer returns None), without
    slimcore's scale-0 warning."""
    with slim.arg_scope(
        [slim.conv2d, slim.fully_connected],
        weights_regularizer=slim.l2_regularizer(weight_decay) if weight_decay else None,
        weights_initializer=truncated_normal_initializer(stddev=0.1),
        activation_fn=nn_ops.relu,
    ) as sc:
        return sc
