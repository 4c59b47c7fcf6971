"""Data-parallel training over MPI (slimcore.distributed): what the allreduce costs.

    python bench/bench_distributed.py [--steps 30] [--rounds 3]

Starts itself under this environment's ``mpiexec`` (the mpi extra) and prints:

1. the gradient allreduce's share of a training step of a 10M-parameter MLP
   (784-3000-2500-10, Adam, batch 32 and 256 per rank) on 2 ranks: seconds inside the
   reducer (MPI_Allreduce of the 40 MB gradient arena + the 1/N scale) over
   seconds per step. Target: <= 10%.
2. the seed MLP (784-200-200-10 tanh, L2, Adam, global batch 100): examples/s
   of 2 ranks x batch 50 vs 1 rank x batch 100, rounds interleaved, medians.

Each rank runs OMP_NUM_THREADS = cores / ranks threads. On a machine shared
with other work the 2-rank figures suffer most (a descheduled rank stalls
the other in the allreduce): read them with ``uptime``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time


def _worker(model: str, batch: int, steps: int) -> None:
    import numpy as np

    import slimcore as tf
    import slimcore.distributed as hvd
    from slimcore import slim
    from slimcore.models import mlp

    hvd.init()
    hidden = (3000, 2500) if model == "10m" else (200, 200)
    rng = np.random.default_rng(hvd.rank())
    xs = rng.standard_normal((batch, 784)).astype(np.float32)
    ys = rng.integers(0, 10, batch)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 784])
        y = tf.placeholder(tf.int64, [None])
        logits = mlp(x, hidden_units=hidden, weights_regularizer=slim.l2_regularizer(1e-4))
        tf.losses.sparse_softmax_cross_entropy(y, logits)
        train_op = hvd.DistributedOptimizer(tf.train.AdamOptimizer(1e-4)).minimize(tf.losses.get_total_loss())
        params = sum(int(np.prod(v.shape.as_list())) for v in tf.trainable_variables())
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(hvd.broadcast_global_variables(0))
            for _ in range(3):
                sess.run(train_op, {x: xs, y: ys})
            before = hvd.reduce_stats(barrier_first=model == "10m")
            start = time.perf_counter()
            for _ in range(steps):
                sess.run(train_op, {x: xs, y: ys})
            seconds = time.perf_counter() - start
            after = hvd.reduce_stats()
    if hvd.rank() == 0:
        reduce_seconds = after["seconds"] - before["seconds"]
        wait_seconds = after["wait"] - before["wait"]
        print(
            json.dumps(
                {
                    "params": params,
                    "step": seconds / steps,
                    "reduce": reduce_seconds / steps,
                    "wait": wait_seconds / steps,
                    "examples_per_s": batch * hvd.size() * steps / seconds,
                }
            )
        )


def _launch(ranks: int, model: str, batch: int, steps: int, threads: int | None = None) -> dict:
    mpiexec = shutil.which("mpiexec", path=os.path.dirname(sys.executable)) or shutil.which("mpiexec")
    if mpiexec is None:
        sys.exit("bench_distributed: no mpiexec: pip install 'slimcore[mpi]'")
    threads = threads or max(1, (os.cpu_count() or 1) // ranks)
    env = {**os.environ, "OMP_NUM_THREADS": str(threads)}
    command = [mpiexec, "-n", str(ranks), sys.executable, __file__, "--worker", model, str(batch), str(steps)]
    proc = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        sys.exit(f"bench_distributed: {' '.join(command)} failed:\n{proc.stdout}\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--batch", type=int, nargs="+", default=[32, 256], help="per-rank batch sizes of the 10M-param model"
    )
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args.worker[0], int(args.worker[1]), int(args.worker[2]))
        return
    print(f"load: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} cores")
    for batch in args.batch:
        _report_share(batch, [_launch(2, "10m", batch, max(5, args.steps // 3)) for _ in range(args.rounds)])
    _report_throughput(args)


def _report_share(batch: int, runs: list) -> None:
    shares = [r["reduce"] / r["step"] for r in runs]
    print(
        f"10M-param MLP ({runs[0]['params']:,} params), 2 ranks, batch {batch}/rank: step "
        f"{statistics.median(r['step'] for r in runs) * 1e3:.1f} ms, allreduce "
        f"{statistics.median(r['reduce'] for r in runs) * 1e3:.1f} ms = {statistics.median(shares):.1%} of the step "
        f"(rounds: {', '.join(f'{s:.1%}' for s in shares)}; target <= 10%); waiting for the other rank "
        f"{statistics.median(r['wait'] for r in runs) * 1e3:.1f} ms (a timing barrier, not part of the allreduce)"
    )


def _report_throughput(args: argparse.Namespace) -> None:
    cores = os.cpu_count() or 1
    one, one_single, two = [], [], []
    for _ in range(args.rounds):
        one.append(_launch(1, "seed", 100, args.steps)["examples_per_s"])
        one_single.append(_launch(1, "seed", 100, args.steps, threads=1)["examples_per_s"])
        two.append(_launch(2, "seed", 50, args.steps)["examples_per_s"])
    best_one = max(statistics.median(one), statistics.median(one_single))
    print(
        f"seed MLP, global batch 100 (examples/s, medians): 1 rank x {cores} threads {statistics.median(one):,.0f}, "
        f"1 rank x 1 thread {statistics.median(one_single):,.0f}, 2 ranks x {max(1, cores // 2)} threads "
        f"{statistics.median(two):,.0f}: {statistics.median(two) / best_one:.2f}x the better 1-rank figure"
    )


if __name__ == "__main__":
    main()
