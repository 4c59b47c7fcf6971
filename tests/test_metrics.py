"""tf.metrics (slimcore.metrics): values after streamed update ops equal
independent numpy formulas (TF 1.15's metrics_impl definitions), variable
names and collections are TF1's, local_variables_initializer resets the
streams, and errors are TF1's."""

from __future__ import annotations

import inspect
import logging

import numpy as np
import pytest

import slimcore as sc
import slimcore.compat.v1 as tf
from slimcore import errors

RNG = np.random.default_rng(14)


@pytest.fixture(autouse=True)
def fresh_graph() -> None:
    sc.reset_default_graph()


def stream(value, update_op, feeds):
    """Runs update_op once per feed dict; returns [(update result, value after)]."""
    out = []
    with sc.Session() as sess:
        sess.run(sc.local_variables_initializer())
        for feed in feeds:
            updated = sess.run(update_op, feed)
            out.append((updated, sess.run(value)))
    return out


# ---------------------------------------------------------------------------
# Means and accuracy
# ---------------------------------------------------------------------------
def test_accuracy_streams_weighted_batches_as_numpy():
    labels = sc.placeholder(sc.int64, [None])
    predictions = sc.placeholder(sc.int64, [None])
    weights = sc.placeholder(sc.float32, [None])
    acc, update = sc.metrics.accuracy(labels, predictions, weights)
    batches = [
        (RNG.integers(0, 3, n), RNG.integers(0, 3, n), RNG.uniform(0, 2, n).astype(np.float32)) for n in (5, 1, 8)
    ]
    feeds = [{labels: lab, predictions: pred, weights: w} for lab, pred, w in batches]
    total = count = 0.0
    for (updated, value), (lab, pred, w) in zip(stream(acc, update, feeds), batches):
        total += np.sum(w * (lab == pred))
        count += np.sum(w)
        np.testing.assert_allclose(updated, total / count, rtol=1e-6)
        np.testing.assert_allclose(value, total / count, rtol=1e-6)


def test_metric_variables_are_local_named_under_the_scope_and_reset_by_the_initializer():
    values = sc.placeholder(sc.float32, [None])
    mean_value, update = sc.metrics.mean(values)
    acc, _ = sc.metrics.accuracy(sc.constant([1, 2]), sc.constant([1, 3]))
    acc2, _ = sc.metrics.accuracy(sc.constant([1, 2]), sc.constant([1, 3]))
    _named, _ = sc.metrics.accuracy(sc.constant([1]), sc.constant([1]), name="top1")
    names = [v.name for v in sc.local_variables()]
    assert names == [
        "mean/total:0",
        "mean/count:0",
        "accuracy/total:0",
        "accuracy/count:0",
        "accuracy_1/total:0",
        "accuracy_1/count:0",
        "top1/total:0",
        "top1/count:0",
    ]
    assert sc.get_collection(sc.GraphKeys.METRIC_VARIABLES) == sc.local_variables()
    assert sc.global_variables() == [] and sc.trainable_variables() == []
    assert mean_value.op.name == "mean/value" and update.op.name == "mean/update_op"
    with sc.Session() as sess:
        sess.run(sc.local_variables_initializer())
        assert sess.run(mean_value) == 0.0  # div_no_nan before any value
        sess.run(update, {values: [1.0, 2.0, 6.0]})
        assert sess.run(mean_value) == pytest.approx(3.0)
        sess.run(sc.local_variables_initializer())
        assert sess.run(mean_value) == 0.0
        sess.run(update, {values: [5.0]})
        assert sess.run(mean_value) == pytest.approx(5.0)
        assert sess.run(acc) == 0.0 and sess.run(acc2) == 0.0


def test_metric_variables_need_the_local_initializer_and_stay_out_of_a_default_saver(tmp_path):
    w = sc.Variable(np.ones([2], np.float32), name="w")
    _, update = sc.metrics.accuracy([1, 0], sc.cast(w > 0, sc.int32))
    saver = sc.train.Saver()
    with sc.Session() as sess:
        sess.run(sc.global_variables_initializer())  # TF1: leaves the metric counters out
        with pytest.raises(errors.FailedPreconditionError, match=r"accuracy/total.*local_variables_initializer"):
            sess.run(update)
        sess.run(sc.local_variables_initializer())
        assert sess.run(update) == pytest.approx(0.5)
        path = saver.save(sess, str(tmp_path / "model"))
    from safetensors.numpy import load_file

    assert sorted(load_file(path if path.endswith(".safetensors") else path + ".safetensors")) == ["w"]


def test_mean_broadcasts_weights_as_tf1_and_rejects_the_others():
    values = sc.placeholder(sc.float32, [4, 3])
    column = sc.placeholder(sc.float32, [4, 1])
    _m_column, u_column = sc.metrics.mean(values, column)
    _m_scalar, u_scalar = sc.metrics.mean(values, 0.5)
    m_squeezed, _u_squeezed = sc.metrics.mean(sc.placeholder(sc.float32, [4]), np.ones([4, 1], np.float32))
    assert m_squeezed.shape.ndims == 0
    v = RNG.normal(size=[4, 3]).astype(np.float32)
    w = RNG.uniform(size=[4, 1]).astype(np.float32)
    with sc.Session() as sess:
        sess.run(sc.local_variables_initializer())
        got_column, got_scalar = sess.run([u_column, u_scalar], {values: v, column: w})
    np.testing.assert_allclose(got_column, np.sum(v * w) / np.sum(np.broadcast_to(w, v.shape)), rtol=1e-5)
    np.testing.assert_allclose(got_scalar, v.mean(), rtol=1e-5)
    with pytest.raises(ValueError, match="weights can not be broadcast to values"):
        sc.metrics.mean(values, np.ones([3], np.float32))  # rank 1 vs 2: TF1 does not expand
    with pytest.raises(ValueError, match="weights can not be broadcast to values"):
        sc.metrics.mean(values, np.ones([4, 2], np.float32))


