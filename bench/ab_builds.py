"""Before/after of two (or more) slimcore builds, interleaved chunk by chunk.

On a machine shared with other jobs, rates drift by 2x within a minute; runs
of one build after the other compare the neighbours' load, not the builds.
Here every contender is a worker process (its own Python, so its own build,
and its own environment) that has built the model once; the driver asks
each in turn to run a chunk of about 0.3 s of training steps, for `seconds`
in all, and prints the median rate of each and its ratio to the first.

    python bench/ab_builds.py --model cnn --threads 1 \\
        before=/tmp/old-venv/bin/python after=$VIRTUAL_ENV/bin/python \\
        nofusion=$VIRTUAL_ENV/bin/python:SLIMCORE_FUSION=0

Models: mlp (the seed MLP, batch 100), cnn, mobilenet (bench_conv's).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time


def worker(model: str, threads: int) -> None:
    """Builds the model, then runs n steps per line n on stdin, printing seconds."""
    import numpy as np

    import slimcore as sc
    from slimcore.app.benchmarks import conv, mlp

    sc.set_num_threads(threads)
    if model == "mlp":
        step = mlp.slimcore_step(*mlp._data(100))
    else:
        build, _, shape, batch = conv.MODELS[model]
        rng = np.random.default_rng(0)
        x = rng.random((batch, *shape), dtype=np.float32)
        y = rng.integers(0, 10, batch).astype(np.int64)
        step = conv.slimcore_step(build, x, y, 0.01)
    step()
    step()
    print("ready", flush=True)
    for line in sys.stdin:
        start = time.perf_counter()
        for _ in range(int(line)):
            step()
        print(time.perf_counter() - start, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("contenders", nargs="*", help="name=python[:VAR=value...]")
    parser.add_argument("--model", default="cnn", choices=["mlp", "cnn", "mobilenet"])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.model, args.threads)
        return
    if len(args.contenders) < 2:
        parser.error("give at least two contenders, name=python[:VAR=value...]")
    procs = {}
    for spec in args.contenders:
        name, _, rest = spec.partition("=")
        python, *assignments = rest.split(":")
        env = {**os.environ, "OMP_NUM_THREADS": str(args.threads), **dict(a.split("=", 1) for a in assignments)}
        cmd = [python, os.path.abspath(__file__), "--worker", "--model", args.model, "--threads", str(args.threads)]
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        if proc.stdout.readline().strip() != "ready":
            raise SystemExit(f"contender {name} ({python}) failed to start")
        procs[name] = proc

    def chunk(name: str, n: int) -> float:
        procs[name].stdin.write(f"{n}\n")
        procs[name].stdin.flush()
        return float(procs[name].stdout.readline())

    n = max(1, int(0.3 / chunk(next(iter(procs)), 1)))
    rates: dict = {name: [] for name in procs}
    end = time.time() + args.seconds
    while time.time() < end:
        for name in procs:
            rates[name].append(n / chunk(name, n))
    for proc in procs.values():
        proc.stdin.close()
        proc.wait()
    medians = {name: statistics.median(r) for name, r in rates.items()}
    first = medians[next(iter(medians))]
    print(f"{args.model}, {args.threads} thread(s), {len(rates[next(iter(rates))])} chunks of {n} steps (median):")
    for name, rate in medians.items():
        print(f"  {name:12s} {rate:9.2f} steps/s   {rate / first:5.2f}x")
    print(f"  load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
