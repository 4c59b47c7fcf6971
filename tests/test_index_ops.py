"""Indexing ops against numpy: slice, strided_slice and Tensor.__getitem__,
gather, gather_nd, where (both forms), boolean_mask, unsorted_segment_sum,
nn.embedding_lookup. Forward values, finite-difference gradients (repeated
indices included), static shapes with unknown dimensions and constant
index tensors, shapes that depend on values, and TF1's error types
(ValueError when the graph is built, InvalidArgumentError when it runs)."""

import numpy as np
import pytest

import slimcore as sc
import slimcore.compat.v1 as tf
from gradcheck import check_gradients

X = np.arange(4 * 5 * 6, dtype=np.float64).reshape(4, 5, 6)


def evaluate(tensor, feed=None):
    with sc.Session(graph=tensor.graph) as sess:
        return sess.run(tensor, feed)


@pytest.fixture
def graph():
    g = sc.Graph()
    with g.as_default():
        yield g


@pytest.fixture(params=[1, 2], ids=lambda n: f"{n}threads")
def threads(request):
    before = sc.get_num_threads()
    sc.set_num_threads(request.param)
    yield request.param
    sc.set_num_threads(before)


# ---- Tensor.__getitem__ and strided_slice ------------------------------------------------------

# Each key is the numpy index; __getitem__ must give numpy's result.
SPECS = {
    "int": 1,
    "negative int": -1,
    "two ints": (2, -3),
    "all ints": (3, 4, 5),
    "range": slice(1, 3),
    "open ends": (slice(None), slice(2, None), slice(None, 4)),
    "steps": (slice(None, None, 2), slice(1, None, 3)),
    "negative step": slice(None, None, -1),
    "negative step bounds": (slice(3, 0, -2), slice(-1, -6, -1)),
    "clamped": (slice(-100, 100), slice(2, 100)),
    "empty": slice(3, 1),
    "empty negative": slice(1, 3, -1),
    "ellipsis last": (Ellipsis, 0),
    "ellipsis middle": (1, Ellipsis, slice(1, 3)),
    "ellipsis only": Ellipsis,
    "newaxis": (slice(None), None, 1),
    "newaxis first": (None, Ellipsis),
    "newaxis after ellipsis": (Ellipsis, None, 2),
    "two newaxes": (None, 1, None, slice(None, None, -2)),
    "mixed": (-2, slice(None, None, -1), None, slice(1, 5, 2)),
}


@pytest.mark.parametrize("spec", list(SPECS.values()), ids=list(SPECS))
def test_getitem_matches_numpy(spec, graph):
    x = sc.constant(X)
    y = x[spec]
    expected = X[spec]
    assert y.shape.as_list() == list(expected.shape)  # constant begin/end: a static shape
    np.testing.assert_array_equal(evaluate(y), expected)
    assert y.op.type == "StridedSlice"


@pytest.mark.parametrize("spec", list(SPECS.values()), ids=list(SPECS))
def test_getitem_gradient(spec):
    check_gradients(lambda x: x[spec], [np.random.default_rng(1).standard_normal((4, 5, 6))])


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int64, np.bool_])
def test_getitem_dtypes(dtype, graph):
    value = (X % 3).astype(dtype)
    x = sc.placeholder(sc.as_dtype(dtype), [4, 5, 6])
    np.testing.assert_array_equal(evaluate(x[1:, ::-2, 3], {x: value}), value[1:, ::-2, 3])


def test_getitem_of_a_scalar_and_a_variable(graph):
    np.testing.assert_array_equal(evaluate(sc.constant(3.0)[...]), 3.0)
    np.testing.assert_array_equal(evaluate(sc.constant(3.0)[None]), [3.0])
    v = sc.Variable(np.arange(6, dtype=np.float32).reshape(2, 3))
    y = v[:, 1]
    with sc.Session() as sess:
        sess.run(sc.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(y), [1, 4])


