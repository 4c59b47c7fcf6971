"""tf.nn.fused_batch_norm (FusedBatchNorm / FusedBatchNormGrad), tf.nn.moments
and tf.nn.batch_normalization.

Forward values against independent numpy formulas in float64 (training and
inference, rank 2 and 4, C = 1, one row, sizes on both sides of the 64-channel
layout switch and above the OpenMP threshold), the Bessel-corrected batch
variance, precision with a large mean, the backward kernel against TF's
closed form on large tensors, gradients against finite differences (float64),
and every error path.
"""

import warnings

import numpy as np
import pytest

import slimcore as sc
from gradcheck import check_gradients, run_op
from slimcore import _core
from slimcore.framework.ops import _op

DTYPES = [np.float32, np.float64]
TOL = {np.float32: dict(rtol=2e-5, atol=2e-5), np.float64: dict(rtol=1e-11, atol=1e-11)}
# Rank 2 and 4; C = 1; one row; 64 and 65 channels (the two layouts);
# (3000, 17), (70001, 1), (4, 9, 9, 130) and (8, 16, 16, 3) exceed the
# parallel threshold with few (block-split) and many (channel-split) channels.
SHAPES = [
    (1, 1),
    (1, 5),
    (5, 1),
    (3, 5),
    (2, 64),
    (3, 65),
    (2, 3, 3, 4),
    (2, 1, 1, 7),
    (3, 2, 5, 1),
    (3000, 17),
    (70001, 1),
    (4, 9, 9, 130),
    (8, 16, 16, 3),
]


def sample(shape, dtype, seed=0, loc=0.0, scale=1.0):
    rng = np.random.default_rng(seed)
    return (loc + scale * rng.standard_normal(shape)).astype(dtype)


def reference(x, scale, offset, eps):
    """Training-mode batch norm in float64: y, mean, biased var, Bessel var."""
    rows = x.reshape(-1, x.shape[-1]).astype(np.float64)
    n = rows.shape[0]
    mu = rows.mean(axis=0)
    var = ((rows - mu) ** 2).mean(axis=0)
    y = (x - mu) / np.sqrt(var + eps) * scale + offset
    return y, mu, var, var * n / max(n - 1, 1)


def params(channels, dtype, seed=1):
    rng = np.random.default_rng(seed)
    return (rng.uniform(0.5, 2.0, channels).astype(dtype), rng.standard_normal(channels).astype(dtype))


def run(fetches, feed=None):
    with sc.Session() as sess:
        return sess.run(fetches, feed)


# ---- forward ------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_training_forward_matches_numpy(shape, dtype):
    x = sample(shape, dtype, loc=3.0, scale=2.0)
    scale, offset = params(shape[-1], dtype)
    y, mean, var = run(list(sc.nn.fused_batch_norm(x, scale, offset, epsilon=0.001)))
    ry, rmu, _, rvar_unbiased = reference(x, scale, offset, 0.001)
    assert y.dtype == dtype and y.shape == shape and mean.shape == var.shape == shape[-1:]
    np.testing.assert_allclose(y, ry, **TOL[dtype])
    np.testing.assert_allclose(mean, rmu, **TOL[dtype])
    # The third output is the Bessel-corrected variance (n / (n - 1)), as TF's fused op.
    np.testing.assert_allclose(var, rvar_unbiased, **TOL[dtype])


def test_batch_variance_is_bessel_corrected_and_normalisation_uses_the_biased_one():
    x = np.array([[1.0], [2.0], [4.0], [9.0]])  # n = 4: biased var 9.5, unbiased 38/3
    y, mean, var = run(list(sc.nn.fused_batch_norm(x, [1.0], [0.0], epsilon=1e-3)))
    assert mean[0] == 4.0
    np.testing.assert_allclose(var[0], 38.0 / 3.0, rtol=1e-15)
    np.testing.assert_allclose(y[:, 0], (x[:, 0] - 4.0) / np.sqrt(9.5 + 1e-3), rtol=1e-14)


