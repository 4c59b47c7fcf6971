"""Inception v3 as tf-slim defines it (tf_slim/nets/inception_v3.py): the
299x299 stem, three 35x35 modules, a grid reduction, four 17x17 modules with
factorised 7x7s, a reduction and two 8x8 modules with split 1x3/3x1 outputs,
the auxiliary head on Mixed_6e and the logits. End points: 'Conv2d_1a_3x3', ...,
'Mixed_7c', 'AuxLogits', 'PreLogits', 'Logits', 'Predictions'.

    with slim.arg_scope(inception_v3.inception_v3_arg_scope()):
        logits, end_points = inception_v3.inception_v3(images)   # [N, 299, 299, 3]

The modules are written as data (below) so tf-slim's checkpoint names are kept
exactly, quirks included: Mixed_5c/Branch_1 has 'Conv2d_0b_1x1' and
'Conv_1_0c_5x5'; Mixed_6a/Branch_0's 3x3 is 'Conv2d_1a_1x1'; Mixed_7b's split
is 'Conv2d_0b_1x3'/'Conv2d_0b_3x1', Mixed_7c's 'Conv2d_0b_1x3'/'Conv2d_0c_3x1'.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from ... import slim
from ...framework.ops import GraphKeys
from ...ops import nn_ops
from ...ops.array_ops import squeeze
from ...variable_scope import variable_scope
from ._common import reduced_kernel_size_for_small_input, softmax, trunc_normal
from ._inception_spec import conv as _conv
from ._inception_spec import pool as _pool
from ._inception_spec import run_modules, run_step

if TYPE_CHECKING:  # annotations only
    from ...framework.types import TensorLike
    from ...variable_scope import _ReuseMode

__all__ = ["inception_v3", "inception_v3_base", "inception_v3_arg_scope"]


_STEM = [
    _conv(32, [3, 3], "Conv2d_1a_3x3", stride=2),
    _conv(32, [3, 3], "Conv2d_2a_3x3"),
    _conv(64, [3, 3], "Conv2d_2b_3x3", padding="SAME"),
    _pool("max", [3, 3], "MaxPool_3a_3x3", stride=2),
    _conv(80, [1, 1], "Conv2d_3b_1x1"),
    _conv(192, [3, 3], "Conv2d_4a_3x3"),
    _pool("max", [3, 3], "MaxPool_5a_3x3", stride=2),
]


def _module_35(pool_depth, branch_1=("Conv2d_0a_1x1", "Conv2d_0b_5x5")):
    return [
        [_conv(64, [1, 1], "Conv2d_0a_1x1")],
        [_conv(48, [1, 1], branch_1[0]), _conv(64, [5, 5], branch_1[1])],
        [_conv(64, [1, 1], "Conv2d_0a_1x1"), _conv(96, [3, 3], "Conv2d_0b_3x3"), _conv(96, [3, 3], "Conv2d_0c_3x3")],
        [_pool("avg", [3, 3], "AvgPool_0a_3x3"), _conv(pool_depth, [1, 1], "Conv2d_0b_1x1")],
    ]


def _module_17(c):
    return [
        [_conv(192, [1, 1], "Conv2d_0a_1x1")],
        [_conv(c, [1, 1], "Conv2d_0a_1x1"), _conv(c, [1, 7], "Conv2d_0b_1x7"), _conv(192, [7, 1], "Conv2d_0c_7x1")],
        [
            _conv(c, [1, 1], "Conv2d_0a_1x1"),
            _conv(c, [7, 1], "Conv2d_0b_7x1"),
            _conv(c, [1, 7], "Conv2d_0c_1x7"),
            _conv(c, [7, 1], "Conv2d_0d_7x1"),
            _conv(192, [1, 7], "Conv2d_0e_1x7"),
        ],
        [_pool("avg", [3, 3], "AvgPool_0a_3x3"), _conv(192, [1, 1], "Conv2d_0b_1x1")],
    ]


def _module_8(split_3x1_scope):
    return [
        [_conv(320, [1, 1], "Conv2d_0a_1x1")],
        [
            _conv(384, [1, 1], "Conv2d_0a_1x1"),
            ("split", [_conv(384, [1, 3], "Conv2d_0b_1x3"), _conv(384, [3, 1], split_3x1_scope)]),
        ],
        [
            _conv(448, [1, 1], "Conv2d_0a_1x1"),
            _conv(384, [3, 3], "Conv2d_0b_3x3"),
            ("split", [_conv(384, [1, 3], "Conv2d_0c_1x3"), _conv(384, [3, 1], "Conv2d_0d_3x1")]),
        ],
        [_pool("avg", [3, 3], "AvgPool_0a_3x3"), _conv(192, [1, 1], "Conv2d_0b_1x1")],
    ]


_MODULES = [
    ("Mixed_5b", _module_35(32)),
    ("Mixed_5c", _module_35(64, ("Conv2d_0b_1x1", "Conv_1_0c_5x5"))),
    ("Mixed_5d", _module_35(64)),
    (
        "Mixed_6a",
        [
            [_conv(384, [3, 3], "Conv2d_1a_1x1", stride=2, padding="VALID")],
            [
                _conv(64, [1, 1], "Conv2d_0a_1x1"),
                _conv(96, [3, 3], "Conv2d_0b_3x3"),
                _conv(96, [3, 3], "Conv2d_1a_1x1", stride=2, padding="VALID"),
            ],
            [_pool("max", [3, 3], "MaxPool_1a_3x3", stride=2, padding="VALID")],
        ],
    ),
    ("Mixed_6b", _module_17(128)),
    ("Mixed_6c", _module_17(160)),
    ("Mixed_6d", _module_17(160)),
    ("Mixed_6e", _module_17(192)),
    (
        "Mixed_7a",
        [
            [_conv(192, [1, 1], "Conv2d_0a_1x1"), _conv(320, [3, 3], "Conv2d_1a_3x3", stride=2, padding="VALID")],
            [
                _conv(192, [1, 1], "Conv2d_0a_1x1"),
                _conv(192, [1, 7], "Conv2d_0b_1x7"),
                _conv(192, [7, 1], "Conv2d_0c_7x1"),
                _conv(192, [3, 3], "Conv2d_1a_3x3", stride=2, padding="VALID"),
            ],
            [_pool("max", [3, 3], "MaxPool_1a_3x3", stride=2, padding="VALID")],
        ],
    ),
    ("Mixed_7b", _module_8("Conv2d_0b_3x1")),
    ("Mixed_7c", _module_8("Conv2d_0c_3x1")),
]


def inception_v3_base(
    inputs: TensorLike,
    final_endpoint: str = "Mixed_7c",
    min_depth: int = 16,
    depth_multiplier: float = 1.0,
    scope: str | None = None,
) -> tuple:
    """Inception v3 up to `final_endpoint` (TF1: ``inception_v3.inception_v3_base``):
    the stem 'VALID' (but Conv2d_2b_3x3), the modules 'SAME', stride 1 unless stated;
    channels max(int(d * depth_multiplier), min_depth).

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
    with variable_scope(scope, "InceptionV3", [inputs]):
        net = inputs
        with slim.arg_scope([slim.conv2d, slim.max_pool2d, slim.avg_pool2d], stride=1, padding="VALID"):
            for step in _STEM:
                net = end_points[step[3]] = run_step(net, step, depth)
                if step[3] == final_endpoint:
                    return net, end_points
        with slim.arg_scope([slim.conv2d, slim.max_pool2d, slim.avg_pool2d], stride=1, padding="SAME"):
            net, reached = run_modules(net, _MODULES, depth, end_points, final_endpoint)
            if reached:
                return net, end_points
    raise ValueError(f"Unknown final endpoint {final_endpoint}")