def test_getitem_static_shapes_with_unknown_dimensions(graph):
    x = sc.placeholder(sc.float32, [None, 5, 6])
    assert x[:, 1:3].shape.as_list() == [None, 2, 6]
    assert x[0].shape.as_list() == [5, 6]
    assert x[..., 0].shape.as_list() == [None, 5]
    assert x[:, None].shape.as_list() == [None, 1, 5, 6]
    assert x[1:3].shape.as_list() == [None, 5, 6]  # unknown stays unknown
    assert x[::-1, -1].shape.as_list() == [None, 6]
    y = x[1:3, :, ::4]
    np.testing.assert_array_equal(evaluate(y, {x: X.astype(np.float32)}), X[1:3, :, ::4])


def test_getitem_with_scalar_tensor_indices(graph):
    x = sc.placeholder(sc.float64, [4, 5, 6])
    i = sc.placeholder(sc.int32, [])
    j = sc.placeholder(sc.int64, [])
    row = x[i]
    assert row.shape.as_list() == [5, 6]  # the shrunk axis is gone, the rest known
    window = x[i, j : j + 2]
    assert window.shape.as_list() == [None, 6]  # computed bounds: unknown until run
    with sc.Session() as sess:
        for a, b in [(0, 0), (3, 2), (-1, -3)]:
            np.testing.assert_array_equal(sess.run(row, {x: X, i: a}), X[a])
            np.testing.assert_array_equal(sess.run(window, {x: X, i: a, j: b}), X[a, b : b + 2])
        with pytest.raises(sc.errors.InvalidArgumentError, match="slice index 4 of dimension 0 out of bounds"):
            sess.run(row, {x: X, i: 4})
    check_gradients(lambda x, i: x[i, 1:, i], [np.random.default_rng(2).standard_normal((4, 5, 6)), np.int32(2)])


def test_getitem_with_constant_tensor_indices_has_a_static_shape(graph):
    x = sc.placeholder(sc.float64, [4, 5, 6])
    one, two = sc.constant(1), sc.constant(2, sc.int64)
    y = x[one : one + 2, two]
    assert y.shape.as_list() == [None, 6]  # one + 2 is computed: unknown until run
    z = x[one:two, -3]
    assert z.shape.as_list() == [1, 6]  # constants fold: a static shape
    assert z.op.inputs[1].op.type == "Const"
    out_y, out_z = sc.Session().run([y, z], {x: X})
    np.testing.assert_array_equal(out_y, X[1:3, 2])
    np.testing.assert_array_equal(out_z, X[1:2, -3])


def test_getitem_rejects_what_tf1_rejects(graph):
    x = sc.constant(X)
    for bad in (1.0, np.array([1, 2]), sc.constant([1, 2]), sc.constant(1.0), "a", (0, [1])):
        with pytest.raises(TypeError, match="Only integers, slices"):
            x[bad]
    np.testing.assert_array_equal(evaluate(x[[1, 2]]), X[1, 2])  # a list is a tuple of indices, as TF1
    with pytest.raises(ValueError, match="slice index 4 of dimension 0 out of bounds"):
        x[4]
    with pytest.raises(ValueError, match="slice index -7 of dimension 2 out of bounds"):
        x[:, :, -7]
    with pytest.raises(ValueError, match="Multiple ellipses"):
        x[..., 0, ...]
    with pytest.raises(ValueError, match="must be non-zero"):
        x[::0]
    with pytest.raises(ValueError, match="Index out of range using input dim 3"):
        x[0, 0, 0, 0]
    # an unknown dimension: the same error when the graph runs
    p = sc.placeholder(sc.float64, [None, 5, 6])
    with pytest.raises(sc.errors.InvalidArgumentError, match="out of bounds"):
        evaluate(p[4], {p: X})


def test_strided_slice_masks_as_tf1():
    g = sc.Graph()
    with g.as_default():
        x = sc.constant(X)
        cases = [
            (sc.strided_slice(x, [0, 1], [0, 3], [1, 1], begin_mask=1, end_mask=1), X[:, 1:3]),
            (sc.strided_slice(x, [0, 2], [0, 3], begin_mask=1, end_mask=1, shrink_axis_mask=2), X[:, 2]),
            (sc.strided_slice(x, [0, 1], [0, 2], [1, 1], ellipsis_mask=1), X[..., 1:2]),
            (sc.strided_slice(x, [1, 0], [2, 0], [1, 1], new_axis_mask=2, shrink_axis_mask=1), X[1, None]),
            (sc.strided_slice(x, [-1], [0], [-1], end_mask=1), X[-1::-1]),
            (sc.strided_slice(x, [0, 0, 0], [4, 5, 6], [2, 2, 2]), X[::2, ::2, ::2]),
            (sc.strided_slice(x, [], [], []), X),
            # masks name bits past the spec: ignored (TF1)
            (sc.strided_slice(x, [1], [3], begin_mask=8, end_mask=16), X[1:3]),
        ]
        with sc.Session() as sess:
            for y, expected in cases:
                assert y.shape.as_list() == list(expected.shape)
                np.testing.assert_array_equal(sess.run(y), expected)
        assert tf.strided_slice is not None and tf.newaxis is None


