"""slimcore.compat.v1: TF 1.x's namespace is slimcore's objects under TF's
names, every import form works, and lists of tensors auto-pack."""

import importlib

import numpy as np
import pytest

import slimcore
import slimcore.compat.v1 as tf


def test_top_level_is_slimcore():
    for name in [
        "Graph",
        "Session",
        "placeholder",
        "constant",
        "Variable",
        "get_variable",
        "variable_scope",
        "name_scope",
        "GraphKeys",
        "get_collection",
        "add_to_collection",
        "trainable_variables",
        "global_variables_initializer",
        "gradients",
        "add_n",
        "stack",
        "float32",
        "int64",
        "bool",
        "set_random_seed",
        "one_hot",
        "AUTO_REUSE",
    ]:
        assert getattr(tf, name) is getattr(slimcore, name), name
    for name in ["reduce_sum", "reduce_mean", "cast", "matmul", "square", "convert_to_tensor"]:
        assert getattr(tf, name).__wrapped__ is getattr(slimcore, name), name  # auto-packing wrappers
    assert tf.pack is slimcore.stack
    assert set(slimcore.__all__) <= set(tf.__all__)


def test_submodules():
    assert tf.losses is slimcore.losses and tf.nn is slimcore.nn and tf.train is slimcore.train
    assert tf.layers is slimcore.layers and tf.keras is slimcore.keras
    assert tf.contrib.slim is slimcore.slim
    # contrib's losses ((logits, labels) order) are a module distinct from core tf.losses
    assert tf.contrib.losses is tf.contrib.slim.losses is slimcore.slim.losses
    assert tf.contrib.slim.losses is not tf.losses
    layers = tf.contrib.layers
    assert layers.fully_connected is slimcore.slim.fully_connected and layers.conv2d is slimcore.slim.conv2d
    assert layers.l2_regularizer is slimcore.regularizers.l2_regularizer
    assert layers.variance_scaling_initializer is slimcore.initializers.contrib_variance_scaling_initializer
    assert tf.contrib.framework.arg_scope is slimcore.slim.arg_scope
    assert tf.contrib.framework.get_or_create_global_step is tf.train.get_or_create_global_step
    assert tf.contrib.opt.AdamWOptimizer is slimcore.train.AdamWOptimizer
    assert tf.contrib.opt.MomentumWOptimizer is slimcore.train.MomentumWOptimizer
    assert tf.contrib.opt.extend_with_decoupled_weight_decay is slimcore.train.extend_with_decoupled_weight_decay


@pytest.mark.parametrize(
    "module,expected",
    [
        ("slimcore.compat.v1.contrib.layers", "contrib.layers"),
        ("slimcore.compat.v1.contrib.slim", slimcore.slim),
        ("slimcore.compat.v1.losses", slimcore.losses),
        ("slimcore.compat.v1.keras", slimcore.keras),
        ("slimcore.compat.v1.keras.layers", slimcore.keras.layers),
    ],
)
def test_import_forms(module, expected):
    imported = importlib.import_module(module)
    if isinstance(expected, str):
        assert imported is tf.contrib.layers
    else:
        assert imported is expected


def test_lists_of_tensors_auto_pack_as_tf1():
    a, b = tf.constant(1.0), tf.constant(2.0)
    total = tf.reduce_sum([a, b])
    nested = tf.reduce_mean([[a, 3.0], [b, 4.0]], axis=1)
    keyword = tf.reduce_sum(input_tensor=[a, b], name="s")
    assert nested.shape.as_list() == [2] and keyword.name == "s:0"
    plain = tf.reduce_sum([1.0, 2.0])  # numbers: a constant, as before
    with tf.Session() as sess:
        assert sess.run(total) == 3.0 and sess.run(keyword) == 3.0 and sess.run(plain) == 3.0
        np.testing.assert_array_equal(sess.run(nested), [2.0, 3.0])
    with pytest.raises(ValueError, match="non-empty"):
        tf.pack([])


def test_collections_keep_lists_as_given():
    a = tf.constant(1.0)
    tf.add_to_collection("mine", [a, a])
    assert tf.get_collection("mine") == [[a, a]]


def test_initializers_short_names():
    names = [
        "zeros",
        "ones",
        "constant",
        "random_uniform",
        "random_normal",
        "truncated_normal",
        "variance_scaling",
        "glorot_uniform",
        "glorot_normal",
        "he_normal",
        "he_uniform",
        "lecun_normal",
        "lecun_uniform",
    ]
    for name in names:
        assert callable(getattr(tf.initializers, name))
    w = tf.get_variable("w", [400, 300], initializer=tf.initializers.he_uniform(seed=1))
    v = tf.get_variable("v", [3], initializer=tf.initializers.constant(2.5))
    with tf.Session() as sess:
        sess.run(tf.initializers.global_variables())
        values = sess.run(w)
        np.testing.assert_array_equal(sess.run(v), [2.5, 2.5, 2.5])
    limit = np.sqrt(6 / 400)
    assert np.abs(values).max() <= limit and np.abs(values).max() > 0.95 * limit
    assert np.std(values) == pytest.approx(limit / np.sqrt(3), rel=0.02)


def test_model_variables_suffix():
    tf.contrib.slim.fully_connected(tf.zeros([1, 2]), 3, scope="fc")
    assert [v.op.name for v in tf.contrib.framework.get_model_variables()] == ["fc/weights", "fc/biases"]
    assert [v.op.name for v in tf.contrib.framework.get_model_variables(suffix="biases")] == ["fc/biases"]
