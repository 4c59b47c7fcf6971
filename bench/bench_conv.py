"""Thin wrapper: see slimcore.app.benchmarks.conv (also run by `slimcore bench conv`)."""

from slimcore.app.benchmarks.conv import main

if __name__ == "__main__":
    main()
