"""Session.run: fetch structures, feeds, buffer reuse, threads and errors."""

import collections
import sys
import threading
import time

import numpy as np
import pytest

import slimcore as sc


def _affine():
    x = sc.placeholder(sc.float32, [None, 2], name="x")
    w = sc.constant(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))
    return x, sc.matmul(x, w)


def test_fetch_structures_are_returned_as_given():
    a = sc.constant(1.0)
    b = sc.constant([2, 3])
    op = sc.no_op()
    Pair = collections.namedtuple("Pair", "first second")
    with sc.Session() as sess:
        assert sess.run(a) == 1.0
        assert isinstance(sess.run(a), np.float32)
        assert isinstance(sess.run(b), np.ndarray)
        assert sess.run(op) is None
        got = sess.run({"a": a, "nested": [b, (a, op)], "pair": Pair(a, b)})
        assert got["a"] == 1.0
        np.testing.assert_array_equal(got["nested"][0], [2, 3])
        assert isinstance(got["nested"][1], tuple) and got["nested"][1][1] is None
        assert isinstance(got["pair"], Pair) and got["pair"].first == 1.0
        ordered = sess.run(collections.OrderedDict([("z", a), ("y", b)]))
        assert list(ordered) == ["z", "y"]
        assert sess.run("Const:0") == 1.0  # by name
        assert sess.run([a, a]) == [1.0, 1.0]


def test_feeds_accept_arrays_lists_scalars_and_convert_dtype():
    x, y = _affine()
    s = sc.placeholder(sc.float32, [], name="s")
    with sc.Session() as sess:
        np.testing.assert_allclose(sess.run(y, {x: [[1, 1]]}), [[4, 6]])
        np.testing.assert_allclose(sess.run(y, {x: np.ones((3, 2), np.float64)}), [[4, 6]] * 3)
        assert sess.run(s * 2, {s: 3}) == 6.0
        # Fetching a fed tensor returns the fed value.
        np.testing.assert_array_equal(sess.run(x, {x: [[5, 6]]}), [[5, 6]])


def test_any_tensor_can_be_fed():
    _x, y = _affine()
    z = y * 2.0
    with sc.Session() as sess:
        # y is fed, so x is not needed.
        np.testing.assert_allclose(sess.run(z, {y: [[1.0, 1.0]]}), [[2.0, 2.0]])


def test_buffers_follow_changing_batch_sizes():
    x, y = _affine()
    w = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
    rng = np.random.default_rng(0)
    with sc.Session() as sess:
        for batch in [4, 4, 1, 7, 4, 0]:
            data = rng.standard_normal((batch, 2)).astype(np.float32)
            np.testing.assert_allclose(sess.run(y, {x: data}), data @ w, rtol=1e-6)


def test_results_are_copies():
    v = sc.Variable(np.zeros(3, np.float32))
    inc = sc.assign_add(v, np.ones(3, np.float32))
    with sc.Session() as sess:
        sess.run(sc.global_variables_initializer())
        first = sess.run(v)
        sess.run(inc)
        np.testing.assert_array_equal(first, [0, 0, 0])  # not a view of the variable
        second = sess.run(v)
        second[:] = 100
        np.testing.assert_array_equal(sess.run(v), [1, 1, 1])


def test_missing_feed_names_the_placeholder():
    _x, y = _affine()
    with sc.Session() as sess:
        with pytest.raises(ValueError, match=r"feed a value for placeholder tensor 'x'.*float32.*\[\?, 2\]"):
            sess.run(y)


def test_wrong_feed_shape_and_dtype():
    x, y = _affine()
    i = sc.placeholder(sc.int32, [3], name="i")
    flag = sc.placeholder(sc.bool, [], name="flag")
    with sc.Session() as sess:
        with pytest.raises(ValueError, match=r"shape \[2, 3\].*'x:0'.*\[\?, 2\]"):
            sess.run(y, {x: np.ones((2, 3))})
        with pytest.raises(ValueError, match="shape"):
            sess.run(y, {x: np.ones(2)})
        # Converted as TF1's np.asarray(value, dtype): floats truncate into int32, 1.0 is True.
        np.testing.assert_array_equal(sess.run(i, {i: np.array([1.5, 2.0, -3.7])}), [1, 2, -3])
        assert sess.run(flag, {flag: 1.0}) is np.True_
        with pytest.raises(ValueError, match="'x:0'"):
            sess.run(y, {x: [["a", "b"]]})
        with pytest.raises(ValueError, match="fit"):
            sess.run(i, {i: np.array([2**40, 0, 0])})
        with pytest.raises(ValueError, match="cannot feed list to Tensor 'x:0'"):
            sess.run(y, {x: [[1, 2], [3]]})  # ragged


def test_fetch_or_feed_from_another_graph():
    x, y = _affine()
    other = sc.Graph()
    with other.as_default():
        foreign = sc.constant(1.0)
    with sc.Session() as sess:
        with pytest.raises(ValueError, match="not an element of this graph"):
            sess.run(foreign)
        with pytest.raises(ValueError, match="not an element of this graph"):
            sess.run(y, {foreign: 1.0, x: [[1, 1]]})
        with pytest.raises(TypeError):
            sess.run(y, {"not a tensor": 1, x: [[1, 1]]} if False else {3: 1})
        with pytest.raises(TypeError):
            sess.run(None)
        with pytest.raises(TypeError):
            sess.run(42)


def test_closed_session_refuses_to_run():
    a = sc.constant(1.0)
    sess = sc.Session()
    sess.close()
    with pytest.raises(RuntimeError, match="closed"):
        sess.run(a)


