"""TF1's shape ops (issue 13, shape-ops lane): squeeze, expand_dims, transpose,
tile, pad (three modes), unstack, split, shape/size/rank, fill, range,
placeholder_with_default, reshape with a shape tensor, constant_value, and
checks of concat/stack/identity/stop_gradient. Each against numpy (or a
formula written out here), gradients against finite differences, static
shapes with unknown dimensions, and TF1's error types (ValueError when the
graph is built, InvalidArgumentError when it runs)."""

import numpy as np
import pytest

import slimcore as sc
import slimcore.compat.v1 as tf
from gradcheck import check_gradients, run_op
from slimcore.errors import InvalidArgumentError
from slimcore.framework.tensor_util import constant_value, constant_value_as_shape

ALL_DTYPES = [np.float32, np.float64, np.int32, np.int64, np.bool_]
DTYPE_IDS = [np.dtype(d).name for d in ALL_DTYPES]


def random_array(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind == "f":
        return rng.standard_normal(shape).astype(dtype)
    if np.dtype(dtype).kind == "b":
        return rng.integers(0, 2, size=shape).astype(bool)
    return rng.integers(-100, 100, size=shape).astype(dtype)


def run(fetch, feed=None):
    with sc.Session() as sess:
        return sess.run(fetch, feed)


@pytest.fixture(autouse=True)
def fresh_graph():
    with sc.Graph().as_default() as g:
        yield g


def rng64(shape, seed=1):
    return np.random.default_rng(seed).standard_normal(shape)


# ---- squeeze -------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize(
    "shape,axis", [([2, 1, 3, 1], None), ([2, 1, 3, 1], [1]), ([2, 1, 3, 1], -1), ([1], None), ([1, 1], [0, -1])]
)
def test_squeeze_forward(shape, axis, dtype):
    x = random_array(shape, dtype)
    want = np.squeeze(x, axis=None if axis is None else tuple(np.atleast_1d(axis)))
    y = sc.squeeze(sc.constant(x), axis)
    assert y.shape.as_list() == list(want.shape)
    np.testing.assert_array_equal(run_op(lambda t: sc.squeeze(t, axis), [x]), want)


def test_squeeze_unknown_dims_and_errors():
    x = sc.placeholder(sc.float32, [None, 1, None, 1])
    y = sc.squeeze(x, [1, 2])  # an unknown dimension may be named: checked when run
    assert y.shape.as_list() == [None, 1]
    assert run(y, {x: np.ones((4, 1, 1, 1), np.float32)}).shape == (4, 1)
    with pytest.raises(InvalidArgumentError, match=r"Can not squeeze dim\[2\], expected a dimension of 1, got 3"):
        run(y, {x: np.ones((4, 1, 3, 1), np.float32)})
    every = sc.squeeze(x)  # which unknown dimensions are 1 is known only when run: unknown rank (TF1)
    assert every.shape.ndims is None
    assert run(every, {x: np.ones((4, 1, 1, 1), np.float32)}).shape == (4,)
    assert run(every, {x: np.ones((1, 1, 3, 1), np.float32)}).shape == (3,)
    with pytest.raises(ValueError, match=r"Can not squeeze dim\[0\], expected a dimension of 1, got 2"):
        sc.squeeze(sc.zeros([2, 1]), [0])
    with pytest.raises(ValueError, match="out of range"):
        sc.squeeze(sc.zeros([2, 1]), [2])
    with pytest.raises(ValueError, match="Cannot specify both 'axis' and 'squeeze_dims'"):
        sc.squeeze(sc.zeros([2, 1]), 1, squeeze_dims=[1])
    assert sc.squeeze(sc.zeros([2, 1]), squeeze_dims=[1]).shape.as_list() == [2]  # TF1's old name


def test_squeeze_gradient():
    check_gradients(lambda t: sc.squeeze(t, [1]) * 2.0, [rng64([3, 1, 2])])
    check_gradients(lambda t: sc.squeeze(t), [rng64([1, 4, 1])])


# ---- expand_dims ---------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize("axis", [-3, -2, -1, 0, 1, 2])
def test_expand_dims_forward(axis, dtype):
    x = random_array([2, 3], dtype)
    want = np.expand_dims(x, axis)
    assert sc.expand_dims(sc.constant(x), axis).shape.as_list() == list(want.shape)
    np.testing.assert_array_equal(run_op(lambda t: sc.expand_dims(t, axis), [x]), want)


