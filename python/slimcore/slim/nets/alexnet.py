"""AlexNet v2 as tf-slim defines it (tf_slim/nets/alexnet.py, "One weird trick"
variant): five convolutions, three max-pools, fc6..fc8 as convolutions so the
net also runs fully convolutionally; end points keyed by scope name
('alexnet_v2/conv1', ..., 'alexnet_v2/fc8').

    with slim.arg_scope(alexnet.alexnet_v2_arg_scope()):
        logits, end_points = alexnet.alexnet_v2(images)   # images [N, 224, 224, 3]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ... import slim
from ...initializers import constant_initializer, zeros_initializer
from ...ops import nn_ops
from ...ops.array_ops import squeeze
from ...variable_scope import variable_scope
from ..utils import convert_collection_to_dict
from ._common import trunc_normal

if TYPE_CHECKING:  # annotations only
    from ...framework.types import TensorLike

__all__ = ["alexnet_v2", "alexnet_v2_arg_scope"]


def alexnet_v2_arg_scope(weight_decay: float = 0.0005) -> dict:
    """AlexNet v2's arg_scope (TF1: ``alexnet.alexnet_v2_arg_scope``): conv2d and
    fully_connected with ReLU, biases 0.1, l2_regularizer(weight_decay) weights;
    conv2d SAME, max_pool2d VALID."""
    with slim.arg_scope(
        [slim.conv2d, slim.fully_connected],
        activation_fn=nn_ops.relu,
        biases_initializer=constant_initializer(0.1),
        weights_regularizer=slim.l2_regularizer(weight_decay),
    ):
        with slim.arg_scope([slim.conv2d], padding="SAME"):
            with slim.arg_scope([slim.max_pool2d], padding="VALID") as arg_sc:
                return arg_sc


def alexnet_v2(
    inputs: TensorLike,
    num_classes: int = 1000,
    is_training: bool = True,
    dropout_keep_prob: float = 0.5,
    spatial_squeeze: bool = True,
    scope: str = "alexnet_v2",
) -> tuple:
    """AlexNet v2 (TF1: ``tf_slim.nets.alexnet.alexnet_v2``): 50,303,912 parameters
    at 224x224x3 with 1000 classes (8 weights penalised under the arg_scope).

    Args:
      inputs: [N, 224, 224, 3] images (other sizes run fully convolutionally
        with spatial_squeeze=False).
      num_classes: logits per position.
      is_training: dropout on (True) or the identity (False).
      dropout_keep_prob: keep probability of dropout6 and dropout7.
      spatial_squeeze: squeeze the 1x1 spatial dimensions of the logits.
      scope: the variable scope.

    Returns:
      (logits [N, num_classes] (or [N, H, W, num_classes]), end_points OrderedDict).
    """
    with variable_scope(scope, "alexnet_v2", [inputs]) as sc:
        end_points_collection = sc.original_name_scope + "_end_points"
        with slim.arg_scope(
            [slim.conv2d, slim.fully_connected, slim.max_pool2d], outputs_collections=[end_points_collection]
        ):
            net = slim.conv2d(inputs, 64, [11, 11], 4, padding="VALID", scope="conv1")
            net = slim.max_pool2d(net, [3, 3], 2, scope="pool1")
            net = slim.conv2d(net, 192, [5, 5], scope="conv2")
            net = slim.max_pool2d(net, [3, 3], 2, scope="pool2")
            net = slim.conv2d(net, 384, [3, 3], scope="conv3")
            net = slim.conv2d(net, 384, [3, 3], scope="conv4")
            net = slim.conv2d(net, 256, [3, 3], scope="conv5")
            net = slim.max_pool2d(net, [3, 3], 2, scope="pool5")
            # fc layers as convolutions
            with slim.arg_scope(
                [slim.conv2d], weights_initializer=trunc_normal(0.005), biases_initializer=constant_initializer(0.1)
            ):
                net = slim.conv2d(net, 4096, [5, 5], padding="VALID", scope="fc6")
                net = slim.dropout(net, dropout_keep_prob, is_training=is_training, scope="dropout6")
                net = slim.conv2d(net, 4096, [1, 1], scope="fc7")
                net = slim.dropout(net, dropout_keep_prob, is_training=is_training, scope="dropout7")
                net = slim.conv2d(
                    net,
                    num_classes,
                    [1, 1],
                    activation_fn=None,
                    normalizer_fn=None,
                    biases_initializer=zeros_initializer(),
                    scope="fc8",
                )
            end_points = convert_collection_to_dict(end_points_collection)
            if spatial_squeeze:
                net = squeeze(net, [1, 2], name="fc8/squeezed")
                end_points[sc.name + "/fc8"] = net
            return net, end_points


alexnet_v2.default_image_size = 224
