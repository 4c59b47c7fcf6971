"""tf.data prefetch: steps/s of a small model fed by Dataset.map, without and
with prefetch(1), for two maps that cost about one step:

- "io": the map waits (time.sleep, as a file read or a decoder in C does),
  which needs no core: the overlap shows on any machine;
- "cpu": numpy passes of sin/exp over the batch (ufuncs release the GIL),
  which overlap with the step only when a core is free for them: on a
  machine whose cores are busy (see the load average printed) they cannot.

With the prefetch the map of batch k+1 runs on a background thread while
Session.run computes step k (the engine releases the GIL), so a step should
cost about max(step, map) instead of step + map. The engine runs on one
thread so that the map can have the other core."""

from __future__ import annotations

import os
import time

import numpy as np

import slimcore.compat.v1 as tf

from ._util import steps_per_second

BATCH, FEATURES, HIDDEN, CLASSES = 256, 512, 512, 10


def _cpu_map(rounds: int):
    def augment(x, y):
        for _ in range(rounds):
            x = np.sin(x) * np.float32(0.5) + np.exp(-np.abs(x)) * np.float32(0.5)
        return x.astype(np.float32), y

    return augment


def _io_map(seconds: float):
    def read(x, y):
        time.sleep(seconds)
        return np.array(x), y  # numpy: per element (x + 0 would trace as a graph op, sleeping once)

    return read


def _model_step(map_fn, prefetch: bool):
    graph = tf.Graph()
    with graph.as_default():
        rng = np.random.default_rng(0)
        x = rng.standard_normal((BATCH, FEATURES), dtype=np.float32)
        y = rng.integers(0, CLASSES, BATCH).astype(np.int64)
        ds = tf.data.Dataset.from_tensors((x, y)).repeat()
        if map_fn is not None:
            ds = ds.map(map_fn)
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
    return sess, train


def _rate(map_fn, prefetch: bool, seconds: float) -> float:
    sess, train = _model_step(map_fn, prefetch)
    try:
        return steps_per_second(lambda: sess.run(train), seconds)
    finally:
        sess.close()


def run(seconds: float = 2.0, rounds: int | None = None) -> None:
    tf.set_num_threads(1)
    print(f"cores {os.cpu_count()}, load average {os.getloadavg()[0]:.1f} (overlap of the cpu map needs a free core)")
    t_step = 1.0 / _rate(None, False, seconds)
    x = np.random.default_rng(1).standard_normal((BATCH, FEATURES), dtype=np.float32)
    y = np.zeros(BATCH, np.int64)
    if rounds is None:  # a cpu map that costs about one step
        rounds = max(1, round(t_step / (1.0 / steps_per_second(lambda: _cpu_map(1)(x, y), seconds / 4))))
    maps = {"io": _io_map(t_step), "cpu": _cpu_map(rounds)}
    print(f"step alone {1e3 * t_step:.2f} ms/step (batch {BATCH}, {FEATURES}-{HIDDEN}-{HIDDEN}-{CLASSES} MLP, SGD)")
    for name, map_fn in maps.items():
        t_map = 1.0 / steps_per_second(lambda f=map_fn: f(x, y), seconds / 2)
        plain, ahead = _rate(map_fn, False, seconds), _rate(map_fn, True, seconds)
        ideal = (t_step + t_map) / max(t_step, t_map)
        print(
            f"{name} map {1e3 * t_map:6.2f} ms: without prefetch {1e3 / plain:6.2f} ms/step ({plain:5.1f} steps/s), "
            f"with prefetch(1) {1e3 / ahead:6.2f} ms/step ({ahead:5.1f} steps/s)"
        )
        print(f"    prefetch(1) / none = {ahead / plain:.2f}x   (full overlap: {ideal:.2f}x = (step + map) / max)")
