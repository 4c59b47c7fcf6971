"""Streaming evaluation metrics (tf.metrics, TF 1.15's metrics_impl).

Each metric keeps running sums in *local* variables (collections
LOCAL_VARIABLES and METRIC_VARIABLES, zero-initialised, not trainable, not
saved by a default Saver) and returns two tensors:

* ``value``: the metric computed from the sums so far (reading the
  variables; running it changes nothing);
* ``update_op``: adds one batch to the sums and returns the metric over
  everything seen, including that batch.

::

    acc, acc_update = tf.metrics.accuracy(labels, tf.argmax(logits, 1))
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())   # (re)start the stream
        for batch in data:
            sess.run(acc_update, {images: batch.x, labels: batch.y})
        print(sess.run(acc))                          # accuracy over all batches

The variables live under the metric's variable scope, named as TF1 names
them (``accuracy/total``, ``accuracy/count``, ``auc/true_positives``,
``mean_iou/total_confusion_matrix``, ``precision/true_positives/count``);
a second metric of the same kind gets ``accuracy_1/...``. Running
``local_variables_initializer()`` again resets every stream.

Numbers are TF1's: the same float32 (float64 for the confusion matrix)
sums, the same guarded divisions (``div_no_nan(total, max(count, 0))`` for
means, ``tp / (tp + fp)`` or 0 for precision and recall, ``tp / (tp + fp +
1e-7)`` at thresholds), the same AUC thresholds and Riemann sums. Weights
follow TF1's rules: ``None`` is 1 per element, a scalar scales everything,
otherwise the weights have the rank of the values and each dimension is 1
or the values' (a mismatch is a ValueError at graph construction).

Range checks TF1 makes with ``tf.assert_*`` ops (predictions in [0, 1] for
the threshold metrics, class ids in [0, num_classes) for the confusion
matrix) are made here by a host check on the tensor when the graph runs:
InvalidArgumentError with TF1's message.

slimcore departs from TF1 in one place: where a rank is unknown when the
graph is built, TF1 squeezes or expands a trailing size-1 dimension of
labels or weights at run time through ``tf.cond``; slimcore leaves such
tensors as they are (give them the predictions' rank).

recall_at_k and precision_at_k (and their top_k forms) take dense integer
labels only (slimcore has no SparseTensor); each row's labels are a set, as
TF1's set operations make them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .framework import dtypes as _dtypes
from .framework.ops import (
    GraphKeys,
    Tensor,
    add_to_collections,
    control_dependencies,
    convert_to_tensor,
    name_scope,
)
from .ops import array_ops, math_ops, nn_ops
from .ops.script_ops import numpy_function
from .variable_scope import variable_scope
from .variables import Variable, assign_add

if TYPE_CHECKING:  # annotations only
    from .framework.types import DTypeLike, TensorLike

__all__ = [
    "metric_variable",
    "mean",
    "mean_tensor",
    "accuracy",
    "mean_absolute_error",
    "mean_squared_error",
    "root_mean_squared_error",
    "mean_relative_error",
    "mean_cosine_distance",
    "percentage_below",
    "mean_per_class_accuracy",
    "mean_iou",
    "true_positives",
    "false_positives",
    "true_negatives",
    "false_negatives",
    "true_positives_at_thresholds",
    "false_positives_at_thresholds",
    "true_negatives_at_thresholds",
    "false_negatives_at_thresholds",
    "precision",
    "recall",
    "precision_at_thresholds",
    "recall_at_thresholds",
    "auc",
    "sensitivity_at_specificity",
    "specificity_at_sensitivity",
    "recall_at_k",
    "recall_at_top_k",
    "precision_at_k",
    "precision_at_top_k",
    "sparse_precision_at_k",
    "average_precision_at_k",
    "sparse_average_precision_at_k",
]

_LOGGER = logging.getLogger("tensorflow")  # TF1's logger (tf.logging)

Collections = Iterable[str] | str | None
MetricPair = tuple[Tensor, Tensor]


# ---------------------------------------------------------------------------
# Building blocks
# ---------------------------------------------------------------------------
def metric_variable(
    shape: Sequence[int], dtype: DTypeLike, validate_shape: bool = True, name: str | None = None
) -> Variable:
    """A metric's running sum: a zero-initialised, non-trainable variable in
    LOCAL_VARIABLES and METRIC_VARIABLES (TF1's metrics_impl.metric_variable).

    Args:
      shape: a fully defined shape.
      dtype: its dtype (float32; float64 for confusion matrices).
      validate_shape: must be True (slimcore variables have a fixed shape).
      name: the variable's name inside the current scope.

    Returns:
      The Variable.

    Raises:
      ValueError: a shape that is not fully defined, or validate_shape=False.
    """
    dtype = _dtypes.as_dtype(dtype)
    return Variable(
        lambda: array_ops.zeros(shape, dtype),
        trainable=False,
        collections=[GraphKeys.LOCAL_VARIABLES, GraphKeys.METRIC_VARIABLES],
        validate_shape=validate_shape,
        name=name,
    )


def _publish(value: Tensor, update_op: Tensor, metrics_collections: Collections, updates_collections: Collections):
    """Adds the value and update tensors to the requested collections (TF1:
    add_to_collections, a single string being one collection name)."""
    if metrics_collections:
        add_to_collections(metrics_collections, value)
    if updates_collections:
        add_to_collections(updates_collections, update_op)
    return value, update_op


def _host_check(tensor: Tensor, valid: Callable[[np.ndarray], bool], message: str, name: str) -> Tensor:
    """`tensor`, passed through a check made when the graph runs: the value
    unchanged, or InvalidArgumentError(message) when valid(value) is false
    (what TF1's tf.assert_* control dependencies do before a metric's ops)."""

    def check(value: np.ndarray) -> np.ndarray:
        if not valid(value):
            raise ValueError(message)  # reaches Session.run as InvalidArgumentError
        return value

    out = numpy_function(check, [tensor], tensor.dtype, name=name)
    out.set_shape(tensor.shape)
    return out


def _squeeze_or_expand(labels: Tensor, predictions: Tensor, expected_rank_diff: int = 0) -> tuple[Tensor, Tensor]:
    """TF1's confusion_matrix.remove_squeezable_dimensions with static ranks:
    drops a trailing size-1 dimension of predictions (labels) when its rank
    exceeds the other's by expected_rank_diff + 1 (the other is larger by 1)."""
    p_rank, l_rank = predictions.shape.ndims, labels.shape.ndims
    if p_rank is None or l_rank is None:
        return labels, predictions
    diff = p_rank - l_rank
    if diff == expected_rank_diff + 1 and predictions.shape.dims[-1].is_compatible_with(1):
        predictions = array_ops.squeeze(predictions, [-1])
    elif diff == expected_rank_diff - 1 and labels.shape.dims[-1].is_compatible_with(1):
        labels = array_ops.squeeze(labels, [-1])
    return labels, predictions


def _remove_squeezable_dimensions(
    predictions: TensorLike, labels: TensorLike | None, weights: TensorLike | None
) -> tuple[Tensor, Tensor | None, Tensor | None]:
    """TF1's metrics_impl._remove_squeezable_dimensions (static ranks): labels
    and predictions of ranks differing by one lose the larger one's trailing
    size-1 dimension; weights of rank one above (below) the predictions' lose
    (gain) a trailing dimension; scalar weights stay scalar.

    Raises:
      ValueError: labels and predictions of incompatible shapes.
    """
    predictions = convert_to_tensor(predictions)
    if labels is not None:
        labels = convert_to_tensor(labels, graph=predictions.graph)
        labels, predictions = _squeeze_or_expand(labels, predictions)
        predictions.shape.assert_is_compatible_with(labels.shape)
    if weights is None:
        return predictions, labels, None
    weights = convert_to_tensor(weights, graph=predictions.graph)
    w_rank, p_rank = weights.shape.ndims, predictions.shape.ndims
    if w_rank == 0 or w_rank is None or p_rank is None:
        return predictions, labels, weights
    if w_rank - p_rank == 1:
        weights = array_ops.squeeze(weights, [-1])
    elif p_rank - w_rank == 1:
        weights = array_ops.expand_dims(weights, -1)
    return predictions, labels, weights


def _assert_broadcastable(weights: Tensor, values: Tensor) -> None:
    """TF1's weights_broadcast_ops.assert_broadcastable, static part: weights
    are a scalar, or of the values' rank with each dimension 1 or equal.

    Raises:
      ValueError: weights that cannot be broadcast this way (TF1's message).
    """
    w_shape, v_shape = weights.shape, values.shape
    if w_shape.ndims is None or v_shape.ndims is None or w_shape.ndims == 0:
        return
    detail = (
        f"values.rank={v_shape.ndims}. weights.rank={w_shape.ndims}. values.shape={v_shape}. weights.shape={w_shape}."
    )
    if w_shape.ndims != v_shape.ndims:
        raise ValueError(f"weights can not be broadcast to values. {detail}")
    for w_dim, v_dim in zip(w_shape.as_list(), v_shape.as_list()):
        if w_dim is not None and v_dim is not None and w_dim not in (1, v_dim):
            raise ValueError(f"weights can not be broadcast to values. Mismatch at dim {w_dim} vs {v_dim}. {detail}")


def _broadcast_weights(weights: Tensor, values: Tensor) -> Tensor:
    """TF1's weights_broadcast_ops.broadcast_weights: the (float32) weights
    of the values' shape, weights * ones_like(values), after the checks above."""
    if weights.shape.is_fully_defined() and values.shape.is_fully_defined() and weights.shape == values.shape:
        return weights
    _assert_broadcastable(weights, values)
    return math_ops.multiply(weights, array_ops.ones_like(values), name="broadcast_weights")


def _as_float32_weights(weights: TensorLike, graph) -> Tensor:
    weights = convert_to_tensor(weights, graph=graph)
    return weights if weights.dtype == _dtypes.float32 else array_ops.cast(weights, _dtypes.float32)


# ---------------------------------------------------------------------------
# Means
# ---------------------------------------------------------------------------
def mean(
    values: TensorLike,
    weights: TensorLike | None = None,
    metrics_collections: Collections = None,
    updates_collections: Collections = None,
    name: str | None = None,
) -> MetricPair:
    """tf.metrics.mean: the weighted mean of every value streamed so far.

    total += sum(w * values); count += sum(w) (count += size(values) without
    weights); value = div_no_nan(total, max(count, 0)), 0 before any weight.
    Variables: <scope>/total, <scope>/count (float32), scope "mean".

    Args:
      values: a tensor of any shape (cast to float32).
      weights: None, a scalar, or a tensor of the values' rank whose
        dimensions are 1 or the values'.
      metrics_collections, updates_collections: collections to add the value
        and the update op to.
      name: the variable scope (default "mean", made unique).

    Returns:
      (mean, update_op): the mean so far, and the op that adds this batch
      and returns the updated mean.

    Raises:
      ValueError: weights that cannot be broadcast to the values.
    """
    with variable_scope(name, "mean", (values, weights)):
        values = array_ops.cast(values, _dtypes.float32)
        total = metric_variable([], _dtypes.float32, name="total")
        count = metric_variable([], _dtypes.float32, name="count")
        if weights is None:
            num_values = array_ops.cast(array_ops.size(values), _dtypes.float32)
        else:
            values, _, weights = _remove_squeezable_dimensions(values, None, weights)
            weights = _broadcast_weights(_as_float32_weights(weights, values.graph), values)
            values = math_ops.multiply(values, weights)
            num_values = math_ops.reduce_sum(weights)
        update_total = assign_add(total, math_ops.reduce_sum(values))
        with control_dependencies([values]):
            update_count = assign_add(count, num_values)
        value = math_ops.div_no_nan(total, math_ops.maximum(count, 0.0), name="value")
        update_op = math_ops.div_no_nan(update_total, math_ops.maximum(update_count, 0.0), name="update_op")
        return _publish(value, update_op, metrics_collections, updates_collections)


def mean_tensor(
    values: TensorLike,
    weights: TensorLike | None = None,
    metrics_collections: Collections = None,
    updates_collections: Collections = None,
    name: str | None = None,
) -> MetricPair:
    """tf.metrics.mean_tensor: the element-wise weighted mean of the streamed
    tensors (a tensor of the values' shape).

    total += w * values; count += w (1 without weights);
    value = div_no_nan(total, max(count, 0)) element-wise.
    Variables: <scope>/total_tensor, <scope>/count_tensor, scope "mean".

    Args:
      values: a tensor of fully defined shape (cast to float32).
      weights, metrics_collections, updates_collections, name: as mean.

    Returns:
      (mean, update_op), both of the values' shape.

    Raises:
      ValueError: values of a shape not fully defined; weights that cannot
        be broadcast to the values.
    """
    with variable_scope(name, "mean", (values, weights)):
        values = array_ops.cast(values, _dtypes.float32)
        if not values.shape.is_fully_defined():
            raise ValueError(f"mean_tensor: values must have a fully defined shape, got {values.shape}")
        total = metric_variable(values.shape.as_list(), _dtypes.float32, name="total_tensor")
        count = metric_variable(values.shape.as_list(), _dtypes.float32, name="count_tensor")
        num_values = array_ops.ones_like(values)
        if weights is not None:
            values, _, weights = _remove_squeezable_dimensions(values, None, weights)
            weights = _broadcast_weights(_as_float32_weights(weights, values.graph), values)
            values = math_ops.multiply(values, weights)
            num_values = math_ops.multiply(num_values, weights)
        update_total = assign_add(total, values)
        with control_dependencies([values]):
            update_count = assign_add(count, num_values)
        value = math_ops.div_no_nan(total, math_ops.maximum(count, 0.0), name="value")
        update_op = math_ops.div_no_nan(update_total, math_ops.maximum(update_count, 0.0), name="update_op")
        return _publish(value, update_op, metrics_collections, updates_collections)


def accuracy(
    labels: TensorLike,
    predictions: TensorLike,
    weights: TensorLike | None = None,
    metrics_collections: Collections = None,
    updates_collections: Collections = None,
    name: str | None = None,
) -> MetricPair:
    """tf.metrics.accuracy: the weighted fraction of predictions equal to
    their labels, mean(cast(equal(predictions, labels))).

    Predictions are cast to the labels' dtype when they differ (TF1); a
    trailing size-1 dimension of one of them is squeezed.
    Variables: accuracy/total, accuracy/count.

    Args:
      labels: the ground truth, of the predictions' shape.
      predictions: the predicted values (class ids, typically argmax).
      weights, metrics_collections, updates_collections: as mean.
      name: the variable scope (default "accuracy").

    Returns:
      (accuracy, update_op).

    Raises:
      ValueError: labels and predictions of incompatible shapes; weights that
        cannot be broadcast.
    """
    predictions, labels, weights = _remove_squeezable_dimensions(predictions, labels, weights)
    if labels.dtype != predictions.dtype:
        predictions = array_ops.cast(predictions, labels.dtype)
    is_correct = array_ops.cast(math_ops.equal(predictions, labels), _dtypes.float32)
    return mean(is_correct, weights, metrics_collections, updates_collections, name or "accuracy")


def _error_mean(
    error_fn: Callable[[Tensor, Tensor], Tensor],
    default_name: str,
    labels: TensorLike,
    predictions: TensorLike,
    weights: TensorLike | None,
    metrics_collections: Collections,
    updates_collections: Collections,
    name: str | None,
) -> MetricPair:
    """mean(error_fn(labels, predictions)) after squeezing (the *_error metrics)."""
    predictions, labels, weights = _remove_squeezable_dimensions(predictions, labels, weights)
    return mean(error_fn(labels, predictions), weights, metrics_collections, updates_collections, name or default_name)


def mean_absolute_error(
    labels: TensorLike,
    predictions: TensorLike,
    weights: TensorLike | None = None,
    metrics_collections: Collections = None,
    updates_collections: Collections = None,
    name: str | None = None,
) -> MetricPair:
    """tf.metrics.mean_absolute_error: weighted mean of |predictions - labels|.
    Variables: mean_absolute_error/total, .../count.

    Args, Returns, Raises: as accuracy (labels and predictions of one dtype).
    """
    return _error_mean(
        lambda lab, pred: math_ops.abs(pred - lab),
        "mean_absolute_error",
        labels,
        predictions,
        weights,
        metrics_collections,
        updates_collections,
        name,
    )


def mean_squared_error(
    labels: TensorLike,
    predictions: TensorLike,
    weights: TensorLike | None = None,
    metrics_collections: Collections = None,
    updates_collections: Collections = None,
    name: str | None = None,
) -> MetricPair:
    """tf.metrics.mean_squared_error: weighted mean of (labels - predictions)^2.
    Variables: mean_squared_error/total, .../count.

    Args, Returns, Raises: as accuracy (labels and predictions of one dtype).
    """
    return _error_mean(
        math_ops.squared_difference,
        "mean_squared_error",
        labels,
        predictions,
        weights,
        metrics_collections,
        updates_collections,
        name,
    )


def root_mean_squared_error(
    labels: TensorLike,
    predictions: TensorLike,
    weights: TensorLike | None = None,
    metrics_collections: Collections = None,
    updates_collections: Collections = None,
    name: str | None = None,
) -> MetricPair:
    """tf.metrics.root_mean_squared_error: sqrt of the streamed
    mean_squared_error (the root of the mean, not a mean of batch roots).
    Variables: root_mean_squared_error/total, .../count.

    Args, Returns, Raises: as accuracy.
    """
    predictions, labels, weights = _remove_squeezable_dimensions(predictions, labels, weights)
    mse, update_mse = mean_squared_error(labels, predictions, weights, None, None, name or "root_mean_squared_error")
    return _publish(math_ops.sqrt(mse), math_ops.sqrt(update_mse), metrics_collections, updates_collections)


def mean_relative_error(
    labels: TensorLike,
    predictions: TensorLike,
    normalizer: TensorLike,
    weights: TensorLike | None = None,
    metrics_collections: Collections = None,
    updates_collections: Collections = None,
    name: str | None = None,
) -> MetricPair:
    """tf.metrics.mean_relative_error: weighted mean of
    |labels - predictions| / normalizer, counting 0 where normalizer == 0.
    Variables: mean_relative_error/total, .../count.

    Args:
      normalizer: a tensor of the predictions' shape and dtype.
      the others: as accuracy.

    Returns:
      (mean_relative_error, update_op).

    Raises:
      ValueError: incompatible shapes; weights that cannot be broadcast.
    """
    predictions, labels, weights = _remove_squeezable_dimensions(predictions, labels, weights)
    normalizer = convert_to_tensor(normalizer, dtype=predictions.dtype, graph=predictions.graph)
    predictions, normalizer = _squeeze_or_expand(predictions, normalizer)
    predictions.shape.assert_is_compatible_with(normalizer.shape)
    relative_errors = array_ops.where(
        math_ops.equal(normalizer, 0.0),
        array_ops.zeros_like(labels),
        math_ops.divide(math_ops.abs(labels - predictions), normalizer),
    )
    return mean(relative_errors, weights, metrics_collections, updates_collections, name or "mean_relative_error")


def mean_cosine_distance(
    labels: TensorLike,
    predictions: TensorLike,
    dim: int,
    weights: TensorLike | None = None,
    metrics_collections: Collections = None,
    updates_collections: Collections = None,
    name: str | None = None,
) -> MetricPair:
    """tf.metrics.mean_cosine_distance: 1 - weighted mean over the other
    dimensions of sum_dim(labels * predictions) (inputs assumed unit-normalised
    along `dim`, as TF1). Variables: mean_cosine_distance/total, .../count.

    Args:
      dim: the dimension of the vectors (weights must be 1 along it).
      the others: as accuracy.

    Returns:
      (mean_distance, update_op).

    Raises:
      ValueError: incompatible shapes; weights that cannot be broadcast.
    """
    predictions, labels, weights = _remove_squeezable_dimensions(predictions, labels, weights)
    radial = math_ops.reduce_sum(math_ops.multiply(predictions, labels), axis=[dim], keepdims=True)
    mean_distance, update_op = mean(radial, weights, None, None, name or "mean_cosine_distance")
    return _publish(
        math_ops.subtract(1.0, mean_distance),
        math_ops.subtract(1.0, update_op),
        metrics_collections,
        updates_collections,
    )


def percentage_below(
    values: TensorLike,
    threshold: float,
    weights: TensorLike | None = None,
    metrics_collections: Collections = None,
    updates_collections: Collections = None,
    name: str | None = None,
) -> MetricPair:
    """tf.metrics.percentage_below: the weighted fraction of values < threshold
    (a fraction in [0, 1], as TF1, despite the name).
    Variables: percentage_below_threshold/total, .../count.

    Args:
      values: a numeric tensor.
      threshold: a scalar.
      the others: as mean.

    Returns:
      (percentage, update_op).

    Raises:
      ValueError: weights that cannot be broadcast.
    """
    values = convert_to_tensor(values)
    is_below = array_ops.cast(math_ops.less(values, threshold), _dtypes.float32)
    return mean(is_below, weights, metrics_collections, updates_collections, name or "percentage_below_threshold")


# ---------------------------------------------------------------------------
# Class ids: confusion matrix, per-class accuracy, mean IoU
# ---------------------------------------------------------------------------
def _checked_class_ids(ids: Tensor, num_classes: int, what: str) -> Tensor:
    """ids as a flat int64 vector, checked in [0, num_classes) when the graph
    runs (TF1's confusion_matrix assertions and messages)."""
    ids = array_ops.reshape(array_ops.cast(ids, _dtypes.int64), [-1])

    def valid(value: np.ndarray) -> bool:
        if value.size and value.min() < 0:
            raise ValueError(f"`{what}` contains negative values")
        return not value.size or value.max() < num_classes

    return _host_check(ids, valid, f"`{what}` out of bound", f"{what}_in_range")


def _check_num_classes(num_classes: Any, fn: str) -> int:
    if isinstance(num_classes, (bool, np.bool_)) or not isinstance(num_classes, (int, np.integer)):
        raise TypeError(f"{fn}: num_classes must be a Python int (it sizes the variables), got {num_classes!r}")
    if num_classes < 1:
        raise ValueError(f"{fn}: num_classes must be >= 1, got {num_classes}")
    return int(num_classes)


def _flat_weights(weights: TensorLike | None, ids: Tensor) -> Tensor | None:
    """Weights as a flat float vector matching the flattened ids (a scalar
    is broadcast; TF1 flattens weights of rank > 1)."""
    if weights is None:
        return None
    weights = _as_float32_weights(weights, ids.graph)
    if weights.shape.ndims is None or weights.shape.ndims > 1:
        weights = array_ops.reshape(weights, [-1])
    return math_ops.multiply(weights, array_ops.ones_like(ids, dtype=_dtypes.float32))


def _streaming_confusion_matrix(
    labels: Tensor, predictions: Tensor, num_classes: int, weights: TensorLike | None = None
) -> tuple[Variable, Tensor]:
    """TF1's _streaming_confusion_matrix: a float64 [num_classes, num_classes]
    variable total_confusion_matrix, cm[i, j] += sum of the weights of the
    elements with label i and prediction j (flattened)."""
    total_cm = metric_variable([num_classes, num_classes], _dtypes.float64, name="total_confusion_matrix")
    labels = _checked_class_ids(labels, num_classes, "labels")
    predictions = _checked_class_ids(predictions, num_classes, "predictions")
    weights = _flat_weights(weights, labels)
    counts = (
        array_ops.ones_like(labels, dtype=_dtypes.float64)
        if weights is None
        else array_ops.cast(weights, _dtypes.float64)
    )
    cells = labels * num_classes + predictions
    current = array_ops.reshape(
        array_ops.unsorted_segment_sum(counts, cells, num_classes * num_classes), [num_classes, num_classes]
    )
    return total_cm, assign_add(total_cm, current)


def mean_iou(
    labels: TensorLike,
    predictions: TensorLike,
    num_classes: int,
    weights: TensorLike | None = None,
    metrics_collections: Collections = None,
    updates_collections: Collections = None,
    name: str | None = None,
) -> MetricPair:
    """tf.metrics.mean_iou: mean over classes of IoU_c = cm[c, c] /
    (sum_j cm[c, j] + sum_i cm[i, c] - cm[c, c]), from the streamed
    confusion matrix cm (rows: labels, columns: predictions); classes whose
    denominator is 0 (never labelled nor predicted) are left out of the mean;
    0 when no class is.

    As TF1, update_op returns the updated confusion matrix (float64
    [num_classes, num_classes]), not the mean IoU: run it per batch and read
    the value. Variable: mean_iou/total_confusion_matrix (float64).

    Args:
      labels, predictions: integer class ids of one shape (flattened).
      num_classes: a Python int, the number of classes.
      weights: None, a scalar, or one weight per element.
      metrics_collections, updates_collections: as mean.
      name: the variable scope (default "mean_iou").

    Returns:
      (mean_iou, update_op).

    Raises:
      TypeError, ValueError: a num_classes that is not an int >= 1.
      ValueError: labels and predictions of incompatible shapes.
      InvalidArgumentError: (run time) a class id outside [0, num_classes).
    """
    num_classes = _check_num_classes(num_classes, "mean_iou")
    with variable_scope(name, "mean_iou", (predictions, labels, weights)):
        predictions = convert_to_tensor(predictions)
        labels = convert_to_tensor(labels, graph=predictions.graph)
        predictions.shape.assert_is_compatible_with(labels.shape)
        total_cm, update_op = _streaming_confusion_matrix(labels, predictions, num_classes, weights)

        sum_over_row = array_ops.cast(math_ops.reduce_sum(total_cm, 0), _dtypes.float32)
        sum_over_col = array_ops.cast(math_ops.reduce_sum(total_cm, 1), _dtypes.float32)
        diagonal = array_ops.gather(array_ops.reshape(total_cm, [-1]), np.arange(num_classes) * (num_classes + 1))
        cm_diag = array_ops.cast(diagonal, _dtypes.float32)
        denominator = sum_over_row + sum_over_col - cm_diag
        num_valid = math_ops.reduce_sum(array_ops.cast(math_ops.not_equal(denominator, 0.0), _dtypes.float32))
        denominator = array_ops.where(math_ops.greater(denominator, 0.0), denominator, array_ops.ones_like(denominator))
        iou = math_ops.divide(cm_diag, denominator)
        value = array_ops.where(
            math_ops.greater(num_valid, 0.0), math_ops.reduce_sum(iou, name="mean_iou") / num_valid, 0.0
        )
        return _publish(value, update_op, metrics_collections, updates_collections)


def mean_per_class_accuracy(
    labels: TensorLike,
    predictions: TensorLike,
    num_classes: int,
    weights: TensorLike | None = None,
    metrics_collections: Collections = None,
    updates_collections: Collections = None,
    name: str | None = None,
) -> MetricPair:
    """tf.metrics.mean_per_class_accuracy: the mean over all num_classes of
    correct_c / seen_c (0 for a class never seen, which still counts in the
    mean, as TF1).

    Variables (TF1's names): mean_accuracy/total[c] (weight of elements
    labelled c) and mean_accuracy/count[c] (of those predicted right). The
    update op returns the per-class accuracies (a [num_classes] vector), as TF1.

    Args:
      labels, predictions: integer class ids of one shape (flattened).
      num_classes: a Python int.
      weights: None, a scalar, or one weight per element.
      metrics_collections, updates_collections: as mean.
      name: the variable scope (default "mean_accuracy").

    Returns:
      (mean_accuracy, update_op).

    Raises:
      TypeError, ValueError: a num_classes that is not an int >= 1.
      ValueError: labels and predictions of incompatible shapes.
      InvalidArgumentError: (run time) a label outside [0, num_classes).
    """
    num_classes = _check_num_classes(num_classes, "mean_per_class_accuracy")
    with variable_scope(name, "mean_accuracy", (predictions, labels, weights)):
        labels = convert_to_tensor(labels)
        predictions = convert_to_tensor(predictions, graph=labels.graph)
        labels = _checked_class_ids(labels, num_classes, "labels")
        if predictions.shape.ndims is None or predictions.shape.ndims > 1:
            predictions = array_ops.reshape(predictions, [-1])
        predictions.shape.assert_is_compatible_with(labels.shape)
        total = metric_variable([num_classes], _dtypes.float32, name="total")
        count = metric_variable([num_classes], _dtypes.float32, name="count")
        ones = array_ops.ones_like(labels, dtype=_dtypes.float32)
        if labels.dtype != predictions.dtype:
            predictions = array_ops.cast(predictions, labels.dtype)
        is_correct = array_ops.cast(math_ops.equal(predictions, labels), _dtypes.float32)
        flat_weights = _flat_weights(weights, labels)
        if flat_weights is not None:
            is_correct *= flat_weights
            ones *= flat_weights
        update_total = assign_add(total, array_ops.unsorted_segment_sum(ones, labels, num_classes))
        update_count = assign_add(count, array_ops.unsorted_segment_sum(is_correct, labels, num_classes))
        per_class = math_ops.div_no_nan(count, math_ops.maximum(total, 0.0))
        value = math_ops.reduce_mean(per_class, name="mean_accuracy")
        update_op = math_ops.div_no_nan(update_count, math_ops.maximum(update_total, 0.0), name="update_op")
        return _publish(value, update_op, metrics_collections, updates_collections)


# ---------------------------------------------------------------------------
# Counts of a condition: true/false positives/negatives, precision, recall
# ---------------------------------------------------------------------------
_CONDITIONS = {
    # key: (label, prediction) of the counted elements
    "tp": (True, True),
    "fp": (False, True),
    "tn": (False, False),
    "fn": (True, False),
}
_CONDITION_SCOPES = {"tp": "true_positives", "fp": "false_positives", "tn": "true_negatives", "fn": "false_negatives"}


def _count_condition(
    key: str,
    labels: TensorLike,
    predictions: TensorLike,
    weights: TensorLike | None,
    metrics_collections: Collections,
    updates_collections: Collections,
    name: str | None,
) -> MetricPair:
    """The weighted count of elements whose bool(label), bool(prediction)
    is _CONDITIONS[key]: variable <scope>/count (float32), scope e.g.
    "true_positives" (TF1's true_positives ... false_negatives)."""
    with variable_scope(name, _CONDITION_SCOPES[key], (predictions, labels, weights)):
        predictions, labels, weights = _remove_squeezable_dimensions(
            array_ops.cast(predictions, _dtypes.bool_), array_ops.cast(labels, _dtypes.bool_), weights
        )
        want_label, want_prediction = _CONDITIONS[key]
        is_condition = math_ops.logical_and(
            math_ops.equal(labels, want_label), math_ops.equal(predictions, want_prediction)
        )
        count = metric_variable([], _dtypes.float32, name="count")
        values = array_ops.cast(is_condition, _dtypes.float32)
        if weights is not None:
            weights = _as_float32_weights(weights, values.graph)
            w_rank, v_rank = weights.shape.ndims, values.shape.ndims
            if w_rank is not None and v_rank is not None and w_rank not in (0, v_rank):
                raise ValueError(
                    f"{_CONDITION_SCOPES[key]}: weights must be a scalar or of the values' rank "
                    f"{v_rank}, got shape {weights.shape}"
                )
            values = math_ops.multiply(values, weights)
        value = array_ops.identity(count)
        update_op = assign_add(count, math_ops.reduce_sum(values))
        return _publish(value, update_op, metrics_collections, updates_collections)


def _condition_metric(key: str) -> Callable[..., MetricPair]:
    scope = _CONDITION_SCOPES[key]
    want_label, want_prediction = _CONDITIONS[key]

    def metric(
        labels: TensorLike,
        predictions: TensorLike,
        weights: TensorLike | None = None,
        metrics_collections: Collections = None,
        updates_collections: Collections = None,
        name: str | None = None,
    ) -> MetricPair:
        return _count_condition(key, labels, predictions, weights, metrics_collections, updates_collections, name)

    metric.__name__ = metric.__qualname__ = scope
    metric.__doc__ = f"""tf.metrics.{scope}: the weighted number of elements with bool(label) == {want_label}
    and bool(prediction) == {want_prediction}, streamed. Variable: {scope}/count (float32).

    Args:
      labels, predictions: tensors of one shape (cast to bool).
      weights: None, a scalar, or a tensor of the same rank.
      metrics_collections, updates_collections: collections for the value and update op.
      name: the variable scope (default "{scope}").

    Returns:
      (value, update_op): the count so far, and the op adding this batch.

    Raises:
      ValueError: incompatible shapes, or weights of another rank.
    """
    return metric


true_positives = _condition_metric("tp")
false_positives = _condition_metric("fp")
true_negatives = _condition_metric("tn")
false_negatives = _condition_metric("fn")


def _ratio_or_zero(numerator: Tensor, other: Tensor, name: str) -> Tensor:
    """numerator / (numerator + other) where that sum is > 0, else 0 (TF1's
    precision and recall)."""
    denominator = numerator + other
    return array_ops.where(math_ops.greater(denominator, 0.0), math_ops.divide(numerator, denominator), 0.0, name=name)


def _ratio_metric(
    default_name: str,
    other: str,
    labels: TensorLike,
    predictions: TensorLike,
    weights: TensorLike | None,
    metrics_collections: Collections,
    updates_collections: Collections,
    name: str | None,
) -> MetricPair:
    """tp / (tp + other) streamed (precision: other = fp; recall: fn)."""
    with variable_scope(name, default_name, (predictions, labels, weights)):
        predictions, labels, weights = _remove_squeezable_dimensions(
            array_ops.cast(predictions, _dtypes.bool_), array_ops.cast(labels, _dtypes.bool_), weights
        )
        tp, tp_update = _count_condition("tp", labels, predictions, weights, None, None, None)
        count, count_update = _count_condition(other, labels, predictions, weights, None, None, None)
        value = _ratio_or_zero(tp, count, "value")
        update_op = _ratio_or_zero(tp_update, count_update, "update_op")
        return _publish(value, update_op, metrics_collections, updates_collections)


def precision(
    labels: TensorLike,
    predictions: TensorLike,
    weights: TensorLike | None = None,
    metrics_collections: Collections = None,
    updates_collections: Collections = None,
    name: str | None = None,
) -> MetricPair:
    """tf.metrics.precision: tp / (tp + fp) over the stream, 0 while tp + fp
    is 0 (labels and predictions cast to bool). Variables:
    precision/true_positives/count, precision/false_positives/count.

    Args:
      labels, predictions: tensors of one shape (cast to bool).
      weights, metrics_collections, updates_collections: as true_positives.
      name: the variable scope (default "precision").

    Returns:
      (precision, update_op).

    Raises:
      ValueError: incompatible shapes, or weights of another rank.
    """
    return _ratio_metric(
        "precision", "fp", labels, predictions, weights, metrics_collections, updates_collections, name
    )


def recall(
    labels: TensorLike,
    predictions: TensorLike,
    weights: TensorLike | None = None,
    metrics_collections: Collections = None,
    updates_collections: Collections = None,
    name: str | None = None,
) -> MetricPair:
    """tf.metrics.recall: tp / (tp + fn) over the stream, 0 while tp + fn is
    0. Variables: recall/true_positives/count, recall/false_negatives/count.

    Args, Returns, Raises: as precision (default scope "recall").
    """
    return _ratio_metric("recall", "fn", labels, predictions, weights, metrics_collections, updates_collections, name)


# ---------------------------------------------------------------------------
# Counts at thresholds, precision/recall at thresholds, AUC
# ---------------------------------------------------------------------------
def _confusion_matrix_at_thresholds(
    labels: TensorLike,
    predictions: TensorLike,
    thresholds: Sequence[float],
    weights: TensorLike | None = None,
    includes: Sequence[str] | None = None,
) -> tuple[dict, dict]:
    """TF1's _confusion_matrix_at_thresholds: for each threshold t_i (float32),
    tp[i] = sum of w over label and p > t_i, fn[i] over label and p <= t_i,
    tn[i] over not label and p <= t_i, fp[i] over not label and p > t_i.

    Returns:
      (variables, update_ops): dicts keyed by the included "tp", "fn", "tn",
      "fp"; float32 [len(thresholds)] variables named true_positives,
      false_negatives, true_negatives, false_positives.

    Raises:
      ValueError: an unknown key in includes; incompatible shapes; weights
        that cannot be broadcast.
      InvalidArgumentError: (run time) a prediction outside [0, 1].
    """
    all_includes = ("tp", "fn", "tn", "fp")
    includes = all_includes if includes is None else tuple(includes)
    for key in includes:
        if key not in all_includes:
            raise ValueError(f"Invalid key: {key}")
    predictions = array_ops.cast(predictions, _dtypes.float32)
    predictions = _host_check(
        predictions,
        lambda p: bool(np.all((p >= 0.0) & (p <= 1.0))),
        "predictions must be in [0, 1]",
        "predictions_in_unit_interval",
    )
    predictions, labels, weights = _remove_squeezable_dimensions(
        predictions, array_ops.cast(labels, _dtypes.bool_), weights
    )
    thresholds_column = array_ops.reshape(array_ops.constant(np.asarray(thresholds, np.float32)), [len(thresholds), 1])
    # [num_thresholds, num_predictions] by broadcasting (TF1 tiles both).
    pred_is_pos = math_ops.greater(array_ops.reshape(predictions, [1, -1]), thresholds_column)
    label_is_pos = array_ops.reshape(labels, [1, -1])
    weights_row = None
    if weights is not None:
        weights = _broadcast_weights(_as_float32_weights(weights, predictions.graph), predictions)
        weights_row = array_ops.reshape(weights, [1, -1])

    variables, update_ops = {}, {}
    for key in all_includes:
        if key not in includes:
            continue
        want_label, want_prediction = _CONDITIONS[key]
        label_ok = label_is_pos if want_label else math_ops.logical_not(label_is_pos)
        pred_ok = pred_is_pos if want_prediction else math_ops.logical_not(pred_is_pos)
        is_condition = array_ops.cast(math_ops.logical_and(label_ok, pred_ok), _dtypes.float32)
        if weights_row is not None:
            is_condition = is_condition * weights_row
        variable = metric_variable([len(thresholds)], _dtypes.float32, name=_CONDITION_SCOPES[key])
        variables[key] = variable
        update_ops[key] = assign_add(variable, math_ops.reduce_sum(is_condition, 1))
    return variables, update_ops


def _check_thresholds(thresholds: Any, fn: str) -> list:
    if isinstance(thresholds, (str, bytes)) or not isinstance(thresholds, Iterable):
        raise TypeError(f"{fn}: thresholds must be a list of floats in [0, 1], got {thresholds!r}")
    thresholds = [float(t) for t in thresholds]
    if not thresholds:
        raise ValueError(f"{fn}: thresholds must not be empty")
    return thresholds


def _at_thresholds(key: str) -> Callable[..., MetricPair]:
    scope = _CONDITION_SCOPES[key]

    def metric(
        labels: TensorLike,
        predictions: TensorLike,
        thresholds: Sequence[float],
        weights: TensorLike | None = None,
        metrics_collections: Collections = None,
        updates_collections: Collections = None,
        name: str | None = None,
    ) -> MetricPair:
        thresholds = _check_thresholds(thresholds, f"{scope}_at_thresholds")
        with variable_scope(name, scope, (predictions, labels, weights)):
            variables, update_ops = _confusion_matrix_at_thresholds(
                labels, predictions, thresholds, weights, includes=(key,)
            )
            return _publish(
                array_ops.identity(variables[key]), update_ops[key], metrics_collections, updates_collections
            )

    metric.__name__ = metric.__qualname__ = f"{scope}_at_thresholds"
    metric.__doc__ = f"""tf.metrics.{scope}_at_thresholds: the streamed weighted {scope.replace("_", " ")}
    at each threshold, a prediction p counting as positive when p > threshold.
    Variable: {scope}/{scope} (float32 [len(thresholds)]).

    Args:
      labels: a tensor of the predictions' shape (cast to bool).
      predictions: floats in [0, 1].
      thresholds: a list of Python floats.
      weights: None, a scalar, or a tensor broadcastable to predictions.
      metrics_collections, updates_collections: collections for the value and update op.
      name: the variable scope (default "{scope}").

    Returns:
      (value, update_op), float32 [len(thresholds)].

    Raises:
      TypeError, ValueError: thresholds not a non-empty list of numbers.
      ValueError: incompatible shapes; weights that cannot be broadcast.
      InvalidArgumentError: (run time) a prediction outside [0, 1].
    """
    return metric


true_positives_at_thresholds = _at_thresholds("tp")
false_positives_at_thresholds = _at_thresholds("fp")
true_negatives_at_thresholds = _at_thresholds("tn")
false_negatives_at_thresholds = _at_thresholds("fn")


def _ratio_at_thresholds(
    what: str,
    other: str,
    labels: TensorLike,
    predictions: TensorLike,
    thresholds: Sequence[float],
    weights: TensorLike | None,
    metrics_collections: Collections,
    updates_collections: Collections,
    name: str | None,
) -> MetricPair:
    """tp / (tp + other + 1e-7) per threshold (TF1's epsilon, not a guard)."""
    thresholds = _check_thresholds(thresholds, f"{what}_at_thresholds")
    epsilon = 1e-7
    with variable_scope(name, f"{what}_at_thresholds", (predictions, labels, weights)):
        variables, update_ops = _confusion_matrix_at_thresholds(
            labels, predictions, thresholds, weights, includes=("tp", other)
        )

        def ratio(tp: Tensor, count: Tensor, suffix: str) -> Tensor:
            return math_ops.divide(tp, epsilon + tp + count, name=f"{what}_{suffix}")

        return _publish(
            ratio(variables["tp"], variables[other], "value"),
            ratio(update_ops["tp"], update_ops[other], "update_op"),
            metrics_collections,
            updates_collections,
        )


def precision_at_thresholds(
    labels: TensorLike,
    predictions: TensorLike,
    thresholds: Sequence[float],
    weights: TensorLike | None = None,
    metrics_collections: Collections = None,
    updates_collections: Collections = None,
    name: str | None = None,
) -> MetricPair:
    """tf.metrics.precision_at_thresholds: precision[i] = tp[i] / (tp[i] +
    fp[i] + 1e-7), p > thresholds[i] counting as positive. Variables:
    precision_at_thresholds/true_positives, .../false_positives.

    Args, Returns, Raises: as true_positives_at_thresholds.
    """
    return _ratio_at_thresholds(
        "precision", "fp", labels, predictions, thresholds, weights, metrics_collections, updates_collections, name
    )


def recall_at_thresholds(
    labels: TensorLike,
    predictions: TensorLike,
    thresholds: Sequence[float],
    weights: TensorLike | None = None,
    metrics_collections: Collections = None,
    updates_collections: Collections = None,
    name: str | None = None,
) -> MetricPair:
    """tf.metrics.recall_at_thresholds: recall[i] = tp[i] / (tp[i] + fn[i] +
    1e-7). Variables: recall_at_thresholds/true_positives, .../false_negatives.

    Args, Returns, Raises: as true_positives_at_thresholds.
    """
    return _ratio_at_thresholds(
        "recall", "fn", labels, predictions, thresholds, weights, metrics_collections, updates_collections, name
    )


_SUMMATION_METHODS = ("trapezoidal", "careful_interpolation", "minoring", "majoring")


def _interpolate_pr_auc(tp: Tensor, fp: Tensor, fn: Tensor, n: int) -> Tensor:
    """TF1's interpolate_pr_auc (Davis & Goadrich 2006, closed form): within
    each interval [A, B] of successive thresholds, tp varies linearly with
    p = tp + fp, giving the area
      slope * (dtp + intercept * log(p_A / p_B)) / (tp_B + fn_B),
    slope = dtp / dp, intercept = tp_B - slope * p_B (0 where a division is
    by 0, log term 0 where p_A or p_B is 0)."""
    dtp = tp[: n - 1] - tp[1:]
    p = tp + fp
    slope = math_ops.div_no_nan(dtp, math_ops.maximum(p[: n - 1] - p[1:], 0.0), name="prec_slope")
    intercept = tp[1:] - math_ops.multiply(slope, p[1:])
    safe_p_ratio = array_ops.where(
        math_ops.logical_and(p[: n - 1] > 0.0, p[1:] > 0.0),
        math_ops.div_no_nan(p[: n - 1], math_ops.maximum(p[1:], 0.0), name="recall_relative_ratio"),
        array_ops.ones_like(p[1:]),
    )
    return math_ops.reduce_sum(
        math_ops.div_no_nan(
            slope * (dtp + intercept * math_ops.log(safe_p_ratio)),
            math_ops.maximum(tp[1:] + fn[1:], 0.0),
            name="pr_auc_increment",
        ),
        name="interpolate_pr_auc",
    )


def auc(
    labels: TensorLike,
    predictions: TensorLike,
    weights: TensorLike | None = None,
    num_thresholds: int = 200,
    metrics_collections: Collections = None,
    updates_collections: Collections = None,
    curve: str = "ROC",
    name: str | None = None,
    summation_method: str = "trapezoidal",
    thresholds: Sequence[float] | None = None,
) -> MetricPair:
    """tf.metrics.auc: the area under the ROC or precision-recall curve by a
    Riemann sum over discrete thresholds (TF 1.15; default trapezoidal).

    Thresholds: [-1e-7, 1/(n-1), 2/(n-1), ..., (n-2)/(n-1), 1 + 1e-7] for
    n = num_thresholds, or [-1e-7] + sorted(thresholds) + [1 + 1e-7].
    With eps = 1e-6 and tp, fn, tn, fp counted at each threshold:
      recall = (tp + eps) / (tp + fn + eps), fp_rate = fp / (fp + tn + eps),
      precision = (tp + eps) / (tp + fp + eps);
    ROC: x = fp_rate, y = recall; PR: x = recall, y = precision; and
      auc = sum_i (x[i] - x[i+1]) * h_i,
    h_i = (y[i] + y[i+1]) / 2 ('trapezoidal', and 'careful_interpolation' for
    ROC), min(y[i], y[i+1]) ('minoring'), max ('majoring'). PR with
    'careful_interpolation' integrates precision by TF1's closed-form
    interpolation (Davis & Goadrich 2006); PR with 'trapezoidal' logs TF1's
    warning that it is known to be wrong.
    Variables: auc/true_positives, auc/false_negatives, auc/true_negatives,
    auc/false_positives (float32 [n]).

    Args:
      labels: a tensor of the predictions' shape (cast to bool).
      predictions: floats in [0, 1].
      weights: None, a scalar, or a tensor broadcastable to predictions.
      num_thresholds: n >= 2, ignored when thresholds are given.
      metrics_collections, updates_collections: as mean.
      curve: 'ROC' or 'PR'.
      name: the variable scope (default "auc").
      summation_method: 'trapezoidal', 'careful_interpolation', 'minoring'
        or 'majoring'.
      thresholds: optional inner thresholds in [0, 1].

    Returns:
      (auc, update_op): float32 scalars.

    Raises:
      ValueError: another curve or summation_method (TF1 checks the latter
        when it builds the value), num_thresholds < 2; incompatible shapes;
        weights that cannot be broadcast.
      InvalidArgumentError: (run time) a prediction outside [0, 1].
    """
    with variable_scope(name, "auc", (labels, predictions, weights)):
        if curve != "ROC" and curve != "PR":
            raise ValueError(f"Curve must be either ROC or PR. Curve {curve} is unknown.")
        if summation_method not in _SUMMATION_METHODS:
            raise ValueError(
                f"Invalid summation_method: {summation_method} summation_method should be 'trapezoidal', "
                "'careful_interpolation', 'minoring', or 'majoring'."
            )
        kepsilon = 1e-7
        if thresholds is not None:
            inner = sorted(float(t) for t in thresholds)
        else:
            if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, (int, np.integer)):
                raise TypeError(f"auc: num_thresholds must be an int, got {num_thresholds!r}")
            if num_thresholds < 2:
                raise ValueError(f"auc: num_thresholds must be >= 2, got {num_thresholds}")
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        all_thresholds = [0.0 - kepsilon, *inner, 1.0 + kepsilon]
        n = len(all_thresholds)
        variables, update_ops = _confusion_matrix_at_thresholds(labels, predictions, all_thresholds, weights)
        epsilon = 1.0e-6

        def compute_auc(tp: TensorLike, fn: TensorLike, tn: TensorLike, fp: TensorLike, op_name: str) -> Tensor:
            tp, fn, tn, fp = (convert_to_tensor(t) for t in (tp, fn, tn, fp))
            if curve == "PR":
                if summation_method == "trapezoidal":
                    _LOGGER.warning(
                        "Trapezoidal rule is known to produce incorrect PR-AUCs; "
                        'please switch to "careful_interpolation" instead.'
                    )
                elif summation_method == "careful_interpolation":
                    return _interpolate_pr_auc(tp, fp, fn, n)
            rec = math_ops.divide(tp + epsilon, tp + fn + epsilon)
            if curve == "ROC":
                x, y = math_ops.divide(fp, fp + tn + epsilon), rec
            else:
                x, y = rec, math_ops.divide(tp + epsilon, tp + fp + epsilon)
            if summation_method in ("trapezoidal", "careful_interpolation"):
                height = (y[: n - 1] + y[1:]) / 2.0
            elif summation_method == "minoring":
                height = math_ops.minimum(y[: n - 1], y[1:])
            else:
                height = math_ops.maximum(y[: n - 1], y[1:])
            return math_ops.reduce_sum(math_ops.multiply(x[: n - 1] - x[1:], height), name=op_name)

        value = compute_auc(variables["tp"], variables["fn"], variables["tn"], variables["fp"], "value")
        update_op = compute_auc(update_ops["tp"], update_ops["fn"], update_ops["tn"], update_ops["fp"], "update_op")
        return _publish(value, update_op, metrics_collections, updates_collections)


