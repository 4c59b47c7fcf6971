"""Data-parallel training (slimcore.distributed, slimcore/gradient_reducer.h).

The reducer hook is checked in this process with a reducer written in
Python; the MPI runs start ``mpiexec -n 2`` (the mpi extra's MPICH) on
tests/distributed_cases.py and compare both ranks' variables (weights,
slots, moving statistics) after 20 steps on half the batch with one process
on the whole batch (rtol 1e-5; entries near 0 to 1e-5 of the tensor's
largest). They skip
when mpi4py or mpiexec is missing (``pip install '.[mpi]'``).
"""

from __future__ import annotations

import importlib
import inspect
import os
import shutil
import signal
import subprocess
import sys
import time
import types
from pathlib import Path
from typing import Callable

import numpy as np
import pytest

import slimcore as tf
from slimcore import _core, slim

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import distributed_cases  # noqa: E402 -- the shared training runs, beside this file


def _mpiexec() -> str | None:
    """The mpiexec of this environment (the mpich wheel puts it beside python)."""
    return shutil.which("mpiexec", path=os.path.dirname(sys.executable)) or shutil.which("mpiexec")


def _have_mpi() -> bool:
    return importlib.util.find_spec("mpi4py") is not None and _mpiexec() is not None


needs_mpi = pytest.mark.skipif(not _have_mpi(), reason="the mpi extra (mpi4py, mpich) is not installed")


def _import_distributed():
    """slimcore.distributed, or a skip when the mpi extra is not installed
    (the module then raises ImportError naming the extra: tested above)."""
    if importlib.util.find_spec("mpi4py") is None:
        pytest.skip("the mpi extra (mpi4py) is not installed")
    import slimcore.distributed

    return slimcore.distributed


def _rank_command(case: str, out: Path) -> list:
    return [_mpiexec(), "-n", "2", sys.executable, str(HERE / "distributed_cases.py"), case, str(out)]


ENV = {**os.environ, "OMP_NUM_THREADS": "1"}


def _run_ranks(case: str, out: Path, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run(_rank_command(case, out), capture_output=True, text=True, timeout=timeout, env=ENV)


# ---- the reducer hook, no MPI -------------------------------------------------------


class _HalvingReducer:
    """A stand-in for 2 replicas whose other gradient is 0: the mean halves it."""

    def __init__(self) -> None:
        self.sizes: list = []

    def __call__(self, buffer: np.ndarray) -> None:
        self.sizes.append(buffer.size)
        buffer *= 0.5


def test_reducer_averages_the_gradient_arena_once_per_step():
    reducer = _HalvingReducer()
    token = _core.register_gradient_reducer(reducer)
    try:
        graph = tf.Graph()
        with graph.as_default():
            w = tf.Variable(np.ones([3, 4], np.float32))
            b = tf.Variable(np.zeros([4], np.float32))
            loss = tf.reduce_sum(tf.square(w)) + tf.reduce_sum(b * 2.0)
            opt = tf.train.GradientDescentOptimizer(0.1)
            opt._gradient_reducer = token
            train_op = opt.minimize(loss)
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                sess.run(train_op)
                sess.run(train_op)
                w_value, b_value = sess.run([w, b])
                arena = _core.testing.gradient_arena(sess._c)
    finally:
        _core.unregister_gradient_reducer(token)
    # one call per step over the whole arena (w and b, each segment aligned), not one per variable
    assert arena.size >= 16
    assert reducer.sizes == [arena.size, arena.size]
    # w <- w - 0.1 * (2 w) / 2 twice; b <- b - 0.1 * 2 / 2 twice
    np.testing.assert_allclose(w_value, np.full([3, 4], 0.81, np.float32), rtol=1e-6)
    np.testing.assert_allclose(b_value, np.full([4], -0.2, np.float32), rtol=1e-6)


def test_reducer_error_leaves_the_variables_untouched():
    def failing(buffer: np.ndarray) -> None:
        raise RuntimeError("peer rank 3 is gone")

    token = _core.register_gradient_reducer(failing)
    try:
        with tf.Graph().as_default():
            w = tf.Variable(np.ones([5], np.float32))
            opt = tf.train.GradientDescentOptimizer(0.1)
            opt._gradient_reducer = token
            train_op = opt.minimize(tf.reduce_sum(tf.square(w)))
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                with pytest.raises(RuntimeError, match="peer rank 3 is gone"):
                    sess.run(train_op)
                np.testing.assert_array_equal(sess.run(w), np.ones([5], np.float32))
    finally:
        _core.unregister_gradient_reducer(token)


def test_unregistered_reducer_is_a_clear_error():
    token = _core.register_gradient_reducer(lambda buffer: None)
    _core.unregister_gradient_reducer(token)
    with tf.Graph().as_default():
        w = tf.Variable(np.ones([2], np.float32))
        opt = tf.train.GradientDescentOptimizer(0.1)
        opt._gradient_reducer = token
        train_op = opt.minimize(tf.reduce_sum(w))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            with pytest.raises(tf.errors.NotFoundError, match="no gradient reducer"):
                sess.run(train_op)


def test_import_without_the_extra_names_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "mpi4py", None)
    monkeypatch.delitem(sys.modules, "mpi4py.MPI", raising=False)
    monkeypatch.delitem(sys.modules, "slimcore.distributed", raising=False)
    with pytest.raises(ImportError, match=r"pip install 'slimcore\[mpi\]'"):
        importlib.import_module("slimcore.distributed")