def test_one_row_gives_zero_variance_and_the_offset():
    # n = 1: TF's correction factor is 1 (not n / 0), and y = offset.
    x = np.array([[3.0, -2.0, 7.5]], np.float32)
    y, mean, var = run(list(sc.nn.fused_batch_norm(x, [2.0, 2.0, 2.0], [0.5, -1.0, 4.0])))
    np.testing.assert_array_equal(mean, x[0])
    np.testing.assert_array_equal(var, [0, 0, 0])
    np.testing.assert_array_equal(y, [[0.5, -1.0, 4.0]])


@pytest.mark.parametrize("loc", [1e4, -3e5])
def test_statistics_keep_precision_with_a_large_mean(loc):
    # Float32 data far from 0 with unit spread: a naive float32 E[x^2] - E[x]^2
    # loses every digit; the double shifted sums match numpy on the same data.
    x = sample((20000, 3), np.float32, loc=loc)
    _, mean, var = run(list(sc.nn.fused_batch_norm(x, np.ones(3), np.zeros(3))))
    exact = x.astype(np.float64)
    np.testing.assert_allclose(mean, exact.mean(axis=0), rtol=1e-7)
    np.testing.assert_allclose(var, exact.var(axis=0, ddof=1), rtol=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(1, 1, 1, 5), (1, 1), (1, 3), (4, 1), (2, 3, 3, 4), (3000, 17), (4, 9, 9, 130)])
def test_inference_uses_the_given_statistics(shape, dtype):
    x = sample(shape, dtype)
    scale, offset = params(shape[-1], dtype)
    mean = sample(shape[-1:], dtype, seed=5)
    variance = np.abs(sample(shape[-1:], dtype, seed=6)) + 0.1
    y, bm, bv = run(list(sc.nn.fused_batch_norm(x, scale, offset, mean, variance, epsilon=0.01, is_training=False)))
    expected = (x.astype(np.float64) - mean) / np.sqrt(variance.astype(np.float64) + 0.01) * scale + offset
    np.testing.assert_allclose(y, expected, **TOL[dtype])
    np.testing.assert_array_equal(bm, mean)  # passed through, as TF
    np.testing.assert_array_equal(bv, variance)


def test_epsilon_below_tf_minimum_is_raised_with_a_warning():
    x = sample((6, 2), np.float64)
    with pytest.warns(UserWarning, match="raised to 1.001e-05"):
        y, _, _ = sc.nn.fused_batch_norm(x, [1.0, 1.0], [0.0, 0.0], epsilon=1e-8)
    assert y.op.get_attr("epsilon") == 1.001e-5
    np.testing.assert_allclose(run(y), reference(x, 1.0, 0.0, 1.001e-5)[0], rtol=1e-12)


def test_statistics_agree_across_thread_counts():
    # Per-thread partial sums are added in thread order, in double: results
    # agree to rounding (not bit for bit) between thread counts.
    x = sample((400, 7, 7, 3), np.float32, loc=2.0)
    y, mean, var = sc.nn.fused_batch_norm(x, np.ones(3, np.float32), np.zeros(3, np.float32))
    try:
        sc.set_num_threads(1)
        one = run([y, mean, var])
        sc.set_num_threads(2)
        two = run([y, mean, var])
    finally:
        sc.set_num_threads(2)
    for a, b in zip(one, two):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)


def test_unknown_batch_and_empty_batch():
    x = sc.placeholder(sc.float32, [None, 3])
    y, mean, var = sc.nn.fused_batch_norm(x, np.ones(3, np.float32), np.zeros(3, np.float32))
    assert y.shape.as_list() == [None, 3] and mean.shape.as_list() == [3]
    (g_scale,) = sc.gradients(y, [y.op.inputs[1]])
    with sc.Session() as sess:
        data = sample((10, 3), np.float32)
        np.testing.assert_allclose(sess.run(y, {x: data}), reference(data, 1.0, 0.0, 1e-3)[0], atol=1e-5)
        # No rows: an empty y and undefined (NaN) statistics, as TF; zero parameter gradients.
        ey, em, ev, eg = sess.run([y, mean, var, g_scale], {x: np.zeros((0, 3), np.float32)})
        assert ey.shape == (0, 3) and np.all(np.isnan(em)) and np.all(np.isnan(ev))
        np.testing.assert_array_equal(eg, [0, 0, 0])


