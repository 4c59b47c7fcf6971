"""Fuzz target: slimcore's checkpoint reader (C++ safetensors parser) and
Saver.restore on arbitrary bytes.

Properties checked on every input:
- read_checkpoint raises only DataLossError (malformed) or
  InvalidArgumentError (a valid file with a dtype slimcore lacks); no crash,
  no other exception, no hang;
- differential: when the `safetensors` package is installed, slimcore
  accepts only what it accepts, and refuses what it accepts only for a name
  given twice (slimcore's one stricter rule);
- Saver.restore raises only those and NotFoundError (a missing variable),
  InvalidArgumentError (a shape or dtype mismatch) -- and when it raises,
  every variable keeps its value (a failed restore changes nothing).

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

import slimcore as tf
from slimcore import errors

try:
    import safetensors
except ImportError:  # the differential check is skipped
    safetensors = None

HERE = pathlib.Path(__file__).resolve().parent
CORPUS = HERE / "corpus" / "checkpoint"
READ_ERRORS = (errors.DataLossError, errors.InvalidArgumentError)
RESTORE_ERRORS = (*READ_ERRORS, errors.NotFoundError)

_dir = tempfile.mkdtemp(prefix="slimcore-fuzz-")
_path = os.path.join(_dir, "input.safetensors")
_graph = tf.Graph()
with _graph.as_default():  # the variables fuzz/make_corpus.py's checkpoints hold
    _a = tf.Variable(np.zeros(2, np.float32), name="a")
    _step = tf.Variable(np.int64(0), name="global_step")
    _saver = tf.train.Saver([_a, _step])
    _session = tf.Session(graph=_graph)
    _session.run([_a.initializer, _step.initializer])


def _safetensors_accepts(path: str) -> bool:
    try:
        with safetensors.safe_open(path, framework="np") as f:
            list(f.keys())
            f.metadata()
    except Exception:
        return False
    return True


def test_one_input(data: bytes) -> None:
    with open(_path, "wb") as f:
        f.write(data)
    refused = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a warning is a finding too
            tf.train.read_checkpoint(_path)
    except READ_ERRORS as e:
        refused = e
    if safetensors is not None:
        accepted_there = _safetensors_accepts(_path)
        if refused is None:
            assert accepted_there, "slimcore accepted a file the safetensors package refuses"
        elif accepted_there and isinstance(refused, errors.DataLossError):
            assert "appears twice" in str(refused), f"slimcore refused a file safetensors accepts: {refused}"
    with _graph.as_default():
        before = _session.run([_a, _step])
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                warnings.simplefilter("ignore", tf.train.CheckpointSettingsWarning)
                _saver.restore(_session, _path)
        except RESTORE_ERRORS:
            after = _session.run([_a, _step])
            assert all(np.array_equal(x, y, equal_nan=True) for x, y in zip(before, after)), "a failed restore changed"


def main(argv: list | None = None) -> None:
    fuzz_main("fuzz_checkpoint", __doc__.splitlines()[0], test_one_input, CORPUS, HERE / "crashes", argv)


if __name__ == "__main__":
    main()
