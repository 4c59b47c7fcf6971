"""Host-callback ops: tf.py_func / tf.numpy_function, tf.Print, tf.print."""

import gc
import io
import sys
import threading
import weakref

import numpy as np
import pytest

import slimcore.compat.v1 as tf


def _double(a):
    return (2 * a).astype(np.float32)


# ---- py_func: forward ---------------------------------------------------------
def test_py_func_forward_matches_numpy_and_gets_numpy_arrays():
    seen = []

    def f(a, b):
        seen.append((type(a), a.dtype, b.dtype))
        return (np.sin(a) * b).astype(np.float32)

    x = tf.placeholder(tf.float32, [None, 3])
    w = tf.constant(np.arange(3, dtype=np.float32))
    y = tf.py_func(f, [x, w], tf.float32)
    assert isinstance(y, tf.Tensor) and y.op.type == "PyFunc"
    feed = np.random.RandomState(0).randn(4, 3).astype(np.float32)
    with tf.Session() as sess:
        out = sess.run(y, {x: feed})
    np.testing.assert_allclose(out, np.sin(feed) * np.arange(3), rtol=1e-6)
    assert seen == [(np.ndarray, np.float32, np.float32)]


def test_py_func_list_tout_returns_a_list_of_tensors_of_those_dtypes():
    x = tf.constant([1.5, -2.0])
    outs = tf.py_func(lambda a: (a * 2, (a > 0)), [x], [tf.float32, tf.bool])
    assert isinstance(outs, list) and [t.dtype for t in outs] == [tf.float32, tf.bool]
    with tf.Session() as sess:
        a, b = sess.run(outs)
    np.testing.assert_array_equal(a, [3.0, -4.0])
    np.testing.assert_array_equal(b, [True, False])
    one = tf.py_func(lambda a: a, [x], [tf.float32])  # a list of one stays a list
    assert isinstance(one, list) and len(one) == 1


def test_py_func_without_outputs_returns_the_op_and_runs_it():
    calls = []
    x = tf.constant([1, 2], dtype=tf.int64)
    op = tf.py_func(lambda a: calls.append(a.tolist()), [x], [])
    assert isinstance(op, tf.Operation)
    with tf.Session() as sess:
        sess.run(op)
        sess.run(op)
    assert calls == [[1, 2], [1, 2]]


def test_numpy_function_and_stateless_py_func():
    x = tf.constant([1.0, 4.0])
    y = tf.numpy_function(np.sqrt, [x], tf.float32)
    z = tf.py_func(np.sqrt, [x], tf.float32, stateful=False, name="root")
    assert y.op.type == "PyFunc" and z.op.type == "PyFuncStateless" and z.op.name == "root"
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y), [1.0, 2.0])
        np.testing.assert_array_equal(sess.run(z), [1.0, 2.0])


# ---- py_func: static shapes -----------------------------------------------------
def test_py_func_output_has_unknown_rank_until_set_shape():
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.py_func(_double, [x], tf.float32)
    assert y.shape.ndims is None and y.get_shape().as_list is not None
    y.set_shape([None, 3])
    assert y.shape.as_list() == [None, 3]
    y.set_shape([2, 3])
    assert y.shape.as_list() == [2, 3]
    with pytest.raises(ValueError, match="not compatible"):
        y.set_shape([2, 4])
    # Ops built afterwards see the shape: a matmul infers [2, 5].
    m = tf.matmul(y, tf.ones([3, 5]))
    assert m.shape.as_list() == [2, 5]
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(m, {x: np.ones((2, 3))}), np.full((2, 5), 6.0))


def test_py_func_result_contradicting_set_shape_is_an_invalid_argument_error():
    x = tf.placeholder(tf.float32, [None])
    y = tf.py_func(lambda a: np.zeros((len(a), 2), np.float32), [x], tf.float32, name="widen")
    y.set_shape([None])
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError, match=r"widen.*shape \[3, 2\]"):
        sess.run(y, {x: np.ones(3)})


