"""slim.metrics / tf.contrib.metrics: the streaming_* names of TF 1.15's
contrib, over slimcore.metrics (tf.metrics).

Each ``streaming_X`` is ``tf.metrics.X`` with contrib's argument order,
predictions before labels (``streaming_accuracy(predictions, labels)``), and
the same variables, numbers and (value, update_op) pair. The slim evaluation
idiom works as written::

    names_to_values, names_to_updates = slim.metrics.aggregate_metric_map({
        "accuracy": slim.metrics.streaming_accuracy(predictions, labels),
        "recall_5": slim.metrics.streaming_recall_at_k(logits, labels, 5),
    })
    sess.run(tf.local_variables_initializer())
    for _ in range(num_batches):
        sess.run(list(names_to_updates.values()))
    print(sess.run(names_to_values))

Not here (contrib has them): the streaming_*_at_k forms over sparse labels
other than streaming_sparse_recall_at_k / streaming_sparse_precision_at_k,
streaming_covariance, streaming_pearson_correlation, streaming_concat,
streaming_*_at_sensitivity / specificity, confusion-matrix helpers.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from .. import metrics as _metrics
from ..framework import dtypes as _dtypes
from ..ops import array_ops, nn_ops

if TYPE_CHECKING:  # annotations only
    from ..framework.types import TensorLike
    from ..metrics import Collections, MetricPair

__all__ = [
    "aggregate_metrics",
    "aggregate_metric_map",
    "streaming_mean",
    "streaming_mean_tensor",
    "streaming_accuracy",
    "streaming_precision",
    "streaming_recall",
    "streaming_true_positives",
    "streaming_false_positives",
    "streaming_true_negatives",
    "streaming_false_negatives",
    "streaming_auc",
    "streaming_precision_at_thresholds",
    "streaming_recall_at_thresholds",
    "streaming_mean_absolute_error",
    "streaming_mean_squared_error",
    "streaming_root_mean_squared_error",
    "streaming_mean_relative_error",
    "streaming_mean_cosine_distance",
    "streaming_percentage_less",
    "streaming_mean_iou",
    "streaming_recall_at_k",
    "streaming_sparse_recall_at_k",
    "streaming_sparse_precision_at_k",
]


def _contrib(metric: Callable[..., MetricPair], contrib_name: str, drop: tuple = ()) -> Callable[..., MetricPair]:
    """tf.contrib.metrics.<contrib_name>: `metric` with predictions first
    (when it takes labels and predictions) and without the `drop`ped
    arguments, which contrib's form does not have."""
    params = [
        p.replace(annotation=inspect.Parameter.empty)
        for p in inspect.signature(metric).parameters.values()
        if p.name not in drop
    ]
    names = [p.name for p in params]
    if names[:2] == ["labels", "predictions"]:
        params[0], params[1] = params[1], params[0]
    signature = inspect.Signature(params, return_annotation=inspect.Signature.empty)

    def streaming(*args: Any, **kwargs: Any) -> MetricPair:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        return metric(**bound.arguments)

    streaming.__signature__ = signature  # what inspect and help() show
    streaming.__name__ = streaming.__qualname__ = contrib_name
    streaming.__module__ = __name__
    streaming.__doc__ = (
        f"tf.contrib.metrics.{contrib_name}{signature}: tf.metrics.{metric.__name__} "
        "(slimcore.metrics) with contrib's argument order; same variables, values and update op.\n\n"
        f"Args, Returns, Raises: as tf.metrics.{metric.__name__}."
    )
    return streaming


