"""Saver: safetensors files, TF names, max_to_keep, latest_checkpoint, atomic
writes (a killed save leaves the previous checkpoint intact), bad files."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import slimcore as tf
from slimcore import errors


def _model():
    w = tf.get_variable("dense/kernel", [3, 2])
    b = tf.get_variable("dense/bias", [2], initializer=tf.ones_initializer())
    step = tf.train.get_or_create_global_step()
    return w, b, step


def test_round_trip_names_and_safetensors_package(tmp_path):
    safetensors_numpy = pytest.importorskip("safetensors.numpy")
    w, b, step = _model()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(step.assign(41))
        prefix = saver.save(sess, str(tmp_path / "model.ckpt"), global_step=step)
        assert prefix == str(tmp_path / "model.ckpt-41")
        values = sess.run([w, b])
    loaded = safetensors_numpy.load_file(prefix + ".safetensors")
    assert sorted(loaded) == ["dense/bias", "dense/kernel", "global_step"]
    np.testing.assert_array_equal(loaded["dense/kernel"], values[0])
    assert loaded["global_step"].dtype == np.int64 and loaded["global_step"] == 41
    with tf.Session() as sess:  # a new session: values come from the file
        saver.restore(sess, prefix)
        np.testing.assert_array_equal(sess.run(w), values[0])
        assert sess.run(step) == 41
    tensors, meta = tf.train.read_checkpoint(prefix)
    assert meta["format"] == "slimcore/1" and set(tensors) == set(loaded)


def test_max_to_keep_and_latest_checkpoint(tmp_path):
    _model()
    saver = tf.train.Saver(max_to_keep=2)
    assert tf.train.latest_checkpoint(str(tmp_path)) is None
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in (1, 2, 3):
            saver.save(sess, str(tmp_path / "m"), global_step=step)
    assert sorted(os.listdir(tmp_path)) == ["checkpoint", "m-2.safetensors", "m-3.safetensors"]
    assert tf.train.latest_checkpoint(str(tmp_path)) == str(tmp_path / "m-3")
    assert saver.last_checkpoints == [str(tmp_path / "m-2"), str(tmp_path / "m-3")]
    state = (tmp_path / "checkpoint").read_text()
    assert 'model_checkpoint_path: "m-3"' in state


def test_var_list_dict_renames_and_subset(tmp_path):
    w, _b, _ = _model()
    saver = tf.train.Saver({"renamed": w})
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = saver.save(sess, str(tmp_path / "x"))
    tensors, _ = tf.train.read_checkpoint(prefix)
    assert list(tensors) == ["renamed"]


def test_restore_errors_change_nothing(tmp_path):
    w, b, _ = _model()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = tf.train.Saver([w]).save(sess, str(tmp_path / "only_w"))
        before = sess.run([w, b])
        with pytest.raises(errors.NotFoundError, match="dense/bias not found"):
            tf.train.Saver([w, b]).restore(sess, prefix)
        np.testing.assert_array_equal(sess.run(w), before[0])
        with pytest.raises(ValueError, match="not a valid checkpoint"):
            tf.train.Saver().restore(sess, str(tmp_path / "missing"))
    other = tf.Graph()
    with other.as_default():
        wrong = tf.get_variable("dense/kernel", [4, 2])
        with tf.Session(graph=other) as sess:
            with pytest.raises(ValueError, match=r"\[3, 2\].*\[4, 2\]"):
                tf.train.Saver([wrong]).restore(sess, prefix)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x05\x00\x00\x00\x00\x00\x00\x00{}",
        b"\x02\x00\x00\x00\x00\x00\x00\x00[]",
        b"\x40\x00\x00\x00\x00\x00\x00\x00" + b'{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}' + b" " * 9,
    ],
)
def test_malformed_files_raise_clearly(tmp_path, content):
    w, _, _ = _model()
    path = tmp_path / "bad.safetensors"
    path.write_bytes(content)
    with tf.Session() as sess:
        with pytest.raises(ValueError, match=r"not a valid safetensors file|not found"):
            tf.train.Saver([w]).restore(sess, str(path))


def test_a_killed_save_leaves_the_previous_checkpoint_intact(tmp_path):
    """A process writing a large checkpoint is killed mid-save: the earlier
    checkpoint under the same name still loads, unchanged."""
    script = textwrap.dedent(f"""
        import sys, numpy as np, slimcore as tf
        big = tf.Variable(np.full((64, 1024, 1024), float(sys.argv[1]), np.float32), name="big")
        saver = tf.train.Saver([big])
        with tf.Session() as sess:
            sess.run(big.initializer)
            print("ready", flush=True)
            saver.save(sess, {str(tmp_path / "model")!r})
            print("saved", flush=True)
    """)
    env = dict(os.environ)
    first = subprocess.run([sys.executable, "-c", script, "1"], capture_output=True, text=True, env=env)
    assert "saved" in first.stdout, first.stderr
    proc = subprocess.Popen([sys.executable, "-c", script, "2"], stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(0.05)  # inside the 256 MB write
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    tensors, _ = tf.train.read_checkpoint(str(tmp_path / "model"))
    assert tensors["big"].shape == (64, 1024, 1024)
    assert float(tensors["big"][0, 0, 0]) in (1.0, 2.0)
    assert np.all(tensors["big"] == tensors["big"][0, 0, 0])  # never a mix of old and new


def test_metadata_records_decay_settings_and_restore_warns_on_differences(tmp_path):
    import json
    import warnings as _warnings

    import slimcore.slim as slim

    def build(scale, lr_mult):
        graph = tf.Graph()
        with graph.as_default():
            x = tf.placeholder(tf.float32, [None, 3])
            slim.fully_connected(
                x, 2, weights_regularizer=slim.l2_regularizer(scale), weights_lr_mult=lr_mult, scope="fc"
            )
            opt = tf.train.AdamWOptimizer(1e-4, 0.01)
            opt.minimize(
                tf.losses.get_total_loss(), var_list=tf.trainable_variables()[:1], regularization_check="ignore"
            )
        return graph

    g1 = build(0.01, 2.0)
    with g1.as_default(), tf.Session(graph=g1) as sess:
        sess.run(tf.global_variables_initializer())
        prefix = tf.train.Saver(tf.trainable_variables()).save(sess, str(tmp_path / "m"))
    _, meta = tf.train.read_checkpoint(prefix)
    settings = json.loads(meta["slimcore.decay_settings"])
    w = settings["variables"]["fc/weights"]
    assert (w["regularizer"], w["scale"], w["lr_mult"], w["role"]) == ("l2_regularizer", 0.01, 2.0, "weights")
    assert "half" in w["convention"]
    assert settings["optimizer"] == {"algorithm": "adam", "weight_decay": 0.0001, "decay_convention": "contrib"}
    same = build(0.01, 2.0)
    with same.as_default(), tf.Session(graph=same) as sess, _warnings.catch_warnings():
        _warnings.simplefilter("error")
        tf.train.Saver(tf.trainable_variables()).restore(sess, prefix)  # silent
    other = build(0.5, 1.0)
    with other.as_default(), tf.Session(graph=other) as sess:
        with pytest.warns(
            tf.train.CheckpointSettingsWarning,
            match=r"fc/weights: scale 0\.01 in the checkpoint, 0\.5 now.*lr_mult 2\.0",
        ):
            tf.train.Saver(tf.trainable_variables()).restore(sess, prefix)


class _Killed(BaseException):
    """Stands for SIGKILL at a chosen point of Saver.save: nothing after it runs."""


def _dead_pid():
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_kill_before_the_state_file_is_rewritten_keeps_latest_checkpoint(tmp_path, monkeypatch):
    """max_to_keep=1: a save killed after writing its checkpoint but before
    rewriting the state file leaves the previous checkpoint in place and
    named by latest_checkpoint (the old file is deleted only after the state
    file names the new one)."""
    from slimcore.train import saver as saver_module

    w, _, _ = _model()
    saver = tf.train.Saver([w], max_to_keep=1)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = saver.save(sess, str(tmp_path / "m"), global_step=1)

        def killed(*args, **kwargs):
            raise _Killed

        monkeypatch.setattr(saver_module, "_write_state", killed)
        with pytest.raises(_Killed):
            saver.save(sess, str(tmp_path / "m"), global_step=2)
    assert tf.train.latest_checkpoint(str(tmp_path)) == first
    assert tf.train.read_checkpoint(first)[0]["dense/kernel"].shape == (3, 2)


def test_a_kill_before_pruning_leaves_the_new_checkpoint_latest(tmp_path, monkeypatch):
    from slimcore.train import saver as saver_module

    w, _, _ = _model()
    saver = tf.train.Saver([w], max_to_keep=1)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = saver.save(sess, str(tmp_path / "m"), global_step=1)

        def killed(path):
            raise _Killed

        monkeypatch.setattr(saver_module.os, "remove", killed)
        with pytest.raises(_Killed):
            saver.save(sess, str(tmp_path / "m"), global_step=2)
    second = str(tmp_path / "m-2")
    assert tf.train.latest_checkpoint(str(tmp_path)) == second
    assert os.path.isfile(first + ".safetensors")  # left over, harmless: the state file names m-2
    assert not [n for n in os.listdir(tmp_path) if ".tmp-" in n]


def test_stale_temporary_files_of_killed_saves_are_removed_at_the_next_save(tmp_path):
    """Only slimcore's own temporary files of this prefix whose writer is
    gone; never a user's file, another prefix's, or a live writer's."""
    w, _, _ = _model()
    dead, live = _dead_pid(), os.getppid()
    stale = [
        f"m-5.safetensors.tmp-{dead}-0",
        f"m.safetensors.tmp-{dead}-3",
        f"m-12.safetensors.tmp-{dead}",  # the naming of older slimcore versions
        f"checkpoint.tmp-{dead}-0",
    ]
    kept = [
        f"m-5.safetensors.tmp-{live}-0",  # a save running in another process
        f"other-5.safetensors.tmp-{dead}-0",  # another prefix
        f"mx-5.safetensors.tmp-{dead}-0",
        "m-5.safetensors.tmp-notes",
        "m.safetensors.bak",
        f"m-5.tmp-{dead}-0",
        "notes.txt",
    ]
    for name in stale + kept:
        (tmp_path / name).write_bytes(b"x" * 10)
    saver = tf.train.Saver([w])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        saver.save(sess, str(tmp_path / "m"), global_step=6)
    assert sorted(os.listdir(tmp_path)) == sorted([*kept, "checkpoint", "m-6.safetensors"])