def test_mean_tensor_is_elementwise_over_batches():
    values = sc.placeholder(sc.float32, [2, 3])
    weights = sc.placeholder(sc.float32, [2, 3])
    mean_t, update = sc.metrics.mean_tensor(values, weights)
    assert [v.name for v in sc.local_variables()] == ["mean/total_tensor:0", "mean/count_tensor:0"]
    batches = [(RNG.normal(size=[2, 3]), RNG.integers(0, 2, [2, 3])) for _ in range(3)]
    batches[0][1][0, 0] = 0  # an element with no weight yet: 0, not NaN
    total, count = np.zeros([2, 3]), np.zeros([2, 3])
    for (updated, value), (v, w) in zip(stream(mean_t, update, [{values: v, weights: w} for v, w in batches]), batches):
        total += v * w
        count += w
        expected = np.divide(total, count, out=np.zeros_like(total), where=count > 0)
        np.testing.assert_allclose(updated, expected, rtol=1e-5)
        np.testing.assert_allclose(value, expected, rtol=1e-5)
    with pytest.raises(ValueError, match="fully defined"):
        sc.metrics.mean_tensor(sc.placeholder(sc.float32, [None, 3]))


@pytest.mark.parametrize(
    "metric, error",
    [
        ("mean_absolute_error", lambda lab, pred: np.abs(pred - lab)),
        ("mean_squared_error", lambda lab, pred: (pred - lab) ** 2),
        ("root_mean_squared_error", lambda lab, pred: (pred - lab) ** 2),
    ],
)
def test_error_metrics_stream_as_numpy(metric, error):
    labels = sc.placeholder(sc.float32, [None, 2])
    predictions = sc.placeholder(sc.float32, [None, 2])
    weights = sc.placeholder(sc.float32, [None, 1])
    value, update = getattr(sc.metrics, metric)(labels, predictions, weights)
    assert sc.local_variables()[0].name == f"{metric}/total:0"
    batches = [tuple(RNG.normal(size=[n, 2]).astype(np.float32) for _ in range(2)) for n in (3, 4)]
    ws = [RNG.uniform(size=[n, 1]).astype(np.float32) for n in (3, 4)]
    feeds = [{labels: lab, predictions: pred, weights: w} for (lab, pred), w in zip(batches, ws)]
    total = count = 0.0
    for (updated, got), (lab, pred), w in zip(stream(value, update, feeds), batches, ws):
        total += np.sum(error(lab, pred) * w)
        count += np.sum(np.broadcast_to(w, lab.shape))
        expected = total / count if metric != "root_mean_squared_error" else np.sqrt(total / count)
        np.testing.assert_allclose([updated, got], [expected, expected], rtol=1e-5)


def test_relative_error_cosine_distance_and_percentage_below():
    lab = np.array([1.0, 2.0, 3.0, 4.0], np.float32)
    pred = np.array([2.0, 2.0, 1.0, 8.0], np.float32)
    norm = np.array([2.0, 0.0, 4.0, 4.0], np.float32)
    _rel, rel_up = sc.metrics.mean_relative_error(lab, pred, norm)
    _below, below_up = sc.metrics.percentage_below(pred, 2.5, weights=[1.0, 0.0, 1.0, 2.0])
    a = RNG.normal(size=[3, 4]).astype(np.float32)
    b = RNG.normal(size=[3, 4]).astype(np.float32)
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    b /= np.linalg.norm(b, axis=1, keepdims=True)
    _cos, cos_up = sc.metrics.mean_cosine_distance(a, b, dim=1)
    with sc.Session() as sess:
        sess.run(sc.local_variables_initializer())
        got = sess.run([rel_up, below_up, cos_up])
    np.testing.assert_allclose(got[0], np.mean([0.5, 0.0, 0.5, 1.0]), rtol=1e-6)
    np.testing.assert_allclose(got[1], 2.0 / 4.0, rtol=1e-6)
    np.testing.assert_allclose(got[2], 1.0 - np.mean(np.sum(a * b, axis=1)), rtol=1e-5)


# ---------------------------------------------------------------------------
# Counts, precision, recall
# ---------------------------------------------------------------------------
def np_counts(lab, pred, w):
    lab, pred = lab.astype(bool), pred.astype(bool)
    return {
        "true_positives": np.sum(w * (lab & pred)),
        "false_positives": np.sum(w * (~lab & pred)),
        "true_negatives": np.sum(w * (~lab & ~pred)),
        "false_negatives": np.sum(w * (lab & ~pred)),
    }


