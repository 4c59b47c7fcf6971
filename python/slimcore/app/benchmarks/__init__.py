"""Benchmarks run by `slimcore bench` (and the scripts in bench/): each times
slimcore and the peers that are installed (PyTorch, TensorFlow) in the same
process and prints ratios; a missing peer is skipped, never an error."""

from __future__ import annotations

import importlib
from collections.abc import Sequence

BENCHMARKS = {
    "mlp": "seed MLP training step (784-200-200-10 tanh, L2 on weights, Adam, batch 100)",
    "optimizer": "AdamW step per parameter and memory bandwidth, 1M-50M parameters, vs PyTorch fused/foreach",
    "conv": "small CNN and MobileNetV2-like training steps vs PyTorch (both memory formats)",
    "data": "tf.data steps/s of a small model fed by a CPU-heavy map, without and with prefetch(1)",
    "sweep": "wall time of `slimcore sweep`'s runs: sequential vs --workers 2 (and --ray when installed)",
    "memory": "peak RSS of training MobileNetV2 1.0 (224x224, batch 16) and the seed MLP, planned/unplanned vs PyTorch",
}


def main(which: Sequence[str] = (), seconds: float = 2.0) -> int:
    """Runs the named benchmarks (default: all).

    Raises:
      ValueError: an unknown benchmark name.
    """
    names = list(which) or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        raise ValueError(f"unknown benchmark(s) {unknown}; available: {sorted(BENCHMARKS)}")
    for name in names:
        print(f"== {name}: {BENCHMARKS[name]}")
        importlib.import_module(f"{__name__}.{name}").run(seconds=seconds)
        print()
    return 0