def test_sigkilled_saves_leave_a_valid_latest_checkpoint_and_the_next_save_cleans_up(tmp_path):
    """A real SIGKILL in the middle of writing (a 64 MB checkpoint): the
    previous checkpoint stays latest and loads; the next save removes the
    killed save's temporary file."""
    script = textwrap.dedent(f"""
        import sys, numpy as np, slimcore as tf
        big = tf.Variable(np.full((16, 1024, 1024), float(sys.argv[1]), np.float32), name="big")
        saver = tf.train.Saver([big], max_to_keep=1)
        with tf.Session() as sess:
            sess.run(big.initializer)
            print("ready", flush=True)
            saver.save(sess, {str(tmp_path / "model")!r}, global_step=int(sys.argv[1]))
            print("saved", flush=True)
            if len(sys.argv) > 2:
                sys.stdin.read()
    """)
    first = subprocess.run([sys.executable, "-c", script, "1"], capture_output=True, text=True)
    assert "saved" in first.stdout, first.stderr
    proc = subprocess.Popen([sys.executable, "-c", script, "2"], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    while not [n for n in os.listdir(tmp_path) if ".tmp-" in n] and proc.poll() is None:
        time.sleep(0.001)  # until the write has begun
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    latest = tf.train.latest_checkpoint(str(tmp_path))
    assert latest in (str(tmp_path / "model-1"), str(tmp_path / "model-2"))
    tensors, _ = tf.train.read_checkpoint(latest)
    assert np.all(tensors["big"] == float(latest[-1]))
    third = subprocess.run([sys.executable, "-c", script, "3"], capture_output=True, text=True)
    assert "saved" in third.stdout, third.stderr
    assert tf.train.latest_checkpoint(str(tmp_path)) == str(tmp_path / "model-3")
    assert not [n for n in os.listdir(tmp_path) if ".tmp-" in n]


def _saved_with_metadata(tmp_path, mutate):
    """A checkpoint of dense/kernel whose metadata `mutate` rewrites (the file stays valid safetensors)."""
    safetensors_numpy = pytest.importorskip("safetensors.numpy")
    w, _, _ = _model()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = tf.train.Saver([w]).save(sess, str(tmp_path / "m"))
    tensors, meta = tf.train.read_checkpoint(prefix)
    mutate(tensors, meta)
    safetensors_numpy.save_file(tensors, prefix + ".safetensors", metadata=meta)
    return w, prefix


@pytest.mark.parametrize(
    "case,error,message",
    [
        ("settings not JSON", errors.DataLossError, "decay_settings.*not JSON"),
        ("settings NaN", errors.DataLossError, "NaN is not JSON"),
        ("variable settings a list", errors.DataLossError, "settings of 'dense/kernel'"),
        ("variables missing", errors.DataLossError, "expected"),
        ("optimizer a string", errors.DataLossError, "optimizer settings"),
        ("tensor missing", errors.NotFoundError, "dense/kernel not found"),
        ("wrong shape", errors.InvalidArgumentError, r"is float32 \[2, 3\], the variable is float32 \[3, 2\]"),
    ],
)
def test_a_failed_restore_changes_no_variable(tmp_path, case, error, message):
    def mutate(tensors, meta):
        settings = json.loads(meta["slimcore.decay_settings"])
        if case == "settings not JSON":
            meta["slimcore.decay_settings"] = "{variables"
        elif case == "settings NaN":
            settings["variables"]["dense/kernel"]["scale"] = float("nan")
            meta["slimcore.decay_settings"] = json.dumps(settings)
        elif case == "variable settings a list":
            settings["variables"]["dense/kernel"] = [1]
            meta["slimcore.decay_settings"] = json.dumps(settings)
        elif case == "variables missing":
            meta["slimcore.decay_settings"] = "{}"
        elif case == "optimizer a string":
            settings["optimizer"] = "adam"
            meta["slimcore.decay_settings"] = json.dumps(settings)
        elif case == "tensor missing":
            tensors["other"] = tensors.pop("dense/kernel")
        elif case == "wrong shape":
            tensors["dense/kernel"] = np.zeros((2, 3), np.float32)

    w, prefix = _saved_with_metadata(tmp_path, mutate)
    with tf.Session() as sess:
        sess.run(w.assign(np.full((3, 2), 5.0, np.float32)))
        with pytest.raises(error, match=message):
            tf.train.Saver([w]).restore(sess, prefix)
        np.testing.assert_array_equal(sess.run(w), np.full((3, 2), 5.0, np.float32))
