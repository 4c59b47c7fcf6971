"""TF1's everyday math (issue 13, math lane): the unary family, pow and the
divisions, logical ops and comparisons, the reductions max/min/prod/all/any/
logsumexp and argmin, cumsum/cumprod, clip_by_value/clip_by_norm.

Forward values against numpy (or Python's math), gradients against finite
differences, static shapes with unknown dimensions, TF1's error types.
"""

import math

import numpy as np
import pytest

import slimcore as sc
import slimcore.compat.v1 as tf
from gradcheck import check_gradients, run_op
from slimcore.errors import InvalidArgumentError


def _run(t, feed=None):
    with sc.Session() as sess:
        return sess.run(t, feed)


def _lgamma(x):
    return np.vectorize(math.lgamma)(x)


def _digamma(x, h=1e-5):  # the derivative of lgamma, centrally (independent of the engine)
    return (_lgamma(x + h) - _lgamma(x - h)) / (2 * h)


# ---- the unary family -----------------------------------------------------------

# name, numpy reference, input range
UNARY = [
    ("sin", np.sin, (-3, 3)),
    ("cos", np.cos, (-3, 3)),
    ("tan", np.tan, (-1.2, 1.2)),
    ("asin", np.arcsin, (-0.9, 0.9)),
    ("acos", np.arccos, (-0.9, 0.9)),
    ("atan", np.arctan, (-3, 3)),
    ("sinh", np.sinh, (-3, 3)),
    ("cosh", np.cosh, (-3, 3)),
    ("asinh", np.arcsinh, (-3, 3)),
    ("acosh", np.arccosh, (1.2, 4)),
    ("atanh", np.arctanh, (-0.9, 0.9)),
    ("log1p", np.log1p, (-0.9, 3)),
    ("expm1", np.expm1, (-3, 3)),
    ("rsqrt", lambda x: 1 / np.sqrt(x), (0.2, 4)),
    ("reciprocal", np.reciprocal, (0.2, 4)),
    ("erf", np.vectorize(math.erf), (-2.5, 2.5)),
    ("erfc", np.vectorize(math.erfc), (-2.5, 2.5)),
    ("lgamma", _lgamma, (0.1, 6)),
    ("digamma", _digamma, (0.3, 9)),
]


@pytest.mark.parametrize("name,ref,domain", UNARY)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_unary_forward_matches_reference(name, ref, domain, dtype):
    x = np.random.default_rng(0).uniform(*domain, (3, 7)).astype(dtype)
    got = run_op(getattr(sc, name), [x])
    assert got.dtype == dtype
    tol = 1e-5 if dtype == np.float32 or name == "digamma" else 1e-12
    np.testing.assert_allclose(got, ref(x.astype(np.float64)), rtol=tol, atol=tol)


@pytest.mark.parametrize("name,ref,domain", UNARY)
def test_unary_gradient_matches_finite_differences(name, ref, domain):
    x = np.random.default_rng(1).uniform(*domain, (2, 3))
    check_gradients(getattr(sc, name), [x], rtol=1e-5, atol=1e-7)


def test_digamma_reflection_and_poles():
    x = np.array([-2.5, -0.5, 1.0, 0.5], np.float64)
    euler = 0.5772156649015329
    want = [_digamma(np.array(-2.5))[()], _digamma(np.array(-0.5))[()], -euler, -euler - 2 * math.log(2)]
    np.testing.assert_allclose(run_op(sc.digamma, [x]), want, rtol=1e-8)
    assert np.isnan(run_op(sc.digamma, [np.array([0.0, -3.0])])).all()


def test_round_is_bankers_rounding_as_tf():
    x = np.array([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, 2.6, -2.6], np.float32)
    np.testing.assert_array_equal(run_op(sc.round, [x]), [0, 2, 2, -0.0, -2, -2, 2, 3, -3])
    np.testing.assert_array_equal(run_op(sc.rint, [x]), np.rint(x))
    ints = np.array([-3, 0, 7], np.int32)
    np.testing.assert_array_equal(run_op(sc.round, [ints]), ints)


