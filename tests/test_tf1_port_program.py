"""Issues 13 and 14's proofs: TensorFlow 1 programs run on slimcore with their
import line changed only, and learn. examples/tf1/digits_cnn.py uses the
everyday surface (shapeless keep_prob, squeeze, pad, slicing, gather, where,
tf.app.flags, ConfigProto); examples/tf1/digits_rnn.py uses tf.data,
dynamic_rnn (a while_loop), batch norm and dropout switched by tf.cond and
tf.metrics.

The program is run as a user runs it (a fresh interpreter, flags on the
command line, ``tf.app.run``); its printed losses must fall and its test
accuracy must beat chance by far.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

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


# ---- issue 14: tf.data + dynamic_rnn (while_loop) + tf.cond + tf.metrics ---------------
RNN_PROGRAM = ROOT / "examples" / "tf1" / "digits_rnn.py"


def test_tf1_rnn_program_with_data_cond_while_and_metrics_trains():
    result = subprocess.run(
        [sys.executable, str(RNN_PROGRAM), "--data", str(DIGITS), "--epochs", "5"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
    assert "RegularizationNotAppliedWarning" not in result.stderr  # the guard is quiet: the loss has the L2
    epochs = re.findall(r"^epoch \d+ loss ([0-9.]+) test accuracy ([0-9.]+)$", result.stdout, re.M)
    assert len(epochs) == 5, result.stdout
    losses = [float(loss) for loss, _ in epochs]
    assert losses[-1] < 0.4 * losses[0], losses
    assert float(epochs[-1][1]) > 0.6, result.stdout  # chance is 0.1


def test_tf1_rnn_program_regularization_report_and_guard():
    """The program's graph, built in-process: every kernel's L2 is in the loss
    (the regularization report says so), and training on the cross-entropy
    alone would be caught by the guard."""
    import importlib.util
    import warnings

    import slimcore.compat.v1 as tf
    from slimcore.train import RegularizationNotAppliedWarning

    spec = importlib.util.spec_from_file_location("digits_rnn_program", RNN_PROGRAM)
    program = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(program)
    program.FLAGS(["digits_rnn", f"--data={DIGITS}"])
    train_set, test_set = program.load(str(DIGITS))
    with tf.Graph().as_default():
        graph = program.build(train_set, test_set)
        rows = {r["variable"]: r for r in tf.train.regularization_report(graph["train_op"])}
        kernels = [name for name in rows if name.endswith("kernel")]
        assert sorted(kernels) == ["classifier/dense/kernel", "classifier/rnn/lstm_cell/kernel"]
        for name in kernels:
            assert rows[name]["in_loss"] is True
            assert rows[name]["penalty"]["scale"] == 1e-4
        cross_entropy = tf.get_collection(tf.GraphKeys.LOSSES)[0]
        with pytest.warns(RegularizationNotAppliedWarning, match="lstm_cell/kernel"):
            tf.train.AdamOptimizer(0.01).minimize(cross_entropy)
        with warnings.catch_warnings():
            warnings.simplefilter("error", RegularizationNotAppliedWarning)
            tf.train.AdamOptimizer(0.01).minimize(graph["loss"])