def _rate_at_rate(
    kind: str,
    labels: TensorLike,
    predictions: TensorLike,
    target: float,
    weights: TensorLike | None,
    num_thresholds: int,
    metrics_collections: Collections,
    updates_collections: Collections,
    name: str | None,
) -> MetricPair:
    """sensitivity_at_specificity / specificity_at_sensitivity: the one rate
    at the threshold whose other rate is nearest the target (TF1's rules
    for ties: argmin's first index for the former, the last for the latter)."""
    given = "specificity" if kind == "sensitivity_at_specificity" else "sensitivity"
    if isinstance(target, bool) or not isinstance(target, (int, float, np.floating, np.integer)):
        raise TypeError(f"{kind}: `{given}` must be a number in [0, 1], got {target!r}")
    if target < 0 or target > 1:
        raise ValueError(f"`{given}` must be in the range [0, 1].")
    if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, (int, np.integer)) or num_thresholds < 2:
        raise ValueError(f"{kind}: num_thresholds must be an int >= 2, got {num_thresholds!r}")
    kepsilon = 1e-7
    thresholds = [-kepsilon, *((i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)), 1 + kepsilon]
    with variable_scope(name, kind, (predictions, labels, weights)):
        variables, update_ops = _confusion_matrix_at_thresholds(labels, predictions, thresholds, weights)

        def compute(counts: dict, op_name: str) -> Tensor:
            tp, fn, tn, fp = (convert_to_tensor(counts[key]) for key in ("tp", "fn", "tn", "fp"))
            if kind == "sensitivity_at_specificity":
                specificities = math_ops.divide(tn, tn + fp + kepsilon)
                index = array_ops.cast(math_ops.argmin(math_ops.abs(specificities - target), 0), _dtypes.int32)
                return math_ops.divide(tp[index], tp[index] + fn[index] + kepsilon, name=op_name)
            distance = math_ops.abs(math_ops.divide(tp, tp + fn + kepsilon) - target)
            at_min = array_ops.cast(math_ops.equal(distance, math_ops.reduce_min(distance)), _dtypes.int64)
            index = array_ops.cast(math_ops.argmax(math_ops.cumsum(at_min), 0), _dtypes.int32)
            return math_ops.divide(tn[index], tn[index] + fp[index] + kepsilon, name=op_name)

        return _publish(
            compute(variables, "value"), compute(update_ops, "update_op"), metrics_collections, updates_collections
        )


