"""Graph construction: names, scopes, tensors' static attributes, default graphs,
control dependencies and collections."""

import threading

import numpy as np
import pytest

import slimcore as sc


def test_unique_names_follow_tensorflow():
    a = sc.constant(1.0, name="dense")
    b = sc.constant(1.0, name="dense")
    c = sc.constant(1.0, name="dense")
    assert [a.op.name, b.op.name, c.op.name] == ["dense", "dense_1", "dense_2"]
    # TF compares names case-insensitively and keeps counting from the base.
    d = sc.constant(1.0, name="Dense")
    assert d.op.name == "Dense_3"
    e = sc.constant(1.0, name="dense_1")
    assert e.op.name == "dense_1_1"


def test_name_scopes_nest_and_uniquify():
    with sc.name_scope("dense") as scope:
        assert scope == "dense/"
        k = sc.constant(1.0, name="kernel")
        with sc.name_scope("inner"):
            m = sc.constant(1.0)
    with sc.name_scope("dense") as scope2:
        k2 = sc.constant(1.0, name="kernel")
    assert scope2 == "dense_1/"
    assert k.name == "dense/kernel:0"
    assert m.name == "dense/inner/Const:0"
    assert k2.name == "dense_1/kernel:0"
    # Re-entering a scope by its full name ending in "/" does not uniquify.
    with sc.name_scope("dense/"):
        k3 = sc.constant(1.0, name="kernel")
    assert k3.name == "dense/kernel_1:0"
    with sc.name_scope(None, default_name="fallback") as s:
        assert s == "fallback/"


def test_default_op_names_and_tensor_attributes():
    x = sc.placeholder(sc.float32, [None, 784], name="x")
    w = sc.constant(np.zeros((784, 10), np.float32))
    y = sc.matmul(x, w)
    z = y + 1.0
    assert x.name == "x:0" and x.op.type == "Placeholder"
    assert y.name == "MatMul:0" and y.op.type == "MatMul"
    assert z.name == "add:0"
    assert y.shape.as_list() == [None, 10]
    assert y.get_shape().as_list() == [None, 10]
    assert y.get_shape()[1].value == 10 and y.shape[0].value is None
    assert str(y.shape) == "(?, 10)"
    assert y.dtype == sc.float32 and y.dtype == np.float32 and y.dtype == "float32"
    assert [t.name for t in y.op.inputs] == ["x:0", "Const:0"]
    assert y.op.outputs == [y]
    assert y.op.get_attr("transpose_a") is False


def test_python_operators_and_sum_of_list():
    a = sc.constant([1.0, 2.0])
    b = sc.constant([10.0, 20.0])
    exprs = [a + b, a - 1, 2 - a, a * 3, 3 * a, a / 2, 8 / a, -a, sum([a, b, a]), abs(-a)]
    with sc.Session() as sess:
        values = sess.run(exprs)
    expected = [[11, 22], [0, 1], [1, 0], [3, 6], [3, 6], [0.5, 1], [8, 4], [-1, -2], [12, 24], [1, 2]]
    for got, want in zip(values, expected):
        np.testing.assert_allclose(got, want)
    # A Python number takes the tensor's dtype.
    i = sc.constant([1, 2], dtype=sc.int32)
    assert (i + 1).dtype == sc.int32
    with pytest.raises(TypeError):
        i + 1.5


def test_tensor_is_not_a_python_bool_or_iterable():
    t = sc.constant([1.0])
    with pytest.raises(TypeError, match="bool"):
        bool(t)
    with pytest.raises(TypeError):
        iter(t)


def test_constant_dtype_inference_and_shape():
    assert sc.constant(1.0).dtype == sc.float32
    assert sc.constant(1.0).shape.as_list() == []
    assert sc.constant(1).dtype == sc.int32
    assert sc.constant(True).dtype == sc.bool
    assert sc.constant(np.float64(1.0)).dtype == sc.float64
    assert sc.constant(np.arange(3, dtype=np.int64)).dtype == sc.int64
    filled = sc.constant(7.0, shape=[2, 3])
    reshaped = sc.constant([1, 2, 3, 4, 5, 6], shape=[2, 3], dtype=sc.float32)
    with sc.Session() as sess:
        np.testing.assert_array_equal(sess.run(filled), np.full((2, 3), 7.0))
        np.testing.assert_array_equal(sess.run(reshaped), np.arange(1, 7).reshape(2, 3))
    with pytest.raises(ValueError, match="shape"):
        sc.constant([1, 2, 3], shape=[2, 2])
    assert sc.constant("text").dtype == sc.string  # tf.string, as TF1
    with pytest.raises(TypeError):
        sc.constant(1.5, dtype=sc.int32)