# ---- distributed=True on the optimizers and create_train_op, no MPI ----------------------


@pytest.fixture
def halving_world(monkeypatch):
    """slimcore.distributed as if init() had run, its reducer the halving
    stand-in for 2 ranks (the MPI reducer itself is checked under mpiexec)."""
    hvd = _import_distributed()
    reducer = _HalvingReducer()
    token = _core.register_gradient_reducer(reducer)
    monkeypatch.setattr(hvd, "_world", types.SimpleNamespace(token=token))
    yield reducer
    _core.unregister_gradient_reducer(token)


OPTIMIZERS = {
    "sgd": lambda **kw: tf.train.GradientDescentOptimizer(0.1, **kw),
    "momentum": lambda **kw: tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True, **kw),
    "adam": lambda **kw: tf.train.AdamOptimizer(0.1, epsilon=1e-2, **kw),
    "rmsprop": lambda **kw: tf.train.RMSPropOptimizer(0.1, centered=True, **kw),
    "adagrad": lambda **kw: tf.train.AdagradOptimizer(0.1, **kw),
    "adadelta": lambda **kw: tf.train.AdadeltaOptimizer(1.0, **kw),
    "ftrl": lambda **kw: tf.train.FtrlOptimizer(0.1, **kw),
    "proximal": lambda **kw: tf.train.ProximalGradientDescentOptimizer(0.1, l1_regularization_strength=0.01, **kw),
    "adamw": lambda **kw: tf.train.AdamWOptimizer(0.01, 0.1, epsilon=1e-2, **kw),
    "momentumw": lambda **kw: tf.train.MomentumWOptimizer(0.01, 0.1, 0.9, **kw),
    "extended": lambda **kw: tf.train.extend_with_decoupled_weight_decay(tf.train.AdagradOptimizer)(0.01, 0.1, **kw),
    "keras_adam": lambda **kw: tf.keras.optimizers.Adam(0.1, **kw),
    "keras_sgd": lambda **kw: tf.keras.optimizers.SGD(0.1, momentum=0.9, weight_decay=0.01, **kw),
}