def sensitivity_at_specificity(
    labels: TensorLike,
    predictions: TensorLike,
    specificity: float,
    weights: TensorLike | None = None,
    num_thresholds: int = 200,
    metrics_collections: Collections = None,
    updates_collections: Collections = None,
    name: str | None = None,
) -> MetricPair:
    """tf.metrics.sensitivity_at_specificity: tp / (tp + fn + 1e-7) at the
    threshold i* = argmin_i |tn_i / (tn_i + fp_i + 1e-7) - specificity| (the
    first on ties), over auc's thresholds for num_thresholds. Variables:
    sensitivity_at_specificity/{true_positives, false_negatives,
    true_negatives, false_positives}.

    Args:
      labels: a tensor of the predictions' shape (cast to bool).
      predictions: floats in [0, 1].
      specificity: the target specificity, in [0, 1].
      weights: None, a scalar, or a tensor broadcastable to predictions.
      num_thresholds: n >= 2 thresholds, as auc.
      metrics_collections, updates_collections: as mean.
      name: the variable scope (default "sensitivity_at_specificity").

    Returns:
      (sensitivity, update_op): float32 scalars.

    Raises:
      TypeError, ValueError: a specificity outside [0, 1]; num_thresholds < 2.
      InvalidArgumentError: (run time) a prediction outside [0, 1].
    """
    return _rate_at_rate(
        "sensitivity_at_specificity",
        labels,
        predictions,
        specificity,
        weights,
        num_thresholds,
        metrics_collections,
        updates_collections,
        name,
    )