def test_expand_dims_errors_and_unknown_dims():
    x = sc.placeholder(sc.float32, [None, 3])
    assert sc.expand_dims(x, 1).shape.as_list() == [None, 1, 3]
    assert sc.expand_dims(x, dim=-1).shape.as_list() == [None, 3, 1]  # TF1's old name
    assert sc.expand_dims(x, sc.constant(0)).shape.as_list() == [1, None, 3]
    with pytest.raises(ValueError, match="out of range"):
        sc.expand_dims(x, 3)
    with pytest.raises(ValueError, match="out of range"):
        sc.expand_dims(x, -4)
    with pytest.raises(ValueError, match="Must specify an axis"):
        sc.expand_dims(x)
    with pytest.raises(ValueError, match="Cannot specify both"):
        sc.expand_dims(x, 0, dim=0)


def test_expand_dims_gradient():
    check_gradients(lambda t: sc.expand_dims(t, 1) * sc.constant(np.arange(3.0).reshape(1, 1, 3)), [rng64([2, 3])])


# ---- transpose -----------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize(
    "shape,perm",
    [
        ([2, 3], None),
        ([2, 3, 4], [1, 0, 2]),
        ([2, 3, 4], [2, 0, 1]),
        ([2, 3, 4, 5], [3, 1, 2, 0]),
        ([5], [0]),
        ([], []),
    ],
)
def test_transpose_forward(shape, perm, dtype):
    x = random_array(shape, dtype)
    want = np.transpose(x, perm)
    assert sc.transpose(sc.constant(x), perm).shape.as_list() == list(want.shape)
    np.testing.assert_array_equal(run_op(lambda t: sc.transpose(t, perm), [x]), want)


def test_transpose_large_parallel_and_empty():
    x = random_array([64, 33, 20], np.float32)  # > 32768 elements: the threaded path
    for threads in (1, 2):
        sc.set_num_threads(threads)
        np.testing.assert_array_equal(run_op(lambda t: sc.transpose(t, [2, 0, 1]), [x]), x.transpose(2, 0, 1))
    x0 = np.zeros([0, 3], np.float32)
    assert run_op(lambda t: sc.transpose(t), [x0]).shape == (3, 0)


@pytest.mark.parametrize("threads", [1, 2])
def test_large_tensors_threaded_paths(threads):
    """> 32768 elements: the threaded paths of transpose, tile, pad, split and unstack."""
    before = sc.get_num_threads()
    sc.set_num_threads(threads)
    try:
        x = random_array([16, 28, 9, 10], np.float32)
        fns = {
            "transpose": (lambda t: sc.transpose(t, [0, 2, 1, 3]), lambda: x.transpose(0, 2, 1, 3)),
            "tile": (lambda t: sc.tile(t, [1, 2, 1, 2]), lambda: np.tile(x, [1, 2, 1, 2])),
            "pad": (
                lambda t: sc.pad(t, [[0, 1], [2, 2], [1, 0], [3, 3]], "REFLECT"),
                lambda: np.pad(x, [[0, 1], [2, 2], [1, 0], [3, 3]], "reflect"),
            ),
            "split": (lambda t: sc.split(t, [3, -1, 2], 2)[1], lambda: x[:, :, 3:7]),
            "unstack": (lambda t: sc.unstack(t, axis=1)[5], lambda: x[:, 5]),
        }
        for name, (fn, want) in fns.items():
            np.testing.assert_array_equal(run_op(fn, [x]), want(), err_msg=name)
    finally:
        sc.set_num_threads(before)


def test_transpose_unknown_dims_errors_and_gradient():
    x = sc.placeholder(sc.float32, [None, 3, 4])
    assert sc.transpose(x, [2, 0, 1]).shape.as_list() == [4, None, 3]
    assert sc.transpose(x).shape.as_list() == [4, 3, None]
    assert sc.transpose(x).op.type == "Transpose" and sc.transpose(x).op.name.startswith("transpose")
    with pytest.raises(ValueError, match="transpose expects a vector of size 3"):
        sc.transpose(x, [1, 0])
    with pytest.raises(ValueError, match="not a permutation"):
        sc.transpose(x, [0, 0, 1])
    with pytest.raises(ValueError, match="perm dim -1 is out of range of input rank 3"):
        sc.transpose(x, [0, 1, -1])
    with pytest.raises(TypeError, match="must be known when the graph is built"):
        sc.transpose(x, sc.placeholder(sc.int32, [3]))
    check_gradients(lambda t: sc.transpose(t, [2, 0, 1]), [rng64([2, 3, 4])])


