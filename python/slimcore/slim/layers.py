"""slim / tf.contrib.layers layers, with slim's names, signatures and defaults.

Variables are named as slim names them ("<scope>/weights", "<scope>/biases",
"<scope>/BatchNorm/moving_mean"...) so checkpoints map by name; penalties as
TensorFlow named them (".../kernel/Regularizer/l2_regularizer"). Defaults
are slim's: ``fully_connected``, ``conv2d`` and ``separable_conv2d`` apply
**ReLU** unless ``activation_fn=None``; pools default to stride 2, VALID;
``batch_norm`` has decay 0.999, no gamma (scale=False), and updates its
moving statistics only through UPDATE_OPS unless ``updates_collections=None``.

Every layer with variables also takes slimcore's per-variable optimizer
settings -- ``weights_lr_mult``, ``biases_lr_mult``, ``weights_momentum``,
``biases_momentum``, ``weights_decay``, ``biases_decay`` (decoupled decay,
what cuda-convnet's epsW/epsB/momW/momB/wc set per layer) and for batch norm
``params_lr_mult`` / ``params_decay`` -- so one arg_scope sets them for a
network (None: the optimizer's default).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Callable

from .._layer_util import OptimizerHints, add_to_collections_by_key, apply_dense, collect_outputs, layer_variable
from ..framework import dtypes, replicas
from ..framework.ops import GraphKeys, Tensor, _graph_element, convert_to_tensor, get_default_graph, name_scope
from ..framework.tensor_shape import Dimension, TensorShape
from ..framework.tensor_util import constant_value
from ..initializers import ones_initializer, xavier_initializer, zeros_initializer
from ..ops import array_ops, math_ops, nn_ops
from ..ops.array_ops import identity, reshape
from ..ops.control_flow_ops import cond
from ..variable_scope import variable_scope
from .arg_scope import add_arg_scope

if TYPE_CHECKING:  # annotations only
    from ..framework.types import DTypeLike, InitializerFn, RegularizerFn, ShapeLike, TensorLike
    from ..variable_scope import _ReuseMode

__all__ = [
    "fully_connected",
    "conv2d",
    "convolution2d",
    "conv2d_transpose",
    "convolution2d_transpose",
    "separable_conv2d",
    "separable_convolution2d",
    "max_pool2d",
    "avg_pool2d",
    "flatten",
    "batch_norm",
    "dropout",
    "repeat",
    "stack",
]

_PADDINGS = ("SAME", "VALID")


# ---- argument checks that name the layer ---------------------------------------------
def _pair(value: int | Sequence[int] | TensorShape, layer: str, arg: str) -> list:
    """An int or a pair of ints, both >= 1 (kernel_size, stride, rate). As TF1, the pair
    may be a TensorShape or a list of Dimensions (the global-pool idiom
    ``slim.avg_pool2d(net, net.get_shape()[1:3])``)."""
    given = value
    if isinstance(value, TensorShape):
        value = value.as_list() if value.ndims is not None else None
    if isinstance(value, (list, tuple)):
        value = [v.value if isinstance(v, Dimension) else v for v in value]
    values = (
        [value, value]
        if isinstance(value, int) and not isinstance(value, bool)
        else list(value)
        if isinstance(value, (list, tuple))
        else None
    )
    if values is None or len(values) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        raise ValueError(f"{layer}: {arg} must be an int or a pair of ints (known), got {given!r}")
    if any(v < 1 for v in values):
        raise ValueError(f"{layer}: {arg} must be positive, got {given!r}")
    return values


def _padding(padding: str, layer: str) -> str:
    if not isinstance(padding, str) or padding.upper() not in _PADDINGS:
        raise ValueError(f"{layer}: padding must be 'SAME' or 'VALID', got {padding!r}")
    return padding.upper()


def _rank4(inputs: Tensor, layer: str) -> list:
    dims = inputs.shape.as_list()
    if len(dims) != 4:
        raise ValueError(f"{layer}: inputs must be rank 4 (NHWC: batch, height, width, channels), got shape {dims}")
    if dims[3] is None:
        raise ValueError(f"{layer}: the number of input channels must be known, got shape {dims}")
    return dims


def _check_valid_fits(dims: list, kernel: list, rate: list, padding: str, layer: str) -> None:
    if padding != "VALID":
        return
    for n, k, r, axis in zip(dims[1:3], kernel, rate, ("height", "width")):
        if n is not None and (k - 1) * r + 1 > n:
            raise ValueError(
                f"{layer}: kernel_size {kernel} (rate {rate}) is larger than the input {axis} {n} with padding 'VALID'"
            )


def _deconv_length(n: int, k: int, s: int, padding: str) -> int:
    """A transposed convolution's output size (Keras' deconv_output_length, what
    tf.layers and slim pass as output_shape): n*s for SAME, n*s + max(k - s, 0) for VALID."""
    return n * s if padding == "SAME" else n * s + max(k - s, 0)


def _num_outputs(value: object, layer: str, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{layer}: num_outputs must be an int, got {value!r}")
    if value < 1:
        raise ValueError(f"{layer}: num_outputs must be positive, got {value}")
    return value


def _finish(
    outputs: Tensor,
    normalizer_fn: Callable | None,
    normalizer_params: dict | None,
    activation_fn: Callable | None,
    outputs_collections: str | Sequence[str],
    scope_name: str,
    layer: bool = True,
) -> Tensor:
    """slim's tail: normalizer, activation, outputs collections. `layer`: the
    slim function is built on a TF1 layer class, so it registers the
    UPDATE_OPS key (collect_outputs); False for those built from variables and
    nn ops (conv2d_in_plane, separable_conv2d with num_outputs=None)."""
    if normalizer_fn is not None:
        outputs = normalizer_fn(outputs, **(normalizer_params or {}))
    if activation_fn is not None:
        outputs = activation_fn(outputs)
    return collect_outputs(outputs_collections, outputs, layer)


def _weights_and_biases(
    shape: list,
    dtype: DTypeLike,
    weights_initializer: InitializerFn,
    weights_regularizer: RegularizerFn,
    biases_initializer: InitializerFn,
    biases_regularizer: RegularizerFn,
    use_bias: bool,
    trainable: bool,
    variables_collections: str | Sequence[str] | dict[str, Sequence[str]],
    w_hints: OptimizerHints,
    b_hints: OptimizerHints,
    weights_name: str = "weights",
    weights_role: str = "weights",
    kernel_name: str = "kernel",
    bias_size: int | None = None,
) -> tuple:
    weights = layer_variable(
        weights_name,
        shape,
        dtype,
        weights_initializer,
        weights_regularizer,
        weights_role,
        trainable,
        kernel_name,
        hints=w_hints,
    )
    add_to_collections_by_key(weights, variables_collections, "weights")
    biases = None
    if use_bias:
        biases = layer_variable(
            "biases",
            [shape[-1] if bias_size is None else bias_size],
            dtype,
            biases_initializer,
            biases_regularizer,
            "biases",
            trainable,
            "bias",
            hints=b_hints,
        )
        add_to_collections_by_key(biases, variables_collections, "biases")
    return weights, biases


# ---- layers -----------------------------------------------------------------------------
@add_arg_scope
def fully_connected(
    inputs: TensorLike,
    num_outputs: int,
    activation_fn: Callable | None = nn_ops.relu,
    normalizer_fn: Callable | None = None,
    normalizer_params: dict | None = None,
    weights_initializer: InitializerFn = xavier_initializer(),
    weights_regularizer: RegularizerFn | None = None,
    biases_initializer: InitializerFn = zeros_initializer(),
    biases_regularizer: RegularizerFn | None = None,
    reuse: bool | _ReuseMode | None = None,
    variables_collections: str | Sequence[str] | dict[str, Sequence[str]] | None = None,
    outputs_collections: str | Sequence[str] | None = None,
    trainable: bool = True,
    scope: str | None = None,
    weights_lr_mult: float | None = None,
    biases_lr_mult: float | None = None,
    weights_momentum: float | None = None,
    biases_momentum: float | None = None,
    weights_decay: float | None = None,
    biases_decay: float | None = None,
) -> Tensor:
    """slim.fully_connected: y = activation_fn(normalizer_fn(x W + b)), W
    [in, num_outputs] ("<scope>/weights"), b ("<scope>/biases", absent with a
    normalizer_fn or biases_initializer=None). Inputs of rank > 2 are applied
    on the last axis. Default scope "fully_connected"; default activation ReLU.

    Raises:
      ValueError: num_outputs not a positive int, inputs of rank < 2 or an
        unknown last dimension.
    """
    num_outputs = _num_outputs(num_outputs, "fully_connected")
    with variable_scope(scope, "fully_connected", [inputs], reuse=reuse) as sc:
        inputs = convert_to_tensor(inputs)
        dims = inputs.shape.as_list()
        if len(dims) < 2 or dims[-1] is None:
            raise ValueError(
                f"fully_connected: inputs must have rank >= 2 and a known last dimension, got shape {dims}"
            )
        weights, biases = _weights_and_biases(
            [dims[-1], num_outputs],
            inputs.dtype,
            weights_initializer,
            weights_regularizer,
            biases_initializer,
            biases_regularizer,
            not normalizer_fn and biases_initializer is not None,
            trainable,
            variables_collections,
            OptimizerHints(weights_lr_mult, weights_momentum, weights_decay),
            OptimizerHints(biases_lr_mult, biases_momentum, biases_decay),
        )
        outputs = apply_dense(inputs, weights, biases)
        return _finish(outputs, normalizer_fn, normalizer_params, activation_fn, outputs_collections, sc.name)


@add_arg_scope
def convolution2d(
    inputs: TensorLike,
    num_outputs: int,
    kernel_size: int | Sequence[int],
    stride: int | Sequence[int] = 1,
    padding: str = "SAME",
    data_format: str | None = None,
    rate: int | Sequence[int] = 1,
    activation_fn: Callable | None = nn_ops.relu,
    normalizer_fn: Callable | None = None,
    normalizer_params: dict | None = None,
    weights_initializer: InitializerFn = xavier_initializer(),
    weights_regularizer: RegularizerFn | None = None,
    biases_initializer: InitializerFn = zeros_initializer(),
    biases_regularizer: RegularizerFn | None = None,
    reuse: bool | _ReuseMode | None = None,
    variables_collections: str | Sequence[str] | dict[str, Sequence[str]] | None = None,
    outputs_collections: str | Sequence[str] | None = None,
    trainable: bool = True,
    scope: str | None = None,
    weights_lr_mult: float | None = None,
    biases_lr_mult: float | None = None,
    weights_momentum: float | None = None,
    biases_momentum: float | None = None,
    weights_decay: float | None = None,
    biases_decay: float | None = None,
) -> Tensor:
    """slim.conv2d: y = activation_fn(normalizer_fn(conv(x, W) + b)), NHWC,
    W [kh, kw, in, num_outputs]; TF's SAME padding (extra row/column at the
    bottom/right); `rate` dilates. Default scope "Conv"; default activation ReLU.

    Raises:
      ValueError: inputs not rank 4, non-positive sizes, an unknown padding,
        a kernel larger than a VALID input, stride > 1 together with rate > 1.
    """
    layer = "conv2d"
    num_outputs = _num_outputs(num_outputs, layer)
    kernel = _pair(kernel_size, layer, "kernel_size")
    strides = _pair(stride, layer, "stride")
    rates = _pair(rate, layer, "rate")
    padding = _padding(padding, layer)
    if data_format not in (None, "NHWC"):
        raise ValueError(f"{layer}: data_format must be NHWC, got {data_format!r}")
    if max(strides) > 1 and max(rates) > 1:
        raise ValueError(f"{layer}: stride {strides} and rate {rates} cannot both exceed 1")
    with variable_scope(scope, "Conv", [inputs], reuse=reuse) as sc:
        inputs = convert_to_tensor(inputs)
        dims = _rank4(inputs, layer)
        _check_valid_fits(dims, kernel, rates, padding, layer)
        weights, biases = _weights_and_biases(
            kernel + [dims[3], num_outputs],
            inputs.dtype,
            weights_initializer,
            weights_regularizer,
            biases_initializer,
            biases_regularizer,
            not normalizer_fn and biases_initializer is not None,
            trainable,
            variables_collections,
            OptimizerHints(weights_lr_mult, weights_momentum, weights_decay),
            OptimizerHints(biases_lr_mult, biases_momentum, biases_decay),
        )
        outputs = nn_ops.conv2d(inputs, weights, [1] + strides + [1], padding, dilations=[1] + rates + [1])
        if biases is not None:
            outputs = nn_ops.bias_add(outputs, biases)
        return _finish(outputs, normalizer_fn, normalizer_params, activation_fn, outputs_collections, sc.name)


conv2d = convolution2d  # tf-slim's alias (__name__ names repeat's scopes)


@add_arg_scope
def convolution2d_transpose(
    inputs: TensorLike,
    num_outputs: int,
    kernel_size: int | Sequence[int],
    stride: int | Sequence[int] = 1,
    padding: str = "SAME",
    data_format: str | None = None,
    activation_fn: Callable | None = nn_ops.relu,
    normalizer_fn: Callable | None = None,
    normalizer_params: dict | None = None,
    weights_initializer: InitializerFn = xavier_initializer(),
    weights_regularizer: RegularizerFn | None = None,
    biases_initializer: InitializerFn = zeros_initializer(),
    biases_regularizer: RegularizerFn | None = None,
    reuse: bool | _ReuseMode | None = None,
    variables_collections: str | Sequence[str] | dict[str, Sequence[str]] | None = None,
    outputs_collections: str | Sequence[str] | None = None,
    trainable: bool = True,
    scope: str | None = None,
    weights_lr_mult: float | None = None,
    biases_lr_mult: float | None = None,
    weights_momentum: float | None = None,
    biases_momentum: float | None = None,
    weights_decay: float | None = None,
    biases_decay: float | None = None,
) -> Tensor:
    """slim.conv2d_transpose: y = activation_fn(normalizer_fn(conv2d_transpose(x, W) + b)),
    NHWC, W [kh, kw, num_outputs, in] ("<scope>/weights", TF's order), b
    [num_outputs]. Output size per spatial axis: n*s with SAME, n*s + max(k - s, 0)
    with VALID (tf.nn.conv2d_transpose's output_shape). Default scope
    "Conv2d_transpose"; default activation ReLU. ``*_lr_mult``, ``*_momentum``,
    ``*_decay``: the per-variable optimizer settings, as conv2d's.

    Raises:
      ValueError: inputs not rank 4 or of unknown height/width, non-positive
        sizes, an unknown padding, NCHW.
    """
    layer = "conv2d_transpose"
    num_outputs = _num_outputs(num_outputs, layer)
    kernel = _pair(kernel_size, layer, "kernel_size")
    strides = _pair(stride, layer, "stride")
    padding = _padding(padding, layer)
    if data_format not in (None, "NHWC"):
        raise ValueError(f"{layer}: data_format must be NHWC, got {data_format!r}")
    with variable_scope(scope, "Conv2d_transpose", [inputs], reuse=reuse) as sc:
        inputs = convert_to_tensor(inputs)
        dims = _rank4(inputs, layer)
        if None in dims[1:3]:
            raise ValueError(f"{layer}: the input height and width must be known, got shape {dims}")
        weights, biases = _weights_and_biases(
            kernel + [num_outputs, dims[3]],
            inputs.dtype,
            weights_initializer,
            weights_regularizer,
            biases_initializer,
            biases_regularizer,
            not normalizer_fn and biases_initializer is not None,
            trainable,
            variables_collections,
            OptimizerHints(weights_lr_mult, weights_momentum, weights_decay),
            OptimizerHints(biases_lr_mult, biases_momentum, biases_decay),
            bias_size=num_outputs,
        )
        out_hw = [_deconv_length(n, k, s, padding) for n, k, s in zip(dims[1:3], kernel, strides)]
        batch = -1 if dims[0] is None else dims[0]
        outputs = nn_ops.conv2d_transpose(
            inputs, weights, [batch] + out_hw + [num_outputs], [1] + strides + [1], padding
        )
        if biases is not None:
            outputs = nn_ops.bias_add(outputs, biases)
        return _finish(outputs, normalizer_fn, normalizer_params, activation_fn, outputs_collections, sc.name)


conv2d_transpose = convolution2d_transpose  # tf-slim's alias (__name__ names repeat's scopes)


@add_arg_scope
def separable_convolution2d(
    inputs: TensorLike,
    num_outputs: int | None,
    kernel_size: int | Sequence[int],
    depth_multiplier: int = 1,
    stride: int | Sequence[int] = 1,
    padding: str = "SAME",
    data_format: str | None = None,
    rate: int | Sequence[int] = 1,
    activation_fn: Callable | None = nn_ops.relu,
    normalizer_fn: Callable | None = None,
    normalizer_params: dict | None = None,
    weights_initializer: InitializerFn = xavier_initializer(),
    pointwise_initializer: InitializerFn | None = None,
    weights_regularizer: RegularizerFn | None = None,
    biases_initializer: InitializerFn = zeros_initializer(),
    biases_regularizer: RegularizerFn | None = None,
    reuse: bool | _ReuseMode | None = None,
    variables_collections: str | Sequence[str] | dict[str, Sequence[str]] | None = None,
    outputs_collections: str | Sequence[str] | None = None,
    trainable: bool = True,
    scope: str | None = None,
    weights_lr_mult: float | None = None,
    biases_lr_mult: float | None = None,
    weights_momentum: float | None = None,
    biases_momentum: float | None = None,
    weights_decay: float | None = None,
    biases_decay: float | None = None,
) -> Tensor:
    """slim.separable_conv2d: a depthwise convolution ("depthwise_weights"
    [kh, kw, in, depth_multiplier]; output channel c*multiplier+m; stride
    applies here) followed, when num_outputs is not None, by a 1x1 pointwise
    convolution ("pointwise_weights" [1, 1, in*multiplier, num_outputs]); then
    bias and activation. With num_outputs=None: depthwise only, in*multiplier
    outputs. Default scope "SeparableConv2d"; default activation ReLU.
    """
    layer = "separable_conv2d"
    num_outputs = _num_outputs(num_outputs, layer, allow_none=True)
    if isinstance(depth_multiplier, bool) or not isinstance(depth_multiplier, int) or depth_multiplier < 1:
        raise ValueError(f"{layer}: depth_multiplier must be a positive int, got {depth_multiplier!r}")
    kernel = _pair(kernel_size, layer, "kernel_size")
    strides = _pair(stride, layer, "stride")
    rates = _pair(rate, layer, "rate")
    padding = _padding(padding, layer)
    if data_format not in (None, "NHWC"):
        raise ValueError(f"{layer}: data_format must be NHWC, got {data_format!r}")
    w_hints = OptimizerHints(weights_lr_mult, weights_momentum, weights_decay)
    with variable_scope(scope, "SeparableConv2d", [inputs], reuse=reuse) as sc:
        inputs = convert_to_tensor(inputs)
        dims = _rank4(inputs, layer)
        _check_valid_fits(dims, kernel, rates, padding, layer)
        channels = dims[3] * depth_multiplier
        depthwise = layer_variable(
            "depthwise_weights",
            kernel + [dims[3], depth_multiplier],
            inputs.dtype,
            weights_initializer,
            weights_regularizer,
            "depthwise_weights",
            trainable,
            "depthwise_weights" if num_outputs is None else "depthwise_kernel",
            hints=w_hints,
        )
        add_to_collections_by_key(depthwise, variables_collections, "weights")
        outputs = nn_ops.depthwise_conv2d(inputs, depthwise, [1] + strides + [1], padding, rate=rates)
        if num_outputs is not None:
            pointwise = layer_variable(
                "pointwise_weights",
                [1, 1, channels, num_outputs],
                inputs.dtype,
                pointwise_initializer or weights_initializer,
                weights_regularizer,
                "weights",
                trainable,
                "pointwise_kernel",
                hints=w_hints,
            )
            add_to_collections_by_key(pointwise, variables_collections, "weights")
            outputs = nn_ops.conv2d(outputs, pointwise, [1, 1, 1, 1], "VALID")
            channels = num_outputs
        if not normalizer_fn and biases_initializer is not None:
            biases = layer_variable(
                "biases",
                [channels],
                inputs.dtype,
                biases_initializer,
                biases_regularizer,
                "biases",
                trainable,
                "bias",
                hints=OptimizerHints(biases_lr_mult, biases_momentum, biases_decay),
            )
            add_to_collections_by_key(biases, variables_collections, "biases")
            outputs = nn_ops.bias_add(outputs, biases)
        # TF1: SeparableConvolution2D (a layer) with num_outputs, plain depthwise ops without
        return _finish(
            outputs,
            normalizer_fn,
            normalizer_params,
            activation_fn,
            outputs_collections,
            sc.name,
            num_outputs is not None,
        )


separable_conv2d = separable_convolution2d  # tf-slim's alias (__name__ names repeat's scopes)


def _pool(
    kind: str,
    inputs: TensorLike,
    kernel_size: int | Sequence[int],
    stride: int | Sequence[int],
    padding: str,
    data_format: str | None,
    outputs_collections: str | Sequence[str],
    scope: str | None,
) -> Tensor:
    layer = {"MaxPool2D": "max_pool2d", "AvgPool2D": "avg_pool2d"}[kind]
    kernel = _pair(kernel_size, layer, "kernel_size")
    strides = _pair(stride, layer, "stride")
    padding = _padding(padding, layer)
    if data_format not in (None, "NHWC"):
        raise ValueError(f"{layer}: data_format must be NHWC, got {data_format!r}")
    with name_scope(scope, kind, [inputs]):
        inputs = convert_to_tensor(inputs)
        dims = _rank4(inputs, layer)
        _check_valid_fits(dims, kernel, [1, 1], padding, layer)
        fn = nn_ops.max_pool if kind == "MaxPool2D" else nn_ops.avg_pool
        # The op is "<scope>/MaxPool" ("<scope>/AvgPool"), as TF1's pooling layer names it.
        outputs = fn(inputs, [1] + kernel + [1], [1] + strides + [1], padding, name=kind[:-2])
        return collect_outputs(outputs_collections, outputs)


@add_arg_scope
def max_pool2d(
    inputs: TensorLike,
    kernel_size: int | Sequence[int],
    stride: int | Sequence[int] = 2,
    padding: str = "VALID",
    data_format: str | None = None,
    outputs_collections: str | Sequence[str] | None = None,
    scope: str | None = None,
) -> Tensor:
    """slim.max_pool2d: the maximum of each window (default stride 2, VALID;
    with SAME, padded cells never win)."""
    return _pool("MaxPool2D", inputs, kernel_size, stride, padding, data_format, outputs_collections, scope)


@add_arg_scope
def avg_pool2d(
    inputs: TensorLike,
    kernel_size: int | Sequence[int],
    stride: int | Sequence[int] = 2,
    padding: str = "VALID",
    data_format: str | None = None,
    outputs_collections: str | Sequence[str] | None = None,
    scope: str | None = None,
) -> Tensor:
    """slim.avg_pool2d: the mean of each window (default stride 2, VALID;
    with SAME, padded cells are excluded from the divisor, as TF)."""
    return _pool("AvgPool2D", inputs, kernel_size, stride, padding, data_format, outputs_collections, scope)


@add_arg_scope
def flatten(
    inputs: TensorLike, outputs_collections: str | Sequence[str] | None = None, scope: str | None = None
) -> Tensor:
    """slim.flatten: [N, d1, ..., dk] -> [N, d1*...*dk]; a rank-1 [N] gives [N, 1], as TF1.

    Raises:
      ValueError: a scalar input or unknown non-batch dimensions.
    """
    with name_scope(scope, "Flatten", [inputs]) as sc:
        inputs = convert_to_tensor(inputs)
        dims = inputs.shape.as_list()
        if len(dims) < 1:
            raise ValueError(f"flatten: inputs must have at least 1 dimension, got shape {dims}")
        if any(d is None for d in dims[1:]):
            raise ValueError(f"flatten: all dimensions but the first must be known, got shape {dims}")
        size = int(math.prod(dims[1:]))
        outputs = reshape(inputs, [-1 if dims[0] is None else dims[0], size], name=sc)
        return collect_outputs(outputs_collections, outputs)


@add_arg_scope
def batch_norm(
    inputs: TensorLike,
    decay: float = 0.999,
    center: bool = True,
    scale: bool = False,
    epsilon: float = 0.001,
    activation_fn: Callable | None = None,
    param_initializers: dict | None = None,
    param_regularizers: dict | None = None,
    updates_collections: str | Sequence[str] = GraphKeys.UPDATE_OPS,
    is_training: bool = True,
    reuse: bool | _ReuseMode | None = None,
    variables_collections: str | Sequence[str] | dict[str, Sequence[str]] | None = None,
    outputs_collections: str | Sequence[str] | None = None,
    trainable: bool = True,
    batch_weights: Any = None,
    fused: bool | None = None,
    data_format: str = "NHWC",
    zero_debias_moving_mean: bool = False,
    scope: str | None = None,
    renorm: bool = False,
    renorm_clipping: Any = None,
    renorm_decay: float = 0.99,
    adjustment: Any = None,
    params_lr_mult: float | None = None,
    params_decay: float | None = None,
    sync: bool = False,
) -> Tensor:
    """slim.batch_norm over the last axis (NHWC or [N, C]).

    Training: y = gamma (x - mu_B) / sqrt(var_B + epsilon) + beta with the
    batch mean and biased variance over all axes but the last; the moving
    statistics move as  m <- m - (1 - decay)(m - mu_B),  v <- v - (1 - decay)(v - V)
    with V the Bessel-corrected batch variance when fused (rank 2 or 4 inputs
    unless fused=False) and the biased one otherwise -- TF1.15's exact rule. The update ops
    go to `updates_collections` (run them, e.g. through create_train_op); with
    updates_collections=None they run every time the output is computed.
    Inference (is_training=False): y = gamma (x - m) / sqrt(v + epsilon) + beta.
    A bool tensor is_training (e.g. ``tf.placeholder_with_default(True, [])``)
    switches between the two per Session.run in one graph, through tf.cond as
    tf-slim does: the moving averages move only in training runs (the update
    ops in `updates_collections` are then conds that read the moving
    statistics in inference runs).

    Data-parallel training (slimcore.distributed): each rank normalizes with
    its own shard's statistics and moves its own moving statistics, as in
    Horovod; sync=True (Horovod's SyncBatchNormalization) takes mu_B and the
    variance over the batch of all ranks together (distributed.sync_moments,
    equal shards), so N ranks train as one process on the whole batch. On
    one process sync changes nothing.

    Variables: "BatchNorm/gamma" (scale), "BatchNorm/beta" (center),
    "BatchNorm/moving_mean", "BatchNorm/moving_variance" (not trainable), created
    in that order as TF1.15's slim does through its Keras-style layer; on the
    paths TF1 sends through slim's own fused function (rank-2 inputs, or
    updates_collections other than UPDATE_OPS) beta comes before gamma, as there.

    Raises:
      ValueError: an unknown channel count, decay outside [0, 1], unsupported
        options (batch_weights, renorm, adjustment, zero_debias_moving_mean, NCHW).
      TypeError: is_training is neither a bool nor a scalar bool tensor.
    """
    layer = "batch_norm"
    if data_format != "NHWC":
        raise ValueError(f"{layer}: data_format must be NHWC, got {data_format!r}")
    if batch_weights is not None or renorm or adjustment is not None or zero_debias_moving_mean:
        raise ValueError(
            f"{layer}: batch_weights, renorm, adjustment and zero_debias_moving_mean are not supported by slimcore"
        )
    training_value = _static_training(is_training, layer, "is_training")
    if not 0.0 <= decay <= 1.0:
        raise ValueError(f"{layer}: decay must be in [0, 1], got {decay}")
    initializers = dict(param_initializers or {})
    regularizers = dict(param_regularizers or {})
    hints = OptimizerHints(params_lr_mult, None, params_decay)
    with variable_scope(scope, "BatchNorm", [inputs], reuse=reuse):
        inputs = convert_to_tensor(inputs)
        dims = inputs.shape.as_list()
        if len(dims) < 2 or dims[-1] is None:
            raise ValueError(f"{layer}: inputs must have rank >= 2 and a known channel dimension, got shape {dims}")
        channels, dtype = dims[-1], inputs.dtype
        # TF1.15's dispatch: fused (None counts as True) on a rank 2 or 4 input is
        # fused; rank 2 or non-default updates_collections take slim's own
        # _fused_batch_norm (beta created before gamma), everything else the
        # Keras-style layer (gamma before beta).
        use_fused = fused is not False and len(dims) in (2, 4)
        slim_fused_path = use_fused and (len(dims) == 2 or updates_collections != GraphKeys.UPDATE_OPS)

        def param(name: str, role: str, default_init: InitializerFn, train: bool) -> Any:
            variable = layer_variable(
                name,
                [channels],
                dtype,
                initializers.get(name, default_init),
                regularizers.get(name),
                role,
                train and trainable,
                hints=hints if train else None,
            )
            add_to_collections_by_key(variable, variables_collections, name)
            return variable

        if slim_fused_path:
            beta = param("beta", "bn_beta", zeros_initializer(), True) if center else None
        gamma = param("gamma", "bn_gamma", ones_initializer(), True) if scale else None
        if not slim_fused_path:
            beta = param("beta", "bn_beta", zeros_initializer(), True) if center else None
        moving_mean = param("moving_mean", "moving_stats", zeros_initializer(), False)
        moving_variance = param("moving_variance", "moving_stats", ones_initializer(), False)
        offset = beta if beta is not None else math_ops.multiply(0.0, moving_mean)
        gain = gamma if gamma is not None else math_ops.add(math_ops.multiply(0.0, moving_mean), 1.0)

        def training_mode() -> tuple:
            if sync and replicas.count() > 1:
                return _sync_training_mode(inputs, gain, offset, epsilon, use_fused)
            if use_fused:
                return nn_ops.fused_batch_norm(inputs, gain, offset, epsilon=epsilon, is_training=True)
            mean, variance = nn_ops.moments(inputs, list(range(len(dims) - 1)))
            return nn_ops.batch_normalization(inputs, mean, variance, offset, gain, epsilon), mean, variance

        def inference_mode() -> tuple:
            outputs, _, _ = nn_ops.fused_batch_norm(
                inputs, gain, offset, moving_mean, moving_variance, epsilon=epsilon, is_training=False
            )
            return outputs, identity(moving_mean), identity(moving_variance)

        def update_moving_averages() -> tuple:
            with name_scope("AssignMovingAvg"):
                update_mean = moving_mean.assign_sub(
                    math_ops.multiply(math_ops.subtract(moving_mean, mean), 1.0 - decay)
                )
            with name_scope("AssignMovingAvg_1"):
                update_variance = moving_variance.assign_sub(
                    math_ops.multiply(math_ops.subtract(moving_variance, variance), 1.0 - decay)
                )
            return update_mean, update_variance

        if training_value is False:
            outputs = inference_mode()[0]
        elif training_value:
            outputs, mean, variance = training_mode()
            updates = update_moving_averages()
            if updates_collections is None:
                with get_default_graph().control_dependencies(list(updates)):
                    outputs = identity(outputs)
        else:
            # A bool tensor: one graph, both modes, switched per run (tf-slim's smart_conds).
            outputs, mean, variance = cond(is_training, training_mode, inference_mode)
            if updates_collections is None:

                def force_updates() -> Tensor:
                    with get_default_graph().control_dependencies(list(update_moving_averages())):
                        return identity(outputs)

                outputs = cond(is_training, force_updates, lambda: outputs)
            else:
                updates = cond(is_training, update_moving_averages, lambda: (moving_mean, moving_variance))
        if training_value is not False and updates_collections is not None:
            names = [updates_collections] if isinstance(updates_collections, str) else list(updates_collections)
            get_default_graph().add_to_collections(names, updates[0])
            get_default_graph().add_to_collections(names, updates[1])
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        # TF1's layer path is normalization_layers.BatchNormalization (registers the
        # UPDATE_OPS key); _fused_batch_norm only adds its updates when there are some.
        return collect_outputs(outputs_collections, outputs, layer=not slim_fused_path)


def _sync_training_mode(inputs: Tensor, gain: Any, offset: Any, epsilon: float, bessel: bool) -> tuple:
    """batch_norm's training mode with statistics over all ranks' batches:
    (outputs, mean, variance for the moving average: Bessel-corrected over
    the global count when the fused path would correct it)."""
    from ..distributed import sync_moments  # the mpi extra; present when replicas.count() > 1

    dims = inputs.shape.as_list()
    mean, variance = sync_moments(inputs, list(range(len(dims) - 1)))
    outputs = nn_ops.batch_normalization(inputs, mean, variance, offset, gain, epsilon)
    if bessel:
        count = array_ops.cast(math_ops.reduce_prod(array_ops.shape(inputs)[:-1]), variance.dtype)
        count = math_ops.multiply(count, float(replicas.count()))
        variance = math_ops.multiply(variance, math_ops.divide(count, math_ops.maximum(count - 1.0, 1.0)))
    return outputs, mean, variance


@add_arg_scope
def dropout(
    inputs: TensorLike,
    keep_prob: TensorLike = 0.5,
    noise_shape: ShapeLike | None = None,
    is_training: bool = True,
    outputs_collections: str | Sequence[str] | None = None,
    scope: str | None = None,
    seed: int | None = None,
) -> Tensor:
    """slim.dropout: when training, each element is kept with probability
    keep_prob and scaled by 1/keep_prob (else 0); the identity otherwise.
    A bool tensor is_training switches per Session.run (tf.cond, as TF1: no
    random draw in the runs where it is false).

    Raises:
      ValueError: keep_prob outside (0, 1].
      TypeError: is_training is neither a bool nor a scalar bool tensor.
    """
    training_value = _static_training(is_training, "dropout", "is_training")
    if not isinstance(keep_prob, Tensor) and not (isinstance(keep_prob, (int, float)) and 0 < keep_prob <= 1):
        raise ValueError(f"dropout: keep_prob must be a number in (0, 1], got {keep_prob!r}")
    with name_scope(scope, "Dropout", [inputs]) as sc:
        inputs = convert_to_tensor(inputs)
        if training_value is None:
            outputs = cond(
                is_training,
                lambda: nn_ops.dropout(inputs, keep_prob=keep_prob, noise_shape=noise_shape, seed=seed),
                lambda: identity(inputs),
            )
        elif training_value:
            outputs = nn_ops.dropout(inputs, keep_prob=keep_prob, noise_shape=noise_shape, seed=seed)
        else:
            outputs = identity(inputs, name=sc)
        return collect_outputs(outputs_collections, outputs)


def _static_training(flag: object, layer: str, arg: str) -> bool | None:
    """The value of a layer's is_training / training flag when known statically
    (a Python bool, or a tensor the graph alone determines), None for a bool
    tensor known only at run time (the layer then builds both modes under tf.cond).

    Raises:
      TypeError: `flag` is neither a bool nor a scalar bool tensor.
    """
    if isinstance(flag, (bool, int)) and not isinstance(flag, Tensor):
        return bool(flag)
    element = _graph_element(flag, strict=False)
    tensor = convert_to_tensor(element) if element is not None else None
    if not isinstance(tensor, Tensor) or tensor.dtype != dtypes.bool_ or tensor.shape.ndims not in (None, 0):
        raise TypeError(f"{layer}: {arg} must be a Python bool or a scalar bool tensor, got {flag!r}")
    value = constant_value(tensor)
    return None if value is None else bool(value)


def _layer_name(layer: Callable, fallback: str) -> str:
    if hasattr(layer, "__name__"):
        return layer.__name__
    if isinstance(layer, functools.partial):
        return layer.func.__name__
    return fallback


def repeat(inputs: TensorLike, repetitions: int, layer: Callable, *args: Any, **kwargs: Any) -> Tensor:
    """slim.repeat: applies `layer` `repetitions` times with scopes
    "<layer>_1", "<layer>_2"... inside scope (default "Repeat")."""
    scope = kwargs.pop("scope", None)
    if isinstance(repetitions, bool) or not isinstance(repetitions, int) or repetitions < 1:
        raise ValueError(f"repeat: repetitions must be a positive int, got {repetitions!r}")
    with variable_scope(scope, "Repeat", [inputs]):
        outputs = convert_to_tensor(inputs)
        prefix = scope or _layer_name(layer, "repeat")
        for i in range(repetitions):
            kwargs["scope"] = f"{prefix}_{i + 1}"
            outputs = layer(outputs, *args, **kwargs)
        return outputs


def stack(inputs: TensorLike, layer: Callable, stack_args: Sequence[Any], **kwargs: Any) -> Tensor:
    """slim.stack: applies `layer` once per entry of stack_args (its positional
    arguments), with scopes "<layer>_1", "<layer>_2"... inside scope (default "Stack")."""
    scope = kwargs.pop("scope", None)
    if not isinstance(stack_args, (list, tuple)):
        raise ValueError("stack_args need to be a list or tuple")
    with variable_scope(scope, "Stack", [inputs]):
        outputs = convert_to_tensor(inputs)
        prefix = scope or _layer_name(layer, "stack")
        for i, layer_args in enumerate(stack_args):
            kwargs["scope"] = f"{prefix}_{i + 1}"
            args = layer_args if isinstance(layer_args, (list, tuple)) else [layer_args]
            outputs = layer(outputs, *args, **kwargs)
        return outputs