def test_steady_state_runs_allocate_no_buffers():
    x = sc.placeholder(sc.float32, [None, 4, 4, 8])
    gamma = sc.Variable(np.ones(8, np.float32))
    beta = sc.Variable(np.zeros(8, np.float32))
    y, _, _ = sc.nn.fused_batch_norm(x, gamma, beta)
    grads = sc.gradients(sc.reduce_sum(y * y), [gamma, beta])
    step = sc.group(sc.assign_sub(gamma, grads[0] * 0.01), sc.assign_sub(beta, grads[1] * 0.01))
    data = sample((16, 4, 4, 8), np.float32)
    with sc.Session() as sess:
        sess.run(sc.global_variables_initializer())
        sess.run(step, {x: data})
        before = _core.testing.allocation_count()
        for _ in range(5):
            sess.run(step, {x: data})
        assert _core.testing.allocation_count() == before


# ---- backward kernel -------------------------------------------------------------------
def grad_reference(dy, x, scale, training, mean=None, variance=None, eps=1e-3):
    """TF's formulas in float64: dx, dscale, doffset."""
    dy = dy.reshape(-1, dy.shape[-1]).astype(np.float64)
    rows = x.reshape(-1, x.shape[-1]).astype(np.float64)
    n = rows.shape[0]
    if training:
        mean, variance = rows.mean(axis=0), rows.var(axis=0)
    inv_std = 1 / np.sqrt(variance + eps)
    xhat = (rows - mean) * inv_std
    dscale, doffset = (dy * xhat).sum(axis=0), dy.sum(axis=0)
    dx = scale * inv_std / n * (n * dy - doffset - xhat * dscale) if training else dy * scale * inv_std
    return dx.reshape(x.shape), dscale, doffset


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(1, 3), (5, 1), (2, 3, 3, 4), (3, 65), (3000, 17), (70001, 1), (4, 9, 9, 130)])
def test_backward_kernel_matches_tf_formula(shape, dtype, training):
    x = sample(shape, dtype, loc=-1.0, scale=3.0)
    dy = sample(shape, dtype, seed=2)
    scale, offset = params(shape[-1], dtype)
    mean = sample(shape[-1:], dtype, seed=3)
    variance = np.abs(sample(shape[-1:], dtype, seed=4)) + 0.5
    tx, tdy = sc.placeholder(sc.as_dtype(dtype), shape), sc.placeholder(sc.as_dtype(dtype), shape)
    ts, to = sc.constant(scale), sc.constant(offset)
    if training:
        y, _, _ = sc.nn.fused_batch_norm(tx, ts, to)
    else:
        y, _, _ = sc.nn.fused_batch_norm(tx, ts, to, mean, variance, is_training=False)
    grads = sc.gradients(y, [tx, ts, to], grad_ys=tdy)
    assert grads[0].op.type == "FusedBatchNormGrad"
    got = run(grads, {tx: x, tdy: dy})
    want = grad_reference(dy, x, scale, training, mean, variance)
    tol = (
        dict(rtol=1e-4, atol=1e-4 * max(1.0, np.sqrt(x.size / shape[-1])))
        if dtype == np.float32
        else dict(rtol=1e-9, atol=1e-9)
    )
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, **tol)


# ---- gradients against finite differences (float64) -------------------------------------
@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 2, 3), (5, 1), (1, 2, 2, 2)])
def test_training_gradients(shape):
    x = sample(shape, np.float64, loc=0.5, scale=2.0)
    scale, offset = params(shape[-1], np.float64)
    check_gradients(lambda x, s, o: sc.nn.fused_batch_norm(x, s, o)[0], [x, scale, offset], rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("shape", [(4, 3), (2, 2, 2, 3), (3, 1), (1, 2)])
def test_training_gradients_through_the_batch_statistics(shape):
    # Gradients reaching batch_mean and the Bessel-corrected batch_var are folded
    # into FusedBatchNormGrad's dx (TF1 drops them).
    x = sample(shape, np.float64, scale=2.0)
    scale, offset = params(shape[-1], np.float64)
    wm, wv = sample(shape[-1:], np.float64, seed=7), sample(shape[-1:], np.float64, seed=8)

    def fn(x, s, o):
        y, m, v = sc.nn.fused_batch_norm(x, s, o)
        return y + sc.reduce_sum(m * wm) + sc.reduce_sum(v * wv)

    check_gradients(fn, [x, scale, offset], rtol=1e-5, atol=1e-7)

    def stats_only(x):
        _, m, v = sc.nn.fused_batch_norm(x, np.ones(shape[-1]), np.zeros(shape[-1]))
        return m * wm + v * wv

    check_gradients(stats_only, [x], rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 2, 3), (1, 1, 1, 2)])
