"""Elementwise binary ops with broadcasting, comparisons and add_n: forward
against numpy, gradients against finite differences."""

import numpy as np
import pytest

import slimcore as sc
from gradcheck import check_gradients, run_op

ARITHMETIC = [
    (sc.add, np.add),
    (sc.subtract, np.subtract),
    (sc.multiply, np.multiply),
    (sc.divide, np.divide),
    (sc.maximum, np.maximum),
    (sc.minimum, np.minimum),
]
COMPARISONS = [
    (sc.equal, np.equal),
    (sc.not_equal, np.not_equal),
    (sc.greater, np.greater),
    (sc.greater_equal, np.greater_equal),
    (sc.less, np.less),
    (sc.less_equal, np.less_equal),
]
# (shape of a, shape of b): same shape, scalars, rows, columns, inner and
# outer broadcasting, rank change, one element, empty, the OpenMP path.
SHAPES = [
    ((3, 4), (3, 4)),
    ((3, 4), ()),
    ((), (3, 4)),
    ((3, 4), (4,)),
    ((3, 1), (1, 4)),
    ((2, 3, 5), (3, 1)),
    ((1,), (1,)),
    ((5, 1, 3), (1, 4, 1)),
    ((0, 3), (3,)),
    ((200, 300), (300,)),
    ((40000,), ()),
    ((2, 1, 4, 1), (3, 1, 5)),
]


def _operand(shape, dtype, rng, positive=False):
    a = rng.uniform(0.5, 2.0, shape) if positive else rng.uniform(-2.0, 2.0, shape)
    return np.asarray(a).astype(dtype)


@pytest.mark.parametrize("sc_fn,np_fn", ARITHMETIC)
@pytest.mark.parametrize("shapes", SHAPES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_arithmetic_forward_broadcasts_as_numpy(sc_fn, np_fn, shapes, dtype):
    rng = np.random.default_rng(1)
    a = _operand(shapes[0], dtype, rng)
    b = _operand(shapes[1], dtype, rng, positive=True)
    got = run_op(sc_fn, [a, b])
    want = np_fn(a, b)
    assert got.shape == want.shape and got.dtype == dtype
    np.testing.assert_allclose(got, want, rtol=1e-6)


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_integer_arithmetic(dtype):
    a = np.array([[7, -3, 5]], dtype)
    b = np.array([[2], [3]], dtype)
    for sc_fn, np_fn in ARITHMETIC[:3] + ARITHMETIC[4:]:
        np.testing.assert_array_equal(run_op(sc_fn, [a, b]), np_fn(a, b))


@pytest.mark.parametrize("sc_fn,np_fn", COMPARISONS)
def test_comparisons_give_bool(sc_fn, np_fn):
    a = np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]], np.float32)
    b = np.array([2.0, 2.0, 2.0], np.float32)
    got = run_op(sc_fn, [a, b])
    assert got.dtype == np.bool_
    np.testing.assert_array_equal(got, np_fn(a, b))
    ints = run_op(sc_fn, [np.array([1, 5], np.int64), np.array([5, 5], np.int64)])
    np.testing.assert_array_equal(ints, np_fn([1, 5], [5, 5]))


@pytest.mark.parametrize("sc_fn,_", ARITHMETIC)
@pytest.mark.parametrize(
    "shapes", [((3, 4), (3, 4)), ((3, 4), ()), ((3, 4), (4,)), ((3, 1), (1, 4)), ((2, 3, 2), (3, 1)), ((1,), (2, 2))]
)
def test_arithmetic_gradients(sc_fn, _, shapes):
    rng = np.random.default_rng(2)
    a = _operand(shapes[0], np.float64, rng)
    b = _operand(shapes[1], np.float64, rng, positive=True)
    check_gradients(sc_fn, [a, b])


def test_maximum_minimum_ties_send_gradient_to_first_operand():
    graph = sc.Graph()
    with graph.as_default():
        a = sc.constant([1.0, 2.0, 3.0])
        b = sc.constant([1.0, 0.0, 5.0])
        ga_max, gb_max = sc.gradients(sc.maximum(a, b), [a, b])
        ga_min, gb_min = sc.gradients(sc.minimum(a, b), [a, b])
        with sc.Session() as sess:
            got = sess.run([ga_max, gb_max, ga_min, gb_min])
    np.testing.assert_array_equal(got[0], [1, 1, 0])
    np.testing.assert_array_equal(got[1], [0, 0, 1])
    np.testing.assert_array_equal(got[2], [1, 0, 1])
    np.testing.assert_array_equal(got[3], [0, 1, 0])


def test_broadcast_with_unknown_batch_dimension():
    x = sc.placeholder(sc.float32, [None, 3])
    b = sc.constant([1.0, 2.0, 3.0])
    y = x + b
    assert y.shape.as_list() == [None, 3]
    assert (sc.placeholder(sc.float32, [None, 1]) * sc.placeholder(sc.float32, [1, 5])).shape.as_list() == [None, 5]
    g = sc.gradients(y, [b])[0]
    with sc.Session() as sess:
        np.testing.assert_array_equal(sess.run(g, {x: np.zeros((4, 3))}), [4, 4, 4])
        np.testing.assert_array_equal(sess.run(g, {x: np.zeros((1, 3))}), [1, 1, 1])


def test_runtime_broadcast_error_names_the_op():
    x = sc.placeholder(sc.float32, [None, 3], name="x")
    y = sc.placeholder(sc.float32, [None, 3], name="y")
    z = sc.add(x, y, name="sum_xy")
    with sc.Session() as sess:
        with pytest.raises(ValueError, match=r"sum_xy.*\[2, 3\].*\[5, 3\]"):
            sess.run(z, {x: np.zeros((2, 3)), y: np.zeros((5, 3))})


def test_bool_arithmetic_is_refused():
    t = sc.constant([True, False])
    with pytest.raises(TypeError, match="bool"):
        sc.add(t, t)


@pytest.mark.parametrize("n", [1, 17, 1023, 1025, 70001])
@pytest.mark.parametrize("k", [1, 2, 5])
@pytest.mark.parametrize("dtype", [np.float32, np.int32])
def test_add_n_awkward_sizes_sum_left_to_right(n, k, dtype):
    """Blocks of the kernel and thread chunks: ((x0 + x1) + x2) + ... exactly."""
    rng = np.random.default_rng(n + k)
    arrays = [(rng.standard_normal(n) * 100).astype(dtype) for _ in range(k)]
    want = arrays[0].copy()
    for a in arrays[1:]:
        want = want + a
    np.testing.assert_array_equal(run_op(lambda *xs: sc.add_n(list(xs)), arrays), want)


def test_add_n():
    rng = np.random.default_rng(3)
    arrays = [rng.standard_normal((3, 5)) for _ in range(4)]
    np.testing.assert_allclose(run_op(lambda *xs: sc.add_n(list(xs)), arrays), sum(arrays))
    check_gradients(lambda *xs: sc.add_n(list(xs)), arrays[:3])
    single = sc.constant(1.0)
    assert sc.add_n([single]) is single
    with pytest.raises(ValueError, match="non-empty"):
        sc.add_n([])
    with pytest.raises(ValueError, match="same shape"):
        sc.add_n([sc.constant([1.0, 2.0]), sc.constant([1.0, 2.0, 3.0])])
    with pytest.raises(TypeError):
        sc.add_n([sc.constant([1.0]), sc.constant([1], dtype=sc.int32)])