# ---- py_func: what the function returns ----------------------------------------------
@pytest.mark.parametrize(
    "ret, Tout, match",
    [
        (lambda a: a.astype(np.float64), tf.float32, "float64, but Tout expects float32"),
        (lambda a: 1.0, tf.float32, "float64, but Tout expects float32"),  # a Python float is float64
        (lambda a: (a, a), tf.float32, "returned 2 values, but Tout lists 1"),
        (lambda a: a, [tf.float32, tf.float32], "returned 1 values, but Tout lists 2"),
        (lambda a: np.array(["s"]), tf.float32, "string, but Tout expects float32"),
        (lambda a: np.zeros(2, np.float16), tf.float32, "float16, but Tout expects float32"),
        (lambda a: np.zeros(2, np.complex64), tf.float32, "numpy dtype complex64"),
        (lambda a: [object()], tf.string, "a string tensor takes bytes or str elements"),
    ],
)
def test_py_func_wrong_returns_are_clear_errors_naming_the_op(ret, Tout, match):  # noqa: N803
    y = tf.py_func(ret, [tf.constant([1.0, 2.0])], Tout, name="bad_func")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="bad_func") as info:
            sess.run(y)
        assert match in str(info.value)
        # The session stays usable after the error.
        assert sess.run(tf.constant(3.0)) == 3.0


# ---- py_func: exceptions ---------------------------------------------------------
def _raise(exc):
    def f(a):
        raise exc

    return f


@pytest.mark.parametrize(
    "exc, error",
    [
        (ValueError("bad value 42"), tf.errors.InvalidArgumentError),
        (TypeError("bad type 42"), tf.errors.InvalidArgumentError),
        (NotImplementedError("not yet 42"), tf.errors.UnimplementedError),
        (ZeroDivisionError("division 42"), tf.errors.UnknownError),
        (KeyError("key 42"), tf.errors.UnknownError),
    ],
)
def test_exceptions_in_func_become_tf1_errors_with_the_python_message(exc, error):
    y = tf.py_func(_raise(exc), [tf.constant(1.0)], tf.float32, name="raiser")
    with tf.Session() as sess:
        with pytest.raises(error) as info:
            sess.run(y)
        text = str(info.value)
        assert "op 'raiser' (PyFunc)" in text and type(exc).__name__ in text and "42" in text
        assert "Traceback" in text
        assert isinstance(info.value, tf.errors.OpError)
        assert sess.run(tf.constant(1.0)) == 1.0


# ---- py_func: gradient -----------------------------------------------------------
def test_no_gradient_flows_through_py_func():
    x = tf.Variable([1.0, 2.0])
    y = tf.py_func(_double, [x], tf.float32)
    y.set_shape([2])
    assert tf.gradients(tf.reduce_sum(y), x) == [None]
    # With another path, only that path counts.
    total = tf.reduce_sum(y) + tf.reduce_sum(3.0 * x)
    (g,) = tf.gradients(total, x)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(g), [3.0, 3.0])


# ---- py_func: threads, GIL, lifetime -------------------------------------------------
def test_callback_takes_the_gil_beside_multithreaded_kernels_and_from_another_thread():
    """The callback runs between OpenMP-parallel ops of one run, and from a
    Python thread; neither deadlocks (the join has a generous bound only so
    that a deadlock fails the test instead of hanging the suite)."""
    big = np.random.RandomState(1).randn(256, 256).astype(np.float32)
    a = tf.constant(big)
    b = tf.matmul(a, a)
    c = tf.py_func(lambda m: (m + 1.0).astype(np.float32), [b], tf.float32)
    c.set_shape([256, 256])
    d = tf.reduce_sum(tf.matmul(c, a))
    expected = np.sum((big @ big + 1.0) @ big, dtype=np.float64)
    tf.set_num_threads(2)
    results = []

    def work():
        with tf.Session(graph=d.graph) as sess:
            results.extend(sess.run(d) for _ in range(3))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive(), "Session.run with a py_func deadlocked"
    work()
    assert len(results) == 6
    np.testing.assert_allclose(results, expected, rtol=1e-3)


def test_the_function_is_released_with_its_graph():
    class Probe:
        def __call__(self, a):
            return a

    probe = Probe()
    ref = weakref.ref(probe)
    g = tf.Graph()
    with g.as_default():
        y = tf.py_func(probe, [tf.constant(1.0)], tf.float32)
        with tf.Session(graph=g) as sess:
            assert sess.run(y) == 1.0
    del probe, y, sess
    assert ref() is not None  # the graph holds it
    del g
    gc.collect()
    assert ref() is None


def test_a_callback_token_nobody_registered_is_not_found():
    g = tf.get_default_graph()
    node = g._add_node("PyFunc", [], {"token": 10**12, "Tout": [int(tf.float32._core)], "unknown_rank": [1]}, "orphan")
    with tf.Session() as sess, pytest.raises(tf.errors.NotFoundError, match="no host callback"):
        sess.run(tf.Tensor(g, node, 0))


