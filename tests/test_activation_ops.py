"""Activations: relu, relu6, tanh, sigmoid, softmax, log_softmax (tf.nn.*).

Forward values against independent numpy formulas (float32 and float64,
awkward sizes, tensors large enough for the OpenMP path), gradients against
finite differences, extreme logits, and every error path.
"""

import numpy as np
import pytest

import slimcore as sc
from gradcheck import check_gradients, run_op

# Ranks 1..4, a single element, odd sizes, and tensors above the 32768-element
# parallel threshold (one long vector, many rows, one long row).
SHAPES = [(1,), (7,), (1, 1), (3, 5), (2, 3, 5), (2, 1, 3, 4), (3, 11, 1031), (70001,)]
ROW_SHAPES = [(1,), (7,), (1, 1), (3, 5), (2, 3, 5), (2, 1, 3, 4), (40, 1000), (5003, 7), (1, 40000)]
DTYPES = [np.float32, np.float64]


def tol(dtype):
    # float32 kernels (Eigen's exp/tanh, as TensorFlow's) are within a few ulp.
    return dict(rtol=2e-6, atol=1e-7) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-14)


def sample(shape, dtype, scale=3.0, seed=0):
    return (np.random.default_rng(seed).standard_normal(shape) * scale).astype(dtype)


def away_from(x, kinks, gap=0.05):
    """Moves entries within `gap` of a kink so finite differences stay on one side."""
    x = x.copy()
    for k in kinks:
        near = np.abs(x - k) < gap
        x[near] = k + np.where(x[near] >= k, gap, -gap) * 2
    return x


# ---- numpy references (float64) ----------------------------------------------------
def np_relu(x):
    return np.maximum(x, 0)


def np_relu6(x):
    return np.clip(x, 0, 6)


def np_sigmoid(x):
    # log sigmoid(x) = -log(1 + e^-x) = -logaddexp(0, -x)
    return np.exp(-np.logaddexp(0.0, -x))


def np_log_softmax(x):
    lse = np.logaddexp.reduce(x, axis=-1, keepdims=True)
    return x - lse


def np_softmax(x):
    return np.exp(np_log_softmax(x))


FORWARD = [
    ("relu", lambda t: sc.nn.relu(t), np_relu),
    ("relu6", lambda t: sc.nn.relu6(t), np_relu6),
    ("tanh", lambda t: sc.nn.tanh(t), np.tanh),
    ("sigmoid", lambda t: sc.nn.sigmoid(t), np_sigmoid),
]