def test_condition_counts_precision_and_recall_stream_as_numpy():
    labels = sc.placeholder(sc.int32, [None])
    predictions = sc.placeholder(sc.float32, [None])  # cast to bool: nonzero is True
    weights = sc.placeholder(sc.float32, [None])
    metrics = {
        name: getattr(sc.metrics, name)(labels, predictions, weights)
        for name in ("true_positives", "false_positives", "true_negatives", "false_negatives", "precision", "recall")
    }
    assert "precision/true_positives/count:0" in [v.name for v in sc.local_variables()]
    assert "recall/false_negatives/count:0" in [v.name for v in sc.local_variables()]
    sums = dict.fromkeys(("true_positives", "false_positives", "true_negatives", "false_negatives"), 0.0)
    with sc.Session() as sess:
        sess.run(sc.local_variables_initializer())
        assert sess.run(metrics["precision"][0]) == 0.0  # tp + fp == 0: 0, as TF1
        for n in (6, 3, 9):
            lab = RNG.integers(0, 2, n)
            pred = RNG.integers(0, 2, n).astype(np.float32) * RNG.uniform(0.5, 2, n).astype(np.float32)
            w = RNG.uniform(0, 1, n).astype(np.float32)
            updated = sess.run({k: u for k, (_, u) in metrics.items()}, {labels: lab, predictions: pred, weights: w})
            values = sess.run({k: v for k, (v, _) in metrics.items()})
            for key, count in np_counts(lab, pred, w).items():
                sums[key] += count
            expected = dict(sums)
            expected["precision"] = sums["true_positives"] / (sums["true_positives"] + sums["false_positives"])
            expected["recall"] = sums["true_positives"] / (sums["true_positives"] + sums["false_negatives"])
            for key, want in expected.items():
                np.testing.assert_allclose(updated[key], want, rtol=1e-5, err_msg=key)
                np.testing.assert_allclose(values[key], want, rtol=1e-5, err_msg=key)


def test_counts_reject_weights_of_another_rank():
    with pytest.raises(ValueError, match="weights must be a scalar or of the values' rank"):
        sc.metrics.true_positives(np.ones([2, 2]), np.ones([2, 2]), weights=np.ones([2, 2, 2, 2]))


def np_at_thresholds(lab, pred, w, thresholds):
    t = np.asarray(thresholds, np.float32)[:, None]
    lab = lab.astype(bool).reshape(1, -1)
    pos = pred.astype(np.float32).reshape(1, -1) > t
    w = np.broadcast_to(w, pred.shape).reshape(1, -1).astype(np.float64)
    return {
        "tp": np.sum(w * (lab & pos), 1),
        "fn": np.sum(w * (lab & ~pos), 1),
        "tn": np.sum(w * (~lab & ~pos), 1),
        "fp": np.sum(w * (~lab & pos), 1),
    }


def test_counts_and_ratios_at_thresholds_stream_as_numpy():
    thresholds = [0.0, 0.25, 0.5, 0.75, 1.0]
    labels = sc.placeholder(sc.bool, [None, 1])
    predictions = sc.placeholder(sc.float32, [None, 1])
    weights = sc.placeholder(sc.float32, [None])  # one rank below: expanded as TF1
    made = {
        "tp": sc.metrics.true_positives_at_thresholds(labels, predictions, thresholds, weights),
        "fp": sc.metrics.false_positives_at_thresholds(labels, predictions, thresholds, weights),
        "tn": sc.metrics.true_negatives_at_thresholds(labels, predictions, thresholds, weights),
        "fn": sc.metrics.false_negatives_at_thresholds(labels, predictions, thresholds, weights),
        "precision": sc.metrics.precision_at_thresholds(labels, predictions, thresholds, weights),
        "recall": sc.metrics.recall_at_thresholds(labels, predictions, thresholds, weights),
    }
    names = [v.name for v in sc.local_variables()]
    assert names[:2] == ["true_positives/true_positives:0", "false_positives/false_positives:0"]
    assert "precision_at_thresholds/true_positives:0" in names
    assert "recall_at_thresholds/false_negatives:0" in names
    sums = {k: np.zeros(len(thresholds)) for k in ("tp", "fp", "tn", "fn")}
    with sc.Session() as sess:
        sess.run(sc.local_variables_initializer())
        for n in (7, 5):
            lab = RNG.integers(0, 2, [n, 1]).astype(bool)
            pred = RNG.uniform(size=[n, 1]).astype(np.float32)
            pred[0, 0], pred[-1, 0] = 0.5, 1.0  # on a threshold: not above it
            w = RNG.uniform(size=[n]).astype(np.float32)
            feed = {labels: lab, predictions: pred, weights: w}
            updated = sess.run({k: u for k, (_, u) in made.items()}, feed)
            values = sess.run({k: v for k, (v, _) in made.items()})
            for key, count in np_at_thresholds(lab, pred, w[:, None], thresholds).items():
                sums[key] += count
            expected = dict(sums)
            expected["precision"] = sums["tp"] / (sums["tp"] + sums["fp"] + 1e-7)
            expected["recall"] = sums["tp"] / (sums["tp"] + sums["fn"] + 1e-7)
            for key, want in expected.items():
                np.testing.assert_allclose(updated[key], want, rtol=1e-5, atol=1e-6, err_msg=key)
                np.testing.assert_allclose(values[key], want, rtol=1e-5, atol=1e-6, err_msg=key)


def test_threshold_metrics_check_predictions_in_unit_interval_when_run():
    predictions = sc.placeholder(sc.float32, [None])
    _, update = sc.metrics.auc(np.array([True, False]), predictions)
    with sc.Session() as sess:
        sess.run(sc.local_variables_initializer())
        sess.run(update, {predictions: [0.0, 1.0]})
        with pytest.raises(errors.InvalidArgumentError, match=r"predictions must be in \[0, 1\]"):
            sess.run(update, {predictions: [0.5, 1.5]})
    with pytest.raises(ValueError, match="Invalid key"):
        sc.metrics._confusion_matrix_at_thresholds([True], [0.5], [0.5], includes=("xx",))


