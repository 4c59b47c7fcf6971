"""Training runs of tests/test_distributed.py, shared by both sides of each
comparison: the same function trains one process on the whole batch (in
pytest's process) and each MPI rank on its half (this file run under
``mpiexec -n 2 python distributed_cases.py CASE OUT``; rank 0 saves its
weights to OUT/weights.npz, rank 1 its to OUT/weights_rank1.npz).

Rank 1 initializes from another seed: only the broadcast of rank 0's
weights makes the ranks start alike. Rank 0 and the single process set
their weights from generators seeded by the variables' names.
"""

from __future__ import annotations

import os
import sys
import warnings
import zlib

import numpy as np

import slimcore as tf
from slimcore import slim
from slimcore.models import lenet, lenet_arg_scope, mlp

BATCH = 64
STEPS = 20


def _data(case: str) -> tuple:
    """The fixed batch of 64 (inputs, one-hot labels) of `case`."""
    rng = np.random.default_rng(7)
    shape = (BATCH, 28, 28, 1) if case.startswith("lenet") else (BATCH, 784)
    x = rng.standard_normal(shape).astype(np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, BATCH)]
    return x, y


def _model(case: str, x: tf.Tensor) -> tf.Tensor:
    if case in ("lenet_bn", "lenet_bn_per_rank"):
        with slim.arg_scope(lenet_arg_scope(weight_decay=1e-3)):
            with slim.arg_scope([slim.conv2d, slim.fully_connected], normalizer_fn=slim.batch_norm):
                sync = case == "lenet_bn"  # lenet_bn_per_rank: Horovod's default, statistics per rank
                with slim.arg_scope([slim.batch_norm], is_training=True, scale=True, sync=sync):
                    return lenet(x, depth=4, fc_units=32)
    if case == "mlp_adam":
        return mlp(x, weights_regularizer=slim.l2_regularizer(1e-3))
    if case in ("mlp_momentumw", "mlp_momentumw_flag"):
        return mlp(x)
    raise ValueError(f"unknown case {case!r}")


def _optimizer(case: str, distributed: bool = False) -> tf.train.Optimizer:
    if case == "mlp_momentumw_flag":  # mlp_momentumw with the optimizer's own distributed=True
        return tf.train.MomentumWOptimizer(weight_decay=1e-2, learning_rate=0.05, momentum=0.9, distributed=distributed)
    if case == "mlp_adam":
        # epsilon 1e-4, not TF1's 1e-8: Adam moves an element whose gradient is at float32
        # rounding level (~1e-9 here) by up to lr whichever sign the rounding gives it, and
        # summing 64 rows as two halves rounds differently than as one block. With eps 1e-8 a
        # handful of the 200k weights then differ by ~lr/300 after 20 steps in ANY two
        # reduction orders (one process included); eps 1e-4 keeps such noise below 1e-6.
        return tf.train.AdamOptimizer(1e-3, epsilon=1e-4)
    if case == "mlp_momentumw":
        return tf.train.MomentumWOptimizer(weight_decay=1e-2, learning_rate=0.05, momentum=0.9)
    # A small step: max pooling and ReLU switch where two values tie to float32 rounding, and at
    # lr 0.05 one process drifts ~1e-4 from itself over 20 steps after a 1e-7 nudge of its
    # weights; at 0.001 the nudge stays below 1e-6 while the weights still move by ~1e-2.
    return tf.train.MomentumOptimizer(0.001, 0.9)


def _set_weights(sess: tf.Session) -> None:
    """Weights from a generator seeded by their names: the same in graphs that
    differ (synchronized batch norm adds ops, which shifts the op seeds)."""
    for v in tf.trainable_variables():
        if v.op.name.endswith("weights"):
            rng = np.random.default_rng(zlib.crc32(v.op.name.encode()))
            v.load(0.1 * rng.standard_normal(v.shape.as_list()).astype(np.float32), sess)


def train(case: str, hvd: object = None, steps: int = STEPS) -> dict:
    """Trains `case` for `steps` steps; with `hvd` (slimcore.distributed,
    initialized) on this rank's half of the batch. Returns the final values of
    the global variables by name, and the report text under "report"."""
    x_all, y_all = _data(case)
    if hvd is not None:
        x_all, y_all = hvd.shard((x_all, y_all))
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(0 if hvd is None else 1000 * hvd.rank())
        x = tf.placeholder(tf.float32, [None, *x_all.shape[1:]])
        y = tf.placeholder(tf.float32, [None, 10])
        logits = _model(case, x)
        tf.losses.softmax_cross_entropy(y, logits)
        loss = tf.losses.get_total_loss()
        opt = _optimizer(case, distributed=hvd is not None)
        if hvd is not None and case != "mlp_momentumw_flag":
            opt = hvd.DistributedOptimizer(opt)
        train_op = slim.learning.create_train_op(loss, opt)
        init = tf.global_variables_initializer()
        broadcast = hvd.broadcast_global_variables(0) if hvd is not None else None
        variables = tf.global_variables()
        with tf.Session() as sess:
            sess.run(init)
            if hvd is None or hvd.rank() == 0:
                _set_weights(sess)
            if broadcast is not None:
                sess.run(broadcast)
            for _ in range(steps):
                sess.run(train_op, {x: x_all, y: y_all})
            values = dict(zip([v.op.name for v in variables], sess.run(variables)))
            report = str(tf.train.regularization_report(train_op, session=sess))
    return {"values": values, "report": report}


