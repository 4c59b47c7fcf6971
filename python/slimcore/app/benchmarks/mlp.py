"""Training step of the seed MLP (784-200-200-10, tanh, softmax cross-entropy
with slim's l2_regularizer(1e-4) on the weights, Adam, batch 100): slimcore
vs PyTorch eager and TensorFlow's graph mode when installed.
Target (shared/DESIGN.md): >= 2x PyTorch eager, >= 1.5x TensorFlow graph mode."""

from __future__ import annotations

import os
import warnings

import numpy as np

import slimcore as sc
from slimcore import slim

from ._util import ratio_line, steps_per_second

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


def tensorflow_step(x_data, y_data):
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
        sess = tf.Session(graph=graph)
        sess.run(tf.global_variables_initializer())
    feed = {x: x_data, labels: y_data}
    return lambda: sess.run(train, feed)


def run(seconds: float = 2.0, batch: int = 100) -> None:
    x_data, y_data = _data(batch)
    ours = steps_per_second(slimcore_step(x_data, y_data), seconds)
    print(f"{'slimcore':<28s}{ours:10.1f} steps/s")
    try:
        import torch  # optional peer: benchmarked only when installed

        torch.set_num_threads(os.cpu_count() or 1)
        print(ratio_line("torch eager", steps_per_second(torch_step(x_data, y_data), seconds), ours))
    except ImportError:
        print("torch eager                 not installed: skipped (pip install torch==2.13.0)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rate = steps_per_second(tensorflow_step(x_data, y_data), seconds)
        print(ratio_line("tensorflow graph", rate, ours))
    except ImportError:
        print("tensorflow graph            not installed: skipped")


if __name__ == "__main__":
    run()