def inception_v3(
    inputs: TensorLike,
    num_classes: int = 1000,
    is_training: bool = True,
    dropout_keep_prob: float = 0.8,
    min_depth: int = 16,
    depth_multiplier: float = 1.0,
    prediction_fn: Callable = softmax,
    spatial_squeeze: bool = True,
    reuse: bool | _ReuseMode | None = None,
    scope: str = "InceptionV3",
) -> tuple:
    """Inception v3 (TF1: ``tf_slim.nets.inception_v3.inception_v3``): the base,
    the auxiliary head on Mixed_6e ('AuxLogits': 5x5/3 average pool, 1x1 x128,
    5x5 x768, 1x1 logits) and the main head ('Logits': 8x8 average pool,
    dropout, 1x1 logits). 27,143,152 trainable parameters with 1000 classes,
    23,817,352 without the auxiliary head (Keras' InceptionV3 count).

    Args:
      inputs: [N, 299, 299, 3] images.
      num_classes: logits per image.
      is_training: batch norm and dropout in training mode.
      dropout_keep_prob: keep probability of 'Logits/Dropout_1b'.
      min_depth, depth_multiplier: as :func:`inception_v3_base`.
      prediction_fn: logits -> predictions (end point 'Predictions').
      spatial_squeeze: squeeze the 1x1 spatial dimensions of both logits.
      reuse: reuse the variables of `scope`.
      scope: the variable scope.

    Returns:
      (logits [N, num_classes], end_points dict).

    Raises:
      ValueError: depth_multiplier <= 0.
    """
    if depth_multiplier <= 0:
        raise ValueError("depth_multiplier is not greater than zero.")

    def depth(d: int) -> int:
        return max(int(d * depth_multiplier), min_depth)

    with variable_scope(scope, "InceptionV3", [inputs], reuse=reuse) as sc:
        with slim.arg_scope([slim.batch_norm, slim.dropout], is_training=is_training):
            net, end_points = inception_v3_base(
                inputs, scope=sc, min_depth=min_depth, depth_multiplier=depth_multiplier
            )
            with slim.arg_scope([slim.conv2d, slim.max_pool2d, slim.avg_pool2d], stride=1, padding="SAME"):
                with variable_scope("AuxLogits"):
                    aux = slim.avg_pool2d(
                        end_points["Mixed_6e"], [5, 5], stride=3, padding="VALID", scope="AvgPool_1a_5x5"
                    )
                    aux = slim.conv2d(aux, depth(128), [1, 1], scope="Conv2d_1b_1x1")
                    kernel_size = reduced_kernel_size_for_small_input(aux, [5, 5])
                    aux = slim.conv2d(
                        aux,
                        depth(768),
                        kernel_size,
                        weights_initializer=trunc_normal(0.01),
                        padding="VALID",
                        scope="Conv2d_2a_{}x{}".format(*kernel_size),
                    )
                    aux = slim.conv2d(
                        aux,
                        num_classes,
                        [1, 1],
                        activation_fn=None,
                        normalizer_fn=None,
                        weights_initializer=trunc_normal(0.001),
                        scope="Conv2d_2b_1x1",
                    )
                    if spatial_squeeze:
                        aux = squeeze(aux, [1, 2], name="SpatialSqueeze")
                    end_points["AuxLogits"] = aux
            with variable_scope("Logits"):
                kernel_size = reduced_kernel_size_for_small_input(net, [8, 8])
                net = slim.avg_pool2d(net, kernel_size, padding="VALID", scope="AvgPool_1a_{}x{}".format(*kernel_size))
                net = slim.dropout(net, keep_prob=dropout_keep_prob, scope="Dropout_1b")
                end_points["PreLogits"] = net
                logits = slim.conv2d(
                    net, num_classes, [1, 1], activation_fn=None, normalizer_fn=None, scope="Conv2d_1c_1x1"
                )
                if spatial_squeeze:
                    logits = squeeze(logits, [1, 2], name="SpatialSqueeze")
            end_points["Logits"] = logits
            end_points["Predictions"] = prediction_fn(logits, scope="Predictions")
    return logits, end_points


inception_v3.default_image_size = 299


def inception_v3_arg_scope(
    weight_decay: float = 0.00004,
    batch_norm_var_collection: str = "moving_vars",
    batch_norm_decay: float = 0.9997,
    batch_norm_epsilon: float = 0.001,
    updates_collections: str = GraphKeys.UPDATE_OPS,
    use_fused_batchnorm: bool = True,
) -> dict:
    """Inception v3's arg_scope (TF1: ``inception_v3.inception_v3_arg_scope``):
    l2_regularizer(weight_decay) on conv2d and fully_connected weights; conv2d
    with the contrib variance-scaling initializer, ReLU and batch_norm (no gamma,
    the given decay and epsilon, fused, moving statistics also in
    `batch_norm_var_collection`)."""
    batch_norm_params = {
        "decay": batch_norm_decay,
        "epsilon": batch_norm_epsilon,
        "updates_collections": updates_collections,
        "fused": use_fused_batchnorm,
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
