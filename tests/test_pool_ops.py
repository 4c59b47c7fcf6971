"""tf.nn.max_pool / tf.nn.avg_pool (MaxPool, AvgPool) with their MaxPoolGrad
and AvgPoolGrad kernels.

Forward values and gradients against naive numpy loops written here (SAME and
VALID, windows 1..3, strides 1..3, odd and even sizes so that SAME's
bottom/right padding is exercised, channel counts around the vector block,
batch 1 and > 1, float32 and float64): padding cells never win the max and
are not counted by the mean; the max gradient goes to the first maximal
cell. Finite differences, second derivatives of avg_pool, unknown batch
dimensions and every error path.
"""

import numpy as np
import pytest

import slimcore as sc
from gradcheck import check_gradients, run_op


def out_and_pad(n, k, s, padding):
    if padding == "SAME":
        out = -(-n // s)
        return out, max((out - 1) * s + k - n, 0) // 2
    return (n - k) // s + 1, 0


def real_windows(shape, ksize, strides, padding):
    """Yields (oh, ow, cells): the real input cells (ih, iw) of each window, row-major."""
    _, h, w, _ = shape
    oh_n, pt = out_and_pad(h, ksize[0], strides[0], padding)
    ow_n, pl = out_and_pad(w, ksize[1], strides[1], padding)
    for oh in range(oh_n):
        for ow in range(ow_n):
            cells = [
                (oh * strides[0] - pt + i, ow * strides[1] - pl + j) for i in range(ksize[0]) for j in range(ksize[1])
            ]
            yield oh, ow, [(ih, iw) for ih, iw in cells if 0 <= ih < h and 0 <= iw < w]


def pooled_shape(shape, ksize, strides, padding):
    return (
        shape[0],
        out_and_pad(shape[1], ksize[0], strides[0], padding)[0],
        out_and_pad(shape[2], ksize[1], strides[1], padding)[0],
        shape[3],
    )


def ref_pool(x, ksize, strides, padding, kind):
    y = np.zeros(pooled_shape(x.shape, ksize, strides, padding), np.float64)
    for oh, ow, cells in real_windows(x.shape, ksize, strides, padding):
        values = np.stack([x[:, ih, iw, :].astype(np.float64) for ih, iw in cells])
        y[:, oh, ow, :] = values.max(axis=0) if kind == "max" else values.mean(axis=0)
    return y


def ref_pool_grad(x, dy, ksize, strides, padding, kind):
    dx = np.zeros(x.shape, np.float64)
    for oh, ow, cells in real_windows(x.shape, ksize, strides, padding):
        if kind == "avg":
            for ih, iw in cells:
                dx[:, ih, iw, :] += dy[:, oh, ow, :] / len(cells)
            continue
        values = np.stack([x[:, ih, iw, :] for ih, iw in cells])
        first = values.argmax(axis=0)  # numpy's argmax returns the first maximum
        for n in range(x.shape[0]):
            for c in range(x.shape[3]):
                ih, iw = cells[first[n, c]]
                dx[n, ih, iw, c] += dy[n, oh, ow, c]
    return dx


def sample(shape, dtype, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def pool_fn(kind):
    return sc.nn.max_pool if kind == "max" else sc.nn.avg_pool


def run_pool_with_grad(kind, x, dy, ksize, strides, padding):
    tx = sc.placeholder(sc.as_dtype(x.dtype), x.shape)
    y = pool_fn(kind)(tx, [1, *ksize, 1], [1, *strides, 1], padding)
    tdy = sc.placeholder(sc.as_dtype(dy.dtype), dy.shape)
    (gx,) = sc.gradients(y, [tx], grad_ys=tdy)
    assert gx.op.type == ("MaxPoolGrad" if kind == "max" else "AvgPoolGrad")
    with sc.Session() as sess:
        return sess.run([y, gx], {tx: x, tdy: dy})


# (N, H, W, C, ksize, strides, padding)
POOL_CASES = [
    (2, 8, 8, 3, (3, 3), (2, 2), "SAME"),  # pad 0 top / 1 bottom
    (2, 7, 7, 3, (3, 3), (2, 2), "SAME"),  # pad 1 / 1
    (1, 8, 9, 2, (2, 2), (2, 2), "SAME"),
    (1, 8, 9, 2, (2, 2), (2, 2), "VALID"),
    (3, 9, 10, 5, (3, 2), (3, 3), "SAME"),
    (2, 10, 11, 4, (3, 3), (2, 3), "VALID"),
    (2, 6, 5, 1, (1, 1), (1, 1), "SAME"),
    (2, 6, 7, 3, (1, 1), (2, 2), "VALID"),
    (1, 5, 5, 2, (5, 5), (1, 1), "SAME"),  # every window clipped
    (1, 5, 6, 2, (5, 6), (1, 1), "VALID"),  # one window = the whole input
    (2, 4, 4, 2, (2, 2), (3, 3), "SAME"),  # stride larger than the window
    (1, 6, 6, 70, (3, 3), (2, 2), "SAME"),  # a full channel block and a partial one
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("case", POOL_CASES)
def test_pool_forward_and_grad_match_loops(case, kind, dtype):
    n, h, w, c, ksize, strides, padding = case
    x = sample((n, h, w, c), dtype)
    dy = sample(pooled_shape(x.shape, ksize, strides, padding), dtype, seed=1)
    y, gx = run_pool_with_grad(kind, x, dy, ksize, strides, padding)
    assert y.dtype == dtype and gx.dtype == dtype
    t = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(y, ref_pool(x, ksize, strides, padding, kind), **t)
    np.testing.assert_allclose(gx, ref_pool_grad(x, dy, ksize, strides, padding, kind), **t)


def test_same_padding_goes_bottom_right():
    """n=8, k=3, s=2: windows over rows {0,1,2}, {2,3,4}, {4,5,6}, {6,7}."""
    x = np.arange(8, dtype=np.float64).reshape(1, 8, 1, 1)
    mx = run_op(lambda a: sc.nn.max_pool(a, [1, 3, 1, 1], [1, 2, 1, 1], "SAME"), [x])
    av = run_op(lambda a: sc.nn.avg_pool(a, [1, 3, 1, 1], [1, 2, 1, 1], "SAME"), [x])
    np.testing.assert_array_equal(mx.ravel(), [2, 4, 6, 7])
    np.testing.assert_array_equal(av.ravel(), [1, 3, 5, 6.5])  # the last window has 2 real cells
    x7 = np.arange(7, dtype=np.float64).reshape(1, 7, 1, 1)
    av7 = run_op(lambda a: sc.nn.avg_pool(a, [1, 3, 1, 1], [1, 2, 1, 1], "SAME"), [x7])
    np.testing.assert_array_equal(av7.ravel(), [0.5, 2, 4, 5.5])  # windows {0,1}, {1,2,3}, {3,4,5}, {5,6}


def test_avg_pool_same_excludes_padding_from_the_divisor():
    """Ones stay ones: a corner window of a 3x3 SAME pool averages 4 real cells, not 9."""
    x = np.ones((1, 4, 5, 2), np.float32)
    y = run_op(lambda a: sc.nn.avg_pool(a, [1, 3, 3, 1], [1, 1, 1, 1], "SAME"), [x])
    np.testing.assert_array_equal(y, np.ones_like(x))


def test_max_pool_padding_never_wins():
    x = -np.ones((1, 3, 3, 1), np.float32) - np.arange(9, dtype=np.float32).reshape(1, 3, 3, 1)
    y = run_op(lambda a: sc.nn.max_pool(a, 3, 1, "SAME"), [x])
    assert (y < 0).all()
    assert y[0, 0, 0, 0] == -1 and y[0, 2, 2, 0] == -5
    inf = np.full((1, 2, 2, 1), -np.inf, np.float32)
    np.testing.assert_array_equal(run_op(lambda a: sc.nn.max_pool(a, 3, 1, "SAME"), [inf]), inf)


def test_max_pool_grad_ties_go_to_the_first_cell():
    """All-equal windows: each window's gradient lands on its first (top-left) cell;
    overlapping windows add up."""
    x = np.zeros((1, 4, 4, 1), np.float64)
    dy = np.arange(1, 5, dtype=np.float64).reshape(1, 2, 2, 1)
    _, gx = run_pool_with_grad("max", x, dy, (2, 2), (2, 2), "VALID")
    expected = np.zeros((4, 4))
    expected[0, 0], expected[0, 2], expected[2, 0], expected[2, 2] = 1, 2, 3, 4
    np.testing.assert_array_equal(gx[0, :, :, 0], expected)
    # 3x3 windows, stride 1, SAME on a 3x3 input: windows start at (-1, -1), ...
    # The first real cell of windows (0,0),(0,1),(1,0),(1,1) is (0,0); of (0,2),(1,2): (0,1); ...
    x = np.zeros((1, 3, 3, 1))
    dy = np.ones((1, 3, 3, 1))
    _, gx = run_pool_with_grad("max", x, dy, (3, 3), (1, 1), "SAME")
    np.testing.assert_array_equal(gx[0, :, :, 0], [[4, 2, 0], [2, 1, 0], [0, 0, 0]])


def test_max_pool_grad_with_partial_ties():
    """Channels tie independently: the second channel's max is unique."""
    x = np.zeros((1, 2, 2, 2))
    x[0, 1, 1, 1] = 5.0
    _, gx = run_pool_with_grad("max", x, np.ones((1, 1, 1, 2)), (2, 2), (2, 2), "VALID")
    np.testing.assert_array_equal(gx[0, :, :, 0], [[1, 0], [0, 0]])
    np.testing.assert_array_equal(gx[0, :, :, 1], [[0, 0], [0, 1]])


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(1, 33, 31, 96), (4, 17, 18, 20), (3, 24, 24, 1)])
@pytest.mark.parametrize(
    "window",
    [
        ((3, 3), (2, 2), "SAME"),  # overlapping windows: dx zeroed, then added
        ((2, 2), (3, 3), "VALID"),
    ],
)  # disjoint: written once, gaps zeroed
def test_pool_large_multithreaded(shape, window, kind, dtype):
    """Batch 1 splits the channels over threads; larger batches split images."""
    ksize, strides, padding = window
    x = sample(shape, dtype)
    dy = sample(pooled_shape(shape, ksize, strides, padding), dtype, seed=1)
    expected_y = ref_pool(x, ksize, strides, padding, kind)
    expected_g = ref_pool_grad(x, dy, ksize, strides, padding, kind)
    t = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)
    before = sc.get_num_threads()
    for threads in (1, 2, 3):
        sc.set_num_threads(threads)
        try:
            y, gx = run_pool_with_grad(kind, x, dy, ksize, strides, padding)
        finally:
            sc.set_num_threads(before)
        np.testing.assert_allclose(y, expected_y, **t)
        np.testing.assert_allclose(gx, expected_g, **t)


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize(
    "ksize,strides,padding",
    [((2, 2), (2, 2), "VALID"), ((3, 3), (2, 2), "SAME"), ((3, 2), (1, 2), "SAME"), ((2, 3), (3, 1), "VALID")],
)
def test_pool_gradients_finite_differences(kind, ksize, strides, padding):
    # Distinct values far apart (> 2 * eps): no window's max changes under the perturbation.
    x = np.random.default_rng(0).permutation(2 * 7 * 6 * 2).astype(np.float64).reshape(2, 7, 6, 2) * 0.01
    check_gradients(lambda a: pool_fn(kind)(a, ksize, strides, padding), [x])


