"""tf.data prefetch: steps/s of a small model fed by Dataset.map with real CPU
work, without and with prefetch(1). With the prefetch the map of batch k+1
runs on a background thread while Session.run computes step k (both release
the GIL: numpy's ufuncs on large arrays, the engine), so a step should cost
about max(step, map) instead of step + map. The engine runs on one thread here
so that the map has the other core (on a busy machine read the spread)."""

from __future__ import annotations

import numpy as np

import slimcore.compat.v1 as tf

from ._util import steps_per_second

BATCH, FEATURES, HIDDEN, CLASSES = 256, 512, 512, 10


def _augment(rounds: int):
    """A numpy map over a batch (GIL released inside each ufunc): `rounds` passes of sin/exp."""

    def augment(x, y):
        for _ in range(rounds):
            x = np.sin(x) * np.float32(0.5) + np.exp(-np.abs(x)) * np.float32(0.5)
        return x.astype(np.float32), y

    return augment


def _model_step(prefetch: bool, rounds: int):
    graph = tf.Graph()
    with graph.as_default():
        rng = np.random.default_rng(0)
        x = rng.standard_normal((BATCH * 8, FEATURES), dtype=np.float32)
        y = rng.integers(0, CLASSES, BATCH * 8).astype(np.int64)
        ds = tf.data.Dataset.from_tensors((x[:BATCH], y[:BATCH])).repeat().map(_augment(rounds))
        if prefetch:
            ds = ds.prefetch(1)
        bx, by = ds.make_one_shot_iterator().get_next()
        net = tf.layers.dense(bx, HIDDEN, activation=tf.nn.relu)
        net = tf.layers.dense(net, HIDDEN, activation=tf.nn.relu)
        logits = tf.layers.dense(net, CLASSES)
        loss = tf.losses.sparse_softmax_cross_entropy(by, logits)
        train = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
        sess = tf.Session(graph=graph)
        sess.run(tf.global_variables_initializer())
    return lambda: sess.run(train), sess


def _seconds_per_call(fn, seconds: float) -> float:
    return 1.0 / steps_per_second(fn, seconds)


def run(seconds: float = 2.0, rounds: int | None = None) -> None:
    tf.set_num_threads(1)
    # The step alone (the map's output fed) and the map alone, to compare with.
    step, sess = _model_step(prefetch=False, rounds=0)
    t_step = _seconds_per_call(step, seconds)
    sess.close()
    x = np.random.default_rng(1).standard_normal((BATCH, FEATURES), dtype=np.float32)
    y = np.zeros(BATCH, np.int64)
    if rounds is None:  # make the map cost about one step
        one = _seconds_per_call(lambda: _augment(1)(x, y), seconds / 4)
        rounds = max(1, round(t_step / one))
    t_map = _seconds_per_call(lambda: _augment(rounds)(x, y), seconds / 2)
    print(f"step alone (map of 0 rounds) {1e3 * t_step:8.2f} ms    map alone ({rounds} rounds) {1e3 * t_map:8.2f} ms")
    print(f"  sum {1e3 * (t_step + t_map):.2f} ms, max {1e3 * max(t_step, t_map):.2f} ms")
    rates = {}
    for prefetch in (False, True):
        step, sess = _model_step(prefetch, rounds)
        rates[prefetch] = steps_per_second(step, seconds)
        sess.close()
        label = "with prefetch(1)" if prefetch else "without prefetch"
        print(f"{label:<20s}{rates[prefetch]:8.1f} steps/s   {1e3 / rates[prefetch]:8.2f} ms/step")
    print(
        f"prefetch(1) / none = {rates[True] / rates[False]:.2f}x   "
        f"(ideal {(t_step + t_map) / max(t_step, t_map):.2f}x: sum / max)"
    )
