"""Fuzz target: the command line's .npz data loader (slimcore.app.datasets.load_npz)
on arbitrary bytes.

Properties checked on every input: load_npz raises only ValueError (naming
the file); no crash, no other exception, no warning, no hang, no unpickling; what it
returns is a consistent data set (float32 finite features, int64 labels in
[0, num_classes), as many labels as rows).

Run: see fuzz/README.md (atheris when installed, else the seeded mutation
loop of fuzz/mutate.py).
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys
import tempfile
import warnings

import numpy as np

from slimcore.app.datasets import load_npz

HERE = pathlib.Path(__file__).resolve().parent
CORPUS = HERE / "corpus" / "npz"

_dir = tempfile.mkdtemp(prefix="slimcore-fuzz-")
_path = os.path.join(_dir, "input.npz")


def test_one_input(data: bytes) -> None:
    with open(_path, "wb") as f:
        f.write(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a warning (numpy's RuntimeWarning...) is a finding too
            d = load_npz(_path, test_fraction=0.5)
    except ValueError as e:
        message = str(e)
    else:
        message = None
    if message is not None:
        assert _path in message, f"an error that names no file: {message}"
        return
    for x, y in ((d.x_train, d.y_train), (d.x_test, d.y_test)):
        assert x.dtype == np.float32 and np.all(np.isfinite(x)) and len(x) == len(y) and len(x) > 0
        assert y.dtype == np.int64 and y.min() >= 0 and y.max() < d.num_classes


def main(argv: list | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20000, help="inputs for the mutation loop")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--atheris", action="store_true", help="run under atheris; other arguments go to libFuzzer")
    args, rest = parser.parse_known_args(argv)
    if args.atheris:
        import atheris

        atheris.instrument_all()  # coverage of the Python code already imported
        atheris.Setup([sys.argv[0], *rest], test_one_input)
        atheris.Fuzz()
    else:
        from mutate import run

        count = run(test_one_input, CORPUS, args.runs, seed=args.seed, crash_dir=HERE / "crashes")
        print(f"fuzz_npz: {count} inputs, no failure")  # noqa: T201


if __name__ == "__main__":
    main()
