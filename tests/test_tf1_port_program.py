"""Issue 13's proof: a TensorFlow 1 program (examples/tf1/digits_cnn.py) runs on
slimcore with its import line changed only, and learns.

The program is run as a user runs it (a fresh interpreter, flags on the
command line, ``tf.app.run``); its printed losses must fall and its test
accuracy must beat chance by far.
"""

import re
import subprocess
import sys
from pathlib import Path

import slimcore.app.datasets

ROOT = Path(__file__).resolve().parents[1]
PROGRAM = ROOT / "examples" / "tf1" / "digits_cnn.py"
DIGITS = Path(slimcore.app.datasets.__file__).parent / "data" / "digits.npz"


def test_program_imports_slimcore_as_tf_and_nothing_else_of_slimcore():
    lines = PROGRAM.read_text().splitlines()
    imports = [line for line in lines if "slimcore" in line and line.startswith(("import", "from"))]
    assert imports == ["import slimcore.compat.v1 as tf"]


def test_tf1_program_trains_with_the_import_change_only():
    result = subprocess.run(
        [sys.executable, str(PROGRAM), "--data", str(DIGITS), "--steps", "300"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    losses = [float(v) for v in re.findall(r"^step \d+ loss ([0-9.]+)$", result.stdout, re.M)]
    assert len(losses) == 7, result.stdout
    assert losses[-1] < 0.5 * losses[0], losses
    accuracy = float(re.search(r"test accuracy ([0-9.]+)", result.stdout).group(1))
    assert accuracy > 0.8, result.stdout
