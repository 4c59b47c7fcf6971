"""Elementwise unary math: forward against numpy, gradients against finite differences."""

import numpy as np
import pytest

import slimcore as sc
from gradcheck import check_gradients, run_op

UNARY = [
    (sc.negative, np.negative, False),
    (sc.square, np.square, False),
    (sc.abs, np.abs, False),
    (sc.sqrt, np.sqrt, True),
    (sc.exp, np.exp, False),
    (sc.log, np.log, True),
]


@pytest.mark.parametrize("sc_fn,np_fn,positive", UNARY)
@pytest.mark.parametrize("shape", [(), (1,), (7,), (3, 5), (2, 3, 4), (50001,)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_forward(sc_fn, np_fn, positive, shape, dtype):
    rng = np.random.default_rng(0)
    x = (rng.uniform(0.1, 3.0, shape) if positive else rng.uniform(-3.0, 3.0, shape)).astype(dtype)
    got = run_op(sc_fn, [x])
    assert np.asarray(got).dtype == dtype
    np.testing.assert_allclose(got, np_fn(x), rtol=2e-7 if dtype == np.float64 else 2e-6)


@pytest.mark.parametrize("sc_fn,np_fn,positive", UNARY)
def test_gradients(sc_fn, np_fn, positive):
    rng = np.random.default_rng(1)
    x = rng.uniform(0.2, 2.0, (3, 4)) if positive else rng.uniform(-2.0, 2.0, (3, 4))
    check_gradients(sc_fn, [x])


@pytest.mark.parametrize("sc_fn,np_fn", [(sc.negative, np.negative), (sc.square, np.square), (sc.abs, np.abs)])
def test_integer_inputs(sc_fn, np_fn):
    x = np.array([-3, 0, 4], np.int32)
    np.testing.assert_array_equal(run_op(sc_fn, [x]), np_fn(x))


def test_float_only_ops_refuse_integers():
    with pytest.raises(TypeError, match="float"):
        sc.sqrt(sc.constant([4], dtype=sc.int32))
    with pytest.raises(TypeError, match="float"):
        sc.log(sc.constant([True]))


def test_special_values_propagate_as_tensorflow():
    with np.errstate(all="ignore"):
        x = np.array([0.0, -1.0, np.nan, np.inf], np.float32)
        np.testing.assert_array_equal(run_op(sc.log, [x]), np.log(x))
        np.testing.assert_array_equal(run_op(sc.sqrt, [x]), np.sqrt(x))


def test_abs_gradient_is_zero_at_zero():
    x = sc.constant([-2.0, 0.0, 3.0])
    g = sc.gradients(sc.abs(x), [x])[0]
    with sc.Session() as sess:
        np.testing.assert_array_equal(sess.run(g), [-1, 0, 1])
