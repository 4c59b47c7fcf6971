"""slim layers: names, variables, collections, regularization, numbers, errors.
(Convolution, pooling and batch norm layers are in test_slim_conv_layers.py.)"""

import numpy as np
import pytest

import slimcore as tf
import slimcore.slim as slim


def easy_network(x, reg):
    """Seed 002's network, verbatim."""
    with tf.variable_scope("EasyNet"):
        out = slim.flatten(x)
        out = slim.fully_connected(
            out,
            num_outputs=200,
            weights_initializer=slim.xavier_initializer(uniform=True),
            weights_regularizer=slim.l2_regularizer(scale=reg),
            activation_fn=tf.nn.tanh,
        )
        out = slim.fully_connected(
            out,
            num_outputs=200,
            weights_initializer=slim.xavier_initializer(uniform=True),
            weights_regularizer=slim.l2_regularizer(scale=reg),
            activation_fn=tf.nn.tanh,
        )
        out = slim.fully_connected(
            out,
            num_outputs=10,
            weights_initializer=slim.xavier_initializer(uniform=True),
            weights_regularizer=slim.l2_regularizer(scale=reg),
            activation_fn=None,
        )
        return out


def test_seed_002_easy_network_variables_and_penalties():
    x = tf.placeholder(tf.float32, [None, 784])
    y = easy_network(x, 0.01)
    weights = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, "EasyNet")
    assert [(w.name, w.get_shape().as_list()) for w in weights] == [
        ("EasyNet/fully_connected/weights:0", [784, 200]),
        ("EasyNet/fully_connected/biases:0", [200]),
        ("EasyNet/fully_connected_1/weights:0", [200, 200]),
        ("EasyNet/fully_connected_1/biases:0", [200]),
        ("EasyNet/fully_connected_2/weights:0", [200, 10]),
        ("EasyNet/fully_connected_2/biases:0", [10]),
    ]
    reg_ws = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES, "EasyNet")
    assert [(r.name, r.get_shape().as_list()) for r in reg_ws] == [
        ("EasyNet/fully_connected/kernel/Regularizer/l2_regularizer:0", []),
        ("EasyNet/fully_connected_1/kernel/Regularizer/l2_regularizer:0", []),
        ("EasyNet/fully_connected_2/kernel/Regularizer/l2_regularizer:0", []),
    ]
    assert tf.get_collection(tf.GraphKeys.MODEL_VARIABLES) == weights
    assert y.shape.as_list() == [None, 10]
    data = np.random.default_rng(0).random((5, 784)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out, penalties, ws = sess.run([y, reg_ws, weights], {x: data})
    h = np.tanh(data @ ws[0] + ws[1])
    h = np.tanh(h @ ws[2] + ws[3])
    np.testing.assert_allclose(out, h @ ws[4] + ws[5], rtol=1e-4, atol=1e-5)
    for p, w in zip(penalties, ws[::2]):
        np.testing.assert_allclose(p, 0.01 * np.sum(w.astype(np.float64) ** 2) / 2, rtol=1e-5)
    # Xavier uniform: |w| <= sqrt(6 / (fan_in + fan_out)).
    assert np.abs(ws[0]).max() <= np.sqrt(6 / (784 + 200)) + 1e-7


def test_fully_connected_defaults_relu_and_scope_names():
    x = tf.constant(np.array([[-1.0, 2.0]], np.float32))
    y = slim.fully_connected(x, 3, weights_initializer=tf.constant_initializer(1.0))
    assert y.op.type == "Relu" and y.name == "fully_connected/Relu:0"
    linear = slim.fully_connected(
        x, 3, activation_fn=None, scope="lin", weights_initializer=tf.constant_initializer(-1.0)
    )
    assert linear.name.startswith("lin/")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(y), [[1, 1, 1]])
        np.testing.assert_array_equal(sess.run(linear), [[-1, -1, -1]])


def test_fully_connected_on_rank_3_inputs_and_reuse():
    x = tf.placeholder(tf.float32, [None, 4, 3])
    y = slim.fully_connected(x, 5, activation_fn=None, scope="fc")
    again = slim.fully_connected(x, 5, activation_fn=None, scope="fc", reuse=True)
    assert y.shape.as_list() == [None, 4, 5]
    assert len(tf.trainable_variables()) == 2
    data = np.random.default_rng(1).random((2, 4, 3)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        a, b, w = sess.run([y, again, tf.trainable_variables()[0]], {x: data})
    np.testing.assert_allclose(a, data @ w, rtol=1e-5)
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="already exists"):
        slim.fully_connected(x, 5, scope="fc")


