"""slim's normalisation layers beside batch_norm: layer_norm, instance_norm,
group_norm (tf.contrib.layers / tf_slim.layers, TF 1.15 names and defaults).

Each computes  y = gamma (x - mean) / sqrt(var + epsilon) + beta  with the
biased moments over its own axes, through tf.nn.moments and
tf.nn.batch_normalization as tf-slim does, so the numbers are TF1's:

=============  ============================  ==============  =========
layer          moments over                  beta/gamma      epsilon
=============  ============================  ==============  =========
layer_norm     axes begin_norm_axis..-1      shape[bpa:]     1e-12
instance_norm  spatial axes (1..rank-2)      [C]             1e-6
group_norm     reduction_axes + the group's  [C]             1e-6
               channels (C/groups of them)
=============  ============================  ==============  =========

Variables "<scope>/beta" then "<scope>/gamma" (tf-slim's creation order),
both model variables with the batch-norm roles, so slimcore's default
decay rules leave them out as they leave out batch_norm's. Like
batch_norm they take ``param_initializers`` / ``param_regularizers``
(dicts keyed 'beta', 'gamma') and ``params_lr_mult`` / ``params_decay``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .._layer_util import OptimizerHints, add_to_collections_by_key, collect_outputs, layer_variable
from ..framework import dtypes
from ..framework.ops import Tensor, convert_to_tensor
from ..initializers import ones_initializer, zeros_initializer
from ..ops import nn_ops
from ..ops.array_ops import reshape
from ..variable_scope import variable_scope
from .arg_scope import add_arg_scope

if TYPE_CHECKING:  # annotations only
    from ..framework.types import TensorLike
    from ..variable_scope import _ReuseMode

__all__ = ["group_norm", "instance_norm", "layer_norm"]


def _beta_gamma(
    params_shape: list,
    dtype: dtypes.DType,
    center: bool,
    scale: bool,
    param_initializers: dict | None,
    param_regularizers: dict | None,
    variables_collections: Any,
    trainable: bool,
    hints: OptimizerHints,
) -> tuple:
    """beta (center) then gamma (scale), tf-slim's order; (None, None) when off."""
    initializers = dict(param_initializers or {})
    regularizers = dict(param_regularizers or {})

    def param(name: str, role: str, default: Callable) -> Any:
        variable = layer_variable(
            name,
            params_shape,
            dtype,
            initializers.get(name, default),
            regularizers.get(name),
            role,
            trainable,
            hints=hints,
        )
        add_to_collections_by_key(variable, variables_collections, name)
        return variable

    beta = param("beta", "bn_beta", zeros_initializer()) if center else None
    gamma = param("gamma", "bn_gamma", ones_initializer()) if scale else None
    return beta, gamma


def _known_rank(inputs: Tensor, layer: str) -> list:
    dims = inputs.shape.as_list() if inputs.shape.ndims is not None else None
    if dims is None:
        raise ValueError(f"{layer}: inputs {inputs.name} have undefined rank")
    return dims


def _static_shape_for_reshape(dims: list, layer: str) -> list:
    if dims.count(None) > 1:
        raise ValueError(f"{layer}: at most one unknown dimension is supported, got shape {dims}")
    return [-1 if d is None else d for d in dims]


def _finish(outputs: Tensor, activation_fn: Callable | None, outputs_collections: Any) -> Tensor:
    """The activation and outputs collections. No UPDATE_OPS key: TF1's
    layer_norm, instance_norm and group_norm use no layer class."""
    if activation_fn is not None:
        outputs = activation_fn(outputs)
    return collect_outputs(outputs_collections, outputs, layer=False)


