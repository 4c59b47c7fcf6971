"""Initializers: distribution parameters against docs/SEMANTICS.md section 5, seeds, errors.

Every random initializer is drawn on a large dense [a, b] or conv
[kh, kw, cin, cout] shape and checked against the formulas written out here,
independently of slimcore: the support (uniform limits, truncation at 2 sigma,
pinned to 0.2% from both sides, which separates contrib's sigma from core's),
the standard deviation (1%) and the mean.
"""

import math

import numpy as np
import pytest

import slimcore as sc
from slimcore import initializers as init

TRUNC_STD = 0.87962566103423978  # std of N(0, 1) cut at +-2

DENSE = [300, 700]  # fan_in 300, fan_out 700
CONV = [5, 5, 48, 96]  # fan_in 5*5*48 = 1200, fan_out 5*5*96 = 2400
FANS = {tuple(DENSE): (300, 700), tuple(CONV): (1200, 2400)}


def draw(initializer, shape, dtype=None):
    t = initializer(shape, dtype=dtype)
    with sc.Session() as sess:
        return sess.run(t)


def n_of(shape, mode):
    fan_in, fan_out = FANS[tuple(shape)]
    return {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[mode.lower()]


def assert_uniform(v, lo, hi):
    width = hi - lo
    assert v.min() >= lo - 1e-6 * abs(width) and v.max() <= hi + 1e-6 * abs(width)
    # The limits are reached: a narrower interval would fail here.
    assert v.min() < lo + 1e-3 * width and v.max() > hi - 1e-3 * width
    std = width / math.sqrt(12.0)
    assert v.std() == pytest.approx(std, rel=0.01)
    assert abs(v.mean() - (lo + hi) / 2) < 5 * std / math.sqrt(v.size)


def assert_truncated(v, sigma, mean=0.0):
    """Truncated normal with parameter sigma: every value within 2 sigma, both
    cut-offs reached (to 0.2%), realised std 0.8796 sigma."""
    d = v.astype(np.float64) - mean
    bound = 2.0 * sigma
    assert np.abs(d).max() <= bound * (1 + 1e-6)
    assert d.max() > bound * (1 - 2e-3) and d.min() < -bound * (1 - 2e-3)
    assert d.std() == pytest.approx(TRUNC_STD * sigma, rel=0.01)
    assert abs(d.mean()) < 5 * sigma / math.sqrt(v.size)


def assert_normal(v, std, mean=0.0):
    d = v.astype(np.float64) - mean
    assert d.std() == pytest.approx(std, rel=0.01)
    assert abs(d.mean()) < 5 * std / math.sqrt(v.size)
    # Not truncated: about 0.27% of the values lie beyond 3 std.
    assert np.mean(np.abs(d) > 3 * std) == pytest.approx(0.0027, rel=0.25)


# ---- fans ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "shape, fans",
    [
        ([], (1, 1)),
        ([7], (7, 7)),
        ([3, 5], (3, 5)),
        ([5, 5, 48, 96], (1200, 2400)),
        ([2, 3, 4, 5, 6], (2 * 3 * 4 * 5, 2 * 3 * 4 * 6)),
        (sc.TensorShape([4, 9]), (4, 9)),
    ],
)
def test_compute_fans(shape, fans):
    assert init.compute_fans(shape) == fans


# ---- TF1 core variance scaling ------------------------------------------------------
@pytest.mark.parametrize("shape", [DENSE, CONV])
@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "fan_avg"])
def test_core_variance_scaling_truncated_normal(shape, mode):
    scale = 2.0
    s = scale / max(1.0, n_of(shape, mode))
    v = draw(sc.variance_scaling_initializer(scale, mode, "truncated_normal", seed=11), shape)
    assert v.dtype == np.float32 and v.shape == tuple(shape)
    # sigma = sqrt(s) / 0.8796 so that the realised std is exactly sqrt(s).
    assert_truncated(v, math.sqrt(s) / TRUNC_STD)
    assert v.std() == pytest.approx(math.sqrt(s), rel=0.01)


