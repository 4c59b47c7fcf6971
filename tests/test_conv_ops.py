"""tf.nn.conv2d / atrous_conv2d (Conv2D with Conv2DBackpropInput and
Conv2DBackpropFilter) and tf.nn.depthwise_conv2d(_native) / separable_conv2d
(DepthwiseConv2dNative with its two backward ops).

Forward values and both gradients against naive numpy loops written here
(SAME and VALID, strides 1/2/3, dilations 1/2, odd and even sizes so that
SAME's bottom/right padding is exercised, depth multipliers 1/2/3, 1x1
convolutions, batch 1 and > 1, float32 and float64, sizes that take the
multi-threaded and multi-chunk paths), gradients against finite differences,
second derivatives, unknown dimensions at build time, steady-state runs that
allocate nothing, and every error path.
"""

import numpy as np
import pytest

import slimcore as sc
from gradcheck import check_gradients, run_op


# ---- references (independent of slimcore) --------------------------------------------------
def out_and_pad(n, k, s, d, padding):
    """TF's rule: SAME out = ceil(n/s), pad_before = floor(pad_total/2); VALID no padding."""
    span = (k - 1) * d + 1
    if padding == "SAME":
        out = -(-n // s)
        return out, max((out - 1) * s + span - n, 0) // 2
    return (n - span) // s + 1, 0


def windows(x_shape, kh, kw, strides, padding, dilations=(1, 1)):
    """Yields (oh, ow, i, j, ih, iw) for every window tap that reads a real input cell."""
    _, h, w, _ = x_shape
    oh_n, pt = out_and_pad(h, kh, strides[0], dilations[0], padding)
    ow_n, pl = out_and_pad(w, kw, strides[1], dilations[1], padding)
    for oh in range(oh_n):
        for ow in range(ow_n):
            for i in range(kh):
                ih = oh * strides[0] - pt + i * dilations[0]
                for j in range(kw):
                    iw = ow * strides[1] - pl + j * dilations[1]
                    if 0 <= ih < h and 0 <= iw < w:
                        yield oh, ow, i, j, ih, iw


def out_shape(x_shape, kh, kw, strides, padding, dilations, channels):
    oh, _ = out_and_pad(x_shape[1], kh, strides[0], dilations[0], padding)
    ow, _ = out_and_pad(x_shape[2], kw, strides[1], dilations[1], padding)
    return (x_shape[0], oh, ow, channels)


def ref_conv2d(x, f, strides, padding, dilations=(1, 1)):
    x, f = x.astype(np.float64), f.astype(np.float64)
    y = np.zeros(out_shape(x.shape, f.shape[0], f.shape[1], strides, padding, dilations, f.shape[3]))
    for oh, ow, i, j, ih, iw in windows(x.shape, f.shape[0], f.shape[1], strides, padding, dilations):
        y[:, oh, ow, :] += x[:, ih, iw, :] @ f[i, j]
    return y


def ref_conv2d_grads(x, f, dy, strides, padding, dilations=(1, 1)):
    x, f, dy = (a.astype(np.float64) for a in (x, f, dy))
    dx, df = np.zeros_like(x), np.zeros_like(f)
    for oh, ow, i, j, ih, iw in windows(x.shape, f.shape[0], f.shape[1], strides, padding, dilations):
        dx[:, ih, iw, :] += dy[:, oh, ow, :] @ f[i, j].T
        df[i, j] += x[:, ih, iw, :].T @ dy[:, oh, ow, :]
    return dx, df


def ref_depthwise(x, f, strides, padding, dilations=(1, 1)):
    """y[..., c*M + m] = sum_{i,j} x[..., c] * f[i, j, c, m]."""
    x, f = x.astype(np.float64), f.astype(np.float64)
    _n, _, _, c = x.shape
    m = f.shape[3]
    y = np.zeros(out_shape(x.shape, f.shape[0], f.shape[1], strides, padding, dilations, c * m))
    for oh, ow, i, j, ih, iw in windows(x.shape, f.shape[0], f.shape[1], strides, padding, dilations):
        for ci in range(c):
            for mi in range(m):
                y[:, oh, ow, ci * m + mi] += x[:, ih, iw, ci] * f[i, j, ci, mi]
    return y


def ref_depthwise_grads(x, f, dy, strides, padding, dilations=(1, 1)):
    x, f, dy = (a.astype(np.float64) for a in (x, f, dy))
    c, m = f.shape[2], f.shape[3]
    dx, df = np.zeros_like(x), np.zeros_like(f)
    for oh, ow, i, j, ih, iw in windows(x.shape, f.shape[0], f.shape[1], strides, padding, dilations):
        g = dy[:, oh, ow, :].reshape(-1, c, m)
        dx[:, ih, iw, :] += (g * f[i, j][None]).sum(axis=2)
        df[i, j] += (g * x[:, ih, iw, :, None]).sum(axis=0)
    return dx, df


def sample(shape, dtype, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def tol(dtype):
    return dict(rtol=1e-4, atol=1e-4) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-10)


def run_with_grads(build, x, f, dy):
    """y = build(x, f) and its gradients for x and f under the cotangent dy."""
    tx = sc.placeholder(sc.as_dtype(x.dtype), x.shape)
    tf_ = sc.placeholder(sc.as_dtype(f.dtype), f.shape)
    y = build(tx, tf_)
    tdy = sc.placeholder(sc.as_dtype(dy.dtype), dy.shape)
    gx, gf = sc.gradients(y, [tx, tf_], grad_ys=tdy)
    with sc.Session() as sess:
        return sess.run([y, gx, gf], {tx: x, tf_: f, tdy: dy})


# (N, H, W, Cin, kh, kw, Cout, strides, padding, dilations)
CONV_CASES = [
    (2, 8, 8, 3, 3, 3, 4, (2, 2), "SAME", (1, 1)),  # pad 0 top / 1 bottom
    (2, 7, 7, 3, 3, 3, 4, (2, 2), "SAME", (1, 1)),  # pad 1 / 1
    (1, 8, 7, 2, 3, 3, 5, (1, 1), "SAME", (1, 1)),
    (3, 9, 10, 2, 3, 2, 3, (3, 3), "SAME", (1, 1)),
    (2, 9, 9, 3, 3, 3, 2, (1, 1), "VALID", (1, 1)),
    (2, 10, 11, 2, 3, 3, 3, (2, 3), "VALID", (1, 1)),
    (1, 9, 9, 2, 3, 3, 2, (1, 1), "SAME", (2, 2)),  # dilated: window spans 5
    (2, 10, 9, 2, 3, 2, 3, (2, 1), "VALID", (2, 2)),
    (2, 6, 6, 2, 2, 2, 3, (2, 2), "SAME", (2, 1)),
    (2, 5, 6, 4, 1, 1, 3, (1, 1), "SAME", (1, 1)),  # 1x1, stride 1: plain GEMM
    (2, 5, 6, 4, 1, 1, 3, (1, 1), "VALID", (1, 1)),
    (2, 7, 6, 3, 1, 1, 2, (2, 2), "SAME", (1, 1)),  # 1x1, strided: im2col
    (1, 4, 4, 2, 4, 4, 3, (1, 1), "VALID", (1, 1)),  # kernel = whole input
    (2, 5, 5, 1, 5, 5, 2, (1, 1), "SAME", (1, 1)),  # Cin 1, 5x5 as in LeNet
    (1, 3, 3, 2, 5, 5, 2, (2, 2), "SAME", (1, 1)),  # kernel larger than a SAME input
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", CONV_CASES)
def test_conv2d_forward_and_grads_match_loops(case, dtype):
    n, h, w, cin, kh, kw, cout, strides, padding, dilations = case
    x = sample((n, h, w, cin), dtype)
    f = sample((kh, kw, cin, cout), dtype, seed=1)
    dy = sample(out_shape(x.shape, kh, kw, strides, padding, dilations, cout), dtype, seed=2)
    y, gx, gf = run_with_grads(
        lambda a, b: sc.nn.conv2d(a, b, [1, *strides, 1], padding, dilations=[1, *dilations, 1]), x, f, dy
    )
    assert y.dtype == dtype and gx.dtype == dtype and gf.dtype == dtype
    np.testing.assert_allclose(y, ref_conv2d(x, f, strides, padding, dilations), **tol(dtype))
    rdx, rdf = ref_conv2d_grads(x, f, dy, strides, padding, dilations)
    np.testing.assert_allclose(gx, rdx, **tol(dtype))
    np.testing.assert_allclose(gf, rdf, **tol(dtype))


def test_conv2d_same_padding_goes_bottom_right():
    """n=8, k=3, s=2: windows start at rows 0, 2, 4, 6 (0 padding above, 1 below);
    n=7: rows -1, 1, 3, 5 (1 above, 1 below)."""
    ones = np.ones((3, 1, 1, 1), np.float32)
    x8 = np.arange(8, dtype=np.float32).reshape(1, 8, 1, 1)
    y8 = run_op(lambda a: sc.nn.conv2d(a, ones, [1, 2, 1, 1], "SAME"), [x8])
    np.testing.assert_array_equal(y8.ravel(), [0 + 1 + 2, 2 + 3 + 4, 4 + 5 + 6, 6 + 7])
    x7 = np.arange(7, dtype=np.float32).reshape(1, 7, 1, 1)
    y7 = run_op(lambda a: sc.nn.conv2d(a, ones, [1, 2, 1, 1], "SAME"), [x7])
    np.testing.assert_array_equal(y7.ravel(), [0 + 1, 1 + 2 + 3, 3 + 4 + 5, 5 + 6])


def test_conv2d_is_cross_correlation():
    """No kernel flip: a filter [1, 2, 3] over [1, 0, 0, 0] (VALID) gives [1, 0]."""
    x = np.array([1, 0, 0, 0], np.float64).reshape(1, 1, 4, 1)
    f = np.array([1, 2, 3], np.float64).reshape(1, 3, 1, 1)
    np.testing.assert_array_equal(run_op(lambda a: sc.nn.conv2d(a, f, 1, "VALID"), [x]).ravel(), [1, 0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "case",
    [
        (5, 17, 15, 32, 3, 3, 24, (1, 1), "SAME", (1, 1)),  # several im2col chunks per thread
        (1, 30, 30, 16, 3, 3, 8, (2, 2), "SAME", (1, 1)),  # batch 1: threads split one image's rows
        (3, 16, 16, 40, 1, 1, 36, (1, 1), "SAME", (1, 1)),  # large 1x1
        (2, 21, 19, 8, 5, 5, 16, (1, 1), "SAME", (2, 2)),
        (1, 40, 37, 16, 5, 5, 4, (1, 1), "SAME", (1, 1)),  # input gradient in several row chunks
    ],
)
def test_conv2d_large_multithreaded(case, dtype):
    n, h, w, cin, kh, kw, cout, strides, padding, dilations = case
    x = sample((n, h, w, cin), dtype)
    f = sample((kh, kw, cin, cout), dtype, seed=1)
    dy = sample(out_shape(x.shape, kh, kw, strides, padding, dilations, cout), dtype, seed=2)

    def build(a, b):
        return sc.nn.conv2d(a, b, strides, padding, dilations=dilations)

    results = {}
    for threads in (1, 2, 3):
        sc.set_num_threads(threads)
        try:
            results[threads] = run_with_grads(build, x, f, dy)
        finally:
            sc.set_num_threads(__import__("os").cpu_count() or 1)
    y, gx, gf = results[2]
    t = dict(rtol=2e-4, atol=2e-4) if dtype == np.float32 else tol(dtype)
    np.testing.assert_allclose(y, ref_conv2d(x, f, strides, padding, dilations), **t)
    rdx, rdf = ref_conv2d_grads(x, f, dy, strides, padding, dilations)
    np.testing.assert_allclose(gx, rdx, **t)
    np.testing.assert_allclose(gf, rdf, **t)
    for threads in (1, 3):
        for a, b in zip(results[threads], results[2]):
            np.testing.assert_allclose(a, b, **t)


@pytest.mark.parametrize(
    "case",
    [
        ((1, 5, 5, 2), (3, 3, 2, 3), (2, 2), "SAME", (1, 1)),
        ((2, 4, 5, 2), (3, 2, 2, 2), (1, 1), "SAME", (1, 1)),
        ((1, 6, 6, 2), (3, 3, 2, 2), (1, 2), "VALID", (1, 1)),
        ((1, 6, 7, 1), (2, 2, 1, 2), (1, 1), "SAME", (2, 2)),
        ((2, 3, 4, 3), (1, 1, 3, 2), (1, 1), "VALID", (1, 1)),
    ],
)
def test_conv2d_gradients_finite_differences(case):
    xs, fs, strides, padding, dilations = case
    check_gradients(
        lambda a, b: sc.nn.conv2d(a, b, strides, padding, dilations=dilations),
        [sample(xs, np.float64), sample(fs, np.float64, seed=1)],
    )


def test_conv2d_second_derivatives():
    """The backward ops are differentiable: d/dx and d/df of a gradient."""

    def grad_x(x, f):
        y = sc.nn.conv2d(x, f, [1, 2, 2, 1], "SAME")
        return sc.gradients(sc.reduce_sum(y * y), [x])[0]

    def grad_f(x, f):
        y = sc.nn.conv2d(x, f, [1, 1, 1, 1], "VALID")
        return sc.gradients(sc.reduce_sum(y * y), [f])[0]

    inputs = [sample((1, 4, 5, 2), np.float64), sample((3, 3, 2, 2), np.float64, seed=1)]
    check_gradients(grad_x, inputs, rtol=1e-5, atol=1e-7)
    check_gradients(grad_f, inputs, rtol=1e-5, atol=1e-7)


def test_conv2d_backward_op_types():
    x = sc.placeholder(sc.float32, [None, 8, 8, 3])
    f = sc.Variable(np.zeros((3, 3, 3, 4), np.float32))
    gx, gf = sc.gradients(sc.nn.conv2d(x, f, [1, 1, 1, 1], "SAME"), [x, f])
    assert gx.op.type == "Conv2DBackpropInput" and gf.op.type == "Conv2DBackpropFilter"
    assert gx.shape.as_list() == [None, 8, 8, 3] and gf.shape.as_list() == [3, 3, 3, 4]


def test_conv2d_unknown_batch_static_shape_and_runs():
    x = sc.placeholder(sc.float32, [None, 8, 7, 3])
    f = sc.constant(sample((3, 3, 3, 5), np.float32))
    y_same = sc.nn.conv2d(x, f, [1, 2, 2, 1], "SAME")
    y_valid = sc.nn.conv2d(x, f, [1, 1, 2, 1], "VALID")
    assert y_same.shape.as_list() == [None, 4, 4, 5]
    assert y_valid.shape.as_list() == [None, 6, 3, 5]
    (gx,) = sc.gradients(sc.reduce_sum(y_same), [x])
    with sc.Session() as sess:
        for batch in (2, 5, 1):  # shapes change between runs of one plan
            data = sample((batch, 8, 7, 3), np.float32, seed=batch)
            ys, yv, g = sess.run([y_same, y_valid, gx], {x: data})
            assert ys.shape == (batch, 4, 4, 5) and yv.shape == (batch, 6, 3, 5) and g.shape == data.shape
            np.testing.assert_allclose(ys, ref_conv2d(data, sess.run(f), (2, 2), "SAME"), rtol=1e-4, atol=1e-4)


def test_conv2d_unknown_spatial_dims():
    x = sc.placeholder(sc.float64, [None, None, 6, 2])
    y = sc.nn.conv2d(x, np.ones((3, 3, 2, 4)), [1, 2, 2, 1], "SAME")
    assert y.shape.as_list() == [None, None, 3, 4]
    with sc.Session() as sess:
        assert sess.run(y, {x: np.ones((1, 5, 6, 2))}).shape == (1, 3, 3, 4)


def test_conv2d_empty_batch():
    x = sc.placeholder(sc.float32, [None, 4, 4, 2])
    f = sc.constant(np.ones((3, 3, 2, 3), np.float32))
    y = sc.nn.conv2d(x, f, 1, "SAME")
    (gf,) = sc.gradients(sc.reduce_sum(y), [f])
    with sc.Session() as sess:
        out, g = sess.run([y, gf], {x: np.zeros((0, 4, 4, 2), np.float32)})
    assert out.shape == (0, 4, 4, 3)
    np.testing.assert_array_equal(g, np.zeros((3, 3, 2, 3)))


def test_steady_state_training_allocates_nothing():
    """Scratch (padded copies, patch gradients, per-thread partials) is reused:
    after the first step, conv / depthwise / pool steps allocate no tensors."""
    from slimcore import _core

    x = sc.placeholder(sc.float32, [None, 12, 12, 4])
    f1 = sc.Variable(sample((3, 3, 4, 8), np.float32) * 0.1)
    dw = sc.Variable(sample((3, 3, 8, 2), np.float32) * 0.1)
    f2 = sc.Variable(sample((1, 1, 16, 6), np.float32) * 0.1)
    h = sc.nn.relu(sc.nn.conv2d(x, f1, [1, 2, 2, 1], "SAME"))
    h = sc.nn.max_pool(sc.nn.depthwise_conv2d(h, dw, [1, 1, 1, 1], "SAME"), 2, 1, "SAME")
    y = sc.nn.avg_pool(sc.nn.conv2d(h, f2, 1, "VALID"), 3, 2, "VALID")
    loss = sc.reduce_sum(y * y)
    variables = [f1, dw, f2]
    grads = sc.gradients(loss, variables)
    step = sc.group(*[sc.assign_sub(v, g * 1e-4) for v, g in zip(variables, grads)])
    data = sample((6, 12, 12, 4), np.float32)
    with sc.Session() as sess:
        sess.run(sc.global_variables_initializer())
        sess.run(step, {x: data})
        before = _core.testing.allocation_count()
        for _ in range(5):
            sess.run(step, {x: data})
        assert _core.testing.allocation_count() == before


def test_conv2d_accepts_int_and_pair_strides_and_filters_keyword():
    x = sample((1, 6, 6, 2), np.float32)
    f = sample((3, 3, 2, 2), np.float32, seed=1)
    expected = ref_conv2d(x, f, (2, 2), "SAME")
    for strides in (2, [2], [2, 2], [1, 2, 2, 1], (1, 2, 2, 1), np.array([1, 2, 2, 1])):
        got = run_op(lambda a, strides=strides: sc.nn.conv2d(a, f, strides, "SAME"), [x])
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(
        run_op(lambda a: sc.nn.conv2d(a, filters=f, strides=2, padding="same"), [x]), expected, rtol=1e-5, atol=1e-5
    )


def test_conv2d_list_filter_takes_input_dtype():
    x = sc.placeholder(sc.float32, [1, 3, 3, 1])
    y = sc.nn.conv2d(x, np.ones((1, 1, 1, 1)), 1, "VALID")  # a float64 numpy filter
    assert y.dtype == sc.float32


def test_conv2d_op_name():
    x = sc.placeholder(sc.float32, [1, 3, 3, 1])
    assert sc.nn.conv2d(x, np.ones((1, 1, 1, 1)), 1, "VALID").op.type == "Conv2D"
    assert sc.nn.conv2d(x, np.ones((1, 1, 1, 1)), 1, "VALID", name="c1").op.name == "c1"


# ---- conv2d errors ----------------------------------------------------------------------------
def conv(
    x_shape,
    f_shape,
    strides=(1, 1, 1, 1),
    padding="SAME",
    dilations=(1, 1, 1, 1),
    x_dtype=sc.float32,
    f_dtype=sc.float32,
    **kw,
):
    x = sc.placeholder(x_dtype, x_shape)
    f = sc.placeholder(f_dtype, f_shape)
    return sc.nn.conv2d(x, f, strides, padding, dilations=dilations, **kw)


def test_conv2d_error_input_rank():
    with pytest.raises(ValueError, match=r"Conv2D.*input must have rank 4.*NHWC.*\[8, 8, 3\]"):
        conv([8, 8, 3], [3, 3, 3, 4])


def test_conv2d_error_filter_rank():
    with pytest.raises(ValueError, match=r"filter must have rank 4.*\[3, 3, 4\]"):
        conv([1, 8, 8, 3], [3, 3, 4])


def test_conv2d_error_channel_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"input channels \(3.*\[1, 8, 8, 3\].*in_channels \(4.*\[3, 3, 4, 5\]"):
        conv([1, 8, 8, 3], [3, 3, 4, 5])


def test_conv2d_error_channel_mismatch_at_run_time():
    x = sc.placeholder(sc.float32, [None, 4, 4, None])
    y = sc.nn.conv2d(x, np.ones((3, 3, 2, 1)), 1, "SAME")
    with sc.Session() as sess:
        with pytest.raises(ValueError, match="in_channels"):
            sess.run(y, {x: np.ones((1, 4, 4, 3), np.float32)})


@pytest.mark.parametrize("strides", [[1, 0, 1, 1], [1, -1, 2, 1], 0, [0, 1]])
def test_conv2d_error_non_positive_strides(strides):
    with pytest.raises(ValueError, match="strides must be positive"):
        conv([1, 8, 8, 3], [3, 3, 3, 4], strides=strides)


@pytest.mark.parametrize("dilations", [[1, 0, 1, 1], [1, 1, -2, 1], 0])
def test_conv2d_error_non_positive_dilations(dilations):
    with pytest.raises(ValueError, match="dilations must be positive"):
        conv([1, 8, 8, 3], [3, 3, 3, 4], dilations=dilations)


@pytest.mark.parametrize("arg", ["strides", "dilations"])
def test_conv2d_error_batch_or_channel_stride(arg):
    with pytest.raises(ValueError, match=arg + r".*\[2, 1, 1, 1\].*batch and channel"):
        conv([1, 8, 8, 3], [3, 3, 3, 4], **{arg: [2, 1, 1, 1]})
    with pytest.raises(ValueError, match=arg + r".*1, 2 or 4 entries"):
        conv([1, 8, 8, 3], [3, 3, 3, 4], **{arg: [1, 1, 1]})
    with pytest.raises(TypeError, match=arg):
        conv([1, 8, 8, 3], [3, 3, 3, 4], **{arg: [1, 1.5, 1, 1]})


@pytest.mark.parametrize("padding", ["FULL", "EXPLICIT", "", 3, [[0, 0], [1, 1], [1, 1], [0, 0]]])
def test_conv2d_error_padding(padding):
    with pytest.raises(ValueError, match="padding must be 'SAME' or 'VALID'"):
        conv([1, 8, 8, 3], [3, 3, 3, 4], padding=padding)


def test_conv2d_error_padding_in_cpp():
    """The C++ op checks its attribute too (for C++ callers)."""
    from slimcore.framework.ops import _op1

    x = sc.placeholder(sc.float32, [1, 4, 4, 1])
    with pytest.raises(ValueError, match=r'padding must be "SAME" or "VALID", got "same"'):
        _op1("Conv2D", [x, np.ones((1, 1, 1, 1), np.float32)], {"strides": [1, 1], "padding": "same"})
    with pytest.raises(ValueError, match=r"strides must have 2 entries"):
        _op1("Conv2D", [x, np.ones((1, 1, 1, 1), np.float32)], {"strides": [1, 1, 1, 1], "padding": "SAME"})


def test_conv2d_error_valid_kernel_larger_than_input():
    with pytest.raises(ValueError, match=r"larger than the input height 4 with VALID padding.*\[1, 4, 9, 3\]"):
        conv([1, 4, 9, 3], [5, 3, 3, 4], padding="VALID")
    with pytest.raises(ValueError, match=r"dilated by 3, spanning 7\) is larger than the input width 6"):
        conv([1, 9, 6, 3], [3, 3, 3, 4], padding="VALID", dilations=[1, 1, 3, 1])


def test_conv2d_error_valid_kernel_larger_than_input_at_run_time():
    x = sc.placeholder(sc.float32, [None, None, None, 1])
    y = sc.nn.conv2d(x, np.ones((3, 3, 1, 1)), 1, "VALID")
    with sc.Session() as sess:
        assert sess.run(y, {x: np.ones((1, 3, 3, 1), np.float32)}).shape == (1, 1, 1, 1)
        with pytest.raises(ValueError, match="larger than the input height 2"):
            sess.run(y, {x: np.ones((1, 2, 3, 1), np.float32)})


@pytest.mark.parametrize("dtype", [sc.int32, sc.int64, sc.bool])
def test_conv2d_error_non_float(dtype):
    with pytest.raises(TypeError, match="input must be float32 or float64"):
        conv([1, 4, 4, 1], [1, 1, 1, 1], x_dtype=dtype, f_dtype=dtype)


def test_conv2d_error_filter_dtype():
    with pytest.raises(TypeError, match=r"same dtype.*float32 and float64"):
        conv([1, 4, 4, 1], [1, 1, 1, 1], f_dtype=sc.float64)


@pytest.mark.parametrize("data_format", ["NCHW", "NHCW"])
def test_conv2d_error_nchw(data_format):
    with pytest.raises(ValueError, match="data_format"):
        conv([1, 4, 4, 1], [1, 1, 1, 1], data_format=data_format)


def test_conv2d_error_missing_arguments():
    x = sc.placeholder(sc.float32, [1, 4, 4, 1])
    with pytest.raises(ValueError, match="required"):
        sc.nn.conv2d(x, np.ones((1, 1, 1, 1)))
    with pytest.raises(ValueError, match="not both"):
        sc.nn.conv2d(x, np.ones((1, 1, 1, 1)), 1, "SAME", filters=np.ones((1, 1, 1, 1)))


def test_conv2d_backprop_ops_check_grad_shape():
    from slimcore.framework.ops import _op1

    x = sc.placeholder(sc.float32, [2, 8, 8, 3])
    f = sc.placeholder(sc.float32, [3, 3, 3, 4])
    attrs = {"strides": [2, 2], "padding": "SAME", "dilations": [1, 1]}
    for op in ("Conv2DBackpropInput", "Conv2DBackpropFilter"):
        with pytest.raises(
            ValueError,
            match=r"grad of shape \[2, 8, 8, 4\] does not match the forward "
            r"output shape \[2, 4, 4, 4\]",
        ):
            _op1(op, [x, f, sc.placeholder(sc.float32, [2, 8, 8, 4])], attrs)
        with pytest.raises(TypeError, match="grad must have the dtype"):
            _op1(op, [x, f, sc.placeholder(sc.float64, [2, 4, 4, 4])], attrs)
        assert _op1(op, [x, f, sc.placeholder(sc.float32, [2, 4, 4, 4])], attrs).shape.as_list() == (
            [2, 8, 8, 3] if op.endswith("Input") else [3, 3, 3, 4]
        )


# ---- atrous_conv2d ------------------------------------------------------------------------------
@pytest.mark.parametrize("rate", [1, 2, 3])
@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_atrous_conv2d(rate, padding):
    x = sample((2, 9, 8, 2), np.float64)
    f = sample((3, 3, 2, 3), np.float64, seed=1)
    y = run_op(lambda a: sc.nn.atrous_conv2d(a, f, rate, padding), [x])
    np.testing.assert_allclose(y, ref_conv2d(x, f, (1, 1), padding, (rate, rate)), rtol=1e-12, atol=1e-12)


def test_atrous_conv2d_errors():
    x = sc.placeholder(sc.float32, [1, 5, 5, 1])
    with pytest.raises(ValueError, match="rate must be >= 1"):
        sc.nn.atrous_conv2d(x, np.ones((3, 3, 1, 1)), 0, "SAME")
    with pytest.raises(TypeError, match="rate"):
        sc.nn.atrous_conv2d(x, np.ones((3, 3, 1, 1)), 1.5, "SAME")


# ---- depthwise ------------------------------------------------------------------------------------
# (N, H, W, C, kh, kw, M, strides, padding, dilations)
DEPTHWISE_CASES = [
    (2, 8, 8, 3, 3, 3, 1, (2, 2), "SAME", (1, 1)),
    (2, 7, 7, 3, 3, 3, 2, (2, 2), "SAME", (1, 1)),
    (1, 8, 9, 4, 3, 3, 3, (1, 1), "SAME", (1, 1)),
    (3, 9, 10, 2, 3, 2, 2, (3, 3), "SAME", (1, 1)),
    (2, 9, 9, 3, 3, 3, 1, (1, 1), "VALID", (1, 1)),
    (2, 10, 11, 2, 3, 3, 3, (2, 3), "VALID", (1, 1)),
    (1, 9, 9, 2, 3, 3, 1, (1, 1), "SAME", (2, 2)),
    (2, 10, 9, 2, 3, 2, 2, (2, 1), "VALID", (2, 2)),
    (2, 5, 6, 5, 1, 1, 3, (1, 1), "SAME", (1, 1)),
    (1, 3, 3, 2, 5, 5, 2, (2, 2), "SAME", (1, 1)),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", DEPTHWISE_CASES)
def test_depthwise_forward_and_grads_match_loops(case, dtype):
    n, h, w, c, kh, kw, m, strides, padding, dilations = case
    x = sample((n, h, w, c), dtype)
    f = sample((kh, kw, c, m), dtype, seed=1)
    dy = sample(out_shape(x.shape, kh, kw, strides, padding, dilations, c * m), dtype, seed=2)
    y, gx, gf = run_with_grads(
        lambda a, b: sc.nn.depthwise_conv2d_native(a, b, [1, *strides, 1], padding, dilations=[1, *dilations, 1]),
        x,
        f,
        dy,
    )
    assert y.dtype == dtype
    np.testing.assert_allclose(y, ref_depthwise(x, f, strides, padding, dilations), **tol(dtype))
    rdx, rdf = ref_depthwise_grads(x, f, dy, strides, padding, dilations)
    np.testing.assert_allclose(gx, rdx, **tol(dtype))
    np.testing.assert_allclose(gf, rdf, **tol(dtype))


def test_depthwise_channel_order_is_c_times_m_plus_m():
    """Output channel c*M + m is input channel c filtered by f[:, :, c, m]."""
    x = np.zeros((1, 1, 1, 2), np.float32)
    x[..., 0], x[..., 1] = 1.0, 10.0
    f = np.arange(6, dtype=np.float32).reshape(1, 1, 2, 3)  # f[0, 0, c, m] = 3c + m
    y = run_op(lambda a: sc.nn.depthwise_conv2d(a, f, [1, 1, 1, 1], "VALID"), [x])
    np.testing.assert_array_equal(y.ravel(), [0, 1, 2, 30, 40, 50])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "case",
    [
        (4, 14, 13, 70, 3, 3, 1, (1, 1), "SAME", (1, 1)),  # a full channel block and a partial one
        (1, 24, 24, 48, 3, 3, 1, (2, 2), "SAME", (1, 1)),  # batch 1, threads over rows
        (2, 12, 11, 21, 3, 3, 3, (1, 1), "SAME", (1, 1)),  # C*M = 63
        (3, 13, 13, 40, 5, 5, 2, (2, 2), "VALID", (1, 1)),
    ],
)
def test_depthwise_large_multithreaded(case, dtype):
    n, h, w, c, kh, kw, m, strides, padding, dilations = case
    x = sample((n, h, w, c), dtype)
    f = sample((kh, kw, c, m), dtype, seed=1)
    dy = sample(out_shape(x.shape, kh, kw, strides, padding, dilations, c * m), dtype, seed=2)

    def build(a, b):
        return sc.nn.depthwise_conv2d_native(a, b, strides, padding, dilations=dilations)

    for threads in (1, 2):
        sc.set_num_threads(threads)
        try:
            y, gx, gf = run_with_grads(build, x, f, dy)
        finally:
            sc.set_num_threads(__import__("os").cpu_count() or 1)
        t = dict(rtol=2e-4, atol=2e-4) if dtype == np.float32 else tol(dtype)
        np.testing.assert_allclose(y, ref_depthwise(x, f, strides, padding, dilations), **t)
        rdx, rdf = ref_depthwise_grads(x, f, dy, strides, padding, dilations)
        np.testing.assert_allclose(gx, rdx, **t)
        np.testing.assert_allclose(gf, rdf, **t)


@pytest.mark.parametrize(
    "case",
    [
        ((1, 5, 5, 2), (3, 3, 2, 1), (2, 2), "SAME", (1, 1)),
        ((2, 4, 5, 2), (3, 2, 2, 2), (1, 1), "SAME", (1, 1)),
        ((1, 6, 6, 3), (3, 3, 3, 2), (1, 2), "VALID", (1, 1)),
        ((1, 6, 7, 1), (2, 2, 1, 3), (1, 1), "SAME", (2, 2)),
    ],
)
def test_depthwise_gradients_finite_differences(case):
    xs, fs, strides, padding, dilations = case
    check_gradients(
        lambda a, b: sc.nn.depthwise_conv2d_native(a, b, strides, padding, dilations=dilations),
        [sample(xs, np.float64), sample(fs, np.float64, seed=1)],
    )


def test_depthwise_second_derivatives():
    def grad_x(x, f):
        y = sc.nn.depthwise_conv2d(x, f, [1, 2, 2, 1], "SAME")
        return sc.gradients(sc.reduce_sum(y * y), [x])[0]

    def grad_f(x, f):
        y = sc.nn.depthwise_conv2d(x, f, [1, 1, 1, 1], "VALID")
        return sc.gradients(sc.reduce_sum(y * y), [f])[0]

    inputs = [sample((1, 4, 5, 2), np.float64), sample((3, 3, 2, 2), np.float64, seed=1)]
    check_gradients(grad_x, inputs, rtol=1e-5, atol=1e-7)
    check_gradients(grad_f, inputs, rtol=1e-5, atol=1e-7)


def test_depthwise_backward_op_types_and_unknown_batch():
    x = sc.placeholder(sc.float32, [None, 9, 8, 3])
    f = sc.Variable(np.ones((3, 3, 3, 2), np.float32))
    y = sc.nn.depthwise_conv2d(x, f, [1, 2, 2, 1], "SAME")
    assert y.shape.as_list() == [None, 5, 4, 6]
    assert y.op.type == "DepthwiseConv2dNative"
    gx, gf = sc.gradients(sc.reduce_sum(y), [x, f])
    assert gx.op.type == "DepthwiseConv2dNativeBackpropInput"
    assert gf.op.type == "DepthwiseConv2dNativeBackpropFilter"
    assert gx.shape.as_list() == [None, 9, 8, 3]
    with sc.Session() as sess:
        sess.run(sc.global_variables_initializer())
        for batch in (3, 1):
            assert sess.run(y, {x: np.ones((batch, 9, 8, 3), np.float32)}).shape == (batch, 5, 4, 6)


def test_depthwise_rate_and_dilations():
    x = sample((1, 9, 9, 2), np.float64)
    f = sample((3, 3, 2, 2), np.float64, seed=1)
    expected = ref_depthwise(x, f, (1, 1), "SAME", (2, 2))
    for kw in ({"rate": [2, 2]}, {"rate": 2}, {"dilations": [2, 2]}, {"dilations": [1, 2, 2, 1]}):
        got = run_op(lambda a, kw=kw: sc.nn.depthwise_conv2d(a, f, [1, 1, 1, 1], "SAME", **kw), [x])
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


def dw(x_shape, f_shape, strides=(1, 1, 1, 1), padding="SAME", x_dtype=sc.float32, f_dtype=sc.float32, **kw):
    x = sc.placeholder(x_dtype, x_shape)
    f = sc.placeholder(f_dtype, f_shape)
    return sc.nn.depthwise_conv2d(x, f, strides, padding, **kw)


def test_depthwise_errors():
    with pytest.raises(ValueError, match=r"DepthwiseConv2dNative.*input must have rank 4.*\[8, 8, 3\]"):
        dw([8, 8, 3], [3, 3, 3, 1])
    with pytest.raises(ValueError, match=r"filter must have rank 4.*channel_multiplier.*\[3, 3, 3\]"):
        dw([1, 8, 8, 3], [3, 3, 3])
    with pytest.raises(ValueError, match=r"input channels \(3.*in_channels \(4"):
        dw([1, 8, 8, 3], [3, 3, 4, 1])
    with pytest.raises(ValueError, match="strides must be positive"):
        dw([1, 8, 8, 3], [3, 3, 3, 1], strides=[1, 0, 0, 1])
    with pytest.raises(ValueError, match="dilations must be positive"):
        dw([1, 8, 8, 3], [3, 3, 3, 1], rate=[0, 1])
    with pytest.raises(ValueError, match="batch and channel"):
        dw([1, 8, 8, 3], [3, 3, 3, 1], strides=[1, 1, 1, 2])
    with pytest.raises(ValueError, match="padding must be 'SAME' or 'VALID'"):
        dw([1, 8, 8, 3], [3, 3, 3, 1], padding="CAUSAL")
    with pytest.raises(ValueError, match="larger than the input width 2 with VALID"):
        dw([1, 8, 2, 3], [3, 3, 3, 1], padding="VALID")
    with pytest.raises(TypeError, match="input must be float32 or float64"):
        dw([1, 8, 8, 3], [3, 3, 3, 1], x_dtype=sc.int32, f_dtype=sc.int32)
    with pytest.raises(TypeError, match="same dtype"):
        dw([1, 8, 8, 3], [3, 3, 3, 1], f_dtype=sc.float64)
    with pytest.raises(ValueError, match="data_format"):
        dw([1, 8, 8, 3], [3, 3, 3, 1], data_format="NCHW")
    with pytest.raises(ValueError, match=r"strides.*together with rate.*depthwise_conv2d_native"):
        dw([1, 8, 8, 3], [3, 3, 3, 1], strides=[1, 2, 2, 1], rate=2)
    with pytest.raises(ValueError, match="not both"):
        dw([1, 8, 8, 3], [3, 3, 3, 1], rate=2, dilations=[2, 2])
    with pytest.raises(ValueError, match="data_format"):
        sc.nn.depthwise_conv2d_native(
            sc.placeholder(sc.float32, [1, 4, 4, 1]), np.ones((1, 1, 1, 1)), 1, "SAME", data_format="NCHW"
        )


def test_depthwise_native_allows_strides_with_dilations():
    x = sample((1, 11, 10, 2), np.float64)
    f = sample((3, 3, 2, 2), np.float64, seed=1)
    y = run_op(lambda a: sc.nn.depthwise_conv2d_native(a, f, [1, 2, 2, 1], "SAME", dilations=[1, 2, 2, 1]), [x])
    np.testing.assert_allclose(y, ref_depthwise(x, f, (2, 2), "SAME", (2, 2)), rtol=1e-12, atol=1e-12)


# ---- separable_conv2d -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "strides,padding,rate",
    [((1, 1), "SAME", None), ((2, 2), "SAME", None), ((1, 1), "VALID", [2, 2]), ((2, 1), "VALID", None)],
)
def test_separable_conv2d(strides, padding, rate):
    x = sample((2, 9, 8, 3), np.float64)
    df = sample((3, 3, 3, 2), np.float64, seed=1)
    pf = sample((1, 1, 6, 4), np.float64, seed=2)
    y = run_op(lambda a: sc.nn.separable_conv2d(a, df, pf, [1, *strides, 1], padding, rate=rate), [x])
    dil = tuple(rate) if rate else (1, 1)
    expected = ref_depthwise(x, df, strides, padding, dil) @ pf[0, 0]
    np.testing.assert_allclose(y, expected, rtol=1e-12, atol=1e-12)


def test_separable_conv2d_gradients():
    check_gradients(
        lambda a, b, c: sc.nn.separable_conv2d(a, b, c, [1, 2, 2, 1], "SAME"),
        [
            sample((1, 5, 4, 2), np.float64),
            sample((3, 3, 2, 2), np.float64, seed=1),
            sample((1, 1, 4, 3), np.float64, seed=2),
        ],
    )


def test_separable_conv2d_names_and_errors():
    x = sc.placeholder(sc.float32, [None, 8, 8, 3])
    y = sc.nn.separable_conv2d(x, np.ones((3, 3, 3, 2)), np.ones((1, 1, 6, 5)), [1, 1, 1, 1], "SAME")
    assert y.shape.as_list() == [None, 8, 8, 5]
    assert y.op.name.startswith("separable_conv2d/")
    with pytest.raises(ValueError, match=r"pointwise_filter must have shape \[1, 1"):
        sc.nn.separable_conv2d(x, np.ones((3, 3, 3, 2)), np.ones((3, 3, 6, 5)), 1, "SAME")
    with pytest.raises(ValueError, match=r"3 \* 2 = 6 channels"):
        sc.nn.separable_conv2d(x, np.ones((3, 3, 3, 2)), np.ones((1, 1, 5, 5)), 1, "SAME")
    with pytest.raises(ValueError, match="data_format"):
        sc.nn.separable_conv2d(x, np.ones((3, 3, 3, 2)), np.ones((1, 1, 6, 5)), 1, "SAME", data_format="NCHW")


def test_nn_namespace_exports():
    for name in (
        "conv2d",
        "atrous_conv2d",
        "depthwise_conv2d",
        "depthwise_conv2d_native",
        "separable_conv2d",
        "max_pool",
        "avg_pool",
    ):
        assert name in sc.nn.__all__ and callable(getattr(sc.nn, name))
