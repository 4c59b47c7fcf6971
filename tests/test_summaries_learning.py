"""slim.learning.train: the loop, resume from logdir, Ctrl-C, summaries and
checkpoints, and the loss split written for TensorBoard."""

import logging
import os

import numpy as np
import pytest
from tensorboard.backend.event_processing import event_accumulator

import slimcore as tf
import slimcore.slim as slim


def _model(optimizer=None, penalize="weights"):
    """A full-batch softmax regression (deterministic steps) with an L2 penalty on `penalize`."""
    rng = np.random.default_rng(0)
    x = tf.constant(rng.normal(size=(16, 4)).astype(np.float32))
    y = tf.constant(rng.integers(0, 3, 16))
    with slim.arg_scope([slim.fully_connected], weights_initializer=tf.constant_initializer(0.1)):
        regularizer = {f"{penalize}_regularizer": slim.l2_regularizer(0.01)}
        logits = slim.fully_connected(x, 3, activation_fn=None, **regularizer)
    tf.losses.sparse_softmax_cross_entropy(y, logits)
    total = tf.losses.get_total_loss()
    return slim.learning.create_train_op(total, optimizer or tf.train.MomentumOptimizer(0.1, 0.9))


def _read(logdir):
    acc = event_accumulator.EventAccumulator(str(logdir), size_guidance={"scalars": 0, "histograms": 0})
    acc.Reload()
    return acc


def _weights(logdir):
    tf.reset_default_graph()
    _model()
    with tf.Session() as sess:
        tf.train.Saver().restore(sess, tf.train.latest_checkpoint(str(logdir)))
        return sess.run(tf.trainable_variables())


def test_train_runs_to_number_of_steps_and_checkpoints(tmp_path):
    train_op = _model()
    loss = slim.learning.train(train_op, str(tmp_path), number_of_steps=4)
    assert tf.train.latest_checkpoint(str(tmp_path)).endswith("model.ckpt-4")
    # The returned loss is the 4th step's: rerun 4 steps by hand from the same start.
    tf.reset_default_graph()
    train_op = _model()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        by_hand = [sess.run(train_op) for _ in range(4)]
    assert loss == pytest.approx(by_hand[-1], rel=1e-6)


def test_resume_continues_from_the_latest_checkpoint(tmp_path):
    calls = []
    slim.learning.train(_model(), str(tmp_path / "split"), number_of_steps=3, init_fn=calls.append)
    assert len(calls) == 1
    tf.reset_default_graph()
    slim.learning.train(_model(), str(tmp_path / "split"), number_of_steps=6, init_fn=calls.append)
    assert len(calls) == 1  # restored: init_fn not called again
    assert tf.train.latest_checkpoint(str(tmp_path / "split")).endswith("model.ckpt-6")
    tf.reset_default_graph()
    slim.learning.train(_model(), str(tmp_path / "whole"), number_of_steps=6)
    for a, b in zip(_weights(tmp_path / "split"), _weights(tmp_path / "whole")):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_ctrl_c_saves_and_returns_the_last_loss(tmp_path):
    losses = []

    def step_fn(sess, train_op, global_step, kwargs):
        if len(losses) == 3:
            raise KeyboardInterrupt
        loss, stop = slim.learning.train_step(sess, train_op, global_step, kwargs)
        losses.append(loss)
        return loss, stop

    result = slim.learning.train(_model(), str(tmp_path), train_step_fn=step_fn, number_of_steps=100)
    assert result == losses[-1]
    assert tf.train.latest_checkpoint(str(tmp_path)).endswith("model.ckpt-3")


