"""slim's variables API (issue 15): creating, finding and assigning
variables as tf_slim/ops/variables.py does, and tf.contrib.framework's
re-exports."""

from __future__ import annotations

import os

import pytest

import slimcore as tf
import slimcore.slim as slim
from slimcore.compat import v1 as tfv1


def _init(sess):
    sess.run(tf.global_variables_initializer())


def test_variable_and_model_variable_collections():
    with tf.Graph().as_default():
        with tf.variable_scope("A"):
            v = slim.variable("v", [2], initializer=tf.ones_initializer(), collections=["mine", "mine"])
            m = slim.model_variable("m", [3], lr_mult=0.1, regularizer=slim.l2_regularizer(1.0))
            n = slim.model_variable("n", [1], trainable=False, collections=["extra"])
        assert v.op.name == "A/v" and m.dtype == tf.float32
        assert tf.get_collection("mine") == [v]
        assert v not in tf.global_variables()  # tf-slim: collections replace GLOBAL_VARIABLES
        assert tf.trainable_variables() == [v, m]
        assert slim.get_model_variables() == [m, n]
        assert tf.get_collection("extra") == [n] and n in tf.global_variables()
        assert m.lr_mult == 0.1
        assert [t.op.name for t in tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)] == [
            "A/m/Regularizer/l2_regularizer"
        ]


def test_a_string_collections_argument_raises_as_tf1():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="collections argument must be a list"):
            slim.variable("v", [1], collections="foo")
        with pytest.raises(ValueError, match="collections argument must be a list"):
            slim.model_variable("w", [1], collections="bar")


def test_variable_takes_arg_scope():
    with tf.Graph().as_default():
        with slim.arg_scope([slim.variable], weight_decay=0.0, initializer=tf.zeros_initializer()):
            v = slim.variable("v", [2])
        assert v.weight_decay == 0.0


def test_add_model_variable_adds_once():
    with tf.Graph().as_default():
        v = tf.Variable([1.0], name="plain")
        slim.add_model_variable(v)
        slim.add_model_variable(v)
        assert slim.get_model_variables() == [v]


def test_local_and_global_variable():
    with tf.Graph().as_default():
        loc = slim.local_variable([1.0, 2.0], name="loc")
        glob = slim.global_variable(3.0, name="glob")
        assert tf.local_variables() == [loc] and loc not in tf.global_variables()
        assert glob in tf.global_variables() and not tf.trainable_variables()
        with tf.Session() as sess:
            sess.run(tf.local_variables_initializer())
            assert sess.run(loc).tolist() == [1.0, 2.0]


def _net():
    with tf.variable_scope("conv1"):
        slim.model_variable("weights", [1])
        slim.model_variable("biases", [1])
        slim.model_variable("my_weights", [1])
    with tf.variable_scope("conv10"):
        slim.model_variable("weights", [1])
    with tf.variable_scope("logits"):
        slim.model_variable("weights", [1])
        slim.local_variable(0.0, name="counter")


def _names(variables):
    return [v.op.name for v in variables]


def test_lookups_follow_tf_slims_regular_expressions():
    with tf.Graph().as_default():
        _net()
        assert _names(slim.get_variables("conv1")) == ["conv1/weights", "conv1/biases", "conv1/my_weights"] + [
            "conv10/weights"
        ]  # scope is a prefix regex, as tf-slim
        assert _names(slim.get_variables("conv1/")) == ["conv1/weights", "conv1/biases", "conv1/my_weights"]
        assert _names(slim.get_variables(suffix="biases")) == ["conv1/biases"]
        assert _names(slim.get_variables_by_suffix("weights", scope="conv1/")) == ["conv1/weights", "conv1/my_weights"]
        assert _names(slim.get_variables_by_name("weights")) == ["conv1/weights", "conv10/weights", "logits/weights"]
        assert _names(slim.get_trainable_variables("logits")) == ["logits/weights"]
        assert _names(slim.get_local_variables()) == ["logits/counter"]
        assert _names(slim.get_model_variables("conv10", "weights")) == ["conv10/weights"]
        with tf.variable_scope("conv1", reuse=True) as scope:
            assert len(slim.get_variables(scope)) == 4


def test_get_unique_variable():
    with tf.Graph().as_default():
        _net()
        assert slim.get_unique_variable("conv1/weights").op.name == "conv1/weights"
        with pytest.raises(ValueError, match="Couldn't find variable nothere"):
            slim.get_unique_variable("nothere")
        with pytest.raises(ValueError, match="conv1/weigh does not uniquely identify"):
            slim.get_unique_variable("conv1/weigh")


def test_get_variables_to_restore_include_exclude():
    with tf.Graph().as_default():
        _net()
        assert _names(slim.get_variables_to_restore(exclude=["logits", "conv1/my"])) == [
            "conv1/weights",
            "conv1/biases",
            "conv10/weights",
        ]
        assert _names(slim.get_variables_to_restore(include=["conv10", "logits"])) == [
            "conv10/weights",
            "logits/weights",
        ]
        with pytest.raises(TypeError, match="exclude is provided but is not a list or a tuple"):
            slim.get_variables_to_restore(exclude="logits")
        with pytest.raises(TypeError, match="include is provided but is not a list or a tuple"):
            slim.get_variables_to_restore(include="logits")


