"""slim's generic convolution and pooling: ``convolution`` (N-D by the input's
rank), ``convolution1d`` / ``conv1d``, ``conv2d_in_plane`` and ``pool``
(tf_slim.layers, TF 1.15 tf.contrib.layers names, scopes and defaults).

``convolution`` on a rank-3 input [N, W, C] is a 1-D convolution with
weights [k, C, num_outputs]; on a rank-4 input it is slim.conv2d's 2-D
convolution (3-D convolutions are not supported). Like conv2d they take
slimcore's per-variable settings (``weights_lr_mult``... ``biases_decay``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .._layer_util import OptimizerHints, collect_outputs
from ..framework.ops import Tensor, convert_to_tensor, name_scope
from ..initializers import xavier_initializer, zeros_initializer
from ..ops import nn_ops
from ..ops.array_ops import expand_dims, squeeze, tile
from ..variable_scope import variable_scope
from .arg_scope import add_arg_scope
from .layers import _finish, _num_outputs, _padding, _pair, _rank4, _weights_and_biases, conv2d

if TYPE_CHECKING:  # annotations only
    from ..framework.types import InitializerFn, RegularizerFn, TensorLike
    from ..variable_scope import _ReuseMode

__all__ = ["conv1d", "conv2d_in_plane", "convolution", "convolution1d", "pool"]


def _one(value: int | Sequence[int], layer: str, arg: str) -> int:
    """An int or a one-element list, >= 1 (1-D kernel_size, stride, rate)."""
    items = [value] if isinstance(value, int) and not isinstance(value, bool) else value
    if (
        not isinstance(items, (list, tuple))
        or len(items) != 1
        or isinstance(items[0], bool)
        or not isinstance(items[0], int)
        or items[0] < 1
    ):
        raise ValueError(f"{layer}: {arg} must be a positive int or a list of one, got {value!r}")
    return items[0]


@add_arg_scope
def convolution(
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
    variables_collections: Any = None,
    outputs_collections: Sequence[str] | None = None,
    trainable: bool = True,
    scope: str | None = None,
    conv_dims: int | None = None,
    weights_lr_mult: float | None = None,
    biases_lr_mult: float | None = None,
    weights_momentum: float | None = None,
    biases_momentum: float | None = None,
    weights_decay: float | None = None,
    biases_decay: float | None = None,
) -> Tensor:
    """slim.convolution: y = activation_fn(normalizer_fn(conv(x, W) + b)),
    channels last, the number of spatial dimensions taken from the input's
    rank (rank 3: 1-D, W [k, C, num_outputs]; rank 4: slim.conv2d) or from
    `conv_dims`. TF's SAME padding; `rate` dilates. Default scope "Conv".

    Raises:
      ValueError: a rank other than 3 or 4, conv_dims contradicting the rank,
        channels-first data, stride > 1 together with rate > 1, and conv2d's errors.
    """
    layer = "convolution"
    inputs = convert_to_tensor(inputs)
    rank = inputs.shape.ndims
    if rank not in (3, 4):
        raise ValueError(f"{layer}: inputs must be rank 3 (1-D) or 4 (2-D), got shape {inputs.shape}")
    if conv_dims is not None and conv_dims + 2 != rank:
        raise ValueError(f"{layer}: conv_dims={conv_dims} needs inputs of rank {conv_dims + 2}, got rank {rank}")
    hints = {
        "weights_lr_mult": weights_lr_mult,
        "biases_lr_mult": biases_lr_mult,
        "weights_momentum": weights_momentum,
        "biases_momentum": biases_momentum,
        "weights_decay": weights_decay,
        "biases_decay": biases_decay,
    }
    if rank == 4:  # slim.conv2d without its own arg_scope (this call's is already applied)
        return conv2d.__wrapped__(
            inputs,
            num_outputs,
            kernel_size,
            stride,
            padding,
            data_format,
            rate,
            activation_fn,
            normalizer_fn,
            normalizer_params,
            weights_initializer,
            weights_regularizer,
            biases_initializer,
            biases_regularizer,
            reuse,
            variables_collections,
            outputs_collections,
            trainable,
            scope,
            **hints,
        )
    num_outputs = _num_outputs(num_outputs, layer)
    k, s, r = _one(kernel_size, layer, "kernel_size"), _one(stride, layer, "stride"), _one(rate, layer, "rate")
    padding = _padding(padding, layer)
    if data_format not in (None, "NWC", "NHWC"):
        raise ValueError(f"{layer}: data_format must be channels last (NWC), got {data_format!r}")
    if s > 1 and r > 1:
        raise ValueError(f"{layer}: stride {s} and rate {r} cannot both exceed 1")
    with variable_scope(scope, "Conv", [inputs], reuse=reuse):
        dims = inputs.shape.as_list()
        if dims[2] is None:
            raise ValueError(f"{layer}: the number of input channels must be known, got shape {dims}")
        if padding == "VALID" and dims[1] is not None and (k - 1) * r + 1 > dims[1]:
            raise ValueError(f"{layer}: kernel_size {k} (rate {r}) is larger than the input width {dims[1]} (VALID)")
        weights, biases = _weights_and_biases(
            [k, dims[2], num_outputs],
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
        outputs = nn_ops.conv1d(inputs, weights, s, padding, dilations=r)
        if biases is not None:
            outputs = nn_ops.bias_add(outputs, biases)
        return _finish(outputs, normalizer_fn, normalizer_params, activation_fn, outputs_collections, "")


@add_arg_scope
def convolution1d(
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
    variables_collections: Any = None,
    outputs_collections: Sequence[str] | None = None,
    trainable: bool = True,
    scope: str | None = None,
    weights_lr_mult: float | None = None,
    biases_lr_mult: float | None = None,
    weights_momentum: float | None = None,
    biases_momentum: float | None = None,
    weights_decay: float | None = None,
    biases_decay: float | None = None,
) -> Tensor:
    """slim.convolution1d / slim.conv1d: ``convolution`` with conv_dims=1 (inputs
    [N, W, C], weights [k, C, num_outputs]); its own arg_scope key, as tf-slim.

    Raises:
      ValueError: inputs not rank 3, and convolution's errors.
    """
    arguments = dict(locals())
    return convolution.__wrapped__(conv_dims=1, **arguments)


conv1d = convolution1d


@add_arg_scope
def conv2d_in_plane(
    inputs: TensorLike,
    kernel_size: int | Sequence[int],
    stride: int | Sequence[int] = 1,
    padding: str = "SAME",
    activation_fn: Callable | None = nn_ops.relu,
    normalizer_fn: Callable | None = None,
    normalizer_params: dict | None = None,
    weights_initializer: InitializerFn = xavier_initializer(),
    weights_regularizer: RegularizerFn | None = None,
    biases_initializer: InitializerFn = zeros_initializer(),
    biases_regularizer: RegularizerFn | None = None,
    reuse: bool | _ReuseMode | None = None,
    variables_collections: Any = None,
    outputs_collections: Sequence[str] | None = None,
    trainable: bool = True,
    scope: str | None = None,
    weights_lr_mult: float | None = None,
    biases_lr_mult: float | None = None,
    weights_momentum: float | None = None,
    biases_momentum: float | None = None,
    weights_decay: float | None = None,
    biases_decay: float | None = None,
) -> Tensor:
    """slim.conv2d_in_plane: one 2-D kernel W [kh, kw, 1, 1] applied to every
    channel separately, y[..., c] = activation_fn(normalizer_fn(x[..., c] * W + b[c]))
    (a depthwise convolution with W tiled over the C channels, as tf-slim),
    b [C]. Default scope "ConvInPlane".

    Raises:
      ValueError: inputs not rank 4 or with unknown channels, bad sizes or padding.
    """
    layer = "conv2d_in_plane"
    kernel = _pair(kernel_size, layer, "kernel_size")
    strides = _pair(stride, layer, "stride")
    padding = _padding(padding, layer)
    with variable_scope(scope, "ConvInPlane", [inputs], reuse=reuse):
        inputs = convert_to_tensor(inputs)
        channels = _rank4(inputs, layer)[3]
        weights, biases = _weights_and_biases(
            kernel + [1, 1],
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
            bias_size=channels,
        )
        depthwise = tile(weights, [1, 1, channels, 1])
        outputs = nn_ops.depthwise_conv2d(inputs, depthwise, [1] + strides + [1], padding)
        if biases is not None:
            outputs = nn_ops.bias_add(outputs, biases)
        return _finish(outputs, normalizer_fn, normalizer_params, activation_fn, outputs_collections, "", layer=False)


@add_arg_scope
def pool(
    inputs: TensorLike,
    kernel_size: int | Sequence[int],
    pooling_type: str,
    padding: str = "VALID",
    data_format: str | None = None,
    dilation_rate: int | Sequence[int] = 1,
    stride: int | Sequence[int] = 1,
    outputs_collections: Sequence[str] | None = None,
    scope: str | None = None,
) -> Tensor:
    """slim.pool: the maximum ("MAX") or mean ("AVG") of each window, over the
    spatial axes of a rank-3 [N, W, C] or rank-4 [N, H, W, C] input (tf.nn.pool).
    Defaults are tf.nn.pool's: stride 1, VALID (slim.max_pool2d's are 2, VALID);
    with SAME, padded cells are excluded (max never picks them, avg divides
    by the cells inside). Name scope "max_pool" / "avg_pool".

    Raises:
      ValueError: an unknown pooling_type, a rank other than 3 or 4, channels
        first data, dilation_rate > 1 (not supported), bad sizes or padding.
    """
    layer = "pool"
    if pooling_type not in ("MAX", "AVG"):
        raise ValueError(f"{layer}: pooling_type must be 'MAX' or 'AVG', got {pooling_type!r}")
    if data_format not in (None, "NWC", "NHWC"):
        raise ValueError(f"{layer}: data_format must be channels last, got {data_format!r}")
    padding = _padding(padding, layer)
    with name_scope(scope, f"{pooling_type.lower()}_pool", [inputs]):
        inputs = convert_to_tensor(inputs)
        rank = inputs.shape.ndims
        if rank not in (3, 4):
            raise ValueError(f"{layer}: inputs must be rank 3 or 4 (channels last), got shape {inputs.shape}")
        if rank == 3:
            kernel = [1, _one(kernel_size, layer, "kernel_size")]
            strides = [1, _one(stride, layer, "stride")]
            rates = [1, _one(dilation_rate, layer, "dilation_rate")]
            x = expand_dims(inputs, 1)
        else:
            kernel = _pair(kernel_size, layer, "kernel_size")
            strides = _pair(stride, layer, "stride")
            rates = _pair(dilation_rate, layer, "dilation_rate")
            x = inputs
        if max(rates) > 1:
            raise ValueError(f"{layer}: dilation_rate > 1 is not supported by slimcore, got {dilation_rate!r}")
        fn = nn_ops.max_pool if pooling_type == "MAX" else nn_ops.avg_pool
        outputs = fn(x, [1] + kernel + [1], [1] + strides + [1], padding)
        if rank == 3:
            outputs = squeeze(outputs, [1])
        return collect_outputs(outputs_collections, outputs, layer=False)
