"""Memory by liveness (cpp/src/buffer_planner.h): outputs whose live
intervals are disjoint share buffers, elementwise ops write over a dying
input. Planning must not change a single bit of any result, must hold fewer
bytes than one buffer per output, and must keep steady-state runs free of
allocations. SLIMCORE_PLAN_BUFFERS=0 (read when a plan is made) is the
unplanned reference."""

import numpy as np
import pytest

import slimcore as tf
from slimcore import _core


def _runs(build, planned, monkeypatch, runs=3):
    """Values of `runs` runs of the step that build() returns, in a fresh
    graph and session, with buffer planning on or off."""
    monkeypatch.setenv("SLIMCORE_PLAN_BUFFERS", "1" if planned else "0")
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(0)
        step = build()
        with tf.Session(graph=graph) as sess:
            sess.run(tf.global_variables_initializer())
            return [[np.asarray(v) for v in step(sess, i)] for i in range(runs)]


def _assert_bitwise_equal(build, monkeypatch, runs=3):
    planned = _runs(build, True, monkeypatch, runs)
    unplanned = _runs(build, False, monkeypatch, runs)
    for run, (a_run, b_run) in enumerate(zip(planned, unplanned)):
        for i, (a, b) in enumerate(zip(a_run, b_run)):
            assert a.dtype == b.dtype and a.shape == b.shape, (run, i)
            assert a.tobytes() == b.tobytes(), f"run {run}, fetch {i} differs with buffer planning"


def _data(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def _mlp_training():
    x = tf.placeholder(tf.float32, [None, 12])
    labels = tf.placeholder(tf.int64, [None])
    h1 = tf.layers.dense(x, 16, activation=tf.tanh)
    h2 = tf.layers.dense(h1, 16, activation=tf.nn.relu)
    logits = tf.layers.dense(h2 + h1, 5)
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    (g_h1,) = tf.gradients(loss, [h1])
    train = tf.train.AdamOptimizer(0.01).minimize(loss)
    feed = {x: _data(8, 12), labels: np.arange(8) % 5}
    # fetches an intermediate (h1) that in-place ops would otherwise overwrite
    return lambda sess, i: sess.run([loss, h1, g_h1, train], feed)[:3]


def _cond():
    x = tf.placeholder(tf.float32, [4, 6])
    pred = tf.placeholder(tf.bool, [])
    shared = tf.nn.relu(x * 2.0 - 0.5)
    out = tf.cond(pred, lambda: tf.tanh(shared + 1.0) * 3.0, lambda: tf.square(shared - x) + shared)
    total = tf.reduce_sum(out * out)
    feed_x = _data(4, 6)
    return lambda sess, i: sess.run([out, total], {x: feed_x, pred: i % 2 == 0})


def _while_loop():
    x = tf.placeholder(tf.float32, [3, 5])
    w = tf.Variable(_data(5, 5, seed=1) * 0.3)

    def body(i, h):
        return i + 1, tf.tanh(tf.matmul(h, w) + x) * 0.9 + h * 0.1

    _, h = tf.while_loop(lambda i, h: i < 4, body, [tf.constant(0), x])
    loss = tf.reduce_sum(tf.square(h))
    (g,) = tf.gradients(loss, [w])
    train = tf.assign_sub(w, g * 0.1)
    feed = {x: _data(3, 5)}
    return lambda sess, i: sess.run([h, loss, g, train], feed)[:3]


def _in_place_chain():
    x = tf.placeholder(tf.float32, [7, 9])
    y = x * 2.0  # fetched: keeps its own buffer, nothing writes over it
    z = tf.nn.relu(y - 1.0)
    a = z + z  # one dying tensor read twice
    b = tf.nn.relu6(a * 3.0) - tf.tanh(a)  # `a` is read twice: no in-place over it before the last read
    c = tf.add_n([b, b * 0.5, tf.square(b)])
    return lambda sess, i: sess.run([y, c, tf.reduce_sum(c)], {x: _data(7, 9, seed=i)})


def _host_callback():
    x = tf.placeholder(tf.float32, [5, 4])
    h = tf.nn.relu(x - 0.1)
    doubled = tf.py_func(lambda a: (a * 2).astype(np.float32), [h], tf.float32)
    doubled.set_shape([5, 4])
    out = tf.tanh(doubled + h) + tf.reshape(tf.identity(h), [5, 4])
    return lambda sess, i: sess.run([out], {x: _data(5, 4, seed=i)})


def _cond_on_a_computed_predicate():
    # The predicate is an op output that the guards of the branch steps and
    # the cond's Merge read: it must stay valid until the last of them.
    x = tf.placeholder(tf.float32, [6, 6])
    sign = tf.placeholder(tf.float32, [])
    pred = tf.reduce_mean(x * sign) > 0.0
    h = tf.tanh(x * 3.0)
    big = [tf.nn.relu(h + float(k)) for k in range(4)]  # buffers that could take the predicate's
    out = tf.cond(pred, lambda: tf.add_n(big) * 2.0, lambda: tf.square(big[0]) - big[3])
    feed_x = _data(6, 6) + 0.1
    return lambda sess, i: sess.run([out], {x: feed_x, sign: 1.0 if i % 2 else -1.0})


@pytest.mark.parametrize(
    "build", [_mlp_training, _cond, _cond_on_a_computed_predicate, _while_loop, _in_place_chain, _host_callback]
)
def test_planning_keeps_every_result_bitwise(build, monkeypatch):
    _assert_bitwise_equal(build, monkeypatch)


def _held_bytes(monkeypatch, planned, depth=30, size=256):
    """Bytes a session holds after running a deep elementwise chain on a
    fed [size, size] float32 tensor (the fed array is numpy's)."""
    monkeypatch.setenv("SLIMCORE_PLAN_BUFFERS", "1" if planned else "0")
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [size, size])
        h = x
        for _ in range(depth):
            h = tf.tanh(h * 1.01 + 0.5)
        total = tf.reduce_sum(h)
        data = _data(size, size)
        before = _core.testing.allocated_bytes()
        with tf.Session(graph=graph) as sess:
            value = sess.run(total, {x: data})
            held = _core.testing.allocated_bytes() - before
    return held, value


