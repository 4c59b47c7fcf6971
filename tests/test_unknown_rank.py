"""Unknown rank (tf.placeholder(tf.float32) without a shape), the storage
dtypes (int8, int16, uint8, uint16, float16, string), feed conversion and
Tensor.set_shape, as TF1 (issue 13)."""

import numpy as np
import pytest

import slimcore as sc
import slimcore.compat.v1 as tf
from slimcore import errors


def _run(fetches, feed=None):
    with sc.Session() as sess:
        return sess.run(fetches, feed)


# ---- unknown rank: static shapes ------------------------------------------------------


def test_shapeless_placeholder_has_unknown_rank():
    for p in (
        tf.placeholder(tf.float32),
        tf.placeholder(tf.float32, shape=None),
        tf.placeholder("float", tf.TensorShape(None)),
    ):
        assert p.shape == tf.TensorShape(None) or p.shape.ndims is None
        assert p.shape.ndims is None and p.get_shape().dims is None
        assert str(p.shape) == "<unknown>"
        with pytest.raises(ValueError, match=r"as_list\(\) is not defined on an unknown TensorShape"):
            p.shape.as_list()
        assert "shape=<unknown>" in repr(p)


def test_static_inference_keeps_what_every_rank_agrees_on():
    u = sc.placeholder(sc.float32)
    x = sc.placeholder(sc.float32, [None, 10])
    w = sc.placeholder(sc.float32, [10, 5])
    assert (x * u).shape.ndims is None  # u may have any rank: so may the product
    assert (u + u).shape.ndims is None
    assert sc.nn.relu(u).shape.ndims is None
    assert sc.matmul(u, w).shape.as_list() == [None, 5]  # only rank 2 is valid
    assert sc.matmul(x, sc.placeholder(sc.float32)).shape.as_list() == [None, None]
    assert sc.reduce_sum(u).shape.as_list() == []  # every rank reduces to a scalar
    assert sc.reduce_mean(u * x).shape.as_list() == []
    assert sc.reshape(u, [-1, 784]).shape.as_list() == [None, 784]
    assert sc.cast(u, sc.int32).shape.ndims is None and sc.cast(u, sc.int32).dtype == sc.int32


def test_known_ranks_infer_as_before():
    x = sc.placeholder(sc.float32, [None, 10])
    assert (x * 2.0).shape.as_list() == [None, 10]
    assert sc.matmul(x, sc.placeholder(sc.float32, [10, 3])).shape.as_list() == [None, 3]


def test_no_valid_rank_is_an_error_at_graph_construction_naming_the_op():
    u = sc.placeholder(sc.float32)
    with pytest.raises(errors.InvalidArgumentError, match=r"op 'MatMul' \(MatMul\).*no rank of input 0"):
        sc.matmul(u, sc.placeholder(sc.float32, [3]))
    with pytest.raises(TypeError, match="dtype"):  # a dtype error is one for every rank
        u + sc.placeholder(sc.float64)


def test_rank_checks_run_when_the_graph_runs_naming_the_op():
    u = sc.placeholder(sc.float32, name="u")
    y = sc.matmul(u, sc.placeholder(sc.float32, [2, 2], name="w"), name="mm")
    with pytest.raises(errors.InvalidArgumentError, match="op 'mm'"):
        _run(y, {"u:0": np.ones((2, 2, 2)), "w:0": np.eye(2)})


# ---- unknown rank: feeding and running ----------------------------------------------------


@pytest.mark.parametrize(
    "value", [3.0, [1.0, 2.0], np.ones((2, 3)), np.ones((1, 2, 1, 2))], ids=["0d", "1d", "2d", "4d"]
)
def test_any_shape_feeds_an_unknown_rank_placeholder(value):
    p = sc.placeholder(sc.float32)
    out = _run(p * 2.0, {p: value})
    np.testing.assert_allclose(out, 2.0 * np.asarray(value, np.float32))


