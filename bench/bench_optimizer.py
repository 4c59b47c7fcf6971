"""Thin wrapper: see slimcore.app.benchmarks.optimizer (also run by `slimcore bench optimizer`)."""

from slimcore.app.benchmarks.optimizer import main

if __name__ == "__main__":
    main()
