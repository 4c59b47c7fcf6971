"""tf.keras.metrics: per-example metric tensors, and Keras' choice of 'accuracy'.

``metrics=['accuracy']`` (or 'acc') picks, as tf.keras does, by the loss and
the output: binary_accuracy for binary_crossentropy or a single output unit,
sparse_categorical_accuracy for sparse_categorical_crossentropy, else
categorical_accuracy. A loss name ('mse', 'binary_crossentropy'...) or a
callable (y_true, y_pred) -> per-example tensor is also a metric. Values are
averaged over the examples of an epoch (fit) or of the data (evaluate).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from ..framework.dtypes import float32, int64
from ..framework.ops import Tensor, convert_to_tensor
from ..ops import math_ops
from ..ops.array_ops import cast, reshape
from . import losses as _losses

if TYPE_CHECKING:  # annotations only
    from ..framework.types import TensorLike

__all__ = ["binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy", "get"]


def binary_accuracy(y_true: TensorLike, y_pred: TensorLike, threshold: float = 0.5) -> Tensor:
    """mean over the last axis of [ (y_pred > threshold) == y_true ]."""
    y_pred = convert_to_tensor(y_pred)
    predicted = cast(math_ops.greater(y_pred, threshold), y_pred.dtype)
    hits = cast(math_ops.equal(cast(convert_to_tensor(y_true), y_pred.dtype), predicted), float32)
    return math_ops.reduce_mean(hits, -1)


def categorical_accuracy(y_true: TensorLike, y_pred: TensorLike) -> Tensor:
    """[ argmax(y_true) == argmax(y_pred) ] per example."""
    return cast(math_ops.equal(math_ops.argmax(y_true, -1), math_ops.argmax(y_pred, -1)), float32)


def sparse_categorical_accuracy(y_true: TensorLike, y_pred: TensorLike) -> Tensor:
    """[ y_true == argmax(y_pred) ] per example (y_true: class ids)."""
    y_pred = convert_to_tensor(y_pred)
    y_true = convert_to_tensor(y_true)
    if y_true.shape.ndims == y_pred.shape.ndims:
        y_true = reshape(y_true, [-1])
    return cast(math_ops.equal(cast(y_true, int64), math_ops.argmax(y_pred, -1)), float32)


def get(identifier: str | dict | Callable[..., object], loss_fn: Callable, output_units: int) -> Callable:
    """The per-example function of a metric given to compile.

    Raises:
      ValueError: an unknown name or a non-callable.
    """
    if identifier in ("accuracy", "acc"):
        if loss_fn is _losses.binary_crossentropy or output_units == 1:
            return binary_accuracy
        if _losses.is_sparse(loss_fn):
            return sparse_categorical_accuracy
        return categorical_accuracy
    by_name = {
        "binary_accuracy": binary_accuracy,
        "categorical_accuracy": categorical_accuracy,
        "sparse_categorical_accuracy": sparse_categorical_accuracy,
    }
    if isinstance(identifier, str) and identifier in by_name:
        return by_name[identifier]
    if isinstance(identifier, str):
        try:
            return _losses.get(identifier)
        except ValueError:
            raise ValueError(f"Unknown metric function: {identifier!r}") from None
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret metric function identifier: {identifier!r}")