def test_summaries_and_the_loss_split_reach_tensorboard(tmp_path):
    opt = tf.train.MomentumWOptimizer(1e-3, 0.1, 0.9, decay_convention="lr", exclude_roles=("biases",))
    train_op = _model(opt, penalize="biases")  # biases: a penalty; weights: decoupled decay
    tf.summary.scalar("objective", tf.losses.get_total_loss())
    slim.learning.train(train_op, str(tmp_path), number_of_steps=4, log_every_n_steps=2, save_summaries_secs=3600)
    acc = _read(tmp_path)
    assert [e.step for e in acc.Scalars("objective")] == [1]  # first due after step 1, then not for an hour
    for tag in ("learning/data_loss", "learning/penalty", "learning/decay_magnitude"):
        assert [e.step for e in acc.Scalars(tag)] == [2, 4]
    assert [e.value for e in acc.Scalars("learning/effective_decay/weights")] == pytest.approx([1e-4, 1e-4])
    assert "learning/effective_decay/biases" not in acc.Tags()["scalars"]
    assert acc.Histograms("learning/weight_norms")[0].histogram_value.num == 2  # weights and biases
    data = acc.Scalars("learning/data_loss")[-1].value
    penalty = acc.Scalars("learning/penalty")[-1].value
    assert data > 0 and penalty > 0
    assert acc.Scalars("learning/decay_magnitude")[-1].value > 0
    assert acc.Graph() is not None


def test_log_lines_split_the_loss(tmp_path, caplog):
    with caplog.at_level(logging.INFO, logger="tensorflow"):
        slim.learning.train(_model(), str(tmp_path), number_of_steps=4, log_every_n_steps=2)
    lines = [r.getMessage() for r in caplog.records if "global step" in r.getMessage()]
    assert [line.split(":")[0] for line in lines] == ["global step 2", "global step 4"]
    assert all("data loss" in line and "penalty" in line and "decay" in line for line in lines)


def test_log_every_0_steps_logs_nothing(tmp_path, caplog):
    with caplog.at_level(logging.INFO, logger="tensorflow"):
        assert slim.learning.train(_model(), str(tmp_path), number_of_steps=2, log_every_n_steps=0) > 0
    assert "global step" not in caplog.text
    assert "learning/data_loss" not in _read(tmp_path).Tags()["scalars"]


def test_custom_train_step_fn_gets_tf1s_kwargs(tmp_path, caplog):
    seen = []

    def step_fn(sess, train_op, global_step, kwargs):
        seen.append(sorted(kwargs))
        return slim.learning.train_step(sess, train_op, global_step, kwargs)

    with caplog.at_level(logging.INFO, logger="tensorflow"):
        slim.learning.train(_model(), None, train_step_fn=step_fn, number_of_steps=2)
    assert seen == [["should_log", "should_stop"]] * 2
    assert "global step 2: loss = " in caplog.text


def test_logdir_none_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert slim.learning.train(_model(), None, number_of_steps=2) > 0
    assert os.listdir(tmp_path) == []


def test_argument_errors(tmp_path):
    train_op = _model()
    with pytest.raises(ValueError, match="train_op cannot be None"):
        slim.learning.train(None, str(tmp_path))
    with pytest.raises(TypeError, match="create_train_op"):
        slim.learning.train(train_op.op, str(tmp_path))
    with pytest.raises(ValueError, match="master="):
        slim.learning.train(train_op, str(tmp_path), master="grpc://x")
    with pytest.raises(ValueError, match="is_chief="):
        slim.learning.train(train_op, str(tmp_path), is_chief=False)
    with pytest.raises(ValueError, match="number_of_steps"):
        slim.learning.train(train_op, str(tmp_path), number_of_steps=0)
    with pytest.raises(ValueError, match="logdir is None"):
        slim.learning.train(train_op, None, saver=tf.train.Saver())
    assert os.listdir(tmp_path) == []


# ---------------------------------------------------------------------------
# slim.evaluation
# ---------------------------------------------------------------------------
def _eval_graph():
    """The model's graph again with an accuracy metric over the same data."""
    tf.reset_default_graph()
    _model()
    logits = tf.get_default_graph().get_tensor_by_name("fully_connected/BiasAdd:0")
    rng = np.random.default_rng(0)  # the labels _model draws
    rng.normal(size=(16, 4))
    labels = tf.constant(rng.integers(0, 3, 16))
    predictions = tf.argmax(logits, axis=1)
    accuracy, update = tf.metrics.accuracy(labels, predictions)
    tf.summary.scalar("eval/accuracy", accuracy)
    return accuracy, update, logits