def specificity_at_sensitivity(
    labels: TensorLike,
    predictions: TensorLike,
    sensitivity: float,
    weights: TensorLike | None = None,
    num_thresholds: int = 200,
    metrics_collections: Collections = None,
    updates_collections: Collections = None,
    name: str | None = None,
) -> MetricPair:
    """tf.metrics.specificity_at_sensitivity: tn / (tn + fp + 1e-7) at the
    threshold whose sensitivity tp_i / (tp_i + fn_i + 1e-7) is nearest the
    target, the last such threshold on ties (TF1's cumsum/argmax). Variables:
    specificity_at_sensitivity/{true_positives, ...}.

    Args, Returns, Raises: as sensitivity_at_specificity, with the target
    sensitivity in [0, 1].
    """
    return _rate_at_rate(
        "specificity_at_sensitivity",
        labels,
        predictions,
        sensitivity,
        weights,
        num_thresholds,
        metrics_collections,
        updates_collections,
        name,
    )


# ---------------------------------------------------------------------------
# Top-k: recall_at_k, precision_at_k over label sets (dense labels)
# ---------------------------------------------------------------------------
def _at_k_name(name: str, k: int | None = None, class_id: int | None = None) -> str:
    """TF1's names: "recall_at_5", "recall_at_k", "recall_at_5_class3"."""
    name = f"{name}_at_{k}" if k is not None else f"{name}_at_k"
    return f"{name}_class{class_id}" if class_id is not None else name