def test_filter_variables():
    with tf.Graph().as_default():
        _net()
        found = slim.filter_variables(tf.global_variables(), include_patterns=["weights"], exclude_patterns=["my_"])
        assert _names(found) == ["conv1/weights", "conv10/weights", "logits/weights"]
        assert _names(slim.filter_variables(tf.global_variables(), ["^logits"], reg_search=False)) == ["logits/weights"]


def test_assign_from_values_fn():
    with tf.Graph().as_default():
        with tf.variable_scope("a"):
            w = slim.variable("w", [2, 2], initializer=tf.zeros_initializer())
            slim.variable("w_extra", [1])
        init_fn = slim.assign_from_values_fn({"a/w": [1.0, 2.0, 3.0, 4.0]})
        with pytest.raises(ValueError, match="Variable zz wasn't found"):
            slim.assign_from_values({"zz": 1.0})
        with pytest.raises(ValueError, match="a/ doesn't uniquely identify"):
            slim.assign_from_values({"a/": [1.0]})  # a prefix of two variables, the name of neither
        assert len(slim.assign_from_values({"a/w_ex": [5.0]})[1]) == 1  # one prefix match: tf-slim takes it
        with pytest.raises(ValueError, match="has 3 elements"):
            slim.assign_from_values({"a/w": [1.0, 2.0, 3.0]})
        with tf.Session() as sess:
            _init(sess)
            init_fn(sess)
            assert sess.run(w).tolist() == [[1.0, 2.0], [3.0, 4.0]]


def _save_checkpoint(tmp_path):
    """A checkpoint of conv/weights = [1, 2] and conv/biases = [3]; returns its prefix."""
    with tf.Graph().as_default():
        with tf.variable_scope("conv"):
            slim.model_variable("weights", initializer=tf.constant_initializer([1.0, 2.0]), shape=[2])
            slim.model_variable("biases", initializer=tf.constant_initializer(3.0), shape=[1])
        with tf.Session() as sess:
            _init(sess)
            return tf.train.Saver().save(sess, os.path.join(str(tmp_path), "model"))


def test_assign_from_checkpoint_fn_restores_and_warns_about_missing_variables(tmp_path):
    prefix = _save_checkpoint(tmp_path)
    with tf.Graph().as_default():
        with tf.variable_scope("conv"):
            w = slim.model_variable("weights", [2])
            b = slim.model_variable("biases", [1])
        with tf.variable_scope("logits"):
            new = slim.model_variable("weights", [1], initializer=tf.constant_initializer(7.0))
        strict = slim.assign_from_checkpoint_fn(prefix, slim.get_model_variables())
        with pytest.warns(UserWarning, match="logits/weights missing in checkpoint"):
            lenient = slim.assign_from_checkpoint_fn(prefix, slim.get_model_variables(), ignore_missing_vars=True)
        renamed = slim.assign_from_checkpoint_fn(prefix, {"conv/biases": new})
        with tf.Session() as sess:
            _init(sess)
            with pytest.raises(tf.errors.NotFoundError):
                strict(sess)
            lenient(sess)
            assert sess.run(w).tolist() == [1.0, 2.0] and sess.run(b).tolist() == [3.0]
            assert sess.run(new).tolist() == [7.0]
            renamed(sess)
            assert sess.run(new).tolist() == [3.0]
        with pytest.warns(UserWarning, match="No Variables to restore"), pytest.warns(UserWarning, match="missing"):
            assert slim.assign_from_checkpoint_fn(prefix, [new], ignore_missing_vars=True) is None
        with pytest.raises(ValueError, match="var_list cannot be empty"):
            slim.assign_from_checkpoint_fn(prefix, [])


def test_assign_from_checkpoint_op_and_feed(tmp_path):
    prefix = _save_checkpoint(tmp_path)
    with tf.Graph().as_default():
        with tf.variable_scope("conv"):
            w = slim.model_variable("weights", [2])
            bad = slim.model_variable("biases", [2])
        op, feed = slim.assign_from_checkpoint(prefix, [w])
        with pytest.raises(ValueError, match="conv/biases"):
            slim.assign_from_checkpoint(prefix, [bad])
        with pytest.raises(ValueError, match="Tensor nothere is not found"):
            slim.assign_from_checkpoint(prefix, {"nothere": w})
        with tf.Session() as sess:
            _init(sess)
            sess.run(op, feed)
            assert sess.run(w).tolist() == [1.0, 2.0]


def test_tf_contrib_framework_reexports_the_variables_api():
    names = (
        "variable",
        "model_variable",
        "add_model_variable",
        "get_variables",
        "get_model_variables",
        "get_trainable_variables",
        "get_variables_by_name",
        "get_variables_by_suffix",
        "get_unique_variable",
        "get_variables_to_restore",
        "assign_from_checkpoint_fn",
        "assign_from_values_fn",
        "local_variable",
        "global_variable",
        "filter_variables",
    )
    for name in names:
        assert getattr(tfv1.contrib.framework, name) is getattr(slim, name), name
    assert tfv1.contrib.slim.get_variables_to_restore is slim.get_variables_to_restore
