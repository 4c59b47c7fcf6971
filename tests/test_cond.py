"""tf.cond / tf.case: lazy execution of the taken branch, gradients, nesting, errors."""

from __future__ import annotations

import numpy as np
import pytest

import slimcore.compat.v1 as tf
from gradcheck import check_gradients


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as graph:
        yield graph


def test_cond_picks_the_branch_of_each_run():
    x = tf.placeholder(tf.float32, [3])
    pred = tf.placeholder(tf.bool, [])
    y = tf.cond(pred, lambda: x * 2.0, lambda: x - 1.0)
    assert y.op.name == "cond/Merge"
    assert y.shape.as_list() == [3]
    xv = np.array([1.0, -2.0, 3.0], np.float32)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: xv, pred: True}), xv * 2)
        np.testing.assert_array_equal(sess.run(y, {x: xv, pred: False}), xv - 1)
        np.testing.assert_array_equal(sess.run(y, {x: xv, pred: True}), xv * 2)


def test_pred_computed_in_the_graph_and_placeholder_with_default():
    x = tf.placeholder(tf.float32, [None])
    is_training = tf.placeholder_with_default(True, [])
    y = tf.cond(tf.logical_and(is_training, tf.reduce_sum(x) > 0), lambda: tf.square(x), lambda: -x)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: [1.0, 2.0]}), [1.0, 4.0])
        np.testing.assert_array_equal(sess.run(y, {x: [-1.0, -2.0]}), [1.0, 2.0])
        np.testing.assert_array_equal(sess.run(y, {x: [1.0, 2.0], is_training: False}), [-1.0, -2.0])


def test_untaken_branch_assign_does_not_happen():
    v = tf.Variable(np.zeros(2, np.float32))
    pred = tf.placeholder(tf.bool, [])

    def true_fn():
        return tf.identity(v) * 1.0

    def false_fn():
        with tf.control_dependencies([tf.assign_add(v, [1.0, 1.0])]):
            return tf.identity(v) * 1.0

    y = tf.cond(pred, true_fn, false_fn)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(y, {pred: True})
        np.testing.assert_array_equal(sess.run(v), [0.0, 0.0])
        sess.run(y, {pred: False})
        sess.run(y, {pred: False})
        np.testing.assert_array_equal(sess.run(v), [2.0, 2.0])


def test_cond_returning_an_assign_op_runs_it_only_when_taken():
    v = tf.Variable(1.0)
    pred = tf.placeholder(tf.bool, [])
    out = tf.cond(pred, lambda: tf.assign(v, 5.0).op, lambda: tf.no_op())
    assert out.dtype == tf.bool
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(out, {pred: False}) == np.False_
        assert sess.run(v) == 1.0
        assert sess.run(out, {pred: True}) == np.True_
        assert sess.run(v) == 5.0


def test_untaken_branch_random_draws_do_not_advance_the_stream():
    # One draw per taken run: the stream a session sees equals the stream of a
    # graph without the cond, however many untaken runs come between.
    def draws(pattern):
        with tf.Graph().as_default():
            tf.set_random_seed(7)
            pred = tf.placeholder(tf.bool, [])
            y = tf.cond(pred, lambda: tf.random_uniform([4], seed=3), lambda: tf.zeros([4]))
            with tf.Session() as sess:
                outputs = [sess.run(y, {pred: p}) for p in pattern]
        return [out for out, p in zip(outputs, pattern) if p]

    taken_only = draws([True, True, True])
    interleaved = draws([False, True, False, False, True, False, True])
    np.testing.assert_array_equal(np.stack(taken_only), np.stack(interleaved))
    assert not np.array_equal(taken_only[0], taken_only[1])


