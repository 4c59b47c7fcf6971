"""slim's small layers: softmax (N-D), spatial_softmax, bias_add, one_hot_encoding, unit_norm,
maxout, scale_gradient, images_to_sequence / sequence_to_images, and the
fully_connected aliases relu, relu6, elu, linear (tf_slim.layers, TF 1.15
tf.contrib.layers names, signatures and scopes).

Note the aliases: ``slim.relu(x, 10)`` is a fully connected layer with 10
ReLU units (tf-slim's ``functools.partial(fully_connected,
activation_fn=nn.relu)``), not the activation function -- that is
``tf.nn.relu``. They take fully_connected's arguments, its arg_scope
included (the activation they fix wins over an arg_scope's).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._layer_util import OptimizerHints, add_to_collections_by_key, collect_outputs, layer_variable
from ..framework import dtypes
from ..framework.ops import Tensor, convert_to_tensor, name_scope
from ..initializers import constant_initializer, ones_initializer, zeros_initializer
from ..ops import math_ops, nn_ops
from ..ops.array_ops import concat, constant, one_hot, reshape, stop_gradient, to_int64, transpose
from ..variable_scope import variable_scope
from .arg_scope import add_arg_scope
from .layers import fully_connected

if TYPE_CHECKING:  # annotations only
    from ..framework.types import InitializerFn, RegularizerFn, TensorLike
    from ..variable_scope import _ReuseMode

__all__ = [
    "bias_add",
    "elu",
    "images_to_sequence",
    "linear",
    "maxout",
    "one_hot_encoding",
    "relu",
    "relu6",
    "scale_gradient",
    "sequence_to_images",
    "softmax",
    "spatial_softmax",
    "unit_norm",
]

# tf-slim's aliases of fully_connected with a fixed activation.
elu = functools.partial(fully_connected, activation_fn=nn_ops.elu)
relu = functools.partial(fully_connected, activation_fn=nn_ops.relu)
relu6 = functools.partial(fully_connected, activation_fn=nn_ops.relu6)
linear = functools.partial(fully_connected, activation_fn=None)


def _dims(inputs: Tensor, layer: str, rank: int | None = None) -> list:
    if inputs.shape.ndims is None:
        raise ValueError(f"{layer}: inputs {inputs.name} must have a known rank")
    dims = inputs.shape.as_list()
    if rank is not None and len(dims) != rank:
        raise ValueError(f"{layer}: inputs must have rank {rank}, got shape {dims}")
    return dims


def _reshape_dims(dims: list, layer: str) -> list:
    if dims.count(None) > 1:
        raise ValueError(f"{layer}: at most one unknown dimension is supported, got {dims}")
    return [-1 if d is None else d for d in dims]


def softmax(logits: TensorLike, scope: str | None = None) -> Tensor:
    """slim.softmax: softmax over the last axis of an N-D tensor,
    exp(x_i - max x) / sum_j exp(x_j - max x) (tf-slim reshapes to 2-D and
    back; the numbers are the same). Name scope "softmax".

    Raises:
      ValueError: a scalar or a tensor of unknown rank.
    """
    with name_scope(scope, "softmax", [logits]):
        logits = convert_to_tensor(logits)
        dims = _dims(logits, "softmax")
        if not dims:
            raise ValueError("softmax: logits must have rank >= 1, got a scalar")
        return nn_ops.softmax(logits)


@add_arg_scope
def bias_add(
    inputs: TensorLike,
    activation_fn: Callable | None = None,
    initializer: InitializerFn = zeros_initializer(),
    regularizer: RegularizerFn | None = None,
    reuse: bool | _ReuseMode | None = None,
    variables_collections: Any = None,
    outputs_collections: Sequence[str] | None = None,
    trainable: bool = True,
    data_format: str = "NHWC",
    scope: str | None = None,
    biases_lr_mult: float | None = None,
    biases_momentum: float | None = None,
    biases_decay: float | None = None,
) -> Tensor:
    """slim.bias_add: y = activation_fn(x + b), b ("<scope>/biases", a model
    variable of shape [channels], channels last) added on the last axis.
    Default scope "BiasAdd"; its penalty is ".../biases/Regularizer/...".

    Args:
      inputs: a tensor of rank >= 2 with a known last dimension.
      activation_fn, initializer, regularizer: tf-slim's.
      data_format: "NHWC" (channels last) only.
      biases_lr_mult, biases_momentum, biases_decay: slimcore's optimizer
        settings for b (the same names as the other layers' bias settings).
      reuse, variables_collections, outputs_collections, trainable, scope: slim's.

    Raises:
      ValueError: rank < 2, unknown channels, data_format other than NHWC.
    """
    layer = "bias_add"
    if data_format != "NHWC":
        raise ValueError(f"{layer}: data_format must be NHWC (channels last), got {data_format!r}")
    with variable_scope(scope, "BiasAdd", [inputs], reuse=reuse):
        inputs = convert_to_tensor(inputs)
        dims = _dims(inputs, layer)
        if len(dims) < 2 or dims[-1] is None:
            raise ValueError(f"{layer}: dims of shape must be known and rank >= 2, got shape {dims}")
        biases = layer_variable(
            "biases",
            [dims[-1]],
            inputs.dtype,
            initializer,
            regularizer,
            "biases",
            trainable,
            hints=OptimizerHints(biases_lr_mult, biases_momentum, biases_decay),
        )
        add_to_collections_by_key(biases, variables_collections, "biases")
        outputs = nn_ops.bias_add(inputs, biases)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return collect_outputs(outputs_collections, outputs, layer=False)


@add_arg_scope
def one_hot_encoding(
    labels: TensorLike,
    num_classes: int,
    on_value: float = 1.0,
    off_value: float = 0.0,
    outputs_collections: Sequence[str] | None = None,
    scope: str | None = None,
) -> Tensor:
    """slim.one_hot_encoding: y[..., k] = on_value if labels == k else
    off_value, float32, depth num_classes (int32 labels are cast to int64 as
    tf-slim does). Name scope "OneHotEncoding"."""
    with name_scope(scope, "OneHotEncoding", [labels]):
        labels = convert_to_tensor(labels)
        if labels.dtype == dtypes.int32:
            labels = to_int64(labels)
        outputs = one_hot(labels, num_classes, on_value=on_value, off_value=off_value)
        return collect_outputs(outputs_collections, outputs, layer=False)


def unit_norm(inputs: TensorLike, dim: int, epsilon: float = 1e-7, scope: str | None = None) -> Tensor:
    """slim.unit_norm: x / sqrt(epsilon + sum(x^2 over axis `dim`)) -- note
    epsilon is added inside the root (tf.nn.l2_normalize takes a maximum
    instead). Variable scope "UnitNorm".

    Raises:
      ValueError: unknown rank, or dim outside [0, rank).
    """
    with variable_scope(scope, "UnitNorm", [inputs]):
        inputs = convert_to_tensor(inputs)
        rank = len(_dims(inputs, "unit_norm"))
        if isinstance(dim, bool) or not isinstance(dim, int) or not 0 <= dim < rank:
            raise ValueError(f"unit_norm: dim must be in the range [0, {rank}), got {dim!r}")
        lengths = math_ops.sqrt(math_ops.add(epsilon, math_ops.reduce_sum(math_ops.square(inputs), dim, keepdims=True)))
        return math_ops.divide(inputs, lengths)


def maxout(inputs: TensorLike, num_units: int, axis: int = -1, scope: str | None = None) -> Tensor:
    """slim.maxout (Goodfellow et al. 2013): the C features along `axis` split
    into num_units consecutive groups of C/num_units, y = the maximum of each
    group; the axis then has num_units entries. Variable scope "MaxOut".

    Raises:
      ValueError: an unknown size along `axis`, or one that num_units does not divide.
    """
    with variable_scope(scope, "MaxOut", [inputs]):
        inputs = convert_to_tensor(inputs)
        dims = _dims(inputs, "maxout")
        axis = axis + len(dims) if axis < 0 else axis
        if not 0 <= axis < len(dims) or dims[axis] is None:
            raise ValueError(f"maxout: axis {axis} must be a known axis of inputs of shape {dims}")
        num_channels = dims[axis]
        if isinstance(num_units, bool) or not isinstance(num_units, int) or num_units < 1:
            raise ValueError(f"maxout: num_units must be a positive int, got {num_units!r}")
        if num_channels % num_units:
            raise ValueError(f"number of features({num_channels}) is not a multiple of num_units({num_units})")
        grouped = dims[:axis] + [num_units, num_channels // num_units] + dims[axis + 1 :]
        x = reshape(inputs, _reshape_dims(grouped, "maxout"))
        return math_ops.reduce_max(x, axis + 1)


def scale_gradient(inputs: TensorLike, gradient_multiplier: float) -> Tensor:
    """slim.scale_gradient: the identity forward, d/dx = gradient_multiplier
    backward (gradient reversal with a negative multiplier). Built as
    m x + stop_gradient((1 - m) x): the forward value equals x up to float
    rounding (exactly when m is 0 or 1), the backward is exactly m dy.

    Raises:
      TypeError: gradient_multiplier is not a number.
    """
    if isinstance(gradient_multiplier, bool) or not isinstance(gradient_multiplier, (int, float)):
        raise TypeError(f"scale_gradient: gradient_multiplier must be a number, got {gradient_multiplier!r}")
    with name_scope(None, "ScaleGradient", [inputs]):
        inputs = convert_to_tensor(inputs)
        m = float(gradient_multiplier)
        if m == 1.0:
            return inputs
        return math_ops.add(math_ops.multiply(inputs, m), stop_gradient(math_ops.multiply(inputs, 1.0 - m)))


def spatial_softmax(
    features: TensorLike,
    temperature: float | None = None,
    name: str | None = None,
    variables_collections: Any = None,
    trainable: bool = True,
    data_format: str = "NHWC",
    temperature_lr_mult: float | None = None,
    temperature_decay: float | None = None,
) -> Tensor:
    """slim.spatial_softmax (Levine et al. 2016): per channel c a softmax over
    the H*W positions of features[..., c] / T, then the expected coordinates
        x_c = sum_ij p_ij u_i,   y_c = sum_ij p_ij v_j
    with u = linspace(-1, 1, H) along the height and v = linspace(-1, 1, W)
    along the width (tf-slim's meshgrid, 'ij' indexing); output [N, 2C]
    ordered (x_0, y_0, x_1, y_1, ...). T is the scalar model variable
    "<name>/temperature" (default scope "spatial_softmax", initial value
    `temperature` or 1), trained unless trainable=False.

    Args:
      features: [N, H, W, C] with H, W and C known.
      temperature: the initial temperature (None: 1.0).
      name, variables_collections, trainable: tf-slim's.
      data_format: "NHWC" only.
      temperature_lr_mult, temperature_decay: slimcore's optimizer settings for T.

    Raises:
      ValueError: not rank 4, unknown H, W or C, NCHW.
    """
    layer = "spatial_softmax"
    if data_format != "NHWC":
        raise ValueError(f"{layer}: data_format must be NHWC, got {data_format!r}")
    with variable_scope(name, "spatial_softmax", [features]):
        features = convert_to_tensor(features)
        _, height, width, channels = _dims(features, layer, 4)
        if None in (height, width, channels):
            raise ValueError(f"{layer}: height, width and channels must be known, got shape {features.shape}")
        with name_scope("spatial_softmax_op"):
            pos_x, pos_y = np.meshgrid(np.linspace(-1.0, 1.0, height), np.linspace(-1.0, 1.0, width), indexing="ij")
            pos_x = constant(pos_x.reshape(-1).astype(np.float32))
            pos_y = constant(pos_y.reshape(-1).astype(np.float32))
            init = ones_initializer() if temperature is None else constant_initializer(temperature)
            temp = layer_variable(
                "temperature",
                [],
                dtypes.float32,
                init,
                None,
                "other",
                trainable,
                hints=OptimizerHints(temperature_lr_mult, None, temperature_decay),
            )
            if trainable:
                add_to_collections_by_key(temp, variables_collections, "temperature")
            flat = reshape(transpose(features, [0, 3, 1, 2]), [-1, height * width])
            attention = nn_ops.softmax(math_ops.divide(flat, temp))
            expected_x = math_ops.reduce_sum(math_ops.multiply(pos_x, attention), [1], keepdims=True)
            expected_y = math_ops.reduce_sum(math_ops.multiply(pos_y, attention), [1], keepdims=True)
            return reshape(concat([expected_x, expected_y], 1), [-1, channels * 2])


@add_arg_scope
def images_to_sequence(
    inputs: TensorLike,
    data_format: str = "NHWC",
    outputs_collections: Sequence[str] | None = None,
    scope: str | None = None,
) -> Tensor:
    """slim.images_to_sequence: [N, H, W, C] -> [W, N*H, C], each image row a
    sequence over the columns (transpose to [W, N, H, C], then reshape).
    Name scope "ImagesToSequence".

    Raises:
      ValueError: not rank 4, NCHW, or unknown W or C.
    """
    if data_format != "NHWC":
        raise ValueError(f"images_to_sequence: data_format must be NHWC, got {data_format!r}")
    with name_scope(scope, "ImagesToSequence", [inputs]):
        inputs = convert_to_tensor(inputs)
        n, h, w, c = _dims(inputs, "images_to_sequence", 4)
        if w is None or c is None:
            raise ValueError(f"images_to_sequence: width and depth must be known, got shape {[n, h, w, c]}")
        rows = None if n is None or h is None else n * h
        outputs = reshape(transpose(inputs, [2, 0, 1, 3]), _reshape_dims([w, rows, c], "images_to_sequence"))
        return collect_outputs(outputs_collections, outputs, layer=False)


@add_arg_scope
def sequence_to_images(
    inputs: TensorLike,
    height: int,
    output_data_format: str = "channels_last",
    outputs_collections: Sequence[str] | None = None,
    scope: str | None = None,
) -> Tensor:
    """slim.sequence_to_images: images_to_sequence's inverse, [W, N*H, C] ->
    [N, H, W, C] ("channels_first": [N, C, H, W]). Name scope "SequenceToImages".

    Raises:
      ValueError: not rank 3, unknown W or C, a second axis `height` does not
        divide, an unknown output_data_format.
    """
    if output_data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"sequence_to_images: unknown output_data_format {output_data_format!r}")
    with name_scope(scope, "SequenceToImages", [inputs]):
        inputs = convert_to_tensor(inputs)
        w, rows, c = _dims(inputs, "sequence_to_images", 3)
        if w is None or c is None:
            raise ValueError(f"sequence_to_images: width and depth must be known, got shape {[w, rows, c]}")
        if rows is not None and rows % height:
            raise ValueError(f"sequence_to_images: the second axis ({rows}) is not a multiple of height {height}")
        n = None if rows is None else rows // height
        images = reshape(inputs, _reshape_dims([w, n, height, c], "sequence_to_images"))
        perm = [1, 3, 2, 0] if output_data_format == "channels_first" else [1, 2, 0, 3]
        return collect_outputs(outputs_collections, transpose(images, perm), layer=False)