# ---- tile ----------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize(
    "shape,multiples", [([2, 3], [2, 3]), ([3], [4]), ([2, 1, 3], [1, 5, 2]), ([2, 3], [0, 2]), ([], [])]
)
def test_tile_forward(shape, multiples, dtype):
    x = random_array(shape, dtype)
    want = np.tile(x, multiples) if shape else x
    assert sc.tile(sc.constant(x), multiples).shape.as_list() == list(want.shape)
    np.testing.assert_array_equal(run_op(lambda t: sc.tile(t, multiples), [x]), want)


def test_tile_runtime_multiples_unknown_dims_and_errors():
    x = sc.placeholder(sc.float32, [None, 2])
    assert sc.tile(x, [3, 2]).shape.as_list() == [None, 4]
    m = sc.placeholder(sc.int32, [2])
    y = sc.tile(x, m)
    assert y.shape.as_list() == [None, None]
    assert sc.tile(x, sc.stack([sc.placeholder(sc.int32, []), 3])).shape.as_list() == [None, 6]  # what is known
    xv = np.arange(6, dtype=np.float32).reshape(3, 2)
    np.testing.assert_array_equal(run(y, {x: xv, m: [2, 3]}), np.tile(xv, [2, 3]))
    with pytest.raises(InvalidArgumentError, match=r"Expected multiples\[0\] >= 0"):
        run(y, {x: xv, m: [-1, 3]})
    with pytest.raises(ValueError, match="one entry per dimension"):
        sc.tile(x, [2])
    with pytest.raises(ValueError, match=r"Expected multiples\[1\] >= 0, but got -2"):
        sc.tile(x, [1, -2])
    with pytest.raises(TypeError, match="int32 or int64"):
        sc.tile(x, sc.placeholder(sc.float32, [2]))


def test_tile_gradient():
    check_gradients(lambda t: sc.tile(t, [2, 1, 3]), [rng64([2, 3, 2])])
    m = np.array([3, 2], np.int32)
    check_gradients(lambda t, mm: sc.tile(t, mm), [rng64([2, 2]), m], wrt=[0])


# ---- pad -----------------------------------------------------------------------------------

PAD_CASES = [([3], [[2, 2]]), ([2, 3], [[1, 0], [2, 2]]), ([2, 3, 4], [[0, 1], [2, 1], [3, 0]]), ([4], [[0, 0]])]


@pytest.mark.parametrize("mode", ["CONSTANT", "REFLECT", "SYMMETRIC"])
@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize("shape,paddings", PAD_CASES)
def test_pad_forward(shape, paddings, dtype, mode):
    x = random_array(shape, dtype)
    want = np.pad(x, paddings, mode=mode.lower())
    assert sc.pad(sc.constant(x), paddings, mode).shape.as_list() == list(want.shape)
    np.testing.assert_array_equal(run_op(lambda t: sc.pad(t, paddings, mode), [x]), want)


def test_pad_documented_examples_and_constant_values():
    t = sc.constant([1, 2, 3])
    np.testing.assert_array_equal(run(sc.pad(t, [[2, 2]], "reflect")), [3, 2, 1, 2, 3, 2, 1])  # case-insensitive
    np.testing.assert_array_equal(run(sc.pad(t, [[2, 2]], "Symmetric")), [2, 1, 1, 2, 3, 3, 2])
    np.testing.assert_array_equal(run(sc.pad(t, [[1, 2]], constant_values=7)), [7, 1, 2, 3, 7, 7])
    x = np.ones((2, 2), np.float32)
    np.testing.assert_array_equal(
        run(sc.pad(x, [[1, 0], [0, 1]], constant_values=-0.5)), np.pad(x, [[1, 0], [0, 1]], constant_values=-0.5)
    )
    assert sc.pad(x, [[1, 1], [1, 1]]).op.type == "Pad"
    assert sc.pad(x, [[1, 1], [1, 1]], "REFLECT").op.type == "MirrorPad"


