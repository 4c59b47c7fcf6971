"""Activations and neural-network ops (tf.nn.*).

Each function adds one C++ op; its gradient is a dedicated backward kernel
(ReluGrad, TanhGrad, SoftmaxGrad, BiasAddGrad...) that follows TensorFlow's
conventions, so ported code gets TF's numbers::

    import slimcore as tf
    x = tf.placeholder(tf.float32, [None, 10])
    probs = tf.nn.softmax(x)                  # over the last axis
    h = tf.nn.relu(tf.nn.bias_add(x, b))      # b: a [10] bias, NHWC
    penalty = 1e-4 * tf.nn.l2_loss(w)         # sum(w**2) / 2
    y, mean, var = tf.nn.fused_batch_norm(h, gamma, beta)   # NHWC batch statistics
    h = tf.nn.dropout(h, keep_prob=0.5, seed=1)             # new mask every run

moments, batch_normalization and l2_normalize are the exceptions, composed
of reductions and elementwise ops as in TF1; conv1d is conv2d on a [N, 1, W,
C] view, as in TF1. Softmax and log-softmax normalise over the last axis
only; convolutions, pools, lrn and fused_batch_norm take channels-last (NHWC)
data only (bias_add also NCHW). Anything else raises instead of silently
computing over another axis.
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import TYPE_CHECKING

import numpy as np

from ..framework.ops import Tensor, _op, _op1, convert_to_tensor, name_scope
from .array_ops import cast, constant, expand_dims, reshape, squeeze, stop_gradient
from .math_ops import _static_ints, maximum, reduce_mean, reduce_sum, sqrt, square, squared_difference
from .random_ops import get_seed

if TYPE_CHECKING:  # annotations only
    from collections.abc import Sequence

    from ..framework.types import ShapeLike, TensorLike

__all__ = ["relu", "relu6", "tanh", "sigmoid", "softmax", "log_softmax", "bias_add", "l2_loss"]


def _unary(op_type: str, x: TensorLike, name: str | None) -> Tensor:
    return _op1(op_type, [x], {}, name or op_type)


def relu(features: TensorLike, name: str | None = None) -> Tensor:
    """tf.nn.relu: max(features, 0), elementwise (NaN stays NaN).

    Gradient (TF's): g where features > 0, else 0 (0 at features == 0 too),
    computed by the ReluGrad op from relu's output.

    Args:
      features: a numeric tensor (float32, float64, int32, int64).
      name: op name (default "Relu").

    Returns:
      A tensor of the same shape and dtype.

    Raises:
      TypeError: a bool tensor.
    """
    return _unary("Relu", features, name)


def relu6(features: TensorLike, name: str | None = None) -> Tensor:
    """tf.nn.relu6: min(max(features, 0), 6), elementwise.

    Gradient (TF's): g where 0 < features < 6, else 0 (0 at both kinks),
    computed by the Relu6Grad op from relu6's output, as TF1 (the same
    mask: 0 < y < 6 exactly where 0 < x < 6).

    Args:
      features: a numeric tensor (float32, float64, int32, int64).
      name: op name (default "Relu6").

    Returns:
      A tensor of the same shape and dtype.

    Raises:
      TypeError: a bool tensor.
    """
    return _unary("Relu6", features, name)


def tanh(x: TensorLike, name: str | None = None) -> Tensor:
    """tf.tanh / tf.nn.tanh: (e^x - e^-x) / (e^x + e^-x), elementwise.

    Gradient: g * (1 - y^2) with y = tanh(x) (the TanhGrad op); second
    derivatives are supported.

    Args:
      x: a float32 or float64 tensor.
      name: op name (default "Tanh").

    Returns:
      A tensor of the same shape and dtype, in [-1, 1].

    Raises:
      TypeError: an integer or bool tensor (TF1 has no integer tanh either).
    """
    return _unary("Tanh", x, name)


def sigmoid(x: TensorLike, name: str | None = None) -> Tensor:
    """tf.sigmoid / tf.nn.sigmoid: 1 / (1 + e^-x), elementwise.

    Evaluated without overflow for any x (e^-|x| is the only exponential),
    with full relative precision for large negative x. Gradient:
    g * y * (1 - y) with y = sigmoid(x) (the SigmoidGrad op); second
    derivatives are supported.

    Args:
      x: a float32 or float64 tensor.
      name: op name (default "Sigmoid").

    Returns:
      A tensor of the same shape and dtype, in [0, 1].

    Raises:
      TypeError: an integer or bool tensor.
    """
    return _unary("Sigmoid", x, name)


def _check_last_axis(fn: str, logits: Tensor, axis: int | None, dim: int) -> None:
    """Accepts axis None / -1 / rank-1 (and TF1's deprecated `dim` alias)."""
    if dim is not None:
        if axis is not None and axis != dim:
            raise ValueError(f"{fn}: got both axis={axis!r} and its deprecated alias dim={dim!r}; pass axis only")
        axis = dim
    if axis is None:
        return
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise TypeError(f"{fn}: axis must be an int or None, got {axis!r}")
    rank = logits.shape.ndims
    if axis not in (-1, rank - 1):
        raise ValueError(
            f"{fn}: axis={axis} is not supported for logits of rank {rank}: slimcore "
            f"normalises over the last axis only (axis=-1 or None); move the class "
            f"axis last before calling {fn}"
        )


def softmax(logits: TensorLike, axis: int | None = None, name: str | None = None, dim: int | None = None) -> Tensor:
    """tf.nn.softmax: exp(x_i - m) / sum_j exp(x_j - m) over the last axis, m = max_j x_j.

    Subtracting the row maximum keeps every exponent <= 0, so logits such as
    1e4 and -1e4 give exact 1 and 0 rather than inf or NaN. Gradient (TF's):
    (g - sum(g * y, last axis)) * y, the SoftmaxGrad op.

    Args:
      logits: a float32 or float64 tensor of rank >= 1.
      axis: the class axis; only the last one (None, -1 or rank - 1) is supported.
      name: op name (default "Softmax").
      dim: TF1's deprecated alias of `axis`.

    Returns:
      A tensor of logits' shape and dtype whose rows sum to 1.

    Raises:
      ValueError: another axis, or a scalar.
      TypeError: an integer or bool tensor, or a non-int axis.
    """
    logits = convert_to_tensor(logits)
    _check_last_axis("softmax", logits, axis, dim)
    return _unary("Softmax", logits, name)


def log_softmax(logits: TensorLike, axis: int | None = None, name: str | None = None, dim: int | None = None) -> Tensor:
    """tf.nn.log_softmax: (x_i - m) - log(sum_j exp(x_j - m)) over the last axis, m = max_j x_j.

    Finite wherever the true value is (logits of +-1e4 give 0 and -2e4).
    Gradient (TF's): g - exp(y) * sum(g, last axis), the LogSoftmaxGrad op.

    Args:
      logits: a float32 or float64 tensor of rank >= 1.
      axis: the class axis; only the last one (None, -1 or rank - 1) is supported.
      name: op name (default "LogSoftmax").
      dim: TF1's deprecated alias of `axis`.

    Returns:
      A tensor of logits' shape and dtype.

    Raises:
      ValueError: another axis, or a scalar.
      TypeError: an integer or bool tensor, or a non-int axis.
    """
    logits = convert_to_tensor(logits)
    _check_last_axis("log_softmax", logits, axis, dim)
    return _unary("LogSoftmax", logits, name)


_CHANNELS_LAST = (None, "NHWC", "N...C")


def bias_add(value: TensorLike, bias: TensorLike, data_format: str | None = None, name: str | None = None) -> Tensor:
    """tf.nn.bias_add: value[..., c] + bias[c], the bias on the channels axis
    (the last one; axis 1 of a 4-D tensor with data_format="NCHW").

    Gradient: g for value and sum(g over all but the channels axis) for bias
    (the BiasAddGrad op, channels last). A Python list or array bias takes
    value's dtype. NCHW is value + reshape(bias, [C, 1, 1]), broadcast.

    Args:
      value: a numeric tensor of rank >= 2, channels last (NHWC, or [N, C]),
        or of rank 4 with data_format="NCHW".
      bias: a rank-1 tensor of value's dtype with one entry per channel.
      data_format: None or "NHWC" ("N...C"), or "NCHW" (4-D value only).
      name: op name (default "BiasAdd").

    Returns:
      A tensor of value's shape and dtype.

    Raises:
      ValueError: another data_format (or NCHW with a value not of rank 4),
        value of rank < 2, bias not of rank 1, or a bias length that differs
        from value's channels (the message names both shapes; checked again
        when the graph runs).
      TypeError: value and bias of different dtypes, or bool tensors.
    """
    if data_format not in _CHANNELS_LAST + ("NCHW",):
        raise ValueError(
            f"bias_add: data_format={data_format!r} is not supported: slimcore adds the "
            "bias on the last axis (data_format=None or 'NHWC') or on axis 1 of a 4-D "
            "NCHW tensor (data_format='NCHW')"
        )
    value = convert_to_tensor(value)
    if not isinstance(bias, Tensor) and not hasattr(bias, "_as_tensor"):
        bias = convert_to_tensor(bias, dtype=value.dtype, graph=value.graph)
    if data_format == "NCHW":
        return _bias_add_nchw(value, convert_to_tensor(bias), name)
    return _op1("BiasAdd", [value, bias], {}, name or "BiasAdd")


def _bias_add_nchw(value: Tensor, bias: Tensor, name: str | None) -> Tensor:
    """value [N, C, H, W] + bias [C] broadcast as [C, 1, 1]."""
    dims, b_dims = value.shape.as_list(), bias.shape.as_list()
    if len(dims) != 4:
        raise ValueError(f"bias_add: data_format='NCHW' needs a 4-D value [N, C, H, W], got shape {dims}")
    if len(b_dims) != 1:
        raise ValueError(f"bias_add: bias must have rank 1, got shape {b_dims} for value of shape {dims}")
    if None not in (dims[1], b_dims[0]) and dims[1] != b_dims[0]:
        raise ValueError(
            f"bias_add: bias of shape {b_dims} does not match the channels (axis 1, NCHW) of value of shape {dims}"
        )
    with name_scope(name, "BiasAdd", [value, bias]) as scope:
        return _op1("Add", [value, reshape(bias, [-1, 1, 1])], {}, scope)


def l2_loss(t: TensorLike, name: str | None = None) -> Tensor:
    """tf.nn.l2_loss: sum(t ** 2) / 2, a scalar (note the factor 1/2).

    The sum is accumulated in float64 for float32 inputs. Gradient: t * g.
    ``scale * l2_loss(w)`` is tf_slim's ``l2_regularizer(scale)``; Keras's
    ``l2(scale)`` is twice that (scale * sum(w ** 2)).

    Args:
      t: a float32 or float64 tensor of any shape.
      name: op name (default "L2Loss").

    Returns:
      A scalar tensor of t's dtype.

    Raises:
      TypeError: an integer or bool tensor.
    """
    return _unary("L2Loss", t, name)


# ---- cross-entropy with logits (fused C++ kernels in loss_ops.cpp) ------------------
def _named_only(fn: str, sentinel: object, labels: TensorLike, logits: TensorLike) -> None:
    if sentinel is not None:
        raise ValueError(f"Only call `{fn}` with named arguments (labels=..., logits=..., ...)")
    if labels is None or logits is None:
        raise ValueError(f"{fn}: both labels and logits must be provided")


def _last_axis_only(fn: str, axis: int | Sequence[int] | None, logits: Tensor) -> None:
    if axis is not None and axis not in (-1, logits.shape.ndims - 1):
        raise ValueError(f"{fn}: slimcore computes over the last axis only, got axis={axis}")


def softmax_cross_entropy_with_logits_v2(
    _sentinel: None = None,
    labels: TensorLike | None = None,
    logits: TensorLike | None = None,
    axis: int | Sequence[int] | None = None,
    name: str | None = None,
    dim: int | None = None,
) -> Tensor:
    """tf.nn.softmax_cross_entropy_with_logits_v2: per example
    loss = -sum_k labels_k * log softmax(logits)_k = logsumexp(x) * sum_k y_k - sum_k y_k x_k,
    over the last axis, computed stably. Gradients flow into logits
    (softmax(x) * sum(y) - y) and into labels (-log softmax(x)).

    Raises:
      ValueError: positional arguments, or shapes that differ.
      TypeError: non-float logits or labels of another dtype.
    """
    _named_only("softmax_cross_entropy_with_logits_v2", _sentinel, labels, logits)
    logits = convert_to_tensor(logits)
    labels = convert_to_tensor(labels, dtype=logits.dtype)
    _last_axis_only("softmax_cross_entropy_with_logits", axis if axis is not None else dim, logits)
    op = _op("SoftmaxCrossEntropyWithLogits", [logits, labels], {}, name or "SoftmaxCrossEntropyWithLogits")
    return op.outputs[0]


def softmax_cross_entropy_with_logits(
    _sentinel: None = None,
    labels: TensorLike | None = None,
    logits: TensorLike | None = None,
    dim: int = -1,
    name: str | None = None,
    axis: int | Sequence[int] | None = None,
) -> Tensor:
    """tf.nn.softmax_cross_entropy_with_logits (TF1's v1): as the _v2 form,
    but no gradient flows into labels (TF1 wrapped them in stop_gradient)."""
    _named_only("softmax_cross_entropy_with_logits", _sentinel, labels, logits)
    logits = convert_to_tensor(logits)
    labels = stop_gradient(convert_to_tensor(labels, dtype=logits.dtype))
    return softmax_cross_entropy_with_logits_v2(
        labels=labels, logits=logits, axis=axis if axis is not None else dim, name=name
    )


def sparse_softmax_cross_entropy_with_logits(
    _sentinel: None = None, labels: TensorLike | None = None, logits: TensorLike | None = None, name: str | None = None
) -> Tensor:
    """tf.nn.sparse_softmax_cross_entropy_with_logits: per example
    loss = logsumexp(logits) - logits[label], with integer class ids `labels`
    of shape logits.shape[:-1]. d/dlogits = softmax(logits) - onehot(label).

    Raises:
      ValueError: shapes that do not match, or (when run) a label outside
        [0, num_classes), naming the label and its position.
      TypeError: non-integer labels or non-float logits.
    """
    _named_only("sparse_softmax_cross_entropy_with_logits", _sentinel, labels, logits)
    op = _op("SparseSoftmaxCrossEntropyWithLogits", [logits, labels], {}, name or "SparseSoftmaxCrossEntropyWithLogits")
    return op.outputs[0]


def sigmoid_cross_entropy_with_logits(
    _sentinel: None = None, labels: TensorLike | None = None, logits: TensorLike | None = None, name: str | None = None
) -> Tensor:
    """tf.nn.sigmoid_cross_entropy_with_logits: elementwise
    loss = max(x, 0) - x z + log(1 + exp(-|x|)) (x logits, z labels), stable
    for any x. d/dx = sigmoid(x) - z; d/dz = -x.

    Raises:
      ValueError: shapes that differ. TypeError: non-float logits.
    """
    _named_only("sigmoid_cross_entropy_with_logits", _sentinel, labels, logits)
    logits = convert_to_tensor(logits)
    labels = convert_to_tensor(labels, dtype=logits.dtype)
    return _op1("SigmoidCrossEntropyWithLogits", [logits, labels], {}, name or "SigmoidCrossEntropyWithLogits")


__all__ += [
    "softmax_cross_entropy_with_logits",
    "softmax_cross_entropy_with_logits_v2",
    "sparse_softmax_cross_entropy_with_logits",
    "sigmoid_cross_entropy_with_logits",
]


# ---- normalization and dropout (batch_norm_ops.cpp, dropout_ops.cpp) ----------------
def _like(value: TensorLike, x: Tensor) -> Tensor:
    """A tensor argument as is (its dtype is checked by the op); anything else
    (a number, list or array) as a constant of x's dtype."""
    if isinstance(value, Tensor) or hasattr(value, "_as_tensor"):
        return convert_to_tensor(value)
    return convert_to_tensor(value, dtype=x.dtype, graph=x.graph)


_MIN_FUSED_EPSILON = 1.001e-5  # TF1 raises smaller epsilons to this (a cuDNN limit)


def fused_batch_norm(
    x: TensorLike,
    scale: TensorLike,
    offset: TensorLike,
    mean: TensorLike | None = None,
    variance: TensorLike | None = None,
    epsilon: float = 0.001,
    data_format: str = "NHWC",
    is_training: bool = True,
    name: str | None = None,
) -> tuple:
    """tf.nn.fused_batch_norm (TF1): batch normalization over the channels
    (last) axis of x, in one C++ op (FusedBatchNorm) with a dedicated
    backward kernel (FusedBatchNormGrad)::

        training:  y = scale * (x - mu_B) / sqrt(var_B + epsilon) + offset
        inference: y = scale * (x - mean) / sqrt(variance + epsilon) + offset

    mu_B and var_B are the batch statistics over every axis but the last (N,
    or N, H, W) with the *biased* variance (divided by n). In training the
    returned ``batch_var`` is the *Bessel-corrected* var_B * n / (n - 1) (n = 1:
    var_B), what TF's fused op hands to the moving-variance update; a
    non-fused batch norm (tf.nn.moments) would use var_B. TF1's traps kept:
    epsilon below 1.001e-5 is raised to 1.001e-5 (slimcore warns; TF1 is
    silent), and in inference batch_mean / batch_var are just `mean` and
    `variance` passed through.

    Statistics are accumulated in double (one pass of shifted sums), so
    float32 inputs with a large mean keep their precision. Gradients reach x,
    scale and offset (TF's formulas), and also batch_mean / batch_var in
    training and mean / variance in inference, where TF1 returns None.

    Example::

        y, mu, var = tf.nn.fused_batch_norm(x, gamma, beta)          # training
        y = tf.nn.fused_batch_norm(x, gamma, beta, moving_mean, moving_var,
                                   is_training=False)[0]             # inference

    Args:
      x: float32 or float64 tensor of rank 4 (NHWC) or 2 ([N, C]).
      scale: [C] tensor (gamma), x's dtype; numbers or arrays are converted.
      offset: [C] tensor (beta), x's dtype.
      mean: [C] population mean for inference; must be None in training
        (a value given there is ignored, with a warning).
      variance: [C] population variance for inference; None in training.
      epsilon: added to the variance; values below 1.001e-5 are raised to it.
      data_format: "NHWC" (channels last) only.
      is_training: a Python bool: batch statistics (True) or mean/variance (False).
      name: op name (default "FusedBatchNorm").

    Returns:
      (y, batch_mean, batch_var): y of x's shape; batch_mean [C]; batch_var
      [C], Bessel-corrected in training.

    Raises:
      ValueError: not training and mean or variance is None; a data_format
        other than NHWC; x not of rank 2 or 4; parameters that are not [C];
        a NaN epsilon.
      TypeError: is_training not a bool, a non-number epsilon, non-float x or
        parameters of another dtype.
    """
    if data_format not in ("NHWC", "N...C"):
        raise ValueError(
            f"fused_batch_norm: data_format={data_format!r} is not supported: slimcore "
            "normalises channels-last data only ('NHWC'); transpose NCHW data first"
        )
    if not isinstance(is_training, (bool, np.bool_)):
        raise TypeError(f"fused_batch_norm: is_training must be a Python bool, got {is_training!r}")
    is_training = bool(is_training)
    if isinstance(epsilon, (bool, np.bool_)) or not isinstance(epsilon, numbers.Real):
        raise TypeError(f"fused_batch_norm: epsilon must be a number, got {epsilon!r}")
    epsilon = float(epsilon)
    if math.isnan(epsilon):
        raise ValueError("fused_batch_norm: epsilon is NaN")
    if epsilon < _MIN_FUSED_EPSILON:
        warnings.warn(
            f"fused_batch_norm: epsilon={epsilon:g} is raised to {_MIN_FUSED_EPSILON:g}, as "
            "TF1 does silently (a cuDNN limit); use tf.nn.batch_normalization for a "
            "smaller epsilon",
            UserWarning,
            stacklevel=2,
        )
        epsilon = _MIN_FUSED_EPSILON
    if is_training:
        if mean is not None or variance is not None:
            warnings.warn(
                "fused_batch_norm: mean and variance are ignored when is_training=True "
                "(the batch statistics are used; TF1 ignores them too); pass them "
                "with is_training=False for inference",
                UserWarning,
                stacklevel=2,
            )
    elif mean is None or variance is None:
        raise ValueError(
            "fused_batch_norm: both mean and variance must be given (1-D tensors of "
            "one value per channel) when is_training is False"
        )
    x = convert_to_tensor(x)
    scale, offset = _like(scale, x), _like(offset, x)
    if is_training:
        mean = variance = constant(np.zeros(0, x.dtype.as_numpy_dtype), name="empty", graph=x.graph)
    else:
        mean, variance = _like(mean, x), _like(variance, x)
    op = _op(
        "FusedBatchNorm",
        [x, scale, offset, mean, variance],
        {"epsilon": epsilon, "is_training": is_training},
        name or "FusedBatchNorm",
    )
    return op.outputs[0], op.outputs[1], op.outputs[2]


def batch_normalization(
    x: TensorLike,
    mean: TensorLike,
    variance: TensorLike,
    offset: TensorLike,
    scale: TensorLike,
    variance_epsilon: float,
    name: str | None = None,
) -> Tensor:
    """tf.nn.batch_normalization:
    y = (x - mean) * scale / sqrt(variance + variance_epsilon) + offset,
    broadcast as numpy, composed of elementwise ops.

    Evaluated as TF1 does, ``inv = scale / sqrt(variance + eps)`` then
    ``x * inv + (offset - mean * inv)``; offset None means 0 and scale None
    means 1. The statistics are not computed here: pass the output of
    tf.nn.moments (training) or moving averages (inference). Gradients flow
    to every tensor argument, mean and variance included. No minimum is
    imposed on variance_epsilon (unlike fused_batch_norm).

    Args:
      x: float tensor of any shape.
      mean, variance: tensors broadcastable to x (e.g. [C] or keepdims moments).
      offset: beta, broadcastable to x, or None.
      scale: gamma, broadcastable to x, or None.
      variance_epsilon: a small float added to the variance.
      name: name scope (default "batchnorm").

    Returns:
      A tensor of x's dtype and broadcast shape.

    Raises:
      ValueError: shapes that do not broadcast.
      TypeError: arguments of different dtypes.
    """
    with name_scope(name, "batchnorm", [x, mean, variance, scale, offset]):
        x = convert_to_tensor(x)
        mean, variance = _like(mean, x), _like(variance, x)
        inv = 1.0 / sqrt(variance + variance_epsilon)
        if scale is not None:
            inv = inv * _like(scale, x)
        shift = -mean * inv if offset is None else _like(offset, x) - mean * inv
        return x * inv + shift


def _squeeze_axes(t: Tensor, axes: list) -> Tensor | None:
    """t (a keepdims reduction) without its size-1 reduced axes, by a reshape;
    None when that needs more than one unknown dimension."""
    rank = t.shape.ndims
    reduced = {a % rank for a in axes} if rank else set()
    dims = [d for i, d in enumerate(t.shape.as_list()) if i not in reduced]
    if sum(d is None for d in dims) > 1:
        return None
    return reshape(t, [-1 if d is None else d for d in dims], name="Squeeze")


def moments(
    x: TensorLike,
    axes: int | Sequence[int],
    shift: TensorLike | None = None,
    name: str | None = None,
    keep_dims: bool = False,
    keepdims: bool | None = None,
) -> tuple:
    """tf.nn.moments: mean = sum(x) / n and the *biased* variance
    sum((x - mean)^2) / n over `axes` (n = elements reduced).

    As TF1: the variance is reduce_mean(squared_difference(x,
    stop_gradient(mean))), so gradients reach x through both outputs; the
    variance is the one a non-fused batch norm uses (fused_batch_norm
    returns the Bessel-corrected one). For batch norm on NHWC data use
    axes=[0, 1, 2]. TF1 ignores `shift`; slimcore warns when one is passed.

    Args:
      x: float tensor.
      axes: int or list of ints (static), the axes to reduce.
      shift: unused (as TF1); a value triggers a warning.
      name: name scope (default "moments").
      keep_dims: keep the reduced axes with size 1.
      keepdims: alias of keep_dims (TF 1.15's name).

    Returns:
      (mean, variance), both of x's dtype.

    Raises:
      ValueError: an axis out of range or repeated; keep_dims and keepdims disagreeing.
      TypeError: non-static axes, non-float x.
    """
    if keepdims is not None:
        if keep_dims and not keepdims:
            raise ValueError("moments: keep_dims and keepdims disagree; pass only one")
        keep_dims = keepdims
    if shift is not None:
        warnings.warn(
            "moments: `shift` is not used (TF1 ignores it too); the statistics are computed without a shift",
            UserWarning,
            stacklevel=2,
        )
    axes = _static_ints(axes, "moments: axes")
    with name_scope(name, "moments", [x]):
        x = convert_to_tensor(x)
        if not x.dtype.is_floating:
            raise TypeError(f"moments: x must be float32 or float64, got {x.dtype.name}")
        mean = reduce_mean(x, axes, keepdims=True, name="mean")
        variance = reduce_mean(
            squared_difference(x, stop_gradient(mean)), axes, keepdims=bool(keep_dims), name="variance"
        )
        if not keep_dims:
            squeezed = _squeeze_axes(mean, axes)
            mean = squeezed if squeezed is not None else reduce_mean(x, axes, name="mean")
        return mean, variance


def _keep_probability(keep_prob: TensorLike | None, rate: TensorLike | None, x: Tensor) -> float | Tensor:
    """keep_prob as a Python float, or a scalar tensor of x's dtype, validated as TF1."""
    if keep_prob is not None and rate is not None:
        raise ValueError("dropout: cannot specify both 'keep_prob' (TF1) and 'rate' (TF2, = 1 - keep_prob)")
    if keep_prob is None and rate is None:
        raise ValueError(
            "dropout: pass keep_prob (TF1, the probability of keeping a value) or "
            "rate (TF2, the probability of dropping it)"
        )
    what, value = ("keep_prob", keep_prob) if keep_prob is not None else ("rate", rate)
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"dropout: {what} must be a number or a scalar tensor, got {value!r}")
    if isinstance(value, numbers.Real):
        value = float(value)
        if what == "keep_prob" and not 0 < value <= 1:
            raise ValueError(
                f"dropout: keep_prob must be a scalar tensor or a float in the range (0, 1], got {value:g}"
            )
        if what == "rate" and not 0 <= value < 1:
            raise ValueError(f"dropout: rate must be a scalar tensor or a float in the range [0, 1), got {value:g}")
        return value if what == "keep_prob" else 1.0 - value
    if not (isinstance(value, Tensor) or hasattr(value, "_as_tensor")):
        raise TypeError(f"dropout: {what} must be a number or a scalar tensor, got {value!r}")
    tensor = convert_to_tensor(value, dtype=x.dtype)
    if tensor.shape.ndims not in (0, None):  # unknown rank (a shapeless placeholder): checked when run
        raise ValueError(f"dropout: {what} must be a scalar, got shape {tensor.shape}")
    return tensor if what == "keep_prob" else 1.0 - tensor


def _noise_shape(x: Tensor, noise_shape: ShapeLike) -> list | None:
    """noise_shape padded with leading 1s to x's rank, None entries -> x's dimension (-1 if unknown)."""
    if noise_shape is None:
        return None
    if isinstance(noise_shape, Tensor) or hasattr(noise_shape, "_as_tensor"):
        raise TypeError(
            "dropout: noise_shape must be a list of ints (static); a computed shape tensor is not supported"
        )
    dims = list(noise_shape.as_list()) if hasattr(noise_shape, "as_list") else list(noise_shape)
    x_dims = x.shape.as_list()
    if len(dims) > len(x_dims):
        raise ValueError(f"dropout: noise_shape {list(noise_shape)} has more dimensions than x {x.shape}")
    dims = [1] * (len(x_dims) - len(dims)) + dims
    out = []
    for d, xd in zip(dims, x_dims):
        if d is None:
            out.append(-1)
            continue
        if isinstance(d, (bool, np.bool_)) or not isinstance(d, (int, np.integer)):
            raise TypeError(f"dropout: noise_shape entries must be ints or None, got {d!r}")
        if d != 1 and (d < 0 or (xd is not None and d != xd)):
            raise ValueError(
                f"dropout: noise_shape {list(noise_shape)} does not broadcast to x's "
                f"shape {x.shape}: each dimension must be 1 or x's"
            )
        out.append(int(d))
    return out


def dropout(
    x: TensorLike,
    keep_prob: TensorLike | None = None,
    noise_shape: ShapeLike | None = None,
    seed: int | None = None,
    name: str | None = None,
    rate: TensorLike | None = None,
) -> Tensor:
    """tf.nn.dropout (TF1, with TF2's `rate` accepted):
    y = x * mask / keep_prob, mask ~ Bernoulli(keep_prob) elementwise.

    Kept values are scaled by 1/keep_prob, so E[y] = x; dropped ones are 0.
    One C++ op (Dropout) draws the mask from a counter-based stream seeded
    by TF1's rules (graph seed and `seed`, see random_ops): every run draws
    a new mask, a new session repeats the sequence, the thread count does
    not matter. The gradient dy * mask / keep_prob uses the very mask of the
    same run (the op's second output). keep_prob == 1 (or rate == 0) given
    as a number returns x itself, as TF1.

    With noise_shape, one draw is shared along its size-1 dimensions: for
    x [N, H, W, C], noise_shape=[N, 1, 1, C] drops whole feature maps. A
    shorter noise_shape is aligned to x's last dimensions, as TF's broadcast.

    Example::

        keep = tf.placeholder(tf.float32, [])          # feed 0.5 to train, 1.0 to test
        h = tf.nn.dropout(h, keep_prob=keep)
        h = tf.nn.dropout(h, rate=0.1, seed=3)         # TF2 style: drop 10%

    Args:
      x: float32 or float64 tensor.
      keep_prob: probability of keeping each value, a number in (0, 1] or a
        scalar tensor of x's dtype (checked when the graph runs).
      noise_shape: list of ints (or None entries for x's dimension), each 1
        or x's dimension.
      seed: op seed (int) for random_ops.get_seed.
      name: op name (default "dropout").
      rate: TF2's probability of dropping, 1 - keep_prob, in [0, 1).

    Returns:
      A tensor of x's shape and dtype.

    Raises:
      ValueError: keep_prob outside (0, 1] or rate outside [0, 1) (as TF1;
        for a tensor, when the graph runs), both or neither of keep_prob and
        rate, a non-scalar keep_prob tensor, a noise_shape that does not
        broadcast to x.
      TypeError: non-float x, a keep_prob tensor of another dtype, a bool or
        non-number keep_prob, a computed noise_shape tensor, a non-int seed.
    """
    with name_scope(name, "dropout", [x]) as scope:
        x = convert_to_tensor(x)
        if not x.dtype.is_floating:
            raise TypeError(f"dropout: x must be float32 or float64, got {x.dtype.name}")
        keep = _keep_probability(keep_prob, rate, x)
        if isinstance(keep, float) and keep == 1.0:
            return x
        noise = _noise_shape(x, noise_shape)
        seed1, seed2 = get_seed(seed, x.graph)
        attrs = {"seed": int(seed1), "seed2": int(seed2)}
        if noise is not None:
            attrs["noise_shape"] = noise
        inputs = [x]
        if isinstance(keep, float):
            attrs["keep_prob"] = keep
        else:
            inputs.append(keep)
        return _op("Dropout", inputs, attrs, scope).outputs[0]


__all__ += ["fused_batch_norm", "batch_normalization", "moments", "dropout"]
# ---- convolution and pooling (conv_ops.cpp, depthwise_ops.cpp, pool_ops.cpp) -------------
#
# NHWC only. TF's SAME / VALID rule for every op here (docs/SEMANTICS.md section 7):
#   SAME:  out = ceil(n / s), pad_total = max((out - 1) * s + (k - 1) * d + 1 - n, 0),
#          pad_before = pad_total // 2 (the extra row / column at the bottom / right)
#   VALID: out = (n - ((k - 1) * d + 1)) // s + 1, no padding
# strides / ksize / dilations come in TF's 4-element NHWC form [1, h, w, 1], as
# [h, w], as [k] or as an int k; the C++ ops take [h, w].

_NHWC = (None, "NHWC")


def _check_nhwc(fn: str, data_format: str) -> None:
    if data_format not in _NHWC:
        raise ValueError(
            f"{fn}: data_format={data_format!r} is not supported: slimcore's convolutions "
            "and pools are channels-last only (data_format='NHWC'); transpose NCHW data "
            "with a [0, 2, 3, 1] permutation first"
        )


def _is_int(v: object) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def _hw(fn: str, arg: str, value: int | Sequence[int]) -> list:
    """TF's int / [k] / [h, w] / [1, h, w, 1] forms as [h, w] (signs are checked in C++)."""
    if _is_int(value):
        return [int(value), int(value)]
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise TypeError(f"{fn}: {arg} must be an int or a list of ints, got {value!r}")
    items = list(value)
    if not all(_is_int(v) for v in items):
        raise TypeError(f"{fn}: {arg} must hold ints, got {value!r}")
    items = [int(v) for v in items]
    if len(items) == 1:
        return items * 2
    if len(items) == 2:
        return items
    if len(items) == 4:
        if items[0] != 1 or items[3] != 1:
            raise ValueError(
                f"{fn}: {arg}={items} must be 1 on the batch and channel axes "
                f"([1, h, w, 1], NHWC): slimcore does not slide windows over N or C"
            )
        return items[1:3]
    raise ValueError(f"{fn}: {arg} must be an int or have 1, 2 or 4 entries ([1, h, w, 1] in NHWC), got {items}")


def _padding(fn: str, padding: str) -> str:
    if not isinstance(padding, str):
        raise ValueError(
            f"{fn}: padding must be 'SAME' or 'VALID', got {padding!r} (explicit padding lists are not supported)"
        )
    upper = padding.upper()
    if upper not in ("SAME", "VALID"):
        raise ValueError(f"{fn}: padding must be 'SAME' or 'VALID', got {padding!r}")
    return upper


def _filter_like(filter: TensorLike, input: Tensor) -> TensorLike:
    """A Python list or numpy filter takes the input's dtype (as bias_add's bias)."""
    if isinstance(filter, Tensor) or hasattr(filter, "_as_tensor"):
        return filter
    return convert_to_tensor(filter, dtype=input.dtype, graph=input.graph)


def conv2d(
    input: TensorLike,
    filter: TensorLike | None = None,
    strides: int | Sequence[int] | None = None,
    padding: str | None = None,
    use_cudnn_on_gpu: bool = True,
    data_format: str | None = "NHWC",
    dilations: int | Sequence[int] = (1, 1, 1, 1),
    name: str | None = None,
    filters: TensorLike | None = None,
) -> Tensor:
    """tf.nn.conv2d (NHWC): a 2-D cross-correlation (no kernel flip),

        y[n, oh, ow, co] = sum_{i, j, ci} x[n, oh*sh - pad_top + i*dh, ow*sw - pad_left + j*dw, ci]
                                          * filter[i, j, ci, co]

    with zeros outside the input and TF's SAME / VALID padding (SAME puts
    the odd padding row / column at the bottom / right: n=8, k=3, s=2 pads
    0 above and 1 below). Gradients: the Conv2DBackpropInput and
    Conv2DBackpropFilter ops (themselves differentiable).

    TF1 equivalent: ``tf.nn.conv2d(input, filter, strides, padding)``.

    Args:
      input: float32 or float64 [batch, height, width, in_channels]; the
        batch (or any) dimension may be unknown when the graph is built.
      filter: [filter_height, filter_width, in_channels, out_channels] of
        input's dtype (a Python list or numpy array takes input's dtype).
      strides: [1, sh, sw, 1], [sh, sw], [s] or an int s.
      padding: "SAME" or "VALID".
      use_cudnn_on_gpu: ignored (CPU only), accepted for TF1 compatibility.
      data_format: "NHWC" (or None) only.
      dilations: [1, dh, dw, 1], [dh, dw], [d] or an int d (atrous convolution).
      name: op name (default "Conv2D").
      filters: TF2's name for `filter`.

    Returns:
      A tensor [batch, out_height, out_width, out_channels] of input's dtype.

    Raises:
      ValueError: data_format other than NHWC; strides or dilations not 1 on
        the batch or channel axis, or not positive; padding other than SAME /
        VALID; input or filter not of rank 4; in_channels that differ from
        input's channels; a VALID window larger than the input; a missing
        filter / strides / padding (all raised when the op is built, and
        checked again on the run-time shapes).
      TypeError: non-float input, or a filter of another dtype.
    """
    _check_nhwc("conv2d", data_format)
    if filter is not None and filters is not None:
        raise ValueError("conv2d: pass the filter as `filter` or `filters`, not both")
    filter = filters if filter is None else filter
    if filter is None or strides is None or padding is None:
        raise ValueError("conv2d: filter, strides and padding are required")
    input = convert_to_tensor(input)
    attrs = {
        "strides": _hw("conv2d", "strides", strides),
        "padding": _padding("conv2d", padding),
        "dilations": _hw("conv2d", "dilations", dilations),
    }
    return _op1("Conv2D", [input, _filter_like(filter, input)], attrs, name or "Conv2D")


def atrous_conv2d(value: TensorLike, filters: TensorLike, rate: int, padding: str, name: str | None = None) -> Tensor:
    """tf.nn.atrous_conv2d: conv2d with stride 1 and the filter dilated by `rate`,

        y[n, oh, ow, co] = sum_{i, j, ci} x[n, oh - pad_top + i*rate, ow - pad_left + j*rate, ci]
                                          * filters[i, j, ci, co]

    i.e. ``conv2d(value, filters, [1, 1, 1, 1], padding, dilations=[1, rate, rate, 1])``;
    SAME keeps the spatial size.

    TF1 equivalent: ``tf.nn.atrous_conv2d(value, filters, rate, padding)``.

    Args:
      value: float32 or float64 [batch, height, width, in_channels].
      filters: [filter_height, filter_width, in_channels, out_channels].
      rate: a positive int, the dilation of both spatial axes.
      padding: "SAME" or "VALID".
      name: op name (default "Conv2D").

    Returns:
      A tensor [batch, out_height, out_width, out_channels].

    Raises:
      ValueError: rate < 1, or any error of conv2d.
      TypeError: a non-int rate.
    """
    if isinstance(rate, bool) or not isinstance(rate, int):
        raise TypeError(f"atrous_conv2d: rate must be a positive int, got {rate!r}")
    if rate < 1:
        raise ValueError(f"atrous_conv2d: rate must be >= 1, got {rate}")
    return conv2d(value, filters, [1, 1, 1, 1], padding, dilations=[1, rate, rate, 1], name=name)


def depthwise_conv2d_native(
    input: TensorLike,
    filter: TensorLike,
    strides: int | Sequence[int],
    padding: str,
    data_format: str | None = "NHWC",
    dilations: int | Sequence[int] = (1, 1, 1, 1),
    name: str | None = None,
) -> Tensor:
    """tf.nn.depthwise_conv2d_native (NHWC): each input channel c is correlated
    with its own filters[:, :, c, m], m < M, into output channel c*M + m,

        y[n, oh, ow, c*M + m] = sum_{i, j} x[n, oh*sh - pad_top + i*dh, ow*sw - pad_left + j*dw, c]
                                           * filter[i, j, c, m]

    with TF's SAME / VALID padding. Strides and dilations may be combined
    (TF's CPU kernel allows no dilation). Gradients: the
    DepthwiseConv2dNativeBackpropInput / ...BackpropFilter ops.

    TF1 equivalent: ``tf.nn.depthwise_conv2d_native(input, filter, strides, padding)``.

    Args:
      input: float32 or float64 [batch, height, width, in_channels].
      filter: [filter_height, filter_width, in_channels, channel_multiplier].
      strides: [1, sh, sw, 1], [sh, sw], [s] or an int s.
      padding: "SAME" or "VALID".
      data_format: "NHWC" (or None) only.
      dilations: [1, dh, dw, 1], [dh, dw], [d] or an int d.
      name: op name (default "DepthwiseConv2dNative").

    Returns:
      A tensor [batch, out_height, out_width, in_channels * channel_multiplier].

    Raises:
      ValueError: as conv2d (NCHW, non-1 batch/channel strides, bad padding,
        ranks, channel mismatch, a VALID window larger than the input).
      TypeError: non-float input, or a filter of another dtype.
    """
    _check_nhwc("depthwise_conv2d_native", data_format)
    input = convert_to_tensor(input)
    attrs = {
        "strides": _hw("depthwise_conv2d_native", "strides", strides),
        "padding": _padding("depthwise_conv2d_native", padding),
        "dilations": _hw("depthwise_conv2d_native", "dilations", dilations),
    }
    return _op1("DepthwiseConv2dNative", [input, _filter_like(filter, input)], attrs, name or "DepthwiseConv2dNative")


def _rate(fn: str, rate: int | Sequence[int] | None, dilations: int | Sequence[int], strides: list) -> list:
    """TF1's `rate` / TF2's `dilations` of depthwise_conv2d as [dh, dw]."""
    if rate is not None and dilations is not None:
        raise ValueError(f"{fn}: pass the dilation as `rate` or `dilations`, not both")
    given = rate if rate is not None else dilations
    if given is None:
        return [1, 1]
    hw = _hw(fn, "rate" if rate is not None else "dilations", given)
    if max(hw) > 1 and max(strides) > 1:
        raise ValueError(
            f"{fn}: strides {strides} > 1 together with rate {hw} > 1 is not allowed "
            "(as in TF1, where dilation is computed with space_to_batch); use "
            "depthwise_conv2d_native, which supports both"
        )
    return hw


def depthwise_conv2d(
    input: TensorLike,
    filter: TensorLike,
    strides: int | Sequence[int],
    padding: str,
    rate: int | Sequence[int] | None = None,
    name: str | None = None,
    data_format: str | None = None,
    dilations: int | Sequence[int] | None = None,
) -> Tensor:
    """tf.nn.depthwise_conv2d (NHWC): output channel c*M + m is input channel c
    correlated with filter[:, :, c, m] (see depthwise_conv2d_native),

        y[n, oh, ow, c*M + m] = sum_{i, j} x[n, oh*sh - pad_top + i*rh, ow*sw - pad_left + j*rw, c]
                                           * filter[i, j, c, m]

    TF1 equivalent: ``tf.nn.depthwise_conv2d(input, filter, strides, padding, rate)``.

    Args:
      input: float32 or float64 [batch, height, width, in_channels].
      filter: [filter_height, filter_width, in_channels, channel_multiplier].
      strides: [1, sh, sw, 1] (or [sh, sw], [s], s).
      padding: "SAME" or "VALID".
      rate: dilation [rh, rw] (or an int); TF1 allows it only with unit strides.
      name: op name (default "DepthwiseConv2dNative").
      data_format: "NHWC" (or None) only.
      dilations: TF2's name for `rate`.

    Returns:
      A tensor [batch, out_height, out_width, in_channels * channel_multiplier].

    Raises:
      ValueError: rate > 1 with strides > 1 (as TF1), both rate and
        dilations, or any error of depthwise_conv2d_native.
      TypeError: non-float input, or a filter of another dtype.
    """
    _check_nhwc("depthwise_conv2d", data_format)
    hw = _hw("depthwise_conv2d", "strides", strides)
    dil = _rate("depthwise_conv2d", rate, dilations, hw)
    return depthwise_conv2d_native(input, filter, hw, padding, dilations=dil, name=name or "DepthwiseConv2dNative")


def separable_conv2d(
    input: TensorLike,
    depthwise_filter: TensorLike,
    pointwise_filter: TensorLike,
    strides: int | Sequence[int],
    padding: str,
    rate: int | Sequence[int] | None = None,
    name: str | None = None,
    data_format: str | None = None,
    dilations: int | Sequence[int] | None = None,
) -> Tensor:
    """tf.nn.separable_conv2d (NHWC): a depthwise convolution (strides and
    rate apply here) followed by a 1x1 convolution that mixes the channels,

        z = depthwise_conv2d(input, depthwise_filter, strides, padding, rate)
        y[n, oh, ow, o] = sum_k z[n, oh, ow, k] * pointwise_filter[0, 0, k, o]

    TF1 equivalent: ``tf.nn.separable_conv2d(input, depthwise_filter, pointwise_filter,
    strides, padding, rate)``.

    Args:
      input: float32 or float64 [batch, height, width, in_channels].
      depthwise_filter: [filter_height, filter_width, in_channels, channel_multiplier].
      pointwise_filter: [1, 1, in_channels * channel_multiplier, out_channels].
      strides: [1, sh, sw, 1] (or [sh, sw], [s], s) of the depthwise step.
      padding: "SAME" or "VALID" of the depthwise step.
      rate: dilation [rh, rw] of the depthwise step (unit strides only, as TF1).
      name: name scope (default "separable_conv2d").
      data_format: "NHWC" (or None) only.
      dilations: TF2's name for `rate`.

    Returns:
      A tensor [batch, out_height, out_width, out_channels].

    Raises:
      ValueError: a pointwise_filter that is not [1, 1, in_channels *
        channel_multiplier, out_channels], or any error of depthwise_conv2d.
      TypeError: non-float input, or filters of another dtype.
    """
    _check_nhwc("separable_conv2d", data_format)
    input = convert_to_tensor(input)
    depthwise_filter = convert_to_tensor(_filter_like(depthwise_filter, input))
    pointwise_filter = convert_to_tensor(_filter_like(pointwise_filter, input))
    pw = pointwise_filter.shape.as_list()
    dw = depthwise_filter.shape.as_list()
    if len(pw) != 4 or pw[0] != 1 or pw[1] != 1:
        raise ValueError(
            f"separable_conv2d: pointwise_filter must have shape [1, 1, in_channels * "
            f"channel_multiplier, out_channels], got {pw}"
        )
    if len(dw) == 4 and None not in (dw[2], dw[3], pw[2]) and dw[2] * dw[3] != pw[2]:
        raise ValueError(
            f"separable_conv2d: pointwise_filter {pw} must take in_channels * "
            f"channel_multiplier = {dw[2]} * {dw[3]} = {dw[2] * dw[3]} channels "
            f"(depthwise_filter {dw})"
        )
    with name_scope(name, "separable_conv2d", [input]):
        depthwise = depthwise_conv2d(
            input, depthwise_filter, strides, padding, rate=rate, dilations=dilations, name="depthwise"
        )
        return conv2d(depthwise, pointwise_filter, [1, 1, 1, 1], "VALID", name="pointwise")


def _pool(
    fn: str,
    op_type: str,
    value: TensorLike,
    input: TensorLike,
    ksize: int | Sequence[int],
    strides: int | Sequence[int],
    padding: str,
    data_format: str,
    name: str | None,
) -> Tensor:
    if value is not None and input is not None:
        raise ValueError(f"{fn}: pass the tensor as `value` or `input`, not both")
    value = input if value is None else value
    if value is None or ksize is None or strides is None or padding is None:
        raise ValueError(f"{fn}: value, ksize, strides and padding are required")
    _check_nhwc(fn, data_format)
    attrs = {"ksize": _hw(fn, "ksize", ksize), "strides": _hw(fn, "strides", strides), "padding": _padding(fn, padding)}
    return _op1(op_type, [value], attrs, name or op_type)


def max_pool(
    value: TensorLike | None = None,
    ksize: int | Sequence[int] | None = None,
    strides: int | Sequence[int] | None = None,
    padding: str | None = None,
    data_format: str | None = "NHWC",
    name: str | None = None,
    input: TensorLike | None = None,
) -> Tensor:
    """tf.nn.max_pool (NHWC): the maximum over each window's real cells,

        y[n, oh, ow, c] = max_{i, j} x[n, oh*sh - pad_top + i, ow*sw - pad_left + j, c]

    SAME padding cells never win (they are skipped, not zeros); a window of
    -inf values gives -inf (TF's CPU kernel gives the lowest finite float).
    Gradient (the MaxPoolGrad op): each window's gradient goes to its first
    maximal cell in row-major window order (ties: the first), as TF's CPU
    kernel.

    TF1 equivalent: ``tf.nn.max_pool(value, ksize, strides, padding)``.

    Args:
      value: float32 or float64 [batch, height, width, channels].
      ksize: [1, kh, kw, 1], [kh, kw], [k] or an int k.
      strides: [1, sh, sw, 1], [sh, sw], [s] or an int s.
      padding: "SAME" or "VALID".
      data_format: "NHWC" (or None) only.
      name: op name (default "MaxPool").
      input: TF2's name for `value`.

    Returns:
      A tensor [batch, out_height, out_width, channels] of value's dtype.

    Raises:
      ValueError: data_format other than NHWC, ksize or strides not 1 on the
        batch or channel axis or not positive, padding other than SAME /
        VALID, value not of rank 4, a VALID window larger than the input.
      TypeError: non-float value.
    """
    return _pool("max_pool", "MaxPool", value, input, ksize, strides, padding, data_format, name)


def avg_pool(
    value: TensorLike | None = None,
    ksize: int | Sequence[int] | None = None,
    strides: int | Sequence[int] | None = None,
    padding: str | None = None,
    data_format: str | None = "NHWC",
    name: str | None = None,
    input: TensorLike | None = None,
) -> Tensor:
    """tf.nn.avg_pool (NHWC): the mean over each window's real cells,

        y[n, oh, ow, c] = sum_{(i, j) real} x[n, oh*sh - pad_top + i, ow*sw - pad_left + j, c] / count

    where count is the number of window cells inside the input: with SAME
    padding the border windows divide by fewer than kh*kw cells (padding is
    excluded, as TF). Gradient (the AvgPoolGrad op): g / count to each real
    cell of the window.

    TF1 equivalent: ``tf.nn.avg_pool(value, ksize, strides, padding)``.

    Args:
      value: float32 or float64 [batch, height, width, channels].
      ksize: [1, kh, kw, 1], [kh, kw], [k] or an int k.
      strides: [1, sh, sw, 1], [sh, sw], [s] or an int s.
      padding: "SAME" or "VALID".
      data_format: "NHWC" (or None) only.
      name: op name (default "AvgPool").
      input: TF2's name for `value`.

    Returns:
      A tensor [batch, out_height, out_width, channels] of value's dtype.

    Raises:
      ValueError: as max_pool.
      TypeError: non-float value.
    """
    return _pool("avg_pool", "AvgPool", value, input, ksize, strides, padding, data_format, name)


__all__ += [
    "conv2d",
    "atrous_conv2d",
    "depthwise_conv2d",
    "depthwise_conv2d_native",
    "separable_conv2d",
    "max_pool",
    "avg_pool",
]


# ---- more activations (activation_ops.cpp) -------------------------------------------------
def elu(features: TensorLike, name: str | None = None) -> Tensor:
    """tf.nn.elu: features if features > 0, else exp(features) - 1 (Clevert et al. 2015).

    Gradient (TF's EluGrad, from the output y): g if y > 0, else g * (y + 1).

    Args:
      features: a float32 or float64 tensor.
      name: op name (default "Elu").

    Returns:
      A tensor of the same shape and dtype.

    Raises:
      TypeError: an integer or bool tensor.
    """
    return _unary("Elu", features, name)


def selu(features: TensorLike, name: str | None = None) -> Tensor:
    """tf.nn.selu: scale * features if features > 0, else scale * alpha * (exp(features) - 1),
    with scale = 1.0507009873554805, alpha = 1.6732632423543772 (Klambauer et al. 2017).

    Gradient (TF's SeluGrad, from the output y): g * scale if y > 0, else
    g * (y + scale * alpha).

    Args:
      features: a float32 or float64 tensor.
      name: op name (default "Selu").

    Returns:
      A tensor of the same shape and dtype.

    Raises:
      TypeError: an integer or bool tensor.
    """
    return _unary("Selu", features, name)


def leaky_relu(features: TensorLike, alpha: float = 0.2, name: str | None = None) -> Tensor:
    """tf.nn.leaky_relu: features if features > 0, else alpha * features (TF's kernel,
    which for alpha > 1 is not max(features, alpha * features)).

    As TF1, integer features are cast to float32 first. Gradient (the
    LeakyReluGrad op, from the input x): g if x > 0, else alpha * g.

    Args:
      features: a float tensor (an integer one is cast to float32).
      alpha: the slope for features <= 0, a Python number (or 0-d array).
      name: op name (default "LeakyRelu").

    Returns:
      A float tensor of features' shape.

    Raises:
      TypeError: a bool tensor, or an alpha that is not a number.
    """
    with name_scope(name, "LeakyRelu", [features]) as scope:
        features = convert_to_tensor(features)
        if features.dtype.is_integer:
            features = cast(features, "float32")
        if isinstance(alpha, np.ndarray):
            alpha = alpha.item()
        if isinstance(alpha, (bool, np.bool_)) or not isinstance(alpha, numbers.Real):
            raise TypeError(f"leaky_relu: alpha must be a number, got {alpha!r}")
        return _op1("LeakyRelu", [features], {"alpha": float(alpha)}, scope)


def softplus(features: TensorLike, name: str | None = None) -> Tensor:
    """tf.nn.softplus / tf.math.softplus: log(1 + exp(features)), evaluated as TF's kernel
    (features itself above -t, exp(features) below t, t = log(epsilon) + 2).

    Gradient (the SoftplusGrad op): g * sigmoid(features).

    Args:
      features: a float32 or float64 tensor.
      name: op name (default "Softplus").

    Returns:
      A tensor of the same shape and dtype, > 0.

    Raises:
      TypeError: an integer or bool tensor.
    """
    return _unary("Softplus", features, name)


def softsign(features: TensorLike, name: str | None = None) -> Tensor:
    """tf.nn.softsign / tf.math.softsign: features / (1 + |features|).

    Gradient (the SoftsignGrad op): g / (1 + |features|)^2.

    Args:
      features: a float32 or float64 tensor.
      name: op name (default "Softsign").

    Returns:
      A tensor of the same shape and dtype, in (-1, 1).

    Raises:
      TypeError: an integer or bool tensor.
    """
    return _unary("Softsign", features, name)


def l2_normalize(
    x: TensorLike,
    axis: int | Sequence[int] | None = None,
    epsilon: float = 1e-12,
    name: str | None = None,
    dim: int | Sequence[int] | None = None,
) -> Tensor:
    """tf.nn.l2_normalize / tf.math.l2_normalize:
    x / sqrt(max(sum(x^2, axis, keepdims=True), epsilon)), TF1's formula.

    axis None normalises over every element. Composed of reductions and
    elementwise ops, so the gradient is automatic.

    Args:
      x: a float tensor.
      axis: an int or list of ints (static) to normalise over; None: all axes.
      epsilon: the lower bound of the squared norm (no division by zero).
      name: name scope (default "l2_normalize").
      dim: TF1's deprecated alias of `axis`.

    Returns:
      A tensor of x's shape and dtype.

    Raises:
      ValueError: both axis and dim given with different values, an axis out of range.
      TypeError: a non-float x.
    """
    if dim is not None:
        if axis is not None and axis != dim:
            raise ValueError("l2_normalize: cannot specify both 'axis' and its deprecated alias 'dim'")
        axis = dim
    with name_scope(name, "l2_normalize", [x]) as scope:
        x = convert_to_tensor(x)
        if not x.dtype.is_floating:
            raise TypeError(f"l2_normalize: x must be float32 or float64, got {x.dtype.name}")
        square_sum = reduce_sum(square(x), axis, keepdims=True)
        inv_norm = 1.0 / sqrt(maximum(square_sum, _like(epsilon, x)))
        return _op1("Mul", [x, inv_norm], {}, scope)


def _static_int(fn: str, arg: str, value: TensorLike) -> int:
    """A Python int, numpy integer or constant integer scalar tensor as an int."""
    if isinstance(value, Tensor):
        if value.op.type != "Const":
            raise TypeError(f"{fn}: {arg} must be known when the graph is built (an int), got the tensor {value.name}")
        value = value.op.get_attr("value")
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if not _is_int(value):
        raise TypeError(f"{fn}: {arg} must be an int, got {value!r}")
    return int(value)


class TopKV2(tuple):
    """(values, indices), what tf.nn.top_k returns (a namedtuple in TF)."""

    __slots__ = ()

    def __new__(cls, values: Tensor, indices: Tensor) -> TopKV2:
        return super().__new__(cls, (values, indices))

    @property
    def values(self) -> Tensor:
        return self[0]

    @property
    def indices(self) -> Tensor:
        return self[1]


def top_k(input: TensorLike, k: int = 1, sorted: bool = True, name: str | None = None) -> TopKV2:  # noqa: A002 (TF's name)
    """tf.nn.top_k / tf.math.top_k: the k largest entries along the last axis,

        values[..., i] = input[..., indices[..., i]],  values[..., 0] >= values[..., 1] >= ...

    Equal values come lowest index first (TF's CPU kernel); NaN ranks above
    every number (TF leaves its rank unspecified). The result is
    always sorted (TF leaves the order unspecified for sorted=False).
    Gradient: to the values only, each g going to the input entry it came
    from (the TopKGrad op); none through the int32 indices.

    Args:
      input: a numeric tensor of rank >= 1 whose last dimension is >= k.
      k: a non-negative int (or a constant scalar tensor).
      sorted: accepted for TF1 compatibility (the output is always sorted).
      name: op name (default "TopKV2").

    Returns:
      TopKV2(values, indices): values of input's dtype and indices int32,
      both of shape input.shape[:-1] + [k].

    Raises:
      ValueError: a negative k, a scalar input, or fewer than k entries on the
        last axis (at graph construction when known; InvalidArgumentError when run).
      TypeError: a bool input, a k that is not a static int.
    """
    k = _static_int("top_k", "k", k)
    op = _op("TopK", [input], {"k": k, "sorted": bool(sorted)}, name or "TopKV2")
    return TopKV2(op.outputs[0], op.outputs[1])


def in_top_k(predictions: TensorLike, targets: TensorLike, k: int, name: str | None = None) -> Tensor:
    """tf.nn.in_top_k / tf.math.in_top_k: whether each target is among the top k predictions,

        out[b] = #{i : predictions[b, i] > predictions[b, targets[b]]} < k

    TF's rule: every class tied with the k-th value counts as in the top k;
    a target out of [0, classes) or a non-finite predictions[b, targets[b]]
    gives False. Not differentiable.

    Args:
      predictions: float32 (or float64) [batch, classes].
      targets: int32 or int64 [batch], class ids.
      k: an int (or a constant scalar tensor).
      name: op name (default "InTopK").

    Returns:
      A bool tensor [batch].

    Raises:
      ValueError: predictions not 2-D, targets not 1-D, batch sizes that differ.
      TypeError: non-float predictions, non-integer targets, a k that is not a static int.
    """
    k = _static_int("in_top_k", "k", k)
    return _op1("InTopK", [predictions, targets], {"k": k}, name or "InTopK")


def local_response_normalization(
    input: TensorLike,
    depth_radius: int = 5,
    bias: float = 1.0,
    alpha: float = 1.0,
    beta: float = 0.5,
    name: str | None = None,
) -> Tensor:
    """tf.nn.local_response_normalization / tf.nn.lrn (NHWC, over the channels):

        sqr_sum[n, h, w, d] = sum_{k=d-r}^{d+r} input[n, h, w, k]^2   (k inside [0, C))
        output = input / (bias + alpha * sqr_sum)^beta

    Gradient: TF's LRNGrad, the exact derivative of that formula.

    Args:
      input: float32 or float64 [batch, height, width, channels].
      depth_radius: r, a non-negative int, the half-width of the window.
      bias, alpha, beta: numbers of the formula.
      name: op name (default "LRN").

    Returns:
      A tensor of input's shape and dtype.

    Raises:
      ValueError: input not 4-D, a negative depth_radius.
      TypeError: non-float input, non-number arguments.
    """
    radius = _static_int("lrn", "depth_radius", depth_radius)
    attrs = {"depth_radius": radius}
    for arg, value in (("bias", bias), ("alpha", alpha), ("beta", beta)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            raise TypeError(f"lrn: {arg} must be a number, got {value!r}")
        attrs[arg] = float(value)
    return _op1("LRN", [input], attrs, name or "LRN")


lrn = local_response_normalization

__all__ += [
    "elu",
    "selu",
    "leaky_relu",
    "softplus",
    "softsign",
    "l2_normalize",
    "top_k",
    "in_top_k",
    "local_response_normalization",
    "lrn",
]


# ---- conv2d_transpose (conv_ops.cpp) and conv1d (over conv2d) --------------------------------
def _constant_dims(fn: str, shape: TensorLike) -> list:
    """output_shape (a list of ints / scalar tensors, a 1-D constant, or a
    stack of them) as a list of ints, -1 where a value is only known at run time."""
    if isinstance(shape, Tensor):
        if shape.op.type == "Const":
            shape = shape.op.get_attr("value")
        elif shape.op.type == "Pack":
            shape = list(shape.op.inputs)
        else:
            dims = shape.shape.as_list()
            if len(dims) != 1 or dims[0] is None:
                raise ValueError(f"{fn}: output_shape must have shape (4,), got {shape.shape}")
            return [-1] * dims[0]
    if hasattr(shape, "as_list"):  # a TensorShape: unknown dimensions are None
        shape = [-1 if d is None else d for d in shape.as_list()]
    array = np.asarray(shape, dtype=object) if not isinstance(shape, np.ndarray) else shape
    if array.ndim != 1:
        raise ValueError(f"{fn}: output_shape must have shape (4,), got {list(np.shape(array))}")
    dims = []
    for d in array.tolist():
        if isinstance(d, Tensor):
            dims.append(int(np.asarray(d.op.get_attr("value")).item()) if d.op.type == "Const" else -1)
        elif _is_int(d):
            dims.append(int(d))
        else:
            raise TypeError(f"{fn}: output_shape must hold ints, got {shape!r}")
    return dims


def conv2d_transpose(
    value: TensorLike | None = None,
    filter: TensorLike | None = None,
    output_shape: TensorLike | None = None,
    strides: int | Sequence[int] | None = None,
    padding: str = "SAME",
    data_format: str = "NHWC",
    name: str | None = None,
    input: TensorLike | None = None,
    filters: TensorLike | None = None,
    dilations: int | Sequence[int] | None = None,
) -> Tensor:
    """tf.nn.conv2d_transpose (NHWC): the adjoint (gradient) of conv2d,

        y = Conv2DBackpropInput(input_sizes=output_shape, filter, out_backprop=value)
        y[n, h, w, co] = sum over (oh, ow, i, j) with h = oh*sh - pad_top + i*dh,
                         w = ow*sw - pad_left + j*dw of value[n, oh, ow, ci] * filter[i, j, co, ci]

    so that conv2d(y, filter, strides, padding) has value's shape (TF's
    validity check: output_shape must be one conv2d maps onto value's
    spatial size; with strides > 1 several are, and output_shape picks
    one). Gradients: conv2d(g, filter) to value and Conv2DBackpropFilter to
    filter.

    output_shape may be a list (of ints or scalar tensors), a 1-D constant or
    a tf.stack of such; its height, width and channels must be known when
    the graph is built; a batch entry computed at run time (e.g.
    tf.shape(x)[0] inside a tf.stack), or -1, is taken as value's batch (TF
    requires them equal; -1 is slimcore's, TF1 rejects it).

    Args:
      value: float32 or float64 [batch, height, width, in_channels].
      filter: [filter_height, filter_width, out_channels, in_channels] (note
        the order: the output channels come third).
      output_shape: [batch, out_height, out_width, out_channels].
      strides: [1, sh, sw, 1], [sh, sw], [s] or an int s.
      padding: "SAME" (default) or "VALID".
      data_format: "NHWC" only.
      name: op name (default "conv2d_transpose").
      input: TF2's name for `value`.
      filters: TF2's name for `filter`.
      dilations: [1, dh, dw, 1], [dh, dw], [d] or an int d.

    Returns:
      A tensor of shape output_shape and value's dtype.

    Raises:
      ValueError: value or filter not 4-D, value's channels that differ from
        filter's last dimension, output_shape not of 4 entries or whose last
        differs from filter's third, an output_shape conv2d does not map onto
        value's shape, unknown spatial entries of output_shape, NCHW, bad
        strides or padding (at graph construction; InvalidArgumentError when
        a run-time shape does not fit).
      TypeError: non-float value, a filter of another dtype.
    """
    fn = "conv2d_transpose"
    _check_nhwc(fn, data_format)
    if value is not None and input is not None:
        raise ValueError(f"{fn}: pass the tensor as `value` or `input`, not both")
    if filter is not None and filters is not None:
        raise ValueError(f"{fn}: pass the filter as `filter` or `filters`, not both")
    value = input if value is None else value
    filter = filters if filter is None else filter
    if value is None or filter is None or output_shape is None or strides is None:
        raise ValueError(f"{fn}: value, filter, output_shape and strides are required")
    value = convert_to_tensor(value)
    filter = convert_to_tensor(_filter_like(filter, value))
    v_dims, f_dims = value.shape.as_list(), filter.shape.as_list()
    if len(v_dims) != 4:
        raise ValueError(f"{fn}: value must be 4-D [batch, height, width, in_channels], got shape {v_dims}")
    if len(f_dims) != 4:
        raise ValueError(f"{fn}: filter must be 4-D [height, width, out_channels, in_channels], got shape {f_dims}")
    if None not in (v_dims[3], f_dims[3]) and v_dims[3] != f_dims[3]:
        raise ValueError(f"input channels does not match filter's input channels, {v_dims[3]} != {f_dims[3]}")
    dims = _constant_dims(fn, output_shape)
    if len(dims) != 4:
        raise ValueError(f"output_shape must have shape (4,), got ({len(dims)},)")
    if dims[3] == -1 and f_dims[2] is not None:
        dims[3] = f_dims[2]
    if f_dims[2] is not None and dims[3] != f_dims[2]:
        raise ValueError(f"output_shape does not match filter's output channels, {dims[3]} != {f_dims[2]}")
    if -1 in dims[1:3]:
        raise ValueError(
            f"{fn}: the height and width of output_shape must be known when the graph is built "
            f"(slimcore computes only the batch at run time), got {dims}"
        )
    attrs = {
        "output_shape": dims,
        "strides": _hw(fn, "strides", strides),
        "padding": _padding(fn, padding),
        "dilations": _hw(fn, "dilations", 1 if dilations is None else dilations),
    }
    return _op1("Conv2DTranspose", [value, filter], attrs, name or "conv2d_transpose")


def conv1d(
    value: TensorLike | None = None,
    filters: TensorLike | None = None,
    stride: int | Sequence[int] | None = None,
    padding: str | None = None,
    use_cudnn_on_gpu: bool | None = None,
    data_format: str | None = None,
    name: str | None = None,
    input: TensorLike | None = None,
    dilations: int | Sequence[int] | None = None,
) -> Tensor:
    """tf.nn.conv1d (NWC): a 1-D cross-correlation computed as TF1 does, over conv2d,

        y[n, ow, co] = sum_{j, ci} value[n, ow*s - pad_left + j*d, ci] * filters[j, ci, co]

    value [N, W, C] is viewed as [N, 1, W, C] and filters [k, C, O] as
    [1, k, C, O] (expand_dims); the conv2d output [N, 1, OW, O] is viewed back
    as [N, OW, O] (squeeze).

    Args:
      value: float32 or float64 [batch, width, in_channels].
      filters: [filter_width, in_channels, out_channels].
      stride: an int s, or [s] / [1, s, 1].
      padding: "SAME" or "VALID".
      use_cudnn_on_gpu: ignored (CPU only).
      data_format: "NWC" (or None) only.
      name: name scope (default "conv1d").
      input: TF2's name for `value`.
      dilations: an int d, or [d] / [1, d, 1].

    Returns:
      A tensor [batch, out_width, out_channels].

    Raises:
      ValueError: NCW data, value or filters not 3-D, bad stride / padding, any
        error of conv2d.
      TypeError: non-float value, filters of another dtype.
    """
    fn = "conv1d"
    if data_format not in (None, "NWC"):
        raise ValueError(f"{fn}: data_format must be 'NWC' (channels last), got {data_format!r}")
    if value is not None and input is not None:
        raise ValueError(f"{fn}: pass the tensor as `value` or `input`, not both")
    value = input if value is None else value
    if value is None or filters is None or stride is None or padding is None:
        raise ValueError(f"{fn}: value, filters, stride and padding are required")

    def one(arg: str, v: int | Sequence[int] | None) -> int:
        if v is None:
            return 1
        if _is_int(v):
            return int(v)
        items = list(v)
        if len(items) == 3 and items[0] == 1 and items[2] == 1:
            items = items[1:2]
        if len(items) != 1 or not _is_int(items[0]):
            raise ValueError(f"{fn}: {arg} must be an int, [s] or [1, s, 1], got {v!r}")
        return int(items[0])

    s, d = one("stride", stride), one("dilations", dilations)
    with name_scope(name, "conv1d", [value, filters]):
        value = convert_to_tensor(value)
        filters = convert_to_tensor(_filter_like(filters, value))
        v_dims, f_dims = value.shape.as_list(), filters.shape.as_list()
        if len(v_dims) != 3:
            raise ValueError(f"{fn}: value must be 3-D [batch, width, in_channels], got shape {v_dims}")
        if len(f_dims) != 3 or None in f_dims:
            raise ValueError(f"{fn}: filters must be a known 3-D [width, in_channels, out_channels], got {f_dims}")
        x = expand_dims(value, 1)
        f = expand_dims(filters, 0)
        y = conv2d(x, f, [1, 1, s, 1], padding, dilations=[1, 1, d, 1])
        return squeeze(y, [1])


__all__ += ["conv2d_transpose", "conv1d"]