@pytest.mark.parametrize("shape", [DENSE, CONV])
def test_core_variance_scaling_normal_is_the_truncated_normal(shape):
    s = 1.5 / n_of(shape, "fan_avg")
    v = draw(sc.variance_scaling_initializer(1.5, "fan_avg", "normal", seed=12), shape)
    assert_truncated(v, math.sqrt(s) / TRUNC_STD)


@pytest.mark.parametrize("shape", [DENSE, CONV])
@pytest.mark.parametrize("mode", ["fan_in", "fan_out"])
def test_core_variance_scaling_untruncated_normal(shape, mode):
    s = 1.0 / n_of(shape, mode)
    v = draw(sc.variance_scaling_initializer(1.0, mode, "untruncated_normal", seed=13), shape)
    assert_normal(v, math.sqrt(s))


@pytest.mark.parametrize("shape", [DENSE, CONV])
@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "fan_avg"])
def test_core_variance_scaling_uniform(shape, mode):
    s = 3.0 / n_of(shape, mode)
    limit = math.sqrt(3.0 * s)
    v = draw(sc.variance_scaling_initializer(3.0, mode, "uniform", seed=14), shape)
    assert_uniform(v, -limit, limit)


def test_core_variance_scaling_with_n_1_and_n_0():
    # n = fan_in = 1 for shape [1, 100000]: s = scale.
    v = draw(sc.variance_scaling_initializer(0.5, "fan_in", "uniform", seed=15), [1, 100000])
    assert_uniform(v, -math.sqrt(1.5), math.sqrt(1.5))
    # An empty kernel has n = 0: s = scale / max(1, n) does not divide by zero.
    for distribution in ("truncated_normal", "untruncated_normal", "uniform"):
        v = draw(sc.variance_scaling_initializer(1.0, "fan_in", distribution), [0, 5])
        assert v.shape == (0, 5)


def test_distribution_is_case_insensitive_as_tf():
    vs = sc.variance_scaling_initializer(1.0, "fan_in", "Uniform")
    assert vs.distribution == "uniform"


@pytest.mark.parametrize("shape", [DENSE, CONV])
def test_glorot_uniform(shape):
    fan_in, fan_out = FANS[tuple(shape)]
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    assert_uniform(draw(sc.glorot_uniform_initializer(seed=21), shape), -limit, limit)


@pytest.mark.parametrize("shape", [DENSE, CONV])
def test_glorot_normal(shape):
    fan_in, fan_out = FANS[tuple(shape)]
    std = math.sqrt(2.0 / (fan_in + fan_out))
    v = draw(sc.glorot_normal_initializer(seed=22), shape)
    assert_truncated(v, std / TRUNC_STD)
    assert v.std() == pytest.approx(std, rel=0.01)


def test_float64_initializers_give_float64():
    v = draw(sc.glorot_uniform_initializer(seed=1, dtype=sc.float64), DENSE)
    assert v.dtype == np.float64
    v = draw(sc.glorot_uniform_initializer(seed=1), DENSE, dtype=sc.float64)
    assert v.dtype == np.float64
    limit = math.sqrt(6.0 / 1000)
    assert_uniform(v, -limit, limit)


# ---- contrib / tf_slim ---------------------------------------------------------------
@pytest.mark.parametrize("shape", [DENSE, CONV])
@pytest.mark.parametrize("mode", ["FAN_IN", "FAN_OUT", "FAN_AVG"])
def test_contrib_variance_scaling_normal_sigma_is_sqrt_1_3_factor_over_n(shape, mode):
    factor = 2.0
    n = n_of(shape, mode)
    v = draw(init.contrib_variance_scaling_initializer(factor, mode, uniform=False, seed=31), shape)
    sigma = math.sqrt(1.3 * factor / n)
    assert_truncated(v, sigma)
    # The realised std is sqrt(1.0058 factor / n), not sqrt(factor / n) (trap 8.13).
    assert v.std() == pytest.approx(math.sqrt(1.3 * TRUNC_STD**2 * factor / n), rel=0.01)