def test_normalizer_drops_bias_and_collections():
    x = tf.placeholder(tf.float32, [None, 3])
    calls = []

    def normalizer(t, **params):
        calls.append(params)
        return t * 2.0

    slim.fully_connected(
        x,
        4,
        normalizer_fn=normalizer,
        normalizer_params={"p": 1},
        variables_collections={"weights": ["my_weights"]},
        outputs_collections=["outs"],
    )
    assert calls == [{"p": 1}]
    assert [v.name for v in tf.trainable_variables()] == ["fully_connected/weights:0"]
    assert [v.name for v in tf.get_collection("my_weights")] == ["fully_connected/weights:0"]
    assert len(tf.get_collection("outs")) == 1


def test_optimizer_hints_through_arg_scope_and_scope_regularizer():
    x = tf.placeholder(tf.float32, [None, 3])
    with slim.arg_scope(
        [slim.fully_connected], weights_lr_mult=2.0, biases_lr_mult=4.0, weights_decay=1e-4, biases_decay=0.0
    ):
        slim.fully_connected(x, 4, scope="a")
    w, b = tf.trainable_variables()
    assert (w.lr_mult, w.weight_decay, w.role) == (2.0, 1e-4, "weights")
    assert (b.lr_mult, b.weight_decay, b.role) == (4.0, 0.0, "biases")
    assert "lr_mult=2.0" in repr(w)
    # A variable scope's regularizer applies to layer variables without their own.
    with tf.variable_scope("scoped", regularizer=slim.l2_regularizer(0.5)):
        slim.fully_connected(x, 2)
    names = [t.name for t in tf.losses.get_regularization_losses()]
    assert names == [
        "scoped/fully_connected/weights/Regularizer/l2_regularizer:0",
        "scoped/fully_connected/biases/Regularizer/l2_regularizer:0",
    ]


def test_flatten_repeat_stack():
    x = tf.placeholder(tf.float32, [None, 2, 3, 4])
    assert slim.flatten(x).shape.as_list() == [None, 24]
    assert slim.flatten(tf.placeholder(tf.float32, [5])).shape.as_list() == [5, 1]  # TF1: rank 1 -> [N, 1]
    with pytest.raises(ValueError, match="known"):
        slim.flatten(tf.placeholder(tf.float32, [None, None, 3]))
    v = tf.placeholder(tf.float32, [None, 8])
    slim.repeat(v, 3, slim.fully_connected, 8, scope="rep")
    slim.stack(v, slim.fully_connected, [16, 4], scope="st")
    names = [w.name for w in tf.trainable_variables() if w.name.endswith("weights:0")]
    assert names == [
        "rep/rep_1/weights:0",
        "rep/rep_2/weights:0",
        "rep/rep_3/weights:0",
        "st/st_1/weights:0",
        "st/st_2/weights:0",
    ]
    with pytest.raises(ValueError, match="list or tuple"):
        slim.stack(v, slim.fully_connected, 16)


def test_fully_connected_bad_input():
    x = tf.placeholder(tf.float32, [None, 3])
    with pytest.raises(ValueError, match="num_outputs"):
        slim.fully_connected(x, 2.5)
    with pytest.raises(ValueError, match="num_outputs"):
        slim.fully_connected(x, 0)
    with pytest.raises(ValueError, match="rank >= 2"):
        slim.fully_connected(tf.placeholder(tf.float32, [3]), 2)


def test_scope_weight_decay_skips_biases_by_default_and_roles_select():
    from slimcore import _layer_util

    x = tf.placeholder(tf.float32, [None, 3])
    with tf.variable_scope("net", weight_decay=1e-4):
        slim.fully_connected(x, 4, scope="a")
        slim.fully_connected(x, 4, scope="b", biases_decay=1e-5)  # explicit: applies
    decays = {v.op.name: v.weight_decay for v in tf.trainable_variables()}
    assert decays == {"net/a/weights": 1e-4, "net/a/biases": 0.0, "net/b/weights": 1e-4, "net/b/biases": 1e-5}
    assert [v.op.name for v in tf.variables_with_roles(["biases"])] == ["net/a/biases", "net/b/biases"]
    with pytest.raises(ValueError, match="unknown role"):
        tf.variables_with_roles(["bias"])
    try:
        _layer_util.set_no_decay_roles(())
        with tf.variable_scope("other", weight_decay=1e-3):
            slim.fully_connected(x, 2, scope="c")
        assert tf.get_default_graph().get_collection(tf.GraphKeys.TRAINABLE_VARIABLES)[-1].weight_decay == 1e-3
    finally:
        _layer_util.set_no_decay_roles(("biases", "bn_gamma", "bn_beta", "moving_stats"))


def test_without_scope_decay_biases_carry_no_hint():
    """TF1-named optimizers keep TF1's numbers: no hint on biases unless asked."""
    slim.fully_connected(tf.placeholder(tf.float32, [None, 3]), 4)
    assert [v.weight_decay for v in tf.trainable_variables()] == [None, None]