def _maybe_expand_labels(labels: TensorLike, predictions_idx: Tensor) -> Tensor:
    """TF1's _maybe_expand_labels (dense, static ranks): int64 labels of the
    predictions' rank, a last dimension added when they are one rank below.

    Raises:
      TypeError: a SparseTensor or non-integer labels.
      ValueError: another rank, or an unknown one.
    """
    labels = convert_to_tensor(labels, graph=predictions_idx.graph)
    if not labels.dtype.is_integer:
        raise TypeError(f"labels of the *_at_k metrics must be integer class ids, got {labels.dtype.name}")
    l_rank, p_rank = labels.shape.ndims, predictions_idx.shape.ndims
    if l_rank is None or p_rank is None:
        raise ValueError("the *_at_k metrics need labels and predictions of known rank (slimcore)")
    if p_rank == l_rank + 1:
        labels = array_ops.expand_dims(labels, -1)
    elif p_rank != l_rank:
        raise ValueError(
            f"Unexpected labels shape {labels.shape} for predictions shape {predictions_idx.shape}. "
            "Predictions rank should be the same rank as labels rank or labels rank plus one ."
        )
    return array_ops.cast(labels, _dtypes.int64)


def _first_occurrences(ids: Tensor) -> Tensor:
    """bool [..., n]: ids[..., j] differs from every ids[..., j'] with j' < j
    (the elements of each row's set, each counted once)."""
    n = ids.shape.as_list()[-1]
    if n is None:
        raise ValueError(f"the *_at_k metrics need a known last dimension, got {ids.shape}")
    same = math_ops.equal(array_ops.expand_dims(ids, -1), array_ops.expand_dims(ids, -2))
    earlier = array_ops.constant(np.tril(np.ones([n, n], bool), -1))
    return math_ops.logical_not(math_ops.reduce_any(math_ops.logical_and(same, earlier), axis=-1))