def _two_steps(opt: tf.train.Optimizer, scale: float, via_create_train_op: bool = False, **kw) -> np.ndarray:
    """w after two steps on scale * sum((w - t)^2)."""
    with tf.Graph().as_default():
        w = tf.Variable(np.arange(12, dtype=np.float32).reshape(3, 4) / 7.0)
        loss = scale * tf.reduce_sum(tf.square(w - 1.0))
        train_op = slim.learning.create_train_op(loss, opt, **kw) if via_create_train_op else opt.minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train_op)
            sess.run(train_op)
            return sess.run(w)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_every_optimizer_takes_distributed_true(name, halving_world):
    opt = OPTIMIZERS[name](distributed=True)
    assert "distributed=True" in repr(opt)
    distributed = _two_steps(opt, 1.0)
    # the reducer ran once per step on the whole arena, and the update used its (halved) gradient
    assert len(halving_world.sizes) == 2 and halving_world.sizes[0] == halving_world.sizes[1] >= 12
    np.testing.assert_allclose(distributed, _two_steps(OPTIMIZERS[name](), 0.5), rtol=1e-6)
    assert "distributed" not in repr(OPTIMIZERS[name]())


def test_distributed_is_a_keyword_only_flag_in_the_signatures():
    for cls in (tf.train.AdamOptimizer, tf.train.MomentumWOptimizer, tf.keras.optimizers.SGD):
        flag = inspect.signature(cls).parameters["distributed"]
        assert flag.kind is inspect.Parameter.KEYWORD_ONLY and flag.default is False, cls
    assert inspect.signature(slim.learning.create_train_op).parameters["distributed"].default is False


def test_a_user_subclass_takes_distributed_too(halving_world):
    class HalfRateSGD(tf.train.GradientDescentOptimizer):  # its own __init__, unaware of the flag
        def __init__(self, learning_rate: float) -> None:
            super().__init__(learning_rate / 2)

    _two_steps(HalfRateSGD(0.2, distributed=True), 1.0)
    assert len(halving_world.sizes) == 2


def test_create_train_op_distributed_true(halving_world):
    opt = tf.train.MomentumOptimizer(0.1, 0.9)
    distributed = _two_steps(opt, 1.0, via_create_train_op=True, distributed=True)
    assert len(halving_world.sizes) == 2
    np.testing.assert_allclose(distributed, _two_steps(tf.train.MomentumOptimizer(0.1, 0.9), 0.5), rtol=1e-6)
    assert opt._gradient_reducer == 0  # the caller's optimizer is left as it was (a copy is distributed)
    assert not np.allclose(_two_steps(opt, 1.0, via_create_train_op=True), distributed)


@pytest.mark.parametrize("where", ["optimizer", "create_train_op"])
def test_distributed_true_without_the_extra_names_it(where, monkeypatch):
    monkeypatch.setitem(sys.modules, "mpi4py", None)
    monkeypatch.delitem(sys.modules, "mpi4py.MPI", raising=False)
    monkeypatch.delitem(sys.modules, "slimcore.distributed", raising=False)
    if where == "optimizer":
        with pytest.raises(ImportError, match=r"AdamOptimizer\(distributed=True\).*pip install 'slimcore\[mpi\]'"):
            tf.train.AdamOptimizer(distributed=True)
        return
    with tf.Graph().as_default():
        w = tf.Variable(np.ones([2], np.float32))
        with pytest.raises(ImportError, match=r"create_train_op\(distributed=True\).*'mpi' extra"):
            slim.learning.create_train_op(tf.reduce_sum(w), tf.train.AdamOptimizer(), distributed=True)


def test_distributed_true_before_init_or_not_a_bool(monkeypatch):
    hvd = _import_distributed()
    monkeypatch.setattr(hvd, "_world", None)
    with pytest.raises(ValueError, match=r"call slimcore.distributed.init\(\) first"):
        tf.train.AdamWOptimizer(0.01, distributed=True)
    with pytest.raises(TypeError, match="distributed must be True or False, got 'yes'"):
        tf.train.GradientDescentOptimizer(0.1, distributed="yes")


