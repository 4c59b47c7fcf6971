"""Random ops: distributions, TF1 seeding rules, determinism."""

import numpy as np
import pytest

import slimcore as sc
from slimcore.ops import random_ops


def _draw(op, runs=1, graph=None):
    with sc.Session(graph=graph or sc.get_default_graph()) as sess:
        return [sess.run(op) for _ in range(runs)]


def test_uniform_range_and_moments():
    t = random_ops.random_uniform([200000], minval=-2.0, maxval=3.0, seed=1)
    (v,) = _draw(t)
    assert v.dtype == np.float32 and v.min() >= -2.0 and v.max() < 3.0
    assert abs(v.mean() - 0.5) < 0.02 and abs(v.var() - 25 / 12) < 0.03


def test_normal_moments():
    (v,) = _draw(random_ops.random_normal([200000], mean=1.0, stddev=2.0, dtype=sc.float64, seed=2))
    assert v.dtype == np.float64
    assert abs(v.mean() - 1.0) < 0.02 and abs(v.std() - 2.0) < 0.02


def test_truncated_normal_is_cut_at_two_sigma():
    (v,) = _draw(random_ops.truncated_normal([200000], mean=0.5, stddev=0.1, seed=3))
    assert np.all(np.abs(v - 0.5) <= 0.2 + 1e-6)
    # The standard deviation of N(0,1) cut at +-2 is 0.87962566.
    assert abs(v.std() / 0.1 - 0.87962566) < 0.01


def test_same_seeds_repeat_in_new_sessions_and_runs_continue_the_stream():
    sc.get_default_graph().seed = None
    t = random_ops.random_uniform([5], seed=7)
    a1, a2 = _draw(t, runs=2)
    b1, b2 = _draw(t, runs=2)
    np.testing.assert_array_equal(a1, b1)
    np.testing.assert_array_equal(a2, b2)
    assert not np.array_equal(a1, a2)


def test_graph_seed_makes_whole_programs_repeat():
    def build():
        g = sc.Graph()
        with g.as_default():
            random_ops.set_random_seed(42)
            return g, [random_ops.random_normal([4]), random_ops.random_normal([4])]

    g1, ops1 = build()
    g2, ops2 = build()
    v1 = _draw(ops1, graph=g1)[0]
    v2 = _draw(ops2, graph=g2)[0]
    np.testing.assert_array_equal(v1[0], v2[0])
    np.testing.assert_array_equal(v1[1], v2[1])
    assert not np.array_equal(v1[0], v1[1])  # op seeds differ


def test_seed_rules_follow_tensorflow():
    g = sc.Graph()
    with g.as_default():
        assert random_ops.get_seed(5) == (random_ops.DEFAULT_GRAPH_SEED, 5)
        random_ops.set_random_seed(3)
        assert random_ops.get_seed(5) == (3, 5)
        assert random_ops.get_seed(None) == (3, g._c.num_nodes())
    with pytest.raises(TypeError):
        random_ops.set_random_seed(1.5)


def test_independent_of_thread_count():
    t = random_ops.random_normal([100000], seed=11)
    sc.set_num_threads(1)
    (one,) = _draw(t)
    sc.set_num_threads(2)
    (two,) = _draw(t)
    np.testing.assert_array_equal(one, two)


def test_errors():
    with pytest.raises(ValueError, match="maxval"):
        random_ops.random_uniform([3], minval=1.0, maxval=0.5)
    with pytest.raises(ValueError, match="stddev"):
        random_ops.random_normal([3], stddev=-1.0)
    with pytest.raises(ValueError, match="Must specify maxval for integer dtype int32"):
        random_ops.random_uniform([3], dtype=sc.int32)  # integers need maxval, as TF1
    with pytest.raises(TypeError, match="float"):
        random_ops.random_normal([3], dtype=sc.int32)
    with pytest.raises(ValueError, match="fully defined"):
        random_ops.truncated_normal([None, 3])
    with pytest.raises(TypeError):
        random_ops.random_normal([3], mean="zero")
