"""Issue 15's proof: a tf-slim program in the README's style (slim.nets.vgg under
its arg_scope, slim.losses, summaries, slim.learning.create_train_op and
slim.learning.train) runs on slimcore with its import line changed only.

examples/slim/digits_vgg.py is run as a user runs it (a fresh interpreter,
flags, ``tf.app.run``): it must fit a few digits (the data loss falls at every
step), leave the final checkpoint and an event file that TensorBoard's own
reader opens with the program's summaries and slim.learning's loss split. Its
graph is also built in-process and checked against tf-slim's VGG-A: parameter
count, one L2 penalty per weight, contrib's loss in LOSSES. The program calls
only what TF 1.15 has (contrib's vgg_a takes no fc_conv_padding, so the digits
are upsampled to VGG's 224x224 in the graph).
"""

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from tensorboard.backend.event_processing import event_accumulator

import slimcore.app.datasets

ROOT = Path(__file__).resolve().parents[1]
PROGRAM = ROOT / "examples" / "slim" / "digits_vgg.py"
DIGITS = Path(slimcore.app.datasets.__file__).parent / "data" / "digits.npz"

# tf-slim's VGG-A with 10 classes: the 1000-class figure 132,863,336 less fc8's
# 4096 * 990 + 990.
VGG_A_10_CLASSES = 132_863_336 - (4096 * 990 + 990)


def test_program_imports_slimcore_as_tf_and_nothing_else_of_slimcore():
    lines = PROGRAM.read_text().splitlines()
    imports = [line for line in lines if "slimcore" in line and line.startswith(("import", "from"))]
    assert imports == ["import slimcore.compat.v1 as tf"]


def test_program_graph_is_tf_slims_vgg_a_with_every_penalty_in_the_loss():
    import slimcore.compat.v1 as tf

    flags = tf.app.flags.FLAGS
    defined_before = set(flags)
    spec = importlib.util.spec_from_file_location("digits_vgg_program", PROGRAM)
    program = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(program)
    finally:  # absl's flags are process-wide: leave none behind for the other programs' tests
        for name in set(flags) - defined_before:
            delattr(flags, name)
    images, labels = program.load_digits(str(DIGITS))
    assert images.shape == (1797, 8, 8) and images.dtype == np.float32 and images.max() == 1.0
    assert labels.shape == (1797,)

    tf.reset_default_graph()
    small = tf.placeholder(tf.float32, [None, 8, 8])
    image_batch = program.upsample(small)
    assert image_batch.shape.as_list() == [None, 224, 224, 3]
    with tf.Session() as sess:
        big = sess.run(image_batch, {small: images[:2]})
    np.testing.assert_array_equal(big, np.repeat(np.repeat(images[:2], 28, 1), 28, 2)[..., None].repeat(3, -1))
    label_batch = tf.placeholder(tf.int64, [None])
    program.build_train_op(image_batch, label_batch, learning_rate=0.01, weight_decay=5e-4)
    # (the suite turns slimcore's warnings into errors: the regularization guard stayed quiet)

    weights = tf.trainable_variables()
    assert sum(int(np.prod(v.shape.as_list())) for v in weights) == VGG_A_10_CLASSES == 128_807_306
    kernels = [v.op.name for v in weights if v.op.name.endswith("/weights")]
    assert len(kernels) == 11  # VGG-A: 8 convolutions, fc6, fc7, fc8
    assert kernels[0] == "vgg_a/conv1/conv1_1/weights" and kernels[-1] == "vgg_a/fc8/weights"
    penalties = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert len(penalties) == 11  # vgg_arg_scope penalises the weights, not the biases
    losses = tf.get_collection(tf.GraphKeys.LOSSES)
    assert [t.op.name for t in losses] == ["sparse_softmax_cross_entropy_loss/value"]  # contrib's scope
    tags = sorted(t.op.name for t in tf.get_collection(tf.GraphKeys.SUMMARIES))
    assert tags == [
        "activations/vgg_a/fc7",
        "activations/vgg_a/pool5",
        "losses/regularization",
        "losses/total_loss",
    ]


@pytest.mark.slow  # VGG-A has 128.8M parameters: seconds per step (a minute on a loaded 2-core machine)
def test_slim_vgg_program_trains_with_the_import_change_only(tmp_path):
    logdir = tmp_path / "vgg"
    steps = 3
    result = subprocess.run(
        [sys.executable, str(PROGRAM), "--data", str(DIGITS), "--logdir", str(logdir), "--steps", str(steps)]
        + ["--train_examples", "2", "--batch_size", "2", "--save_interval_secs", "0"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
    logged = re.findall(r"global step (\d+): loss = ([0-9.]+) .*data loss ([0-9.]+)", result.stderr)
    assert [int(step) for step, _, _ in logged] == list(range(1, steps + 1)), result.stderr
    data_losses = [float(d) for _, _, d in logged]
    assert all(b < a for a, b in zip(data_losses, data_losses[1:])), data_losses  # it fits the two digits
    assert 2.0 < data_losses[0] < 2.5  # ~ln(10) at the start: ten classes, small logits
    final = float(re.search(r"^final loss ([0-9.]+)$", result.stdout, re.M).group(1))
    assert final == pytest.approx(float(logged[-1][1]), abs=1e-4)

    assert (logdir / f"model.ckpt-{steps}.safetensors").exists()
    acc = event_accumulator.EventAccumulator(str(logdir), size_guidance={"scalars": 0, "histograms": 0})
    acc.Reload()
    tags = acc.Tags()
    assert {"losses/total_loss", "losses/regularization", "learning/data_loss", "learning/penalty"} <= set(
        tags["scalars"]
    )
    assert {"activations/vgg_a/pool5", "activations/vgg_a/fc7", "learning/weight_norms"} <= set(tags["histograms"])
    data_loss_events = acc.Scalars("learning/data_loss")
    assert [e.step for e in data_loss_events] == list(range(1, steps + 1))
    np.testing.assert_allclose([e.value for e in data_loss_events], data_losses, rtol=1e-3)