# ---------------------------------------------------------------------------
# AUC
# ---------------------------------------------------------------------------
def np_auc(lab, pred, w, num_thresholds=200, curve="ROC", summation_method="trapezoidal", thresholds=None):
    """TF 1.15's auc written out in numpy (float64 after float32 thresholds)."""
    if thresholds is None:
        inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    else:
        inner = sorted(thresholds)
    all_t = [-1e-7, *inner, 1.0 + 1e-7]
    c = np_at_thresholds(lab, pred, w, all_t)
    tp, fn, tn, fp = c["tp"], c["fn"], c["tn"], c["fp"]
    eps = 1e-6
    if curve == "PR" and summation_method == "careful_interpolation":
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = np.maximum(p[:-1] - p[1:], 0)
        slope = np.divide(dtp, dp, out=np.zeros_like(dtp), where=dp != 0)
        intercept = tp[1:] - slope * p[1:]
        both = (p[:-1] > 0) & (p[1:] > 0)
        ratio = np.where(both, p[:-1] / np.where(both, p[1:], 1), 1.0)
        denom = np.maximum(tp[1:] + fn[1:], 0)
        num = slope * (dtp + intercept * np.log(ratio))
        return np.sum(np.divide(num, denom, out=np.zeros_like(num), where=denom != 0))
    rec = (tp + eps) / (tp + fn + eps)
    if curve == "ROC":
        x, y = fp / (fp + tn + eps), rec
    else:
        x, y = rec, (tp + eps) / (tp + fp + eps)
    height = {
        "trapezoidal": (y[:-1] + y[1:]) / 2,
        "careful_interpolation": (y[:-1] + y[1:]) / 2,
        "minoring": np.minimum(y[:-1], y[1:]),
        "majoring": np.maximum(y[:-1], y[1:]),
    }[summation_method]
    return np.sum((x[:-1] - x[1:]) * height)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"num_thresholds": 7},
        {"curve": "PR"},
        {"curve": "PR", "summation_method": "careful_interpolation"},
        {"curve": "ROC", "summation_method": "careful_interpolation"},
        {"summation_method": "minoring"},
        {"curve": "PR", "summation_method": "majoring"},
        {"thresholds": [0.7, 0.2, 0.5]},
    ],
)
def test_auc_streams_as_tf1_formula(kwargs):
    labels = sc.placeholder(sc.int64, [None])
    predictions = sc.placeholder(sc.float32, [None])
    weights = sc.placeholder(sc.float32, [None])
    value, update = sc.metrics.auc(labels, predictions, weights, **kwargs)
    n = len(kwargs["thresholds"]) + 2 if "thresholds" in kwargs else kwargs.get("num_thresholds", 200)
    assert [v.name for v in sc.local_variables()] == [
        "auc/true_positives:0",
        "auc/false_negatives:0",
        "auc/true_negatives:0",
        "auc/false_positives:0",
    ]
    assert sc.local_variables()[0].shape.as_list() == [n]
    seen = [np.zeros(0, np.int64), np.zeros(0, np.float32), np.zeros(0, np.float32)]
    batches = []
    for size in (20, 1, 33):
        lab = RNG.integers(0, 2, size)
        pred = np.clip(RNG.normal(0.35 + 0.3 * lab, 0.25), 0, 1).astype(np.float32)
        batches.append((lab, pred, RNG.uniform(0.2, 1, size).astype(np.float32)))
    feeds = [{labels: lab, predictions: pred, weights: w} for lab, pred, w in batches]
    for (updated, got), batch in zip(stream(value, update, feeds), batches):
        seen = [np.concatenate([s, b]) for s, b in zip(seen, batch)]
        want = np_auc(*seen, **kwargs)
        np.testing.assert_allclose([updated, got], [want, want], rtol=2e-5, atol=1e-6)


def test_auc_roc_is_close_to_the_exact_area_and_checks_its_arguments(caplog):
    lab = RNG.integers(0, 2, 400)
    pred = np.clip(RNG.normal(0.4 + 0.2 * lab, 0.2), 0, 1).astype(np.float32)
    _value, update = sc.metrics.auc(lab, pred)
    with sc.Session() as sess:
        sess.run(sc.local_variables_initializer())
        got = sess.run(update)
    pos, neg = pred[lab == 1], pred[lab == 0]
    exact = np.mean((pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :]))
    assert abs(got - exact) < 5e-3  # 200 thresholds approximate the Mann-Whitney area
    with pytest.raises(ValueError, match="Curve must be either ROC or PR"):
        sc.metrics.auc(lab, pred, curve="roc")
    with pytest.raises(ValueError, match="Invalid summation_method"):
        sc.metrics.auc(lab, pred, summation_method="simpson")
    with pytest.raises(ValueError, match="num_thresholds must be >= 2"):
        sc.metrics.auc(lab, pred, num_thresholds=1)
    with caplog.at_level(logging.WARNING, logger="tensorflow"):
        sc.metrics.auc(lab, pred, curve="PR")
    assert "careful_interpolation" in caplog.text


