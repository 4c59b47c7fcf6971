"""slimcore.sweep and `slimcore sweep --workers / --ray`: the same results as the
sequential sweep, in config order, bit for bit; errors name the configuration.

Bit for bit needs the same kernel threads per run: some of the engine's
reductions (LeNet's loss, the decoupled-decay magnitude) round differently on
1 and 2 threads. So the sequential sweep runs here on cores // 2 threads, the
count `--workers 2` gives each worker by default."""

from __future__ import annotations

import functools
import importlib.util
import os
import sys

import pytest

import slimcore as sc
from slimcore.app import cli
from slimcore.app.classifier_run import TrainConfig
from slimcore.app.datasets import load_digits


# Module-level: a spawned worker unpickles these by reference (it imports this module).
def _square_and_threads(x: int) -> tuple:
    return x * x, sc.get_num_threads(), os.getpid()


def _fail_on_three(x: int) -> int:
    if x == 3:
        raise ZeroDivisionError(f"no run for {x}")
    return x


def _die_on_one(x: int) -> int:
    if x == 1:
        os._exit(3)  # the worker process vanishes, as on a crash or the OOM killer
    return x


def _cores() -> int:
    return len(os.sched_getaffinity(0))


def test_processes_return_results_in_config_order_with_the_cores_divided():
    seen = []
    results = sc.sweep(
        [3, 1, 2, 0], _square_and_threads, backend="processes", workers=2, on_result=lambda i, c, r: seen.append(i)
    )
    assert [r[0] for r in results] == [9, 1, 4, 0]
    assert seen == [0, 1, 2, 3]  # on_result in config order
    assert {r[1] for r in results} == {max(1, _cores() // 2)}  # each worker: cores / workers threads
    assert os.getpid() not in {r[2] for r in results}  # the runs happened in other processes
    assert len({r[2] for r in results}) <= 2  # ... on at most `workers` of them


def test_sequential_runs_in_this_process_and_restores_the_thread_count():
    before = sc.get_num_threads()
    results = sc.sweep([2, 5], _square_and_threads, threads=1)
    assert [r[0] for r in results] == [4, 25] and {r[1] for r in results} == {1}
    assert {r[2] for r in results} == {os.getpid()}
    assert sc.get_num_threads() == before
    assert sc.sweep([], _square_and_threads, backend="processes") == []


_RAY = pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="needs ray: pip install 'slimcore[ray]'")
_SLOW_RAY = [pytest.mark.slow, _RAY]


@pytest.mark.parametrize(
    "backend",
    ["sequential", pytest.param("processes", marks=pytest.mark.slow), pytest.param("ray", marks=_SLOW_RAY)],
)
def test_a_failing_run_is_reraised_naming_its_configuration(backend):
    with pytest.raises(sc.SweepError, match=r"configuration 2 \(3\) failed.*ZeroDivisionError: no run for 3") as info:
        sc.sweep([1, 2, 3, 4], _fail_on_three, backend=backend, **({"workers": 2} if backend == "processes" else {}))
    assert info.value.index == 2 and info.value.config == 3
    assert isinstance(info.value.error, ZeroDivisionError) and info.value.__cause__ is info.value.error
    if backend != "sequential":  # the worker's traceback comes along
        assert "_fail_on_three" in str(info.value)


@pytest.mark.slow
def test_a_dead_worker_is_reported_naming_its_configuration():
    with pytest.raises(sc.SweepError, match=r"configuration 1 \(1\).*worker process died"):
        sc.sweep([0, 1], _die_on_one, backend="processes", workers=1)


def test_bad_arguments_are_refused_before_anything_runs(monkeypatch):
    with pytest.raises(ValueError, match="backend must be one of"):
        sc.sweep([1], _square_and_threads, backend="threads")
    with pytest.raises(ValueError, match="workers must be a positive integer, got 0"):
        sc.sweep([1], _square_and_threads, backend="processes", workers=0)
    with pytest.raises(ValueError, match="threads must be a positive integer"):
        sc.sweep([1], _square_and_threads, threads=True)
    with pytest.raises(ValueError, match="workers applies to backend='processes' only"):
        sc.sweep([1], _square_and_threads, workers=2)
    with pytest.raises(ValueError, match="address applies to backend='ray' only"):
        sc.sweep([1], _square_and_threads, backend="processes", address="auto")
    with pytest.raises(TypeError, match="train_fn must be picklable for backend='processes'"):
        sc.sweep([1], lambda c: c, backend="processes")
    with pytest.raises(TypeError, match=r"configuration 1 \(.*\) must be picklable"):
        sc.sweep([1, lambda: 0], _square_and_threads, backend="processes")
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` fails as when it is not installed
    with pytest.raises(ImportError, match=r"pip install 'slimcore\[ray\]'"):
        sc.sweep([1], _square_and_threads, backend="ray")


def _same_runs(a: list, b: list) -> None:
    """Bit for bit: accuracies, weight norms and every epoch's losses."""
    assert len(a) == len(b)
    for ra, rb in zip(a, b):
        assert ra.config == rb.config
        for name in ("train_accuracy", "test_accuracy", "weight_norm"):
            assert getattr(ra, name) == getattr(rb, name), name
        assert ra.history == rb.history


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["processes", pytest.param("ray", marks=_RAY)])
def test_training_runs_are_identical_on_every_backend(backend):
    data = load_digits(seed=0)
    configs = [
        TrainConfig(l2=0.01, epochs=1),
        TrainConfig(optimizer="adamw", weight_decay=1e-4, epochs=1, seed=1),
        TrainConfig(model="lenet", optimizer="momentum", learning_rate=0.01, l2=1e-3, epochs=1, batch_size=64),
    ]
    train = functools.partial(cli._train_sweep_point, data, False)
    threads = max(1, _cores() // 2)  # what each of 2 workers gets by default
    sequential = sc.sweep(configs, train, threads=threads)
    assert len({r.test_accuracy for r in sequential}) > 1  # distinct runs, not one result thrice
    launch = {"workers": 2} if backend == "processes" else {"threads": threads}
    _same_runs(sequential, sc.sweep(configs, train, backend=backend, **launch))


def _cli_sweep(tmp_path, capsys, name: str, *launch: str) -> tuple:
    plot = tmp_path / f"{name}.png"
    argv = ["sweep", "--epochs", "1", "--quiet", "--scales", "0,0.01", "--plot", str(plot), *launch]
    if "--workers" not in launch:  # the threads each of 2 workers gets by default
        argv += ["--threads", str(max(1, _cores() // 2))]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    table = out[out.index("\nregularization ") :].replace(str(plot), "PLOT")
    lines = [line for line in out.splitlines() if "test accuracy" in line]
    return table, lines, plot.read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize(
    "launch",
    [
        ("--workers", "2"),
        pytest.param(("--ray",), marks=_RAY),
    ],
)
def test_sweep_command_table_and_plot_match_the_sequential_sweep(tmp_path, capsys, launch):
    table, lines, png = _cli_sweep(tmp_path, capsys, "sequential")
    assert "l2_regularizer" in table and "adamw (decoupled)" in table and len(lines) == 4
    assert _cli_sweep(tmp_path, capsys, "parallel", *launch) == (table, lines, png)


def test_sweep_command_refuses_workers_with_ray(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["sweep", "--workers", "2", "--ray"])
    assert info.value.code == 2 and "not allowed with argument" in capsys.readouterr().err


@pytest.mark.slow
def test_sweep_command_reports_a_diverging_worker_run(capsys):
    code = cli.main(["sweep", "--epochs", "1", "--quiet", "--scales", "0", "--learning-rate", "1e30", "--workers", "2"])
    err = capsys.readouterr().err
    assert code == 1 and "slimcore sweep: error: sweep: configuration 0" in err and "diverged" in err
