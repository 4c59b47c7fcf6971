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


def run(
    seconds: float = 2.0, rounds: int = 3, epochs: int | None = None, model: str = "mlp", all_cores: bool = True
) -> None:
    """Prints the median wall time of each launch; `epochs` defaults to round(seconds) (at least 1).
    all_cores=False leaves out the sequential sweep on all cores (minutes on a busy machine, where
    OpenMP's threads wait for each other at every op)."""
    epochs = epochs or max(1, round(seconds))
    data = load_digits(seed=0)
    args = cli.build_parser().parse_args(["sweep", "--epochs", str(epochs), "--model", model])
    configs = [config for _, _, config in cli._sweep_points(args)]
    train = functools.partial(cli._train_sweep_point, data, False)
    launches = {
        f"sequential ({sc.get_num_threads()} threads)": {},
        "sequential --threads 1": {"threads": 1},
        "--workers 2": {"backend": "processes", "workers": 2},
    }
    if not all_cores:
        del launches[next(iter(launches))]
    if importlib.util.find_spec("ray") is not None:
        launches["--ray (local)"] = {"backend": "ray"}
    print(
        f"{len(configs)} runs of {epochs} epochs ({model}, digits), {rounds} rounds; cores {os.cpu_count()}, "
        f"load average {os.getloadavg()[0]:.1f} at start"
    )
    times: dict = {name: [] for name in launches}
    for _ in range(rounds):
        for name, launch in launches.items():
            start = time.perf_counter()
            sc.sweep(configs, train, **launch)
            times[name].append(time.perf_counter() - start)
    first = next(iter(launches))
    base, base_name = statistics.median(times[first]), first.split(" (")[0]
    for name, ts in times.items():
        median = statistics.median(ts)
        spread = ", ".join(f"{t:.1f}" for t in ts)
        print(f"{name:<26s}{median:8.1f} s median  ({spread})   {base_name} / this = {base / median:5.2f}x")
    print(f"load average {os.getloadavg()[0]:.1f} at end")


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=20, help="per run (default: the command's 20)")
    parser.add_argument("--model", choices=cli.MODELS, default="mlp")
    parser.add_argument("--no-all-cores", action="store_true", help="leave out the sequential sweep on all cores")
    options = parser.parse_args()
    run(rounds=options.rounds, epochs=options.epochs, model=options.model, all_cores=not options.no_all_cores)


if __name__ == "__main__":
    main()