def test_strided_slice_with_computed_begin(graph):
    x = sc.placeholder(sc.float64, [4, 5, 6])
    b = sc.placeholder(sc.int32, [2])
    y = sc.strided_slice(x, b, [4, 5], [1, 2])
    assert y.shape.as_list() == [None, None, 6]
    with sc.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: X, b: [1, 0]}), X[1:4, 0:5:2])
        np.testing.assert_array_equal(sess.run(y, {x: X, b: [-2, 3]}), X[-2:4, 3:5:2])  # shape changes per run
    with pytest.raises(ValueError, match="1-D"):
        sc.strided_slice(x, [[0]], [[1]])
    with pytest.raises(TypeError, match="int32 or int64"):
        sc.strided_slice(x, sc.constant([0.0]), [1])


def test_strided_slice_parallel_path(threads, graph):
    big = np.random.default_rng(0).standard_normal((64, 300, 5))
    x = sc.placeholder(sc.float64, big.shape)
    y = x[::-1, 1::2, 1:4]
    dy = sc.placeholder(sc.float64, big[::-1, 1::2, 1:4].shape)
    (dx,) = sc.gradients(y, [x], grad_ys=dy)
    g = np.random.default_rng(1).standard_normal(dy.shape.as_list())
    with sc.Session() as sess:
        out, grad = sess.run([y, dx], {x: big, dy: g})
    np.testing.assert_array_equal(out, big[::-1, 1::2, 1:4])
    expected = np.zeros_like(big)
    expected[::-1, 1::2, 1:4] = g
    np.testing.assert_array_equal(grad, expected)


# ---- slice -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "begin,size",
    [([0, 0, 0], [4, 5, 6]), ([1, 2, 3], [2, 2, 2]), ([1, 0, 5], [-1, 3, -1]), ([4, 0, 0], [0, -1, -1])],
)
def test_slice_matches_numpy(begin, size, graph):
    y = sc.slice(sc.constant(X), begin, size)
    index = tuple(slice(b, None if s == -1 else b + s) for b, s in zip(begin, size))
    assert y.shape.as_list() == list(X[index].shape)
    np.testing.assert_array_equal(evaluate(y), X[index])
    check_gradients(lambda x: sc.slice(x, begin, size), [np.random.default_rng(3).standard_normal((4, 5, 6))])


def test_slice_static_shape_and_errors(graph):
    x = sc.placeholder(sc.float64, [None, 5, 6])
    b = sc.placeholder(sc.int32, [3])
    assert sc.slice(x, [1, 1, 1], [2, -1, 3]).shape.as_list() == [2, 4, 3]
    assert sc.slice(x, b, [2, -1, 3]).shape.as_list() == [2, None, 3]  # size known, -1 needs begin
    with pytest.raises(ValueError, match=r"Expected size\[1\] in \[0, 3\], but got 4"):
        sc.slice(x, [0, 2, 0], [1, 4, 1])
    with pytest.raises(ValueError, match=r"Expected begin\[2\] in \[0, 6\], but got 7"):
        sc.slice(x, [0, 0, 7], [1, 1, -1])
    with pytest.raises(ValueError, match="size 3, but got size 2"):
        sc.slice(x, [0, 0], [1, 1])
    y = sc.slice(x, b, [1, 1, 1])
    with sc.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: X, b: [3, 4, 5]}), X[3:4, 4:5, 5:6])
        with pytest.raises(sc.errors.InvalidArgumentError, match=r"Expected size\[0\] in \[0, 0\], but got 1"):
            sess.run(y, {x: X, b: [4, 0, 0]})


# ---- gather --------------------------------------------------------------------------------------