def test_one_plan_takes_feeds_of_different_ranks():
    p = sc.placeholder(sc.float32)
    y = sc.reduce_sum(p * p)
    with sc.Session() as sess:
        assert sess.run(y, {p: 2.0}) == 4.0
        assert sess.run(y, {p: [1.0, 2.0]}) == 5.0
        assert sess.run(y, {p: [[1.0], [3.0]]}) == 10.0


def test_gradient_through_unknown_rank():
    p = sc.placeholder(sc.float64)
    (g,) = sc.gradients(sc.reduce_sum(p * p * 3.0), [p])
    assert g.shape.ndims is None
    value = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(_run(g, {p: value}), 6.0 * value)


def test_gradient_of_an_unknown_rank_input_matches_finite_differences():
    p = sc.placeholder(sc.float64)  # fed [3], broadcast against [2, 3]
    m = sc.constant(np.array([[1.0, -2.0, 0.5], [3.0, 1.0, -1.0]]))
    y = sc.reduce_sum(sc.square(p) * m + p)
    (g,) = sc.gradients(y, [p])
    value = np.array([0.3, -1.2, 2.0])
    with sc.Session() as sess:
        got = sess.run(g, {p: value})
        eps = 1e-6
        fd = np.zeros_like(value)
        for i in range(value.size):
            d = np.zeros_like(value)
            d[i] = eps
            fd[i] = (sess.run(y, {p: value + d}) - sess.run(y, {p: value - d})) / (2 * eps)
    np.testing.assert_allclose(got, fd, rtol=1e-6, atol=1e-8)


def test_broadcast_gradient_reduces_to_the_fed_shape_of_an_unknown_rank_tensor():
    x = sc.placeholder(sc.float64, [None, 3])
    k = sc.placeholder(sc.float64)
    gx, gk = sc.gradients(sc.reduce_sum(x * k), [x, k])
    xv = np.arange(6.0).reshape(2, 3)
    got_x, got_k = _run([gx, gk], {x: xv, k: 0.5})
    np.testing.assert_allclose(got_x, np.full((2, 3), 0.5))
    assert np.shape(got_k) == () and got_k == pytest.approx(xv.sum())
    got_k = _run(gk, {x: xv, k: [1.0, 2.0, 3.0]})
    np.testing.assert_allclose(got_k, xv.sum(axis=0))


def test_keep_prob_idiom_trains():
    """TF1's MNIST tutorial shape: a shapeless keep_prob into tf.nn.dropout, a
    loss over a shapeless label placeholder; the loss falls."""
    rng = np.random.RandomState(0)
    xs = rng.randn(64, 4).astype(np.float32)
    ys = (xs @ np.array([[1.0], [-2.0], [0.5], [3.0]], np.float32)).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 4])
    y_ = tf.placeholder(tf.float32)  # labels: no shape
    keep_prob = tf.placeholder(tf.float32)
    w = tf.Variable(tf.zeros([4, 1]))
    h = tf.nn.dropout(x, keep_prob)
    assert h.shape.as_list() == [None, 4]
    scaled = x * keep_prob  # unknown rank
    assert scaled.shape.ndims is None
    y = tf.matmul(h, w)
    loss = tf.reduce_mean(tf.square(y - y_))
    assert loss.shape.as_list() == []
    train = tf.train.GradientDescentOptimizer(0.05).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss, {x: xs, y_: ys, keep_prob: 1.0})
        for _ in range(60):
            sess.run(train, {x: xs, y_: ys, keep_prob: 0.9})
        last = sess.run(loss, {x: xs, y_: ys, keep_prob: 1.0})
        _, scaled_value = sess.run([train, scaled], {x: xs, y_: ys, keep_prob: 0.5})
    assert last < 0.2 * first
    np.testing.assert_allclose(scaled_value, xs * 0.5)


_LABELS = np.eye(3, dtype=np.float32)[[0, 2]]
_LOGITS = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]], np.float32)


