"""tf.nn ops of issue 13 (nn-ops lane): elu, selu, leaky_relu, softplus,
softsign, l2_normalize, top_k, in_top_k, lrn, conv2d_transpose, conv1d.

Forward values against independent numpy formulas, gradients against finite
differences, static shapes with unknown dimensions, TF1's error types.
"""

import math

import numpy as np
import pytest

import slimcore as sc
import slimcore.compat.v1 as tf
from gradcheck import check_gradients, run_op
from slimcore.errors import InvalidArgumentError


def sample(shape, seed=0, scale=2.0, dtype=np.float64):
    return (np.random.default_rng(seed).standard_normal(shape) * scale).astype(dtype)


def away_from_zero(x, gap=0.05):
    x = x.copy()
    x[np.abs(x) < gap] += 4 * gap
    return x


# ---- activations ----------------------------------------------------------------------------
SELU_SCALE, SELU_ALPHA = 1.0507009873554804934193349852946, 1.6732632423543772848170429916717

ACTIVATIONS = {
    "elu": (sc.nn.elu, lambda x: np.where(x > 0, x, np.expm1(x))),
    "selu": (sc.nn.selu, lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(x))),
    "leaky_relu": (sc.nn.leaky_relu, lambda x: np.where(x > 0, x, 0.2 * x)),
    "leaky_relu_0.7": (lambda x: sc.nn.leaky_relu(x, alpha=0.7), lambda x: np.where(x > 0, x, 0.7 * x)),
    "softplus": (sc.nn.softplus, lambda x: np.logaddexp(0, x)),
    "softsign": (sc.nn.softsign, lambda x: x / (1 + np.abs(x))),
}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(1,), (3, 5), (2, 3, 4), (40001,)])
def test_activation_forward(name, dtype, shape):
    fn, ref = ACTIVATIONS[name]
    x = sample(shape, dtype=dtype, scale=3.0)
    y = run_op(fn, [x])
    assert y.dtype == dtype and y.shape == shape
    tol = dict(rtol=2e-6, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(y, ref(x.astype(np.float64)), **tol)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_gradient(name):
    fn, _ = ACTIVATIONS[name]
    check_gradients(fn, [away_from_zero(sample((3, 7), scale=3.0))])


@pytest.mark.parametrize("name", ["elu", "selu", "leaky_relu", "leaky_relu_0.7", "softplus"])
def test_activation_second_order(name):
    fn, _ = ACTIVATIONS[name]

    def grad_of(x, dy):
        return sc.gradients(fn(x), [x], grad_ys=dy)[0]

    check_gradients(grad_of, [away_from_zero(sample((3, 5), scale=3.0)), sample((3, 5), seed=1)])


def test_softsign_has_no_second_order():
    with sc.Graph().as_default():
        x = sc.placeholder(sc.float64, [3])
        (g,) = sc.gradients(sc.nn.softsign(x), [x])
        with pytest.raises(InvalidArgumentError, match=r"No gradient defined.*SoftsignGrad"):
            sc.gradients(g, [x])


def test_softplus_extremes_are_finite_and_exact():
    x = np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0])
    y = run_op(sc.nn.softplus, [x])
    np.testing.assert_allclose(y, np.logaddexp(0, x), rtol=1e-15, atol=0)
    assert run_op(sc.nn.softplus, [np.array([1000.0], np.float32)])[0] == 1000.0


def test_leaky_relu_integer_features_become_float32_and_alpha_above_one():
    y = run_op(lambda x: sc.nn.leaky_relu(x, alpha=2.0), [np.array([-2, 3], np.int32)])
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y, [-4.0, 3.0])  # alpha*x, not max(x, alpha*x)
    with pytest.raises(TypeError, match="alpha"):
        sc.nn.leaky_relu(sc.constant([1.0]), alpha="big")


@pytest.mark.parametrize("fn", [sc.nn.elu, sc.nn.selu, sc.nn.softplus, sc.nn.softsign])
def test_activations_reject_integers_and_keep_unknown_dims(fn):
    with pytest.raises(TypeError):
        fn(sc.constant([1, 2]))
    with sc.Graph().as_default():
        assert fn(sc.placeholder(sc.float32, [None, 3])).shape.as_list() == [None, 3]