def test_py_func_argument_errors():
    with pytest.raises(TypeError, match="callable"):
        tf.py_func(3, [tf.constant(1.0)], tf.float32)
    with pytest.raises(TypeError):
        tf.py_func(_double, [tf.constant(1.0)], "no such dtype")


# ---- tf.Print ---------------------------------------------------------------------
def test_print_is_an_identity_that_prints_tf1_format(capsys):
    x = tf.constant([[1.0, 2.5], [3.0, 4.0]])
    n = tf.constant(7)
    y = tf.Print(x, [x, n, tf.constant([0.1, 1e-7])], message="x: ", summarize=3)
    assert y.op.type == "Print" and y.shape.as_list() == [2, 2]
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y), [[1.0, 2.5], [3.0, 4.0]])
    err = capsys.readouterr().err
    assert err == "x: [[1 2.5][3]...][7][0.1 1e-07]\n"


def test_print_defaults_first_n_and_summarize(capsys):
    x = tf.constant(np.arange(5, dtype=np.int32))
    y = tf.Print(x, [x], first_n=2)
    z = tf.Print(x, [x], summarize=-1, message="all")
    with tf.Session() as sess:
        for _ in range(3):
            sess.run(y)
        sess.run(z)
    assert capsys.readouterr().err.splitlines() == ["[0 1 2...]", "[0 1 2...]", "all[0 1 2 3 4]"]


def test_print_passes_the_gradient_to_its_input_only():
    x = tf.Variable([1.0, 2.0])
    other = tf.Variable(3.0)
    y = tf.Print(x, [other])
    gx, go = tf.gradients(tf.reduce_sum(5.0 * y), [x, other])
    assert go is None
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(gx), [5.0, 5.0])
    with pytest.raises(TypeError, match="list"):
        tf.Print(x, x)


# ---- tf.print ---------------------------------------------------------------------
def test_print_v2_formats_as_tf_and_runs_as_a_control_dependency(capsys):
    x = tf.constant(np.arange(10, dtype=np.float32))
    m = tf.constant([[1, 2], [3, 4]])
    stream = io.StringIO()
    op = tf.print("loss:", tf.constant(1.5), x, m, output_stream=stream, sep="|", end="!\n")
    assert isinstance(op, tf.Operation) and op.type == "PrintV2"
    with tf.control_dependencies([op]):
        y = tf.identity(tf.constant(2.0))
    with tf.Session() as sess:
        assert sess.run(y) == 2.0
    assert stream.getvalue() == "loss:|1.5|[0 1 2 ... 7 8 9]|[[1 2]\n [3 4]]!\n"
    with tf.Session() as sess:
        sess.run(tf.print(x, summarize=-1))
        sess.run(tf.print(x, output_stream=sys.stdout, summarize=1))
    captured = capsys.readouterr()
    assert captured.err == "[0 1 2 3 4 5 6 7 8 9]\n"
    assert captured.out == "[0 ... 9]\n"


def test_print_v2_to_a_logging_function_and_bad_streams():
    lines = []
    op = tf.print("step", tf.constant(3), output_stream=lines.append)
    with tf.Session() as sess:
        sess.run(op)
    assert lines == ["step 3"]
    with pytest.raises(ValueError, match="output_stream"):
        tf.print("x", output_stream=42)
    assert tf.print is tf.print_v2
    assert callable(print)  # the builtin is untouched in this module


def test_a_callback_running_its_own_session_fails_instead_of_deadlocking():
    x = tf.constant(2.0)
    holder = {}

    def reenter(a):
        return np.float32(holder["sess"].run(x) * a)

    def other_session(a):
        with tf.Session(graph=x.graph) as inner:
            return np.float32(inner.run(x) * a)

    y = tf.py_func(reenter, [x], tf.float32, name="reenter")
    z = tf.py_func(other_session, [x], tf.float32)
    with tf.Session() as sess:
        holder["sess"] = sess
        with pytest.raises(tf.errors.FailedPreconditionError, match="inside a run of the same session"):
            sess.run(y)
        assert sess.run(z) == 4.0  # another session of the same graph is fine


def test_common_ops_build_on_a_py_func_output_without_set_shape():
    x = tf.placeholder(tf.float32, [None, 4])
    y = tf.py_func(_double, [x], tf.float32)
    r = tf.reshape(y, [-1, 2])
    s = tf.reduce_sum(y * 3.0 + 1.0)
    with tf.Session() as sess:
        rv, sv = sess.run([r, s], {x: np.ones((3, 4))})
    assert rv.shape == (6, 2) and sv == pytest.approx(12 * 7.0)
