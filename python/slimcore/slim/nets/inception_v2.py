"""Inception v2 (BN-Inception) as tf-slim defines it (tf_slim/nets/inception_v2.py):
a separable 7x7 stem, ten Inception modules with double 3x3 branches (two of
them grid reductions), the 7x7 average pool and the logits. End points:
'Conv2d_1a_7x7', ..., 'Mixed_5c', 'Logits', 'Predictions'.

    with slim.arg_scope(inception_v2.inception_v2_arg_scope()):
        logits, end_points = inception_v2.inception_v2(images)   # [N, 224, 224, 3]

As in tf-slim, every 1x1 "reduce" convolution starts from trunc_normal(0.09),
every pool projection from trunc_normal(0.1), the stem's separable convolution
(no batch norm: the arg_scope sets only conv2d's) from trunc_normal(1.0).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from ... import slim
from ...framework.ops import GraphKeys
from ...ops import nn_ops
from ...ops.array_ops import squeeze
from ...variable_scope import variable_scope
from ._common import reduced_kernel_size_for_small_input, softmax, trunc_normal
from ._inception_spec import conv, pool, run_modules

if TYPE_CHECKING:  # annotations only
    from ...framework.types import TensorLike
    from ...variable_scope import _ReuseMode

__all__ = ["inception_v2", "inception_v2_base", "inception_v2_arg_scope"]


def _module(d0, d1a, d1b, d2a, d2b, d3, pool_kind="avg"):
    """An Inception v2 module: 1x1; 1x1 -> 3x3; 1x1 -> 3x3 -> 3x3; pool -> 1x1."""
    return [
        [conv(d0, [1, 1], "Conv2d_0a_1x1")],
        [conv(d1a, [1, 1], "Conv2d_0a_1x1", stddev=0.09), conv(d1b, [3, 3], "Conv2d_0b_3x3")],
        [
            conv(d2a, [1, 1], "Conv2d_0a_1x1", stddev=0.09),
            conv(d2b, [3, 3], "Conv2d_0b_3x3"),
            conv(d2b, [3, 3], "Conv2d_0c_3x3"),
        ],
        [
            pool(pool_kind, [3, 3], "AvgPool_0a_3x3" if pool_kind == "avg" else "MaxPool_0a_3x3"),
            conv(d3, [1, 1], "Conv2d_0b_1x1", stddev=0.1),
        ],
    ]


def _reduction(d0a, d0b, d1a, d1b):
    """A grid reduction: 1x1 -> 3x3/2; 1x1 -> 3x3 -> 3x3/2; 3x3/2 max-pool."""
    return [
        [conv(d0a, [1, 1], "Conv2d_0a_1x1", stddev=0.09), conv(d0b, [3, 3], "Conv2d_1a_3x3", stride=2)],
        [
            conv(d1a, [1, 1], "Conv2d_0a_1x1", stddev=0.09),
            conv(d1b, [3, 3], "Conv2d_0b_3x3"),
            conv(d1b, [3, 3], "Conv2d_1a_3x3", stride=2),
        ],
        [pool("max", [3, 3], "MaxPool_1a_3x3", stride=2)],
    ]


_MODULES_3 = [("Mixed_3b", _module(64, 64, 64, 64, 96, 32)), ("Mixed_3c", _module(64, 64, 96, 64, 96, 64))]
_MODULES_4_5 = [
    ("Mixed_4a", _reduction(128, 160, 64, 96)),
    ("Mixed_4b", _module(224, 64, 96, 96, 128, 128)),
    ("Mixed_4c", _module(192, 96, 128, 96, 128, 128)),
    ("Mixed_4d", _module(160, 128, 160, 128, 160, 96)),
    ("Mixed_4e", _module(96, 128, 192, 160, 192, 96)),
    ("Mixed_5a", _reduction(128, 192, 192, 256)),
    ("Mixed_5b", _module(352, 192, 320, 160, 224, 128)),
    ("Mixed_5c", _module(352, 192, 320, 192, 224, 128, pool_kind="max")),
]


def inception_v2_base(
    inputs: TensorLike,
    final_endpoint: str = "Mixed_5c",
    min_depth: int = 16,
    depth_multiplier: float = 1.0,
    scope: str | None = None,
) -> tuple:
    """Inception v2 up to `final_endpoint` (TF1: ``inception_v2.inception_v2_base``):
    everything 'SAME', stride 1 unless stated; channels
    max(int(d * depth_multiplier), min_depth); the stem's depthwise multiplier
    is min(int(depth(64) / 3), 8).

    Returns:
      (the `final_endpoint` tensor, end_points dict up to it).

    Raises:
      ValueError: depth_multiplier <= 0 or unknown `final_endpoint`.
    """
    if depth_multiplier <= 0:
        raise ValueError("depth_multiplier is not greater than zero.")

    def depth(d: int) -> int:
        return max(int(d * depth_multiplier), min_depth)

    end_points = {}
    with variable_scope(scope, "InceptionV2", [inputs]):
        with slim.arg_scope(
            [slim.conv2d, slim.max_pool2d, slim.avg_pool2d, slim.separable_conv2d], stride=1, padding="SAME"
        ):
            stem = [
                (
                    "Conv2d_1a_7x7",
                    lambda net, sc: slim.separable_conv2d(
                        net,
                        depth(64),
                        [7, 7],
                        depth_multiplier=min(int(depth(64) / 3), 8),
                        stride=2,
                        weights_initializer=trunc_normal(1.0),
                        scope=sc,
                    ),
                ),
                ("MaxPool_2a_3x3", lambda net, sc: slim.max_pool2d(net, [3, 3], scope=sc, stride=2)),
                (
                    "Conv2d_2b_1x1",
                    lambda net, sc: slim.conv2d(
                        net, depth(64), [1, 1], scope=sc, weights_initializer=trunc_normal(0.1)
                    ),
                ),
                ("Conv2d_2c_3x3", lambda net, sc: slim.conv2d(net, depth(192), [3, 3], scope=sc)),
                ("MaxPool_3a_3x3", lambda net, sc: slim.max_pool2d(net, [3, 3], scope=sc, stride=2)),
            ]
            net = inputs
            for end_point, layer in stem:
                net = end_points[end_point] = layer(net, end_point)
                if end_point == final_endpoint:
                    return net, end_points
            net, reached = run_modules(net, _MODULES_3 + _MODULES_4_5, depth, end_points, final_endpoint)
            if reached:
                return net, end_points
    raise ValueError(f"Unknown final endpoint {final_endpoint}")


def inception_v2(
    inputs: TensorLike,
    num_classes: int = 1000,
    is_training: bool = True,
    dropout_keep_prob: float = 0.8,
    min_depth: int = 16,
    depth_multiplier: float = 1.0,
    prediction_fn: Callable = softmax,
    spatial_squeeze: bool = True,
    reuse: bool | _ReuseMode | None = None,
    scope: str = "InceptionV2",
) -> tuple:
    """Inception v2 (TF1: ``tf_slim.nets.inception_v2.inception_v2``): the base,
    'Logits/AvgPool_1a_7x7' (smaller for a small input), dropout and a 1x1
    convolution to the logits; 11,178,336 trainable parameters with 1000 classes.

    Args:
      inputs: [N, 224, 224, 3] images.
      num_classes: logits per image.
      is_training: batch norm and dropout in training mode.
      dropout_keep_prob: keep probability of 'Logits/Dropout_1b'.
      min_depth, depth_multiplier: as :func:`inception_v2_base`.
      prediction_fn: logits -> predictions (end point 'Predictions').
      spatial_squeeze: squeeze the 1x1 spatial dimensions of the logits.
      reuse: reuse the variables of `scope`.
      scope: the variable scope.

    Returns:
      (logits [N, num_classes], end_points dict).

    Raises:
      ValueError: depth_multiplier <= 0.
    """
    if depth_multiplier <= 0:
        raise ValueError("depth_multiplier is not greater than zero.")
    with variable_scope(scope, "InceptionV2", [inputs], reuse=reuse) as sc:
        with slim.arg_scope([slim.batch_norm, slim.dropout], is_training=is_training):
            net, end_points = inception_v2_base(
                inputs, scope=sc, min_depth=min_depth, depth_multiplier=depth_multiplier
            )
            with variable_scope("Logits"):
                kernel_size = reduced_kernel_size_for_small_input(net, [7, 7])
                net = slim.avg_pool2d(net, kernel_size, padding="VALID", scope="AvgPool_1a_{}x{}".format(*kernel_size))
                net = slim.dropout(net, keep_prob=dropout_keep_prob, scope="Dropout_1b")
                logits = slim.conv2d(
                    net, num_classes, [1, 1], activation_fn=None, normalizer_fn=None, scope="Conv2d_1c_1x1"
                )
                if spatial_squeeze:
                    logits = squeeze(logits, [1, 2], name="SpatialSqueeze")
            end_points["Logits"] = logits
            end_points["Predictions"] = prediction_fn(logits, scope="Predictions")
    return logits, end_points


inception_v2.default_image_size = 224


def inception_v2_arg_scope(weight_decay: float = 0.00004, batch_norm_var_collection: str = "moving_vars") -> dict:
    """Inception v2's arg_scope (TF1: ``inception_v2.inception_v2_arg_scope``):
    l2_regularizer(weight_decay) on conv2d and fully_connected weights; conv2d
    with the contrib variance-scaling initializer, ReLU and batch_norm (decay
    0.9997, epsilon 0.001, no gamma, moving statistics also in
    `batch_norm_var_collection`)."""
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
    with slim.arg_scope([slim.conv2d, slim.fully_connected], weights_regularizer=slim.l2_regularizer(weight_decay)):
        with slim.arg_scope(
            [slim.conv2d],
            weights_initializer=slim.variance_scaling_initializer(),
            activation_fn=nn_ops.relu,
            normalizer_fn=slim.batch_norm,
            normalizer_params=batch_norm_params,
        ) as sc:
            return sc
