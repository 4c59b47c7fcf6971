"""VGG as tf-slim defines it (tf_slim/nets/vgg.py): configurations A, D (16
layers) and E (19 layers), fc6..fc8 as convolutions; end points keyed by scope
name ('vgg_16/conv1/conv1_1', 'vgg_16/pool1', ..., 'vgg_16/fc8').

    with slim.arg_scope(vgg.vgg_arg_scope()):
        logits, end_points = vgg.vgg_16(images)   # images [N, 224, 224, 3]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ... import slim
from ...initializers import zeros_initializer
from ...ops import nn_ops
from ...ops.array_ops import squeeze
from ...variable_scope import variable_scope
from ..utils import convert_collection_to_dict

if TYPE_CHECKING:  # annotations only
    from ...framework.types import TensorLike

__all__ = ["vgg_arg_scope", "vgg_a", "vgg_16", "vgg_19", "vgg_d", "vgg_e"]


def vgg_arg_scope(weight_decay: float = 0.0005) -> dict:
    """VGG's arg_scope (TF1: ``vgg.vgg_arg_scope``): conv2d and fully_connected
    with ReLU, l2_regularizer(weight_decay) weights, zero biases; conv2d SAME."""
    with slim.arg_scope(
        [slim.conv2d, slim.fully_connected],
        activation_fn=nn_ops.relu,
        weights_regularizer=slim.l2_regularizer(weight_decay),
        biases_initializer=zeros_initializer(),
    ):
        with slim.arg_scope([slim.conv2d], padding="SAME") as arg_sc:
            return arg_sc


def _vgg(
    inputs: TensorLike,
    repeats: Sequence[int],
    num_classes: int,
    is_training: bool,
    dropout_keep_prob: float,
    spatial_squeeze: bool,
    scope: str,
    default_name: str,
) -> tuple:
    """The VGG body: five blocks of `repeats[i]` 3x3 convolutions (64, 128, 256,
    512, 512 channels) each followed by a 2x2 max-pool, then fc6 (7x7 VALID),
    fc7 (1x1), fc8 (1x1, linear) with dropout between."""
    with variable_scope(scope, default_name, [inputs]) as sc:
        end_points_collection = sc.original_name_scope + "_end_points"
        with slim.arg_scope([slim.conv2d, slim.max_pool2d], outputs_collections=[end_points_collection]):
            net = inputs
            for block, (count, depth) in enumerate(zip(repeats, (64, 128, 256, 512, 512)), start=1):
                net = slim.repeat(net, count, slim.conv2d, depth, [3, 3], scope=f"conv{block}")
                net = slim.max_pool2d(net, [2, 2], scope=f"pool{block}")
            # fully connected layers as convolutions
            net = slim.conv2d(net, 4096, [7, 7], padding="VALID", scope="fc6")
            net = slim.dropout(net, dropout_keep_prob, is_training=is_training, scope="dropout6")
            net = slim.conv2d(net, 4096, [1, 1], scope="fc7")
            net = slim.dropout(net, dropout_keep_prob, is_training=is_training, scope="dropout7")
            net = slim.conv2d(net, num_classes, [1, 1], activation_fn=None, normalizer_fn=None, scope="fc8")
            end_points = convert_collection_to_dict(end_points_collection)
            if spatial_squeeze:
                net = squeeze(net, [1, 2], name="fc8/squeezed")
                end_points[sc.name + "/fc8"] = net
            return net, end_points


_DOC = """{name} (TF1: ``tf_slim.nets.vgg.{name}``): {params} parameters at 224x224x3
    with 1000 classes ({layers} weight layers, each penalised under vgg_arg_scope).

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


def vgg_a(
    inputs: TensorLike,
    num_classes: int = 1000,
    is_training: bool = True,
    dropout_keep_prob: float = 0.5,
    spatial_squeeze: bool = True,
    scope: str = "vgg_a",
) -> tuple:
    return _vgg(inputs, (1, 1, 2, 2, 2), num_classes, is_training, dropout_keep_prob, spatial_squeeze, scope, "vgg_a")


def vgg_16(
    inputs: TensorLike,
    num_classes: int = 1000,
    is_training: bool = True,
    dropout_keep_prob: float = 0.5,
    spatial_squeeze: bool = True,
    scope: str = "vgg_16",
) -> tuple:
    return _vgg(inputs, (2, 2, 3, 3, 3), num_classes, is_training, dropout_keep_prob, spatial_squeeze, scope, "vgg_16")


def vgg_19(
    inputs: TensorLike,
    num_classes: int = 1000,
    is_training: bool = True,
    dropout_keep_prob: float = 0.5,
    spatial_squeeze: bool = True,
    scope: str = "vgg_19",
) -> tuple:
    return _vgg(inputs, (2, 2, 4, 4, 4), num_classes, is_training, dropout_keep_prob, spatial_squeeze, scope, "vgg_19")


vgg_a.__doc__ = _DOC.format(name="vgg_a", params="132,863,336", layers=11)
vgg_16.__doc__ = _DOC.format(name="vgg_16", params="138,357,544", layers=16)
vgg_19.__doc__ = _DOC.format(name="vgg_19", params="143,667,240", layers=19)
for _net in (vgg_a, vgg_16, vgg_19):
    _net.default_image_size = 224
vgg_d = vgg_16
vgg_e = vgg_19