@pytest.mark.parametrize("axis", [0, 1, 2, -1, -3])
@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
def test_gather_matches_numpy(axis, index_dtype, graph):
    indices = np.array([[3, 0], [1, 1], [0, 2]], index_dtype) % X.shape[axis]
    y = sc.gather(sc.constant(X), indices, axis=axis)
    expected = np.take(X, indices, axis=axis)
    assert y.shape.as_list() == list(expected.shape)
    np.testing.assert_array_equal(evaluate(y), expected)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_gather_gradient_adds_repeated_indices(axis):
    indices = np.array([1, 1, 0, 1], np.int32)  # repeated: the gradient adds up
    check_gradients(
        lambda p, i: sc.gather(p, i, axis=axis), [np.random.default_rng(4).standard_normal((3, 2, 4)), indices]
    )


def test_gather_dtypes_shapes_and_errors(graph):
    for dtype in (np.int32, np.bool_, np.float32):
        params = (np.arange(12).reshape(4, 3) % 2).astype(dtype)
        np.testing.assert_array_equal(evaluate(sc.gather(params, [3, 0])), params[[3, 0]])
    np.testing.assert_array_equal(evaluate(sc.gather([1.0, 2.0], 1)), 2.0)  # scalar index: one slice
    p = sc.placeholder(sc.float32, [None, 7])
    i = sc.placeholder(sc.int64, [None])
    assert sc.gather(p, i).shape.as_list() == [None, 7]
    assert sc.gather(p, i, axis=1).shape.as_list() == [None, None]
    with pytest.raises(ValueError, match="axis 2 is out of range"):
        sc.gather(p, i, axis=2)
    with pytest.raises(TypeError, match="int32 or int64"):
        sc.gather(p, [0.5])
    with pytest.raises(ValueError, match="batch_dims"):
        sc.gather(p, i, batch_dims=1)
    y = sc.gather(p, i)
    with sc.Session() as sess:
        with pytest.raises(sc.errors.InvalidArgumentError, match=r"indices\[1\] = 5 is not in \[0, 5\)"):
            sess.run(y, {p: np.zeros((5, 7)), i: [0, 5]})
        with pytest.raises(sc.errors.InvalidArgumentError, match=r"indices\[0\] = -1 is not in"):
            sess.run(y, {p: np.zeros((5, 7)), i: [-1]})
    q = sc.placeholder(sc.float32, [3, 3])
    with pytest.raises(sc.errors.InvalidArgumentError, match=r"indices\[1,0\] = 3 is not in \[0, 3\)"):
        evaluate(sc.gather(q, [[0, 1], [3, 0]]), {q: np.zeros((3, 3))})


def test_gather_parallel_path(threads, graph):
    table = np.random.default_rng(5).standard_normal((1000, 64))
    ids = np.random.default_rng(6).integers(0, 1000, size=(40, 30))
    p = sc.placeholder(sc.float64, table.shape)
    y = sc.gather(p, ids)
    dy = sc.placeholder(sc.float64, [40, 30, 64])
    (dp,) = sc.gradients(y, [p], grad_ys=dy)
    g = np.random.default_rng(7).standard_normal((40, 30, 64))
    with sc.Session() as sess:
        out, grad = sess.run([y, dp], {p: table, dy: g})
    np.testing.assert_array_equal(out, table[ids])
    expected = np.zeros_like(table)
    np.add.at(expected, ids, g)
    np.testing.assert_allclose(grad, expected, rtol=1e-12, atol=1e-12)


# ---- gather_nd -----------------------------------------------------------------------------------


def numpy_gather_nd(params, indices):
    k = indices.shape[-1]
    flat = indices.reshape(int(np.prod(indices.shape[:-1])), k)
    rows = [params[tuple(ix)] for ix in flat]
    return np.array(rows).reshape(indices.shape[:-1] + params.shape[k:])