def _checkpoint_round_trip(hvd: object, out: str) -> None:
    """Each rank saves to its own path (only rank 0 may write), then every
    rank restores rank 0's file after scrambling its weights."""
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(1000 * hvd.rank())
        w = tf.get_variable("w", [3, 4])
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(hvd.broadcast_global_variables(0))
            saved = sess.run(w)
            saver.save(sess, os.path.join(out, f"ckpt_rank{hvd.rank()}"))
            w.load(np.full([3, 4], float(hvd.rank() + 5), np.float32), sess)
            saver.restore(sess, os.path.join(out, "ckpt_rank0"))
            np.save(os.path.join(out, f"restored_rank{hvd.rank()}.npy"), np.stack([saved, sess.run(w)]))


def _allreduce_values(hvd: object, out: str) -> None:
    """allreduce's value (mean and sum) and its gradient (the mean of the upstream gradients)."""
    graph = tf.Graph()
    with graph.as_default():
        x = tf.constant([1.0, 2.0]) * float(hvd.rank() + 1)
        mean = hvd.allreduce(x)
        total = hvd.allreduce(x, average=False)
        (grad,) = tf.gradients(hvd.allreduce(x * x) * float(hvd.rank() + 1), [x])
        with tf.Session() as sess:
            np.save(os.path.join(out, f"allreduce_rank{hvd.rank()}.npy"), np.stack(sess.run([mean, total, grad])))


def _guard_message(hvd: object, out: str) -> None:
    """The guard's warning for a train op built from the data loss alone (seed 000's bug)."""
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 784])
        y = tf.placeholder(tf.float32, [None, 10])
        data_loss = tf.losses.softmax_cross_entropy(y, mlp(x, weights_regularizer=slim.l2_regularizer(1e-3)))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            hvd.DistributedOptimizer(tf.train.AdamOptimizer(1e-3)).minimize(data_loss)
    if hvd.rank() == 0:
        with open(os.path.join(out, "guard.txt"), "w") as f:
            f.write("\n".join(str(w.message) for w in caught))


def main(case: str, out: str) -> None:
    import slimcore.distributed as hvd

    hvd.init()
    if case in ("raise", "spin"):
        _train_until(hvd, out, raise_on_rank1=case == "raise")
        return
    result = train(case, hvd)
    suffix = "" if hvd.rank() == 0 else f"_rank{hvd.rank()}"
    np.savez(os.path.join(out, f"weights{suffix}.npz"), **result["values"])
    if hvd.rank() == 0:
        with open(os.path.join(out, "report.txt"), "w") as f:
            f.write(result["report"])
    if case == "mlp_adam":
        _checkpoint_round_trip(hvd, out)
        _allreduce_values(hvd, out)
        _guard_message(hvd, out)


def _train_until(hvd: object, out: str, raise_on_rank1: bool) -> None:
    """Trains for 10^6 steps (after the first each rank writes its pid to
    OUT/pid_rank<r>, then rank 0 writes OUT/started); with
    raise_on_rank1, rank 1 raises at step 5 while rank 0 keeps stepping (and
    waits in the allreduce)."""
    graph = tf.Graph()
    with graph.as_default():
        w = tf.get_variable("w", [100])
        loss = tf.reduce_sum(tf.square(w))
        train_op = hvd.DistributedOptimizer(tf.train.GradientDescentOptimizer(0.1)).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for step in range(10**6):
                if raise_on_rank1 and hvd.rank() == 1 and step == 5:
                    raise RuntimeError("rank 1 fails on purpose at step 5")
                sess.run(train_op)
                if step == 0:
                    pid_file = os.path.join(out, f"pid_rank{hvd.rank()}")
                    with open(pid_file + ".tmp", "w") as f:
                        f.write(str(os.getpid()))
                    os.replace(pid_file + ".tmp", pid_file)  # whole when it appears
                    if hvd.rank() == 0:
                        open(os.path.join(out, "started"), "w").close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