# ---- forward -----------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name,fn,ref", FORWARD, ids=[f[0] for f in FORWARD])
def test_elementwise_forward(name, fn, ref, shape, dtype):
    x = sample(shape, dtype, scale=4.0)
    y = run_op(fn, [x])
    assert y.dtype == dtype and y.shape == x.shape
    np.testing.assert_allclose(y, ref(x.astype(np.float64)), **tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_elementwise_special_values(dtype):
    x = np.array([0.0, -0.0, 6.0, -6.0, 1e-30, -1e-30, 50.0, -50.0, 1e4, -1e4, np.inf, -np.inf], dtype)
    for fn, ref in [(sc.nn.relu, np_relu), (sc.nn.relu6, np_relu6), (sc.tanh, np.tanh), (sc.sigmoid, np_sigmoid)]:
        with np.errstate(over="ignore"):
            expected = ref(x.astype(np.float64))
        np.testing.assert_allclose(run_op(fn, [x]), expected, **tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_sigmoid_tails_keep_relative_precision(dtype):
    # sigmoid(-80) ~ 1.8e-35 is a normal float32; 1 / (1 + e^80) would overflow e^80.
    x = np.array([-80.0, -30.0, -10.0, 10.0, 30.0, 80.0], dtype)
    np.testing.assert_allclose(
        run_op(sc.sigmoid, [x]), np_sigmoid(x.astype(np.float64)), rtol=2e-6 if dtype == np.float32 else 1e-13
    )


def test_relu_nan_propagates():
    x = np.array([np.nan, -1.0, 2.0], np.float32)
    for fn in (sc.nn.relu, sc.nn.relu6, sc.tanh, sc.sigmoid):
        y = run_op(fn, [x])
        assert np.isnan(y[0]) and not np.isnan(y[1:]).any()


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_relu_integer(dtype):
    x = np.array([[-7, -1, 0], [1, 6, 9]], dtype)
    np.testing.assert_array_equal(run_op(sc.nn.relu, [x]), np.maximum(x, 0))
    np.testing.assert_array_equal(run_op(sc.nn.relu6, [x]), np.clip(x, 0, 6))
    assert run_op(sc.nn.relu, [x]).dtype == dtype


def test_empty_tensors():
    for shape in [(0,), (0, 3), (3, 0)]:
        x = np.zeros(shape, np.float32)
        for fn in (sc.nn.relu, sc.tanh, sc.sigmoid, sc.nn.softmax, sc.nn.log_softmax):
            assert run_op(fn, [x]).shape == shape


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", ROW_SHAPES)
def test_softmax_forward(shape, dtype):
    x = sample(shape, dtype, scale=3.0)
    y = run_op(sc.nn.softmax, [x])
    assert y.dtype == dtype and y.shape == shape
    np.testing.assert_allclose(y, np_softmax(x.astype(np.float64)), **tol(dtype))
    np.testing.assert_allclose(y.sum(axis=-1), 1.0, rtol=1e-5 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", ROW_SHAPES)
def test_log_softmax_forward(shape, dtype):
    x = sample(shape, dtype, scale=3.0)
    y = run_op(sc.nn.log_softmax, [x])
    assert y.dtype == dtype and y.shape == shape
    # |log_softmax| grows like log(row length): absolute error ~ eps * that.
    atol = 5e-6 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(y, np_log_softmax(x.astype(np.float64)), rtol=2e-6, atol=atol)


EXTREME = np.array(
    [[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [1e4, 1e4, -1e4], [1e4, 1e4 - 1.0, 1e4 - 2.0], [-3e4, 2e4, 0.0]]
)


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_extreme_logits(dtype):
    x = EXTREME.astype(dtype)
    y = run_op(sc.nn.softmax, [x])
    assert np.isfinite(y).all()
    np.testing.assert_allclose(y, np_softmax(EXTREME), **tol(dtype))
    np.testing.assert_array_equal(y[0], [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(y[2], [0.5, 0.5, 0.0])


@pytest.mark.parametrize("dtype", DTYPES)
def test_log_softmax_extreme_logits(dtype):
    x = EXTREME.astype(dtype)
    y = run_op(sc.nn.log_softmax, [x])
    assert np.isfinite(y).all()
    np.testing.assert_allclose(y, np_log_softmax(EXTREME), rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(y[0], [0.0, -2e4, -1e4])


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_with_masked_logits(dtype):
    # -inf logits (masking) get probability 0 and log-probability -inf; the rest stays finite.
    x = np.array([[-np.inf, 0.0, 1.0], [2.0, -np.inf, -np.inf]], dtype)
    y = run_op(sc.nn.softmax, [x])
    np.testing.assert_allclose(y, [[0.0, 1 / (1 + np.e), np.e / (1 + np.e)], [1.0, 0.0, 0.0]], **tol(dtype))
    ly = run_op(sc.nn.log_softmax, [x])
    assert np.isneginf(ly[0, 0]) and np.isneginf(ly[1, 1:]).all()
    np.testing.assert_allclose(ly[0, 1:], np.log(y[0, 1:]), rtol=1e-6)
    assert ly[1, 0] == 0.0


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_gradient_at_extreme_logits_is_finite(dtype):
    x = sc.placeholder(dtype, EXTREME.shape)
    dy = sc.placeholder(dtype, EXTREME.shape)
    gs = sc.gradients([sc.nn.softmax(x), sc.nn.log_softmax(x)], [x], grad_ys=[dy, dy])
    cot = np.random.default_rng(1).standard_normal(EXTREME.shape).astype(dtype)
    with sc.Session() as sess:
        g = sess.run(gs[0], {x: EXTREME.astype(dtype), dy: cot})
    assert np.isfinite(g).all()


def test_softmax_axis_argument():
    x = sample((3, 4), np.float64)
    expected = np_softmax(x)
    for kwargs in ({}, {"axis": None}, {"axis": -1}, {"axis": 1}, {"dim": -1}, {"axis": 1, "dim": 1}):
        np.testing.assert_allclose(run_op(lambda t, kwargs=kwargs: sc.nn.softmax(t, **kwargs), [x]), expected)
        np.testing.assert_allclose(
            run_op(lambda t, kwargs=kwargs: sc.nn.log_softmax(t, **kwargs), [x]), np.log(expected)
        )


def test_top_level_aliases():
    assert sc.tanh is sc.nn.tanh and sc.sigmoid is sc.nn.sigmoid
    assert "tanh" in sc.__all__ and "sigmoid" in sc.__all__
    assert set(sc.nn.__all__) >= {"relu", "relu6", "tanh", "sigmoid", "softmax", "log_softmax"}


def test_op_types_and_names():
    x = sc.placeholder(sc.float32, [None, 3])
    for fn, op_type in [
        (sc.nn.relu, "Relu"),
        (sc.nn.relu6, "Relu6"),
        (sc.tanh, "Tanh"),
        (sc.sigmoid, "Sigmoid"),
        (sc.nn.softmax, "Softmax"),
        (sc.nn.log_softmax, "LogSoftmax"),
    ]:
        y = fn(x)
        assert y.op.type == op_type and y.name == f"{op_type}:0"
        assert y.shape.as_list() == [None, 3] and y.dtype == sc.float32
        assert fn(x, name="act").name.startswith("act")


def test_gradient_ops_are_dedicated_kernels():
    x = sc.placeholder(sc.float64, [2, 3])
    for fn, grad_type in [
        (sc.nn.relu, "ReluGrad"),
        (sc.nn.relu6, "Relu6Grad"),
        (sc.tanh, "TanhGrad"),
        (sc.sigmoid, "SigmoidGrad"),
        (sc.nn.softmax, "SoftmaxGrad"),
        (sc.nn.log_softmax, "LogSoftmaxGrad"),
    ]:
        (g,) = sc.gradients(fn(x), [x])
        assert g.op.type == grad_type


# ---- gradients (finite differences, float64) ----------------------------------------
GRAD_SHAPES = [(1,), (5,), (3, 4), (2, 3, 2), (2, 1, 2, 3)]


@pytest.mark.parametrize("shape", GRAD_SHAPES)
def test_relu_gradient(shape):
    x = away_from(sample(shape, np.float64, seed=2), [0.0])
    check_gradients(sc.nn.relu, [x])


@pytest.mark.parametrize("shape", GRAD_SHAPES)
def test_relu6_gradient(shape):
    x = away_from(sample(shape, np.float64, scale=5.0, seed=3) + 3.0, [0.0, 6.0])
    check_gradients(sc.nn.relu6, [x])


@pytest.mark.parametrize("shape", GRAD_SHAPES)
def test_tanh_gradient(shape):
    check_gradients(sc.tanh, [sample(shape, np.float64, scale=1.5, seed=4)])


@pytest.mark.parametrize("shape", GRAD_SHAPES)
def test_sigmoid_gradient(shape):
    check_gradients(sc.sigmoid, [sample(shape, np.float64, scale=2.0, seed=5)])


@pytest.mark.parametrize("shape", GRAD_SHAPES)
def test_softmax_gradient(shape):
    check_gradients(sc.nn.softmax, [sample(shape, np.float64, scale=2.0, seed=6)])


@pytest.mark.parametrize("shape", GRAD_SHAPES)
def test_log_softmax_gradient(shape):
    check_gradients(sc.nn.log_softmax, [sample(shape, np.float64, scale=2.0, seed=7)])


def test_relu_gradient_is_zero_at_kinks():
    # TF's convention: relu'(0) = 0; relu6'(0) = relu6'(6) = 0.
    x = np.array([-1.0, 0.0, 0.5, 6.0, 7.0])
    for fn, expected in [(sc.nn.relu, [0, 0, 1, 1, 1]), (sc.nn.relu6, [0, 0, 1, 0, 0])]:
        t = sc.placeholder(sc.float64, [5])
        (g,) = sc.gradients(fn(t), [t])
        with sc.Session() as sess:
            np.testing.assert_array_equal(sess.run(g, {t: x}), expected)


@pytest.mark.parametrize("dtype", DTYPES)
def test_backward_kernels_against_formulas_large(dtype):
    # Gradient kernels on a tensor above the parallel threshold, against numpy.
    shape = (41, 1001)
    x = sample(shape, dtype, seed=8)
    dy = sample(shape, dtype, scale=1.0, seed=9)
    x64, dy64 = x.astype(np.float64), dy.astype(np.float64)
    s = np_softmax(x64)
    ls = np_log_softmax(x64)
    refs = {
        "relu": dy64 * (x64 > 0),
        "relu6": dy64 * ((x64 > 0) & (x64 < 6)),
        "tanh": dy64 * (1 - np.tanh(x64) ** 2),
        "sigmoid": dy64 * np_sigmoid(x64) * (1 - np_sigmoid(x64)),
        "softmax": (dy64 - (dy64 * s).sum(-1, keepdims=True)) * s,
        "log_softmax": dy64 - np.exp(ls) * dy64.sum(-1, keepdims=True),
    }
    fns = {
        "relu": sc.nn.relu,
        "relu6": sc.nn.relu6,
        "tanh": sc.tanh,
        "sigmoid": sc.sigmoid,
        "softmax": sc.nn.softmax,
        "log_softmax": sc.nn.log_softmax,
    }
    tx = sc.placeholder(dtype, shape)
    tdy = sc.placeholder(dtype, shape)
    grads = {k: sc.gradients(f(tx), [tx], grad_ys=tdy)[0] for k, f in fns.items()}
    with sc.Session() as sess:
        out = dict(zip(grads, sess.run(list(grads.values()), {tx: x, tdy: dy})))
    for k, ref in refs.items():
        # log_softmax's gradient subtracts a row sum of 1001 terms: absolute error scales with it.
        atol = (2e-5 if k == "log_softmax" else 1e-6) if dtype == np.float32 else 1e-12
        np.testing.assert_allclose(out[k], ref, rtol=2e-5 if dtype == np.float32 else 1e-11, atol=atol, err_msg=k)


# ---- second order: the backward kernels are differentiable themselves ----------------
@pytest.mark.parametrize(
    "fn,kinks",
    [(sc.nn.relu, [0.0]), (sc.nn.relu6, [0.0, 6.0]), (sc.tanh, []), (sc.sigmoid, [])],
    ids=["relu", "relu6", "tanh", "sigmoid"],
)
def test_second_order_gradients(fn, kinks):
    x = away_from(sample((2, 3), np.float64, scale=3.0, seed=10) + 1.0, kinks)
    dy = sample((2, 3), np.float64, scale=1.0, seed=11)
    check_gradients(lambda t, d: sc.gradients(fn(t), [t], grad_ys=d)[0], [x, dy])


def test_softmax_second_order_is_refused_not_wrong():
    x = sc.placeholder(sc.float64, [2, 3])
    for fn in (sc.nn.softmax, sc.nn.log_softmax):
        (g,) = sc.gradients(fn(x), [x])
        with pytest.raises(ValueError, match="No gradient defined"):
            sc.gradients(g, [x])


# ---- errors ------------------------------------------------------------------------
@pytest.mark.parametrize("fn", [sc.tanh, sc.sigmoid, sc.nn.softmax, sc.nn.log_softmax])
@pytest.mark.parametrize("dtype", [sc.int32, sc.int64, sc.bool])
def test_float_only_ops_reject_other_dtypes(fn, dtype):
    x = sc.placeholder(dtype, [2, 3])
    with pytest.raises(TypeError, match="float32 or float64.*got " + dtype.name):
        fn(x)


@pytest.mark.parametrize("fn", [sc.nn.relu, sc.nn.relu6])
def test_relu_rejects_bool(fn):
    with pytest.raises(TypeError, match="bool"):
        fn(sc.placeholder(sc.bool, [2]))


@pytest.mark.parametrize("fn", [sc.nn.softmax, sc.nn.log_softmax])
def test_softmax_rejects_scalar(fn):
    with pytest.raises(ValueError, match="rank >= 1"):
        fn(sc.placeholder(sc.float32, []))


@pytest.mark.parametrize("fn", [sc.nn.softmax, sc.nn.log_softmax])
def test_softmax_rejects_other_axes(fn):
    x = sc.placeholder(sc.float32, [2, 3, 4])
    for axis in (0, 1, -2, 5):
        with pytest.raises(ValueError, match=f"axis={axis}"):
            fn(x, axis=axis)
    with pytest.raises(ValueError, match="axis"):
        fn(x, dim=0)
    with pytest.raises(ValueError, match="dim"):
        fn(x, axis=-1, dim=2)
    with pytest.raises(TypeError, match="axis"):
        fn(x, axis=1.0)