def test_untaken_branch_is_not_computed_even_when_it_would_fail():
    # The false branch cannot reshape 3 elements into pairs: running it raises.
    x = tf.placeholder(tf.float32, [None])
    pred = tf.placeholder(tf.bool, [])
    y = tf.cond(pred, lambda: tf.reshape(x, [-1, 1]), lambda: tf.reshape(x, [-1, 2]))
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: [1.0, 2.0, 3.0], pred: True}), [[1.0], [2.0], [3.0]])
        with pytest.raises(tf.errors.InvalidArgumentError):
            sess.run(y, {x: [1.0, 2.0, 3.0], pred: False})


def test_ops_created_outside_the_branch_functions_run_as_usual():
    v = tf.Variable(0.0)
    bump = tf.assign_add(v, 1.0)  # created outside: TF1 runs it whatever the branch
    pred = tf.placeholder(tf.bool, [])
    y = tf.cond(pred, lambda: bump * 2.0, lambda: tf.constant(0.0))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(y, {pred: True}) == 2.0
        assert sess.run(y, {pred: False}) == 0.0
        assert sess.run(v) == 2.0  # only the untaken branch reads `bump`, and yet it ran


def test_output_structures_and_strict():
    pred = tf.placeholder(tf.bool, [])
    a, b = tf.cond(
        pred, lambda: (tf.constant(1.0), tf.constant([1, 2])), lambda: (tf.constant(2.0), tf.constant([3, 4]))
    )
    d = tf.cond(pred, lambda: {"x": tf.constant(1.0), "y": [tf.constant(2.0)]}, lambda: {"x": 3.0, "y": [4.0]})
    single = tf.cond(pred, lambda: [tf.constant(1.0)], lambda: [tf.constant(2.0)])
    strict = tf.cond(pred, lambda: [tf.constant(1.0)], lambda: [tf.constant(2.0)], strict=True)
    assert isinstance(single, tf.Tensor)
    assert isinstance(strict, list) and len(strict) == 1
    with tf.Session() as sess:
        assert sess.run([a, b], {pred: False})[0] == 2.0
        np.testing.assert_array_equal(sess.run(b, {pred: True}), [1, 2])
        assert sess.run(d, {pred: False}) == {"x": 3.0, "y": [4.0]}
        assert sess.run(d, {pred: True}) == {"x": 1.0, "y": [2.0]}


def test_branches_of_different_shapes_give_the_shape_they_agree_on():
    pred = tf.placeholder(tf.bool, [])
    y = tf.cond(pred, lambda: tf.zeros([2, 3]), lambda: tf.ones([4, 3]))
    assert y.shape.as_list() == [None, 3]
    z = tf.cond(pred, lambda: tf.zeros([2, 3]), lambda: tf.ones([3]))
    assert z.shape.ndims is None
    with tf.Session() as sess:
        assert sess.run(y, {pred: True}).shape == (2, 3)
        assert sess.run(y, {pred: False}).shape == (4, 3)
        assert sess.run(z, {pred: False}).shape == (3,)


def test_gradients_flow_through_the_taken_branch_only():
    x = tf.placeholder(tf.float32, [3])
    w = tf.placeholder(tf.float32, [3])
    pred = tf.placeholder(tf.bool, [])
    y = tf.cond(pred, lambda: tf.reduce_sum(x * x * w), lambda: tf.reduce_sum(tf.sin(x)))
    gx, gw = tf.gradients(y, [x, w])
    xv = np.array([0.5, -1.0, 2.0], np.float32)
    wv = np.array([1.0, 2.0, 3.0], np.float32)
    with tf.Session() as sess:
        gxt, gwt = sess.run([gx, gw], {x: xv, w: wv, pred: True})
        np.testing.assert_allclose(gxt, 2 * xv * wv, rtol=1e-6)
        np.testing.assert_allclose(gwt, xv * xv, rtol=1e-6)
        gxf, gwf = sess.run([gx, gw], {x: xv, w: wv, pred: False})
        np.testing.assert_allclose(gxf, np.cos(xv), rtol=1e-6)
        np.testing.assert_array_equal(gwf, np.zeros(3))  # w is read only by the untaken branch


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_gradients_against_finite_differences(sign):
    rng = np.random.default_rng(1)
    x = sign * (np.abs(rng.standard_normal((2, 3))) + 0.5)
    w = rng.standard_normal((3, 2))

    def fn(x, w):
        pred = tf.reduce_sum(x) > 0.0
        return tf.cond(pred, lambda: tf.tanh(tf.matmul(x, w)), lambda: tf.matmul(x * x, w) + tf.reduce_sum(w))

    check_gradients(fn, [x, w])