@pytest.mark.parametrize(
    "indices",
    [
        np.array([[1, 0], [0, 1]]),
        np.array([[3, 4, 5], [0, 0, 0]]),
        np.array([[[2], [1]], [[1], [2]]]),
        np.array([[1, 2, 3]], np.int64),
        np.zeros((2, 0), np.int32),  # K = 0: the whole params per row
    ],
    ids=["pairs", "full", "nested", "int64", "depth0"],
)
def test_gather_nd_matches_numpy(indices, graph):
    y = sc.gather_nd(sc.constant(X), indices)
    expected = numpy_gather_nd(X, indices)
    assert y.shape.as_list() == list(expected.shape)
    np.testing.assert_array_equal(evaluate(y), expected)


def test_gather_nd_gradient_and_errors(graph):
    indices = np.array([[1, 0], [1, 0], [2, 1]], np.int32)
    check_gradients(lambda p, i: sc.gather_nd(p, i), [np.random.default_rng(8).standard_normal((3, 2, 2)), indices])
    p = sc.placeholder(sc.float64, [3, 2])
    with pytest.raises(ValueError, match=r"must be <= params rank; saw: 3 vs\. 2"):
        sc.gather_nd(p, [[0, 0, 0]])
    with pytest.raises(ValueError, match="at least 1-D"):
        sc.gather_nd(p, 0)
    y = sc.gather_nd(p, [[0, 1], [2, 2]])
    with pytest.raises(sc.errors.InvalidArgumentError, match=r"indices\[1\] = \[2, 2\] does not index into param"):
        evaluate(y, {p: np.zeros((3, 2))})


# ---- where ---------------------------------------------------------------------------------------


def test_where_selects_as_tf1(graph):
    x = np.arange(6.0).reshape(2, 3)
    y = -x
    same = np.array([[True, False, True], [False, False, True]])
    rows = np.array([False, True])
    np.testing.assert_array_equal(evaluate(sc.where(same, x, y)), np.where(same, x, y))
    np.testing.assert_array_equal(evaluate(sc.where(rows, x, y)), np.where(rows[:, None], x, y))
    np.testing.assert_array_equal(evaluate(sc.where(True, x, y)), x)
    np.testing.assert_array_equal(evaluate(sc.where([True, False], [1, 2], [3, 4])), [1, 4])  # int32
    c = sc.placeholder(sc.bool_, [None])
    px = sc.placeholder(sc.float32, [None, 3])
    assert sc.where(c, px, px).shape.as_list() == [None, 3]
    with pytest.raises(ValueError, match="must be a scalar, a vector"):
        sc.where([True, False, True], x, y)  # TF1 does not broadcast
    with pytest.raises(ValueError, match="'then' and 'else' must have the same size"):
        sc.where(True, x, y[:1])
    with pytest.raises(ValueError, match="both be non-None"):
        sc.where(same, x)
    with pytest.raises(TypeError, match="bool"):
        sc.where([1, 0], [1.0, 2.0], [3.0, 4.0])


@pytest.mark.parametrize("cond", [np.array([[True, False, True], [False, False, True]]), np.array([True, False])])
def test_where_gradient(cond):
    rng = np.random.default_rng(9)
    check_gradients(lambda c, a, b: sc.where(c, a, b), [cond, rng.standard_normal((2, 3)), rng.standard_normal((2, 3))])


def test_where_coordinates_shape_depends_on_values(graph):
    c = sc.placeholder(sc.bool_, [None, 3])
    w = sc.where(c)
    assert w.dtype == sc.int64
    assert w.shape.as_list() == [None, 2]
    n = sc.reduce_sum(sc.ones_like(sc.cast(w, sc.float32)))  # a consumer re-inferred every run
    with sc.Session() as sess:
        for value in (np.eye(3, dtype=bool), np.zeros((2, 3), bool), np.ones((4, 3), bool)):
            out, count = sess.run([w, n], {c: value})
            np.testing.assert_array_equal(out, np.argwhere(value))
            assert out.dtype == np.int64 and out.shape == (value.sum(), 2)
            assert count == 2 * value.sum()
    const = sc.where([[0, 3], [1, 0]])  # numbers: nonzero is true; a constant: a static shape
    assert const.shape.as_list() == [2, 2]
    np.testing.assert_array_equal(evaluate(const), [[0, 1], [1, 0]])
    np.testing.assert_array_equal(evaluate(sc.where(True)), np.zeros((1, 0)))


# ---- boolean_mask --------------------------------------------------------------------------------


