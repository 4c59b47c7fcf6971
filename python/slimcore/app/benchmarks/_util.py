"""Timing helpers shared by the benchmarks."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Callable


def steps_per_second(step: Callable[[], object], seconds: float, warmup: int = 5) -> float:
    """Runs `step` for about `seconds` after `warmup` calls; returns calls per second."""
    for _ in range(warmup):
        step()
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        step()
        n += 1
    return n / (time.perf_counter() - start)


def ratio_line(name: str, rate: float, ours: float, unit: str = "steps/s") -> str:
    return f"{name:<28s}{rate:10.1f} {unit}   slimcore / {name.split()[0]} = {ours / rate:5.2f}x"


@contextlib.contextmanager
def busy_core(enabled: bool = True) -> Iterator[None]:
    """One core kept busy by a foreign process for the duration (a plain
    `python -c 'while True: pass'`, what a neighbour's job or a data loader
    does to a shared machine); killed on exit. Nothing when not `enabled`."""
    if not enabled:
        yield
        return
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.2)  # let it start spinning before anything is timed
        yield
    finally:
        spinner.kill()
        spinner.wait()


def load_label(busy: bool) -> str:
    """How the benchmarks name the two machine states."""
    return "one core busy" if busy else "idle"
