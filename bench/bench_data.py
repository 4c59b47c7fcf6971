"""tf.data prefetch(1) vs none on a map with real CPU work (see slimcore.app.benchmarks.data)."""

import argparse

from slimcore.app.benchmarks import data

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=data.__doc__)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=None, help="sin/exp passes of the map (default: about one step)")
    args = parser.parse_args()
    data.run(args.seconds, args.rounds)
