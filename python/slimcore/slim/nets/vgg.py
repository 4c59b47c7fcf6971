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
from ...ops.math_ops import reduce_mean
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
    num_classes: int | None,
    is_training: bool,
    dropout_keep_prob: float,
    spatial_squeeze: bool,
    scope: str,
    fc_conv_padding: str,
    global_pool: bool,
    default_name: str,
    collect_fully_connected: bool,
) -> tuple:
    """The VGG body: five blocks of `repeats[i]` 3x3 convolutions (64, 128, 256,
    512, 512 channels) each followed by a 2x2 max-pool, then fc6 (7x7,
    `fc_conv_padding`), fc7 (1x1), an optional global average pool, and fc8
    (1x1, linear) with dropout before fc7 and fc8; with num_classes 0 or None
    the fc8 layer (and dropout7) is left out and fc7's output returned.
    End points come from conv2d and max_pool2d, and fully_connected too for
    vgg_16/vgg_19 (tf-slim's lists; VGG has no fully_connected layer, so the
    end points are the same)."""
    with variable_scope(scope, default_name, [inputs]) as sc:
        end_points_collection = sc.original_name_scope + "_end_points"
        collected = [slim.conv2d, slim.max_pool2d] + ([slim.fully_connected] if collect_fully_connected else [])
        with slim.arg_scope(collected, outputs_collections=[end_points_collection]):
            net = inputs
            for block, (count, depth) in enumerate(zip(repeats, (64, 128, 256, 512, 512)), start=1):
                net = slim.repeat(net, count, slim.conv2d, depth, [3, 3], scope=f"conv{block}")
                net = slim.max_pool2d(net, [2, 2], scope=f"pool{block}")
            # fully connected layers as convolutions
            net = slim.conv2d(net, 4096, [7, 7], padding=fc_conv_padding, scope="fc6")
            net = slim.dropout(net, dropout_keep_prob, is_training=is_training, scope="dropout6")
            net = slim.conv2d(net, 4096, [1, 1], scope="fc7")
            end_points = convert_collection_to_dict(end_points_collection)
            if global_pool:
                net = reduce_mean(net, [1, 2], keepdims=True, name="global_pool")
                end_points["global_pool"] = net
            if num_classes:
                net = slim.dropout(net, dropout_keep_prob, is_training=is_training, scope="dropout7")
                net = slim.conv2d(net, num_classes, [1, 1], activation_fn=None, normalizer_fn=None, scope="fc8")
                if spatial_squeeze:
                    net = squeeze(net, [1, 2], name="fc8/squeezed")
                end_points[sc.name + "/fc8"] = net
            return net, end_points


_DOC = """{name} (TF1: ``nets.vgg.{name}`` of tf-slim and of tensorflow/models'
    research/slim, whose fc_conv_padding and global_pool arguments it has):
    {params} parameters at 224x224x3 with 1000 classes ({layers} weight layers,
    each penalised under vgg_arg_scope).

    Args:
      inputs: [N, H, W, 3] images; H = W = 224 gives 1x1 logits. Other sizes
        run fully convolutionally: the logits map is (H/32 - 6) wide with
        fc_conv_padding="VALID", H/32 with "SAME" (so 32x32 inputs give 1x1).
      num_classes: logits per position; 0 or None leaves out dropout7 and fc8
        and returns fc7's (or global_pool's) output.
      is_training: dropout on (True) or the identity (False).
      dropout_keep_prob: keep probability of dropout6 and dropout7.
      spatial_squeeze: squeeze the 1x1 spatial dimensions of the logits.
      scope: the variable scope.
      fc_conv_padding: the padding of fc6's 7x7 convolution, "VALID" or "SAME".
      global_pool: average fc7's output over its spatial positions (keepdims)
        before fc8, for any input size; end point 'global_pool'.

    Returns:
      (logits [N, num_classes] (or [N, H', W', num_classes]), end_points OrderedDict).
    """


def vgg_a(
    inputs: TensorLike,
    num_classes: int | None = 1000,
    is_training: bool = True,
    dropout_keep_prob: float = 0.5,
    spatial_squeeze: bool = True,
    scope: str = "vgg_a",
    fc_conv_padding: str = "VALID",
    global_pool: bool = False,
) -> tuple:
    return _vgg(
        inputs,
        (1, 1, 2, 2, 2),
        num_classes,
        is_training,
        dropout_keep_prob,
        spatial_squeeze,
        scope,
        fc_conv_padding,
        global_pool,
        "vgg_a",
        False,
    )


def vgg_16(
    inputs: TensorLike,
    num_classes: int | None = 1000,
    is_training: bool = True,
    dropout_keep_prob: float = 0.5,
    spatial_squeeze: bool = True,
    scope: str = "vgg_16",
    fc_conv_padding: str = "VALID",
    global_pool: bool = False,
) -> tuple:
    return _vgg(
        inputs,
        (2, 2, 3, 3, 3),
        num_classes,
        is_training,
        dropout_keep_prob,
        spatial_squeeze,
        scope,
        fc_conv_padding,
        global_pool,
        "vgg_16",
        True,
    )


def vgg_19(
    inputs: TensorLike,
    num_classes: int | None = 1000,
    is_training: bool = True,
    dropout_keep_prob: float = 0.5,
    spatial_squeeze: bool = True,
    scope: str = "vgg_19",
    fc_conv_padding: str = "VALID",
    global_pool: bool = False,
) -> tuple:
    return _vgg(
        inputs,
        (2, 2, 4, 4, 4),
        num_classes,
        is_training,
        dropout_keep_prob,
        spatial_squeeze,
        scope,
        fc_conv_padding,
        global_pool,
        "vgg_19",
        True,
    )


vgg_a.__doc__ = _DOC.format(name="vgg_a", params="132,863,336", layers=11)
vgg_16.__doc__ = _DOC.format(name="vgg_16", params="138,357,544", layers=16)
vgg_19.__doc__ = _DOC.format(name="vgg_19", params="143,667,240", layers=19)
for _net in (vgg_a, vgg_16, vgg_19):
    _net.default_image_size = 224
vgg_d = vgg_16
vgg_e = vgg_19