def _softmax_xent(labels, logits):
    z = logits - logits.max(axis=1, keepdims=True)
    return np.mean(-(labels * (z - np.log(np.exp(z).sum(axis=1, keepdims=True)))).sum(axis=1))


@pytest.mark.parametrize(
    "loss,want",
    [
        (lambda y, p: tf.losses.mean_squared_error(y, p), np.mean((_LABELS - _LOGITS) ** 2)),
        (
            lambda y, p: tf.losses.absolute_difference(y, p, weights=tf.constant(0.5)),
            0.5 * np.mean(abs(_LABELS - _LOGITS)),
        ),
        (lambda y, p: tf.losses.softmax_cross_entropy(y, p), _softmax_xent(_LABELS, _LOGITS)),
        (
            lambda y, p: tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=p)),
            _softmax_xent(_LABELS, _LOGITS),
        ),
    ],
    ids=["mse", "abs-weighted", "softmax", "nn-softmax"],
)
def test_losses_over_shapeless_labels(loss, want):
    p = tf.placeholder(tf.float32, [None, 3])
    y = tf.placeholder(tf.float32)
    out = loss(y, p)
    assert out.shape.as_list() == []
    assert _run(out, {p: _LOGITS, y: _LABELS}) == pytest.approx(want, rel=1e-5)
    (g,) = tf.gradients(out, [p])
    assert g.shape.as_list() == [None, 3]


def test_dropout_with_a_non_scalar_keep_prob_fed_fails_when_run():
    x = sc.placeholder(sc.float32, [None, 4])
    keep = sc.placeholder(sc.float32)
    y = sc.nn.dropout(x, keep)
    with pytest.raises(errors.InvalidArgumentError):
        _run(y, {x: np.ones((2, 4)), keep: [0.5, 0.5]})


def test_set_shape_on_unknown_rank():
    p = sc.placeholder(sc.float32)
    p.set_shape([None, 3])
    assert p.shape.as_list() == [None, 3]
    assert sc.matmul(p, sc.placeholder(sc.float32, [3, 2])).shape.as_list() == [None, 2]
    with pytest.raises(ValueError, match="not compatible"):
        p.set_shape([2, 4])
    with pytest.raises(errors.InvalidArgumentError, match=r"Cannot feed value of shape \[2, 4\]"):
        _run(p, {p: np.ones((2, 4))})
    q = sc.placeholder(sc.float32, [2])
    q.set_shape(None)  # unknown rank refines nothing
    q.set_shape(tf.TensorShape(None))
    assert q.shape.as_list() == [2]


def test_set_shape_merges_and_refuses_conflicts():
    p = sc.placeholder(sc.float32, [None, 3])
    p.set_shape([5, None])
    assert p.shape.as_list() == [5, 3]
    with pytest.raises(ValueError, match="not compatible"):
        p.set_shape([5, 4])
    with pytest.raises(ValueError, match="not compatible"):
        p.set_shape([5, 3, 1])


# ---- dtypes ------------------------------------------------------------------------------

STORAGE = ["int8", "int16", "uint8", "uint16", "float16"]


def test_new_dtypes_exist_under_tf1_names():
    for name in STORAGE + ["string"]:
        assert getattr(tf, name) is getattr(sc, name)
        assert sc.as_dtype(name).name == name
    assert tf.half is tf.float16
    assert tf.as_dtype(np.uint8) is tf.uint8 and tf.as_dtype(np.float16) is tf.float16
    assert tf.as_dtype(np.object_) is tf.string and tf.as_dtype(bytes) is tf.string
    assert tf.uint8.is_integer and tf.uint8.is_unsigned and not tf.int8.is_unsigned
    assert tf.float16.is_floating and tf.float16.size == 2
    assert (tf.uint8.min, tf.uint8.max) == (0, 255) and (tf.int8.min, tf.int8.max) == (-128, 127)
    assert tf.int16.max == 32767 and tf.float16.max == pytest.approx(65504.0)
    with pytest.raises(TypeError):
        tf.string.max  # noqa: B018
    with pytest.raises(TypeError, match="Cannot convert"):
        sc.as_dtype("complex64")


