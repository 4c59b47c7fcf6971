"""LossAccounting: data loss, penalty and decoupled-decay magnitude reported apart."""

import numpy as np
import pytest

import slimcore as tf
import slimcore.slim as slim


def test_split_accounting_in_a_hand_written_loop():
    x = tf.placeholder(tf.float32, [None, 4])
    y = tf.placeholder(tf.int64, [None])
    logits = slim.fully_connected(x, 3, activation_fn=None, weights_regularizer=slim.l2_regularizer(0.1))
    data_loss = tf.losses.sparse_softmax_cross_entropy(y, logits)
    train = tf.train.AdamWOptimizer(0.01, 0.05, decay_convention="lr").minimize(
        tf.losses.get_total_loss(), regularization_check="ignore"
    )
    accounting = tf.train.LossAccounting(data_loss, train)
    w, b = tf.trainable_variables()
    rng = np.random.default_rng(0)
    feed = {x: rng.normal(size=(8, 4)), y: rng.integers(0, 3, 8)}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        wv, bv = sess.run([w, b])
        values = sess.run(accounting.fetches, feed)
        accounting.add(values)
        accounting.add(values)
        entry = accounting.end_epoch(epoch=1)
    # AdamW "lr": each decayed variable loses lr * wd of itself per step.
    s = 0.05 * 0.01
    np.testing.assert_allclose(values["decay"], np.sqrt(s**2 * ((wv**2).sum() + (bv**2).sum())), rtol=1e-5)
    np.testing.assert_allclose(values["penalty"], 0.1 * (wv.astype(np.float64) ** 2).sum() / 2, rtol=1e-5)
    assert entry["epoch"] == 1 and entry["loss"] == pytest.approx(entry["data_loss"] + entry["penalty"])
    assert accounting.history == [entry]
    assert accounting.end_epoch()["data_loss"] == 0.0  # sums restart


def test_no_decay_is_zero_and_bad_train_op():
    v = tf.Variable(1.0)
    train = tf.train.GradientDescentOptimizer(0.1).minimize(v * v)
    accounting = tf.train.LossAccounting(v * v, train)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(accounting.fetches)["decay"] == 0.0
    with pytest.raises(ValueError, match="not built by a slimcore optimizer"):
        tf.train.decoupled_decay_magnitude(tf.no_op())


@pytest.mark.parametrize("convention", ["contrib", "lr", "schedule"])
def test_decay_column_is_the_measured_step_under_every_convention(convention):
    # Two variables the data loss does not move (their gradient is 0), one
    # with lr_mult 4: the "decay" LossAccounting fetches is the size of the
    # step the kernel takes, sqrt(sum ||w_before - w_after||^2).
    a = tf.Variable(np.array([1.0, -2.0], np.float32), name="a")
    b = tf.Variable(np.array([3.0], np.float32), name="b")
    b.lr_mult = 4.0
    data_loss = 0.0 * (tf.reduce_sum(a) + tf.reduce_sum(b))
    if convention == "schedule":
        lr = tf.train.exponential_decay(0.1, tf.Variable(2, trainable=False), 1, 0.5)  # 0.025
        opt = tf.train.MomentumWOptimizer(0.2, lr, 0.9, decay_convention=convention, base_learning_rate=0.1)
    else:
        opt = tf.train.MomentumWOptimizer(0.2, 0.025, 0.9, decay_convention=convention)
    train = opt.minimize(data_loss)
    accounting = tf.train.LossAccounting(data_loss, train)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = np.concatenate(sess.run([a, b]))
        decay = sess.run(accounting.fetches)["decay"]
        sess.run(train)
        after = np.concatenate(sess.run([a, b]))
    s = {"contrib": np.ones(3), "lr": 0.025 * np.array([1.0, 1.0, 4.0]), "schedule": np.full(3, 0.25)}[convention]
    np.testing.assert_allclose(before - after, s * 0.2 * before, rtol=1e-5)
    np.testing.assert_allclose(decay, np.linalg.norm(before - after), rtol=1e-5)