def np_rate_at_rate(kind, lab, pred, w, target, num_thresholds=200):
    inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    c = np_at_thresholds(lab, pred, w, [-1e-7, *inner, 1.0 + 1e-7])
    tp, fn, tn, fp = c["tp"], c["fn"], c["tn"], c["fp"]
    if kind == "sensitivity_at_specificity":
        i = np.argmin(np.abs(tn / (tn + fp + 1e-7) - target))  # first on ties
        return tp[i] / (tp[i] + fn[i] + 1e-7)
    distance = np.abs(tp / (tp + fn + 1e-7) - target)
    i = np.flatnonzero(distance == distance.min())[-1]  # last on ties
    return tn[i] / (tn[i] + fp[i] + 1e-7)


@pytest.mark.parametrize(
    "kind, target, num_thresholds",
    [
        ("sensitivity_at_specificity", 0.7, 200),
        ("sensitivity_at_specificity", 0.5, 5),
        ("specificity_at_sensitivity", 0.8, 200),
        ("specificity_at_sensitivity", 1.0, 5),
    ],
)
def test_rate_at_rate_streams_as_tf1_formula(kind, target, num_thresholds):
    labels = sc.placeholder(sc.bool, [None])
    predictions = sc.placeholder(sc.float32, [None])
    value, update = getattr(sc.metrics, kind)(labels, predictions, target, num_thresholds=num_thresholds)
    assert sc.local_variables()[0].name == f"{kind}/true_positives:0"
    seen_lab, seen_pred = np.zeros(0, bool), np.zeros(0, np.float32)
    batches = []
    for n in (30, 17):
        lab = RNG.integers(0, 2, n).astype(bool)
        batches.append((lab, np.clip(RNG.normal(0.4 + 0.2 * lab, 0.2), 0, 1).astype(np.float32)))
    for (updated, got), (lab, pred) in zip(
        stream(value, update, [{labels: a, predictions: b} for a, b in batches]), batches
    ):
        seen_lab, seen_pred = np.concatenate([seen_lab, lab]), np.concatenate([seen_pred, pred])
        want = np_rate_at_rate(kind, seen_lab, seen_pred, np.ones_like(seen_pred), target, num_thresholds)
        np.testing.assert_allclose([updated, got], [want, want], rtol=1e-5)
    with pytest.raises(ValueError, match=r"must be in the range \[0, 1\]"):
        getattr(sc.metrics, kind)(labels, predictions, 1.5)


# ---------------------------------------------------------------------------
# Confusion matrix: mean IoU, per-class accuracy
# ---------------------------------------------------------------------------
def np_confusion(lab, pred, n, w):
    cm = np.zeros([n, n])
    np.add.at(cm, (lab.ravel(), pred.ravel()), np.broadcast_to(w, lab.shape).ravel())
    return cm


def np_mean_iou(cm):
    diag = np.diag(cm)
    denom = cm.sum(0) + cm.sum(1) - diag
    valid = denom != 0
    return np.sum(diag[valid] / denom[valid]) / max(valid.sum(), 1) if valid.any() else 0.0


def test_mean_iou_streams_the_confusion_matrix_as_numpy():
    n = 4
    labels = sc.placeholder(sc.int32, [None, 3])
    predictions = sc.placeholder(sc.int64, [None, 3])
    weights = sc.placeholder(sc.float32, [None, 3])
    value, update = sc.metrics.mean_iou(labels, predictions, n, weights)
    (cm_var,) = sc.local_variables()
    assert cm_var.name == "mean_iou/total_confusion_matrix:0" and cm_var.dtype == sc.float64
    cm = np.zeros([n, n])
    batches = [
        (RNG.integers(0, 3, [2, 3]), RNG.integers(0, 3, [2, 3]), RNG.integers(0, 3, [2, 3]).astype(np.float32)),
        (RNG.integers(0, 3, [5, 3]), RNG.integers(0, 3, [5, 3]), np.ones([5, 3], np.float32)),
    ]  # class 3 never appears: left out of the mean
    feeds = [{labels: lab, predictions: pred, weights: w} for lab, pred, w in batches]
    for (updated, got), (lab, pred, w) in zip(stream(value, update, feeds), batches):
        cm += np_confusion(lab, pred, n, w)
        np.testing.assert_allclose(updated, cm)  # the update op returns the matrix, as TF1
        np.testing.assert_allclose(got, np_mean_iou(cm), rtol=1e-6)
    with sc.Session() as sess:
        sess.run(sc.local_variables_initializer())
        assert sess.run(value) == 0.0  # no class seen yet


@pytest.mark.parametrize(
    "lab, pred, message",
    [([0, 3], [0, 1], "`labels` out of bound"), ([0, 1], [-1, 1], "`predictions` contains negative values")],
)
def test_mean_iou_checks_class_ids_when_run(lab, pred, message):
    labels = sc.placeholder(sc.int32, [2])
    predictions = sc.placeholder(sc.int32, [2])
    _, update = sc.metrics.mean_iou(labels, predictions, 3)
    with sc.Session() as sess:
        sess.run(sc.local_variables_initializer())
        with pytest.raises(errors.InvalidArgumentError, match=message):
            sess.run(update, {labels: lab, predictions: pred})


def test_mean_iou_and_per_class_accuracy_check_num_classes():
    with pytest.raises(TypeError, match="num_classes must be a Python int"):
        sc.metrics.mean_iou([0], [0], sc.constant(3))
    with pytest.raises(ValueError, match="num_classes must be >= 1"):
        sc.metrics.mean_per_class_accuracy([0], [0], 0)