@pytest.mark.parametrize("shape", [DENSE, CONV])
@pytest.mark.parametrize("mode", ["FAN_IN", "FAN_OUT", "FAN_AVG"])
def test_contrib_variance_scaling_uniform(shape, mode):
    factor = 2.0
    limit = math.sqrt(3.0 * factor / n_of(shape, mode))
    v = draw(init.contrib_variance_scaling_initializer(factor, mode, uniform=True, seed=32), shape)
    assert_uniform(v, -limit, limit)


def test_contrib_default_is_he_normal():
    n = 1200.0  # fan_in of CONV
    v = draw(init.contrib_variance_scaling_initializer(seed=33), CONV)
    assert_truncated(v, math.sqrt(1.3 * 2.0 / n))


def test_contrib_and_core_truncated_normals_differ():
    """Same factor/scale and mode, different sigma: contrib's cut-off is
    2 sqrt(1.3 f/n), core's 2 sqrt(f/n)/0.8796, 0.29% smaller."""
    n = 300.0
    core = draw(sc.variance_scaling_initializer(2.0, "fan_in", seed=34), DENSE)
    contrib = draw(init.contrib_variance_scaling_initializer(2.0, "FAN_IN", seed=34), DENSE)
    core_bound = 2 * math.sqrt(2.0 / n) / TRUNC_STD
    assert np.abs(core).max() <= core_bound * (1 + 1e-6)
    assert np.abs(contrib).max() > core_bound * (1 + 1e-3)


@pytest.mark.parametrize("shape", [DENSE, CONV])
def test_xavier_uniform(shape):
    fan_in, fan_out = FANS[tuple(shape)]
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    assert_uniform(draw(init.xavier_initializer(seed=41), shape), -limit, limit)
    assert_uniform(draw(init.xavier_initializer_conv2d(seed=41), shape), -limit, limit)


@pytest.mark.parametrize("shape", [DENSE, CONV])
def test_xavier_normal(shape):
    fan_in, fan_out = FANS[tuple(shape)]
    v = draw(init.xavier_initializer(uniform=False, seed=42), shape)
    assert_truncated(v, math.sqrt(2.6 / (fan_in + fan_out)))


# ---- plain random initializers ------------------------------------------------------------
def test_random_uniform_initializer():
    assert_uniform(draw(sc.random_uniform_initializer(-1.0, 3.0, seed=51), DENSE), -1.0, 3.0)
    assert_uniform(draw(sc.random_uniform_initializer(seed=52), DENSE), 0.0, 1.0)  # maxval None: 1


def test_random_normal_initializer():
    assert_normal(draw(sc.random_normal_initializer(0.5, 0.2, seed=53), DENSE), 0.2, mean=0.5)


def test_truncated_normal_initializer():
    assert_truncated(draw(sc.truncated_normal_initializer(1.0, 0.5, seed=54), DENSE), 0.5, mean=1.0)


# ---- constant, zeros, ones ---------------------------------------------------------------
def test_constant_scalar_fills_the_shape():
    v = draw(sc.constant_initializer(0.25), [2, 3])
    np.testing.assert_array_equal(v, np.full([2, 3], 0.25, np.float32))
    assert v.dtype == np.float32


def test_constant_short_list_is_padded_with_its_last_value():
    v = draw(sc.constant_initializer([1.0, 2.0, 3.0]), [2, 3])
    np.testing.assert_array_equal(v, [[1, 2, 3], [3, 3, 3]])


def test_constant_array_is_laid_out_row_major_into_the_shape():
    v = draw(sc.constant_initializer(np.arange(6).reshape(2, 3)), [3, 2])
    np.testing.assert_array_equal(v, np.arange(6).reshape(3, 2))


def test_constant_too_many_values():
    with pytest.raises(ValueError, match="too many elements"):
        sc.constant_initializer([1.0, 2.0, 3.0])([2])


def test_constant_empty_value():
    with pytest.raises(ValueError, match="empty"):
        sc.constant_initializer([])([2])


def test_constant_verify_shape():
    c = sc.constant_initializer([[1.0, 2.0], [3.0, 4.0]], verify_shape=True)
    np.testing.assert_array_equal(draw(c, [2, 2]), [[1, 2], [3, 4]])
    with pytest.raises(TypeError, match="expected shape"):
        c([4])
    with pytest.raises(TypeError):
        sc.constant_initializer([1.0, 2.0], verify_shape=True)([2, 1])


