"""slim's MobileNetV2 (tensorflow/models research/slim/nets/mobilenet):
inverted residual blocks -- 1x1 expansion conv, 3x3 depthwise, linear 1x1
projection, batch norm, relu6, residual connections -- with slim's variable
names ("MobilenetV2/expanded_conv_3/expand/weights", ".../BatchNorm/gamma"...)
and ``training_scope`` setting the regularizers and batch-norm parameters
through arg_scope exactly as slim's does: l2_regularizer(weight_decay) on
convolution weights, none on depthwise weights, no bias under batch norm::

    with slim.arg_scope(mobilenet_v2.training_scope(weight_decay=0.001)):
        logits, end_points = mobilenet_v2.mobilenet(images, num_classes)
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    train_op = slim.learning.create_train_op(tf.losses.get_total_loss(), opt)   # not just the cross-entropy!
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from .. import slim
from ..initializers import truncated_normal_initializer
from ..ops import math_ops, nn_ops
from ..ops.array_ops import identity, reshape
from ..variable_scope import variable_scope

if TYPE_CHECKING:  # annotations only
    from ..framework.types import TensorLike
    from ..variable_scope import _ReuseMode

__all__ = [
    "mobilenet",
    "mobilenet_base",
    "mobilenet_v2_140",
    "mobilenet_v2_050",
    "mobilenet_v2_035",
    "training_scope",
    "make_divisible",
    "V2_SPEC",
]

# (op, stride, num_outputs, expansion factor) of slim's V2_DEF.
V2_SPEC = (
    [("conv", 2, 32, None), ("block", 1, 16, 1)]
    + [
        ("block", s, n, 6)
        for s, n in [
            (2, 24),
            (1, 24),
            (2, 32),
            (1, 32),
            (1, 32),
            (2, 64),
            (1, 64),
            (1, 64),
            (1, 64),
            (1, 96),
            (1, 96),
            (1, 96),
            (2, 160),
            (1, 160),
            (1, 160),
            (1, 320),
        ]
    ]
    + [("conv1x1", 1, 1280, None)]
)


def make_divisible(value: float, divisor: int = 8, min_value: int | None = None) -> int:
    """slim's _make_divisible: round to a multiple of `divisor`, never below
    min_value (default divisor) nor more than 10% below `value`."""
    min_value = divisor if min_value is None else min_value
    new = max(min_value, int(value + divisor / 2) // divisor * divisor)
    return new + divisor if new < 0.9 * value else new


@slim.add_arg_scope
def expanded_conv(
    inputs: TensorLike,
    num_outputs: int,
    expansion_size: int,
    stride: int = 1,
    kernel_size: tuple = (3, 3),
    residual: bool = True,
    scope: str | None = None,
) -> Any:
    """An inverted residual block: 1x1 expansion to `expansion_size` (skipped when
    it would not grow the input), 3x3 depthwise (stride), linear 1x1 projection;
    the input is added back when stride is 1 and the depths match."""
    with variable_scope(scope, "expanded_conv", [inputs]):
        depth_in = inputs.shape.as_list()[3]
        net = inputs
        if expansion_size > depth_in:
            net = slim.conv2d(net, expansion_size, [1, 1], scope="expand")
            net = identity(net, name="expansion_output")
        net = slim.separable_conv2d(net, None, list(kernel_size), depth_multiplier=1, stride=stride, scope="depthwise")
        net = identity(net, name="depthwise_output")
        net = slim.conv2d(net, num_outputs, [1, 1], activation_fn=None, scope="project")
        if residual and stride == 1 and num_outputs == depth_in:
            net = math_ops.add(net, inputs)
        return identity(net, name="output")


def mobilenet_base(
    inputs: TensorLike,
    depth_multiplier: float = 1.0,
    finegrain_classification_mode: bool = False,
    min_depth: int = 8,
    divisible_by: int = 8,
) -> tuple:
    """The feature extractor: returns (features [N, h, w, C], end_points).

    Every layer's depth is make_divisible(outputs * depth_multiplier). The last
    1x1 conv has 1280 outputs scaled the same way (448 at 0.35), except with
    `finegrain_classification_mode` and depth_multiplier < 1, where it keeps
    1280 (tf-slim divides its num_outputs by the multiplier before scaling).
    """
    if depth_multiplier <= 0:
        raise ValueError(f"depth_multiplier must be > 0, got {depth_multiplier}")
    end_points = {}
    net = inputs
    conv_count = block_count = 0
    defaults = dict(normalizer_fn=slim.batch_norm, activation_fn=nn_ops.relu6, padding="SAME")
    with (
        slim.arg_scope([slim.batch_norm], center=True, scale=True),
        slim.arg_scope([slim.conv2d, slim.separable_conv2d], **defaults),
    ):
        for kind, stride, outputs, expansion in V2_SPEC:
            if kind == "conv1x1" and depth_multiplier < 1 and finegrain_classification_mode:
                depth = make_divisible(outputs, divisible_by, min_depth)  # finegrain: the last layer keeps its width
            else:
                depth = make_divisible(outputs * depth_multiplier, divisible_by, min_depth)
            if kind == "block":
                depth_in = net.shape.as_list()[3]
                inner = depth_in if expansion == 1 else make_divisible(depth_in * expansion, divisible_by)
                name = "expanded_conv" + (f"_{block_count}" if block_count else "")
                net = expanded_conv(net, depth, inner, stride=stride, scope=name)
                block_count += 1
            else:
                name = "Conv" + (f"_{conv_count}" if conv_count else "")
                kernel = [3, 3] if kind == "conv" else [1, 1]
                net = slim.conv2d(net, depth, kernel, stride=stride, scope=name)
                conv_count += 1
            end_points[name] = net
    return net, end_points


@slim.add_arg_scope
def mobilenet(
    inputs: TensorLike,
    num_classes: int = 1001,
    depth_multiplier: float = 1.0,
    scope: str = "MobilenetV2",
    finegrain_classification_mode: bool = False,
    min_depth: int = 8,
    divisible_by: int = 8,
    reuse: bool | _ReuseMode | None = None,
    is_training: bool = False,
) -> tuple:
    """slim's mobilenet_v2.mobilenet: (logits [N, num_classes], end_points).

    Head: global average pool, dropout (only when is_training, which
    training_scope sets; keep_prob from its arg_scope), 1x1 conv
    "Logits/Conv2d_1c_1x1" with biases and no normalizer.

    Raises:
      ValueError: inputs not [N, H, W, C] with known H, W, C; depth_multiplier <= 0.
    """
    dims = inputs.shape.as_list()
    if len(dims) != 4 or None in dims[1:]:
        raise ValueError(f"mobilenet: inputs must be [batch, height, width, channels] with known sizes, got {dims}")
    with variable_scope(scope, "Mobilenet", [inputs], reuse=reuse):
        inputs = identity(inputs, name="input")
        net, end_points = mobilenet_base(
            inputs, depth_multiplier, finegrain_classification_mode, min_depth, divisible_by
        )
        net = identity(net, name="embedding")
        with variable_scope("Logits"):
            net = math_ops.reduce_mean(net, axis=[1, 2], keepdims=True, name="global_pool")
            end_points["global_pool"] = net
            net = slim.dropout(net, scope="Dropout", is_training=is_training)
            logits = slim.conv2d(
                net, num_classes, [1, 1], activation_fn=None, normalizer_fn=None, scope="Conv2d_1c_1x1"
            )
            logits = identity(reshape(logits, [-1, num_classes]), name="output")
        end_points["Logits"] = logits
        end_points["Predictions"] = nn_ops.softmax(logits)
    return logits, end_points


def _wrapped_partial(func: Any, **kwargs: Any) -> Any:
    """research/slim's wrapped_partial: functools.partial keeping func's name
    and docstring (arg_scope on `mobilenet` applies to the partials too)."""
    partial_func = functools.partial(func, **kwargs)
    functools.update_wrapper(partial_func, func)
    return partial_func


# research/slim's depth-multiplier wrappers: below 1.0 finegrain_classification_mode
# keeps the last conv's 1280 channels.
mobilenet_v2_140 = _wrapped_partial(mobilenet, depth_multiplier=1.4)
mobilenet_v2_050 = _wrapped_partial(mobilenet, depth_multiplier=0.50, finegrain_classification_mode=True)
mobilenet_v2_035 = _wrapped_partial(mobilenet, depth_multiplier=0.35, finegrain_classification_mode=True)


def training_scope(
    is_training: bool = True,
    weight_decay: float = 0.00004,
    stddev: float = 0.09,
    dropout_keep_prob: float = 0.8,
    bn_decay: float = 0.997,
) -> dict:
    """slim's mobilenet.training_scope: truncated-normal(stddev) weights
    (xavier if stddev < 0), batch norm after every conv (decay bn_decay,
    is_training), dropout keep_prob, l2_regularizer(weight_decay) on conv2d
    weights and none on separable (depthwise) weights."""
    initializer = slim.xavier_initializer() if stddev < 0 else truncated_normal_initializer(stddev=stddev)
    regularizer = slim.l2_regularizer(weight_decay) if weight_decay > 0 else None
    with (
        slim.arg_scope(
            [slim.conv2d, slim.fully_connected, slim.separable_conv2d],
            weights_initializer=initializer,
            normalizer_fn=slim.batch_norm,
        ),
        slim.arg_scope([mobilenet], is_training=is_training),
        slim.arg_scope([slim.batch_norm], decay=bn_decay, is_training=is_training),
        slim.arg_scope([slim.dropout], is_training=is_training, keep_prob=dropout_keep_prob),
        slim.arg_scope([slim.conv2d], weights_regularizer=regularizer),
        slim.arg_scope([slim.separable_conv2d], weights_regularizer=None) as scope,
    ):
        return scope
