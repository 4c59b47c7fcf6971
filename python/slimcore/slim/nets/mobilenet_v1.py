"""MobileNet v1 as tf-slim's model zoo defines it (models/research/slim/nets/
mobilenet_v1.py): a 3x3 stride-2 convolution then 13 depthwise-separable
blocks ('Conv2d_<i>_depthwise', 'Conv2d_<i>_pointwise'), batch norm and ReLU6
after each; width scaled by ``depth_multiplier`` (never below ``min_depth``).

    with slim.arg_scope(mobilenet_v1.mobilenet_v1_arg_scope(is_training=False)):
        logits, end_points = mobilenet_v1.mobilenet_v1(images)   # [N, 224, 224, 3]
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence
from typing import TYPE_CHECKING, Callable

from ... import slim
from ...framework.ops import GraphKeys
from ...initializers import truncated_normal_initializer
from ...ops import math_ops, nn_ops
from ...ops.array_ops import pad, squeeze
from ...variable_scope import variable_scope
from ..layers import batch_norm
from ._common import reduced_kernel_size_for_small_input, softmax

if TYPE_CHECKING:  # annotations only
    from ...framework.ops import Tensor
    from ...framework.types import TensorLike
    from ...variable_scope import _ReuseMode

__all__ = [
    "Conv",
    "DepthSepConv",
    "MOBILENETV1_CONV_DEFS",
    "mobilenet_v1",
    "mobilenet_v1_base",
    "mobilenet_v1_arg_scope",
    "mobilenet_v1_075",
    "mobilenet_v1_050",
    "mobilenet_v1_025",
]

Conv = namedtuple("Conv", ["kernel", "stride", "depth"])
DepthSepConv = namedtuple("DepthSepConv", ["kernel", "stride", "depth"])

MOBILENETV1_CONV_DEFS = [
    Conv(kernel=[3, 3], stride=2, depth=32),
    DepthSepConv(kernel=[3, 3], stride=1, depth=64),
    DepthSepConv(kernel=[3, 3], stride=2, depth=128),
    DepthSepConv(kernel=[3, 3], stride=1, depth=128),
    DepthSepConv(kernel=[3, 3], stride=2, depth=256),
    DepthSepConv(kernel=[3, 3], stride=1, depth=256),
    DepthSepConv(kernel=[3, 3], stride=2, depth=512),
    DepthSepConv(kernel=[3, 3], stride=1, depth=512),
    DepthSepConv(kernel=[3, 3], stride=1, depth=512),
    DepthSepConv(kernel=[3, 3], stride=1, depth=512),
    DepthSepConv(kernel=[3, 3], stride=1, depth=512),
    DepthSepConv(kernel=[3, 3], stride=1, depth=512),
    DepthSepConv(kernel=[3, 3], stride=2, depth=1024),
    DepthSepConv(kernel=[3, 3], stride=1, depth=1024),
]


def _fixed_padding(inputs: Tensor, kernel_size: Sequence[int], rate: int = 1) -> Tensor:
    """Pads height and width by k_eff - 1 (k_eff = k + (k - 1)(rate - 1)), half
    before (floor) and the rest after: 'SAME' independent of the input size."""
    effective = [k + (k - 1) * (rate - 1) for k in kernel_size[:2]]
    before = [(e - 1) // 2 for e in effective]
    after = [e - 1 - b for e, b in zip(effective, before)]
    return pad(inputs, [[0, 0], [before[0], after[0]], [before[1], after[1]], [0, 0]])


def mobilenet_v1_base(
    inputs: TensorLike,
    final_endpoint: str = "Conv2d_13_pointwise",
    min_depth: int = 8,
    depth_multiplier: float = 1.0,
    conv_defs: Sequence | None = None,
    output_stride: int | None = None,
    use_explicit_padding: bool = False,
    scope: str | None = None,
) -> tuple:
    """MobileNet v1 up to `final_endpoint` (TF1: ``mobilenet_v1.mobilenet_v1_base``).

    Args:
      inputs: [N, H, W, C] images.
      final_endpoint: the last layer built ('Conv2d_0', 'Conv2d_<i>_depthwise',
        'Conv2d_<i>_pointwise').
      min_depth: the fewest channels a scaled layer keeps.
      depth_multiplier: channels = max(int(depth * depth_multiplier), min_depth).
      conv_defs: Conv / DepthSepConv list (default MOBILENETV1_CONV_DEFS).
      output_stride: 8, 16 or 32; past it the depthwise convolutions run with
        stride 1 and a growing atrous rate.
      use_explicit_padding: pad explicitly and convolve 'VALID'.
      scope: the variable scope.

    Returns:
      (the `final_endpoint` tensor, end_points dict up to it).

    Raises:
      ValueError: depth_multiplier <= 0, output_stride not 8/16/32, unknown
        final_endpoint or layer type.
    """
    if depth_multiplier <= 0:
        raise ValueError("depth_multiplier is not greater than zero.")
    if output_stride is not None and output_stride not in [8, 16, 32]:
        raise ValueError("Only allowed output_stride values are 8, 16, 32.")

    def depth(d: int) -> int:
        return max(int(d * depth_multiplier), min_depth)

    end_points = {}
    conv_defs = MOBILENETV1_CONV_DEFS if conv_defs is None else conv_defs
    padding = "VALID" if use_explicit_padding else "SAME"
    with variable_scope(scope, "MobilenetV1", [inputs]):
        with slim.arg_scope([slim.conv2d, slim.separable_conv2d], padding=padding):
            current_stride = 1
            rate = 1
            net = inputs
            for i, conv_def in enumerate(conv_defs):
                end_point_base = f"Conv2d_{i}"
                if output_stride is not None and current_stride == output_stride:
                    layer_stride, layer_rate = 1, rate
                    rate *= conv_def.stride
                else:
                    layer_stride, layer_rate = conv_def.stride, 1
                    current_stride *= conv_def.stride
                if isinstance(conv_def, Conv):
                    if use_explicit_padding:
                        net = _fixed_padding(net, conv_def.kernel)
                    net = slim.conv2d(
                        net, depth(conv_def.depth), conv_def.kernel, stride=conv_def.stride, scope=end_point_base
                    )
                    end_points[end_point_base] = net
                    if end_point_base == final_endpoint:
                        return net, end_points
                elif isinstance(conv_def, DepthSepConv):
                    end_point = end_point_base + "_depthwise"
                    if use_explicit_padding:
                        net = _fixed_padding(net, conv_def.kernel, layer_rate)
                    net = slim.separable_conv2d(
                        net,
                        None,
                        conv_def.kernel,
                        depth_multiplier=1,
                        stride=layer_stride,
                        rate=layer_rate,
                        scope=end_point,
                    )
                    end_points[end_point] = net
                    if end_point == final_endpoint:
                        return net, end_points
                    end_point = end_point_base + "_pointwise"
                    net = slim.conv2d(net, depth(conv_def.depth), [1, 1], stride=1, scope=end_point)
                    end_points[end_point] = net
                    if end_point == final_endpoint:
                        return net, end_points
                else:
                    raise ValueError(f"Unknown convolution type {type(conv_def).__name__} for layer {i}")
    raise ValueError(f"Unknown final endpoint {final_endpoint}")


def mobilenet_v1(
    inputs: TensorLike,
    num_classes: int | None = 1000,
    dropout_keep_prob: float = 0.999,
    is_training: bool = True,
    min_depth: int = 8,
    depth_multiplier: float = 1.0,
    conv_defs: Sequence | None = None,
    prediction_fn: Callable | None = softmax,
    spatial_squeeze: bool = True,
    reuse: bool | _ReuseMode | None = None,
    scope: str = "MobilenetV1",
    global_pool: bool = False,
) -> tuple:
    """MobileNet v1 (TF1: ``mobilenet_v1.mobilenet_v1``): the base, a 7x7 (or
    smaller input's) average pool 'Logits/AvgPool_1a' (or a global mean),
    dropout and a 1x1 convolution to the logits; 4,231,976 trainable
    parameters at depth multiplier 1.0 with 1000 classes.

    Args:
      inputs: [N, H, W, 3] images.
      num_classes: logits per image; 0 or None returns the pooled features.
      dropout_keep_prob: keep probability of 'Logits/Dropout_1b'.
      is_training: batch norm and dropout in training mode.
      min_depth, depth_multiplier, conv_defs: as :func:`mobilenet_v1_base`.
      prediction_fn: logits -> predictions (end point 'Predictions'); None: none.
      spatial_squeeze: squeeze the 1x1 spatial dimensions of the logits.
      reuse: reuse the variables of `scope`.
      scope: the variable scope.
      global_pool: a global mean instead of the 7x7 average pool.

    Returns:
      (logits [N, num_classes] (or features), end_points dict).

    Raises:
      ValueError: inputs not of rank 4 (and as mobilenet_v1_base).
    """
    input_shape = inputs.get_shape().as_list()
    if len(input_shape) != 4:
        raise ValueError(f"Invalid input tensor rank, expected 4, was: {len(input_shape)}")
    with variable_scope(scope, "MobilenetV1", [inputs], reuse=reuse) as sc:
        with slim.arg_scope([slim.batch_norm, slim.dropout], is_training=is_training):
            net, end_points = mobilenet_v1_base(
                inputs, scope=sc, min_depth=min_depth, depth_multiplier=depth_multiplier, conv_defs=conv_defs
            )
            with variable_scope("Logits"):
                if global_pool:
                    net = math_ops.reduce_mean(net, [1, 2], keepdims=True, name="global_pool")
                    end_points["global_pool"] = net
                else:
                    kernel_size = reduced_kernel_size_for_small_input(net, [7, 7])
                    net = slim.avg_pool2d(net, kernel_size, padding="VALID", scope="AvgPool_1a")
                    end_points["AvgPool_1a"] = net
                if not num_classes:
                    return net, end_points
                net = slim.dropout(net, keep_prob=dropout_keep_prob, scope="Dropout_1b")
                logits = slim.conv2d(
                    net, num_classes, [1, 1], activation_fn=None, normalizer_fn=None, scope="Conv2d_1c_1x1"
                )
                if spatial_squeeze:
                    logits = squeeze(logits, [1, 2], name="SpatialSqueeze")
            end_points["Logits"] = logits
            if prediction_fn:
                end_points["Predictions"] = prediction_fn(logits, scope="Predictions")
    return logits, end_points


mobilenet_v1.default_image_size = 224


def _with_depth_multiplier(multiplier: float, name: str) -> Callable:
    """tf-slim's ``wrapped_partial(mobilenet_v1, depth_multiplier=...)``."""

    def net(*args, **kwargs):
        kwargs.setdefault("depth_multiplier", multiplier)
        return mobilenet_v1(*args, **kwargs)

    net.__name__ = net.__qualname__ = name
    net.__doc__ = f"mobilenet_v1 with depth_multiplier={multiplier} (TF1: ``mobilenet_v1.{name}``)."
    net.default_image_size = 224
    return net


mobilenet_v1_075 = _with_depth_multiplier(0.75, "mobilenet_v1_075")
mobilenet_v1_050 = _with_depth_multiplier(0.50, "mobilenet_v1_050")
mobilenet_v1_025 = _with_depth_multiplier(0.25, "mobilenet_v1_025")


def mobilenet_v1_arg_scope(
    is_training: bool | None = True,
    weight_decay: float = 0.00004,
    stddev: float = 0.09,
    regularize_depthwise: bool = False,
    batch_norm_decay: float = 0.9997,
    batch_norm_epsilon: float = 0.001,
    batch_norm_updates_collections: str = GraphKeys.UPDATE_OPS,
    normalizer_fn: Callable | None = batch_norm,
) -> dict:
    """MobileNet v1's arg_scope (TF1: ``mobilenet_v1.mobilenet_v1_arg_scope``):
    conv2d and separable_conv2d with truncated_normal(stddev) weights, ReLU6 and
    batch norm (gamma and beta, decay 0.9997, epsilon 0.001); l2_regularizer
    on conv2d weights, on depthwise weights only with regularize_depthwise."""
    batch_norm_params = {
        "center": True,
        "scale": True,
        "decay": batch_norm_decay,
        "epsilon": batch_norm_epsilon,
        "updates_collections": batch_norm_updates_collections,
    }
    if is_training is not None:
        batch_norm_params["is_training"] = is_training
    regularizer = slim.l2_regularizer(weight_decay)
    depthwise_regularizer = regularizer if regularize_depthwise else None
    with slim.arg_scope(
        [slim.conv2d, slim.separable_conv2d],
        weights_initializer=truncated_normal_initializer(stddev=stddev),
        activation_fn=nn_ops.relu6,
        normalizer_fn=normalizer_fn,
    ):
        with slim.arg_scope([slim.batch_norm], **batch_norm_params):
            with slim.arg_scope([slim.conv2d], weights_regularizer=regularizer):
                with slim.arg_scope([slim.separable_conv2d], weights_regularizer=depthwise_regularizer) as sc:
                    return sc