@pytest.mark.parametrize("how", ["DistributedOptimizer", "distributed=True", "create_train_op"])
def test_float64_variable_is_refused_when_the_graph_is_built(how, halving_world):
    hvd = importlib.import_module("slimcore.distributed")
    with tf.Graph().as_default():
        w32 = tf.Variable(np.ones([3], np.float32), name="w32")
        w64 = tf.Variable(np.ones([3], np.float64), name="w64")
        loss = tf.reduce_sum(tf.square(w32)) + tf.cast(tf.reduce_sum(tf.square(w64)), tf.float32)
        message = r"w64:0 is float64 \(and the data-parallel gradient reducer averages a float32 gradient arena\)"
        build = {
            "DistributedOptimizer": lambda: hvd.DistributedOptimizer(tf.train.AdamOptimizer()).minimize(loss),
            "distributed=True": lambda: tf.train.AdamOptimizer(distributed=True).minimize(loss),
            "create_train_op": lambda: slim.learning.create_train_op(loss, tf.train.AdamOptimizer(), distributed=True),
        }[how]
        with pytest.raises(TypeError, match=message):
            build()
    assert halving_world.sizes == []  # refused before any step


def test_shard_partitions_or_drops_the_remainder():
    hvd = _import_distributed()
    x, y = np.arange(10), np.arange(10) * 2
    blocks = [hvd.shard((x, y), r, 4) for r in range(4)]
    assert [len(bx) for bx, _ in blocks] == [2, 3, 2, 3]  # at most one row apart
    np.testing.assert_array_equal(np.concatenate([bx for bx, _ in blocks]), x)  # every row, once, in order
    assert all(np.array_equal(by, bx * 2) for bx, by in blocks)  # split alike
    equal = [hvd.shard((x, y), r, 4, drop_remainder=True) for r in range(4)]
    assert [len(bx) for bx, _ in equal] == [2, 2, 2, 2]
    np.testing.assert_array_equal(np.concatenate([bx for bx, _ in equal]), x[:8])  # the last 10 % 4 rows left out
    assert all(np.array_equal(by, bx * 2) for bx, by in equal)
    np.testing.assert_array_equal(hvd.shard(x, 2, 3, drop_remainder=True), [6, 7, 8])


# ---- two MPI ranks ---------------------------------------------------------------------


