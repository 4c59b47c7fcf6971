"""The installed package as a C++ application sees it.

cpp/examples is built the way an outside project builds against slimcore:
configured in a temporary folder with ``-Dslimcore_DIR`` from
``slimcore.get_cmake_dir()``, so it finds the installed headers, the exported
``slimcore::slimcore`` target and ``libslimcore.so`` of the wheel, never the
source tree. The executable then trains an MLP and must print falling losses.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import slimcore

pytestmark = pytest.mark.slow  # builds cpp/examples with CMake against the installed package

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "cpp" / "examples"
SOURCE_HEADERS = ROOT / "cpp" / "include" / "slimcore"
PACKAGE = Path(slimcore.__file__).resolve().parent

LOSS_LINE = re.compile(r"^step\s+(\d+)\s+loss\s+(\S+)$", re.MULTILINE)


def _cmake() -> str | None:
    """cmake on PATH, or beside this interpreter (a venv that is not activated)."""
    return shutil.which("cmake") or shutil.which("cmake", path=os.path.dirname(sys.executable))


def _cxx_compiler() -> str | None:
    """The C++ compiler CMake would pick: $CXX, else c++, g++ or clang++ on PATH."""
    if os.environ.get("CXX"):
        return shutil.which(os.environ["CXX"].split()[0])
    return next((path for name in ("c++", "g++", "clang++") if (path := shutil.which(name))), None)


def _run(cmd: list[str], timeout: float, **kwargs) -> subprocess.CompletedProcess:
    """Runs cmd; a non-zero exit fails the test with the command's output."""
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kwargs)
    if proc.returncode != 0:
        pytest.fail(
            f"{' '.join(cmd)} exited with {proc.returncode}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}",
            pytrace=False,
        )
    return proc


def _mpiexec() -> str | None:
    """The mpi extra's mpiexec (beside this interpreter), else one on PATH."""
    return shutil.which("mpiexec", path=os.path.dirname(sys.executable)) or shutil.which("mpiexec")


def _mpi_home() -> list:
    """-DMPI_HOME of the MPI beside this interpreter (the mpi extra's MPICH),
    so that find_package(MPI) builds data_parallel_mpi; nothing otherwise."""
    if shutil.which("mpicxx", path=os.path.dirname(sys.executable)) is None:
        return []
    return [f"-DMPI_HOME={Path(sys.executable).parent.parent}"]


@pytest.fixture(scope="module")
def examples(tmp_path_factory) -> Path:
    """The build folder of cpp/examples, built against the installed slimcore."""
    cmake = _cmake()
    if cmake is None:
        pytest.skip("cmake is not installed: the C++ example cannot be built")
    if _cxx_compiler() is None:
        pytest.skip("no C++ compiler ($CXX, c++, g++ or clang++) is installed")
    build = tmp_path_factory.mktemp("examples-build")
    _run(
        [
            cmake,
            "-S",
            str(EXAMPLES),
            "-B",
            str(build),
            "-DCMAKE_BUILD_TYPE=Release",
            f"-Dslimcore_DIR={slimcore.get_cmake_dir()}",
            *_mpi_home(),
        ],
        timeout=300,
    )
    _run([cmake, "--build", str(build), "--parallel", "2"], timeout=600)
    return build


def _executable(build: Path, name: str) -> Path:
    exe = build / name
    assert exe.is_file(), f"the build made no {exe}"
    return exe


@pytest.fixture(scope="module")
def train_mlp(examples) -> Path:
    return _executable(examples, "train_mlp")


@pytest.fixture(scope="module")
def digits_mlp(examples) -> Path:
    return _executable(examples, "digits_mlp")


def test_example_trains_and_its_loss_falls(train_mlp):
    proc = _run([str(train_mlp)], timeout=300)
    points = [(int(step), float(loss)) for step, loss in LOSS_LINE.findall(proc.stdout)]
    assert len(points) >= 3, f"expected 'step N  loss L' lines, got:\n{proc.stdout}"
    steps = [step for step, _ in points]
    losses = [loss for _, loss in points]
    assert steps[0] == 0 and steps == sorted(steps), proc.stdout
    assert all(math.isfinite(loss) for loss in losses), proc.stdout
    # Full-batch gradient descent with a small step is a descent method: every
    # reported loss is below the one before, and training gets far.
    assert all(b < a for a, b in zip(losses, losses[1:])), f"losses do not fall:\n{proc.stdout}"
    assert losses[-1] < losses[0] / 10, f"the loss fell too little:\n{proc.stdout}"