def test_nested_cond_values_gradients_and_side_effects():
    x = tf.placeholder(tf.float32, [])
    p = tf.placeholder(tf.bool, [])
    q = tf.placeholder(tf.bool, [])
    v = tf.Variable(0.0)

    def inner_true():
        with tf.control_dependencies([tf.assign_add(v, 1.0)]):
            return x * x * x

    def outer_true():
        q_inner = tf.logical_not(q)  # a predicate made inside the outer branch
        return tf.cond(q_inner, inner_true, lambda: 2.0 * x) + 1.0

    y = tf.cond(p, outer_true, lambda: tf.sin(x))
    (g,) = tf.gradients(y, [x])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        cases = [
            (True, False, 8.0 + 1.0, 3 * 4.0),
            (True, True, 4.0 + 1.0, 2.0),
            (False, False, np.sin(2.0), np.cos(2.0)),
            (False, True, np.sin(2.0), np.cos(2.0)),
        ]
        for pv, qv, want_y, want_g in cases:
            got_y, got_g = sess.run([y, g], {x: 2.0, p: pv, q: qv})
            np.testing.assert_allclose([got_y, got_g], [want_y, want_g], rtol=1e-6)
        assert sess.run(v) == 1.0  # inner_true ran only in the run with p and not q


def test_gradient_of_a_tensor_returned_by_both_branches():
    x = tf.placeholder(tf.float32, [2])
    pred = tf.placeholder(tf.bool, [])
    y = tf.cond(pred, lambda: x, lambda: 3.0 * x)
    (g,) = tf.gradients(tf.reduce_sum(y), [x])
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(g, {x: [1.0, 2.0], pred: True}), [1.0, 1.0])
        np.testing.assert_array_equal(sess.run(g, {x: [1.0, 2.0], pred: False}), [3.0, 3.0])


def test_training_through_cond_updates_only_what_the_taken_branch_uses():
    x = tf.constant([[1.0, 2.0]])
    a = tf.get_variable("a", initializer=tf.constant([[0.5], [0.5]]))
    b = tf.get_variable("b", initializer=tf.constant([[0.5], [0.5]]))
    pred = tf.placeholder(tf.bool, [])
    pred_out = tf.cond(pred, lambda: tf.matmul(x, a), lambda: tf.matmul(x, b))
    loss = tf.reduce_sum(tf.square(pred_out - 3.0))
    train = tf.train.GradientDescentOptimizer(0.05).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss, {pred: True})
        for _ in range(5):
            sess.run(train, {pred: True})
        assert sess.run(loss, {pred: True}) < first
        np.testing.assert_array_equal(sess.run(b), [[0.5], [0.5]])
        a_before = sess.run(a)
        sess.run(train, {pred: False})
        np.testing.assert_array_equal(sess.run(a), a_before)
        assert not np.array_equal(sess.run(b), [[0.5], [0.5]])


def test_variables_created_inside_a_branch_are_initialized_outside_it():
    pred = tf.placeholder(tf.bool, [])
    x = tf.ones([1, 3])
    y = tf.cond(pred, lambda: tf.layers.dense(x, 2, name="d"), lambda: tf.zeros([1, 2]))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())  # the initializers run though pred is not fed
        assert sess.run(y, {pred: False}).shape == (1, 2)
        kernel = sess.run(tf.trainable_variables()[0])
        np.testing.assert_allclose(sess.run(y, {pred: True}), np.ones((1, 3)) @ kernel, rtol=1e-6)


