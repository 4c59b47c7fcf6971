"""Layers that take a bool tensor is_training / training: one graph, both modes, switched per Session.run."""

from __future__ import annotations

import numpy as np
import pytest

import slimcore.compat.v1 as tf
from slimcore.models import lenet

slim = tf.contrib.slim

RNG = np.random.default_rng(0)
X = RNG.standard_normal((6, 5, 5, 3)).astype(np.float32)
W = RNG.standard_normal((75, 4)).astype(np.float32)


def _slim_net(images, is_training, updates_collections=tf.GraphKeys.UPDATE_OPS):
    """conv-free slim net: batch_norm (fused, 4-D) -> flatten -> fc -> batch_norm (2-D) -> dropout."""
    net = slim.batch_norm(images, is_training=is_training, scale=True, updates_collections=updates_collections)
    net = slim.flatten(net)
    net = slim.fully_connected(net, 4, weights_initializer=tf.constant_initializer(W), activation_fn=None)
    net = slim.batch_norm(net, is_training=is_training, updates_collections=updates_collections, decay=0.9)
    return slim.dropout(net, keep_prob=0.5, is_training=is_training, seed=5)


def _run_graph(is_training_value, feed_mode=None, steps=2):
    """Outputs and moving statistics after `steps` runs of (outputs + update ops).

    is_training_value: a Python bool (today's one-graph-per-mode) or "tensor"
    (a placeholder_with_default(True) fed `feed_mode`).
    """
    with tf.Graph().as_default():
        tf.set_random_seed(3)
        images = tf.placeholder(tf.float32, [None, 5, 5, 3])
        if is_training_value == "tensor":
            flag = tf.placeholder_with_default(True, [])
            feed = {} if feed_mode is None else {flag: feed_mode}
        else:
            flag, feed = is_training_value, {}
        out = _slim_net(images, flag)
        updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
        moving = [v for v in tf.global_variables() if "moving" in v.op.name]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            outputs = [sess.run([out, *updates], {images: X, **feed})[0] for _ in range(steps)]
            return outputs, sess.run(moving)


@pytest.mark.parametrize("mode", [True, False])
def test_slim_net_with_an_is_training_tensor_equals_the_two_graphs(mode):
    want_out, want_moving = _run_graph(mode)
    got_out, got_moving = _run_graph("tensor", feed_mode=None if mode else False)
    for got, want in zip(got_out, want_out):
        np.testing.assert_array_equal(got, want)
    for got, want in zip(got_moving, want_moving):
        np.testing.assert_array_equal(got, want)
    if mode:
        assert not np.array_equal(got_out[0], got_out[1])  # dropout drew anew, moving stats moved
        assert not np.allclose(got_moving[0], 0.0)
    else:
        np.testing.assert_array_equal(got_moving[0], np.zeros(3))  # inference runs leave the averages