@pytest.mark.parametrize("name", STORAGE)
def test_storage_dtype_feeds_and_fetches_keep_their_dtype(name):
    dtype = sc.as_dtype(name)
    p = sc.placeholder(dtype, [None, 2])
    value = np.array([[1, 2], [3, 4]], dtype=dtype.as_numpy_dtype)
    out = _run([p, sc.identity(p), sc.reshape(p, [-1])], {p: value})
    for got in out:
        assert got.dtype == value.dtype
    np.testing.assert_array_equal(out[1], value)
    np.testing.assert_array_equal(out[2], value.ravel())
    c = sc.constant(value)
    assert c.dtype == dtype
    np.testing.assert_array_equal(_run(c), value)


@pytest.mark.parametrize("name", STORAGE + ["string"])
def test_compute_ops_refuse_storage_dtypes_at_graph_construction(name):
    p = sc.placeholder(sc.as_dtype(name), [2], name="p")
    with pytest.raises(TypeError, match=rf"op 'add' \(Add\).*input 0 has dtype {name}.*tf.cast"):
        sc.add(p, p, name="add")


CASTS = [
    # (from dtype, to dtype, values)
    ("float32", "uint8", [300.0, -1.0, 1.7, -0.5, 255.9, 0.0]),
    ("float64", "int8", [-1.7, 1.7, 127.0, 128.0, -129.0, 200.5]),
    ("float32", "int16", [40000.0, -3.9, 3.9]),
    ("float64", "uint16", [70000.0, -2.0, 65535.0]),
    ("int32", "int8", [200, -200, 127, -128, 5]),
    ("int64", "uint8", [256, 257, -1, 1000]),
    ("uint8", "float32", [0, 1, 255]),
    ("int8", "int32", [-128, 127, 0]),
    ("uint16", "int16", [65535, 32768, 1]),
    ("float32", "float16", [0.1, 65504.0, 70000.0, -2.5, 1e-8]),
    ("float16", "float64", [0.1, -2.5, 65504.0]),
    ("float16", "int32", [-2.5, 2.5, 100.75]),
    ("float16", "uint8", [300.0, -1.0]),
    ("bool", "int8", [True, False]),
    ("uint8", "bool", [0, 1, 255]),
    ("int8", "float16", [-128, 127]),
]


@pytest.mark.parametrize("src,dst,values", CASTS, ids=[f"{a}-{b}" for a, b, _ in CASTS])
def test_cast_between_every_numeric_dtype_as_numpy_astype(src, dst, values):
    value = np.array(values, dtype=np.dtype(src))
    p = sc.placeholder(sc.as_dtype(src), [None])
    y = sc.cast(p, dst)
    assert y.dtype == sc.as_dtype(dst)
    got = _run(y, {p: value})
    assert got.dtype == np.dtype(dst)
    with np.errstate(invalid="ignore", over="ignore"):
        # numpy on x86 wraps float -> narrow int through int32 (TF's cvtt), as slimcore does
        want = (
            value.astype(np.int32).astype(dst)
            if value.dtype.kind == "f" and np.dtype(dst).kind in "iu"
            else value.astype(dst)
        )
    np.testing.assert_array_equal(got, want)


def test_cast_float_to_uint8_wraps_as_tf1():
    p = sc.placeholder(sc.float32, [3])
    np.testing.assert_array_equal(_run(sc.cast(p, sc.uint8), {p: [300.0, -1.0, 2.9]}), [44, 255, 2])


