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

import os
import pathlib
import tempfile
import warnings

import numpy as np
from mutate import fuzz_main  # fuzz/ is on sys.path: run as a script, or as the smoke test imports it

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
    fuzz_main("fuzz_npz", __doc__.splitlines()[0], test_one_input, CORPUS, HERE / "crashes", argv)


if __name__ == "__main__":
    main()
