"""CifarNet as tf-slim's model zoo defines it (models/research/slim/nets/cifarnet.py):
two conv 5x5 x64 blocks with max-pool and LRN, fully connected 384 and 192,
logits; end points keyed 'conv1', 'pool1', ..., 'Logits', 'Predictions'.

    with slim.arg_scope(cifarnet.cifarnet_arg_scope()):
        logits, end_points = cifarnet.cifarnet(images)   # images [N, 32, 32, 3]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from ... import slim
from ...initializers import constant_initializer, truncated_normal_initializer, zeros_initializer
from ...ops import nn_ops
from ...variable_scope import variable_scope
from ._common import softmax, trunc_normal

if TYPE_CHECKING:  # annotations only
    from ...framework.types import TensorLike

__all__ = ["cifarnet", "cifarnet_arg_scope"]


def cifarnet(
    images: TensorLike,
    num_classes: int | None = 10,
    is_training: bool = False,
    dropout_keep_prob: float = 0.5,
    prediction_fn: Callable = softmax,
    scope: str = "CifarNet",
) -> tuple:
    """CifarNet (TF1: ``nets.cifarnet.cifarnet``), 1,756,426 parameters at 32x32x3, 10 classes.

    Both LRNs are ``tf.nn.lrn(net, 4, bias=1.0, alpha=0.001 / 9.0, beta=0.75)``.

    Args:
      images: [N, 32, 32, 3] float images.
      num_classes: logits per image; 0 or None returns the fc4 features instead.
      is_training: dropout on (True) or the identity (False).
      dropout_keep_prob: the keep probability of dropout3.
      prediction_fn: logits -> predictions (end point 'Predictions').
      scope: the variable scope.

    Returns:
      (logits [N, num_classes] or fc4 features [N, 192], end_points dict).
    """
    end_points = {}
    with variable_scope(scope, "CifarNet", [images]):
        net = slim.conv2d(images, 64, [5, 5], scope="conv1")
        end_points["conv1"] = net
        net = slim.max_pool2d(net, [2, 2], 2, scope="pool1")
        end_points["pool1"] = net
        net = nn_ops.lrn(net, 4, bias=1.0, alpha=0.001 / 9.0, beta=0.75, name="norm1")
        net = slim.conv2d(net, 64, [5, 5], scope="conv2")
        end_points["conv2"] = net
        net = nn_ops.lrn(net, 4, bias=1.0, alpha=0.001 / 9.0, beta=0.75, name="norm2")
        net = slim.max_pool2d(net, [2, 2], 2, scope="pool2")
        end_points["pool2"] = net
        net = slim.flatten(net)
        end_points["Flatten"] = net
        net = slim.fully_connected(net, 384, scope="fc3")
        end_points["fc3"] = net
        net = slim.dropout(net, dropout_keep_prob, is_training=is_training, scope="dropout3")
        net = slim.fully_connected(net, 192, scope="fc4")
        end_points["fc4"] = net
        if not num_classes:
            return net, end_points
        logits = slim.fully_connected(
            net,
            num_classes,
            biases_initializer=zeros_initializer(),
            weights_initializer=trunc_normal(1 / 192.0),
            weights_regularizer=None,
            activation_fn=None,
            scope="logits",
        )
        end_points["Logits"] = logits
        end_points["Predictions"] = prediction_fn(logits, scope="Predictions")
    return logits, end_points


cifarnet.default_image_size = 32


def cifarnet_arg_scope(weight_decay: float = 0.004) -> dict:
    """CifarNet's arg_scope (TF1: ``nets.cifarnet.cifarnet_arg_scope``): conv2d
    weights truncated_normal(5e-2), ReLU; fully_connected biases 0.1, weights
    truncated_normal(0.04) with l2_regularizer(weight_decay), ReLU (conv
    weights carry no penalty, as in tf-slim)."""
    with slim.arg_scope(
        [slim.conv2d], weights_initializer=truncated_normal_initializer(stddev=5e-2), activation_fn=nn_ops.relu
    ):
        with slim.arg_scope(
            [slim.fully_connected],
            biases_initializer=constant_initializer(0.1),
            weights_initializer=trunc_normal(0.04),
            weights_regularizer=slim.l2_regularizer(weight_decay),
            activation_fn=nn_ops.relu,
        ) as sc:
            return sc