def test_cast_gradient_flows_between_float32_and_float64_only():
    x = sc.placeholder(sc.float32, [3])
    y = sc.cast(sc.cast(x, sc.float64), sc.float32) * 3.0
    (g,) = sc.gradients(sc.reduce_sum(y), [x])
    np.testing.assert_allclose(_run(g, {x: [1.0, 2.0, 3.0]}), [3.0, 3.0, 3.0])
    for storage in (sc.uint8, sc.float16):  # no kernel computes a gradient in a storage dtype
        (none,) = sc.gradients(sc.reduce_sum(sc.cast(sc.cast(x, storage), sc.float32)), [x])
        assert none is None


# ---- strings ---------------------------------------------------------------------------


def test_integer_constants_out_of_range_are_refused_not_wrapped():
    for value, dtype in [(300, sc.uint8), (-1, sc.uint16), (2**40, sc.int32), ([1, 128], sc.int8)]:
        with pytest.raises(TypeError, match=f"out of range for {dtype.name}"):
            sc.constant(value, dtype=dtype)
    np.testing.assert_array_equal(_run(sc.constant([0, 255], dtype=sc.uint8)), np.array([0, 255], np.uint8))


def test_string_placeholder_feeds_and_fetches_bytes():
    p = tf.placeholder(tf.string)
    q = tf.placeholder(tf.string, [None])
    assert p.dtype == tf.string and p.shape.ndims is None
    a, b, c = _run([p, tf.identity(q), q], {p: "héllo", q: [b"a", "bc", np.bytes_(b"\x00z")]})
    assert a == "héllo".encode() and isinstance(a, bytes)
    assert b.dtype == object and list(b) == [b"a", b"bc", b"\x00z"]
    assert list(c) == list(b)
    m = _run(p, {p: np.array([["x", "yy"], ["", "zzz"]])})
    assert m.shape == (2, 2) and m.dtype == object and m[1, 1] == b"zzz" and m[1, 0] == b""


def test_string_constants_and_reshape():
    c = tf.constant([b"ab", "cd", "é"])
    assert c.dtype == tf.string and c.shape.as_list() == [3]
    np.testing.assert_array_equal(_run(tf.reshape(c, [3, 1]))[:, 0], np.array([b"ab", b"cd", "é".encode()], object))
    s = tf.constant("one", dtype=tf.string, shape=[2])
    assert list(_run(s)) == [b"one", b"one"]


def test_string_errors():
    p = tf.placeholder(tf.string, [None], name="s")
    with pytest.raises(TypeError, match=r"Tensor 's:0'.*bytes or str"):
        _run(p, {p: [1, 2]})
    with pytest.raises(TypeError, match="string tensors cast only to string"):
        tf.cast(p, tf.float32)
    with pytest.raises(TypeError, match="bytes or str"):
        tf.constant([1, 2], dtype=tf.string)
    assert tf.cast(p, tf.string) is p


# ---- feed conversion (TF1: np.asarray(value, dtype=placeholder.dtype)) -------------------------


def test_feeds_convert_as_tf1():
    i = sc.placeholder(sc.int32, [], name="i")
    u = sc.placeholder(sc.uint8, [None], name="u")
    h = sc.placeholder(sc.float16, [2], name="h")
    f = sc.placeholder(sc.float32, name="f")
    got_i, got_u, got_h, got_f = _run([i, u, h, f], {i: 1.0, u: [1, 2.0, np.int64(3)], h: [0.1, 2], f: np.float64(2.5)})
    assert got_i == 1 and got_i.dtype == np.int32
    np.testing.assert_array_equal(got_u, np.array([1, 2, 3], np.uint8))
    assert got_h.dtype == np.float16 and got_h[0] == np.float16(0.1)
    assert got_f == 2.5 and got_f.dtype == np.float32


def test_feeds_that_cannot_convert_name_the_placeholder():
    u = sc.placeholder(sc.uint8, [None], name="u")
    x = sc.placeholder(sc.float32, [None, 2], name="x")
    with pytest.raises(ValueError, match="Tensor 'u:0'"):
        _run(u, {u: [256]})
    with pytest.raises(ValueError, match="Tensor 'x:0'"):
        _run(x, {x: "abc"})
    with pytest.raises(ValueError, match=r"Tensor 'x:0'.*shape \[\?, 2\]"):
        _run(x, {x: np.ones((2, 3))})