def test_mean_per_class_accuracy_streams_as_numpy():
    n = 3
    labels = sc.placeholder(sc.int64, [None])
    predictions = sc.placeholder(sc.int64, [None])
    value, update = sc.metrics.mean_per_class_accuracy(labels, predictions, n, weights=2.0)
    assert [v.name for v in sc.local_variables()] == ["mean_accuracy/total:0", "mean_accuracy/count:0"]
    seen = np.zeros(n)
    correct = np.zeros(n)
    batches = [(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1])), (np.array([0, 1]), np.array([0, 0]))]
    for (updated, got), (lab, pred) in zip(
        stream(value, update, [{labels: a, predictions: b} for a, b in batches]), batches
    ):
        np.add.at(seen, lab, 2.0)
        np.add.at(correct, lab, 2.0 * (lab == pred))
        per_class = np.divide(correct, seen, out=np.zeros(n), where=seen > 0)
        np.testing.assert_allclose(updated, per_class, rtol=1e-6)
        np.testing.assert_allclose(got, per_class.mean(), rtol=1e-6)  # class 2, unseen, counts as 0


# ---------------------------------------------------------------------------
# Top k over label sets
# ---------------------------------------------------------------------------
def np_set_counts(labels, scores, k, class_id, w):
    top = np.argsort(-scores, axis=-1, kind="stable")[:, :k]  # ties: lowest index first, as top_k
    tp = fn = fp = 0.0
    for row_labels, row_top, row_w in zip(labels, top, w):
        label_set, pred_set = set(row_labels.tolist()), set(row_top.tolist())
        if class_id is not None:
            label_set &= {class_id}
            pred_set &= {class_id}
        tp += row_w * len(label_set & pred_set)
        fn += row_w * len(label_set - pred_set)
        fp += row_w * len(pred_set - label_set)
    return tp, fn, fp


@pytest.mark.parametrize("class_id", [None, 2])
def test_recall_and_precision_at_k_stream_label_sets_as_numpy(class_id):
    k, num_classes = 2, 5
    labels = sc.placeholder(sc.int64, [None, 3])
    scores = sc.placeholder(sc.float32, [None, num_classes])
    weights = sc.placeholder(sc.float32, [None])
    recall, recall_update = sc.metrics.recall_at_k(labels, scores, k, class_id=class_id, weights=weights)
    precision, precision_update = sc.metrics.precision_at_k(labels, scores, k, class_id=class_id, weights=weights)
    suffix = "" if class_id is None else f"_class{class_id}"
    assert [v.name for v in sc.local_variables()] == [
        f"recall_at_2{suffix}/true_positive_at_2{suffix}:0",
        f"recall_at_2{suffix}/false_negative_at_2{suffix}:0",
        f"precision_at_2{suffix}/true_positive_at_2{suffix}:0",
        f"precision_at_2{suffix}/false_positive_at_2{suffix}:0",
    ]
    assert recall.dtype == sc.float64
    tp = fn = fp = 0.0
    with sc.Session() as sess:
        sess.run(sc.local_variables_initializer())
        assert np.isnan(sess.run(recall))  # 0 / 0 before any label, as TF1's plain division
        for n in (6, 4):
            lab = RNG.integers(0, num_classes + 1, [n, 3])  # repeats, and id 5 that no prediction matches
            lab[0] = [2, 2, 2]
            sco = RNG.integers(0, 4, [n, num_classes]).astype(np.float32)  # ties
            w = RNG.uniform(0.5, 1.5, n).astype(np.float32)
            feed = {labels: lab, scores: sco, weights: w}
            got_recall, got_precision = sess.run([recall_update, precision_update], feed)
            d_tp, d_fn, d_fp = np_set_counts(lab, sco, k, class_id, w.astype(np.float64))
            tp, fn, fp = tp + d_tp, fn + d_fn, fp + d_fp
            np.testing.assert_allclose(got_recall, tp / (tp + fn), rtol=1e-6)
            np.testing.assert_allclose(got_precision, tp / (tp + fp), rtol=1e-6)
            np.testing.assert_allclose(sess.run([recall, precision]), [tp / (tp + fn), tp / (tp + fp)], rtol=1e-6)


def np_average_precision(labels, scores, k):
    top = np.argsort(-scores, axis=-1, kind="stable")[:, :k]
    out = []
    for row_labels, row_top in zip(labels, top):
        relevant = np.array([t in set(row_labels.tolist()) for t in row_top], float)
        precision = np.cumsum(relevant) / np.arange(1, k + 1)
        out.append(np.sum(precision * relevant) / min(labels.shape[-1], k))
    return np.array(out)


