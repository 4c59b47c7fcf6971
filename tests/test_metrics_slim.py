"""slim.metrics / tf.contrib.metrics: contrib's streaming_* names are
tf.metrics with predictions first (same variables and numbers), the
aggregate helpers, and streaming_recall_at_k's in_top_k rule."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import slimcore as sc
import slimcore.compat.v1 as tf
from slimcore import slim

RNG = np.random.default_rng(1415)


@pytest.fixture(autouse=True)
def fresh_graph() -> None:
    sc.reset_default_graph()


def test_contrib_metrics_is_slim_metrics():
    assert tf.contrib.metrics is slim.metrics and tf.contrib.slim.metrics is slim.metrics
    import slimcore.compat.v1.contrib.metrics as imported

    assert imported is slim.metrics
    for name in slim.metrics.__all__:
        assert callable(getattr(slim.metrics, name)), name


@pytest.mark.parametrize(
    "name, signature",
    [
        ("streaming_accuracy", "(predictions, labels, weights=None, metrics_collections=None, "),
        ("streaming_mean", "(values, weights=None, metrics_collections=None, "),
        ("streaming_mean_iou", "(predictions, labels, num_classes, weights=None, "),
        ("streaming_auc", "(predictions, labels, weights=None, num_thresholds=200, metrics_collections=None, "),
        ("streaming_sparse_recall_at_k", "(predictions, labels, k, class_id=None, weights=None, "),
        ("streaming_recall_at_k", "(predictions, labels, k, weights=None, metrics_collections=None, "),
        ("streaming_percentage_less", "(values, threshold, weights=None, "),
    ],
)
def test_contrib_signatures(name, signature):
    shown = "({})".format(
        ", ".join(
            p.name if p.default is inspect.Parameter.empty else f"{p.name}={p.default!r}"
            for p in inspect.signature(getattr(slim.metrics, name)).parameters.values()
        )
    )
    assert shown.startswith(signature), shown
    if name == "streaming_auc":
        assert shown.endswith("curve='ROC', name=None)")  # no summation_method in contrib's form


def test_streaming_metrics_take_predictions_first_and_match_tf_metrics():
    labels = np.array([1, 0, 1, 1, 0, 2], np.int64)
    predictions = np.array([1, 1, 1, 0, 0, 2], np.int64)
    scores = RNG.uniform(size=6).astype(np.float32)
    pairs = {
        "accuracy": (slim.metrics.streaming_accuracy(predictions, labels), tf.metrics.accuracy(labels, predictions)),
        "precision": (
            slim.metrics.streaming_precision(predictions > 0, labels > 0, weights=2.0),
            tf.metrics.precision(labels > 0, predictions > 0, weights=2.0),
        ),
        "auc": (
            slim.metrics.streaming_auc(scores, labels > 0, num_thresholds=11),
            tf.metrics.auc(labels > 0, scores, num_thresholds=11),
        ),
        "mean_iou": (
            slim.metrics.streaming_mean_iou(predictions, labels, 3),
            tf.metrics.mean_iou(labels, predictions, 3),
        ),
    }
    names = [v.name for v in sc.local_variables()]
    assert names[:4] == ["accuracy/total:0", "accuracy/count:0", "accuracy_1/total:0", "accuracy_1/count:0"]
    with sc.Session() as sess:
        sess.run(sc.local_variables_initializer())
        for key, ((_, contrib_update), (_, tf_update)) in pairs.items():
            np.testing.assert_allclose(*sess.run([contrib_update, tf_update]), err_msg=key)
        for key, ((contrib_value, _), (tf_value, _)) in pairs.items():
            np.testing.assert_allclose(*sess.run([contrib_value, tf_value]), err_msg=key)


def test_streaming_recall_at_k_is_the_mean_of_in_top_k_with_tf_ties():
    logits = sc.placeholder(sc.float32, [None, 4])
    labels = sc.placeholder(sc.int32, [None])
    value, update = slim.metrics.streaming_recall_at_k(logits, labels, 2)
    assert [v.name for v in sc.local_variables()] == ["recall_at_2/total:0", "recall_at_2/count:0"]
    batches = [
        (np.array([[0.1, 0.5, 0.5, 0.5], [0.9, 0.1, 0.2, 0.3]], np.float32), np.array([3, 2])),  # tie: in, out
        (np.array([[0.0, 1.0, 2.0, 3.0]], np.float32), np.array([2])),
    ]
    with sc.Session() as sess:
        sess.run(sc.local_variables_initializer())
        assert sess.run(update, {logits: batches[0][0], labels: batches[0][1]}) == pytest.approx(0.5)
        assert sess.run(update, {logits: batches[1][0], labels: batches[1][1]}) == pytest.approx(2 / 3)
        assert sess.run(value) == pytest.approx(2 / 3)


def test_aggregate_metric_map_and_aggregate_metrics():
    acc = slim.metrics.streaming_accuracy([1, 2], [1, 3])
    mse = slim.metrics.streaming_mean_squared_error([1.0, 2.0], [1.0, 4.0])
    values, updates = slim.metrics.aggregate_metric_map({"acc": acc, "mse": mse})
    assert list(values) == ["acc", "mse"] and values["acc"] is acc[0] and updates["mse"] is mse[1]
    value_list, update_list = slim.metrics.aggregate_metrics(acc, mse)
    assert value_list == [acc[0], mse[0]] and update_list == [acc[1], mse[1]]
    with pytest.raises(ValueError, match="Expected at least one value_tensor/update_op pair"):
        slim.metrics.aggregate_metrics()
    with sc.Session() as sess:
        sess.run(sc.local_variables_initializer())
        sess.run(list(updates.values()))
        assert sess.run(values) == pytest.approx({"acc": 0.5, "mse": 2.0})