def test_example_rejects_a_bad_step_count(train_mlp):
    proc = subprocess.run([str(train_mlp), "zero"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "usage" in proc.stderr


def test_installed_headers_match_the_source_headers():
    include = PACKAGE / "include" / "slimcore"
    assert (include / "slimcore.h").is_file(), f"no umbrella header under {include}"
    source = sorted(p.name for p in SOURCE_HEADERS.glob("*.h"))
    installed = sorted(p.name for p in include.glob("*.h"))
    assert installed == source, "the installed headers are not cpp/include/slimcore's: reinstall"


def test_installed_cmake_package():
    cmake_dir = Path(slimcore.get_cmake_dir()).resolve()
    assert cmake_dir == PACKAGE / "share" / "cmake" / "slimcore"
    for name in ("slimcoreConfig.cmake", "slimcoreConfigVersion.cmake", "slimcoreTargets.cmake"):
        assert (cmake_dir / name).is_file(), f"{name} missing from {cmake_dir}"
    assert (PACKAGE / "lib" / "libslimcore.so").is_file()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/maps")
def test_extension_loads_the_packaged_library():
    # _core finds libslimcore.so through its RPATH ($ORIGIN/lib), not through
    # LD_LIBRARY_PATH or a system copy.
    maps = Path("/proc/self/maps").read_text()
    loaded = {line.split()[-1] for line in maps.splitlines() if "libslimcore" in line}
    assert loaded == {str(PACKAGE / "lib" / "libslimcore.so")}, loaded


# ---- the seed-002 MLP in C++: data from safetensors, checkpoints both ways ----
ACCURACY_LINE = re.compile(r"^test accuracy (\S+)$", re.MULTILINE)
HIDDEN = 64


@pytest.fixture(scope="module")
def digits_file(tmp_path_factory) -> Path:
    safetensors_numpy = pytest.importorskip("safetensors.numpy")
    from slimcore.app.datasets import load_digits

    data = load_digits()
    path = tmp_path_factory.mktemp("data") / "digits.safetensors"
    safetensors_numpy.save_file(
        {"x_train": data.x_train, "y_train": data.y_train, "x_test": data.x_test, "y_test": data.y_test}, str(path)
    )
    return path


def _python_mlp():
    """slimcore.models.mlp with the C++ program's sizes and names (EasyNet/...)."""
    from slimcore.models import mlp

    x = slimcore.placeholder(slimcore.float32, [None, 64])
    labels = slimcore.placeholder(slimcore.int64, [None])
    logits = mlp(x, 10, hidden_units=(HIDDEN, HIDDEN))
    correct = slimcore.equal(slimcore.argmax(logits, 1), labels)
    return x, labels, logits, slimcore.reduce_mean(slimcore.cast(correct, slimcore.float32))


def test_cpp_trains_and_python_restores(digits_mlp, digits_file, tmp_path):
    from slimcore.app.datasets import load_digits

    ckpt = tmp_path / "cpp.safetensors"
    proc = _run(
        [str(digits_mlp), "train", str(digits_file), str(ckpt), "--steps", "300", "--hidden", str(HIDDEN)], timeout=300
    )
    losses = [float(v) for v in re.findall(r"data loss (\S+)", proc.stdout)]
    assert losses[-1] < losses[0] / 4, proc.stdout
    cpp_accuracy = float(ACCURACY_LINE.findall(proc.stdout)[-1])
    assert cpp_accuracy > 0.85, proc.stdout
    x, labels, _, accuracy = _python_mlp()
    data = load_digits()
    with slimcore.Session() as sess:
        slimcore.train.Saver(slimcore.trainable_variables()).restore(sess, str(ckpt))
        py_accuracy = sess.run(accuracy, {x: data.x_test, labels: data.y_test})
    assert abs(py_accuracy - cpp_accuracy) < 1e-3


def test_python_trains_and_cpp_evaluates(digits_mlp, digits_file, tmp_path):
    from slimcore.app.datasets import load_digits

    x, labels, logits, accuracy = _python_mlp()
    loss = slimcore.losses.sparse_softmax_cross_entropy(labels, logits)
    train = slimcore.train.AdamOptimizer(1e-3).minimize(loss)
    data = load_digits()
    saver = slimcore.train.Saver(slimcore.trainable_variables())
    with slimcore.Session() as sess:
        sess.run(slimcore.global_variables_initializer())
        for start in range(0, 32 * 200, 32):
            idx = slice(start % 1400, start % 1400 + 32)
            sess.run(train, {x: data.x_train[idx], labels: data.y_train[idx]})
        py_accuracy = sess.run(accuracy, {x: data.x_test, labels: data.y_test})
        prefix = saver.save(sess, str(tmp_path / "py"))
    proc = _run(
        [str(digits_mlp), "eval", str(digits_file), prefix + ".safetensors", "--hidden", str(HIDDEN)], timeout=120
    )
    assert abs(float(ACCURACY_LINE.findall(proc.stdout)[-1]) - py_accuracy) < 1e-3, proc.stdout
    assert py_accuracy > 0.8


def test_cpp_program_refuses_bad_input(digits_mlp, digits_file, tmp_path):
    bad = subprocess.run(
        [str(digits_mlp), "eval", str(digits_file), str(tmp_path / "missing.safetensors")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "does not exist" in bad.stderr
    usage = subprocess.run([str(digits_mlp)], capture_output=True, text=True, timeout=60)
    assert usage.returncode == 2 and "usage" in usage.stderr


# ---- per-variable settings: the C++ application and Python train alike ------
@pytest.fixture(scope="module")
def per_variable_settings(examples) -> Path:
    return _executable(examples, "per_variable_settings")


def _python_per_variable_settings(algorithm: str, convention: str, steps: int) -> dict:
    """cpp/examples/per_variable_settings.cpp's model, settings and optimizer in Python."""
    import numpy as np

    tf = slimcore
    x = tf.constant((0.1 * np.arange(12) - 0.5).reshape(4, 3).astype(np.float32))
    y = tf.constant(np.array([0.2 * (k // 2 - k % 2) for k in range(8)], np.float32).reshape(4, 2))
    w = tf.Variable((0.1 * (np.arange(6) + 1) - 0.3).reshape(3, 2).astype(np.float32), name="dense/weights")
    b = tf.Variable(np.array([0.05, -0.05], np.float32), name="dense/biases")
    z = tf.Variable(np.array([1.0, -2.0], np.float32), name="z")
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y)) + tf.reduce_sum(z) * 0.0
    w.lr_mult, w.momentum, w.weight_decay = 0.5, 0.5, 0.1
    b.lr_mult, b.weight_decay = 2.0, 0.0
    z.lr_mult = 3.0
    base = {
        "sgd": tf.train.GradientDescentOptimizer,
        "momentum": tf.train.MomentumOptimizer,
        "adam": tf.train.AdamOptimizer,
        "rmsprop": tf.train.RMSPropOptimizer,
        "adagrad": tf.train.AdagradOptimizer,
    }[algorithm]
    hypers = {"momentum": {"momentum": 0.9}, "rmsprop": {"momentum": 0.9, "epsilon": 1e-8}}.get(algorithm, {})
    opt = tf.train.extend_with_decoupled_weight_decay(base)(0.05, 0.1, decay_convention=convention, **hypers)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sgd/adam/adagrad: w's momentum hint is ignored, as in C++
        train = opt.minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(steps):
            sess.run(train)
        return dict(zip(["dense/weights", "dense/biases", "z"], sess.run([w, b, z])))


@pytest.mark.parametrize(
    "algorithm,convention",
    [
        ("momentum", "contrib"),
        ("momentum", "lr"),
        ("adam", "lr"),
        ("rmsprop", "schedule"),
        ("sgd", "lr"),
        ("adagrad", "contrib"),
    ],
)
def test_cpp_and_python_per_variable_settings_agree(per_variable_settings, tmp_path, algorithm, convention):
    import numpy as np

    out = tmp_path / "final.safetensors"
    _run([str(per_variable_settings), str(out), algorithm, convention, "20"], timeout=120)
    cpp, _ = slimcore.train.read_checkpoint(str(out))
    python = _python_per_variable_settings(algorithm, convention, 20)
    assert sorted(cpp) == sorted(python)
    for name in python:
        np.testing.assert_allclose(cpp[name], python[name], rtol=1e-6, err_msg=name)
    # the settings did something: z only decays, w decays at its own rate
    assert not np.allclose(python["z"], [1.0, -2.0])


# ---- data-parallel training through the gradient-reducer interface -----------
DIFFERENCE_LINE = re.compile(r"^max weight difference (\S+) \(largest weight (\S+)\)$", re.MULTILINE)


def test_two_in_process_replicas_train_as_one_process_on_the_whole_batch(examples):
    # data_parallel trains two replicas (threads) on half the points each, their
    # gradients averaged by an InProcessMeanReducer, and one process on all points.
    proc = _run([str(_executable(examples, "data_parallel")), "100"], timeout=300)
    losses = [float(loss) for _, loss in LOSS_LINE.findall(proc.stdout)]
    assert losses[-1] < losses[0] / 2, proc.stdout
    difference, largest = (float(v) for v in DIFFERENCE_LINE.findall(proc.stdout)[-1])
    assert difference <= 1e-5 * max(1.0, largest), proc.stdout


def test_mpi_example_ranks_train_alike(examples):
    # data_parallel_mpi: each rank trains on its half through an MPI_Allreduce reducer.
    exe = examples / "data_parallel_mpi"
    if not exe.is_file() or _mpiexec() is None:
        pytest.skip("no MPI found by CMake (pip install '.[mpi]'): data_parallel_mpi is not built")
    proc = _run([_mpiexec(), "-n", "2", str(exe), "100"], timeout=300)
    losses = [float(loss) for _, loss in LOSS_LINE.findall(proc.stdout)]
    assert losses and losses[-1] < 0.05, proc.stdout
    assert "ranks 2 agree to 0" in proc.stdout