def test_tf1_namespaces_hold_the_activations():
    names = "elu selu leaky_relu softplus softsign l2_normalize top_k in_top_k lrn local_response_normalization"
    for name in (names + " conv2d_transpose conv1d moments relu6 bias_add").split():
        assert getattr(tf.nn, name) is getattr(sc.nn, name)
    assert tf.math.softplus is sc.nn.softplus and tf.math.top_k is sc.nn.top_k
    assert tf.math.in_top_k is sc.nn.in_top_k and tf.math.l2_normalize is sc.nn.l2_normalize
    assert sc.nn.lrn is sc.nn.local_response_normalization


# ---- l2_normalize ---------------------------------------------------------------------------
@pytest.mark.parametrize("axis", [None, 0, 1, -1, [0, 1]])
def test_l2_normalize_forward_and_gradient(axis):
    x = sample((3, 4))
    y = run_op(lambda t: sc.nn.l2_normalize(t, axis=axis), [x])
    ax = tuple(axis) if isinstance(axis, list) else axis
    ref = x / np.sqrt(np.maximum(np.sum(x**2, axis=ax, keepdims=True), 1e-12))
    np.testing.assert_allclose(y, ref, rtol=1e-13)
    check_gradients(lambda t: sc.nn.l2_normalize(t, axis=axis), [x])


def test_l2_normalize_epsilon_bounds_the_norm_and_dim_alias():
    x = np.zeros((2, 3))
    np.testing.assert_array_equal(run_op(lambda t: sc.nn.l2_normalize(t, 1), [x]), x)
    x = np.full((1, 2), 1e-3)
    y = run_op(lambda t: sc.nn.l2_normalize(t, dim=1, epsilon=1.0), [x])
    np.testing.assert_allclose(y, x, rtol=1e-15)  # sum(x^2) = 2e-6 < epsilon = 1: x / 1
    with pytest.raises(ValueError, match="dim"):
        sc.nn.l2_normalize(sc.constant(x), axis=0, dim=1)
    with pytest.raises(TypeError, match="float"):
        sc.nn.l2_normalize(sc.constant([1, 2]))


# ---- top_k ----------------------------------------------------------------------------------
def np_top_k(x, k):
    order = np.argsort(-x, axis=-1, kind="stable")[..., :k]  # stable: ties lowest index first
    return np.take_along_axis(x, order, -1), order.astype(np.int32)


@pytest.mark.parametrize("shape,k", [((5,), 1), ((5,), 5), ((3, 7), 3), ((2, 3, 9), 4), ((4, 0), 0), ((300, 400), 7)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64])
def test_top_k_forward(shape, k, dtype):
    x = (sample(shape, scale=5.0)).astype(dtype)
    values, indices = run_op(lambda t: tuple(sc.nn.top_k(t, k)), [x])
    ref_v, ref_i = np_top_k(x, k)
    np.testing.assert_array_equal(values, ref_v)
    np.testing.assert_array_equal(indices, ref_i)
    assert indices.dtype == np.int32 and values.dtype == dtype


def test_top_k_ties_lowest_index_first_and_named_fields():
    x = np.array([[1.0, 3.0, 3.0, 2.0, 3.0]])
    with sc.Graph().as_default():
        result = sc.nn.top_k(sc.constant(x), k=4)
        with sc.Session() as sess:
            values, indices = sess.run([result.values, result.indices])
    np.testing.assert_array_equal(values, [[3, 3, 3, 2]])
    np.testing.assert_array_equal(indices, [[1, 2, 4, 3]])


def test_top_k_ranks_nan_first_deterministically():
    x = np.array([[1.0, np.nan, 3.0, np.nan, -np.inf, np.inf]])
    values, indices = run_op(lambda t: tuple(sc.nn.top_k(t, 6)), [x])
    np.testing.assert_array_equal(indices, [[1, 3, 5, 2, 0, 4]])
    np.testing.assert_array_equal(values, [[np.nan, np.nan, np.inf, 3.0, 1.0, -np.inf]])