def test_floor_ceil_sign():
    x = np.array([-1.5, -0.0, 0.2, 3.0], np.float64)
    np.testing.assert_array_equal(run_op(sc.floor, [x]), np.floor(x))
    np.testing.assert_array_equal(run_op(sc.ceil, [x]), np.ceil(x))
    np.testing.assert_array_equal(run_op(sc.sign, [np.array([-4, 0, 9], np.int64)]), [-1, 0, 1])


@pytest.mark.parametrize("name", ["floor", "ceil", "round", "rint"])
def test_steps_pass_no_gradient_as_tf1(name):
    x = sc.constant([0.3, 1.7])
    assert sc.gradients(getattr(sc, name)(x), [x]) == [None]


def test_sign_gradient_is_zero_as_tf1():
    x = sc.constant([-0.3, 0.0, 1.7])
    np.testing.assert_array_equal(_run(sc.gradients(sc.sign(x), [x])[0]), [0.0, 0.0, 0.0])


def test_predicates():
    x = np.array([1.0, np.nan, np.inf, -np.inf, 0.0], np.float32)
    np.testing.assert_array_equal(run_op(sc.is_nan, [x]), np.isnan(x))
    np.testing.assert_array_equal(run_op(sc.is_inf, [x]), np.isinf(x))
    np.testing.assert_array_equal(run_op(sc.is_finite, [x]), np.isfinite(x))
    assert sc.is_nan(sc.constant(x)).dtype == sc.bool


def test_unary_dtype_errors():
    with pytest.raises(TypeError, match="float32 or float64"):
        sc.sin(sc.constant([1, 2]))
    with pytest.raises(TypeError, match="bool"):
        sc.logical_not(sc.constant([1.0]))
    with pytest.raises(TypeError, match="float"):
        sc.is_nan(sc.constant([1]))


def test_unary_shape_keeps_unknown_dimensions():
    x = sc.placeholder(sc.float32, [None, 3])
    for fn in (sc.cos, sc.lgamma, sc.round, sc.is_inf):
        assert fn(x).shape.as_list() == [None, 3]


# ---- pow ------------------------------------------------------------------------


def test_pow_forward_broadcasts():
    x = np.array([[1.5, 2.0, 0.5]], np.float64)
    y = np.array([[2.0], [-1.0], [0.5]], np.float64)
    np.testing.assert_allclose(run_op(sc.pow, [x, y]), np.power(x, y))
    ints = np.array([-3, 2, 5], np.int32)
    np.testing.assert_array_equal(run_op(sc.pow, [ints, np.array([3, 0, 2], np.int32)]), [-27, 1, 25])


def test_pow_integer_negative_exponent_is_a_run_time_error():
    with pytest.raises(InvalidArgumentError, match="Integers to negative integer powers are not allowed"):
        run_op(sc.pow, [np.array([2], np.int32), np.array([-1], np.int32)])


def test_pow_gradients():
    rng = np.random.default_rng(2)
    check_gradients(sc.pow, [rng.uniform(0.5, 2, (2, 3)), rng.uniform(-2, 2, (3,))], rtol=1e-5)


def test_pow_exponent_gradient_is_zero_for_non_positive_base():
    x = sc.constant([-2.0, 0.0, 2.0])
    y = sc.constant([2.0, 2.0, 2.0])
    gx, gy = _run(sc.gradients(sc.pow(x, y), [x, y]))
    np.testing.assert_allclose(gx, [-4.0, 0.0, 4.0])
    np.testing.assert_allclose(gy, [0.0, 0.0, 4.0 * math.log(2.0)])


def test_pow_operators():
    x = sc.constant([2.0, 3.0])
    np.testing.assert_allclose(_run(x**2), [4.0, 9.0])
    np.testing.assert_allclose(_run(2.0**x), [4.0, 8.0])
    assert (x**2).op.type == "Pow"


# ---- divisions --------------------------------------------------------------------

INTS = np.array([-7, 7, -7, 7, 0, 6, -1], np.int32)
DIVISORS = np.array([2, -2, -2, 2, 3, 3, 5], np.int32)


