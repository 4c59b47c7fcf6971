"""reduce_sum, reduce_mean and argmax against independent numpy formulas:
every axis combination of ranks 1..4 (negative axes, keepdims), awkward
sizes (1 element, odd sizes, > 32768 elements so the OpenMP paths run, with
1, 2 and 4 threads), finite-difference gradients, an unknown batch
dimension, and every error path."""

import itertools

import numpy as np
import pytest

import slimcore as sc
from gradcheck import check_gradients, run_op
from slimcore.framework.ops import _op1

NUMERIC = [np.float32, np.float64, np.int32, np.int64]


def random_array(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind == "f":
        return rng.standard_normal(shape).astype(dtype)
    return rng.integers(-50, 50, size=shape).astype(dtype)


def all_axis_lists(rank):
    """Every subset of axes, each also written with negative axes and reversed."""
    for r in range(rank + 1):
        for subset in itertools.combinations(range(rank), r):
            yield list(subset)
            if subset:
                yield [a - rank for a in reversed(subset)]


def np_sum(x, axes, keepdims):
    return np.sum(
        x.astype(np.float64) if x.dtype.kind == "f" else x,
        axis=tuple(axes),
        keepdims=keepdims,
        dtype=None if x.dtype.kind == "f" else x.dtype,
    )


def np_mean(x, axes, keepdims):
    count = int(np.prod([x.shape[a] for a in axes]))
    if x.dtype.kind == "f":
        return np.sum(x.astype(np.float64), axis=tuple(axes), keepdims=keepdims) / count
    s = np.sum(x.astype(np.int64), axis=tuple(axes), keepdims=keepdims)
    return (np.sign(s) * (np.abs(s) // count)).astype(x.dtype)  # truncation toward zero


def assert_reduction(got, x, axes, keepdims, reference):
    want = reference(x, axes, keepdims)
    assert got.shape == np.shape(want), (axes, keepdims)
    assert got.dtype == x.dtype
    if x.dtype.kind == "f":
        # Error bound of a float sum: a small multiple of eps * sum(|x|).
        scale = np.sum(np.abs(x.astype(np.float64)), axis=tuple(axes), keepdims=keepdims)
        eps = 2e-6 if x.dtype == np.float32 else 1e-14
        assert np.all(np.abs(got - want) <= eps * scale + 1e-30), (axes, keepdims)
    else:
        np.testing.assert_array_equal(got, want, err_msg=str((axes, keepdims)))


@pytest.fixture(params=[1, 2, 4], ids=lambda n: f"{n}threads")
def threads(request):
    before = sc.get_num_threads()
    sc.set_num_threads(request.param)
    yield request.param
    sc.set_num_threads(before)


SHAPES = [[1], [7], [2, 3], [1, 5], [3, 1, 4], [2, 3, 5], [2, 1, 3, 2], [3, 4, 5, 6]]


@pytest.mark.parametrize("dtype", NUMERIC, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("op,reference", [(sc.reduce_sum, np_sum), (sc.reduce_mean, np_mean)], ids=["sum", "mean"])
def test_every_axis_combination(op, reference, shape, dtype):
    x = random_array(shape, dtype)
    cases = [(axes, keepdims) for axes in all_axis_lists(len(shape)) for keepdims in (False, True)]
    ph = sc.placeholder(sc.as_dtype(dtype), shape)
    outputs = [op(ph, axes, keepdims=keepdims) for axes, keepdims in cases]
    outputs.append(op(ph))
    with sc.Session() as sess:
        values = sess.run(outputs, {ph: x})
    for (axes, keepdims), got in zip(cases, values):
        assert_reduction(got, x, axes, keepdims, reference)
    assert_reduction(values[-1], x, list(range(len(shape))), False, reference)


# Shapes past the parallel threshold (32768 elements), chosen so that each
# plan and each split strategy runs: all, rows (few and many), columns narrow
# and wide, the middle, and the general path ([R, K, R], [K, R, K, R]).
LARGE = [
    ([70001], [0]),
    ([3, 20011], [1]),
    ([400, 301], [1]),
    ([301, 400], [-1]),
    ([40001, 3], [0]),
    ([31, 2001], [0]),
    ([2, 20001, 3], [1]),
    ([7, 3001, 5], [1]),
    ([30, 41, 50], [0, 2]),
    ([5, 60, 7, 31], [1, 3]),
    ([9, 11, 13, 31], [0, 2]),
    ([333, 199], [0, 1]),
]


@pytest.mark.parametrize("dtype", NUMERIC, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shape,axes", LARGE, ids=str)
def test_large_inputs_use_the_parallel_paths(threads, shape, axes, dtype):
    x = random_array(shape, dtype, seed=1)
    for keepdims in (False, True):
        got_sum, got_mean = run_op(
            lambda t, keepdims=keepdims: [
                sc.reduce_sum(t, axes, keepdims=keepdims),
                sc.reduce_mean(t, axes, keepdims=keepdims),
            ],
            [x],
        )
        assert_reduction(got_sum, x, axes, keepdims, np_sum)
        assert_reduction(got_mean, x, axes, keepdims, np_mean)


def test_parallel_sums_do_not_depend_on_the_run():
    x = random_array([50001], np.float32, seed=3)
    ph = sc.placeholder(sc.float32, [50001])
    s = sc.reduce_sum(ph)
    with sc.Session() as sess:
        assert len({sess.run(s, {ph: x}).tobytes() for _ in range(5)}) == 1


def test_empty_axis_list_reduces_nothing():
    x = random_array([2, 3], np.float32)
    got = run_op(lambda t: [sc.reduce_sum(t, []), sc.reduce_mean(t, [], keepdims=True)], [x])
    for g in got:
        np.testing.assert_array_equal(g, x)


def scalar_of(t):
    """A rank-0 tensor holding the one element of t. (Built by a reduction:
    the core cannot feed 0-d arrays yet, and makes scalar constants shape [1].)"""
    return sc.reduce_sum(t)


def test_scalar_input():
    got = run_op(
        lambda t: [
            sc.reduce_sum(scalar_of(t)),
            sc.reduce_mean(scalar_of(t), []),
            sc.reduce_sum(scalar_of(t), keepdims=True),
        ],
        [np.array([2.5])],
    )
    assert [g.shape for g in got] == [(), (), ()]
    assert [float(g) for g in got] == [2.5, 2.5, 2.5]


def test_integer_sums_wrap_around_as_tf():
    x = np.array([2**31 - 1, 1, 5], np.int32)
    assert run_op(lambda t: sc.reduce_sum(t), [x]) == np.sum(x, dtype=np.int32)


def test_integer_mean_truncates_toward_zero():
    x = np.array([[-3, -4], [3, 4], [1, 2]], np.int32)
    np.testing.assert_array_equal(run_op(lambda t: sc.reduce_mean(t, 1), [x]), [-3, 3, 1])
    assert run_op(lambda t: sc.reduce_mean(t), [np.array([1, 2], np.int64)]) == 1


def test_empty_inputs():
    x = np.zeros([3, 0], np.float32)
    got_sum, got_mean = run_op(lambda t: [sc.reduce_sum(t, 1), sc.reduce_mean(t, 1)], [x])
    np.testing.assert_array_equal(got_sum, [0, 0, 0])
    assert np.all(np.isnan(got_mean))
    assert run_op(lambda t: sc.reduce_sum(t, 0), [x]).shape == (0,)
    with pytest.raises(ValueError, match="mean of an integer tensor over zero elements"):
        run_op(lambda t: sc.reduce_mean(t, 1), [np.zeros([3, 0], np.int32)])


def test_python_values_and_names():
    first = sc.reduce_sum([[1, 2], [3, 4]], 1)
    assert first.dtype == sc.int32
    assert (first.op.type, first.op.name) == ("Sum", "Sum")
    assert sc.reduce_sum(np.ones(3)).op.name == "Sum_1"
    assert sc.reduce_mean(np.ones(3), name="m").op.name == "m"
    assert sc.reduce_mean(np.ones(3)).op.type == "Mean"
    assert sc.argmax(np.ones(3)).op.type == "ArgMax"
    # a constant axis tensor and a numpy array of axes are accepted
    x = np.arange(6.0).reshape(2, 3)
    got = run_op(lambda t: [sc.reduce_sum(t, sc.constant([1])), sc.reduce_sum(t, np.array([0]))], [x])
    np.testing.assert_array_equal(got[0], x.sum(1))
    np.testing.assert_array_equal(got[1], x.sum(0))


def test_deprecated_aliases_warn_at_the_callers_line_and_agree():
    x = np.arange(6.0).reshape(2, 3)
    with pytest.warns(DeprecationWarning, match="reduction_indices") as record:
        a = sc.reduce_sum(x, reduction_indices=[1])
    with pytest.warns(DeprecationWarning, match="keep_dims") as more:
        b = sc.reduce_mean(x, 1, keep_dims=True)
    record.list.extend(more.list)
    with pytest.warns(DeprecationWarning, match="dimension") as more:
        c = sc.argmax(x, dimension=1)
    record.list.extend(more.list)
    assert {w.filename for w in record} == {__file__}  # not slimcore's own lines
    with sc.Session() as sess:
        got = sess.run([a, b, c])
    np.testing.assert_array_equal(got[0], x.sum(1))
    np.testing.assert_array_equal(got[1], x.mean(1, keepdims=True))
    np.testing.assert_array_equal(got[2], [2, 2])


# ---- gradients --------------------------------------------------------------------------


def nonscalar(y):
    """y, or y reshaped to [1] when it is a scalar: check_gradients feeds the
    cotangent, and the core cannot feed 0-d arrays yet."""
    return sc.reshape(y, [1]) if y.shape.ndims == 0 else y


@pytest.mark.parametrize("op", [sc.reduce_sum, sc.reduce_mean], ids=["sum", "mean"])
@pytest.mark.parametrize("shape", [[5], [2, 3], [2, 3, 4], [2, 1, 3, 2]], ids=str)
def test_gradients_every_axis_combination(op, shape):
    x = random_array(shape, np.float64, seed=2)
    for axes in all_axis_lists(len(shape)):
        for keepdims in (False, True):
            check_gradients(lambda t, axes=axes, keepdims=keepdims: nonscalar(op(t, axes, keepdims=keepdims)), [x])
    check_gradients(lambda t: nonscalar(op(t)), [x])


@pytest.mark.parametrize("op,kind", [(sc.reduce_sum, "sum"), (sc.reduce_mean, "mean")], ids=["sum", "mean"])
@pytest.mark.parametrize("shape,axes", LARGE, ids=str)
def test_large_gradients_broadcast_back(threads, op, kind, shape, axes):
    # The gradient of <r, reduce(x)> is r broadcast back (divided by n for the mean).
    x = random_array(shape, np.float64, seed=4)
    ph = sc.placeholder(sc.float64, shape)
    y = nonscalar(op(ph, axes, keepdims=False))
    r = random_array(y.shape.as_list(), np.float64, seed=5)
    (g,) = sc.gradients(y, [ph], grad_ys=sc.constant(r))
    with sc.Session() as sess:
        got = sess.run(g, {ph: x})
    count = np.prod([shape[a] for a in axes]) if kind == "mean" else 1
    kept = [d for d in range(len(shape)) if d not in [a % len(shape) for a in axes]]
    want = np.broadcast_to(r.reshape([shape[d] if d in kept else 1 for d in range(len(shape))]), shape) / count
    np.testing.assert_array_equal(got, want)


def test_second_order_sum_grad_is_linear():
    # SumGrad / MeanGrad are linear in the incoming gradient; their own
    # gradient with respect to it is Sum / Mean again.
    x = random_array([2, 3, 4], np.float64)
    for op_type in ("SumGrad", "MeanGrad"):
        for keepdims in (False, True):
            g = random_array([2, 1, 4] if keepdims else [2, 4], np.float64, seed=6)
            attrs = {"axes": [1], "keepdims": keepdims}
            check_gradients(
                lambda gt, xt, op_type=op_type, attrs=attrs: _op1(op_type, [gt, xt], attrs), [g, x], wrt=[0]
            )


def test_argmax_is_not_differentiable():
    x = sc.placeholder(sc.float32, [2, 3])
    assert sc.gradients(sc.cast(sc.argmax(x, 1), sc.float32), [x]) == [None]


# ---- unknown batch dimension -----------------------------------------------------------


def test_unknown_batch_static_shapes():
    x = sc.placeholder(sc.float32, [None, 3])
    assert sc.reduce_sum(x, 0).shape.as_list() == [3]
    assert sc.reduce_sum(x, 1).shape.as_list() == [None]
    assert sc.reduce_mean(x, 0, keepdims=True).shape.as_list() == [1, 3]
    assert sc.reduce_mean(x, -1, keepdims=True).shape.as_list() == [None, 1]
    assert sc.reduce_mean(x).shape.as_list() == []
    assert sc.reduce_sum(x, []).shape.as_list() == [None, 3]
    assert sc.argmax(x, 1).shape.as_list() == [None]
    assert sc.argmax(x, 0, output_type=sc.int32).shape.as_list() == [3]


def test_unknown_batch_mean_counts_at_run_time():
    x = sc.placeholder(sc.float64, [None, 3])
    m = sc.reduce_mean(x, 0)
    total = sc.reduce_mean(x)
    r = sc.placeholder(sc.float64, [3])
    (g,) = sc.gradients(m, [x], grad_ys=r)
    (g_total,) = sc.gradients(total, [x])
    assert g.shape.as_list() == [None, 3]
    with sc.Session() as sess:
        for batch in (5, 2, 7):
            v = random_array([batch, 3], np.float64, seed=batch)
            rv = random_array([3], np.float64, seed=10 + batch)
            got_m, got_total, got_g, got_gt = sess.run([m, total, g, g_total], {x: v, r: rv})
            np.testing.assert_allclose(got_m, v.mean(0), rtol=1e-14)
            np.testing.assert_allclose(got_total, v.mean(), rtol=1e-14)
            np.testing.assert_allclose(got_g, np.tile(rv / batch, (batch, 1)), rtol=1e-15)
            np.testing.assert_allclose(got_gt, np.full([batch, 3], 1 / (3 * batch)), rtol=1e-15)


# ---- argmax --------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", NUMERIC, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shape", [[1], [9], [3, 1], [4, 5], [2, 3, 4], [3, 1, 4, 2]], ids=str)
def test_argmax_every_axis(shape, dtype):
    rng = np.random.default_rng(7)
    x = rng.integers(0, 3, size=shape).astype(dtype)  # many ties: the first index wins
    rank = len(shape)
    axes = list(range(-rank, rank))
    ph = sc.placeholder(sc.as_dtype(dtype), shape)
    outputs = [sc.argmax(ph, a, output_type=t) for a in axes for t in (sc.int64, sc.int32)]
    with sc.Session() as sess:
        values = sess.run(outputs, {ph: x})
    for (a, t), got in zip([(a, t) for a in axes for t in (np.int64, np.int32)], values):
        assert got.dtype == t
        np.testing.assert_array_equal(got, np.argmax(x, axis=a), err_msg=f"axis {a}")


def test_argmax_nan_is_the_maximum_as_numpy():
    x = np.array([[1.0, np.nan, 5.0, np.nan], [2.0, 1.0, 3.0, 0.0]], np.float32)
    np.testing.assert_array_equal(run_op(lambda t: sc.argmax(t, 1), [x]), np.argmax(x, 1))
    np.testing.assert_array_equal(run_op(lambda t: sc.argmax(t, 0), [x]), np.argmax(x, 0))


@pytest.mark.parametrize(
    "shape,axis", [([3, 20011], 1), ([40001, 3], 0), ([2, 30001, 3], 1), ([3, 11, 2001], 1), ([70001], 0)], ids=str
)
def test_argmax_large(threads, shape, axis):
    x = np.random.default_rng(8).integers(0, 1000, size=shape).astype(np.float32)
    np.testing.assert_array_equal(run_op(lambda t: sc.argmax(t, axis), [x]), np.argmax(x, axis))


@pytest.mark.filterwarnings("error::UserWarning")
def test_argmax_axis_none_is_axis_zero_as_tf1():
    x = np.array([[1.0, 5.0], [3.0, 2.0]])
    with pytest.warns(UserWarning, match="axis=None reduces axis 0"):
        y = sc.argmax(x)
    z = sc.argmax([3.0, 7.0, 1.0])  # rank 1: no warning (the filter below makes one an error)
    with sc.Session() as sess:
        np.testing.assert_array_equal(sess.run(y), [1, 0])
        assert sess.run(z) == 1


# ---- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize("op", [sc.reduce_sum, sc.reduce_mean], ids=["sum", "mean"])
def test_bad_axes_name_the_axis_and_rank(op):
    x = sc.placeholder(sc.float32, [None, 3])
    with pytest.raises(ValueError, match=r"axis 2 is out of range for a tensor of rank 2 \(valid axes are -2..1\)"):
        op(x, 2)
    with pytest.raises(ValueError, match=r"axis -3 is out of range for a tensor of rank 2"):
        op(x, [0, -3])
    with pytest.raises(ValueError, match=r"axis -1 is given twice .*dimension 1 of a tensor of rank 2"):
        op(x, [1, -1])
    with pytest.raises(ValueError, match=r"axis 0 is given twice"):
        op(x, [0, 0])
    with pytest.raises(ValueError, match="axis 0 is out of range for a scalar"):
        op(scalar_of(sc.placeholder(sc.float32, [1])), 0)
    with pytest.raises(ValueError, match="cannot specify both 'axis' and 'reduction_indices'"):
        op(x, 0, reduction_indices=0)
    with pytest.raises(ValueError, match="cannot specify both 'keepdims' and 'keep_dims'"):
        op(x, 0, keepdims=True, keep_dims=True)


@pytest.mark.parametrize("op", [sc.reduce_sum, sc.reduce_mean], ids=["sum", "mean"])
def test_bad_axis_types(op):
    x = sc.placeholder(sc.float32, [2, 3])
    with pytest.raises(TypeError, match="axis must be an int or a list of ints"):
        op(x, 1.0)
    with pytest.raises(TypeError, match="axis must be an int or a list of ints"):
        op(x, [[0], [1]])
    with pytest.raises(TypeError, match="must be known when the graph is built"):
        op(x, sc.placeholder(sc.int32, [1]))
    with pytest.raises(TypeError, match="cannot reduce a bool tensor"):
        op(sc.placeholder(sc.bool, [2]))


def test_argmax_errors():
    x = sc.placeholder(sc.float32, [None, 3])
    with pytest.raises(ValueError, match="axis 2 is out of range for a tensor of rank 2"):
        sc.argmax(x, 2)
    with pytest.raises(ValueError, match="axis -3 is out of range"):
        sc.argmax(x, -3)
    with pytest.raises(TypeError, match="output_type must be int32 or int64"):
        sc.argmax(x, 1, output_type=sc.float32)
    with pytest.raises(TypeError, match="axis must be a single int"):
        sc.argmax(x, [0, 1])
    with pytest.raises(TypeError, match="argmax needs a numeric tensor"):
        sc.argmax(sc.placeholder(sc.bool, [3]), 0)
    with pytest.raises(ValueError, match="cannot specify both 'axis' and 'dimension'"):
        sc.argmax(x, 1, dimension=1)
    with pytest.raises(ValueError, match="it has no elements"):
        sc.argmax(sc.placeholder(sc.float32, [2, 0]), 1)
    # an axis empty only at run time
    y = sc.argmax(x, 0)
    with sc.Session() as sess, pytest.raises(ValueError, match="it has no elements"):
        sess.run(y, {x: np.zeros([0, 3], np.float32)})