def test_context_manager_sets_default_session_and_graph():
    g = sc.Graph()
    with g.as_default():
        a = sc.constant(3.0)
    with pytest.raises(ValueError, match="default session"):
        a.eval()
    with sc.Session(graph=g) as sess:
        assert sc.get_default_session() is sess
        assert sc.get_default_graph() is g
        assert a.eval() == 3.0
    assert sc.get_default_session() is None


def test_a_long_run_lets_other_python_threads_run():
    """Session.run releases the GIL while the graph runs in C++.

    With a switch interval of 1000 s the interpreter never takes the GIL from
    a running thread: another thread gets it only when the holder blocks or
    releases it. The main thread marks `in_run` around each Session.run and
    never blocks elsewhere until the end, so the watcher thread can observe
    `in_run == True` only if the C++ call released the GIL. No timing is
    asserted: the watcher just needs one wake-up during some run."""
    x = sc.placeholder(sc.float32, [None, 256])
    w = sc.constant(np.ones((256, 256), np.float32) / 256)
    y = x
    for _ in range(20):
        y = sc.matmul(y, w)
    data = np.ones((256, 256), np.float32)
    state = {"in_run": False, "seen_in_run": False, "stop": False}

    def watcher():
        while not state["stop"]:
            if state["in_run"]:
                state["seen_in_run"] = True
            time.sleep(0.0002)  # releases the GIL; needs it back to look again

    previous = sys.getswitchinterval()
    sys.setswitchinterval(1000.0)
    thread = threading.Thread(target=watcher, daemon=True)
    try:
        thread.start()
        with sc.Session() as sess:
            for _ in range(200):
                state["in_run"] = True
                result = sess.run(y, {x: data})
                state["in_run"] = False
                if state["seen_in_run"]:
                    break
    finally:
        state["stop"] = True
        sys.setswitchinterval(previous)
        thread.join()
    np.testing.assert_allclose(result, np.ones((256, 256)), rtol=1e-5)
    assert state["seen_in_run"], "no other Python thread ran during 200 Session.run calls: the GIL was held"


def test_concurrent_runs_of_one_session_are_thread_safe():
    x = sc.placeholder(sc.float32, [None, 64])
    w = sc.constant(np.ones((64, 64), np.float32) / 64)
    y = x
    for _ in range(20):
        y = sc.matmul(y, w)
    data = np.ones((256, 64), np.float32)
    results = []
    with sc.Session() as sess:

        def work():
            for _ in range(5):
                results.append(sess.run(y, {x: data}))

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(results) == 20
    for r in results:
        np.testing.assert_allclose(r, np.ones((256, 64)), rtol=1e-5)


def test_num_threads():
    before = sc.get_num_threads()
    assert before >= 1
    try:
        sc.set_num_threads(1)
        assert sc.get_num_threads() == 1
        x, y = _affine()
        with sc.Session() as sess:
            np.testing.assert_allclose(sess.run(y, {x: [[1, 0]]}), [[1, 2]])
        with pytest.raises(ValueError, match="num_threads must be >= 1, got 0"):
            sc.set_num_threads(0)
        with pytest.raises(TypeError, match=r"expects an int, got 1\.5"):
            sc.set_num_threads(1.5)
        assert sc.get_num_threads() == 1  # a refused value changes nothing
    finally:
        sc.set_num_threads(before)  # the setting is process-wide: later tests see the default
    assert sc.get_num_threads() == before


@pytest.mark.parametrize("plan_buffers", ["1", "0"])
def test_steady_state_runs_allocate_nothing(plan_buffers, monkeypatch):
    """Buffers are planned once per input shape and reused: after a warm-up
    run, a training step allocates no tensor buffers; fetches cost one copy
    each. With buffers shared by liveness (buffer_planner.h, the default)
    and without (SLIMCORE_PLAN_BUFFERS=0)."""
    from slimcore import _core

    monkeypatch.setenv("SLIMCORE_PLAN_BUFFERS", plan_buffers)
    x = sc.placeholder(sc.float32, [None, 8], name="x")
    w = sc.Variable(np.full((8, 4), 0.1, np.float32))
    y = sc.matmul(x, w) + 1.0
    loss = y * y
    (g,) = sc.gradients(loss, [w])
    step = sc.assign_sub(w, g * 0.001)
    data = np.ones((16, 8), np.float32)
    with sc.Session() as sess:
        sess.run(sc.global_variables_initializer())
        sess.run(step.op, {x: data})  # plans and allocates
        before = _core.testing.allocation_count()
        for _ in range(10):
            sess.run(step.op, {x: data})
        assert _core.testing.allocation_count() == before
        sess.run([y, g], {x: data})
        before = _core.testing.allocation_count()
        sess.run([y, g], {x: data})
        assert _core.testing.allocation_count() == before + 2  # the two returned copies


@pytest.mark.parametrize(
    "name,builtin",
    [
        ("InvalidArgumentError", ValueError),
        ("TypeMismatchError", TypeError),
        ("NotFoundError", KeyError),
        ("FailedPreconditionError", RuntimeError),
        ("NonFiniteError", FloatingPointError),
        ("DataLossError", ValueError),
        ("ResourceExhaustedError", MemoryError),
    ],
)
def test_engine_errors_are_op_errors_and_builtins(name, builtin):
    cls = getattr(sc.errors, name)
    assert issubclass(cls, sc.errors.OpError) and issubclass(cls, builtin)


def test_an_engine_error_is_caught_as_op_error():
    x = sc.placeholder(sc.float32, [2], name="x")
    with sc.Session() as sess, pytest.raises(sc.errors.OpError, match="x"):
        sess.run(x * 2.0, {x: np.zeros([3], np.float32)})