@add_arg_scope
def layer_norm(
    inputs: TensorLike,
    center: bool = True,
    scale: bool = True,
    activation_fn: Callable | None = None,
    reuse: bool | _ReuseMode | None = None,
    variables_collections: Any = None,
    outputs_collections: Sequence[str] | None = None,
    trainable: bool = True,
    begin_norm_axis: int = 1,
    begin_params_axis: int = -1,
    scope: str | None = None,
    param_initializers: dict | None = None,
    param_regularizers: dict | None = None,
    params_lr_mult: float | None = None,
    params_decay: float | None = None,
) -> Tensor:
    """slim.layer_norm (Ba et al. 2016): y = gamma (x - mu) / sqrt(var + 1e-12) + beta,
    mu and the biased var over axes begin_norm_axis..rank-1 of each example;
    beta and gamma of shape inputs.shape[begin_params_axis:]. TF1:
    tf.contrib.layers.layer_norm (epsilon 1e-12, not configurable, as TF1.15).
    Default scope "LayerNorm".

    Args:
      inputs: a tensor of known rank, rank >= 2 (batch first).
      center, scale: create beta / gamma.
      activation_fn: applied to the output (None: linear).
      begin_norm_axis, begin_params_axis: first normalised axis / first axis
        of the parameters' shape; negative values count from the end.
      param_initializers, param_regularizers: dicts keyed 'beta', 'gamma'
        (slimcore extension, as batch_norm's).
      params_lr_mult, params_decay: slimcore's optimizer settings for beta and gamma.
      reuse, variables_collections, outputs_collections, trainable, scope: slim's.

    Returns:
      A tensor of inputs' shape.

    Raises:
      ValueError: unknown rank, an axis outside the rank, or a parameter shape
        that is not fully defined.
    """
    layer = "layer_norm"
    with variable_scope(scope, "LayerNorm", [inputs], reuse=reuse):
        inputs = convert_to_tensor(inputs)
        dims = _known_rank(inputs, layer)
        rank = len(dims)
        norm_axis = begin_norm_axis + rank if begin_norm_axis < 0 else begin_norm_axis
        params_axis = begin_params_axis + rank if begin_params_axis < 0 else begin_params_axis
        if not 0 <= params_axis < rank or not 0 <= norm_axis < rank:
            raise ValueError(
                f"{layer}: begin_params_axis ({begin_params_axis}) and begin_norm_axis ({begin_norm_axis}) "
                f"must be < rank(inputs) ({rank})"
            )
        params_shape = dims[params_axis:]
        if any(d is None for d in params_shape):
            raise ValueError(f"{layer}: inputs {inputs.name} has undefined dimensions {params_shape}")
        beta, gamma = _beta_gamma(
            params_shape,
            inputs.dtype,
            center,
            scale,
            param_initializers,
            param_regularizers,
            variables_collections,
            trainable,
            OptimizerHints(params_lr_mult, None, params_decay),
        )
        mean, variance = nn_ops.moments(inputs, list(range(norm_axis, rank)), keep_dims=True)
        epsilon = 1e-12 if inputs.dtype != dtypes.float16 else 1e-3
        outputs = nn_ops.batch_normalization(inputs, mean, variance, beta, gamma, epsilon)
        return _finish(outputs, activation_fn, outputs_collections)


@add_arg_scope
def instance_norm(
    inputs: TensorLike,
    center: bool = True,
    scale: bool = True,
    epsilon: float = 1e-6,
    activation_fn: Callable | None = None,
    param_initializers: dict | None = None,
    reuse: bool | _ReuseMode | None = None,
    variables_collections: Any = None,
    outputs_collections: Sequence[str] | None = None,
    trainable: bool = True,
    data_format: str = "NHWC",
    scope: str | None = None,
    param_regularizers: dict | None = None,
    params_lr_mult: float | None = None,
    params_decay: float | None = None,
) -> Tensor:
    """slim.instance_norm (Ulyanov et al. 2016): y = gamma (x - mu) / sqrt(var + epsilon) + beta,
    mu and the biased var per example and channel, over the spatial axes
    1..rank-2 (channels last); beta and gamma of shape [C]. TF1:
    tf.contrib.layers.instance_norm. Default scope "InstanceNorm".

    Args:
      inputs: a tensor of rank >= 3, channels last, known channel count.
      center, scale, epsilon, activation_fn, param_initializers: tf-slim's.
      data_format: "NHWC" (channels last) only.
      param_regularizers, params_lr_mult, params_decay: slimcore extensions (see module doc).

    Returns:
      A tensor of inputs' shape.

    Raises:
      ValueError: unknown rank, rank < 3, unknown channels, data_format other than NHWC.
    """
    layer = "instance_norm"
    if data_format not in ("NHWC", "NC"):
        raise ValueError(f"{layer}: data_format must be NHWC (channels last), got {data_format!r}")
    with variable_scope(scope, "InstanceNorm", [inputs], reuse=reuse):
        inputs = convert_to_tensor(inputs)
        dims = _known_rank(inputs, layer)
        if len(dims) < 3:
            raise ValueError(f"{layer}: inputs must have rank >= 3 (batch, spatial..., channels), got shape {dims}")
        if dims[-1] is None:
            raise ValueError(f"{layer}: inputs {inputs.name} has undefined channels dimension, shape {dims}")
        beta, gamma = _beta_gamma(
            [dims[-1]],
            inputs.dtype,
            center,
            scale,
            param_initializers,
            param_regularizers,
            variables_collections,
            trainable,
            OptimizerHints(params_lr_mult, None, params_decay),
        )
        mean, variance = nn_ops.moments(inputs, list(range(1, len(dims) - 1)), keep_dims=True)
        outputs = nn_ops.batch_normalization(inputs, mean, variance, beta, gamma, epsilon, name="instancenorm")
        return _finish(outputs, activation_fn, outputs_collections)


