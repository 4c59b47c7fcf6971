"""Timing helpers shared by the benchmarks."""

from __future__ import annotations

import time
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
