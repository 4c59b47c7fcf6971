"""Thin wrapper: see slimcore.app.benchmarks.sweep (also run by `slimcore bench sweep`)."""

from slimcore.app.benchmarks.sweep import main

if __name__ == "__main__":
    main()