def test_inference_gradients_include_mean_and_variance(shape):
    x = sample(shape, np.float64)
    scale, offset = params(shape[-1], np.float64)
    mean = sample(shape[-1:], np.float64, seed=3)
    variance = np.abs(sample(shape[-1:], np.float64, seed=4)) + 0.5
    wm = sample(shape[-1:], np.float64, seed=9)

    def fn(x, s, o, m, v):
        y, bm, bv = sc.nn.fused_batch_norm(x, s, o, m, v, is_training=False)
        return y + sc.reduce_sum(bm * wm) + sc.reduce_sum(bv)

    check_gradients(fn, [x, scale, offset, mean, variance], rtol=1e-5, atol=1e-7)


def test_saved_statistics_and_second_derivatives_are_not_differentiable():
    x = sc.placeholder(sc.float64, [4, 3])
    y, _, _ = sc.nn.fused_batch_norm(x, np.ones(3), np.zeros(3))
    with pytest.raises(ValueError, match="saved_mean and saved_inv_std"):
        sc.gradients(y.op.outputs[3], [x])
    (dx,) = sc.gradients(y * y, [x])
    with pytest.raises(ValueError, match=r"No gradient defined.*FusedBatchNormGrad"):
        sc.gradients(dx, [x])


def test_mean_and_variance_inputs_get_no_gradient_in_training():
    x = sc.placeholder(sc.float64, [4, 3])
    m, v = sc.placeholder(sc.float64, [3]), sc.placeholder(sc.float64, [3])
    with pytest.warns(UserWarning, match="ignored"):
        y, _, _ = sc.nn.fused_batch_norm(x, np.ones(3), np.zeros(3), m, v)
    assert sc.gradients(y, [m, v]) == [None, None]


# ---- errors --------------------------------------------------------------------------------
def test_python_argument_errors():
    x = sc.placeholder(sc.float32, [2, 4, 4, 3])
    one, zero = np.ones(3, np.float32), np.zeros(3, np.float32)
    with pytest.raises(ValueError, match="mean and variance must be given"):
        sc.nn.fused_batch_norm(x, one, zero, is_training=False)
    with pytest.raises(ValueError, match="mean and variance must be given"):
        sc.nn.fused_batch_norm(x, one, zero, mean=zero, is_training=False)
    with pytest.raises(ValueError, match="NCHW"):
        sc.nn.fused_batch_norm(x, one, zero, data_format="NCHW")
    with pytest.raises(TypeError, match="is_training must be a Python bool"):
        sc.nn.fused_batch_norm(x, one, zero, is_training=1)
    with pytest.raises(TypeError, match="epsilon must be a number"):
        sc.nn.fused_batch_norm(x, one, zero, epsilon="small")
    with pytest.raises(ValueError, match="epsilon is NaN"):
        sc.nn.fused_batch_norm(x, one, zero, epsilon=float("nan"))
    with pytest.warns(UserWarning, match="ignored when is_training=True"):
        sc.nn.fused_batch_norm(x, one, zero, mean=zero, variance=one)