def _members(ids: Tensor, of: Tensor) -> Tensor:
    """bool [..., n]: ids[..., j] is among of[..., :] (same row)."""
    return math_ops.reduce_any(math_ops.equal(array_ops.expand_dims(ids, -1), array_ops.expand_dims(of, -2)), axis=-1)


def _set_count(mask: Tensor, weights: Tensor | None) -> Tensor:
    """sum over all rows of (weighted) per-row counts of a bool [..., n] mask, float64."""
    per_row = math_ops.reduce_sum(array_ops.cast(mask, _dtypes.float64), axis=-1)
    if weights is not None:
        weights = array_ops.cast(convert_to_tensor(weights, graph=per_row.graph), _dtypes.float64)
        _assert_broadcastable(weights, per_row)
        per_row = math_ops.multiply(per_row, weights)
    return math_ops.reduce_sum(per_row)


def _streaming_set_counts(
    labels: Tensor,
    top_k_idx: Tensor,
    k: int | None,
    class_id: int | None,
    weights: TensorLike | None,
    counts: Sequence[str],
) -> dict:
    """Streamed float64 counts over label sets L and predicted sets P (each
    restricted to {class_id} when given): true_positive = |L & P|,
    false_negative = |L - P|, false_positive = |P - L|, per row, weighted per
    row and summed. Each is a variable named as TF1's
    (<scope>/true_positive_at_5) with an update op.

    Returns:
      {kind: (variable, update_op)} for kind in counts.
    """
    label_set = _first_occurrences(labels)
    pred_set = _first_occurrences(top_k_idx)
    if class_id is not None:
        label_set = math_ops.logical_and(label_set, math_ops.equal(labels, np.int64(class_id)))
        pred_set = math_ops.logical_and(pred_set, math_ops.equal(top_k_idx, np.int64(class_id)))
    label_hit = _members(labels, top_k_idx)
    masks = {
        "true_positive": math_ops.logical_and(label_set, label_hit),
        "false_negative": math_ops.logical_and(label_set, math_ops.logical_not(label_hit)),
        "false_positive": math_ops.logical_and(pred_set, math_ops.logical_not(_members(top_k_idx, labels))),
    }
    out = {}
    for kind in counts:
        with name_scope(None, _at_k_name(kind, k, class_id)) as scope:
            batch_total = _set_count(masks[kind], weights)
            variable = metric_variable([], _dtypes.float64, name=scope)
            out[kind] = (variable, assign_add(variable, batch_total, name="update"))
    return out