# ---- C++ registry: stand-in ranks ----------------------------------------------------------


def test_two_unknown_rank_inputs_broadcast_at_run_time():
    a = sc.placeholder(sc.float32)
    b = sc.placeholder(sc.float32)
    y = a - b
    assert y.shape.ndims is None
    np.testing.assert_allclose(_run(y, {a: [[1.0], [2.0]], b: [1.0, 2.0, 3.0]}), [[0, -1, -2], [1, 0, -1]])
    with pytest.raises(errors.InvalidArgumentError, match="broadcast"):
        _run(y, {a: [1.0, 2.0], b: [1.0, 2.0, 3.0]})


def test_many_unknown_rank_inputs():
    ps = [sc.placeholder(sc.float32) for _ in range(4)]
    y = sc.add_n(ps)
    assert y.shape.ndims is None
    np.testing.assert_allclose(_run(y, {p: np.ones((2, 2)) * k for k, p in enumerate(ps)}), np.full((2, 2), 6.0))


# ---- TensorShape / Dimension on tensors (TF1's V1 behaviour: shape[i] is a Dimension) -----------


def test_tensor_shape_api_on_tensors_of_known_and_unknown_rank():
    net = tf.placeholder(tf.float32, [None, 5, 5, 16])
    inner_size = 8
    assert inner_size < net.shape[3] and net.shape[3] > inner_size
    assert isinstance(net.get_shape()[3], tf.Dimension) and net.shape[3].value == 16
    assert tf.dimension_value(net.shape[3]) == 16 and tf.dimension_value(net.shape[0]) is None
    assert (net.shape[1] * net.shape[2] * net.shape[3]).value == 400
    assert net.get_shape()[1:].num_elements() == 400 and net.get_shape().num_elements() is None
    assert net.get_shape()[1:].as_list() == [5, 5, 16] and not net.get_shape().is_fully_defined()
    assert net.get_shape().merge_with([2, None, 5, None]).as_list() == [2, 5, 5, 16]
    assert net.get_shape().concatenate([3]).as_list() == [None, 5, 5, 16, 3]
    assert net.get_shape().with_rank(4) is not None and net.get_shape().with_rank_at_least(2).ndims == 4
    assert net.get_shape().most_specific_compatible_shape([2, 5, 6, 16]).as_list() == [None, 5, None, 16]
    net.get_shape().assert_is_compatible_with([7, 5, 5, 16])
    with pytest.raises(ValueError, match="incompatible"):
        net.get_shape().assert_is_compatible_with([7, 5, 5, 15])
    with pytest.raises(ValueError, match="must have rank 2"):
        net.get_shape().with_rank(2)

    u = tf.placeholder(tf.float32).get_shape()
    assert u.with_rank(2).as_list() == [None, None] and u.with_rank_at_least(3).ndims is None
    assert u.merge_with([1, 2]).as_list() == [1, 2] and u.concatenate([3]).ndims is None
    assert u.is_compatible_with([4, 5, 6]) and not u.is_fully_defined() and u.num_elements() is None
    assert u[0].value is None and u[1:3].as_list() == [None, None]

    d = tf.Dimension(None)
    assert (d + 1).value is None and (tf.Dimension(7) // 2).value == 3 and (tf.Dimension(7) % 4).value == 3
    assert (3 * tf.Dimension(4)).value == 12 and (d > 1) is None and tf.Dimension(3).merge_with(d).value == 3
    assert d.is_compatible_with(5) and not tf.Dimension(3).is_compatible_with(4)
    with pytest.raises(ValueError, match="not compatible"):
        tf.Dimension(3).merge_with(4)