def test_shape_and_dtype_errors():
    one, zero = np.ones(3, np.float32), np.zeros(3, np.float32)
    with pytest.raises(ValueError, match=r"rank 2 .* or 4"):
        sc.nn.fused_batch_norm(sc.placeholder(sc.float32, [2, 4, 3]), one, zero)
    with pytest.raises(TypeError, match="float32 or float64"):
        sc.nn.fused_batch_norm(sc.placeholder(sc.int32, [2, 3]), [1, 1, 1], [0, 0, 0])
    x = sc.placeholder(sc.float32, [2, 3])
    with pytest.raises(ValueError, match=r"scale has 4 values but x .* has 3 channels"):
        sc.nn.fused_batch_norm(x, np.ones(4, np.float32), zero)
    with pytest.raises(ValueError, match="offset must be a vector"):
        sc.nn.fused_batch_norm(x, one, np.zeros((3, 1), np.float32))
    with pytest.raises(TypeError, match="scale must have x's dtype float32"):
        sc.nn.fused_batch_norm(x, sc.constant(np.ones(3)), zero)
    with pytest.raises(ValueError, match=r"mean has 2 values .*inference"):
        sc.nn.fused_batch_norm(x, one, zero, np.zeros(2, np.float32), one, is_training=False)
    with pytest.raises(ValueError, match="variance has 0 values"):  # [] is for training only
        sc.nn.fused_batch_norm(x, one, zero, zero, np.zeros(0, np.float32), is_training=False)


def test_channel_mismatch_found_when_the_graph_runs():
    x = sc.placeholder(sc.float32, [None, None])
    y, _, _ = sc.nn.fused_batch_norm(x, np.ones(3, np.float32), np.zeros(3, np.float32))
    with pytest.raises(ValueError, match=r"scale has 3 values but x .* has 4 channels"):
        run(y, {x: np.zeros((2, 4), np.float32)})


def test_raw_op_errors():
    x = sc.constant(np.zeros((2, 3)))
    v = sc.constant(np.ones(3))
    empty = sc.constant(np.zeros(0))
    with pytest.raises(ValueError, match=r"epsilon must be a finite number >= 0, got -1$"):
        _op("FusedBatchNorm", [x, v, v, empty, empty], {"epsilon": -1.0, "is_training": True})
    with pytest.raises(ValueError, match="is_training"):
        _op("FusedBatchNorm", [x, v, v, empty, empty], {"epsilon": 1e-3})
    with pytest.raises(ValueError, match="expects 5 inputs"):
        _op("FusedBatchNormGrad", [x, x, v, v, v, v], {"is_training": True})
    with pytest.raises(ValueError, match="only taken in training"):
        _op("FusedBatchNormGrad", [x, x, v, v, v, v, v], {"is_training": False})
    with pytest.raises(TypeError, match="x must have dy's dtype"):
        _op("FusedBatchNormGrad", [x, sc.constant(np.zeros((2, 3), np.float32)), v, v, v], {"is_training": True})
    with pytest.raises(ValueError, match="dy and x must have the same shape"):
        _op("FusedBatchNormGrad", [sc.constant(np.zeros((3, 3))), x, v, v, v], {"is_training": True})
    with pytest.raises(ValueError, match=r"saved_inv_std must have shape \[3\]"):
        _op("FusedBatchNormGrad", [x, x, v, v, sc.constant(np.ones(2))], {"is_training": True})
    with pytest.raises(TypeError, match="scale must have dy's dtype"):
        _op("FusedBatchNormGrad", [x, x, sc.constant(np.ones(3, np.float32)), v, v], {"is_training": True})


# ---- moments -------------------------------------------------------------------------------
@pytest.mark.parametrize("keep_dims", [False, True])
@pytest.mark.parametrize(
    "shape,axes", [((4, 5, 6, 3), [0, 1, 2]), ((6, 7), [0]), ((3, 4, 5), [1]), ((3, 4, 5), [-1, 0]), ((8,), [0])]
)
def test_moments_match_numpy(shape, axes, keep_dims):
    x = sample(shape, np.float64, loc=2.0)
    mean, var = run_op(lambda t: sc.nn.moments(t, axes, keep_dims=keep_dims), [x])
    np.testing.assert_allclose(mean, x.mean(axis=tuple(axes), keepdims=keep_dims), rtol=1e-12)
    np.testing.assert_allclose(var, x.var(axis=tuple(axes), keepdims=keep_dims), rtol=1e-12)