def test_avg_pool_second_derivatives():
    def grad(x):
        y = sc.nn.avg_pool(x, [1, 3, 3, 1], [1, 2, 2, 1], "SAME")
        return sc.gradients(sc.reduce_sum(y * y), [x])[0]

    check_gradients(grad, [sample((1, 5, 6, 2), np.float64)], rtol=1e-5, atol=1e-7)


def test_max_pool_grad_is_not_differentiable():
    x = sc.placeholder(sc.float64, [1, 4, 4, 1])
    y = sc.nn.max_pool(x, 2, 2, "VALID")
    (g,) = sc.gradients(sc.reduce_sum(y * y), [x])
    with pytest.raises(Exception, match="MaxPoolGrad"):
        sc.gradients(sc.reduce_sum(g), [x])


@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pool_unknown_batch_and_spatial_dims(kind):
    x = sc.placeholder(sc.float32, [None, 9, None, 4])
    y = pool_fn(kind)(x, [1, 3, 3, 1], [1, 2, 2, 1], "SAME")
    assert y.shape.as_list() == [None, 5, None, 4]
    v = pool_fn(kind)(sc.placeholder(sc.float32, [None, 9, 8, 4]), [1, 3, 2, 1], [1, 2, 2, 1], "VALID")
    assert v.shape.as_list() == [None, 4, 4, 4]
    (gx,) = sc.gradients(sc.reduce_sum(y), [x])
    assert gx.shape.as_list() == [None, 9, None, 4]
    with sc.Session() as sess:
        for batch, width in ((2, 8), (1, 5)):
            data = sample((batch, 9, width, 4), np.float32)
            out, g = sess.run([y, gx], {x: data})
            assert out.shape == (batch, 5, (width + 1) // 2, 4) and g.shape == data.shape
            np.testing.assert_allclose(out, ref_pool(data, (3, 3), (2, 2), "SAME", kind), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pool_keywords_and_forms(kind):
    x = sample((2, 6, 6, 3), np.float32)
    expected = ref_pool(x, (2, 2), (2, 2), "VALID", kind)
    fn = pool_fn(kind)
    for ksize, strides in ((2, 2), ([2], [2]), ([2, 2], [2, 2]), ([1, 2, 2, 1], (1, 2, 2, 1))):
        np.testing.assert_allclose(
            run_op(lambda a, k=ksize, s=strides: fn(a, k, s, "VALID"), [x]), expected, rtol=1e-5, atol=1e-6
        )
    np.testing.assert_allclose(
        run_op(lambda a: fn(input=a, ksize=2, strides=2, padding="VALID"), [x]), expected, rtol=1e-5, atol=1e-6
    )
    tx = sc.placeholder(sc.float32, [2, 6, 6, 3])
    assert fn(tx, 2, 2, "VALID").op.type == ("MaxPool" if kind == "max" else "AvgPool")
    assert fn(tx, 2, 2, "VALID", name="pool1").op.name == "pool1"


# ---- errors ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pool_errors(kind):
    fn = pool_fn(kind)
    op = "MaxPool" if kind == "max" else "AvgPool"
    x = sc.placeholder(sc.float32, [1, 6, 6, 2])
    with pytest.raises(ValueError, match=op + r".*value must have rank 4.*NHWC.*\[6, 6, 2\]"):
        fn(sc.placeholder(sc.float32, [6, 6, 2]), 2, 2, "VALID")
    with pytest.raises(ValueError, match="ksize must be positive"):
        fn(x, [1, 0, 2, 1], 2, "VALID")
    with pytest.raises(ValueError, match="strides must be positive"):
        fn(x, 2, [1, 2, -1, 1], "VALID")
    with pytest.raises(ValueError, match=r"ksize=\[2, 2, 2, 1\] must be 1 on the batch and channel"):
        fn(x, [2, 2, 2, 1], 2, "VALID")
    with pytest.raises(ValueError, match=r"strides=\[1, 2, 2, 2\] must be 1 on the batch and channel"):
        fn(x, 2, [1, 2, 2, 2], "VALID")
    with pytest.raises(ValueError, match="1, 2 or 4 entries"):
        fn(x, [2, 2, 2], 2, "VALID")
    with pytest.raises(TypeError, match="ksize"):
        fn(x, 2.0, 2, "VALID")
    with pytest.raises(ValueError, match="padding must be 'SAME' or 'VALID'"):
        fn(x, 2, 2, "FULL")
    with pytest.raises(ValueError, match=r"window \(7, spanning 7\) is larger than the input height 6.*VALID"):
        fn(x, [7, 1], 1, "VALID")
    with pytest.raises(TypeError, match="value must be float32 or float64, got int32"):
        fn(sc.placeholder(sc.int32, [1, 6, 6, 2]), 2, 2, "VALID")
    with pytest.raises(ValueError, match="data_format"):
        fn(x, 2, 2, "VALID", data_format="NCHW")
    with pytest.raises(ValueError, match="not both"):
        fn(x, 2, 2, "VALID", input=x)
    with pytest.raises(ValueError, match="required"):
        fn(x, 2)


def test_pool_window_larger_than_input_at_run_time():
    x = sc.placeholder(sc.float32, [None, None, None, 1])
    y = sc.nn.max_pool(x, 3, 1, "VALID")
    with sc.Session() as sess:
        with pytest.raises(ValueError, match="larger than the input width 2"):
            sess.run(y, {x: np.ones((1, 4, 2, 1), np.float32)})


def test_pool_grad_ops_check_shapes():
    from slimcore.framework.ops import _op1

    x = sc.placeholder(sc.float32, [2, 8, 8, 3])
    attrs = {"ksize": [2, 2], "strides": [2, 2], "padding": "VALID"}
    good = sc.placeholder(sc.float32, [2, 4, 4, 3])
    bad = sc.placeholder(sc.float32, [2, 8, 8, 3])
    with pytest.raises(
        ValueError,
        match=r"grad of shape \[2, 8, 8, 3\] does not match the pooled output "
        r"shape \[2, 4, 4, 3\]",
    ):
        _op1("AvgPoolGrad", [x, bad], attrs)
    with pytest.raises(ValueError, match=r"orig_output of shape \[2, 8, 8, 3\]"):
        _op1("MaxPoolGrad", [x, bad, good], attrs)
    with pytest.raises(TypeError, match="grad must have the dtype"):
        _op1("MaxPoolGrad", [x, good, sc.placeholder(sc.float64, [2, 4, 4, 3])], attrs)
    assert _op1("MaxPoolGrad", [x, good, good], attrs).shape.as_list() == [2, 8, 8, 3]
    with pytest.raises(ValueError, match="missing attribute 'ksize'"):
        _op1("MaxPool", [x], {"strides": [2, 2], "padding": "VALID"})
