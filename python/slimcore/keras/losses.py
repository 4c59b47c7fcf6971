"""tf.keras.losses: per-example losses as tf.keras (TF 1.x graph mode) builds them.

Each function maps (y_true, y_pred) to a per-example tensor [batch]; a model
averages it over the batch (Keras' SUM_OVER_BATCH_SIZE) and adds the layers'
penalties (``model.losses``) to get the training loss.

==================================  ===============================================
loss                                per example (eps = 1e-7, backend.epsilon())
==================================  ===============================================
``sparse_categorical_crossentropy``  logsumexp(z) - z[y]; z = the logits of a softmax
                                     output, else z = log(clip(p, eps, 1 - eps))
``categorical_crossentropy``         -sum_k y_k log softmax(z)_k (logits of a softmax
                                     output), else -sum_k y_k log clip(p_k / sum p, eps, 1-eps)
``binary_crossentropy``              mean over the last axis of sigmoid cross-entropy on
                                     the logits of a sigmoid output, else of
                                     -(y log(p' + eps) + (1-y) log(1-p' + eps)), p' = clip(p, eps, 1-eps)
``mean_squared_error`` (``mse``)     mean over the last axis of (p - y)^2
``mean_absolute_error`` (``mae``)    mean over the last axis of |p - y|
==================================  ===============================================

"The logits of a softmax output": when y_pred is the output of a Softmax
(Sigmoid) op, Keras reads the op's input and uses the fused, stable
cross-entropy on it (tensorflow/python/keras/backend.py); so does slimcore.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from ..framework.dtypes import int64
from ..framework.ops import Tensor, convert_to_tensor
from ..ops import math_ops, nn_ops
from ..ops.array_ops import cast, reshape
from . import backend

if TYPE_CHECKING:  # annotations only
    from ..framework.types import TensorLike

__all__ = [
    "sparse_categorical_crossentropy",
    "categorical_crossentropy",
    "binary_crossentropy",
    "mean_squared_error",
    "mean_absolute_error",
    "mse",
    "mae",
    "get",
    "is_sparse",
]


def _clip(p: Tensor, low: float, high: float) -> Tensor:
    """clip_by_value(p, low, high)."""
    return math_ops.minimum(math_ops.maximum(p, low), high)


def _logits_of(output: Tensor, op_type: str) -> Any:
    """The input of `output`'s op when that op is `op_type` (Softmax, Sigmoid), else None."""
    op = output.op
    return op.inputs[0] if op.type == op_type else None


def sparse_categorical_crossentropy(y_true: TensorLike, y_pred: TensorLike) -> Tensor:
    """Keras sparse_categorical_crossentropy: -log p[y] per example (see the module table).

    y_true: integer class ids [batch] (or [batch, 1]); y_pred: probabilities [batch, classes].
    """
    y_pred = convert_to_tensor(y_pred)
    y_true = convert_to_tensor(y_true)
    logits = _logits_of(y_pred, "Softmax")
    if logits is None:
        eps = backend.epsilon()
        logits = math_ops.log(_clip(y_pred, eps, 1.0 - eps))
    if y_true.shape.ndims == logits.shape.ndims:
        y_true = reshape(y_true, [-1])
    if y_true.dtype != int64:
        y_true = cast(y_true, int64)
    return nn_ops.sparse_softmax_cross_entropy_with_logits(labels=y_true, logits=logits)


def categorical_crossentropy(y_true: TensorLike, y_pred: TensorLike) -> Tensor:
    """Keras categorical_crossentropy: -sum_k y_k log p_k per example (module table).

    y_true: one-hot (or soft) targets [batch, classes]; y_pred: probabilities.
    """
    y_pred = convert_to_tensor(y_pred)
    y_true = cast(convert_to_tensor(y_true), y_pred.dtype)
    logits = _logits_of(y_pred, "Softmax")
    if logits is not None:
        return nn_ops.softmax_cross_entropy_with_logits_v2(labels=y_true, logits=logits)
    eps = backend.epsilon()
    p = math_ops.divide(y_pred, math_ops.reduce_sum(y_pred, -1, keepdims=True))
    p = _clip(p, eps, 1.0 - eps)
    return math_ops.negative(math_ops.reduce_sum(math_ops.multiply(y_true, math_ops.log(p)), -1))


def binary_crossentropy(y_true: TensorLike, y_pred: TensorLike) -> Tensor:
    """Keras binary_crossentropy: mean over the last axis of the elementwise
    binary cross-entropy (module table). y_true and y_pred: [batch, d]."""
    y_pred = convert_to_tensor(y_pred)
    y_true = cast(convert_to_tensor(y_true), y_pred.dtype)
    logits = _logits_of(y_pred, "Sigmoid")
    if logits is not None:
        per_element = nn_ops.sigmoid_cross_entropy_with_logits(labels=y_true, logits=logits)
    else:
        eps = backend.epsilon()
        p = _clip(y_pred, eps, 1.0 - eps)
        log_p = math_ops.log(math_ops.add(p, eps))
        log_q = math_ops.log(math_ops.add(math_ops.subtract(1.0, p), eps))
        per_element = math_ops.negative(
            math_ops.add(math_ops.multiply(y_true, log_p), math_ops.multiply(math_ops.subtract(1.0, y_true), log_q))
        )
    return math_ops.reduce_mean(per_element, -1)


def mean_squared_error(y_true: TensorLike, y_pred: TensorLike) -> Tensor:
    """Keras mean_squared_error: mean over the last axis of (y_pred - y_true)^2."""
    y_pred = convert_to_tensor(y_pred)
    y_true = cast(convert_to_tensor(y_true), y_pred.dtype)
    return math_ops.reduce_mean(math_ops.squared_difference(y_pred, y_true), -1)


def mean_absolute_error(y_true: TensorLike, y_pred: TensorLike) -> Tensor:
    """Keras mean_absolute_error: mean over the last axis of |y_pred - y_true|."""
    y_pred = convert_to_tensor(y_pred)
    y_true = cast(convert_to_tensor(y_true), y_pred.dtype)
    return math_ops.reduce_mean(math_ops.abs(math_ops.subtract(y_pred, y_true)), -1)


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error

_BY_NAME = {
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
    "binary_crossentropy": binary_crossentropy,
    "mean_squared_error": mean_squared_error,
    "mse": mean_squared_error,
    "MSE": mean_squared_error,
    "mean_absolute_error": mean_absolute_error,
    "mae": mean_absolute_error,
    "MAE": mean_absolute_error,
}


def get(identifier: str | dict | Callable[..., object]) -> Callable:
    """A loss function from its Keras name or a callable (y_true, y_pred) -> per-example loss.

    Raises:
      ValueError: an unknown name or a non-callable.
    """
    if isinstance(identifier, str):
        if identifier not in _BY_NAME:
            raise ValueError(f"Unknown loss function: {identifier!r} (slimcore's Keras has {sorted(_BY_NAME)})")
        return _BY_NAME[identifier]
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret loss function identifier: {identifier!r}")


def is_sparse(fn: Callable) -> bool:
    """True for sparse_categorical_crossentropy (integer targets)."""
    return fn is sparse_categorical_crossentropy
