"""tf.nn.bias_add (channels last) with its BiasAddGrad kernel, and tf.nn.l2_loss.

Forward values against numpy (float32, float64 and integers, ranks 2..4,
awkward sizes, tensors above the OpenMP threshold on both bias-gradient
paths), gradients against finite differences, and every error path.
"""

import numpy as np
import pytest

import slimcore as sc
from gradcheck import check_gradients, run_op

DTYPES = [np.float32, np.float64]
# Rank 2..4, one element, odd sizes; (3000, 17) and (4, 9, 9, 130) exceed the
# parallel threshold with few (row-split) and many (column-split) channels.
BIAS_SHAPES = [
    (1, 1),
    (1, 7),
    (5, 1),
    (3, 5),
    (2, 3, 5),
    (2, 3, 3, 4),
    (3000, 17),
    (4, 9, 9, 130),
    (70001, 1),
    (1, 40001),
]


def sample(shape, dtype, seed=0, scale=1.0):
    return (np.random.default_rng(seed).standard_normal(shape) * scale).astype(dtype)


def bias_grad(value, bias, dy):
    """Runs d<dy, bias_add(value, bias)>/d(value, bias) in slimcore."""
    tv = sc.placeholder(sc.as_dtype(value.dtype), value.shape)
    tb = sc.placeholder(sc.as_dtype(bias.dtype), bias.shape)
    tdy = sc.placeholder(sc.as_dtype(dy.dtype), dy.shape)
    gv, gb = sc.gradients(sc.nn.bias_add(tv, tb), [tv, tb], grad_ys=tdy)
    assert gb.op.type == "BiasAddGrad"
    with sc.Session() as sess:
        return sess.run([gv, gb], {tv: value, tb: bias, tdy: dy})


# ---- bias_add forward ------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", BIAS_SHAPES)
def test_bias_add_forward(shape, dtype):
    x = sample(shape, dtype)
    b = sample(shape[-1:], dtype, seed=1)
    y = run_op(sc.nn.bias_add, [x, b])
    assert y.dtype == dtype and y.shape == shape
    # One addition per element: exact in the input precision.
    np.testing.assert_array_equal(y, x + b.reshape((1,) * (len(shape) - 1) + b.shape))


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_bias_add_integer(dtype):
    x = np.arange(24, dtype=dtype).reshape(2, 3, 4)
    b = np.array([10, -20, 30, -40], dtype)
    np.testing.assert_array_equal(run_op(sc.nn.bias_add, [x, b]), x + b)


def test_bias_add_list_bias_takes_value_dtype():
    x = sc.placeholder(sc.float64, [None, 3])
    y = sc.nn.bias_add(x, [1, 2, 3], data_format="NHWC")
    assert y.dtype == sc.float64
    with sc.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: np.zeros((2, 3))}), [[1, 2, 3], [1, 2, 3]])


def test_bias_add_static_shape():
    x = sc.placeholder(sc.float32, [None, 4, 4, None])
    y = sc.nn.bias_add(x, sc.placeholder(sc.float32, [8]))
    assert y.op.type == "BiasAdd" and y.name == "BiasAdd:0"
    assert y.shape.as_list() == [None, 4, 4, 8]
    assert sc.nn.bias_add(x, sc.placeholder(sc.float32, [None]), name="b").name == "b:0"


def test_bias_add_empty_batch():
    y = run_op(sc.nn.bias_add, [np.zeros((0, 3), np.float32), np.ones(3, np.float32)])
    assert y.shape == (0, 3)


# ---- bias_add gradient -----------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", BIAS_SHAPES)
def test_bias_add_grad_kernel(shape, dtype):
    x = sample(shape, dtype)
    b = sample(shape[-1:], dtype, seed=1)
    dy = sample(shape, dtype, seed=2)
    gv, gb = bias_grad(x, b, dy)
    np.testing.assert_array_equal(gv, dy)
    expected = dy.astype(np.float64).reshape(-1, shape[-1]).sum(axis=0)
    assert gb.dtype == dtype and gb.shape == shape[-1:]
    # Sums are accumulated in float64 and rounded once.
    np.testing.assert_allclose(
        gb, expected, rtol=1e-6 if dtype == np.float32 else 1e-12, atol=1e-6 if dtype == np.float32 else 1e-12
    )


@pytest.mark.parametrize("shape", [(1, 1), (3, 5), (2, 3, 2), (2, 2, 1, 3)])
def test_bias_add_gradient(shape):
    check_gradients(sc.nn.bias_add, [sample(shape, np.float64), sample(shape[-1:], np.float64, 1)])


def test_bias_add_grad_second_order():
    # BiasAddGrad is linear in the incoming gradient: its own gradient broadcasts back.
    x, b, dy = sample((3, 4), np.float64), sample((4,), np.float64, 1), sample((3, 4), np.float64, 2)
    check_gradients(lambda tx, tb, tdy: sc.gradients(sc.nn.bias_add(tx, tb), [tb], grad_ys=tdy)[0], [x, b, dy], wrt=[2])


# ---- bias_add errors -------------------------------------------------------------------
def test_bias_add_shape_mismatch_names_both_shapes():
    x = sc.placeholder(sc.float32, [2, 3])
    with pytest.raises(ValueError, match=r"\[4\]") as err:
        sc.nn.bias_add(x, sc.placeholder(sc.float32, [4]))
    assert "[2, 3]" in str(err.value)