def test_boolean_mask_matches_numpy(graph):
    mask1 = np.array([True, False, True, True])
    mask2 = np.array([[True, False, True, False, False], [False] * 5, [True] * 5, [False, True, False, True, False]])
    np.testing.assert_array_equal(evaluate(sc.boolean_mask(X, mask1)), X[mask1])
    np.testing.assert_array_equal(evaluate(sc.boolean_mask(X, mask2)), X[mask2])
    mask_axis = np.array([False, True, True, False, True])
    np.testing.assert_array_equal(evaluate(sc.boolean_mask(X, mask_axis, axis=1)), X[:, mask_axis])
    x = sc.placeholder(sc.float64, [None, 5, 6])
    m = sc.placeholder(sc.bool_, [None])
    y = sc.boolean_mask(x, m)
    assert y.shape.as_list() == [None, 5, 6]
    np.testing.assert_array_equal(evaluate(y, {x: X, m: mask1}), X[mask1])
    with pytest.raises(ValueError, match="mask cannot be scalar"):
        sc.boolean_mask(X, True)
    with pytest.raises(ValueError, match="incompatible"):
        sc.boolean_mask(X, [True, False])


def test_boolean_mask_gradient():
    mask = np.array([[True, False, True], [False, True, True]])
    check_gradients(lambda t, m: sc.boolean_mask(t, m), [np.random.default_rng(10).standard_normal((2, 3, 2)), mask])
    check_gradients(
        lambda t, m: sc.boolean_mask(t, m, axis=1),
        [np.random.default_rng(11).standard_normal((2, 3)), np.array([True, False, True])],
    )


# ---- unsorted_segment_sum ----------------------------------------------------------------------


def test_unsorted_segment_sum(graph):
    data = np.arange(12.0).reshape(4, 3)
    ids = np.array([2, 0, 2, -1])  # -1: dropped
    expected = np.zeros((3, 3))
    for row, s in zip(data, ids):
        if s >= 0:
            expected[s] += row
    y = sc.unsorted_segment_sum(data, ids, 3)
    assert y.shape.as_list() == [3, 3]
    np.testing.assert_array_equal(evaluate(y), expected)
    check_gradients(lambda d, i: sc.unsorted_segment_sum(d, i, 3), [data, ids.astype(np.int32)])
    with pytest.raises(sc.errors.InvalidArgumentError, match=r"segment_ids\[0\] = 2 is out of range \[0, 2\)"):
        evaluate(sc.unsorted_segment_sum(data, ids, 2))
    assert tf.math.unsorted_segment_sum is tf.unsorted_segment_sum


# ---- embedding_lookup ----------------------------------------------------------------------------


def test_embedding_lookup_single_and_sharded(graph):
    table = np.arange(14.0).reshape(7, 2)
    ids = np.array([[6, 0], [3, 3]])
    np.testing.assert_array_equal(evaluate(tf.nn.embedding_lookup(table, ids)), table[ids])
    np.testing.assert_array_equal(evaluate(tf.nn.embedding_lookup([table], ids)), table[ids])
    mod = [table[p::3] for p in range(3)]  # id i in shard i % 3, row i // 3
    div = [table[0:3], table[3:5], table[5:7]]  # contiguous blocks, the first one longer
    np.testing.assert_array_equal(evaluate(tf.nn.embedding_lookup(mod, ids)), table[ids])
    np.testing.assert_array_equal(evaluate(tf.nn.embedding_lookup(div, ids, partition_strategy="div")), table[ids])
    with pytest.raises(ValueError, match=r"shards of \[2, 5\] rows are not a 'mod' partition"):
        tf.nn.embedding_lookup([table[:2], table[2:]], ids)
    with pytest.raises(ValueError, match="partition_strategy"):
        tf.nn.embedding_lookup(table, ids, partition_strategy="bad")
    with pytest.raises(sc.errors.InvalidArgumentError, match="is not in"):
        evaluate(tf.nn.embedding_lookup(table, [7]))


def test_embedding_lookup_max_norm():
    table = np.array([[3.0, 4.0], [0.3, 0.4], [0.0, 0.0]])
    ids = np.array([0, 1, 2], np.int32)
    g = sc.Graph()
    with g.as_default():
        out = evaluate(tf.nn.embedding_lookup(table, ids, max_norm=1.0))
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.3, 0.4], [0.0, 0.0]], rtol=1e-6)
    check_gradients(lambda t, i: tf.nn.embedding_lookup(t, i, max_norm=1.0), [table[:2] * 1.5, ids[:2]])