def test_integer_floordiv_and_floormod_floor_as_python():
    np.testing.assert_array_equal(run_op(sc.floordiv, [INTS, DIVISORS]), INTS // DIVISORS)
    np.testing.assert_array_equal(run_op(sc.floormod, [INTS, DIVISORS]), INTS % DIVISORS)
    np.testing.assert_array_equal(run_op(lambda a, b: a // b, [INTS, DIVISORS]), INTS // DIVISORS)
    np.testing.assert_array_equal(run_op(lambda a, b: a % b, [INTS, DIVISORS]), INTS % DIVISORS)


def test_integer_min_over_minus_one_wraps_instead_of_trapping():
    x = np.array([np.iinfo(np.int32).min], np.int32)
    np.testing.assert_array_equal(run_op(sc.floordiv, [x, np.array([-1], np.int32)]), x)
    np.testing.assert_array_equal(run_op(sc.floormod, [x, np.array([-1], np.int32)]), [0])


def test_truncatediv_and_truncatemod_round_toward_zero():
    np.testing.assert_array_equal(run_op(sc.truncatediv, [INTS, DIVISORS]), np.trunc(INTS / DIVISORS))
    np.testing.assert_array_equal(run_op(sc.truncatemod, [INTS, DIVISORS]), np.fmod(INTS, DIVISORS))
    x, y = np.array([-7.5, 7.5]), np.array([2.0, -2.0])
    np.testing.assert_array_equal(run_op(sc.truncatediv, [x, y]), [-3.0, -3.0])
    np.testing.assert_array_equal(run_op(sc.truncatemod, [x, y]), np.fmod(x, y))


def test_float_floordiv_and_floormod():
    x = np.array([-7.5, 7.5, -7.5, 1.0], np.float64)
    y = np.array([2.0, -2.0, -2.0, 0.3], np.float64)
    np.testing.assert_allclose(run_op(sc.floordiv, [x, y]), np.floor_divide(x, y))
    np.testing.assert_allclose(run_op(sc.mod, [x, y]), np.mod(x, y))


def test_integer_division_by_zero_is_a_run_time_error():
    for fn in (sc.floordiv, sc.floormod, sc.truncatediv, sc.truncatemod):
        with pytest.raises(InvalidArgumentError, match="Integer division by zero"):
            run_op(fn, [np.array([1, 2], np.int64), np.array([1, 0], np.int64)])


def test_floormod_gradient_and_floordiv_has_none():
    rng = np.random.default_rng(3)
    x, y = rng.uniform(1, 5, (2, 3)), rng.uniform(0.7, 1.3, (3,))
    check_gradients(sc.floormod, [x, y], rtol=1e-5)
    a = sc.constant([1.5])
    assert sc.gradients(sc.floordiv(a, 0.5), [a]) == [None]


def test_truediv_casts_integers_to_float_as_tf1():
    seven = sc.constant([7, -7], dtype=sc.int32)
    q = seven / 2
    assert q.dtype == sc.float64
    np.testing.assert_allclose(_run(q), [3.5, -3.5])
    assert sc.divide(seven, 2).dtype == sc.float64
    assert sc.truediv(sc.constant(7, dtype=sc.int64), 2).dtype == sc.float64
    np.testing.assert_array_equal(_run(sc.realdiv(seven, 2)), [3, -3])  # C's division


def test_div_is_python2_division():
    np.testing.assert_array_equal(_run(tf.div(sc.constant([-7, 7]), 2)), [-4, 3])
    np.testing.assert_allclose(_run(tf.div(sc.constant([-7.0, 7.0]), 2.0)), [-3.5, 3.5])


def test_atan2_forward_and_gradients():
    rng = np.random.default_rng(4)
    y, x = rng.uniform(-2, 2, (4,)), rng.uniform(-2, 2, (4,))
    np.testing.assert_allclose(run_op(sc.atan2, [y, x]), np.arctan2(y, x))
    check_gradients(sc.atan2, [y, x], rtol=1e-5)


def test_squared_difference():
    rng = np.random.default_rng(5)
    x, y = rng.standard_normal((2, 3)), rng.standard_normal((3,))
    np.testing.assert_allclose(run_op(sc.squared_difference, [x, y]), (x - y) ** 2)
    check_gradients(sc.squared_difference, [x, y])


# ---- logical ops and comparisons -------------------------------------------------


def test_logical_ops_broadcast():
    a = np.array([[True], [False]])
    b = np.array([True, False, True])
    np.testing.assert_array_equal(run_op(sc.logical_and, [a, b]), a & b)
    np.testing.assert_array_equal(run_op(sc.logical_or, [a, b]), a | b)
    np.testing.assert_array_equal(run_op(sc.logical_xor, [a, b]), a ^ b)
    np.testing.assert_array_equal(run_op(sc.logical_not, [b]), ~b)
    np.testing.assert_array_equal(run_op(lambda x, y: (x & y) | ~(x ^ y), [a, b]), (a & b) | ~(a ^ b))
    assert sc.logical_and(sc.constant(a), True).shape.as_list() == [2, 1]


def test_logical_ops_need_bool():
    with pytest.raises(TypeError, match="bool"):
        sc.logical_and(sc.constant([1.0]), sc.constant([0.0]))


@pytest.mark.parametrize(
    "name,ref",
    [
        ("equal", np.equal),
        ("not_equal", np.not_equal),
        ("less", np.less),
        ("less_equal", np.less_equal),
        ("greater", np.greater),
        ("greater_equal", np.greater_equal),
    ],
)
def test_comparisons_broadcast_and_pass_no_gradient(name, ref):
    x = np.array([[1.0, 2.0, 3.0]])
    y = np.array([[2.0], [3.0]])
    np.testing.assert_array_equal(run_op(getattr(sc, name), [x, y]), ref(x, y))
    ints = np.array([1, 5], np.int64)
    np.testing.assert_array_equal(run_op(getattr(sc, name), [ints, np.array([5], np.int64)]), ref(ints, 5))
    t = sc.constant([1.0, -1.0])
    masked = sc.cast(getattr(sc, name)(t, 0.0), sc.float32) * t
    np.testing.assert_allclose(_run(sc.gradients(masked, [t])[0]), ref(np.array([1.0, -1.0]), 0.0))


# ---- reductions -----------------------------------------------------------------

REDUCTIONS = [
    ("reduce_max", np.max),
    ("reduce_min", np.min),
    ("reduce_prod", np.prod),
    ("reduce_logsumexp", lambda x, axis, keepdims: np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims))),
]


@pytest.mark.parametrize("name,ref", REDUCTIONS)
@pytest.mark.parametrize("axis", [None, 0, 1, -1, [0, 2], (1, 2), []])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions_match_numpy(name, ref, axis, keepdims):
    x = np.random.default_rng(6).uniform(0.5, 1.5, (3, 4, 5))
    got = run_op(lambda t: getattr(sc, name)(t, axis=axis, keepdims=keepdims), [x])
    np_axis = tuple(axis) if isinstance(axis, (list, tuple)) else axis
    np.testing.assert_allclose(got, ref(x, axis=np_axis, keepdims=keepdims), rtol=1e-12)


@pytest.mark.parametrize("name", ["reduce_max", "reduce_min", "reduce_prod", "reduce_logsumexp"])
@pytest.mark.parametrize("axis", [None, 0, [0, 2]])
def test_reduction_gradients(name, axis):
    x = np.random.default_rng(7).uniform(0.5, 1.5, (3, 2, 4))
    check_gradients(lambda t: getattr(sc, name)(t, axis=axis), [x], rtol=1e-5)


def test_max_and_min_share_the_gradient_between_ties_as_tf1():
    x = sc.constant([[3.0, 1.0, 3.0, 3.0], [0.0, 2.0, 2.0, -1.0]])
    np.testing.assert_allclose(
        _run(sc.gradients(sc.reduce_max(x, axis=1), [x])[0]), [[1 / 3, 0, 1 / 3, 1 / 3], [0, 0.5, 0.5, 0]]
    )
    np.testing.assert_allclose(_run(sc.gradients(sc.reduce_min(x), [x])[0]), [[0, 0, 0, 0], [0, 0, 0, 1]])


def test_prod_gradient_with_zeros_as_tf1():
    x = sc.constant([[2.0, 0.0, 3.0], [0.0, 0.0, 5.0], [1.0, 2.0, 4.0]])
    g = _run(sc.gradients(sc.reduce_prod(x, axis=1), [x])[0])
    np.testing.assert_allclose(g, [[0.0, 6.0, 0.0], [0.0, 0.0, 0.0], [8.0, 4.0, 2.0]])


def test_logsumexp_is_stable():
    x = np.array([[1000.0, 1000.0], [-1000.0, -1001.0], [-np.inf, -np.inf]])
    got = run_op(lambda t: sc.reduce_logsumexp(t, axis=1), [x])
    np.testing.assert_allclose(got[:2], [1000 + math.log(2), -1000 + math.log1p(math.exp(-1))])
    assert got[2] == -np.inf  # the max is not finite: shift by 0, log(0) = -inf, as TF1


def test_logsumexp_gradient_at_large_values():
    x = sc.constant([1000.0, 1000.0])
    np.testing.assert_allclose(_run(sc.gradients(sc.reduce_logsumexp(x), [x])[0]), [0.5, 0.5])


def test_integer_and_empty_reductions():
    ints = np.array([[3, -7, 2], [4, 4, -1]], np.int32)
    np.testing.assert_array_equal(run_op(lambda t: sc.reduce_max(t, 1), [ints]), [3, 4])
    np.testing.assert_array_equal(run_op(lambda t: sc.reduce_min(t, 0), [ints]), [3, -7, -1])
    np.testing.assert_array_equal(run_op(lambda t: sc.reduce_prod(t, 1), [ints]), [-42, -16])
    empty = np.zeros((0, 2), np.float32)
    np.testing.assert_array_equal(run_op(lambda t: sc.reduce_max(t, 0), [empty]), [-np.inf, -np.inf])
    np.testing.assert_array_equal(run_op(lambda t: sc.reduce_min(t, 0), [empty]), [np.inf, np.inf])
    np.testing.assert_array_equal(run_op(lambda t: sc.reduce_prod(t, 0), [empty]), [1, 1])


def test_max_propagates_nan():
    x = np.array([1.0, np.nan, 3.0])
    assert np.isnan(run_op(sc.reduce_max, [x]))
    assert np.isnan(run_op(sc.reduce_min, [x]))


def test_all_and_any():
    b = np.array([[True, False, True], [True, True, True]])
    for axis in (None, 0, 1):
        np.testing.assert_array_equal(run_op(lambda t, a=axis: sc.reduce_all(t, a), [b]), np.all(b, axis=axis))
        np.testing.assert_array_equal(run_op(lambda t, a=axis: sc.reduce_any(t, a), [b]), np.any(b, axis=axis))
    assert run_op(sc.reduce_all, [np.zeros((0,), bool)]) == np.True_
    assert run_op(sc.reduce_any, [np.zeros((0,), bool)]) == np.False_
    with pytest.raises(TypeError, match="bool"):
        sc.reduce_any(sc.constant([1.0]))


def test_reduction_arguments_are_shared_with_reduce_sum():
    x = sc.constant([[1.0, 5.0], [3.0, 2.0]])
    with pytest.warns(DeprecationWarning, match="reduction_indices"):
        r = sc.reduce_max(x, reduction_indices=1)
    with pytest.warns(DeprecationWarning, match="keep_dims"):
        k = sc.reduce_min(x, 0, keep_dims=True)
    np.testing.assert_allclose(_run(r), [5.0, 3.0])
    np.testing.assert_allclose(_run(k), [[1.0, 2.0]])
    with pytest.raises(ValueError, match="axis 2 is out of range"):
        sc.reduce_prod(x, 2)
    with pytest.raises(ValueError, match="cannot specify both"):
        sc.reduce_logsumexp(x, 0, reduction_indices=0)
    with pytest.raises(TypeError, match="float32 or float64"):
        sc.reduce_logsumexp(sc.constant([1, 2]))


def test_reduction_shapes_keep_unknown_dimensions():
    x = sc.placeholder(sc.float32, [None, 4, 5])
    assert sc.reduce_max(x, 1).shape.as_list() == [None, 5]
    assert sc.reduce_prod(x, [0, 2], keepdims=True).shape.as_list() == [1, 4, 1]
    assert sc.reduce_logsumexp(x, 2).shape.as_list() == [None, 4]
    assert sc.argmin(x, 2).shape.as_list() == [None, 4]
    g = sc.gradients(sc.reduce_max(x, 1), [x])[0]
    value = np.random.default_rng(8).standard_normal((2, 4, 5)).astype(np.float32)
    got = _run(g, {x: value})
    np.testing.assert_array_equal(got, (value == value.max(axis=1, keepdims=True)).astype(np.float32))


# ---- argmin / argmax ------------------------------------------------------------


def test_argmin_argmax_first_index_on_ties():
    x = np.array([[3, 1, 3, 1], [0, 0, -2, 7]], np.int32)
    np.testing.assert_array_equal(run_op(lambda t: sc.argmax(t, 1), [x]), [0, 3])
    np.testing.assert_array_equal(run_op(lambda t: sc.argmin(t, 1), [x]), [1, 2])
    np.testing.assert_array_equal(run_op(lambda t: sc.argmin(t, 0), [x]), [1, 1, 1, 0])
    f = np.random.default_rng(9).standard_normal((3, 4, 5))
    for axis in (0, 1, -1):
        np.testing.assert_array_equal(run_op(lambda t, a=axis: sc.argmin(t, a), [f]), np.argmin(f, axis=axis))


def test_arg_min_arg_max_tf1_signatures():
    x = sc.constant([[1.0, 9.0, 3.0]])
    amax = tf.arg_max(x, 1, output_type=tf.int32)
    amin = tf.arg_min(x, dimension=1)
    assert amax.dtype == sc.int32 and amin.dtype == sc.int64
    assert _run(amax).tolist() == [1] and _run(amin).tolist() == [0]
    with pytest.warns(DeprecationWarning, match="dimension"):
        assert _run(tf.argmin(x, dimension=1)).tolist() == [0]
    with pytest.raises(ValueError, match="out of range"):
        sc.argmin(x, 2)


# ---- cumsum / cumprod -----------------------------------------------------------


def _np_scan(x, axis, exclusive, reverse, prod):
    op, ident = (np.cumprod, 1) if prod else (np.cumsum, 0)
    x = np.flip(x, axis) if reverse else x
    y = op(x, axis=axis)
    if exclusive:
        y = np.concatenate([np.full_like(np.take(y, [0], axis), ident), np.delete(y, -1, axis)], axis)
    return np.flip(y, axis) if reverse else y


@pytest.mark.parametrize("prod", [False, True])
@pytest.mark.parametrize("exclusive", [False, True])
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_scans_match_numpy(prod, exclusive, reverse, axis):
    x = np.random.default_rng(10).uniform(0.5, 1.5, (3, 4, 2))
    fn = sc.cumprod if prod else sc.cumsum
    got = run_op(lambda t: fn(t, axis, exclusive=exclusive, reverse=reverse), [x])
    np.testing.assert_allclose(got, _np_scan(x, axis, exclusive, reverse, prod), rtol=1e-12)
    check_gradients(lambda t: fn(t, axis, exclusive=exclusive, reverse=reverse), [x], rtol=1e-5)


def test_scan_example_and_integers():
    abc = np.array([1, 2, 4], np.int64)
    np.testing.assert_array_equal(run_op(lambda t: sc.cumsum(t, exclusive=True, reverse=True), [abc]), [6, 4, 0])
    np.testing.assert_array_equal(run_op(lambda t: sc.cumprod(t, exclusive=True), [abc]), [1, 1, 2])
    assert sc.cumsum(sc.placeholder(sc.float32, [None, 3]), 1).shape.as_list() == [None, 3]
    with pytest.raises(ValueError, match="axis 2 is out of range"):
        sc.cumsum(sc.constant([[1.0]]), 2)
    with pytest.raises(TypeError, match="single int"):
        sc.cumsum(sc.constant([[1.0]]), [0, 1])


# ---- clipping ---------------------------------------------------------------------


def test_clip_by_value_forward_and_gradient_zero_where_clipped():
    t = sc.constant([-2.0, -1.0, 0.5, 1.0, 3.0])
    y = sc.clip_by_value(t, -1.0, 1.0)
    np.testing.assert_allclose(_run(y), [-1.0, -1.0, 0.5, 1.0, 1.0])
    np.testing.assert_allclose(_run(sc.gradients(y, [t])[0]), [0.0, 1.0, 1.0, 1.0, 0.0])


def test_clip_by_value_with_tensor_bounds_and_bad_broadcast():
    t = sc.constant([[0.0, 5.0], [9.0, -3.0]])
    lo, hi = sc.constant([1.0, 0.0]), sc.constant([2.0, 4.0])
    np.testing.assert_allclose(_run(sc.clip_by_value(t, lo, hi)), [[1.0, 4.0], [2.0, 0.0]])
    with pytest.raises(ValueError, match="broadcast"):
        sc.clip_by_value(sc.constant([1.0, 2.0]), sc.constant([[0.0], [1.0]]), 3.0)


def test_clip_by_norm_axes_and_zero_input():
    value = np.array([[3.0, 4.0], [0.3, 0.4]])
    t = sc.constant(value)
    got = _run(sc.clip_by_norm(t, 1.0, axes=[1]))
    np.testing.assert_allclose(got, [[0.6, 0.8], [0.3, 0.4]])
    np.testing.assert_allclose(_run(sc.clip_by_norm(t, 1.0)), value / np.linalg.norm(value))
    zero = sc.constant([0.0, 0.0])
    z = sc.clip_by_norm(zero, 1.0)
    np.testing.assert_array_equal(_run(z), [0.0, 0.0])
    np.testing.assert_array_equal(_run(sc.gradients(z, [zero])[0]), [1.0, 1.0])
    check_gradients(lambda x: sc.clip_by_norm(x, 1.0, axes=1), [value])


# ---- TF1 names --------------------------------------------------------------------

TF1_NAMES = [
    "pow", "argmin", "argmax", "arg_min", "arg_max", "reduce_max", "reduce_min", "reduce_prod", "reduce_any",
    "reduce_all", "reduce_logsumexp", "logical_and", "logical_or", "logical_not", "logical_xor", "equal",
    "not_equal", "less", "less_equal", "greater", "greater_equal", "sin", "cos", "tan", "asin", "acos", "atan",
    "sinh", "cosh", "asinh", "acosh", "atanh", "sign", "round", "rint", "floor", "ceil", "log1p", "expm1",
    "rsqrt", "reciprocal", "erf", "erfc", "lgamma", "digamma", "is_nan", "is_inf", "is_finite", "cumsum",
    "cumprod", "clip_by_value", "clip_by_norm", "clip_by_global_norm", "squared_difference", "floordiv",
    "floor_div", "floormod", "mod", "truncatediv", "truncatemod", "truediv", "realdiv", "divide", "div", "add",
    "subtract", "multiply", "atan2",
]  # fmt: skip
TF_MATH_NAMES = [
    "pow", "argmin", "argmax", "reduce_max", "reduce_min", "reduce_prod", "reduce_any", "reduce_all",
    "reduce_logsumexp", "logical_and", "logical_or", "logical_not", "logical_xor", "sin", "cos", "tan", "asin",
    "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "sign", "round", "rint", "floor", "ceil", "log1p",
    "expm1", "rsqrt", "reciprocal", "erf", "erfc", "lgamma", "digamma", "is_nan", "is_inf", "is_finite", "cumsum",
    "cumprod", "floordiv", "floormod", "mod", "truediv", "divide", "atan2", "squared_difference", "less",
]  # fmt: skip


def test_tf1_names_exist():
    missing = [n for n in TF1_NAMES if not callable(getattr(tf, n, None))]
    assert not missing
    missing_math = [n for n in TF_MATH_NAMES if getattr(tf.math, n, None) is not getattr(tf, n)]
    assert not missing_math
    assert tf.math.reciprocal is tf.reciprocal and sc.mod is sc.floormod and sc.floor_div is sc.floordiv


def test_tf1_program_spellings():
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.reduce_logsumexp(tf.pow(x, 2.0) + tf.sin(x), axis=1, keepdims=True)
    pred = tf.equal(tf.argmax(x, 1), tf.arg_min(-x, 1))
    acc = tf.reduce_mean(tf.cast(pred, tf.float32))
    value = np.random.default_rng(11).standard_normal((4, 3)).astype(np.float32)
    with tf.Session() as sess:
        got_y, got_acc = sess.run([y, acc], {x: value})
    np.testing.assert_allclose(got_y[:, 0], np.log(np.exp(value**2 + np.sin(value)).sum(1)), rtol=1e-5)
    assert got_acc == 1.0


def test_composites_count_nonzero_variance_std_zero_fraction():
    x = np.array([[0.0, 1.5, -2.0], [0.0, 0.0, 4.0]])
    t = sc.constant(x)
    np.testing.assert_array_equal(_run(sc.count_nonzero(t, axis=1)), [2, 1])
    assert sc.count_nonzero(t).dtype == sc.int64
    assert _run(sc.count_nonzero(sc.constant([True, False, True]), dtype=sc.int32)) == 2
    np.testing.assert_allclose(_run(tf.math.reduce_variance(t, axis=0)), np.var(x, axis=0))
    np.testing.assert_allclose(_run(tf.math.reduce_std(t, keepdims=True)), np.std(x, keepdims=True))
    np.testing.assert_allclose(_run(tf.math.zero_fraction(t)), 0.5)
    np.testing.assert_allclose(_run(tf.scalar_mul(2.0, t)), 2 * x)
    np.testing.assert_allclose(_run(tf.accumulate_n([t, t])), 2 * x)
    check_gradients(lambda a: sc.reduce_std(a, 1), [x + np.array([[0.1], [0.2]])])
    with pytest.raises(ValueError, match="0-D"):
        tf.scalar_mul(sc.constant([1.0, 2.0]), t)


def test_xlogy_xdivy_are_zero_where_x_is_zero():
    x = np.array([0.0, 0.0, 2.0, 3.0])
    y = np.array([0.0, 2.0, 0.5, 4.0])
    np.testing.assert_array_equal(run_op(sc.xlogy, [x, y])[:2], [0.0, 0.0])
    np.testing.assert_allclose(run_op(sc.xlogy, [x, y])[2:], x[2:] * np.log(y[2:]))
    np.testing.assert_array_equal(run_op(sc.xdivy, [x, y]), [0.0, 0.0, 4.0, 0.75])
    rng = np.random.default_rng(12)
    a, b = rng.uniform(0.5, 2, (2, 3)), rng.uniform(0.5, 2, (3,))
    check_gradients(sc.xlogy, [a, b], rtol=1e-5)
    check_gradients(sc.xdivy, [a, b], rtol=1e-5)
    t, u = sc.constant([0.0, 1.0]), sc.constant([0.0, 2.0])
    gx, gy = _run(sc.gradients(sc.xlogy(t, u), [t, u]))
    np.testing.assert_allclose(gx, [0.0, math.log(2.0)])
    np.testing.assert_allclose(gy, [0.0, 0.5])


def test_reduce_euclidean_norm():
    x = np.array([[3.0, 4.0], [6.0, 8.0]])
    np.testing.assert_allclose(_run(tf.math.reduce_euclidean_norm(sc.constant(x), 1)), [5.0, 10.0])
    check_gradients(lambda a: sc.reduce_euclidean_norm(a, 0), [x])


@pytest.mark.parametrize("axis", [None, 0, 1, -1, [0, 2]])
def test_large_reductions_take_the_parallel_paths(axis):
    x = np.random.default_rng(13).uniform(-1, 1, (40, 300, 50)).astype(np.float32)
    x[3, 7, 11] = 5.0
    np_axis = tuple(axis) if isinstance(axis, list) else axis
    np.testing.assert_array_equal(run_op(lambda t: sc.reduce_max(t, axis), [x]), x.max(axis=np_axis))
    np.testing.assert_array_equal(run_op(lambda t: sc.reduce_min(t, axis), [x]), x.min(axis=np_axis))
    b = x > 0.999
    np.testing.assert_array_equal(run_op(lambda t: sc.reduce_any(t, axis), [b]), b.any(axis=np_axis))
    np.testing.assert_array_equal(run_op(lambda t: sc.reduce_all(t, axis), [~b]), (~b).all(axis=np_axis))


@pytest.mark.parametrize("axis", [0, 1, 2])
def test_large_scans_take_the_parallel_paths(axis):
    x = np.random.default_rng(14).integers(-5, 5, (30, 200, 40)).astype(np.int64)
    np.testing.assert_array_equal(run_op(lambda t: sc.cumsum(t, axis), [x]), np.cumsum(x, axis=axis))
    got = run_op(lambda t: sc.cumsum(t, axis, exclusive=True, reverse=True), [x])
    np.testing.assert_array_equal(got, _np_scan(x, axis, True, True, False))
