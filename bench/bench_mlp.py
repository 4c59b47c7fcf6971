"""The seed MLP's training step vs PyTorch eager / TensorFlow (see slimcore.app.benchmarks.mlp)."""

import argparse

from slimcore.app.benchmarks import mlp

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=mlp.__doc__)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    mlp.run(args.seconds, args.batch)