def test_embedding_lookup_of_a_variable_trains():
    g = sc.Graph()
    with g.as_default():
        init = np.random.default_rng(12).standard_normal((5, 3)).astype(np.float32)
        emb = tf.get_variable("emb", initializer=init)
        ids = tf.placeholder(tf.int32, [None])
        target = tf.placeholder(tf.float32, [None, 3])
        loss = tf.reduce_sum(tf.square(tf.nn.embedding_lookup(emb, ids) - target))
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        feed = {ids: [1, 3, 1], target: np.ones((3, 3), np.float32)}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            first = sess.run(loss, feed)
            for _ in range(20):
                sess.run(train, feed)
            assert sess.run(loss, feed) < 1e-3 * first
            trained = sess.run(emb)
    np.testing.assert_allclose(trained[1], 1.0, atol=1e-2)
    np.testing.assert_array_equal(trained[[0, 2, 4]], init[[0, 2, 4]])  # rows never looked up: untouched


# ---- one_hot (TF1's arguments) and the namespaces ------------------------------------------------


def test_one_hot_axis_and_values(graph):
    indices = np.array([[0, 2], [1, -1]])
    expected = np.zeros((2, 2, 3), np.float32)
    for (a, b), v in np.ndenumerate(indices):
        if v >= 0:
            expected[a, b, v] = 1
    np.testing.assert_array_equal(evaluate(sc.one_hot(indices, 3)), expected)
    np.testing.assert_array_equal(evaluate(sc.one_hot(indices, 3, axis=0)), np.moveaxis(expected, -1, 0))
    on_off = evaluate(sc.one_hot(indices, 3, on_value=5, off_value=-1))
    assert on_off.dtype == np.int32
    np.testing.assert_array_equal(on_off, np.where(expected == 1, 5, -1))
    assert sc.one_hot(indices, 3, on_value=2.0).dtype == sc.float32


def test_tf1_names():
    for name in ("slice", "strided_slice", "gather", "gather_nd", "where", "boolean_mask", "unsorted_segment_sum"):
        assert callable(getattr(tf, name)), name
        assert getattr(tf.compat.v1, name) is getattr(tf, name)
    assert tf.newaxis is None and sc.newaxis is None
    assert tf.nn.embedding_lookup is sc.nn.embedding_lookup


def test_value_dependent_rule_reruns_each_step_with_one_plan(graph):
    c = sc.placeholder(sc.bool_, [4])
    kept = sc.boolean_mask(sc.constant(np.arange(4.0)), c)
    total = sc.reduce_sum(kept)
    with sc.Session() as sess:
        for mask in ([True] * 4, [False, True, False, False], [False] * 4, [True, True, False, True]):
            assert sess.run(total, {c: mask}) == np.arange(4.0)[mask].sum()


# ---- where_v2 ------------------------------------------------------------------------------------


def test_where_v2_broadcasts(graph):
    cond = np.array([[True], [False]])
    x = np.arange(3.0)
    y = np.float64(-1.0)
    np.testing.assert_array_equal(evaluate(sc.where_v2(cond, x, y)), np.where(cond, x, y))
    c = sc.placeholder(sc.bool_, [None, 1])
    assert sc.where_v2(c, x, -1.0).shape.as_list() == [None, 3]
    np.testing.assert_array_equal(evaluate(sc.where_v2([True, False])), [[0]])
    with pytest.raises(ValueError, match="cannot be broadcast together"):
        sc.where_v2([True, False], np.zeros(3), 0.0)
    assert tf.where_v2 is not None


@pytest.mark.parametrize(
    "shapes", [((2, 3), (2, 3), (2, 3)), ((2, 1), (3,), ()), ((), (2, 3), (1, 3)), ((4, 1, 3), (1, 2, 1), (2, 3))]
)
def test_where_v2_gradient(shapes):
    rng = np.random.default_rng(13)
    cond = rng.integers(0, 2, size=shapes[0]).astype(bool)
    check_gradients(
        lambda c, a, b: sc.where_v2(c, a, b), [cond, rng.standard_normal(shapes[1]), rng.standard_normal(shapes[2])]
    )


