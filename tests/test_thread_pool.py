"""The pool under every parallel kernel (cpp/src/parallel.h): a region of n
threads runs on n distinct threads, the caller being thread 0, and its
barrier holds; set_num_threads / ConfigProto size it; the same pool serves
every region; results are repeatable for a thread count and the loops
without a reduction agree with one thread bit for bit; host callbacks run
on the thread that called Session.run, never on a pool thread; and a child
forked (multiprocessing 'fork') after the pool started runs parallel kernels
without hanging."""

import multiprocessing
import threading

import numpy as np
import pytest

import slimcore as tf
from slimcore import _core

probe = _core.testing.parallel_region_threads


@pytest.fixture
def two_threads():
    saved = tf.get_num_threads()
    tf.set_num_threads(2)
    yield
    tf.set_num_threads(saved)


def test_a_region_runs_on_distinct_threads_the_caller_first(two_threads):
    ids = probe(2)
    assert len(ids) == 2
    assert ids[0] == threading.get_native_id()
    assert ids[1] != ids[0]


def test_the_same_pool_threads_serve_every_region(two_threads):
    first = probe(2)
    assert all(probe(2) == first for _ in range(50))


def test_a_team_of_eight_meets_at_its_barrier():
    # More threads than cores: threads block at the barrier and are woken.
    saved = tf.get_num_threads()
    try:
        tf.set_num_threads(min(8, tf.max_num_threads()))
        for _ in range(20):
            ids = probe(min(8, tf.max_num_threads()))
            assert len(set(ids)) == len(ids) == min(8, tf.max_num_threads())
        # Smaller teams on the grown pool: the workers outside them stay out.
        for team in [2, 3, 2] * 10:
            assert len(set(probe(team))) == team
    finally:
        tf.set_num_threads(saved)


def test_team_outside_the_limits_is_refused():
    with pytest.raises(ValueError, match=r"team must be in \[1, 64\], got 0"):
        probe(0)
    with pytest.raises(ValueError, match=r"team must be in \[1, 64\], got 65"):
        probe(65)


def _big_graph():
    rng = np.random.RandomState(3)
    x_data = rng.randn(300, 517).astype(np.float32)
    w_data = rng.randn(517, 129).astype(np.float32)
    g = tf.Graph()
    with g.as_default():
        x = tf.constant(x_data)
        w = tf.constant(w_data)
        y = tf.tanh(tf.matmul(x, w))  # MatMul split over the pool, elementwise in chunks
        outs = [y, tf.reduce_sum(y * y), tf.matmul(x, w, transpose_a=False) * 2.0 + 1.0]
    return g, outs


def _run_with_threads(n):
    g, outs = _big_graph()
    config = tf.ConfigProto(intra_op_parallelism_threads=n)
    with tf.Session(graph=g, config=config) as sess:
        return [sess.run(outs) for _ in range(3)]


def test_results_are_repeatable_for_a_thread_count_and_elementwise_agrees_with_one_thread():
    two = _run_with_threads(2)
    for run in two[1:]:
        for a, b in zip(run, two[0]):
            np.testing.assert_array_equal(a, b)
    one = _run_with_threads(1)[0]
    # tanh of the same products: MatMul's slices are whole rows/columns of
    # one GEMM each, elementwise chunks compute each element alone.
    np.testing.assert_allclose(two[0][0], one[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(two[0][1], one[1], rtol=1e-4)


def test_session_config_sets_the_team_of_its_runs():
    saved = tf.get_num_threads()
    try:
        tf.set_num_threads(1)
        g = tf.Graph()
        with g.as_default():
            seen = tf.py_func(lambda: np.int64(tf.get_num_threads()), [], tf.int64)
        with tf.Session(graph=g, config=tf.ConfigProto(intra_op_parallelism_threads=2)) as sess:
            assert sess.run(seen) == 2
        assert tf.get_num_threads() == 1  # restored after the run
    finally:
        tf.set_num_threads(saved)


def test_host_callbacks_run_on_the_thread_that_called_run(two_threads):
    big = np.random.RandomState(1).randn(256, 256).astype(np.float32)
    threads = []
    g = tf.Graph()
    with g.as_default():
        a = tf.constant(big)
        b = tf.matmul(a, a)  # parallel on the pool before and after the callback

        def record(m):
            threads.append(threading.get_native_id())
            return m

        c = tf.py_func(record, [b], tf.float32)
        d = tf.reduce_sum(tf.matmul(c, a))
    with tf.Session(graph=g) as sess:
        for _ in range(3):
            sess.run(d)
    assert threads == [threading.get_native_id()] * 3
    assert threading.get_native_id() not in probe(2)[1:]


def _child_work(queue):
    tf.set_num_threads(2)
    queue.put((probe(2), _run_with_threads(2)[0][1]))


def test_a_forked_child_runs_parallel_kernels_without_hanging(two_threads):
    parent_ids = probe(2)  # the pool has started
    expected = _run_with_threads(2)[0][1]
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_child_work, args=(queue,))
    child.start()
    child.join(timeout=120)  # a bound only so that a hang fails instead of stalling the suite
    if child.is_alive():
        child.kill()
        pytest.fail("a child forked after the pool started hung in a parallel region")
    assert child.exitcode == 0
    child_ids, child_sum = queue.get(timeout=10)
    assert len(child_ids) == 2 and child_ids[0] != child_ids[1]
    assert set(child_ids).isdisjoint(parent_ids)  # the child's own threads
    np.testing.assert_array_equal(child_sum, expected)