def test_top_k_gradient_goes_to_the_chosen_entries():
    x = sample((3, 6))
    check_gradients(lambda t: sc.nn.top_k(t, 3).values, [x])
    with sc.Graph().as_default():
        t = sc.constant([[1.0, 5.0, 3.0]])
        (g,) = sc.gradients(sc.reduce_sum(sc.nn.top_k(t, 2).values * sc.constant([[10.0, 1.0]])), [t])
        with sc.Session() as sess:
            np.testing.assert_array_equal(sess.run(g), [[0.0, 10.0, 1.0]])


def test_top_k_static_shape_and_errors():
    with sc.Graph().as_default():
        values, indices = sc.nn.top_k(sc.placeholder(sc.float32, [None, 10]), k=3)
        assert values.shape.as_list() == [None, 3] and indices.shape.as_list() == [None, 3]
        assert indices.dtype == sc.int32
        with pytest.raises(ValueError, match="at least k=11 columns"):
            sc.nn.top_k(sc.placeholder(sc.float32, [2, 10]), k=11)
        with pytest.raises(ValueError, match="non-negative"):
            sc.nn.top_k(sc.placeholder(sc.float32, [2, 10]), k=-1)
        with pytest.raises(ValueError, match="rank >= 1"):
            sc.nn.top_k(sc.placeholder(sc.float32, []), k=1)
        with pytest.raises(TypeError, match="k must be"):
            sc.nn.top_k(sc.placeholder(sc.float32, [2, 10]), k=2.5)
        ph = sc.placeholder(sc.float32, [2, None])
        values, _ = sc.nn.top_k(ph, k=4)
        with sc.Session() as sess:
            with pytest.raises(InvalidArgumentError, match="at least k=4 columns"):
                sess.run(values, {ph: np.zeros((2, 3), np.float32)})


# ---- in_top_k -------------------------------------------------------------------------------
def np_in_top_k(pred, targets, k):
    out = []
    for row, t in zip(pred, targets):
        if not 0 <= t < row.size or not np.isfinite(row[t]):
            out.append(False)
        else:
            out.append(int(np.sum(row > row[t])) < k)
    return np.array(out)


@pytest.mark.parametrize("k", [0, 1, 2, 3, 5])
@pytest.mark.parametrize("target_dtype", [np.int32, np.int64])
def test_in_top_k_matches_tf_rule(k, target_dtype):
    pred = np.array(
        [
            [0.1, 0.5, 0.5, 0.2, 0.0],  # ties at the top
            [1.0, 2.0, 3.0, 4.0, 5.0],
            [np.nan, 1.0, 2.0, 0.0, 0.0],  # NaN elsewhere: does not count as larger
            [1.0, np.inf, 0.0, 0.0, 0.0],  # inf elsewhere counts
            [1.0, np.inf, 0.0, 0.0, 0.0],  # target itself inf: False
            [np.nan, 1.0, 0.0, 0.0, 0.0],  # target NaN: False
            [1.0, 1.0, 1.0, 1.0, 1.0],  # all tied: always in the top k (k >= 1)
            [1.0, 2.0, 3.0, 4.0, 5.0],  # target out of range: False
            [1.0, 2.0, 3.0, 4.0, 5.0],  # negative target: False
        ],
        np.float32,
    )
    targets = np.array([2, 1, 1, 0, 1, 0, 4, 5, -1], target_dtype)
    out = run_op(lambda p, t: sc.nn.in_top_k(p, t, k), [pred, targets])
    assert out.dtype == np.bool_
    np.testing.assert_array_equal(out, np_in_top_k(pred, targets, k))
    if k >= 1:
        assert out[0] and out[6] and not out[4] and not out[5] and not out[7] and not out[8]


def test_in_top_k_shapes_and_errors():
    with sc.Graph().as_default():
        out = sc.nn.in_top_k(sc.placeholder(sc.float32, [None, 4]), sc.placeholder(sc.int32, [None]), 1)
        assert out.shape.as_list() == [None] and out.dtype == sc.bool
        with pytest.raises(ValueError, match="must match length of targets"):
            sc.nn.in_top_k(sc.placeholder(sc.float32, [3, 4]), sc.placeholder(sc.int32, [2]), 1)
        with pytest.raises(ValueError, match="2-dimensional"):
            sc.nn.in_top_k(sc.placeholder(sc.float32, [4]), sc.placeholder(sc.int32, [4]), 1)
        with pytest.raises(TypeError, match="targets"):
            sc.nn.in_top_k(sc.placeholder(sc.float32, [3, 4]), sc.placeholder(sc.float32, [3]), 1)