def test_deep_chain_holds_one_buffer_instead_of_one_per_op(monkeypatch):
    buffer = 256 * 256 * 4
    planned, planned_value = _held_bytes(monkeypatch, True)
    unplanned, unplanned_value = _held_bytes(monkeypatch, False)
    assert planned_value == unplanned_value
    assert unplanned > 80 * buffer  # three buffers per link (mul, add, tanh), thirty links
    # in place: every link writes over the previous one's output, so one
    # buffer serves the chain (ping-pong between two without in-place)
    assert planned < 1.5 * buffer


def test_training_peak_bytes_go_down(monkeypatch):
    """The high-water mark of a training step of a deep MLP: activations
    must live until the backward pass, but gradients and temporaries share."""

    # Epilogue fusion (fusion_pass.h) off: it saves buffers of its own, which
    # would shrink the unplanned baseline this compares with.
    monkeypatch.setenv("SLIMCORE_FUSION", "0")

    def peak(planned):
        monkeypatch.setenv("SLIMCORE_PLAN_BUFFERS", "1" if planned else "0")
        graph = tf.Graph()
        with graph.as_default():
            x = tf.placeholder(tf.float32, [64, 128])
            h = x
            for _ in range(12):
                h = tf.layers.dense(h, 128, activation=tf.nn.relu)
            loss = tf.reduce_mean(tf.square(h))
            train = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
            data = _data(64, 128)
            with tf.Session(graph=graph) as sess:
                sess.run(tf.global_variables_initializer())
                base = _core.testing.allocated_bytes()
                _core.testing.reset_peak_allocated_bytes()
                for _ in range(3):
                    sess.run(train, {x: data})
                return _core.testing.peak_allocated_bytes() - base

    planned, unplanned = peak(True), peak(False)
    assert planned < 0.6 * unplanned, (planned, unplanned)


def test_steady_state_runs_allocate_nothing_with_both_branches_of_a_cond(monkeypatch):
    """Buffers stay assigned per output: once each branch ran, runs that
    switch between them allocate no tensor buffers."""
    monkeypatch.setenv("SLIMCORE_PLAN_BUFFERS", "1")
    x = tf.placeholder(tf.float32, [16, 8])
    pred = tf.placeholder(tf.bool, [])
    w = tf.Variable(_data(8, 8) * 0.1)
    h = tf.nn.relu(tf.matmul(x, w))
    out = tf.cond(pred, lambda: tf.tanh(h) * 2.0, lambda: tf.square(h) + 1.0)
    loss = tf.reduce_sum(out)
    train = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
    data = _data(16, 8)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for p in (True, False):
            sess.run(train, {x: data, pred: p})
        before = _core.testing.allocation_count()
        for i in range(6):
            sess.run(train, {x: data, pred: i % 2 == 0})
        assert _core.testing.allocation_count() == before


def test_a_failed_run_leaves_the_next_runs_correct(monkeypatch):
    """A kernel that throws mid-run leaves views in planned buffers; the next
    run starts from a clean plan and computes what numpy does."""
    monkeypatch.setenv("SLIMCORE_PLAN_BUFFERS", "1")
    x = tf.placeholder(tf.float32, [4, 5])
    n = tf.placeholder(tf.int32, [4, 5])
    d = tf.placeholder(tf.int32, [])
    a = tf.nn.relu(x * 2.0 - 0.3)
    q = tf.cast(tf.floordiv(n, d), tf.float32)  # integer division by zero fails
    out = tf.tanh(a + q) * a
    data, ints = _data(4, 5), np.arange(20, dtype=np.int32).reshape(4, 5)
    a_np = np.maximum(data * np.float32(2.0) - np.float32(0.3), 0)
    with tf.Session() as sess:
        with pytest.raises(ValueError, match="division by zero"):
            sess.run(out, {x: data, n: ints, d: 0})
        for divisor in (1, 3):
            got = sess.run(out, {x: data, n: ints, d: divisor})
            want = np.tanh(a_np + (ints // divisor).astype(np.float32)) * a_np
            np.testing.assert_allclose(got, want, rtol=1e-6)


def test_relu6_gradient_reads_the_output_so_its_input_can_die():
    """TF1's _Relu6Grad: Relu6Grad(g, y), the same mask as from x (0 < y < 6
    exactly where 0 < x < 6); x is then dead after relu6, which runs in place."""
    x = tf.placeholder(tf.float32, [3, 4])
    y = tf.nn.relu6(x * 4.0)
    (g,) = tf.gradients(tf.reduce_sum(y * y), [x])
    relu6_grad = g.op.inputs[0].op
    assert relu6_grad.type == "Relu6Grad" and relu6_grad.inputs[1].name == y.name
    data = np.array([[-1, 0, 0.5, 1.5], [1.49, 1.51, 6, 7], [0.01, -0.01, 3, 1]], np.float32)
    with tf.Session() as sess:
        got = sess.run(g, {x: data})
    xs = data * np.float32(4.0)
    mask = (xs > 0) & (xs < 6)
    np.testing.assert_array_equal(got, np.where(mask, 2 * np.clip(xs, 0, 6) * 4, 0).astype(np.float32))