def test_average_precision_at_k_streams_as_numpy():
    k = 3
    labels = sc.placeholder(sc.int64, [None, 2])
    scores = sc.placeholder(sc.float32, [None, 6])
    weights = sc.placeholder(sc.float32, [None])
    value, update = sc.metrics.average_precision_at_k(labels, scores, k, weights=weights)
    assert [v.name for v in sc.local_variables()] == ["average_precision_at_3/max:0", "average_precision_at_3/total:0"]
    assert sc.metrics.sparse_average_precision_at_k is sc.metrics.average_precision_at_k
    total = weight_sum = 0.0
    with sc.Session() as sess:
        sess.run(sc.local_variables_initializer())
        assert sess.run(value) == 0.0  # div_no_nan before any row
        for n in (5, 3):
            lab = RNG.integers(0, 6, [n, 2])
            sco = RNG.uniform(size=[n, 6]).astype(np.float32)
            w = RNG.uniform(0.5, 1.5, n).astype(np.float32)
            got = sess.run(update, {labels: lab, scores: sco, weights: w})
            total += np.sum(w * np_average_precision(lab, sco, k))
            weight_sum += np.sum(w)
            np.testing.assert_allclose([got, sess.run(value)], [total / weight_sum] * 2, rtol=1e-6)
    with pytest.raises(ValueError, match="Invalid k=0"):
        sc.metrics.average_precision_at_k(labels, scores, 0)


def test_recall_at_k_takes_one_label_per_row_and_checks_its_arguments():
    value, update = sc.metrics.recall_at_k(np.array([1, 0, 3]), np.eye(4, dtype=np.float32)[[1, 2, 0]], 1)
    idx_value, idx_update = sc.metrics.recall_at_top_k(np.array([[1], [0]]), np.array([[1, 0], [2, 3]]))
    assert [v.name for v in sc.local_variables()][2] == "recall_at_k/true_positive_at_k:0"
    with sc.Session() as sess:
        sess.run(sc.local_variables_initializer())
        assert sess.run(update) == pytest.approx(1 / 3)
        assert sess.run(idx_update) == pytest.approx(1 / 2)
        assert sess.run([value, idx_value]) == pytest.approx([1 / 3, 1 / 2])
    with pytest.raises(ValueError, match="k must be an int >= 1"):
        sc.metrics.precision_at_k([1], [[0.5, 0.5]], 0)
    with pytest.raises(TypeError, match="integer class ids"):
        sc.metrics.recall_at_k([1.0], [[0.5, 0.5]], 1)
    with pytest.raises(ValueError, match="Unexpected labels shape"):
        sc.metrics.recall_at_k(np.zeros([2, 1, 1], np.int64), np.zeros([2, 3], np.float32), 1)


# ---------------------------------------------------------------------------
# Collections, TF1 surface, tf.estimator
# ---------------------------------------------------------------------------
def test_metrics_and_updates_collections():
    value, update = sc.metrics.recall([1, 0], [1, 1], metrics_collections=["m"], updates_collections=["u", "v"])
    auc_value, _auc_update = sc.metrics.auc([1, 0], [0.9, 0.2], metrics_collections="m")
    assert sc.get_collection("m") == [value, auc_value]
    assert sc.get_collection("u") == [update] and sc.get_collection("v") == [update]


_COLLECTIONS_AND_NAME = "metrics_collections=None, updates_collections=None, name=None"
_PAIR = "labels, predictions"
TF1_SIGNATURES = {
    "mean": f"values, weights=None, {_COLLECTIONS_AND_NAME}",
    "mean_tensor": f"values, weights=None, {_COLLECTIONS_AND_NAME}",
    "accuracy": f"{_PAIR}, weights=None, {_COLLECTIONS_AND_NAME}",
    "auc": f"{_PAIR}, weights=None, num_thresholds=200, metrics_collections=None, updates_collections=None, "
    "curve='ROC', name=None, summation_method='trapezoidal', thresholds=None",
    "mean_iou": f"{_PAIR}, num_classes, weights=None, {_COLLECTIONS_AND_NAME}",
    "mean_per_class_accuracy": f"{_PAIR}, num_classes, weights=None, {_COLLECTIONS_AND_NAME}",
    "mean_relative_error": f"{_PAIR}, normalizer, weights=None, {_COLLECTIONS_AND_NAME}",
    "mean_cosine_distance": f"{_PAIR}, dim, weights=None, {_COLLECTIONS_AND_NAME}",
    "percentage_below": f"values, threshold, weights=None, {_COLLECTIONS_AND_NAME}",
    "sensitivity_at_specificity": f"{_PAIR}, specificity, weights=None, num_thresholds=200, {_COLLECTIONS_AND_NAME}",
    "specificity_at_sensitivity": f"{_PAIR}, sensitivity, weights=None, num_thresholds=200, {_COLLECTIONS_AND_NAME}",
}
for _name in (
    "mean_absolute_error",
    "mean_squared_error",
    "root_mean_squared_error",
    "precision",
    "recall",
    "true_positives",
    "false_positives",
    "true_negatives",
    "false_negatives",
):
    TF1_SIGNATURES[_name] = f"{_PAIR}, weights=None, {_COLLECTIONS_AND_NAME}"
for _name in ("average_precision_at_k", "sparse_average_precision_at_k"):
    TF1_SIGNATURES[_name] = f"{_PAIR}, k, weights=None, {_COLLECTIONS_AND_NAME}"
for _name in ("recall_at_k", "precision_at_k", "sparse_precision_at_k"):
    TF1_SIGNATURES[_name] = f"{_PAIR}, k, class_id=None, weights=None, {_COLLECTIONS_AND_NAME}"
for _name in ("recall_at_top_k", "precision_at_top_k"):
    TF1_SIGNATURES[_name] = f"labels, predictions_idx, k=None, class_id=None, weights=None, {_COLLECTIONS_AND_NAME}"
for _name in ("precision", "recall", "true_positives", "false_positives", "true_negatives", "false_negatives"):
    TF1_SIGNATURES[f"{_name}_at_thresholds"] = f"{_PAIR}, thresholds, weights=None, {_COLLECTIONS_AND_NAME}"


