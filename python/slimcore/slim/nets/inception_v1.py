"""Inception v1 (GoogLeNet) as tf-slim defines it (tf_slim/nets/inception_v1.py),
with batch norm after every convolution under its arg_scope. End points are
keyed by layer ('Conv2d_1a_7x7', 'MaxPool_2a_3x3', ..., 'Mixed_5c', 'Logits',
'Predictions'); ``inception_v1_base`` stops at any of them.

    with slim.arg_scope(inception_v1.inception_v1_arg_scope()):
        logits, end_points = inception_v1.inception_v1(images)   # [N, 224, 224, 3]

tf-slim's checkpoint quirk is kept: Mixed_5b's third branch names its 3x3
convolution 'Conv2d_0a_3x3' (every other module: 'Conv2d_0b_3x3').
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from ... import slim
from ...framework.ops import GraphKeys
from ...ops import nn_ops
from ...ops.array_ops import concat, squeeze
from ...variable_scope import variable_scope
from ._common import softmax, trunc_normal

if TYPE_CHECKING:  # annotations only
    from ...framework.ops import Tensor
    from ...framework.types import TensorLike
    from ...variable_scope import _ReuseMode

__all__ = ["inception_v1", "inception_v1_base", "inception_v1_arg_scope"]

# Each Inception module's filters (GoogLeNet's table 1): branch 0 1x1; branch 1
# 1x1 reduce, 3x3; branch 2 1x1 reduce, "5x5" (a 3x3 in tf-slim); branch 3 pool projection.
_MIXED = {
    "Mixed_3b": (64, 96, 128, 16, 32, 32),
    "Mixed_3c": (128, 128, 192, 32, 96, 64),
    "Mixed_4b": (192, 96, 208, 16, 48, 64),
    "Mixed_4c": (160, 112, 224, 24, 64, 64),
    "Mixed_4d": (128, 128, 256, 24, 64, 64),
    "Mixed_4e": (112, 144, 288, 32, 64, 64),
    "Mixed_4f": (256, 160, 320, 32, 128, 128),
    "Mixed_5b": (256, 160, 320, 32, 128, 128),
    "Mixed_5c": (384, 192, 384, 48, 128, 128),
}

# The layers in order: a convolution (depth, kernel, stride), a max-pool
# (kernel, stride) or an Inception module.
_LAYERS = [
    ("Conv2d_1a_7x7", "conv", (64, 7, 2)),
    ("MaxPool_2a_3x3", "pool", (3, 2)),
    ("Conv2d_2b_1x1", "conv", (64, 1, 1)),
    ("Conv2d_2c_3x3", "conv", (192, 3, 1)),
    ("MaxPool_3a_3x3", "pool", (3, 2)),
    ("Mixed_3b", "mixed", None),
    ("Mixed_3c", "mixed", None),
    ("MaxPool_4a_3x3", "pool", (3, 2)),
    ("Mixed_4b", "mixed", None),
    ("Mixed_4c", "mixed", None),
    ("Mixed_4d", "mixed", None),
    ("Mixed_4e", "mixed", None),
    ("Mixed_4f", "mixed", None),
    ("MaxPool_5a_2x2", "pool", (2, 2)),
    ("Mixed_5b", "mixed", None),
    ("Mixed_5c", "mixed", None),
]


def _inception_module(net: Tensor, end_point: str) -> Tensor:
    """One Inception module: four branches concatenated on channels."""
    d0, d1a, d1b, d2a, d2b, d3 = _MIXED[end_point]
    with variable_scope(end_point):
        with variable_scope("Branch_0"):
            branch_0 = slim.conv2d(net, d0, [1, 1], scope="Conv2d_0a_1x1")
        with variable_scope("Branch_1"):
            branch_1 = slim.conv2d(net, d1a, [1, 1], scope="Conv2d_0a_1x1")
            branch_1 = slim.conv2d(branch_1, d1b, [3, 3], scope="Conv2d_0b_3x3")
        with variable_scope("Branch_2"):
            branch_2 = slim.conv2d(net, d2a, [1, 1], scope="Conv2d_0a_1x1")
            quirk = "Conv2d_0a_3x3" if end_point == "Mixed_5b" else "Conv2d_0b_3x3"
            branch_2 = slim.conv2d(branch_2, d2b, [3, 3], scope=quirk)
        with variable_scope("Branch_3"):
            branch_3 = slim.max_pool2d(net, [3, 3], scope="MaxPool_0a_3x3")
            branch_3 = slim.conv2d(branch_3, d3, [1, 1], scope="Conv2d_0b_1x1")
        return concat([branch_0, branch_1, branch_2, branch_3], 3)


def inception_v1_base(inputs: TensorLike, final_endpoint: str = "Mixed_5c", scope: str = "InceptionV1") -> tuple:
    """Inception v1 up to `final_endpoint` (TF1: ``inception_v1.inception_v1_base``):
    convolutions and pools 'SAME' with stride 1 unless stated, weights
    truncated_normal(0.01).

    Returns:
      (the `final_endpoint` tensor, end_points dict up to it).

    Raises:
      ValueError: unknown `final_endpoint`.
    """
    end_points = {}
    with variable_scope(scope, "InceptionV1", [inputs]):
        with slim.arg_scope([slim.conv2d, slim.fully_connected], weights_initializer=trunc_normal(0.01)):
            with slim.arg_scope([slim.conv2d, slim.max_pool2d], stride=1, padding="SAME"):
                net = inputs
                for end_point, kind, spec in _LAYERS:
                    if kind == "conv":
                        depth, kernel, stride = spec
                        net = slim.conv2d(net, depth, [kernel, kernel], stride=stride, scope=end_point)
                    elif kind == "pool":
                        kernel, stride = spec
                        net = slim.max_pool2d(net, [kernel, kernel], stride=stride, scope=end_point)
                    else:
                        net = _inception_module(net, end_point)
                    end_points[end_point] = net
                    if final_endpoint == end_point:
                        return net, end_points
    raise ValueError(f"Unknown final endpoint {final_endpoint}")


def inception_v1(
    inputs: TensorLike,
    num_classes: int = 1000,
    is_training: bool = True,
    dropout_keep_prob: float = 0.8,
    prediction_fn: Callable = softmax,
    spatial_squeeze: bool = True,
    reuse: bool | _ReuseMode | None = None,
    scope: str = "InceptionV1",
) -> tuple:
    """Inception v1 (TF1: ``tf_slim.nets.inception_v1.inception_v1``): the base,
    a 7x7 average pool ('Logits/MaxPool_0a_7x7', tf-slim's name), dropout and a
    1x1 convolution to the logits; 6,617,624 trainable parameters with 1000 classes.

    Args:
      inputs: [N, 224, 224, 3] images.
      num_classes: logits per image.
      is_training: batch norm and dropout in training mode.
      dropout_keep_prob: keep probability of 'Logits/Dropout_0b'.
      prediction_fn: logits -> predictions (end point 'Predictions').
      spatial_squeeze: squeeze the 1x1 spatial dimensions of the logits.
      reuse: reuse the variables of `scope`.
      scope: the variable scope.

    Returns:
      (logits [N, num_classes], end_points dict).
    """
    with variable_scope(scope, "InceptionV1", [inputs], reuse=reuse) as sc:
        with slim.arg_scope([slim.batch_norm, slim.dropout], is_training=is_training):
            net, end_points = inception_v1_base(inputs, scope=sc)
            with variable_scope("Logits"):
                net = slim.avg_pool2d(net, [7, 7], stride=1, scope="MaxPool_0a_7x7")
                net = slim.dropout(net, dropout_keep_prob, scope="Dropout_0b")
                logits = slim.conv2d(
                    net, num_classes, [1, 1], activation_fn=None, normalizer_fn=None, scope="Conv2d_0c_1x1"
                )
                if spatial_squeeze:
                    logits = squeeze(logits, [1, 2], name="SpatialSqueeze")
                end_points["Logits"] = logits
                end_points["Predictions"] = prediction_fn(logits, scope="Predictions")
    return logits, end_points


inception_v1.default_image_size = 224


def inception_v1_arg_scope(
    weight_decay: float = 0.00004, use_batch_norm: bool = True, batch_norm_var_collection: str = "moving_vars"
) -> dict:
    """Inception v1's arg_scope (TF1: ``inception_v1.inception_v1_arg_scope``):
    l2_regularizer(weight_decay) on conv2d and fully_connected weights; conv2d
    with the contrib variance-scaling initializer, ReLU and (use_batch_norm)
    batch_norm of decay 0.9997, epsilon 0.001, no gamma, updates in UPDATE_OPS,
    moving statistics also in `batch_norm_var_collection`."""
    batch_norm_params = {
        "decay": 0.9997,
        "epsilon": 0.001,
        "updates_collections": GraphKeys.UPDATE_OPS,
        "variables_collections": {
            "beta": None,
            "gamma": None,
            "moving_mean": [batch_norm_var_collection],
            "moving_variance": [batch_norm_var_collection],
        },
    }
    normalizer_fn, normalizer_params = (slim.batch_norm, batch_norm_params) if use_batch_norm else (None, {})
    with slim.arg_scope([slim.conv2d, slim.fully_connected], weights_regularizer=slim.l2_regularizer(weight_decay)):
        with slim.arg_scope(
            [slim.conv2d],
            weights_initializer=slim.variance_scaling_initializer(),
            activation_fn=nn_ops.relu,
            normalizer_fn=normalizer_fn,
            normalizer_params=normalizer_params,
        ) as sc:
            return sc
