"""tf.Variable: naming, collections, initialization, assignment, the arena."""

import numpy as np
import pytest

import slimcore as sc
from slimcore import _core, errors


def test_variable_ops_are_named_as_tensorflow():
    v = sc.Variable(np.ones((2, 3), np.float32), name="w")
    assert v.name == "w:0"
    assert v.op.name == "w" and v.op.type == "VariableV2"
    assert v.initializer.name == "w/Assign"
    assert v.value().name == "w/read:0"
    assert v.shape.as_list() == [2, 3] and v.dtype == sc.float32
    v2 = sc.Variable(0.0, name="w")
    assert v2.name == "w_1:0"
    with sc.name_scope("layer"):
        v3 = sc.Variable(1.0)
    assert v3.name == "layer/Variable:0"
    assert "w:0" in repr(v)


def test_collections_and_trainable_flag():
    a = sc.Variable(1.0, name="a")
    b = sc.Variable(2.0, name="b", trainable=False)
    c = sc.Variable(3.0, name="c", collections=["mine"])
    assert sc.global_variables() == [a, b]
    assert sc.trainable_variables() == [a, c]
    assert sc.get_collection("mine") == [c]
    assert sc.get_collection(sc.GraphKeys.TRAINABLE_VARIABLES, scope="a") == [a]


def test_initialization_and_uninitialized_error():
    v = sc.Variable(np.arange(4, dtype=np.float32), name="v")
    w = sc.Variable(lambda: np.full(2, 5, np.int32), name="w")
    total = sc.reduce_sum(v) if hasattr(sc, "reduce_sum") else v * 1.0
    with sc.Session() as sess:
        with pytest.raises(errors.FailedPreconditionError, match="uninitialized value v"):
            sess.run(total)
        assert sc.report_uninitialized_variables() == ["v", "w"]
        sess.run(sc.variables_initializer([v]))
        assert sc.is_variable_initialized(v) and not sc.is_variable_initialized(w)
        sess.run(sc.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(v), [0, 1, 2, 3])
        np.testing.assert_array_equal(sess.run(w), [5, 5])
        assert w.dtype == sc.int32


def test_assignments():
    v = sc.Variable(np.zeros(3, np.float32))
    set_op = v.assign([1.0, 2.0, 3.0])
    add_op = v.assign_add(np.ones(3, np.float32))
    sub_op = sc.assign_sub(v, [0.5, 0.5, 0.5])
    with sc.Session() as sess:
        sess.run(sc.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(set_op), [1, 2, 3])
        sess.run(add_op)
        np.testing.assert_array_equal(sess.run(sub_op), [1.5, 2.5, 3.5])
        v.load([7.0, 8.0, 9.0])
        np.testing.assert_array_equal(v.eval(), [7, 8, 9])
    with pytest.raises(ValueError, match="shape"):
        v.assign(np.zeros(4, np.float32))
    with pytest.raises(TypeError):
        v.assign(np.zeros(3, np.int32).astype(object))
    with pytest.raises(TypeError):
        sc.assign(sc.constant(1.0), 2.0)


def test_variables_in_expressions_and_fetches():
    v = sc.Variable(2.0)
    y = v * 3.0 + v
    with sc.Session() as sess:
        sess.run(sc.global_variables_initializer())
        assert sess.run(y) == 8.0
        assert sess.run(v) == 2.0


def test_sessions_hold_separate_values():
    v = sc.Variable(1.0)
    inc = v.assign_add(1.0)
    init = sc.global_variables_initializer()
    s1, s2 = sc.Session(), sc.Session()
    s1.run(init)
    s2.run(init)
    s1.run(inc)
    assert s1.run(v) == 2.0 and s2.run(v) == 1.0