def _at_top_k(
    what: str,
    other: str,
    labels: TensorLike,
    predictions_idx: TensorLike,
    k: int | None,
    class_id: int | None,
    weights: TensorLike | None,
    metrics_collections: Collections,
    updates_collections: Collections,
) -> MetricPair:
    """tp / (tp + other) over the streamed set counts, in float64 (a plain
    division, as TF1: NaN while both counts are 0)."""
    predictions_idx = array_ops.cast(convert_to_tensor(predictions_idx), _dtypes.int64)
    labels = _maybe_expand_labels(labels, predictions_idx)
    counts = _streaming_set_counts(labels, predictions_idx, k, class_id, weights, ("true_positive", other))
    (tp, tp_update), (count, count_update) = counts["true_positive"], counts[other]
    tp, count = tp.value(), count.value()
    value = math_ops.divide(tp, math_ops.add(tp, count), name=f"{what}_value")
    update_op = math_ops.divide(tp_update, math_ops.add(tp_update, count_update), name="update")
    return _publish(value, update_op, metrics_collections, updates_collections)


def _check_k(k: Any, fn: str, allow_none: bool = False) -> int | None:
    if k is None and allow_none:
        return None
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"{fn}: k must be an int >= 1, got {k!r}")
    return int(k)


def recall_at_top_k(
    labels: TensorLike,
    predictions_idx: TensorLike,
    k: int | None = None,
    class_id: int | None = None,
    weights: TensorLike | None = None,
    metrics_collections: Collections = None,
    updates_collections: Collections = None,
    name: str | None = None,
) -> MetricPair:
    """tf.metrics.recall_at_top_k: recall_at_k from given top-k class ids.

    Args:
      labels: int [D1, ..., DN, num_labels] or [D1, ..., DN] class ids (each
        row a set; ids matching no prediction count as false negatives).
      predictions_idx: int [D1, ..., DN, k], the predicted class ids.
      k: only names the metric ("recall_at_<k>"; "recall_at_k" when None).
      class_id: restrict both sets to this class (binary recall of it).
      weights: None, a scalar, or [D1, ..., DN] (broadcastable).
      metrics_collections, updates_collections: as mean.
      name: the name scope (default "recall_at_<k>[_class<id>]").

    Returns:
      (recall, update_op): float64 scalars.

    Raises:
      TypeError: non-integer labels.
      ValueError: labels of another rank; weights that cannot be broadcast.
    """
    k = _check_k(k, "recall_at_top_k", allow_none=True)
    with name_scope(name, _at_k_name("recall", k, class_id)):
        return _at_top_k(
            "recall",
            "false_negative",
            labels,
            predictions_idx,
            k,
            class_id,
            weights,
            metrics_collections,
            updates_collections,
        )