@needs_mpi
@pytest.mark.slow
@pytest.mark.parametrize("case", ["mlp_adam", "mlp_momentumw", "mlp_momentumw_flag", "lenet_bn"])
def test_two_ranks_on_half_batches_equal_one_process_on_the_whole(case, tmp_path):
    proc = _run_ranks(case, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # mlp_momentumw_flag: the ranks' optimizer is built with distributed=True instead of wrapped
    reference = distributed_cases.train(case.removesuffix("_flag"))["values"]
    initial = distributed_cases.train(case, steps=0)["values"]
    moved = max(float(np.abs(reference[k] - initial[k]).max()) for k in reference if k.endswith("weights"))
    assert moved > 1e-3, f"the weights barely moved ({moved}): the comparison would prove nothing"
    for suffix in ("", "_rank1"):
        ranks = np.load(tmp_path / f"weights{suffix}.npz")
        assert sorted(ranks.files) == sorted(reference)
        for name, value in reference.items():
            # rtol 1e-5, and near-zero entries to 1e-5 of the tensor's largest (float32 rounding of its sums)
            atol = 1e-5 * max(float(np.abs(value).max()), 0.1)
            np.testing.assert_allclose(ranks[name], value, rtol=1e-5, atol=atol, err_msg=f"{name}{suffix}")
    assert "ranks: 2" in (tmp_path / "report.txt").read_text()
    if case == "mlp_adam":
        guard = (tmp_path / "guard.txt").read_text()
        assert "leaves out" in guard and "[ranks: 2:" in guard, guard
        # only rank 0 wrote a checkpoint; restore gave rank 1 rank 0's values
        assert any(tmp_path.glob("ckpt_rank0*"))
        assert not any(tmp_path.glob("ckpt_rank1*"))
        for r in (0, 1):
            saved, restored = np.load(tmp_path / f"restored_rank{r}.npy")
            np.testing.assert_array_equal(restored, saved)
        # allreduce: mean [1.5, 3], sum [3, 6]; d/dx of mean_r(r+1) * allreduce(x*x) = 2x * 1.5
        for r in (0, 1):
            mean, total, grad = np.load(tmp_path / f"allreduce_rank{r}.npy")
            np.testing.assert_allclose(mean, [1.5, 3.0])
            np.testing.assert_allclose(total, [3.0, 6.0])
            np.testing.assert_allclose(grad, 2 * np.array([1.0, 2.0]) * (r + 1) * 1.5)


@needs_mpi
@pytest.mark.slow
def test_batch_norm_statistics_stay_per_rank_without_sync(tmp_path):
    proc = _run_ranks("lenet_bn_per_rank", tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rank0, rank1 = np.load(tmp_path / "weights.npz"), np.load(tmp_path / "weights_rank1.npz")
    moving = [k for k in rank0.files if "moving_" in k]
    assert moving
    for name in rank0.files:
        if name in moving:  # each rank averaged its own shard's statistics (synced ones are bitwise equal)
            assert np.abs(rank0[name] - rank1[name]).max() > 1e-6, name
        else:  # the weights and slots take the same averaged step on both ranks
            np.testing.assert_array_equal(rank0[name], rank1[name], err_msg=name)


@needs_mpi
@pytest.mark.slow
def test_a_raising_rank_ends_the_job_with_its_error(tmp_path):
    proc = _run_ranks("raise", tmp_path, timeout=30)  # a hang fails with TimeoutExpired
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output
    assert "rank 1 of 2" in output
    assert "rank 1 fails on purpose at step 5" in output


def _spin_then(tmp_path: Path, stop: Callable[[subprocess.Popen], None]) -> tuple:
    """Starts 2 training ranks in their own process group, waits until they
    train, calls stop(job); returns (exit code, output) once mpiexec exits
    (TimeoutExpired after 30 s: a rank left running)."""
    job = subprocess.Popen(
        _rank_command("spin", tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=ENV,
        start_new_session=True,
    )
    try:
        marks = [tmp_path / "started", tmp_path / "pid_rank1"]  # the ranks are training (wait at most 60 s)
        for _ in range(600):
            if all(m.exists() for m in marks) or job.poll() is not None:
                break
            time.sleep(0.1)
        assert all(m.exists() for m in marks), job.communicate()[0]
        stop(job)
        output, _ = job.communicate(timeout=30)
    finally:
        if job.poll() is None:
            os.killpg(job.pid, signal.SIGKILL)
            job.wait()
    return job.returncode, output


@needs_mpi
@pytest.mark.slow
def test_ctrl_c_stops_every_rank(tmp_path):
    # Ctrl-C in a terminal sends SIGINT to the whole foreground process group.
    code, output = _spin_then(tmp_path, lambda job: os.killpg(job.pid, signal.SIGINT))
    assert code != 0, output
    assert "interrupted; aborting all ranks" in output


@needs_mpi
@pytest.mark.slow
def test_a_killed_rank_ends_the_job(tmp_path):
    # Rank 1 dies without a word (SIGKILL): mpiexec ends rank 0 instead of it waiting in the allreduce.
    pid = lambda: int((tmp_path / "pid_rank1").read_text())  # noqa: E731
    code, output = _spin_then(tmp_path, lambda job: os.kill(pid(), signal.SIGKILL))
    assert code != 0, output
    assert f"PID {pid()}" in output and "BAD TERMINATION" in output, output


@needs_mpi
@pytest.mark.slow
def test_cli_train_workers_launches_ranks_and_only_rank0_prints(tmp_path):
    cli = [sys.executable, "-m", "slimcore", "train", "--epochs", "1", "--quiet", "--checkpoint-dir", str(tmp_path)]
    proc = subprocess.run([*cli, "--workers", "2"], capture_output=True, text=True, timeout=240, env=ENV)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("test accuracy") == 1, proc.stdout
    assert "on 2 ranks" in proc.stdout
    # 1,438 training examples: 719 per rank, 23 steps of 32 (one allreduce each) -> global step 23
    assert sorted(p.name for p in tmp_path.glob("*.safetensors")) == ["mlp-23.safetensors"]
