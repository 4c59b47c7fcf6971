"""Learning-rate schedules against independent numpy formulas (TF1's
tf.train.*_decay) at many steps: staircase, polynomial cycles, SGDR restarts
(computed here by walking the periods, not by TF's closed form), piecewise
boundaries; validation at construction."""

import math

import numpy as np
import pytest

import slimcore as tf

STEPS = list(range(161)) + [199, 200, 201, 1000, 12345]


def evaluate(make, steps=STEPS):
    step = tf.placeholder(tf.int64, [], name="step")
    lr = make(step)
    assert lr.dtype == tf.float32 and lr.shape.as_list() == []
    with tf.Session() as sess:
        return np.array([sess.run(lr, {step: s}) for s in steps])


def np_exponential(lr, s, decay_steps, rate, staircase):
    p = s / decay_steps
    return lr * rate ** (math.floor(p) if staircase else p)


def np_inverse_time(lr, s, decay_steps, rate, staircase):
    p = s / decay_steps
    return lr / (1 + rate * (math.floor(p) if staircase else p))


def np_natural_exp(lr, s, decay_steps, rate, staircase):
    p = s / decay_steps
    return lr * math.exp(-rate * (math.floor(p) if staircase else p))


def np_polynomial(lr, s, decay_steps, end, power, cycle):
    if cycle:
        decay_steps = decay_steps * (1 if s == 0 else math.ceil(s / decay_steps))
    else:
        s = min(s, decay_steps)
    return (lr - end) * (1 - s / decay_steps) ** power + end


def np_cosine(lr, s, decay_steps, alpha):
    s = min(s, decay_steps)
    return lr * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * s / decay_steps)) + alpha)


def np_cosine_restarts(lr, s, first, t_mul, m_mul, alpha):
    """SGDR by walking the periods: period i lasts first * t_mul^i and peaks at lr * m_mul^i."""
    start, period, i = 0.0, float(first), 0
    while s >= start + period:
        start, period, i = start + period, period * t_mul, i + 1
    fraction = (s - start) / period
    return lr * ((1 - alpha) * 0.5 * m_mul**i * (1 + math.cos(math.pi * fraction)) + alpha)


def np_piecewise(s, boundaries, values):
    for b, v in zip(boundaries, values):
        if s <= b:
            return v
    return values[-1]


