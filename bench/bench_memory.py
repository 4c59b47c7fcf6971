"""Thin wrapper: see slimcore.app.benchmarks.memory (also run by `slimcore bench memory`)."""

from slimcore.app.benchmarks.memory import main

if __name__ == "__main__":
    main()