streaming_mean = _contrib(_metrics.mean, "streaming_mean")
streaming_mean_tensor = _contrib(_metrics.mean_tensor, "streaming_mean_tensor")
streaming_accuracy = _contrib(_metrics.accuracy, "streaming_accuracy")
streaming_precision = _contrib(_metrics.precision, "streaming_precision")
streaming_recall = _contrib(_metrics.recall, "streaming_recall")
streaming_true_positives = _contrib(_metrics.true_positives, "streaming_true_positives")
streaming_false_positives = _contrib(_metrics.false_positives, "streaming_false_positives")
streaming_true_negatives = _contrib(_metrics.true_negatives, "streaming_true_negatives")
streaming_false_negatives = _contrib(_metrics.false_negatives, "streaming_false_negatives")
streaming_auc = _contrib(_metrics.auc, "streaming_auc", drop=("summation_method", "thresholds"))
streaming_precision_at_thresholds = _contrib(_metrics.precision_at_thresholds, "streaming_precision_at_thresholds")
streaming_recall_at_thresholds = _contrib(_metrics.recall_at_thresholds, "streaming_recall_at_thresholds")
streaming_mean_absolute_error = _contrib(_metrics.mean_absolute_error, "streaming_mean_absolute_error")
streaming_mean_squared_error = _contrib(_metrics.mean_squared_error, "streaming_mean_squared_error")
streaming_root_mean_squared_error = _contrib(_metrics.root_mean_squared_error, "streaming_root_mean_squared_error")
streaming_mean_relative_error = _contrib(_metrics.mean_relative_error, "streaming_mean_relative_error")
streaming_mean_cosine_distance = _contrib(_metrics.mean_cosine_distance, "streaming_mean_cosine_distance")
streaming_percentage_less = _contrib(_metrics.percentage_below, "streaming_percentage_less")
streaming_mean_iou = _contrib(_metrics.mean_iou, "streaming_mean_iou")
streaming_sparse_recall_at_k = _contrib(_metrics.recall_at_k, "streaming_sparse_recall_at_k")
streaming_sparse_precision_at_k = _contrib(_metrics.precision_at_k, "streaming_sparse_precision_at_k")


def streaming_recall_at_k(
    predictions: TensorLike,
    labels: TensorLike,
    k: int,
    weights: TensorLike | None = None,
    metrics_collections: Collections = None,
    updates_collections: Collections = None,
    name: str | None = None,
) -> MetricPair:
    """tf.contrib.metrics.streaming_recall_at_k: the streamed weighted mean
    of in_top_k(predictions, labels, k) (TF's tie rule: a class tied with
    the k-th score counts as in the top k). Variables: recall_at_<k>/total,
    recall_at_<k>/count.

    Args:
      predictions: float [batch, num_classes] scores.
      labels: int [batch] class ids.
      k: the number of top classes.
      weights, metrics_collections, updates_collections: as tf.metrics.mean.
      name: the variable scope (default "recall_at_<k>").

    Returns:
      (recall, update_op): float32 scalars.

    Raises:
      ValueError: weights that cannot be broadcast.
    """
    in_top_k = array_ops.cast(nn_ops.in_top_k(predictions, labels, k), _dtypes.float32)
    return _metrics.mean(in_top_k, weights, metrics_collections, updates_collections, name or f"recall_at_{k}")


def aggregate_metrics(*value_update_tuples: MetricPair) -> tuple[list, list]:
    """tf.contrib.metrics.aggregate_metrics: ([values], [update_ops]) from
    (value, update_op) pairs.

    Raises:
      ValueError: no pair given.
    """
    if not value_update_tuples:
        raise ValueError("Expected at least one value_tensor/update_op pair")
    value_ops, update_ops = zip(*value_update_tuples)
    return list(value_ops), list(update_ops)


def aggregate_metric_map(names_to_tuples: Mapping[str, MetricPair]) -> tuple[dict, dict]:
    """tf.contrib.metrics.aggregate_metric_map: ({name: value}, {name:
    update_op}) from {name: (value, update_op)}, in the mapping's order."""
    names = list(names_to_tuples)
    value_ops, update_ops = zip(*names_to_tuples.values()) if names else ((), ())
    return dict(zip(names, value_ops)), dict(zip(names, update_ops))