def test_pad_limits_errors_and_unknown_dims():
    x = sc.placeholder(sc.float32, [None, 3])
    # REFLECT takes at most n - 1, SYMMETRIC at most n
    assert sc.pad(x, [[0, 0], [2, 2]], "REFLECT").shape.as_list() == [None, 7]
    with pytest.raises(ValueError, match="no greater than the dimension size - 1 for REFLECT"):
        sc.pad(x, [[0, 0], [3, 0]], "REFLECT")
    assert sc.pad(x, [[0, 0], [3, 3]], "SYMMETRIC").shape.as_list() == [None, 9]
    with pytest.raises(ValueError, match="no greater than the dimension size for SYMMETRIC"):
        sc.pad(x, [[0, 0], [0, 4]], "SYMMETRIC")
    y = sc.pad(x, [[2, 0], [0, 0]], "REFLECT")  # the unknown dimension is checked when run
    assert run(y, {x: np.ones((3, 3), np.float32)}).shape == (5, 3)
    with pytest.raises(InvalidArgumentError, match="REFLECT"):
        run(y, {x: np.ones((2, 3), np.float32)})
    with pytest.raises(ValueError, match="paddings must be non-negative"):
        sc.pad(x, [[0, 0], [-1, 0]])
    with pytest.raises(ValueError, match=r"shape \[rank, 2\]"):
        sc.pad(x, [1, 2])
    with pytest.raises(ValueError, match=r"paddings must have shape \[2, 2\]"):
        sc.pad(x, [[1, 2]])
    with pytest.raises(ValueError, match="Unknown padding mode: EDGE"):
        sc.pad(x, [[0, 0], [1, 1]], "EDGE")
    with pytest.raises(TypeError, match="constant_values must be a number"):
        sc.pad(x, [[0, 0], [1, 1]], constant_values=sc.placeholder(sc.float32, []))


def test_pad_runtime_paddings():
    x = sc.placeholder(sc.float32, [2, 3])
    p = sc.placeholder(sc.int32, [2, 2])
    y = sc.pad(x, p, "SYMMETRIC")
    assert y.shape.as_list() == [None, None]
    xv = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_array_equal(run(y, {x: xv, p: [[1, 2], [3, 0]]}), np.pad(xv, [[1, 2], [3, 0]], "symmetric"))
    with pytest.raises(InvalidArgumentError, match="SYMMETRIC"):
        run(y, {x: xv, p: [[3, 0], [0, 0]]})
    g = sc.gradients(sc.reduce_sum(y * y), x)[0]
    np.testing.assert_allclose(
        run(g, {x: xv, p: [[1, 1], [1, 1]]}),
        _mirror_pad_grad(2 * np.pad(xv, [[1, 1], [1, 1]], "symmetric"), xv.shape, [[1, 1], [1, 1]], "symmetric"),
    )


def _mirror_pad_grad(dy, shape, paddings, mode):
    """Independent formula: dx[i] = sum of dy[o] over the o that np.pad copied x[i] to."""
    index = np.arange(int(np.prod(shape))).reshape(shape)
    source = np.pad(index, paddings, mode=mode)
    dx = np.zeros(int(np.prod(shape)))
    np.add.at(dx, source.reshape(-1), dy.reshape(-1))
    return dx.reshape(shape)


@pytest.mark.parametrize("mode", ["CONSTANT", "REFLECT", "SYMMETRIC"])
def test_pad_gradient(mode):
    paddings = [[1, 2], [2, 1], [0, 1]]
    check_gradients(lambda t: sc.pad(t, paddings, mode), [rng64([3, 3, 2])])
    # and against the formula, so that a gradient wrong in both places would show
    x = rng64([3, 4])
    xp = sc.placeholder(sc.float64, [3, 4])
    y = sc.pad(xp, [[1, 2], [3, 2]], mode)
    dy = rng64([6, 9], seed=5)
    got = run(sc.gradients(y, xp, grad_ys=sc.constant(dy))[0], {xp: x})
    want = dy[1:4, 3:7] if mode == "CONSTANT" else _mirror_pad_grad(dy, [3, 4], [[1, 2], [3, 2]], mode.lower())
    np.testing.assert_allclose(got, want)


# ---- unstack and split -------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_unstack_forward(axis, dtype):
    x = random_array([3, 4, 2], dtype)
    pieces = sc.unstack(sc.constant(x), axis=axis)
    want = [np.take(x, k, axis=axis) for k in range(x.shape[axis])]
    assert len(pieces) == len(want)
    for got, w in zip(run(pieces), want):
        np.testing.assert_array_equal(got, w)


