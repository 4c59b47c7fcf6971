"""Training step of the seed MLP (784-200-200-10, tanh, softmax cross-entropy
with slim's l2_regularizer(1e-4) on the weights, Adam, batch 100): slimcore
vs PyTorch eager and TensorFlow's graph mode when installed, on each thread
count, idle and (busy_core) with one core kept busy by another process.
Target (shared/DESIGN.md): >= 2x PyTorch eager, >= 1.5x TensorFlow graph mode;
with one core busy, 2 threads >= 0.9x slimcore's idle 1-thread rate (issue 16)."""

from __future__ import annotations

import importlib.util
import os
import warnings

import numpy as np

import slimcore as sc
from slimcore import slim

from ._util import busy_core as busy_core_context
from ._util import load_label, ratio_line, steps_per_second

SIZES = [784, 200, 200, 10]
L2 = 1e-4


def _data(batch: int):
    rng = np.random.default_rng(0)
    return rng.random((batch, SIZES[0]), dtype=np.float32), rng.integers(0, 10, batch).astype(np.int64)


def slimcore_step(x_data, y_data):
    graph = sc.Graph()
    with graph.as_default():
        x = sc.placeholder(sc.float32, [None, SIZES[0]])
        labels = sc.placeholder(sc.int64, [None])
        net = x
        for i, units in enumerate(SIZES[1:]):
            net = slim.fully_connected(
                net,
                units,
                activation_fn=sc.tanh if i < len(SIZES) - 2 else None,
                weights_regularizer=slim.l2_regularizer(L2),
            )
        sc.losses.sparse_softmax_cross_entropy(labels, net)
        train = sc.train.AdamOptimizer(1e-3).minimize(sc.losses.get_total_loss())
        sess = sc.Session(graph=graph)
        sess.run(sc.global_variables_initializer())
    feed = {x: x_data, labels: y_data}
    return lambda: sess.run(train, feed)


def torch_step(x_data, y_data):
    import torch  # optional peer: benchmarked only when installed

    torch.manual_seed(0)
    layers = []
    for i, (a, b) in enumerate(zip(SIZES[:-1], SIZES[1:])):
        layers.append(torch.nn.Linear(a, b))
        if i < len(SIZES) - 2:
            layers.append(torch.nn.Tanh())
    model = torch.nn.Sequential(*layers)
    weights = [m.weight for m in model if isinstance(m, torch.nn.Linear)]
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x, y = torch.from_numpy(x_data), torch.from_numpy(y_data)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss = loss + L2 * 0.5 * sum((w * w).sum() for w in weights)
        loss.backward()
        opt.step()

    return step


def tensorflow_step(x_data, y_data, threads: int = 0):
    import tensorflow as tf1

    tf = tf1.compat.v1
    tf.disable_eager_execution()
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [None, SIZES[0]])
        labels = tf.placeholder(tf.int64, [None])
        net = x
        for i, units in enumerate(SIZES[1:]):
            net = tf.layers.dense(
                net,
                units,
                activation=tf.tanh if i < len(SIZES) - 2 else None,
                kernel_regularizer=lambda w: L2 * tf.nn.l2_loss(w),
            )
        tf.losses.sparse_softmax_cross_entropy(labels, net)
        train = tf.train.AdamOptimizer(1e-3).minimize(tf.losses.get_total_loss())
        config = tf.ConfigProto(intra_op_parallelism_threads=threads)
        sess = tf.Session(graph=graph, config=config)
        sess.run(tf.global_variables_initializer())
    feed = {x: x_data, labels: y_data}
    return lambda: sess.run(train, feed)


def run(seconds: float = 2.0, batch: int = 100, threads: list | None = None, busy_core: bool = False) -> None:
    """Steps per second of each contender for each thread count in `threads`
    (default: all cores, then 1), idle and, when `busy_core`, with one core
    kept busy by another process (_util.busy_core)."""
    x_data, y_data = _data(batch)
    ours_step = slimcore_step(x_data, y_data)
    try:
        import torch  # optional peer: benchmarked only when installed

        torch_steps = torch_step(x_data, y_data)
    except ImportError:
        torch = None
        print("torch eager                 not installed: skipped (pip install torch==2.13.0)")
    has_tensorflow = importlib.util.find_spec("tensorflow") is not None
    if not has_tensorflow:
        print("tensorflow graph            not installed: skipped")
    for n in threads or [os.cpu_count() or 1, 1]:
        sc.set_num_threads(n)
        if torch is not None:
            torch.set_num_threads(n)
        tf_step = None
        if has_tensorflow:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tf_step = tensorflow_step(x_data, y_data, n)
        for busy in [False, True] if busy_core else [False]:
            print(f"-- {n} thread(s), {load_label(busy)}")
            with busy_core_context(busy):
                ours = steps_per_second(ours_step, seconds)
                print(f"{'slimcore':<28s}{ours:10.1f} steps/s")
                if torch is not None:
                    print(ratio_line("torch eager", steps_per_second(torch_steps, seconds), ours))
                if tf_step is not None:
                    print(ratio_line("tensorflow graph", steps_per_second(tf_step, seconds), ours))


if __name__ == "__main__":
    run()
