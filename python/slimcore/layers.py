"""tf.layers: ``dense``, ``conv1d``, ``conv2d``, ``conv2d_transpose``,
``separable_conv2d`` with tf.layers' names (units/filters, kernel_*/bias_*,
activity_regularizer), plus flatten, dropout, 1-D and 2-D pooling and
``batch_normalization``; and the classes (``Dense``, ``Conv2D``, ...,
``BatchNormalization``, see _layer_classes) that call these functions.

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

from ._layer_util import apply_dense, layer_variable, touch_update_ops
from .framework.ops import GraphKeys, Tensor, convert_to_tensor, get_default_graph, name_scope
from .initializers import ones_initializer, zeros_initializer
from .ops import array_ops, math_ops, nn_ops
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


def _check_conv_args(layer: str, filters: int, data_format: str, *constraints: ConstraintFn | None) -> None:
    """The checks every tf.layers convolution makes of its common arguments."""
    if isinstance(filters, bool) or not isinstance(filters, int) or filters < 1:
        raise ValueError(f"{layer}: filters must be a positive int, got {filters!r}")
    if data_format != "channels_last":
        raise ValueError(f"{layer}: data_format must be 'channels_last', got {data_format!r}")
    if any(c is not None for c in constraints):
        raise ValueError(f"{layer}: constraints (kernel_constraint, bias_constraint...) are not supported by slimcore")


def _finish(
    outputs: Tensor, bias: Tensor | None, activation: Callable | None, activity_regularizer: Callable | None
) -> Tensor:
    """tf.layers' tail: + bias (on the last axis), activation, activity penalty;
    registers the UPDATE_OPS key as every TF1 layer call does."""
    touch_update_ops()
    if bias is not None:
        outputs = nn_ops.bias_add(outputs, bias)
    if activation is not None:
        outputs = activation(outputs)
    _activity_penalty(activity_regularizer, outputs)
    return outputs


def _kernel_and_bias(
    shape: list,
    dtype: DTypeLike,
    use_bias: bool,
    kernel_initializer: InitializerFn,
    bias_initializer: InitializerFn,
    kernel_regularizer: RegularizerFn,
    bias_regularizer: RegularizerFn,
    trainable: bool,
    bias_size: int | None = None,
    kernel_name: str = "kernel",
) -> tuple:
    """ "<scope>/<kernel_name>" of `shape` and, with use_bias, "<scope>/bias"
    of bias_size entries (default: the kernel's last dimension)."""
    kernel = layer_variable(
        kernel_name, shape, dtype, kernel_initializer, kernel_regularizer, "weights", trainable, model_variable=False
    )
    bias = None
    if use_bias:
        bias = layer_variable(
            "bias",
            [shape[-1] if bias_size is None else bias_size],
            dtype,
            bias_initializer,
            bias_regularizer,
            "biases",
            trainable,
            model_variable=False,
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
        return _finish(apply_dense(inputs, kernel, bias), None, activation, activity_regularizer)


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
    _check_conv_args(layer, filters, data_format, kernel_constraint, bias_constraint)
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
        return _finish(outputs, bias, activation, activity_regularizer)


def flatten(inputs: TensorLike, name: str | None = None) -> Tensor:
    """tf.layers.flatten: [N, ...] -> [N, prod(...)]."""
    return slim_layers.flatten(inputs, scope=name or "flatten")


def dropout(
    inputs: TensorLike,
    rate: float = 0.5,
    noise_shape: ShapeLike | None = None,
    seed: int | None = None,
    training: bool | Tensor = False,
    name: str | None = None,
) -> Tensor:
    """tf.layers.dropout: when training, drops each element with probability
    `rate` and scales the rest by 1/(1 - rate); identity otherwise (the default).
    A bool tensor `training` switches per Session.run (tf.cond, as TF1)."""
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


# ---- 1-D layers, transposed and separable convolutions, batch normalization -----------------
def _one(value: int | Sequence[int], layer: str, arg: str) -> int:
    """An int or a 1-tuple of ints, >= 1 (kernel_size, strides, pool_size of 1-D layers)."""
    items = [value] if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(items, (list, tuple)) or len(items) != 1:
        raise ValueError(f"{layer}: {arg} must be an int or a tuple of one int, got {value!r}")
    (v,) = items
    if isinstance(v, bool) or not isinstance(v, int) or v < 1:
        raise ValueError(f"{layer}: {arg} must be a positive int, got {value!r}")
    return v


def _rank3(inputs: Tensor, layer: str) -> list:
    dims = inputs.shape.as_list()
    if len(dims) != 3 or dims[2] is None:
        raise ValueError(f"{layer}: inputs must be rank 3 [batch, width, channels] with known channels, got {dims}")
    return dims


def conv1d(
    inputs: TensorLike,
    filters: int,
    kernel_size: int | Sequence[int],
    strides: int | Sequence[int] = 1,
    padding: str = "valid",
    data_format: str = "channels_last",
    dilation_rate: int | Sequence[int] = 1,
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
    """tf.layers.conv1d: y = activation(conv1d(x, kernel) + bias), x [N, W, C],
    kernel [k, C, filters] ("<name>/kernel"), through tf.nn.conv1d.

    Raises:
      ValueError: inputs not rank 3, non-positive sizes, an unknown padding,
        channels_first data, constraints.
    """
    layer = "conv1d"
    _check_conv_args(layer, filters, data_format, kernel_constraint, bias_constraint)
    k, s, d = (
        _one(kernel_size, layer, "kernel_size"),
        _one(strides, layer, "strides"),
        _one(dilation_rate, layer, "dilation_rate"),
    )
    padding = slim_layers._padding(padding, layer)
    with variable_scope(name, "conv1d", [inputs], reuse=reuse):
        inputs = convert_to_tensor(inputs)
        dims = _rank3(inputs, layer)
        kernel, bias = _kernel_and_bias(
            [k, dims[2], filters],
            inputs.dtype,
            use_bias,
            kernel_initializer,
            bias_initializer,
            kernel_regularizer,
            bias_regularizer,
            trainable,
        )
        outputs = nn_ops.conv1d(inputs, kernel, s, padding, dilations=d)
        return _finish(outputs, bias, activation, activity_regularizer)


def conv2d_transpose(
    inputs: TensorLike,
    filters: int,
    kernel_size: int | Sequence[int],
    strides: int | Sequence[int] = (1, 1),
    padding: str = "valid",
    data_format: str = "channels_last",
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
    """tf.layers.conv2d_transpose: y = activation(conv2d_transpose(x, kernel) + bias),
    NHWC, kernel [kh, kw, filters, in_channels] ("<name>/kernel"; note the
    order, as TF). Output size per spatial axis (Keras' rule): n*s with
    "same", n*s + max(k - s, 0) with "valid".

    Raises:
      ValueError: inputs not rank 4, unknown spatial size, non-positive sizes,
        an unknown padding, channels_first data, constraints.
    """
    layer = "conv2d_transpose"
    _check_conv_args(layer, filters, data_format, kernel_constraint, bias_constraint)
    kernel_hw = _pair(kernel_size, layer, "kernel_size")
    stride_hw = _pair(strides, layer, "strides")
    padding = slim_layers._padding(padding, layer)
    with variable_scope(name, "conv2d_transpose", [inputs], reuse=reuse):
        inputs = convert_to_tensor(inputs)
        dims = slim_layers._rank4(inputs, layer)
        if None in dims[1:3]:
            raise ValueError(f"{layer}: the input height and width must be known, got shape {dims}")
        kernel, bias = _kernel_and_bias(
            kernel_hw + [filters, dims[3]],
            inputs.dtype,
            use_bias,
            kernel_initializer,
            bias_initializer,
            kernel_regularizer,
            bias_regularizer,
            trainable,
            bias_size=filters,
        )
        out_hw = [slim_layers._deconv_length(n, k, s, padding) for n, k, s in zip(dims[1:3], kernel_hw, stride_hw)]
        batch = -1 if dims[0] is None else dims[0]
        outputs = nn_ops.conv2d_transpose(inputs, kernel, [batch] + out_hw + [filters], [1] + stride_hw + [1], padding)
        return _finish(outputs, bias, activation, activity_regularizer)


def separable_conv2d(
    inputs: TensorLike,
    filters: int,
    kernel_size: int | Sequence[int],
    strides: int | Sequence[int] = (1, 1),
    padding: str = "valid",
    data_format: str = "channels_last",
    dilation_rate: int | Sequence[int] = (1, 1),
    depth_multiplier: int = 1,
    activation: Callable | None = None,
    use_bias: bool = True,
    depthwise_initializer: InitializerFn | None = None,
    pointwise_initializer: InitializerFn | None = None,
    bias_initializer: InitializerFn = zeros_initializer(),
    depthwise_regularizer: RegularizerFn | None = None,
    pointwise_regularizer: RegularizerFn | None = None,
    bias_regularizer: RegularizerFn | None = None,
    activity_regularizer: RegularizerFn | None = None,
    depthwise_constraint: ConstraintFn | None = None,
    pointwise_constraint: ConstraintFn | None = None,
    bias_constraint: ConstraintFn | None = None,
    trainable: bool = True,
    name: str | None = None,
    reuse: bool | _ReuseMode | None = None,
) -> Tensor:
    """tf.layers.separable_conv2d: y = activation(separable_conv2d(x, depthwise_kernel,
    pointwise_kernel) + bias), NHWC, with "<name>/depthwise_kernel" [kh, kw,
    in, depth_multiplier], "<name>/pointwise_kernel" [1, 1, in *
    depth_multiplier, filters] and "<name>/bias" [filters] (tf.nn.separable_conv2d).

    Raises:
      ValueError: inputs not rank 4, non-positive sizes, an unknown padding,
        channels_first data, constraints, strides > 1 with dilation_rate > 1.
    """
    layer = "separable_conv2d"
    _check_conv_args(layer, filters, data_format, depthwise_constraint, pointwise_constraint, bias_constraint)
    if isinstance(depth_multiplier, bool) or not isinstance(depth_multiplier, int) or depth_multiplier < 1:
        raise ValueError(f"{layer}: depth_multiplier must be a positive int, got {depth_multiplier!r}")
    kernel_hw = _pair(kernel_size, layer, "kernel_size")
    stride_hw = _pair(strides, layer, "strides")
    rate_hw = _pair(dilation_rate, layer, "dilation_rate")
    padding = slim_layers._padding(padding, layer)
    with variable_scope(name, "separable_conv2d", [inputs], reuse=reuse):
        inputs = convert_to_tensor(inputs)
        dims = slim_layers._rank4(inputs, layer)
        slim_layers._check_valid_fits(dims, kernel_hw, rate_hw, padding, layer)
        depthwise = layer_variable(
            "depthwise_kernel",
            kernel_hw + [dims[3], depth_multiplier],
            inputs.dtype,
            depthwise_initializer,
            depthwise_regularizer,
            "weights",
            trainable,
            model_variable=False,
        )
        pointwise, bias = _kernel_and_bias(
            [1, 1, dims[3] * depth_multiplier, filters],
            inputs.dtype,
            use_bias,
            pointwise_initializer,
            bias_initializer,
            pointwise_regularizer,
            bias_regularizer,
            trainable,
            kernel_name="pointwise_kernel",
        )
        outputs = nn_ops.separable_conv2d(
            inputs, depthwise, pointwise, [1] + stride_hw + [1], padding, rate=rate_hw if max(rate_hw) > 1 else None
        )
        return _finish(outputs, bias, activation, activity_regularizer)


def _pooling1d(
    layer: str,
    pool2d: Callable,
    inputs: TensorLike,
    pool_size: int | Sequence[int],
    strides: int | Sequence[int],
    padding: str,
    data_format: str,
    name: str | None,
) -> Tensor:
    """A 1-D pool as TF's: [N, W, C] viewed as [N, 1, W, C], pooled by (1, pool_size), viewed back."""
    if data_format != "channels_last":
        raise ValueError(f"{layer}: data_format must be 'channels_last', got {data_format!r}")
    size, stride = _one(pool_size, layer, "pool_size"), _one(strides, layer, "strides")
    padding = slim_layers._padding(padding, layer)
    with name_scope(name, layer, [inputs]):
        inputs = convert_to_tensor(inputs)
        _rank3(inputs, layer)
        y = pool2d(array_ops.expand_dims(inputs, 1), [1, 1, size, 1], [1, 1, stride, 1], padding)
        touch_update_ops()
        return array_ops.squeeze(y, [1])


def max_pooling1d(
    inputs: TensorLike,
    pool_size: int | Sequence[int],
    strides: int | Sequence[int],
    padding: str = "valid",
    data_format: str = "channels_last",
    name: str | None = None,
) -> Tensor:
    """tf.layers.max_pooling1d: y[n, o, c] = max_{i < pool_size} x[n, o*strides - pad + i, c] (NWC)."""
    return _pooling1d("max_pooling1d", nn_ops.max_pool, inputs, pool_size, strides, padding, data_format, name)


def average_pooling1d(
    inputs: TensorLike,
    pool_size: int | Sequence[int],
    strides: int | Sequence[int],
    padding: str = "valid",
    data_format: str = "channels_last",
    name: str | None = None,
) -> Tensor:
    """tf.layers.average_pooling1d: the mean of each window's real cells (NWC; "same" padding excluded, as TF)."""
    return _pooling1d("average_pooling1d", nn_ops.avg_pool, inputs, pool_size, strides, padding, data_format, name)


def batch_normalization(
    inputs: TensorLike,
    axis: int = -1,
    momentum: float = 0.99,
    epsilon: float = 1e-3,
    center: bool = True,
    scale: bool = True,
    beta_initializer: InitializerFn = zeros_initializer(),
    gamma_initializer: InitializerFn = ones_initializer(),
    moving_mean_initializer: InitializerFn = zeros_initializer(),
    moving_variance_initializer: InitializerFn = ones_initializer(),
    beta_regularizer: RegularizerFn | None = None,
    gamma_regularizer: RegularizerFn | None = None,
    beta_constraint: ConstraintFn | None = None,
    gamma_constraint: ConstraintFn | None = None,
    training: bool | Tensor = False,
    trainable: bool = True,
    name: str | None = None,
    reuse: bool | _ReuseMode | None = None,
    renorm: bool = False,
    renorm_clipping: dict | None = None,
    renorm_momentum: float = 0.99,
    fused: bool | None = None,
    virtual_batch_size: int | None = None,
    adjustment: Callable | None = None,
) -> Tensor:
    """tf.layers.batch_normalization over the last axis, slim.batch_norm's implementation:

        training:  y = gamma (x - mu_B) / sqrt(var_B + epsilon) + beta
                   moving_mean     <- moving_mean     - (1 - momentum) (moving_mean - mu_B)
                   moving_variance <- moving_variance - (1 - momentum) (moving_variance - V)
        inference: y = gamma (x - moving_mean) / sqrt(moving_variance + epsilon) + beta

    mu_B, var_B: batch mean and biased variance over every axis but the last;
    V is the Bessel-corrected var_B on the fused path (4-D inputs when fused
    is None) and var_B otherwise. As TF1, the two moving-average updates go to
    GraphKeys.UPDATE_OPS (run them with the train op, e.g. under
    ``tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS))``);
    `training` defaults to False (inference!), TF1's trap; a bool tensor
    switches per Session.run in one graph (tf.cond, as TF1: the updates move
    the averages only in training runs). Variables
    "<name>/beta", "<name>/gamma", "<name>/moving_mean",
    "<name>/moving_variance" (default name "batch_normalization", made unique).

    Raises:
      ValueError: an axis other than the last, renorm / virtual_batch_size /
        adjustment / constraints (not supported), momentum outside [0, 1],
        an unknown channel count.
      TypeError: `training` is neither a bool nor a scalar bool tensor.
    """
    layer = "batch_normalization"
    if renorm or virtual_batch_size is not None or adjustment is not None:
        raise ValueError(f"{layer}: renorm, virtual_batch_size and adjustment are not supported by slimcore")
    if beta_constraint is not None or gamma_constraint is not None:
        raise ValueError(f"{layer}: beta_constraint and gamma_constraint are not supported by slimcore")
    with variable_scope(name, "batch_normalization", [inputs], reuse=reuse) as scope:
        inputs = convert_to_tensor(inputs)
        rank = inputs.shape.ndims
        if isinstance(axis, bool) or not isinstance(axis, int) or rank is None or axis not in (-1, rank - 1):
            raise ValueError(
                f"{layer}: axis={axis!r}: slimcore normalises the last (channels) axis only "
                f"(axis=-1, inputs of rank {rank})"
            )
        return slim_layers.batch_norm(
            inputs,
            decay=momentum,
            center=center,
            scale=scale,
            epsilon=epsilon,
            param_initializers={
                "beta": beta_initializer,
                "gamma": gamma_initializer,
                "moving_mean": moving_mean_initializer,
                "moving_variance": moving_variance_initializer,
            },
            param_regularizers={"beta": beta_regularizer, "gamma": gamma_regularizer},
            is_training=training,
            reuse=reuse,
            trainable=trainable,
            fused=fused,
            scope=scope,
        )


__all__ += [
    "conv1d",
    "conv2d_transpose",
    "separable_conv2d",
    "max_pooling1d",
    "average_pooling1d",
    "batch_normalization",
]

# The classes (tf.layers.Dense...) wrap the functions above. They build on
# slimcore.keras, which imports this module, so they load on first use.
_CLASS_NAMES = [
    "Layer",
    "Dense",
    "Conv1D",
    "Conv2D",
    "Conv2DTranspose",
    "Convolution2DTranspose",
    "SeparableConv2D",
    "MaxPooling1D",
    "MaxPooling2D",
    "AveragePooling1D",
    "AveragePooling2D",
    "Flatten",
    "Dropout",
    "BatchNormalization",
]
__all__ += _CLASS_NAMES


def __getattr__(name: str) -> object:
    if name in _CLASS_NAMES:
        from . import _layer_classes

        return getattr(_layer_classes, name)
    raise AttributeError(f"module 'slimcore.layers' has no attribute {name!r}")
