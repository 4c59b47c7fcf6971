"""A bounded smoke run of the fuzz targets in fuzz/ (20,000 mutated inputs in
all, seeded, so a failure reproduces): only the documented exceptions escape
the checkpoint reader, Saver.restore and load_npz, a failed restore changes
no variable, and slimcore's reader agrees with the safetensors package.
Longer runs: fuzz/README.md."""

import pathlib
import sys

import pytest

FUZZ = pathlib.Path(__file__).resolve().parents[1] / "fuzz"


@pytest.fixture(scope="module")
def fuzz_modules():
    sys.path.insert(0, str(FUZZ))
    try:
        import fuzz_checkpoint
        import fuzz_npz
        import mutate

        yield fuzz_checkpoint, fuzz_npz, mutate
    finally:
        sys.path.remove(str(FUZZ))


@pytest.mark.slow
@pytest.mark.parametrize("target,runs", [("checkpoint", 10_000), ("npz", 10_000)])
def test_fuzz_smoke(fuzz_modules, tmp_path, target, runs):
    fuzz_checkpoint, fuzz_npz, mutate = fuzz_modules
    module = fuzz_checkpoint if target == "checkpoint" else fuzz_npz
    count = mutate.run(module.test_one_input, module.CORPUS, runs, seed=12, crash_dir=tmp_path)
    assert count == runs