CASES = {
    "exponential": (
        lambda st: tf.train.exponential_decay(0.1, st, 10, 0.5),
        lambda s: np_exponential(0.1, s, 10, 0.5, False),
    ),
    "exponential_staircase": (
        lambda st: tf.train.exponential_decay(0.1, st, 7, 0.9, staircase=True),
        lambda s: np_exponential(0.1, s, 7, 0.9, True),
    ),
    "inverse_time": (
        lambda st: tf.train.inverse_time_decay(0.2, st, 5, 0.3),
        lambda s: np_inverse_time(0.2, s, 5, 0.3, False),
    ),
    "inverse_time_staircase": (
        lambda st: tf.train.inverse_time_decay(0.2, st, 5, 0.3, staircase=True),
        lambda s: np_inverse_time(0.2, s, 5, 0.3, True),
    ),
    "natural_exp": (
        lambda st: tf.train.natural_exp_decay(0.3, st, 20, 0.4),
        lambda s: np_natural_exp(0.3, s, 20, 0.4, False),
    ),
    "natural_exp_staircase": (
        lambda st: tf.train.natural_exp_decay(0.3, st, 20, 0.4, staircase=True),
        lambda s: np_natural_exp(0.3, s, 20, 0.4, True),
    ),
    "polynomial": (
        lambda st: tf.train.polynomial_decay(0.1, st, 50),
        lambda s: np_polynomial(0.1, s, 50, 0.0001, 1.0, False),
    ),
    "polynomial_power": (
        lambda st: tf.train.polynomial_decay(0.1, st, 50, 0.01, power=2.0),
        lambda s: np_polynomial(0.1, s, 50, 0.01, 2.0, False),
    ),
    "polynomial_cycle": (
        lambda st: tf.train.polynomial_decay(0.1, st, 30, 0.01, power=0.5, cycle=True),
        lambda s: np_polynomial(0.1, s, 30, 0.01, 0.5, True),
    ),
    "cosine": (lambda st: tf.train.cosine_decay(0.1, st, 100), lambda s: np_cosine(0.1, s, 100, 0.0)),
    "cosine_alpha": (lambda st: tf.train.cosine_decay(0.1, st, 40, alpha=0.1), lambda s: np_cosine(0.1, s, 40, 0.1)),
    "restarts": (
        lambda st: tf.train.cosine_decay_restarts(0.1, st, 10),
        lambda s: np_cosine_restarts(0.1, s, 10, 2.0, 1.0, 0.0),
    ),
    "restarts_t1": (
        lambda st: tf.train.cosine_decay_restarts(0.1, st, 12, t_mul=1.0, m_mul=0.9),
        lambda s: np_cosine_restarts(0.1, s, 12, 1.0, 0.9, 0.0),
    ),
    "restarts_t3": (
        lambda st: tf.train.cosine_decay_restarts(0.1, st, 5, t_mul=3.0, m_mul=0.5, alpha=0.05),
        lambda s: np_cosine_restarts(0.1, s, 5, 3.0, 0.5, 0.05),
    ),
    "restarts_t1.5": (
        lambda st: tf.train.cosine_decay_restarts(0.1, st, 10, t_mul=1.5, m_mul=0.8),
        lambda s: np_cosine_restarts(0.1, s, 10, 1.5, 0.8, 0.0),
    ),
    # Restarts where log(1 - fraction (1 - t_mul)) / log(t_mul) rounds below an integer (step 121, 111).
    "restarts_t3_first1": (
        lambda st: tf.train.cosine_decay_restarts(0.1, st, 1, t_mul=3.0, m_mul=0.9),
        lambda s: np_cosine_restarts(0.1, s, 1, 3.0, 0.9, 0.0),
    ),
    "restarts_t10_first1": (
        lambda st: tf.train.cosine_decay_restarts(0.1, st, 1, t_mul=10.0),
        lambda s: np_cosine_restarts(0.1, s, 1, 10.0, 1.0, 0.0),
    ),
    "piecewise": (
        lambda st: tf.train.piecewise_constant(st, [10, 50, 100], [0.1, 0.05, 0.01, 0.001]),
        lambda s: np_piecewise(s, [10, 50, 100], [0.1, 0.05, 0.01, 0.001]),
    ),
    "piecewise_one": (
        lambda st: tf.train.piecewise_constant(st, [0], [1.0, 0.5]),
        lambda s: np_piecewise(s, [0], [1.0, 0.5]),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_schedule_matches_numpy(case):
    make, formula = CASES[case]
    got = evaluate(make)
    want = np.array([formula(s) for s in STEPS])
    np.testing.assert_allclose(got, want, rtol=2e-6, atol=1e-9)
    assert len(set(np.round(want, 7))) > 1  # not a constant case


def test_staircase_is_flat_within_a_period_and_drops_at_its_end():
    got = evaluate(lambda st: tf.train.exponential_decay(0.1, st, 10, 0.5, staircase=True), range(31))
    assert np.all(got[0:10] == np.float32(0.1))
    assert np.all(got[10:20] == np.float32(0.05))
    assert np.all(got[20:30] == np.float32(0.025))
    assert got[30] == np.float32(0.0125)


def test_restarts_peak_at_each_period_start():
    # t_mul=2, first 10: periods [0,10), [10,30), [30,70), [70,150): peaks lr * m_mul^i at their starts.
    got = evaluate(
        lambda st: tf.train.cosine_decay_restarts(0.1, st, 10, t_mul=2.0, m_mul=0.5), [0, 10, 30, 70, 150, 9, 29, 69]
    )
    np.testing.assert_allclose(got[:5], [0.1, 0.05, 0.025, 0.0125, 0.00625], rtol=1e-6)
    assert np.all(got[5:] < 0.003)  # just before a restart the rate is near its minimum


@pytest.mark.parametrize(
    "first, t_mul", [(1, 3.0), (2, 3.0), (1, 10.0), (3, 10.0), (4, 1.5), (7, 2.0), (5, 4.0), (1, 2.5)]
)
def test_restart_boundaries_start_a_new_period(first, t_mul):
    starts, start, period = [], 0.0, float(first)
    for _ in range(7):
        start, period = start + period, period * t_mul
        if start == int(start) and start < 1e7:
            starts.append(int(start))
    got = evaluate(lambda st: tf.train.cosine_decay_restarts(1.0, st, first, t_mul=t_mul, m_mul=1.0), starts)
    np.testing.assert_allclose(got, np.ones(len(starts)), rtol=1e-6)  # each restart is a peak


def test_piecewise_boundaries_belong_to_the_left_interval():
    got = evaluate(lambda st: tf.train.piecewise_constant(st, [10, 20], [1.0, 2.0, 3.0]), [9, 10, 11, 20, 21])
    np.testing.assert_array_equal(got, np.array([1.0, 1.0, 2.0, 2.0, 3.0], np.float32))


def test_polynomial_cycle_restarts_after_each_period():
    got = evaluate(lambda st: tf.train.polynomial_decay(1.0, st, 10, 0.0, cycle=True), [0, 5, 10, 11, 15, 20, 21])
    # step 0: 1; 5: 0.5; 10: 0 (end of period 1); 11: period 20 -> 1 - 11/20; 20: 0; 21: 1 - 21/30
    np.testing.assert_allclose(got, [1.0, 0.5, 0.0, 0.45, 0.25, 0.0, 0.3], rtol=1e-6, atol=1e-7)


def test_schedule_driven_by_the_global_step_variable():
    step = tf.train.get_or_create_global_step()
    lr = tf.train.exponential_decay(0.1, step, 2, 0.5)
    w = tf.Variable(np.zeros(3, np.float32))
    train = tf.train.GradientDescentOptimizer(lr).minimize(tf.reduce_sum(w), global_step=step)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        seen = []
        for _ in range(4):
            seen.append(sess.run(lr))
            sess.run(train)
        np.testing.assert_allclose(seen, [0.1 * 0.5 ** (t / 2) for t in range(4)], rtol=1e-6)
        np.testing.assert_allclose(sess.run(w), -np.full(3, sum(seen)), rtol=1e-6)


def test_float_global_step():
    step = tf.placeholder(tf.float32, [])
    lr = tf.train.cosine_decay(1.0, step, 4.0)
    with tf.Session() as sess:
        assert sess.run(lr, {step: 1.5}) == pytest.approx(0.5 * (1 + math.cos(math.pi * 1.5 / 4)), rel=1e-6)


@pytest.mark.parametrize(
    "make, error",
    [
        (lambda st: tf.train.exponential_decay(-0.1, st, 10, 0.5), ValueError),
        (lambda st: tf.train.exponential_decay(float("nan"), st, 10, 0.5), ValueError),
        (lambda st: tf.train.exponential_decay(float("inf"), st, 10, 0.5), ValueError),
        (lambda st: tf.train.exponential_decay(0.1, st, 0, 0.5), ValueError),
        (lambda st: tf.train.exponential_decay(0.1, st, -5, 0.5), ValueError),
        (lambda st: tf.train.exponential_decay(0.1, st, 10, -0.5), ValueError),
        (lambda st: tf.train.exponential_decay(0.1, st, 10, float("nan")), ValueError),
        (lambda st: tf.train.exponential_decay(0.1, None, 10, 0.5), ValueError),
        (lambda st: tf.train.exponential_decay("0.1", st, 10, 0.5), TypeError),
        (lambda st: tf.train.inverse_time_decay(0.1, st, 10, -1.0), ValueError),
        (lambda st: tf.train.natural_exp_decay(0.1, st, 10, -1.0), ValueError),
        (lambda st: tf.train.polynomial_decay(0.1, st, 0), ValueError),
        (lambda st: tf.train.polynomial_decay(0.1, st, 10, end_learning_rate=-1.0), ValueError),
        (lambda st: tf.train.polynomial_decay(0.1, st, 10, power=-1.0), ValueError),
        (lambda st: tf.train.cosine_decay(0.1, st, 0), ValueError),
        (lambda st: tf.train.cosine_decay(0.1, st, 10, alpha=-0.1), ValueError),
        (lambda st: tf.train.cosine_decay(0.1, st, 10, alpha=1.5), ValueError),
        (lambda st: tf.train.cosine_decay_restarts(0.1, st, 0), ValueError),
        (lambda st: tf.train.cosine_decay_restarts(0.1, st, 10, t_mul=0.0), ValueError),
        (lambda st: tf.train.cosine_decay_restarts(0.1, st, 10, m_mul=-1.0), ValueError),
        (lambda st: tf.train.piecewise_constant(st, [10, 20], [0.1, 0.01]), ValueError),
        (lambda st: tf.train.piecewise_constant(st, [20, 10], [0.1, 0.01, 0.001]), ValueError),
        (lambda st: tf.train.piecewise_constant(st, [10], [0.1, float("nan")]), ValueError),
    ],
)
def test_bad_arguments_raise_at_construction(make, error):
    step = tf.placeholder(tf.int64, [])
    with pytest.raises(error):
        make(step)


def test_global_step_must_be_a_numeric_scalar():
    with pytest.raises(ValueError, match="scalar"):
        tf.train.cosine_decay(0.1, tf.placeholder(tf.int64, [2]), 10)