def test_constant_dtypes():
    v = draw(sc.constant_initializer([1, 2], dtype=sc.int32), [3])
    assert v.dtype == np.int32
    np.testing.assert_array_equal(v, [1, 2, 2])
    v = draw(sc.constant_initializer(0.1), [2], dtype=sc.float64)
    assert v.dtype == np.float64 and v[0] == 0.1  # exact in float64, not rounded via float32


def test_constant_rejects_tensors_and_strings():
    with pytest.raises(TypeError):
        sc.constant_initializer(sc.constant(1.0))
    with pytest.raises(TypeError):
        sc.constant_initializer("one")


@pytest.mark.parametrize(
    "dtype, np_dtype", [(sc.float32, np.float32), (sc.float64, np.float64), (sc.int32, np.int32), (sc.int64, np.int64)]
)
def test_zeros_and_ones_with_dtypes(dtype, np_dtype):
    z = draw(sc.zeros_initializer(dtype=dtype), [2, 3])
    o = draw(sc.ones_initializer(dtype=dtype), [4])
    assert z.dtype == np_dtype and o.dtype == np_dtype
    np.testing.assert_array_equal(z, np.zeros([2, 3]))
    np.testing.assert_array_equal(o, np.ones([4]))
    # The dtype given at the call wins (what get_variable passes).
    assert draw(sc.zeros_initializer(), [2], dtype=dtype).dtype == np_dtype


# ---- seeds --------------------------------------------------------------------------------
def _initial_values(graph, variables):
    with sc.Session(graph=graph) as sess:
        sess.run(sc.variables_initializer(variables))
        return sess.run(variables)


def test_same_initializer_seed_same_values_in_new_sessions_and_graphs():
    def build():
        g = sc.Graph()
        with g.as_default():
            v = sc.get_variable("w", [50, 40], initializer=sc.glorot_uniform_initializer(seed=7))
        return g, v

    g1, v1 = build()
    first = _initial_values(g1, [v1])[0]
    again = _initial_values(g1, [v1])[0]
    g2, v2 = build()
    other_graph = _initial_values(g2, [v2])[0]
    np.testing.assert_array_equal(first, again)
    np.testing.assert_array_equal(first, other_graph)


def test_one_seeded_initializer_gives_two_variables_the_same_values():
    # As TF1: same op seed, same graph seed -> the same stream.
    seeded = sc.truncated_normal_initializer(stddev=0.1, seed=3)
    a = sc.get_variable("a", [20, 20], initializer=seeded)
    b = sc.get_variable("b", [20, 20], initializer=seeded)
    va, vb = _initial_values(sc.get_default_graph(), [a, b])
    np.testing.assert_array_equal(va, vb)


def test_different_initializer_seeds_differ():
    a = sc.get_variable("a", [20, 20], initializer=sc.glorot_normal_initializer(seed=1))
    b = sc.get_variable("b", [20, 20], initializer=sc.glorot_normal_initializer(seed=2))
    va, vb = _initial_values(sc.get_default_graph(), [a, b])
    assert not np.array_equal(va, vb)


def test_graph_seed_makes_a_whole_graph_repeat():
    def build(seed):
        g = sc.Graph()
        with g.as_default():
            sc.set_random_seed(seed)
            with sc.variable_scope("net"):
                vs = [
                    sc.get_variable("w1", [30, 20]),  # default glorot_uniform
                    sc.get_variable("w2", [20, 10], initializer=init.xavier_initializer(False)),
                    sc.get_variable("w3", [10], initializer=sc.random_normal_initializer()),
                ]
        return g, vs

    run1 = _initial_values(*build(1234))
    run2 = _initial_values(*build(1234))
    run3 = _initial_values(*build(4321))
    for x, y in zip(run1, run2):
        np.testing.assert_array_equal(x, y)
    for x, y in zip(run1, run3):
        assert not np.array_equal(x, y)
    # Within one graph the unseeded initializers still get distinct streams.
    assert not np.array_equal(run1[0][:10, :10], run1[1][:10, :10])