def test_moments_with_unknown_dimensions():
    # Two unknown kept dimensions cannot be squeezed by a reshape: the mean is reduced again.
    t = sc.placeholder(sc.float32, [None, None, 4])
    mean, var = sc.nn.moments(t, [2])
    assert mean.shape.as_list() == [None, None] and var.shape.as_list() == [None, None]
    x = sample((3, 5, 4), np.float32)
    m, v = run([mean, var], {t: x})
    np.testing.assert_allclose(m, x.mean(axis=2), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(v, x.var(axis=2), rtol=1e-5, atol=1e-6)


def test_moments_gradients():
    x = sample((3, 2, 4), np.float64)
    check_gradients(lambda t: sc.nn.moments(t, [0, 1])[0], [x])
    check_gradients(lambda t: sc.nn.moments(t, [0, 1])[1], [x], rtol=1e-5)
    check_gradients(lambda t: sc.nn.moments(t, [2], keep_dims=True)[1], [x], rtol=1e-5)


def test_moments_feed_batch_normalization_like_the_fused_op():
    x = sample((4, 3, 3, 5), np.float64, loc=1.0)
    scale, offset = params(5, np.float64)

    def composed(t):
        mean, var = sc.nn.moments(t, [0, 1, 2])
        return sc.nn.batch_normalization(t, mean, var, offset, scale, 1e-3)

    np.testing.assert_allclose(run_op(composed, [x]), reference(x, scale, offset, 1e-3)[0], rtol=1e-12)


def test_moments_errors_and_warnings():
    x = sc.placeholder(sc.float32, [2, 3])
    with pytest.warns(UserWarning, match="shift"):
        sc.nn.moments(x, [0], shift=1.0)
    with pytest.raises(ValueError, match="disagree"):
        sc.nn.moments(x, [0], keep_dims=True, keepdims=False)
    with pytest.raises(TypeError, match="float32 or float64"):
        sc.nn.moments(sc.placeholder(sc.int32, [2, 3]), [0])
    with pytest.raises(TypeError, match="axes"):
        sc.nn.moments(x, [0.5])
    with pytest.raises(ValueError, match="out of range"):
        sc.nn.moments(x, [2])
    assert sc.nn.moments(x, [0], keepdims=True)[0].shape.as_list() == [1, 3]


# ---- batch_normalization ----------------------------------------------------------------
def test_batch_normalization_matches_formula_and_defaults():
    x = sample((5, 4), np.float64)
    mean, var = sample(4, np.float64, seed=2), np.abs(sample(4, np.float64, seed=3)) + 0.1
    scale, offset = params(4, np.float64)
    full = run_op(lambda t: sc.nn.batch_normalization(t, mean, var, offset, scale, 1e-3), [x])
    np.testing.assert_allclose(full, (x - mean) * scale / np.sqrt(var + 1e-3) + offset, rtol=1e-13)
    bare = run_op(lambda t: sc.nn.batch_normalization(t, mean, var, None, None, 1e-3), [x])
    np.testing.assert_allclose(bare, (x - mean) / np.sqrt(var + 1e-3), rtol=1e-13)
    # No minimum epsilon here (only fused_batch_norm has one).
    tiny = run_op(lambda t: sc.nn.batch_normalization(t, mean, var, None, None, 1e-9), [x])
    np.testing.assert_allclose(tiny, (x - mean) / np.sqrt(var + 1e-9), rtol=1e-13)


def test_batch_normalization_gradients():
    x = sample((3, 4), np.float64)
    mean, var = sample(4, np.float64, seed=2), np.abs(sample(4, np.float64, seed=3)) + 0.1
    scale, offset = params(4, np.float64)
    check_gradients(
        lambda *t: sc.nn.batch_normalization(t[0], t[1], t[2], t[3], t[4], 1e-3),
        [x, mean, var, offset, scale],
        rtol=1e-5,
    )


def test_batch_normalization_errors():
    x = sc.placeholder(sc.float32, [2, 3])
    with pytest.raises(ValueError, match="broadcast"):
        sc.nn.batch_normalization(x, np.zeros(4, np.float32), np.ones(4, np.float32), None, None, 1e-3)
    with pytest.raises(TypeError):
        sc.nn.batch_normalization(x, sc.constant(np.zeros(3)), np.ones(3, np.float32), None, None, 1e-3)


def test_warnings_are_not_raised_on_the_default_path():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = sc.placeholder(sc.float32, [2, 2, 2, 3])
        sc.nn.fused_batch_norm(x, np.ones(3, np.float32), np.zeros(3, np.float32))
        sc.nn.moments(x, [0, 1, 2])
