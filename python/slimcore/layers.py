"""tf.layers: ``dense`` and ``conv2d`` with tf.layers' names (units/filters,
kernel_*/bias_*, activity_regularizer), plus flatten, dropout and pooling.

Variables are "<name>/kernel" and "<name>/bias" (default names "dense",
"conv2d", made unique: "dense_1"); penalties
"<name>/kernel/Regularizer/l2_regularizer". Unlike slim, tf.layers default
to no activation and "valid" padding for convolutions, and the kernel
initializer defaults to glorot_uniform (get_variable's default).

``activity_regularizer(outputs)`` is divided by the batch size and added to
REGULARIZATION_LOSSES under "<name>/ActivityRegularizer/" (TF 1.14+'s rule:
"make activity regularization strength batch-agnostic").
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Callable

from ._layer_util import apply_dense, layer_variable
from .framework.ops import GraphKeys, Tensor, convert_to_tensor, get_default_graph, name_scope
from .initializers import zeros_initializer
from .ops import math_ops, nn_ops
from .ops.array_ops import ones_like
from .slim import layers as slim_layers
from .variable_scope import variable_scope

if TYPE_CHECKING:  # annotations only
    from collections.abc import Sequence

    from .framework.types import ConstraintFn, DTypeLike, InitializerFn, RegularizerFn, ShapeLike, TensorLike
    from .variable_scope import _ReuseMode

__all__ = ["dense", "conv2d", "flatten", "dropout", "max_pooling2d", "average_pooling2d"]


def _pair(value: int | Sequence[int], layer: str, arg: str) -> list:
    return slim_layers._pair(value, layer, arg)


def _activity_penalty(regularizer: Callable | None, outputs: Tensor) -> None:
    if regularizer is None:
        return
    with name_scope("ActivityRegularizer"):
        penalty = regularizer(outputs)
        if penalty is None:
            return
        dims = outputs.shape.as_list()
        per_example = float(math.prod(d for d in dims[1:] if d is not None)) if len(dims) > 1 else 1.0
        batch = math_ops.divide(math_ops.reduce_sum(ones_like(outputs)), per_example)
        penalty = math_ops.divide(penalty, batch)
    get_default_graph().add_to_collection(GraphKeys.REGULARIZATION_LOSSES, penalty)


def _kernel_and_bias(
    shape: list,
    dtype: DTypeLike,
    use_bias: bool,
    kernel_initializer: InitializerFn,
    bias_initializer: InitializerFn,
    kernel_regularizer: RegularizerFn,
    bias_regularizer: RegularizerFn,
    trainable: bool,
) -> tuple:
    kernel = layer_variable(
        "kernel", shape, dtype, kernel_initializer, kernel_regularizer, "weights", trainable, model_variable=False
    )
    bias = None
    if use_bias:
        bias = layer_variable(
            "bias", [shape[-1]], dtype, bias_initializer, bias_regularizer, "biases", trainable, model_variable=False
        )
    return kernel, bias


def dense(
    inputs: TensorLike,
    units: int,
    activation: Callable | None = None,
    use_bias: bool = True,
    kernel_initializer: InitializerFn | None = None,
    bias_initializer: InitializerFn = zeros_initializer(),
    kernel_regularizer: RegularizerFn | None = None,
    bias_regularizer: RegularizerFn | None = None,
    activity_regularizer: RegularizerFn | None = None,
    kernel_constraint: ConstraintFn | None = None,
    bias_constraint: ConstraintFn | None = None,
    trainable: bool = True,
    name: str | None = None,
    reuse: bool | _ReuseMode | None = None,
) -> Tensor:
    """tf.layers.dense: y = activation(x @ kernel + bias), kernel [in, units].

    Raises:
      ValueError: units not a positive int, inputs of rank < 2 or with an
        unknown last dimension, constraints (not supported).
    """
    if isinstance(units, bool) or not isinstance(units, int) or units < 1:
        raise ValueError(f"dense: units must be a positive int, got {units!r}")
    if kernel_constraint is not None or bias_constraint is not None:
        raise ValueError("dense: kernel_constraint and bias_constraint are not supported by slimcore")
    with variable_scope(name, "dense", [inputs], reuse=reuse):
        inputs = convert_to_tensor(inputs)
        dims = inputs.shape.as_list()
        if len(dims) < 2 or dims[-1] is None:
            raise ValueError(f"dense: inputs must have rank >= 2 and a known last dimension, got {dims}")
        kernel, bias = _kernel_and_bias(
            [dims[-1], units],
            inputs.dtype,
            use_bias,
            kernel_initializer,
            bias_initializer,
            kernel_regularizer,
            bias_regularizer,
            trainable,
        )
        outputs = apply_dense(inputs, kernel, bias)
        if activation is not None:
            outputs = activation(outputs)
        _activity_penalty(activity_regularizer, outputs)
        return outputs


def conv2d(
    inputs: TensorLike,
    filters: int,
    kernel_size: int | Sequence[int],
    strides: int | Sequence[int] = (1, 1),
    padding: str = "valid",
    data_format: str = "channels_last",
    dilation_rate: int | Sequence[int] = (1, 1),
    activation: Callable | None = None,
    use_bias: bool = True,
    kernel_initializer: InitializerFn | None = None,
    bias_initializer: InitializerFn = zeros_initializer(),
    kernel_regularizer: RegularizerFn | None = None,
    bias_regularizer: RegularizerFn | None = None,
    activity_regularizer: RegularizerFn | None = None,
    kernel_constraint: ConstraintFn | None = None,
    bias_constraint: ConstraintFn | None = None,
    trainable: bool = True,
    name: str | None = None,
    reuse: bool | _ReuseMode | None = None,
) -> Tensor:
    """tf.layers.conv2d: y = activation(conv(x, kernel) + bias), NHWC, kernel
    [kh, kw, in, filters]; padding "valid" (default) or "same" (TF's rule).

    Raises:
      ValueError: inputs not rank 4, non-positive sizes, an unknown padding,
        channels_first data, a kernel larger than a "valid" input.
    """
    layer = "conv2d"
    if isinstance(filters, bool) or not isinstance(filters, int) or filters < 1:
        raise ValueError(f"{layer}: filters must be a positive int, got {filters!r}")
    if data_format != "channels_last":
        raise ValueError(f"{layer}: data_format must be 'channels_last', got {data_format!r}")
    if kernel_constraint is not None or bias_constraint is not None:
        raise ValueError(f"{layer}: kernel_constraint and bias_constraint are not supported by slimcore")
    kernel_hw = _pair(kernel_size, layer, "kernel_size")
    stride_hw = _pair(strides, layer, "strides")
    rate_hw = _pair(dilation_rate, layer, "dilation_rate")
    padding = slim_layers._padding(padding, layer)
    with variable_scope(name, "conv2d", [inputs], reuse=reuse):
        inputs = convert_to_tensor(inputs)
        dims = slim_layers._rank4(inputs, layer)
        slim_layers._check_valid_fits(dims, kernel_hw, rate_hw, padding, layer)
        kernel, bias = _kernel_and_bias(
            kernel_hw + [dims[3], filters],
            inputs.dtype,
            use_bias,
            kernel_initializer,
            bias_initializer,
            kernel_regularizer,
            bias_regularizer,
            trainable,
        )
        outputs = nn_ops.conv2d(inputs, kernel, [1] + stride_hw + [1], padding, dilations=[1] + rate_hw + [1])
        if bias is not None:
            outputs = nn_ops.bias_add(outputs, bias)
        if activation is not None:
            outputs = activation(outputs)
        _activity_penalty(activity_regularizer, outputs)
        return outputs


def flatten(inputs: TensorLike, name: str | None = None) -> Tensor:
    """tf.layers.flatten: [N, ...] -> [N, prod(...)]."""
    return slim_layers.flatten(inputs, scope=name or "flatten")


def dropout(
    inputs: TensorLike,
    rate: float = 0.5,
    noise_shape: ShapeLike | None = None,
    seed: int | None = None,
    training: bool = False,
    name: str | None = None,
) -> Tensor:
    """tf.layers.dropout: when training, drops each element with probability
    `rate` and scales the rest by 1/(1 - rate); identity otherwise (the default)."""
    if not isinstance(rate, (int, float)) or not 0 <= rate < 1:
        raise ValueError(f"dropout: rate must be in [0, 1), got {rate!r}")
    return slim_layers.dropout(
        inputs, keep_prob=1.0 - rate, noise_shape=noise_shape, is_training=training, scope=name or "dropout", seed=seed
    )


def max_pooling2d(
    inputs: TensorLike,
    pool_size: int | Sequence[int],
    strides: int | Sequence[int],
    padding: str = "valid",
    data_format: str = "channels_last",
    name: str | None = None,
) -> Tensor:
    """tf.layers.max_pooling2d."""
    if data_format != "channels_last":
        raise ValueError(f"max_pooling2d: data_format must be 'channels_last', got {data_format!r}")
    return slim_layers.max_pool2d(inputs, pool_size, strides, padding, scope=name or "max_pooling2d")


def average_pooling2d(
    inputs: TensorLike,
    pool_size: int | Sequence[int],
    strides: int | Sequence[int],
    padding: str = "valid",
    data_format: str = "channels_last",
    name: str | None = None,
) -> Tensor:
    """tf.layers.average_pooling2d (SAME excludes padded cells from the mean, as TF)."""
    if data_format != "channels_last":
        raise ValueError(f"average_pooling2d: data_format must be 'channels_last', got {data_format!r}")
    return slim_layers.avg_pool2d(inputs, pool_size, strides, padding, scope=name or "average_pooling2d")