def test_no_seed_at_all_differs_between_graphs():
    def build():
        g = sc.Graph()
        with g.as_default():
            v = sc.get_variable("w", [20, 20])
        return _initial_values(g, [v])[0]

    assert not np.array_equal(build(), build())


# ---- errors -------------------------------------------------------------------------------
@pytest.mark.parametrize("scale", [0.0, -1.0, float("nan")])
def test_core_variance_scaling_rejects_non_positive_scale(scale):
    with pytest.raises(ValueError, match="scale"):
        sc.variance_scaling_initializer(scale)


def test_core_variance_scaling_rejects_non_numeric_scale():
    with pytest.raises(TypeError):
        sc.variance_scaling_initializer("2")


@pytest.mark.parametrize("mode", ["FAN_IN", "fan_sum", None])
def test_core_variance_scaling_rejects_bad_mode(mode):
    with pytest.raises(ValueError, match="mode"):
        sc.variance_scaling_initializer(1.0, mode)


@pytest.mark.parametrize("distribution", ["gaussian", "truncated", 3])
def test_core_variance_scaling_rejects_bad_distribution(distribution):
    with pytest.raises(ValueError, match="distribution"):
        sc.variance_scaling_initializer(1.0, "fan_in", distribution)


@pytest.mark.parametrize("mode", ["fan_in", "FAN_SUM"])
def test_contrib_variance_scaling_rejects_bad_mode_with_type_error(mode):
    with pytest.raises(TypeError, match="Unknown mode"):
        init.contrib_variance_scaling_initializer(2.0, mode)


@pytest.mark.parametrize("factor", [0.0, -2.0, float("nan")])
def test_contrib_variance_scaling_rejects_bad_factor(factor):
    with pytest.raises(ValueError, match="factor"):
        init.contrib_variance_scaling_initializer(factor)


def test_random_uniform_initializer_rejects_empty_interval():
    with pytest.raises(ValueError, match="maxval"):
        sc.random_uniform_initializer(1.0, 1.0)


def test_random_normal_initializers_reject_negative_stddev():
    with pytest.raises(ValueError, match="stddev"):
        sc.random_normal_initializer(stddev=-1.0)
    with pytest.raises(ValueError, match="stddev"):
        sc.truncated_normal_initializer(stddev=-1.0)


RANDOM_FACTORIES = [
    lambda dtype: sc.random_uniform_initializer(dtype=dtype),
    lambda dtype: sc.random_normal_initializer(dtype=dtype),
    lambda dtype: sc.truncated_normal_initializer(dtype=dtype),
    lambda dtype: sc.variance_scaling_initializer(dtype=dtype),
    lambda dtype: sc.glorot_uniform_initializer(dtype=dtype),
    lambda dtype: sc.glorot_normal_initializer(dtype=dtype),
    lambda dtype: init.contrib_variance_scaling_initializer(dtype=dtype),
    lambda dtype: init.xavier_initializer(dtype=dtype),
]


@pytest.mark.parametrize("factory", RANDOM_FACTORIES)
@pytest.mark.parametrize("dtype", [sc.int32, sc.int64, sc.bool])
def test_random_initializers_reject_non_float_dtypes(factory, dtype):
    with pytest.raises(TypeError, match="floating point"):
        factory(dtype)
    # Given at the call instead (as get_variable does):
    with pytest.raises(TypeError, match="floating point"):
        factory(sc.float32)([3, 3], dtype=dtype)


def test_non_float_dtype_error_is_also_tf1_cores_value_error():
    with pytest.raises(ValueError, match=r"expected a floating point dtype .* got int32"):
        sc.glorot_uniform_initializer(dtype=sc.int32)
    with pytest.raises(ValueError, match=r"expected a floating point dtype .* got int32"):
        sc.get_variable("w", [2, 2], dtype=sc.int32, initializer=sc.glorot_uniform_initializer())


def test_reprs_show_settings():
    assert "factor=1.0" in repr(init.xavier_initializer()) and "FAN_AVG" in repr(init.xavier_initializer())
    r = repr(sc.variance_scaling_initializer(2.0, "fan_out", "uniform"))
    assert "scale=2.0" in r and "fan_out" in r and "uniform" in r
