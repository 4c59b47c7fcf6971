"""The seed MLP's training step vs PyTorch eager / TensorFlow (see slimcore.app.benchmarks.mlp)."""

import argparse

from slimcore.app.benchmarks import mlp

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=mlp.__doc__)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--threads", nargs="+", type=int, default=None, help="thread counts (default: all cores, 1)")
    parser.add_argument(
        "--busy-core", action="store_true", help="also time each with one core kept busy by another process"
    )
    args = parser.parse_args()
    mlp.run(args.seconds, args.batch, args.threads, args.busy_core)