def test_trainable_float32_variables_share_one_arena():
    a = sc.Variable(np.ones((3, 5), np.float32), name="a")
    b = sc.Variable(np.full(7, 2.0, np.float32), name="b")
    c = sc.Variable(np.zeros(2, np.float64), name="c")  # not float32: own buffer
    with sc.Session() as sess:
        sess.run(sc.global_variables_initializer())
        # Variables created after the first run grow the arena without losing values.
        d = sc.Variable(np.full(4, 3.0, np.float32), name="d")
        sess.run(d.initializer)
        np.testing.assert_array_equal(sess.run(a), np.ones((3, 5)))
        np.testing.assert_array_equal(sess.run(b), np.full(7, 2.0))
        np.testing.assert_array_equal(sess.run(d), np.full(4, 3.0))
        assert sess.run(c).dtype == np.float64
        segments = _core.testing.arena_segments(sess._c)
        assert [node for node, _, _ in segments] == [a.op._node, b.op._node, d.op._node]
        assert [size for _, _, size in segments] == [15, 7, 4]
        offsets = [offset for _, offset, _ in segments]
        assert offsets == [0, 16, 32]  # each segment starts on a 64-byte line


def test_variable_arguments_are_validated():
    with pytest.raises(ValueError, match="needs an initial_value"):
        sc.Variable(None)
    with pytest.raises(ValueError, match=r"must have a fully defined shape, got \(\?, 2\)"):
        sc.Variable(sc.placeholder(sc.float32, [None, 2]))
    with pytest.raises(TypeError):
        sc.Variable(1.0, caching_device="gpu")


def test_gradients_are_written_into_the_gradient_arena():
    """Every trained variable's gradient lands in one buffer laid out like the
    parameter arena (what a data-parallel step would allreduce), and the
    optimizer's slots live in parallel arenas at the same offsets."""
    x = sc.placeholder(sc.float32, [None, 3])
    w = sc.Variable(np.ones((3, 2), np.float32), name="w")
    b = sc.Variable(np.zeros(2, np.float32), name="b")
    loss = sc.reduce_sum(sc.square(sc.matmul(x, w) + b))
    opt = sc.train.MomentumOptimizer(0.1, 0.9)
    grads = opt.compute_gradients(loss)
    train = opt.apply_gradients(grads)
    data = np.arange(12, dtype=np.float32).reshape(4, 3)
    with sc.Session() as sess:
        sess.run(sc.global_variables_initializer())
        expected = sess.run([g for g, _ in grads], {x: data})
        sess.run(train, {x: data})
        arena = _core.testing.gradient_arena(sess._c)
        segments = {node: (offset, size) for node, offset, size in _core.testing.arena_segments(sess._c)}
        for g, v in zip(expected, (w, b)):
            offset, size = segments[v.op._node]
            np.testing.assert_allclose(arena[offset : offset + size], g.ravel(), rtol=1e-6)
        momentum = _core.testing.arena(sess._c, 1)  # slot 1 of every variable: its momentum accumulator
        offset, size = segments[w.op._node]
        np.testing.assert_allclose(momentum[offset : offset + size], expected[0].ravel(), rtol=1e-6)
        np.testing.assert_allclose(sess.run(opt.get_slot(w, "momentum")), expected[0], rtol=1e-6)
        before = _core.testing.allocation_count()
        sess.run(train, {x: data})
        assert _core.testing.allocation_count() == before


def test_variables_ignore_outer_control_dependencies_and_fed_control_inputs_count_as_run():
    counter = sc.Variable(0.0, name="counter")
    bump = counter.assign_add(1.0)
    with sc.control_dependencies([bump]):
        v = sc.Variable(5.0, name="inside")
    assert v.initializer.control_inputs == []
    with sc.Session() as sess:
        sess.run(counter.initializer)
        sess.run(v.initializer)
        assert sess.run(counter) == 0.0  # initializing v did not run bump
    p = sc.placeholder(sc.float32, [], name="p")
    with sc.control_dependencies([p]):
        out = sc.constant(2.0) * 3.0
    with sc.Session() as sess:
        assert sess.run(out, {p: 1.0}) == 6.0