@pytest.mark.parametrize("name", sorted(TF1_SIGNATURES))
def test_tf1_signatures(name):
    fn = getattr(tf.metrics, name)
    shown = ", ".join(
        p.name if p.default is inspect.Parameter.empty else f"{p.name}={p.default!r}"
        for p in inspect.signature(fn).parameters.values()
    )
    assert shown == TF1_SIGNATURES[name]
    assert fn.__doc__ and f"tf.metrics.{name.removeprefix('sparse_')}" in fn.__doc__


def test_compat_v1_exports_metrics():
    assert tf.metrics is sc.metrics
    assert tf.compat.v1.metrics is sc.metrics
    assert tf.GraphKeys.METRIC_VARIABLES == "metric_variables"
    import slimcore.compat.v1.metrics as imported

    assert imported is sc.metrics
    assert set(TF1_SIGNATURES) | {"metric_variable"} == set(sc.metrics.__all__)


def test_estimator_names_raise_an_import_error_pointing_to_slim_learning_and_keras():
    from slimcore.compat.v1 import estimator as tf_estimator  # imports, as TF1's

    assert tf.estimator is tf_estimator and tf.compat.v1.estimator is tf_estimator
    with pytest.raises(tf_estimator.EstimatorNotSupportedError) as info:
        tf.estimator.Estimator  # noqa: B018 -- the attribute access TF1 programs make
    assert isinstance(info.value, ImportError)
    message = str(info.value)
    assert message.startswith("tf.estimator.Estimator: tf.estimator is not supported by slimcore")
    assert "slimcore.slim.learning" in message and "slimcore.keras" in message and "tf.metrics" in message
    with pytest.raises(ImportError, match=r"tf\.estimator\.ModeKeys: "):
        tf.estimator.ModeKeys.TRAIN  # noqa: B018
    with pytest.raises(ImportError, match=r"tf\.estimator\.EstimatorSpec: "):
        from slimcore.compat.v1.estimator import EstimatorSpec  # noqa: F401
    with pytest.raises(ImportError):
        hasattr(tf.estimator, "RunConfig")  # loud, not False
    assert not hasattr(tf.estimator, "__path__")  # dunders stay plain misses for importlib and inspect


def test_tf1_eval_loop_after_training_a_slim_model():
    """A TF1 program: train a slim classifier, then stream tf.metrics over
    evaluation batches; the values equal numpy's on the fetched outputs."""
    slim = tf.contrib.slim
    x = tf.placeholder(tf.float32, [None, 4])
    y = tf.placeholder(tf.int64, [None])
    hidden = slim.fully_connected(x, 8, weights_regularizer=slim.l2_regularizer(1e-3))
    logits = slim.fully_connected(hidden, 3, activation_fn=None)
    tf.losses.sparse_softmax_cross_entropy(y, logits)
    train_op = slim.learning.create_train_op(tf.losses.get_total_loss(), tf.train.AdamOptimizer(0.05))
    predicted = tf.argmax(logits, 1)
    probability_of_1 = tf.nn.softmax(logits)[:, 1]
    names_to_values, names_to_updates = slim.metrics.aggregate_metric_map(
        {
            "accuracy": tf.metrics.accuracy(y, predicted),
            "auc_class1": tf.metrics.auc(tf.equal(y, 1), probability_of_1),
            "mean_iou": tf.metrics.mean_iou(y, predicted, 3),
            "recall_at_2": tf.metrics.recall_at_k(y, logits, 2),
        }
    )
    centers = RNG.normal(size=[3, 4]) * 3

    def batch(n):
        labels = RNG.integers(0, 3, n)
        return (centers[labels] + RNG.normal(size=[n, 4])).astype(np.float32), labels

    with tf.Session() as sess:
        sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
        for _ in range(30):
            xs, ys = batch(32)
            sess.run(train_op, {x: xs, y: ys})
        outputs = []
        for n in (10, 7, 12):
            xs, ys = batch(n)
            _, out_logits, out_p1 = sess.run([names_to_updates, logits, probability_of_1], {x: xs, y: ys})
            outputs.append((ys, out_logits, out_p1))
        got = sess.run(names_to_values)
    ys = np.concatenate([o[0] for o in outputs])
    out_logits = np.concatenate([o[1] for o in outputs])
    p1 = np.concatenate([o[2] for o in outputs])  # the engine's softmax: thresholds compare the same floats
    pred = out_logits.argmax(1)
    np.testing.assert_allclose(p1, np.exp(out_logits[:, 1]) / np.exp(out_logits).sum(1), rtol=1e-5)
    cm = np_confusion(ys, pred, 3, np.ones(len(ys)))
    np.testing.assert_allclose(got["accuracy"], np.mean(pred == ys), rtol=1e-6)
    assert got["accuracy"] > 0.8  # the model learnt: the metrics measure something real
    np.testing.assert_allclose(got["auc_class1"], np_auc(ys == 1, p1, np.ones(len(ys))), rtol=1e-4)
    np.testing.assert_allclose(got["mean_iou"], np_mean_iou(cm), rtol=1e-6)
    top2 = np.argsort(-out_logits, axis=1, kind="stable")[:, :2]
    np.testing.assert_allclose(got["recall_at_2"], np.mean([t in row for t, row in zip(ys, top2)]), rtol=1e-6)