@add_arg_scope
def group_norm(
    inputs: TensorLike,
    groups: int = 32,
    channels_axis: int = -1,
    reduction_axes: Sequence[int] = (-3, -2),
    center: bool = True,
    scale: bool = True,
    epsilon: float = 1e-6,
    activation_fn: Callable | None = None,
    param_initializers: dict | None = None,
    reuse: bool | _ReuseMode | None = None,
    variables_collections: Any = None,
    outputs_collections: Sequence[str] | None = None,
    trainable: bool = True,
    scope: str | None = None,
    mean_close_to_zero: bool = False,
    param_regularizers: dict | None = None,
    params_lr_mult: float | None = None,
    params_decay: float | None = None,
) -> Tensor:
    """slim.group_norm (Wu & He 2018): the C channels split into `groups`
    consecutive groups of C/groups; y = gamma (x - mu) / sqrt(var + epsilon) + beta
    with mu and the biased var per example and group, over `reduction_axes`
    and the group's channels; beta and gamma of shape [C]. TF1:
    tf.contrib.layers.group_norm. Default scope "GroupNorm".

    Args:
      inputs: a tensor of known rank >= 2 with a known channel count.
      groups: the number of groups; must divide the channels.
      channels_axis: the channels axis (default -1, channels last).
      reduction_axes: the axes reduced besides the group (default the two
        spatial axes of NHWC); must not contain channels_axis or the batch axis 0.
      center, scale, epsilon, activation_fn, param_initializers: tf-slim's.
      mean_close_to_zero: accepted; slimcore always computes the variance as
        the mean squared deviation (TF1's default path).
      param_regularizers, params_lr_mult, params_decay: slimcore extensions.

    Returns:
      A tensor of inputs' shape.

    Raises:
      ValueError: unknown rank; unknown channels; groups not dividing the
        channels or exceeding them; reduction_axes containing channels_axis
        or the batch axis; more than one unknown dimension.
    """
    layer = "group_norm"
    with variable_scope(scope, "GroupNorm", [inputs], reuse=reuse):
        inputs = convert_to_tensor(inputs)
        dims = _known_rank(inputs, layer)
        rank = len(dims)
        if rank < 2:
            raise ValueError(f"{layer}: inputs must have rank >= 2, got shape {dims}")
        channels_axis = channels_axis + rank if channels_axis < 0 else channels_axis
        axes = sorted(a + rank if a < 0 else a for a in reduction_axes)
        if not 0 < channels_axis < rank or any(not 0 < a < rank for a in axes):
            raise ValueError(
                f"{layer}: channels_axis {channels_axis} and reduction_axes {list(reduction_axes)} "
                f"must be axes 1..{rank - 1} of inputs of rank {rank}"
            )
        if channels_axis in axes:
            raise ValueError(f"{layer}: reduction_axis must be mutually exclusive with the channels_axis")
        channels = dims[channels_axis]
        if channels is None:
            raise ValueError(f"{layer}: inputs {inputs.name} has undefined channel dimension: {dims}")
        if isinstance(groups, bool) or not isinstance(groups, int) or groups < 1:
            raise ValueError(f"{layer}: groups must be a positive int, got {groups!r}")
        if channels < groups:
            raise ValueError(f"{layer}: Invalid groups {groups} for {channels} channels.")
        if channels % groups != 0:
            raise ValueError(f"{layer}: {channels} channels must be a multiple of the number of groups {groups}.")
        beta, gamma = _beta_gamma(
            [channels],
            inputs.dtype,
            center,
            scale,
            param_initializers,
            param_regularizers,
            variables_collections,
            trainable,
            OptimizerHints(params_lr_mult, None, params_decay),
        )
        # [..., C, ...] -> [..., G, C/G, ...]; reduce over reduction_axes and the C/G axis.
        grouped = dims[:channels_axis] + [groups, channels // groups] + dims[channels_axis + 1 :]
        moved = [a + 1 if a > channels_axis else a for a in axes] + [channels_axis + 1]
        x = reshape(inputs, _static_shape_for_reshape(grouped, layer))
        mean, variance = nn_ops.moments(x, moved, keep_dims=True)
        params_shape = [1] * len(grouped)
        params_shape[channels_axis], params_shape[channels_axis + 1] = groups, channels // groups
        offset = reshape(beta, params_shape) if beta is not None else None
        gain = reshape(gamma, params_shape) if gamma is not None else None
        outputs = nn_ops.batch_normalization(x, mean, variance, offset, gain, epsilon)
        outputs = reshape(outputs, _static_shape_for_reshape(dims, layer))
        return _finish(outputs, activation_fn, outputs_collections)
