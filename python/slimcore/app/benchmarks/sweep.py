"""Wall time of `slimcore sweep`'s six runs (four L2 scales, Adam + L2 vs AdamW)
on the shipped digits: sequential on all cores and on one, `--workers 2` (a spawned pool,
each worker on cores / 2 threads, pool start-up included) and, when Ray is
installed, `--ray` on a local instance (its start-up included, as the command
pays it). The contenders alternate in rounds; the median of each is printed
with its ratio to the sequential sweep."""

from __future__ import annotations

import functools
import importlib.util
import os
import statistics
import time

import slimcore as sc

from .. import cli
from ..datasets import load_digits


def run(seconds: float = 2.0, rounds: int = 3, epochs: int | None = None) -> None:
    """Prints the median wall time of each launch; `epochs` defaults to round(seconds) (at least 1)."""
    epochs = epochs or max(1, round(seconds))
    data = load_digits(seed=0)
    args = cli.build_parser().parse_args(["sweep", "--epochs", str(epochs)])
    configs = [config for _, _, config in cli._sweep_points(args)]
    train = functools.partial(cli._train_sweep_point, data, False)
    launches = {
        f"sequential ({sc.get_num_threads()} threads)": {},
        "sequential --threads 1": {"threads": 1},
        "--workers 2": {"backend": "processes", "workers": 2},
    }
    if importlib.util.find_spec("ray") is not None:
        launches["--ray (local)"] = {"backend": "ray"}
    print(
        f"{len(configs)} runs of {epochs} epochs (mlp, digits), {rounds} rounds; cores {os.cpu_count()}, "
        f"load average {os.getloadavg()[0]:.1f} at start"
    )
    times: dict = {name: [] for name in launches}
    for _ in range(rounds):
        for name, launch in launches.items():
            start = time.perf_counter()
            sc.sweep(configs, train, **launch)
            times[name].append(time.perf_counter() - start)
    base = statistics.median(times[next(iter(launches))])
    for name, ts in times.items():
        median = statistics.median(ts)
        spread = ", ".join(f"{t:.1f}" for t in ts)
        print(f"{name:<26s}{median:8.1f} s median  ({spread})   sequential / this = {base / median:5.2f}x")
    print(f"load average {os.getloadavg()[0]:.1f} at end")


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=20, help="per run (default: the command's 20)")
    options = parser.parse_args()
    run(rounds=options.rounds, epochs=options.epochs)


if __name__ == "__main__":
    main()
