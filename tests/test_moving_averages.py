"""tf.train.ExponentialMovingAverage against a numpy recurrence; names,
collections, variables_to_restore and checkpoints as TF1."""

import numpy as np
import pytest

import slimcore.compat.v1 as tf


def _numpy_ema(shadow, values, decay, steps=None):
    """shadow -= (1 - d) * (shadow - value), d = min(decay, (1 + n) / (10 + n))."""
    for k, value in enumerate(values):
        d = decay if steps is None else min(decay, (1.0 + steps[k]) / (10.0 + steps[k]))
        shadow = shadow - (1.0 - d) * (shadow - value)
    return shadow


def test_apply_updates_the_shadow_as_the_numpy_recurrence():
    v = tf.Variable([1.0, -2.0], name="v")
    w = tf.Variable(np.ones((2, 2)), name="w")  # float64
    ema = tf.train.ExponentialMovingAverage(0.9)
    update = ema.apply([v, w])
    assert update.type == "NoOp" and update.name == "ExponentialMovingAverage"
    new_v = tf.placeholder(tf.float32, [2])
    set_v = tf.assign(v, new_v)
    set_w = tf.assign(w, 3.0 * w)
    rng = np.random.RandomState(0)
    values = [rng.randn(2).astype(np.float32) for _ in range(4)]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(ema.average(v)), [1.0, -2.0])  # starts at the initial value
        ws = []
        for value in values:
            sess.run([set_v, set_w], {new_v: value})
            ws.append(sess.run(w))
            sess.run(update)
        got_v, got_w = sess.run([ema.average(v), ema.average(w)])
    np.testing.assert_allclose(got_v, _numpy_ema(np.array([1.0, -2.0]), values, 0.9), rtol=1e-6)
    # As TF1, the decay is a float32 tensor cast to the variable's dtype.
    np.testing.assert_allclose(got_w, _numpy_ema(np.ones((2, 2)), ws, float(np.float32(0.9))), rtol=1e-12)
    assert ema.average(w).dtype == tf.float64


def test_num_updates_caps_the_decay():
    step = tf.Variable(0, dtype=tf.int64, trainable=False, name="step")
    v = tf.Variable(0.0)
    ema = tf.train.ExponentialMovingAverage(0.99, num_updates=step)
    with tf.control_dependencies([tf.assign_add(v, 1.0)]):
        bump = tf.assign_add(step, 1)
    update = ema.apply([v])
    values, steps = [], []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(5):
            sess.run(bump)
            values.append(sess.run(v))
            steps.append(sess.run(step))
            sess.run(update)
        got = sess.run(ema.average(v))
    assert got == pytest.approx(_numpy_ema(0.0, values, 0.99, steps), rel=1e-6)


def test_shadow_names_collections_and_lookup():
    with tf.variable_scope("dense"):
        kernel = tf.get_variable("kernel", [2, 3])
    bias = tf.Variable(tf.zeros([3]), name="bias")
    ema = tf.train.ExponentialMovingAverage(0.999, name="EMA")
    assert ema.name == "EMA"
    assert ema.average_name(kernel) == "dense/kernel/EMA"  # also before apply, as TF1
    assert ema.average(kernel) is None
    with tf.name_scope("train"):
        ema.apply([kernel, bias])
    shadow = ema.average(kernel)
    assert shadow.op.name == "dense/kernel/EMA" and ema.average(bias).op.name == "bias/EMA"
    assert not shadow.trainable and shadow in tf.global_variables()
    assert shadow not in tf.trainable_variables()
    assert tf.get_collection(tf.GraphKeys.MOVING_AVERAGE_VARIABLES) == [kernel, bias]
    with pytest.raises(ValueError, match="already computed for: dense/kernel"):
        ema.apply([kernel])
    with pytest.raises(TypeError, match="half, float, or double"):
        ema.apply([tf.Variable(1, name="count")])
    with pytest.raises(ValueError, match="decay"):
        tf.train.ExponentialMovingAverage(1.5)


def test_apply_defaults_to_trainable_variables_and_averages_tensors_from_zero():
    a = tf.Variable(2.0, name="a")
    tf.Variable(5.0, name="frozen", trainable=False)
    ema = tf.train.ExponentialMovingAverage(0.5)
    ema.apply()
    assert ema.average(a) is not None and len(tf.get_collection(tf.GraphKeys.MOVING_AVERAGE_VARIABLES)) == 1
    loss = tf.constant(4.0, name="loss")
    update = ema.apply([loss])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(ema.average(loss)) == 0.0
        sess.run(update)
        assert sess.run(ema.average(loss)) == 2.0
    with pytest.raises(NotImplementedError, match="zero_debias"):
        tf.train.ExponentialMovingAverage(0.5, zero_debias=True).apply([tf.constant(1.0)])


def test_variables_to_restore_evaluates_with_the_averages_through_saver(tmp_path):
    """slim's eval: save during training (shadows checkpointed by a default
    Saver), restore the averages into the variables themselves."""
    w = tf.Variable([1.0, 1.0], name="w")
    step = tf.Variable(0, dtype=tf.int64, trainable=False, name="global_step")
    ema = tf.train.ExponentialMovingAverage(0.5)
    train = ema.apply([w])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(tf.assign(w, [3.0, 5.0]))
        sess.run(train)  # shadow = [2, 3]
        sess.run(tf.assign(step, 7))
        path = tf.train.Saver().save(sess, str(tmp_path / "model"))
    restore_map = ema.variables_to_restore()
    assert restore_map == {"w/ExponentialMovingAverage": w, "global_step": step}
    eval_graph = tf.Graph()
    with eval_graph.as_default():
        w2 = tf.Variable([0.0, 0.0], name="w")
        step2 = tf.Variable(0, dtype=tf.int64, trainable=False, name="global_step")
        ema2 = tf.train.ExponentialMovingAverage(0.5)
        saver = tf.train.Saver(ema2.variables_to_restore())
        with tf.Session() as sess:
            saver.restore(sess, path)
            np.testing.assert_array_equal(sess.run(w2), [2.0, 3.0])
            assert sess.run(step2) == 7