def test_unstack_errors_unknown_dims_and_gradient():
    x = sc.placeholder(sc.float32, [None, 3])
    pieces = sc.unstack(x, axis=1)
    assert [p.shape.as_list() for p in pieces] == [[None]] * 3
    with pytest.raises(ValueError, match="Cannot infer num from shape"):
        sc.unstack(x)
    assert len(sc.unstack(x, num=2)) == 2
    with pytest.raises(InvalidArgumentError, match="num 2 does not match"):
        run(sc.unstack(x, num=2)[0], {x: np.zeros((3, 3), np.float32)})
    with pytest.raises(ValueError, match=r"axis = 2 not in \[-2, 2\)"):
        sc.unstack(x, axis=2)
    with pytest.raises(ValueError, match="num 4 does not match"):
        sc.unstack(x, num=4, axis=1)
    # only some pieces reach the loss: the others get zeros
    check_gradients(lambda t: sc.unstack(t, axis=1)[0] * 3.0 + sc.unstack(t, axis=1)[2], [rng64([2, 3])])
    check_gradients(lambda t: sc.add_n(sc.unstack(t, axis=-1)), [rng64([2, 3, 4])])


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize(
    "splits,axis", [(3, 1), ([4, 15, 11], 1), ([4, -1, 11], 1), ([5], 0), ([2, 0, 3], 0), ([-1], -1), (1, 0)]
)
def test_split_forward(splits, axis, dtype):
    x = random_array([5, 30], dtype)
    pieces = sc.split(sc.constant(x), splits, axis)
    n = x.shape[axis]
    if isinstance(splits, int):
        sizes = [n // splits] * splits
    else:
        sizes = [s if s >= 0 else n - sum(t for t in splits if t >= 0) for s in splits]
    want = np.split(x, np.cumsum(sizes)[:-1], axis=axis)
    assert [p.shape.as_list() for p in pieces] == [list(w.shape) for w in want]
    for got, w in zip(run(pieces), want):
        np.testing.assert_array_equal(got, w)


def test_split_errors_unknown_dims_and_gradient():
    x = sc.placeholder(sc.float32, [None, 6])
    assert [p.shape.as_list() for p in sc.split(x, [1, -1], 0)] == [[1, 6], [None, 6]]
    assert [p.shape.as_list() for p in sc.split(x, 2, 0)] == [[None, 6], [None, 6]]
    with pytest.raises(InvalidArgumentError, match="evenly divide"):
        run(sc.split(x, 2, 0)[0], {x: np.zeros((3, 6), np.float32)})
    with pytest.raises(ValueError, match="evenly divide"):
        sc.split(x, 4, 1)
    with pytest.raises(ValueError, match="sizes add up to 5"):
        sc.split(x, [2, 3], 1)
    with pytest.raises(ValueError, match="sizes add up to 7"):
        sc.split(x, [7, -1], 1)
    with pytest.raises(ValueError, match="at most one -1"):
        sc.split(x, [-1, -1], 1)
    with pytest.raises(ValueError, match="out of range"):
        sc.split(x, 2, 2)
    with pytest.raises(TypeError, match="must be known when the graph is built"):
        sc.split(x, sc.placeholder(sc.int32, [2]), 1)
    assert len(sc.split(x, sc.constant([2, 4]), 1)) == 2
    check_gradients(lambda t: sc.split(t, [1, -1, 2], 1)[1] * 2.0, [rng64([2, 6])])
    check_gradients(lambda t: sc.add_n([p * float(k + 1) for k, p in enumerate(sc.split(t, 3, -1))]), [rng64([2, 6])])


# ---- shape, size, rank ---------------------------------------------------------------------


def test_shape_size_rank():
    known = sc.zeros([2, 3])
    assert sc.shape(known).op.type == "Const"  # TF1's optimize=True: a known shape is a constant
    np.testing.assert_array_equal(run(sc.shape(known)), [2, 3])
    assert run(sc.size(known)) == 6 and run(sc.rank(known)) == 2
    x = sc.placeholder(sc.float32, [None, 3])
    s, n, r = sc.shape(x), sc.size(x, out_type=sc.int64), sc.rank(x)
    assert s.op.type == "Shape" and s.dtype == sc.int32 and s.shape.as_list() == [2]
    assert n.dtype == sc.int64 and n.shape.as_list() == []
    assert r.dtype == sc.int32 and r.op.type == "Const"
    xv = np.zeros((5, 3), np.float32)
    got = run([s, n, r, sc.shape(x, out_type=sc.int64)], {x: xv})
    np.testing.assert_array_equal(got[0], [5, 3])
    assert got[1] == 15 and got[1].dtype == np.int64 and got[2] == 2
    assert got[3].dtype == np.int64
    with pytest.raises(TypeError, match="out_type must be int32 or int64"):
        sc.shape(x, out_type=sc.float32)
    assert sc.shape(x, name="my_shape").op.name == "my_shape"


# ---- fill, range ---------------------------------------------------------------------------


def test_fill():
    y = sc.fill([2, 3], 9)
    assert y.dtype == sc.int32 and y.shape.as_list() == [2, 3]
    np.testing.assert_array_equal(run(y), np.full((2, 3), 9, np.int32))
    np.testing.assert_array_equal(run(sc.fill([2], True)), [True, True])
    assert run(sc.fill([0, 4], 1.5)).shape == (0, 4)
    x = sc.placeholder(sc.float32, [None, 3])
    z = sc.fill(sc.shape(x), 0.5)  # a run-time shape: the static shape keeps what is known
    assert z.shape.as_list() == [None, 3]
    np.testing.assert_array_equal(run(z, {x: np.zeros((4, 3), np.float32)}), np.full((4, 3), 0.5, np.float32))
    dims = sc.placeholder(sc.int64, [2])
    with pytest.raises(InvalidArgumentError, match="dims must be non-negative"):
        run(sc.fill(dims, 1.0), {dims: [2, -1]})
    with pytest.raises(ValueError, match="dims must be non-negative"):
        sc.fill([2, -1], 1.0)
    with pytest.raises(ValueError, match="value must be a scalar"):
        sc.fill([2], [1.0, 2.0])
    check_gradients(lambda v: sc.fill([2, 3], v) * sc.constant(np.arange(6.0).reshape(2, 3)), [np.array(0.7)])


@pytest.mark.parametrize(
    "args,kwargs,want",
    [
        ((5,), {}, np.arange(5, dtype=np.int32)),
        ((3, 18, 3), {}, np.arange(3, 18, 3, dtype=np.int32)),
        ((3, 1, -0.5), {}, np.arange(3, 1, -0.5, dtype=np.float32)),
        ((0, 1.0, 0.1), {}, None),  # accumulated as TF: compared to a loop below
        ((2, 2), {}, np.zeros(0, np.int32)),
        ((5,), {"dtype": sc.float64}, np.arange(5, dtype=np.float64)),
        ((1, 10, 4), {"dtype": sc.int64}, np.arange(1, 10, 4, dtype=np.int64)),
    ],
)
def test_range_forward(args, kwargs, want):
    y = sc.range(*args, **kwargs)
    got = run(y)
    if want is None:  # TF's kernel: v = start; repeat { out = v; v += delta } in float32
        want, v = [], np.float32(args[0])
        for _ in range(int(np.ceil(np.float32(args[1] - args[0]) / np.float32(args[2])))):
            want.append(v)
            v = np.float32(v + np.float32(args[2]))
        want = np.array(want, np.float32)
    assert got.dtype == want.dtype and y.shape.as_list() == [len(want)]
    np.testing.assert_array_equal(got, want)


def test_range_tensors_dtypes_and_errors():
    n = sc.placeholder(sc.int32, [])
    y = sc.range(n)
    assert y.shape.as_list() == [None] and y.dtype == sc.int32
    np.testing.assert_array_equal(run(y, {n: 4}), [0, 1, 2, 3])
    assert sc.range(1, 5.0).dtype == sc.float32  # any float: float32
    assert sc.range(sc.constant(1, sc.int64), 5).dtype == sc.int64
    assert sc.range(sc.constant(1.0, sc.float64), 3).dtype == sc.float64
    with pytest.raises(ValueError, match="Requires delta != 0"):
        sc.range(1, 5, 0)
    with pytest.raises(ValueError, match="Requires start <= limit when delta > 0"):
        sc.range(5, 1)
    with pytest.raises(InvalidArgumentError, match="Requires start >= limit when delta < 0"):
        run(sc.range(1, n, -1), {n: 3})
    with pytest.raises(TypeError):
        sc.range(0.5, dtype=sc.int32)
    assert sc.range(3).op.name.startswith("range")


# ---- placeholder_with_default --------------------------------------------------------------


def test_placeholder_with_default():
    keep_prob = sc.placeholder_with_default(1.0, shape=())
    assert keep_prob.dtype == sc.float32 and keep_prob.shape.as_list() == []
    assert run(keep_prob) == 1.0
    assert run(keep_prob, {keep_prob: 0.5}) == 0.5
    x = sc.placeholder_with_default(np.zeros((2, 3), np.float32), shape=[None, 3])
    assert x.shape.as_list() == [None, 3]
    assert run(x * 2.0, {x: np.ones((4, 3), np.float32)}).shape == (4, 3)
    with pytest.raises(ValueError, match="does not fit shape"):
        sc.placeholder_with_default(np.zeros((2, 3), np.float32), shape=[2, 4])
    with pytest.raises(ValueError, match="Cannot feed value of shape"):
        run(x, {x: np.ones((4, 2), np.float32)})
    check_gradients(lambda t: sc.placeholder_with_default(t, [None, 2]) * 3.0, [rng64([3, 2])])


# ---- reshape with a shape tensor; constant_value -------------------------------------------


def test_reshape_with_shape_tensors():
    x = sc.placeholder(sc.float32, [None, 6])
    like = sc.placeholder(sc.float32, [None, 2, 3])
    y = sc.reshape(x, sc.shape(like))
    assert y.shape.as_list() == [None, 2, 3]
    xv = np.arange(24, dtype=np.float32).reshape(4, 6)
    np.testing.assert_array_equal(run(y, {x: xv, like: np.zeros((4, 2, 3), np.float32)}), xv.reshape(4, 2, 3))
    n = sc.placeholder(sc.int32, [])
    z = sc.reshape(x, sc.stack([n, -1]))
    assert z.shape.as_list() == [None, None]
    np.testing.assert_array_equal(run(z, {x: xv, n: 8}), xv.reshape(8, 3))
    w = sc.reshape(x, [n, 2, 3])  # a list holding a tensor is stacked, as TF1 auto-packs
    assert w.shape.as_list() == [None, 2, 3]
    np.testing.assert_array_equal(run(w, {x: xv, n: 4}), xv.reshape(4, 2, 3))
    with pytest.raises(InvalidArgumentError, match="cannot reshape a tensor of 24 elements"):
        run(z, {x: xv, n: 5})
    # a known shape tensor gives the static reshape
    k = sc.reshape(sc.zeros([2, 6]), sc.shape(sc.zeros([3, 4])))
    assert k.op.inputs[0].op.type == "Const" and len(k.op.inputs) == 1 and k.shape.as_list() == [3, 4]
    # gradient through a run-time shape
    g = sc.gradients(sc.reduce_sum(z * z), x)[0]
    np.testing.assert_allclose(run(g, {x: xv, n: 2}), 2 * xv)


def test_constant_value():
    assert constant_value(sc.constant([1, 2])).tolist() == [1, 2]
    x = sc.placeholder(sc.float32, [None, 3])
    assert constant_value(x) is None
    assert constant_value(sc.shape(sc.zeros([2, 5]))).tolist() == [2, 5]
    assert constant_value(sc.stack([sc.constant(1), 4])).tolist() == [1, 4]
    assert constant_value(sc.concat([sc.constant([1]), sc.constant([2, 3])], 0)).tolist() == [1, 2, 3]
    assert constant_value(sc.cast(sc.constant([1, 2]), sc.float32)).dtype == np.float32
    assert constant_value(sc.identity(sc.constant(3))) == 3
    assert constant_value(sc.range(2, 9, 3)).tolist() == [2, 5, 8]
    assert constant_value(sc.range(0.0, 1.0, 0.25)).tolist() == [0.0, 0.25, 0.5, 0.75]
    perm = sc.concat([[1, 0], sc.range(2, sc.rank(sc.zeros([2, 3, 4, 5])))], 0)
    assert sc.transpose(sc.zeros([2, 3, 4, 5]), perm).shape.as_list() == [3, 2, 4, 5]
    assert constant_value(sc.placeholder_with_default(3, [])) is None  # it can be fed
    assert constant_value_as_shape(sc.shape(x)) == [-1, 3]
    assert constant_value_as_shape(sc.stack([sc.placeholder(sc.int32, []), 7])) == [-1, 7]
    assert constant_value_as_shape(sc.placeholder(sc.int32, [4])) == [-1, -1, -1, -1]
    assert constant_value_as_shape(sc.placeholder(sc.int32, [None])) is None
    assert tf.get_static_value(sc.constant(2.5)) == 2.5
    n, three = sc.unstack(sc.shape(x))
    assert constant_value(n) is None and constant_value(three) == 3
    assert constant_value_as_shape(sc.stack([n, three, 2])) == [-1, 3, 2]
    assert constant_value(sc.unstack(sc.constant([[1, 2], [3, 4]]), axis=1)[1]).tolist() == [2, 4]
    assert sc.fill(sc.stack([n, three]), 1.0).shape.as_list() == [None, 3]


# ---- concat, stack, identity, stop_gradient checks --------------------------------------------


def test_concat_negative_axis_single_input_and_gradient():
    a, b = random_array([2, 3], np.float32), random_array([2, 5], np.float32, seed=1)
    np.testing.assert_array_equal(run(sc.concat([a, b], -1)), np.concatenate([a, b], -1))
    single = sc.concat([sc.constant(a)], -1)
    assert single.op.type == "Identity"
    np.testing.assert_array_equal(run(single), a)
    check_gradients(lambda s, t: sc.concat([s, t], -1), [rng64([2, 3]), rng64([2, 4])])
    check_gradients(lambda s: sc.concat([s], 0) * 2.0, [rng64([2, 3])])
    np.testing.assert_array_equal(run(sc.stack([a, a], axis=-1)), np.stack([a, a], -1))


def test_identity_and_stop_gradient():
    x = sc.placeholder(sc.float64, [2])
    y = sc.identity(x) * 2.0 + sc.stop_gradient(x) * 3.0
    assert run(sc.gradients(y, x)[0], {x: np.ones(2)}).tolist() == [2.0, 2.0]


def test_tf1_names_exported():
    for name in (
        "squeeze",
        "expand_dims",
        "transpose",
        "tile",
        "pad",
        "unstack",
        "stack",
        "split",
        "concat",
        "shape",
        "size",
        "rank",
        "fill",
        "range",
        "placeholder_with_default",
        "identity",
        "stop_gradient",
        "reshape",
        "get_static_value",
    ):
        assert callable(getattr(tf, name)), name
    assert tf.contrib.util.constant_value is constant_value


def test_tf1_program_with_shape_ops_trains():
    """A TF1-style program (import change only) whose model runs through the
    shape ops, gradients included: the loss must fall."""
    rng = np.random.default_rng(0)
    images = rng.standard_normal((64, 6, 6)).astype(np.float32)
    labels = (images[:, 2:4, 2:4].mean(axis=(1, 2)) > 0).astype(np.int64)

    x = tf.placeholder(tf.float32, [None, 6, 6])
    y = tf.placeholder(tf.int64, [None])
    keep_prob = tf.placeholder_with_default(1.0, shape=())
    net = tf.expand_dims(x, -1)  # [N, 6, 6, 1]
    net = tf.pad(net, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="reflect")  # [N, 8, 8, 1]
    net = tf.transpose(net, [0, 3, 1, 2])  # NCHW
    net = tf.squeeze(net, axis=[1])  # [N, 8, 8]
    top, bottom = tf.split(net, 2, axis=1)  # two [N, 4, 8]
    net = tf.concat([bottom, top], axis=-1)  # [N, 4, 16]
    batch = tf.unstack(tf.shape(x))[0]  # the run-time batch size (no slicing: another lane's)
    net = tf.reshape(net, tf.stack([batch, -1]))  # [N, 64], a run-time shape
    net = tf.reshape(net, [-1, 64])
    w = tf.get_variable("w", [64, 2], initializer=tf.zeros_initializer())
    b = tf.get_variable("b", [1, 2], initializer=tf.zeros_initializer())
    logits = tf.matmul(tf.nn.dropout(net, keep_prob), w) + tf.tile(b, tf.stack([batch, 1]))
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss, {x: images, y: labels})
        for _ in range(30):
            sess.run(train, {x: images, y: labels, keep_prob: 0.9})
        last = sess.run(loss, {x: images, y: labels})
    assert last < 0.7 * first