def test_default_graph_per_thread_and_reset():
    g = sc.Graph()
    with g.as_default():
        assert sc.get_default_graph() is g
        seen = []
        t = threading.Thread(target=lambda: seen.append(sc.get_default_graph()))
        t.start()
        t.join()
        assert seen[0] is not g  # other threads keep the global default
        with pytest.raises(AssertionError):
            sc.reset_default_graph()
    before = sc.get_default_graph()
    sc.reset_default_graph()
    assert sc.get_default_graph() is not before


def test_mixing_graphs_is_refused():
    g1, g2 = sc.Graph(), sc.Graph()
    with g1.as_default():
        a = sc.constant(1.0)
    with g2.as_default():
        b = sc.constant(2.0)
        with pytest.raises(ValueError, match="same graph"):
            a + b


def test_control_dependencies_order_side_effects():
    v = sc.Variable(0.0, name="counter")
    inc = sc.assign_add(v, 1.0)
    with sc.control_dependencies([inc]):
        after = sc.identity(v.value())
        noop = sc.no_op()
    assert inc.op in after.op.control_inputs
    with sc.control_dependencies(None):
        free = sc.identity(v.value())
    assert free.op.control_inputs == []
    with sc.Session() as sess:
        sess.run(sc.global_variables_initializer())
        assert sess.run(after) == 1.0
        sess.run(noop)
        assert sess.run(v) == 2.0
        sess.run(sc.group(inc, inc.op))  # one op, run once
        assert sess.run(v) == 3.0


def test_collections_keep_order_and_filter_by_scope():
    with sc.name_scope("net"):
        a = sc.constant(1.0, name="a")
    b = sc.constant(2.0, name="b")
    sc.add_to_collection("things", a)
    sc.add_to_collection("things", b)
    sc.add_to_collection("things", "not a tensor")
    assert sc.get_collection("things") == [a, b, "not a tensor"]
    assert sc.get_collection("things", scope="net") == [a]
    assert sc.get_collection("missing") == []
    ref = sc.get_collection_ref("things")
    ref.append(3)
    assert sc.get_collection("things")[-1] == 3
    # Graph elements are recorded in the C++ graph too.
    graph = sc.get_default_graph()
    assert graph._c.collection("things") == [(a.op._node, 0), (b.op._node, 0)]


def test_lookup_by_name():
    with sc.name_scope("s"):
        c = sc.constant(1.0, name="c")
    g = sc.get_default_graph()
    assert g.get_tensor_by_name("s/c:0") == c
    assert g.get_operation_by_name("s/c") == c.op
    with pytest.raises(KeyError):
        g.get_operation_by_name("nope")
    with pytest.raises(KeyError):
        g.get_tensor_by_name("s/c:1")


def test_build_time_shape_errors_name_the_op():
    a = sc.placeholder(sc.float32, [None, 3], name="a")
    b = sc.placeholder(sc.float32, [4, 5], name="b")
    with pytest.raises(ValueError, match=r"MatMul.*\[\?, 3\].*\[4, 5\]"):
        sc.matmul(a, b)
    with pytest.raises(ValueError, match="broadcast"):
        sc.placeholder(sc.float32, [2, 3]) + sc.placeholder(sc.float32, [4])
    with pytest.raises(TypeError, match="dtype"):
        a + sc.placeholder(sc.float64, [None, 3])
    with pytest.raises(ValueError, match=r"invalid dimension -5 in shape \[2, -5\]"):
        sc.placeholder(sc.float32, [2, -5])
    with pytest.raises(TypeError):
        sc.placeholder("complex64", [2])
    # A failed op leaves no trace: the next op takes the name.
    c = sc.matmul(a, sc.placeholder(sc.float32, [3, 2]))
    assert c.op.name == "MatMul"