def test_bias_add_shape_mismatch_at_run_time():
    x = sc.placeholder(sc.float32, [None, None])
    b = sc.placeholder(sc.float32, [None])
    y = sc.nn.bias_add(x, b)
    with sc.Session() as sess:
        with pytest.raises(ValueError, match=r"\[4\]") as err:
            sess.run(y, {x: np.zeros((2, 3), np.float32), b: np.zeros(4, np.float32)})
    assert "[2, 3]" in str(err.value)


def test_bias_add_rank_errors():
    with pytest.raises(ValueError, match=r"rank >= 2.*\[3\]"):
        sc.nn.bias_add(sc.placeholder(sc.float32, [3]), sc.placeholder(sc.float32, [3]))
    with pytest.raises(ValueError, match=r"bias must have rank 1.*\[1, 3\].*\[2, 3\]"):
        sc.nn.bias_add(sc.placeholder(sc.float32, [2, 3]), sc.placeholder(sc.float32, [1, 3]))


def test_bias_add_dtype_errors():
    with pytest.raises(TypeError, match="float32 and float64"):
        sc.nn.bias_add(sc.placeholder(sc.float32, [2, 3]), sc.placeholder(sc.float64, [3]))
    with pytest.raises(TypeError, match="bool"):
        sc.nn.bias_add(sc.placeholder(sc.bool, [2, 3]), sc.placeholder(sc.bool, [3]))


@pytest.mark.parametrize("data_format", ["NC...", "nhwc", "channels_last"])
def test_bias_add_rejects_other_data_formats(data_format):
    x = sc.placeholder(sc.float32, [2, 3, 4, 5])
    with pytest.raises(ValueError, match="data_format"):
        sc.nn.bias_add(x, sc.placeholder(sc.float32, [5]), data_format=data_format)


def test_bias_add_nchw_adds_on_axis_1():
    x, b = sample((2, 3, 4, 5), np.float64), sample((3,), np.float64, 1)
    y = run_op(lambda v, c: sc.nn.bias_add(v, c, data_format="NCHW"), [x, b])
    np.testing.assert_array_equal(y, x + b[:, None, None])
    check_gradients(lambda v, c: sc.nn.bias_add(v, c, data_format="NCHW"), [x, b])
    with pytest.raises(ValueError, match=r"channels \(axis 1, NCHW\)"):
        sc.nn.bias_add(sc.placeholder(sc.float32, [2, 3, 4, 5]), sc.placeholder(sc.float32, [5]), data_format="NCHW")
    with pytest.raises(ValueError, match="4-D"):
        sc.nn.bias_add(sc.placeholder(sc.float32, [2, 3]), sc.placeholder(sc.float32, [3]), data_format="NCHW")


# ---- l2_loss ---------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(1,), (7,), (3, 5), (2, 3, 5), (2, 3, 3, 4), (70001,), (3, 11, 1031)])
def test_l2_loss_forward(shape, dtype):
    x = sample(shape, dtype, scale=2.0)
    y = run_op(sc.nn.l2_loss, [x])
    assert y.dtype == dtype and y.shape == ()
    expected = np.sum(x.astype(np.float64) ** 2) / 2
    np.testing.assert_allclose(y, expected, rtol=1e-7 if dtype == np.float32 else 1e-13)


def test_l2_loss_of_a_fed_scalar():
    np.testing.assert_allclose(run_op(sc.nn.l2_loss, [np.array(3.0)]), 4.5)


def test_l2_loss_empty_is_zero():
    assert run_op(sc.nn.l2_loss, [np.zeros((0, 4), np.float32)]) == 0


def test_l2_loss_has_the_half():
    assert run_op(sc.nn.l2_loss, [np.array([3.0, 4.0])]) == 12.5


def test_l2_loss_op():
    y = sc.nn.l2_loss(sc.placeholder(sc.float32, [None, 3]))
    assert y.op.type == "L2Loss" and y.name == "L2Loss:0" and y.shape.as_list() == []


@pytest.mark.parametrize("shape", [(1,), (3, 4), (2, 1, 3), (2, 2, 1, 2)])
def test_l2_loss_gradient(shape):
    check_gradients(sc.nn.l2_loss, [sample(shape, np.float64, scale=2.0)])


@pytest.mark.parametrize("dtype", DTYPES)
def test_l2_loss_gradient_is_x(dtype):
    x = sample((70001,), dtype, seed=3)
    t = sc.placeholder(sc.as_dtype(dtype), x.shape)
    (g,) = sc.gradients(sc.nn.l2_loss(t), [t])
    with sc.Session() as sess:
        np.testing.assert_array_equal(sess.run(g, {t: x}), x)


@pytest.mark.parametrize("dtype", [sc.int32, sc.int64, sc.bool])
def test_l2_loss_rejects_non_float(dtype):
    with pytest.raises(TypeError, match="float32 or float64.*got " + dtype.name):
        sc.nn.l2_loss(sc.placeholder(dtype, [3]))


def test_nn_namespace():
    assert set(sc.nn.__all__) >= {"bias_add", "l2_loss"}
    for name in sc.nn.__all__:
        assert getattr(sc.nn, name).__doc__