def test_where_v2_parallel_path(threads, graph):
    rng = np.random.default_rng(14)
    cond = rng.integers(0, 2, size=(300, 1, 200)).astype(bool)
    x = rng.standard_normal((1, 2, 200))
    np.testing.assert_array_equal(evaluate(sc.where_v2(cond, x, 0.5)), np.where(cond, x, 0.5))


def test_tensors_and_variables_are_not_iterable(graph):
    v = sc.Variable(np.zeros(3, np.float32))
    for value in (v, sc.constant([1, 2])):
        with pytest.raises(TypeError, match="not iterable"):
            list(value)


def test_one_hot_takes_constant_tensors_as_tf1(graph):
    out = sc.one_hot([1, 0], 2, on_value=sc.constant(3.0, sc.float64), off_value=sc.constant(0.5, sc.float64))
    assert out.dtype == sc.float64
    np.testing.assert_array_equal(evaluate(out), [[0.5, 3.0], [3.0, 0.5]])
    with pytest.raises(TypeError, match="does not match"):
        sc.one_hot([1], 2, on_value=sc.constant(1), off_value=0.0)
    with pytest.raises(TypeError, match="number or a constant"):
        sc.one_hot([1], 2, on_value=sc.placeholder(sc.float32, []))
    with pytest.raises(ValueError, match="out of range"):
        sc.one_hot([1], 2, axis=-2)


def test_tf1_program_with_slicing_gather_and_where_trains():
    """A TF1-style model written with the indexing ops: slices of the input
    and of a variable, a leaky activation by tf.where, two of three logit
    columns by tf.gather(axis=1); run by the import change only, its loss
    falls and the unused column's weights get no update."""
    rng = np.random.default_rng(15)
    data = rng.standard_normal((64, 6)).astype(np.float32)
    labels = (data[:, 0] + data[:, 1] > 0).astype(np.int32)
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, 6])
        y = tf.placeholder(tf.int32, [None])
        w = tf.get_variable("w", [5, 8], initializer=tf.truncated_normal_initializer(stddev=0.5, seed=1))
        v = tf.get_variable("v", [9, 3], initializer=tf.truncated_normal_initializer(stddev=0.5, seed=2))
        h = tf.matmul(x[:, :5], w)  # the last feature is dropped by slicing
        h = tf.where(h > 0, h, 0.1 * h)
        logits = tf.gather(tf.matmul(h, v[:-1]) + v[-1], [0, 2], axis=1)  # v's last row: a bias
        loss = tf.losses.sparse_softmax_cross_entropy(y, logits)
        train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            feed = {x: data, y: labels}
            first, v0 = sess.run([loss, v], feed)
            for _ in range(60):
                sess.run(train, feed)
            last, v1 = sess.run([loss, v], feed)
    assert last < 0.5 * first
    np.testing.assert_array_equal(v1[:, 1], v0[:, 1])  # column 1 is never gathered
    assert np.all(v1[:, [0, 2]] != v0[:, [0, 2]])


def test_indexing_training_step_allocates_nothing_in_steady_state(graph):
    """Value-dependent shapes are re-inferred every run, but their buffers are
    reused while the size holds: a step through slices, gathers and selects
    allocates no tensor after the first."""
    from slimcore import _core

    x = sc.placeholder(sc.float32, [None, 8])
    ids = sc.placeholder(sc.int32, [None])
    w = sc.Variable(np.full((10, 8), 0.1, np.float32))
    rows = sc.gather(w, ids)[:, 1:] * x[:, ::-1][:, :7]
    loss = sc.reduce_sum(sc.where(rows > 0, rows, -rows)) + sc.reduce_sum(sc.gather_nd(w, [[1, 2], [3, 4]]))
    train = sc.train.GradientDescentOptimizer(0.01).minimize(loss)
    feed = {x: np.ones((16, 8), np.float32), ids: np.arange(16) % 10}
    with sc.Session() as sess:
        sess.run(sc.global_variables_initializer())
        sess.run(train, feed)
        before = _core.testing.allocation_count()
        for _ in range(5):
            sess.run(train, feed)
        assert _core.testing.allocation_count() == before
