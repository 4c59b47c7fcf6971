"""LOCAL_VARIABLES, local_variables_initializer, tables_initializer, and
tf.train.get_checkpoint_state / checkpoint_exists / latest_checkpoint."""

import os

import numpy as np
import pytest

import slimcore.compat.v1 as tf


def test_local_variables_are_initialized_by_their_own_initializer_only():
    g = tf.Variable(1.0, name="g")
    count = tf.Variable(0.0, trainable=False, collections=[tf.GraphKeys.LOCAL_VARIABLES], name="count")
    with tf.variable_scope("metric"):
        total = tf.get_variable(
            "total", [2], initializer=tf.ones_initializer(), collections=[tf.GraphKeys.LOCAL_VARIABLES]
        )
    assert tf.local_variables() == [count, total]
    assert tf.global_variables() == [g]
    assert tf.local_variables("metric") == [total]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())  # TF1: globals only
        with pytest.raises(tf.errors.FailedPreconditionError):
            sess.run(count)
        assert sorted(tf.report_uninitialized_variables()) == ["count", "metric/total"]
        sess.run(tf.local_variables_initializer())
        assert sess.run(count) == 0.0
        np.testing.assert_array_equal(sess.run(total), [1.0, 1.0])
        assert tf.report_uninitialized_variables() == []
    assert tf.initializers.local_variables().type == "NoOp"


def test_local_variables_initializer_and_tables_initializer_without_any():
    init = tf.local_variables_initializer()
    tables = tf.tables_initializer()
    assert init.type == "NoOp" and tables.type == "NoOp" and tables.name == "init_all_tables"
    with tf.Session() as sess:
        sess.run([init, tables])


def test_tables_initializer_groups_the_table_initializers_collection():
    v = tf.Variable(0.0)
    tf.add_to_collection(tf.GraphKeys.TABLE_INITIALIZERS, tf.assign(v, 4.0).op)
    with tf.Session() as sess:
        sess.run(tf.tables_initializer())
        assert sess.run(v) == 4.0


def test_a_default_saver_leaves_local_variables_out(tmp_path):
    tf.Variable(1.0, name="w")
    tf.Variable(2.0, collections=[tf.GraphKeys.LOCAL_VARIABLES], name="local")
    with tf.Session() as sess:
        sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
        path = tf.train.Saver().save(sess, str(tmp_path / "m"))
    tensors, _ = tf.train.read_checkpoint(path)
    assert sorted(tensors) == ["w"]


def test_get_checkpoint_state_checkpoint_exists_and_latest_checkpoint(tmp_path):
    d = str(tmp_path)
    assert tf.train.get_checkpoint_state(d) is None
    assert tf.train.latest_checkpoint(d) is None
    tf.Variable(1.0, name="w")
    saver = tf.train.Saver(max_to_keep=2)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        paths = [saver.save(sess, os.path.join(d, "model"), global_step=s) for s in (1, 2, 3)]
    state = tf.train.get_checkpoint_state(d)
    assert state.model_checkpoint_path == paths[-1]
    assert state.all_model_checkpoint_paths == paths[1:]
    assert "model_checkpoint_path" in repr(state)
    assert tf.train.checkpoint_exists(paths[-1]) and not tf.train.checkpoint_exists(paths[0])
    assert tf.train.latest_checkpoint(d) == paths[-1]
    assert tf.train.get_checkpoint_state(d, latest_filename="other") is None
    # A state file TF 1.14+ wrote (timestamps) reads; a missing file is None.
    with open(os.path.join(d, "checkpoint"), "a") as f:
        f.write("all_model_checkpoint_timestamps: 1575000000.5\nlast_preserved_timestamp: 1575000000.0\n")
    assert tf.train.get_checkpoint_state(d).model_checkpoint_path == paths[-1]
    os.remove(paths[-1] + ".safetensors")
    assert tf.train.get_checkpoint_state(d).model_checkpoint_path == paths[-1]
    assert tf.train.latest_checkpoint(d) is None
    with open(os.path.join(d, "checkpoint"), "w") as f:
        f.write("this is not a state file\n")
    with pytest.raises(ValueError, match="not a checkpoint state file"):
        tf.train.get_checkpoint_state(d)


def test_tf1_names_and_signatures_of_the_host_ops_lane():
    import inspect

    import slimcore

    empty = inspect.Parameter.empty
    expected = {
        "py_func": [("func", empty), ("inp", empty), ("Tout", empty), ("stateful", True), ("name", None)],
        "numpy_function": [("func", empty), ("inp", empty), ("Tout", empty), ("name", None)],
        "Print": [
            ("input_", empty),
            ("data", empty),
            ("message", None),
            ("first_n", None),
            ("summarize", None),
            ("name", None),
        ],
        "local_variables_initializer": [],
        "tables_initializer": [("name", "init_all_tables")],
        "random_uniform": [
            ("shape", empty),
            ("minval", 0),
            ("maxval", None),
            ("dtype", tf.float32),
            ("seed", None),
            ("name", None),
        ],
    }
    for name, params in expected.items():
        got = [(p.name, p.default) for p in inspect.signature(getattr(tf, name)).parameters.values()]
        assert got == params, name
    assert tf.print is slimcore.print_v2 and tf.compat.v1.print is tf.print
    assert tf.initialize_local_variables is tf.local_variables_initializer
    assert tf.initializers.tables_initializer is tf.tables_initializer
    assert tf.random.uniform is tf.random_uniform and tf.random.normal is tf.random_normal
    assert tf.random.truncated_normal is tf.truncated_normal
    assert tf.train.ExponentialMovingAverage is slimcore.train.ExponentialMovingAverage
    ema_params = list(inspect.signature(tf.train.ExponentialMovingAverage).parameters)
    assert ema_params == ["decay", "num_updates", "zero_debias", "name"]
    assert list(inspect.signature(tf.train.get_checkpoint_state).parameters) == ["checkpoint_dir", "latest_filename"]
    assert tf.GraphKeys.TABLE_INITIALIZERS == "table_initializer"
    assert tf.GraphKeys.MOVING_AVERAGE_VARIABLES == "moving_average_variables"