def recall_at_k(
    labels: TensorLike,
    predictions: TensorLike,
    k: int,
    class_id: int | None = None,
    weights: TensorLike | None = None,
    metrics_collections: Collections = None,
    updates_collections: Collections = None,
    name: str | None = None,
) -> MetricPair:
    """tf.metrics.recall_at_k: the fraction of label-set members among the k
    highest-scored classes, streamed:

      recall = sum_rows w |L & topk(P)| / sum_rows w (|L & topk(P)| + |L - topk(P)|)

    (float64; NaN while no label has been seen, as TF1's plain division).
    topk is tf.nn.top_k's (ties: lowest index first). With class_id c, L and
    topk are restricted to {c}. Variables (float64 scalars, TF1's names):
    recall_at_<k>/true_positive_at_<k>, recall_at_<k>/false_negative_at_<k>.

    Args:
      labels: int [D1, ..., DN, num_labels] or [D1, ..., DN] class ids.
      predictions: float [D1, ..., DN, num_classes] scores.
      k: an int >= 1, at most num_classes.
      class_id, weights, metrics_collections, updates_collections, name: as
        recall_at_top_k.

    Returns:
      (recall, update_op).

    Raises:
      TypeError: non-integer labels.
      ValueError: k < 1; labels of another rank; weights that cannot be broadcast.
    """
    k = _check_k(k, "recall_at_k")
    with name_scope(name, _at_k_name("recall", k, class_id)) as scope:
        top_k_idx = nn_ops.top_k(predictions, k).indices
        return recall_at_top_k(
            labels, top_k_idx, k, class_id, weights, metrics_collections, updates_collections, name=scope
        )


def precision_at_top_k(
    labels: TensorLike,
    predictions_idx: TensorLike,
    k: int | None = None,
    class_id: int | None = None,
    weights: TensorLike | None = None,
    metrics_collections: Collections = None,
    updates_collections: Collections = None,
    name: str | None = None,
) -> MetricPair:
    """tf.metrics.precision_at_top_k: precision_at_k from given top-k class ids.

    Args, Returns, Raises: as recall_at_top_k (default scope
    "precision_at_<k>[_class<id>]").
    """
    k = _check_k(k, "precision_at_top_k", allow_none=True)
    with name_scope(name, _at_k_name("precision", k, class_id)):
        return _at_top_k(
            "precision",
            "false_positive",
            labels,
            predictions_idx,
            k,
            class_id,
            weights,
            metrics_collections,
            updates_collections,
        )


def precision_at_k(
    labels: TensorLike,
    predictions: TensorLike,
    k: int,
    class_id: int | None = None,
    weights: TensorLike | None = None,
    metrics_collections: Collections = None,
    updates_collections: Collections = None,
    name: str | None = None,
) -> MetricPair:
    """tf.metrics.precision_at_k: the fraction of the k highest-scored
    classes that are in the label set, streamed:

      precision = sum_rows w |L & topk(P)| / sum_rows w (|L & topk(P)| + |topk(P) - L|)

    (float64; NaN while both are 0, as TF1). With class_id c, both sets are
    restricted to {c}. Variables: precision_at_<k>/true_positive_at_<k>,
    precision_at_<k>/false_positive_at_<k>.

    Args, Returns, Raises: as recall_at_k.
    """
    k = _check_k(k, "precision_at_k")
    with name_scope(name, _at_k_name("precision", k, class_id)) as scope:
        top_k_idx = nn_ops.top_k(predictions, k).indices
        return precision_at_top_k(
            labels, top_k_idx, k, class_id, weights, metrics_collections, updates_collections, name=scope
        )


sparse_precision_at_k = precision_at_k  # TF1's deprecated name (tf.metrics.sparse_precision_at_k)


def average_precision_at_k(
    labels: TensorLike,
    predictions: TensorLike,
    k: int,
    weights: TensorLike | None = None,
    metrics_collections: Collections = None,
    updates_collections: Collections = None,
    name: str | None = None,
) -> MetricPair:
    """tf.metrics.average_precision_at_k: the streamed weighted mean over rows
    of average precision at k,

      AP = sum_{i<=k} P_i rel_i / min(num_labels, k),  P_i = (sum_{j<=i} rel_j) / i,

    rel_i = 1 when the i-th highest-scored class (tf.nn.top_k) is in the row's
    labels; num_labels is the labels' last dimension (TF 1.15's rule for
    dense labels). value = div_no_nan(total, max), total += sum w AP,
    max += sum w (the number of rows without weights); float64 variables
    average_precision_at_<k>/total and average_precision_at_<k>/max.

    Args:
      labels: int [D1, ..., DN, num_labels] or [D1, ..., DN] class ids.
      predictions: float [D1, ..., DN, num_classes] scores.
      k: an int >= 1, at most num_classes.
      weights: None, a scalar, or [D1, ..., DN] (broadcastable).
      metrics_collections, updates_collections: as mean.
      name: the name scope (default "average_precision_at_<k>").

    Returns:
      (mean_average_precision, update_op): float64 scalars.

    Raises:
      TypeError: non-integer labels.
      ValueError: k < 1; labels of another rank or an unknown last dimension;
        weights that cannot be broadcast.
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"Invalid k={k}")
    k = int(k)
    with name_scope(name, _at_k_name("average_precision", k)):
        predictions_idx = array_ops.cast(nn_ops.top_k(predictions, k).indices, _dtypes.int64)
        labels = _maybe_expand_labels(labels, predictions_idx)
        num_labels = labels.shape.as_list()[-1]
        if num_labels is None:
            raise ValueError(f"average_precision_at_k: labels need a known last dimension, got {labels.shape}")
        relevant = array_ops.cast(_members(predictions_idx, labels), _dtypes.float64)  # rel_i, [..., k]
        precision_per_k = math_ops.divide(
            math_ops.cumsum(relevant, axis=-1), np.arange(1, k + 1, dtype=np.float64), name="precision_per_k"
        )
        precision_sum = math_ops.reduce_sum(math_ops.multiply(precision_per_k, relevant), axis=-1)
        average_precision = math_ops.divide(precision_sum, float(min(num_labels, k)))
        if weights is None:
            batch_max = array_ops.cast(array_ops.size(average_precision), _dtypes.float64)
        else:
            weights = _broadcast_weights(
                array_ops.cast(convert_to_tensor(weights, graph=labels.graph), _dtypes.float64), average_precision
            )
            average_precision = math_ops.multiply(average_precision, weights)
            batch_max = math_ops.reduce_sum(weights)
        with name_scope(None, "max") as max_scope:
            max_var = metric_variable([], _dtypes.float64, name=max_scope)
            max_update = assign_add(max_var, batch_max, name="update")
        with name_scope(None, "total") as total_scope:
            total_var = metric_variable([], _dtypes.float64, name=total_scope)
            total_update = assign_add(total_var, math_ops.reduce_sum(average_precision), name="update")
        value = math_ops.div_no_nan(total_var.value(), max_var.value(), name="mean")
        update_op = math_ops.div_no_nan(total_update, max_update, name="update_op")
        return _publish(value, update_op, metrics_collections, updates_collections)


sparse_average_precision_at_k = average_precision_at_k  # TF1's deprecated name