def test_a_variable_initialized_from_a_branch_tensor_is_refused_as_in_tf1():
    pred = tf.placeholder(tf.bool, [])
    with pytest.raises(ValueError, match="from inside a control-flow construct"):
        tf.cond(pred, lambda: tf.Variable(tf.ones([2]) * 2.0) + 1.0, lambda: tf.zeros([2]))
    y = tf.cond(pred, lambda: tf.Variable(lambda: tf.ones([2]) * 2.0, name="ok") + 1.0, lambda: tf.zeros([2]))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(y, {pred: True}), [3.0, 3.0])


def test_fetching_a_tensor_of_the_untaken_branch_is_an_error():
    pred = tf.placeholder(tf.bool, [])
    inside = []

    def true_fn():
        inside.append(tf.constant(1.0) + 1.0)
        return inside[0]

    y = tf.cond(pred, true_fn, lambda: tf.constant(0.0))
    with tf.Session() as sess:
        assert sess.run(inside[0], {pred: True}) == 2.0
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"branch of a tf\.cond that was not taken"):
            sess.run([y, inside[0]], {pred: False})


def test_case_picks_the_first_true_predicate_and_runs_only_it():
    x = tf.placeholder(tf.int32, [])
    v = tf.Variable(0)

    def counted(value):
        def fn():
            with tf.control_dependencies([tf.assign_add(v, 1)]):
                return tf.constant(value)

        return fn

    y = tf.case([(x < 0, counted(-1)), (tf.equal(x, 0), counted(0)), (x < 10, counted(5))], default=counted(99))
    z = tf.case({x < 0: lambda: tf.constant(-1)}, default=lambda: tf.constant(1))
    last_as_default = tf.case([(x < 0, lambda: tf.constant(-1)), (x > 100, lambda: tf.constant(7))])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert [sess.run(y, {x: k}) for k in (-3, 0, 4, 50)] == [-1, 0, 5, 99]
        assert sess.run(v) == 4  # one function per run
        assert [sess.run(z, {x: k}) for k in (-3, 3)] == [-1, 1]
        assert [sess.run(last_as_default, {x: k}) for k in (-3, 3)] == [-1, 7]


def test_smart_cond_decides_statically_when_it_can():
    smart_cond = tf.contrib.framework.smart_cond
    assert smart_cond(True, lambda: 1, lambda: 2) == 1
    assert smart_cond(tf.constant(False), lambda: 1, lambda: 2) == 2
    pred = tf.placeholder(tf.bool, [])
    out = smart_cond(pred, lambda: tf.constant(1), lambda: tf.constant(2))
    assert out.op.type == "Merge"


def test_cond_errors():
    x = tf.constant(1.0)
    pred = tf.placeholder(tf.bool, [])
    with pytest.raises(TypeError, match="pred must not be a Python bool"):
        tf.cond(True, lambda: x, lambda: x)
    with pytest.raises(TypeError, match="pred must be a bool tensor"):
        tf.cond(tf.constant(1.0), lambda: x, lambda: x)
    with pytest.raises(ValueError, match="pred must be a scalar"):
        tf.cond(tf.placeholder(tf.bool, [2]), lambda: x, lambda: x)
    with pytest.raises(TypeError, match="true_fn must be callable"):
        tf.cond(pred, x, lambda: x)
    with pytest.raises(ValueError, match="false_fn must have a return value"):
        tf.cond(pred, lambda: x, lambda: None)
    with pytest.raises(TypeError, match="must have the same type: float32, int32"):
        tf.cond(pred, lambda: x, lambda: tf.constant(1))
    with pytest.raises(ValueError, match="Incompatible return values"):
        tf.cond(pred, lambda: (x, x), lambda: x)
    with pytest.raises(TypeError, match="fn1"):
        tf.cond(pred, lambda: x, lambda: x, fn1=lambda: x)
    assert tf.get_default_graph()._c.current_cond_context == -1  # errors leave the branch context
    with pytest.raises(TypeError, match="must be callable"):
        tf.case([(pred, 1.0)])
    with pytest.raises(ValueError, match="empty"):
        tf.case([])