# ---- lrn ------------------------------------------------------------------------------------
def np_lrn(x, r, bias, alpha, beta):
    depth = x.shape[-1]
    sq = np.zeros_like(x)
    for d in range(depth):
        sq[..., d] = np.sum(x[..., max(0, d - r) : d + r + 1] ** 2, axis=-1)
    return x / (bias + alpha * sq) ** beta


@pytest.mark.parametrize(
    "r,bias,alpha,beta", [(5, 1.0, 1.0, 0.5), (0, 2.0, 0.5, 0.75), (2, 1.0, 1e-4, 0.75), (10, 0.5, 0.3, 1.3)]
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_lrn_forward(r, bias, alpha, beta, dtype):
    x = sample((2, 3, 4, 7), dtype=dtype)
    y = run_op(lambda t: sc.nn.lrn(t, r, bias, alpha, beta), [x])
    tol = 1e-5 if dtype == np.float32 else 1e-13
    np.testing.assert_allclose(y, np_lrn(x.astype(np.float64), r, bias, alpha, beta), rtol=tol)


@pytest.mark.parametrize("r,bias,alpha,beta", [(5, 1.0, 1.0, 0.5), (1, 2.0, 0.5, 0.75), (0, 1.5, 0.2, 1.0)])
def test_lrn_gradient(r, bias, alpha, beta):
    check_gradients(
        lambda t: sc.nn.local_response_normalization(t, depth_radius=r, bias=bias, alpha=alpha, beta=beta),
        [sample((2, 2, 3, 6))],
        rtol=1e-6,
    )


def test_lrn_shapes_and_errors():
    with sc.Graph().as_default():
        assert sc.nn.lrn(sc.placeholder(sc.float32, [None, 5, 5, 8])).shape.as_list() == [None, 5, 5, 8]
        with pytest.raises(ValueError, match="4-dimensional"):
            sc.nn.lrn(sc.placeholder(sc.float32, [5, 8]))
        with pytest.raises(ValueError, match="depth_radius"):
            sc.nn.lrn(sc.placeholder(sc.float32, [1, 5, 5, 8]), depth_radius=-1)
        with pytest.raises(TypeError, match="float"):
            sc.nn.lrn(sc.placeholder(sc.int32, [1, 5, 5, 8]))


# ---- conv2d_transpose -----------------------------------------------------------------------
def np_conv2d(x, f, s, padding):
    n, h, w, _ = x.shape
    kh, kw, _, co = f.shape
    if padding == "SAME":
        oh, ow = -(-h // s), -(-w // s)
        ph = max((oh - 1) * s + kh - h, 0) // 2
        pw = max((ow - 1) * s + kw - w, 0) // 2
    else:
        oh, ow, ph, pw = (h - kh) // s + 1, (w - kw) // s + 1, 0, 0
    y = np.zeros((n, oh, ow, co))
    for i in range(oh):
        for j in range(ow):
            for a in range(kh):
                for b in range(kw):
                    r, q = i * s - ph + a, j * s - pw + b
                    if 0 <= r < h and 0 <= q < w:
                        y[:, i, j, :] += x[:, r, q, :] @ f[a, b]
    return y


def np_conv2d_transpose(v, f, out_shape, s, padding):
    """The adjoint of np_conv2d with filter f[kh, kw, co, ci]: column j of the
    conv2d matrix applied to v, built from unit inputs."""
    size = int(np.prod(out_shape))
    cols = np.stack([np_conv2d(np.eye(size)[i].reshape(out_shape), f, s, padding).ravel() for i in range(size)])
    return (cols @ v.ravel()).reshape(out_shape)


CASES = [
    # value shape, filter shape [kh, kw, out_c, in_c], output_shape, stride, padding
    ((1, 2, 2, 3), (3, 3, 2, 3), (1, 4, 4, 2), 2, "SAME"),
    ((2, 3, 3, 2), (3, 3, 1, 2), (2, 5, 5, 1), 2, "SAME"),  # 5 and 6 both map onto 3 with SAME
    ((2, 3, 3, 2), (3, 3, 1, 2), (2, 6, 6, 1), 2, "SAME"),
    ((1, 2, 3, 2), (2, 3, 3, 2), (1, 3, 5, 3), 1, "VALID"),
    ((1, 2, 2, 1), (3, 3, 2, 1), (1, 5, 6, 2), 2, "VALID"),
]


@pytest.mark.parametrize("vshape,fshape,oshape,s,padding", CASES)
def test_conv2d_transpose_is_the_adjoint_of_conv2d(vshape, fshape, oshape, s, padding):
    v, f = sample(vshape, 1), sample(fshape, 2)
    y = run_op(lambda a, b: sc.nn.conv2d_transpose(a, b, list(oshape), [1, s, s, 1], padding), [v, f])
    np.testing.assert_allclose(y, np_conv2d_transpose(v, f, oshape, s, padding), rtol=1e-12, atol=1e-12)
    check_gradients(lambda a, b: sc.nn.conv2d_transpose(a, b, list(oshape), s, padding), [v, f])


@pytest.mark.parametrize("stride,dilation,padding", [(2, 1, "SAME"), (1, 2, "SAME"), (1, 2, "VALID"), (3, 1, "VALID")])
def test_conv2d_transpose_equals_conv2d_backprop_input(stride, dilation, padding):
    x, f = sample((2, 7, 7, 3), 3), sample((3, 3, 3, 4), 4)
    with sc.Graph().as_default():
        xt, ft = sc.constant(x), sc.constant(f)
        y = sc.nn.conv2d(xt, ft, stride, padding, dilations=dilation)
        g = sc.constant(sample(y.shape.as_list(), 5))
        (dx,) = sc.gradients(y, [xt], grad_ys=g)
        t = sc.nn.conv2d_transpose(g, ft, [2, 7, 7, 3], stride, padding, dilations=dilation)
        with sc.Session() as sess:
            a, b = sess.run([dx, t])
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    value = sample(y.shape.as_list(), 6)
    check_gradients(
        lambda v, w: sc.nn.conv2d_transpose(v, w, [2, 7, 7, 3], stride, padding, dilations=dilation), [value, f]
    )


def test_conv2d_transpose_output_shape_forms_and_unknown_batch():
    v, f = sample((3, 2, 2, 2), 1), sample((3, 3, 1, 2), 2)
    ref = np_conv2d_transpose(v, f, (3, 4, 4, 1), 2, "SAME")
    with sc.Graph().as_default():
        ph = sc.placeholder(sc.float64, [None, 2, 2, 2])
        forms = [
            sc.constant([3, 4, 4, 1]),
            np.array([3, 4, 4, 1]),
            sc.stack([sc.constant(3), 4, 4, 1]),
            [-1, 4, 4, 1],
            sc.TensorShape([None, 4, 4, 1]),
        ]
        outs = [sc.nn.conv2d_transpose(ph, sc.constant(f), shape, 2) for shape in forms]
        assert outs[0].shape.as_list() == [3, 4, 4, 1]
        assert outs[3].shape.as_list() == [None, 4, 4, 1]
        with sc.Session() as sess:
            for y in sess.run(outs, {ph: v}):
                np.testing.assert_allclose(y, ref, rtol=1e-12)


def test_conv2d_transpose_tf1_checks():
    with sc.Graph().as_default():
        v = sc.placeholder(sc.float32, [1, 2, 2, 3])
        f = sc.placeholder(sc.float32, [3, 3, 2, 3])
        with pytest.raises(ValueError, match="input channels does not match filter's input channels, 4 != 3"):
            sc.nn.conv2d_transpose(sc.placeholder(sc.float32, [1, 2, 2, 4]), f, [1, 4, 4, 2], 2)
        with pytest.raises(ValueError, match="output_shape does not match filter's output channels, 5 != 2"):
            sc.nn.conv2d_transpose(v, f, [1, 4, 4, 5], 2)
        with pytest.raises(ValueError, match=r"output_shape must have shape \(4,\)"):
            sc.nn.conv2d_transpose(v, f, [4, 4, 2], 2)
        with pytest.raises(ValueError, match="output_shape does not fit"):
            sc.nn.conv2d_transpose(v, f, [1, 7, 4, 2], 2)  # conv2d of 7 rows gives 4, not 2
        with pytest.raises(ValueError, match="data_format"):
            sc.nn.conv2d_transpose(v, f, [1, 4, 4, 2], 2, data_format="NCHW")
        with pytest.raises(ValueError, match="height and width"):
            sc.nn.conv2d_transpose(v, f, sc.placeholder(sc.int32, [4]), 2)
        with pytest.raises(TypeError):
            sc.nn.conv2d_transpose(
                sc.placeholder(sc.int32, [1, 2, 2, 3]), sc.placeholder(sc.int32, [3, 3, 2, 3]), [1, 4, 4, 2], 2
            )
        vb = sc.placeholder(sc.float32, [None, None, None, 3])
        y = sc.nn.conv2d_transpose(vb, f, [-1, 4, 4, 2], 2)
        with sc.Session() as sess:
            with pytest.raises(InvalidArgumentError, match="output_shape does not fit"):
                sess.run(y, {vb: np.zeros((1, 3, 3, 3), np.float32), f: np.zeros((3, 3, 2, 3), np.float32)})


# ---- conv1d ---------------------------------------------------------------------------------
def np_conv1d(x, f, s, padding, d):
    """y[n, o, co] = sum_{j, ci} x[n, o*s - pad + j*d, ci] f[j, ci, co], TF's SAME / VALID."""
    n, w, _ = x.shape
    k = f.shape[0]
    span = (k - 1) * d + 1
    ow = -(-w // s) if padding == "SAME" else (w - span) // s + 1
    pad = max((ow - 1) * s + span - w, 0) // 2 if padding == "SAME" else 0
    y = np.zeros((n, ow, f.shape[2]))
    for o in range(ow):
        for j in range(k):
            i = o * s - pad + j * d
            if 0 <= i < w:
                y[:, o] += x[:, i] @ f[j]
    return y


@pytest.mark.parametrize("stride,padding,dilation", [(1, "VALID", 1), (2, "SAME", 1), (1, "SAME", 2), (3, "VALID", 1)])
def test_conv1d_matches_numpy_and_gradient(stride, padding, dilation):
    x, f = sample((2, 9, 3), 1), sample((3, 3, 4), 2)
    y = run_op(lambda a, b: sc.nn.conv1d(a, b, stride, padding, dilations=dilation), [x, f])
    np.testing.assert_allclose(y, np_conv1d(x, f, stride, padding, dilation), rtol=1e-12, atol=1e-12)
    check_gradients(lambda a, b: sc.nn.conv1d(a, b, stride, padding, dilations=dilation), [x, f])


def test_conv1d_shapes_and_errors():
    with sc.Graph().as_default():
        y = sc.nn.conv1d(sc.placeholder(sc.float32, [None, 10, 3]), sc.placeholder(sc.float32, [3, 3, 5]), 2, "SAME")
        assert y.shape.as_list() == [None, 5, 5]
        with pytest.raises(ValueError, match="NWC"):
            sc.nn.conv1d(sc.placeholder(sc.float32, [1, 10, 3]), np.zeros((3, 3, 5)), 1, "SAME", data_format="NCW")
        with pytest.raises(ValueError, match="3-D"):
            sc.nn.conv1d(sc.placeholder(sc.float32, [1, 10]), np.zeros((3, 3, 5)), 1, "SAME")
        with pytest.raises(ValueError, match="in_channels"):
            sc.nn.conv1d(sc.placeholder(sc.float32, [1, 10, 4]), np.zeros((3, 3, 5)), 1, "SAME")
        with pytest.raises(ValueError, match="stride"):
            sc.nn.conv1d(sc.placeholder(sc.float32, [1, 10, 3]), np.zeros((3, 3, 5)), [1, 2, 2], "SAME")


def test_moments_tf1_formula():
    x = sample((4, 3, 5))
    mean, var = run_op(lambda t: tuple(sc.nn.moments(t, [0, 1])), [x])
    np.testing.assert_allclose(mean, x.mean((0, 1)), rtol=1e-13)
    np.testing.assert_allclose(var, x.var((0, 1)), rtol=1e-12)
    check_gradients(lambda t: sc.nn.moments(t, [0, 2], keep_dims=True)[1], [x])
    assert math.isclose(float(run_op(lambda t: sc.nn.moments(t, [0])[1], [np.array([1.0, 3.0])])), 1.0)
