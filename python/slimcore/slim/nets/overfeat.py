"""OverFeat (fast model) as tf-slim defines it (tf_slim/nets/overfeat.py): five
convolutions, three max-pools, fc6..fc8 as convolutions; end points keyed by
scope name ('overfeat/conv1', ..., 'overfeat/fc8'). Input 231x231.

    with slim.arg_scope(overfeat.overfeat_arg_scope()):
        logits, end_points = overfeat.overfeat(images)   # images [N, 231, 231, 3]
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

__all__ = ["overfeat", "overfeat_arg_scope"]


def overfeat_arg_scope(weight_decay: float = 0.0005) -> dict:
    """OverFeat's arg_scope (TF1: ``overfeat.overfeat_arg_scope``): conv2d and
    fully_connected with ReLU, l2_regularizer(weight_decay) weights, zero biases;
    conv2d SAME, max_pool2d VALID."""
    with slim.arg_scope(
        [slim.conv2d, slim.fully_connected],
        activation_fn=nn_ops.relu,
        weights_regularizer=slim.l2_regularizer(weight_decay),
        biases_initializer=zeros_initializer(),
    ):
        with slim.arg_scope([slim.conv2d], padding="SAME"):
            with slim.arg_scope([slim.max_pool2d], padding="VALID") as arg_sc:
                return arg_sc


def overfeat(
    inputs: TensorLike,
    num_classes: int = 1000,
    is_training: bool = True,
    dropout_keep_prob: float = 0.5,
    spatial_squeeze: bool = True,
    scope: str = "overfeat",
) -> tuple:
    """OverFeat (TF1: ``tf_slim.nets.overfeat.overfeat``): 145,704,424 parameters
    at 231x231x3 with 1000 classes; fc6..fc8 start from biases 0.1, 0.1, 0.

    Args:
      inputs: [N, 231, 231, 3] images (other sizes run fully convolutionally
        with spatial_squeeze=False).
      num_classes: logits per position.
      is_training: dropout on (True) or the identity (False).
      dropout_keep_prob: keep probability of dropout6 and dropout7.
      spatial_squeeze: squeeze the 1x1 spatial dimensions of the logits.
      scope: the variable scope.

    Returns:
      (logits [N, num_classes] (or [N, H, W, num_classes]), end_points OrderedDict).
    """
    with variable_scope(scope, "overfeat", [inputs]) as sc:
        end_points_collection = sc.name + "_end_points"
        with slim.arg_scope(
            [slim.conv2d, slim.fully_connected, slim.max_pool2d], outputs_collections=end_points_collection
        ):
            net = slim.conv2d(inputs, 64, [11, 11], 4, padding="VALID", scope="conv1")
            net = slim.max_pool2d(net, [2, 2], scope="pool1")
            net = slim.conv2d(net, 256, [5, 5], padding="VALID", scope="conv2")
            net = slim.max_pool2d(net, [2, 2], scope="pool2")
            net = slim.conv2d(net, 512, [3, 3], scope="conv3")
            net = slim.conv2d(net, 1024, [3, 3], scope="conv4")
            net = slim.conv2d(net, 1024, [3, 3], scope="conv5")
            net = slim.max_pool2d(net, [2, 2], scope="pool5")
            # fully connected layers as convolutions
            with slim.arg_scope(
                [slim.conv2d], weights_initializer=trunc_normal(0.005), biases_initializer=constant_initializer(0.1)
            ):
                net = slim.conv2d(net, 3072, [6, 6], padding="VALID", scope="fc6")
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


overfeat.default_image_size = 231