def test_moving_averages_move_only_in_training_runs_with_tensor_flag():
    x = tf.placeholder(tf.float32, [None, 2])
    training = tf.placeholder(tf.bool, [])
    y = tf.layers.batch_normalization(x, training=training, momentum=0.5)
    updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    assert len(updates) == 2
    moving_mean = next(v for v in tf.global_variables() if v.op.name.endswith("moving_mean"))
    xv = np.array([[1.0, 2.0], [3.0, 6.0]], np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        inference = sess.run([y, *updates], {x: xv, training: False})[0]
        np.testing.assert_allclose(inference, xv / np.sqrt(1.0 + 1e-3), rtol=1e-6)  # moving stats 0 and 1
        np.testing.assert_array_equal(sess.run(moving_mean), [0.0, 0.0])
        trained = sess.run([y, *updates], {x: xv, training: True})[0]
        mu, var = xv.mean(0), xv.var(0)
        np.testing.assert_allclose(trained, (xv - mu) / np.sqrt(var + 1e-3), rtol=1e-5)
        np.testing.assert_allclose(sess.run(moving_mean), 0.5 * mu, rtol=1e-6)  # m - (1 - momentum)(m - mu)


def test_updates_collections_none_updates_with_the_output_in_training_runs_only():
    x = tf.placeholder(tf.float32, [None, 2])
    is_training = tf.placeholder_with_default(True, [])
    y = slim.batch_norm(x, is_training=is_training, updates_collections=None, decay=0.5)
    assert tf.get_collection(tf.GraphKeys.UPDATE_OPS) == []
    moving_mean = next(v for v in tf.global_variables() if v.op.name.endswith("moving_mean"))
    xv = np.array([[1.0, 2.0], [3.0, 6.0]], np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(y, {x: xv, is_training: False})
        np.testing.assert_array_equal(sess.run(moving_mean), [0.0, 0.0])
        sess.run(y, {x: xv})
        np.testing.assert_allclose(sess.run(moving_mean), [1.0, 2.0], rtol=1e-6)


def test_dropout_layers_with_a_training_tensor():
    x = tf.ones([200])
    training = tf.placeholder(tf.bool, [])
    outs = [
        tf.layers.dropout(x, rate=0.5, training=training, seed=1),
        tf.layers.Dropout(0.5, seed=2)(x, training=training),
        tf.keras.layers.Dropout(0.5, seed=3)(x, training=training),
        slim.dropout(x, keep_prob=0.5, is_training=training, seed=4),
    ]
    with tf.Session() as sess:
        for value in sess.run(outs, {training: False}):
            np.testing.assert_array_equal(value, np.ones(200))
        for value in sess.run(outs, {training: True}):
            assert set(np.unique(value)) == {0.0, 2.0}


def test_batch_normalization_class_with_a_training_tensor():
    x = tf.placeholder(tf.float32, [None, 3])
    training = tf.placeholder_with_default(False, [])
    layer = tf.layers.BatchNormalization()
    y = layer(x, training=training)
    xv = RNG.standard_normal((4, 3)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run(y, {x: xv}), xv / np.sqrt(1.0 + 1e-3), rtol=1e-6)
        trained = sess.run(y, {x: xv, training: True})
        np.testing.assert_allclose(trained.mean(0), np.zeros(3), atol=1e-5)


def test_training_through_conds_lowers_the_loss_and_gradients_reach_the_weights():
    images = tf.placeholder(tf.float32, [None, 5, 5, 3])
    is_training = tf.placeholder_with_default(True, [])
    out = _slim_net(images, is_training)
    loss = tf.reduce_mean(tf.square(out - 1.0))
    train_op = slim.learning.create_train_op(loss, tf.train.GradientDescentOptimizer(0.1))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss, {images: X, is_training: False})
        for _ in range(30):
            sess.run(train_op, {images: X})
        assert sess.run(loss, {images: X, is_training: False}) < first


def test_static_flags_build_no_cond():
    x = tf.ones([2, 3])
    slim.batch_norm(x, is_training=tf.constant(False))
    slim.dropout(x, is_training=True)
    assert not [op for op in tf.get_default_graph().get_operations() if op.type == "Merge"]


def test_is_training_of_the_wrong_kind_is_a_type_error():
    x = tf.ones([2, 3])
    with pytest.raises(TypeError, match="is_training must be a Python bool or a scalar bool tensor"):
        slim.batch_norm(x, is_training=tf.constant(1.0))
    with pytest.raises(TypeError, match="is_training must be a Python bool or a scalar bool tensor"):
        slim.dropout(x, is_training="yes")


def test_lenet_with_an_is_training_tensor():
    images = tf.placeholder(tf.float32, [None, 28, 28, 1])
    is_training = tf.placeholder_with_default(False, [])
    logits = lenet(images, is_training=is_training, depth=4, fc_units=16)
    xv = RNG.standard_normal((2, 28, 28, 1)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(logits, {images: xv}), sess.run(logits, {images: xv}))
        first, second = (sess.run(logits, {images: xv, is_training: True}) for _ in range(2))
        assert not np.array_equal(first, second)  # dropout draws in training runs only