def test_evaluate_once_restores_runs_the_metric_and_writes_the_summary(tmp_path):
    slim.learning.train(_model(), str(tmp_path / "train"), number_of_steps=3)
    checkpoint = tf.train.latest_checkpoint(str(tmp_path / "train"))
    (w, b) = _weights(tmp_path / "train")
    accuracy, update, _ = _eval_graph()
    value = slim.evaluation.evaluate_once(
        "", checkpoint, str(tmp_path / "eval"), num_evals=4, eval_op=update, final_op=accuracy
    )
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(16, 4)).astype(np.float32), rng.integers(0, 3, 16)
    want = np.mean(np.argmax(x @ w + b, axis=1) == y)  # 4 evals of the same batch: the same mean
    assert value == pytest.approx(want)
    acc = event_accumulator.EventAccumulator(str(tmp_path / "eval"))
    acc.Reload()
    (event,) = acc.Scalars("eval/accuracy")
    assert event.step == 3 and event.value == pytest.approx(want)


def test_evaluation_loop_evaluates_new_checkpoints_until_the_limit(tmp_path):
    slim.learning.train(_model(), str(tmp_path / "train"), number_of_steps=2)
    accuracy, update, _ = _eval_graph()
    value = slim.evaluation.evaluation_loop(
        "",
        str(tmp_path / "train"),
        str(tmp_path / "eval"),
        eval_op=update,
        final_op=accuracy,
        eval_interval_secs=0,
        max_number_of_evaluations=1,
    )
    assert 0.0 <= value <= 1.0
    # No new checkpoint within the timeout: the loop ends after the one it found.
    timed_out = []
    value_again = slim.evaluation.evaluation_loop(
        "",
        str(tmp_path / "train"),
        None,
        eval_op=update,
        final_op=accuracy,
        eval_interval_secs=0,
        timeout=0.01,
        timeout_fn=lambda: timed_out.append(True) or True,
    )
    assert value_again == value and timed_out == [True]


def test_evaluation_argument_errors(tmp_path):
    _eval_graph()
    with pytest.raises(ValueError, match="num_evals"):
        slim.evaluation.evaluate_once("", "x", None, num_evals=0)
    with pytest.raises(ValueError, match="hooks"):
        slim.evaluation.evaluate_once("", "x", None, hooks=[object()])
    with pytest.raises(ValueError, match="master"):
        slim.evaluation.evaluation_loop("grpc://x", str(tmp_path), None)
    with pytest.raises(ValueError, match="not a valid checkpoint"):
        slim.evaluation.evaluate_once("", str(tmp_path / "missing"), None)


def test_cli_train_logdir_writes_the_split_per_step(tmp_path):
    from slimcore.app import cli

    args = ["train", "--epochs", "1", "--quiet", "--optimizer", "adamw", "--weight-decay", "1e-3"]
    assert cli.main([*args, "--checkpoint-dir", str(tmp_path / "ckpt"), "--logdir", str(tmp_path / "tb")]) == 0
    acc = event_accumulator.EventAccumulator(str(tmp_path / "tb"), size_guidance={"scalars": 0})
    acc.Reload()
    steps = [e.step for e in acc.Scalars("learning/data_loss")]
    assert steps == list(range(1, len(steps) + 1)) and len(steps) > 10  # one event per step
    assert {"learning/penalty", "learning/decay_magnitude", "learning/effective_decay/weights"} <= set(
        acc.Tags()["scalars"]
    )
    assert acc.Scalars("learning/effective_decay/weights")[0].value == pytest.approx(1e-3)  # contrib: s = 1
    assert acc.Graph() is not None
