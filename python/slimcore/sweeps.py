"""Sweeps: one training function over many configurations, on this process,
a pool of local processes, or a Ray cluster.

    import functools
    import slimcore as sc
    from slimcore.app.classifier_run import TrainConfig, train_classifier
    from slimcore.app.datasets import load_digits

    configs = [TrainConfig(l2=s, epochs=20) for s in (0.0, 1e-4, 1e-2, 1.0)]
    train = functools.partial(train_classifier, load_digits(), progress=False)
    results = sc.sweep(configs, train, backend="processes", workers=2)   # results[i] is train(configs[i])

Every backend calls ``train_fn(config)`` once per configuration and returns
the results in the order of ``configs``, so a sweep whose runs are seeded
gives the same numbers sequentially, on 2 processes or on Ray (given the
same kernel threads per run: see ``sweep``). TF1 had no
counterpart (a sweep was a shell loop over ``python train.py``); the closest
peers are Ray Tune's ``tune.run`` and ``multiprocessing.Pool.map``.

The pool starts its workers with 'spawn', which imports the caller's main
module in each worker: a script calls ``sweep`` under ``if __name__ ==
"__main__":``, as with any ``multiprocessing`` program.

Threads: the engine's kernels use every core by default, so N runs side by
side would oversubscribe the machine N-fold. The process pool gives each
worker ``threads = max(1, cores // workers)`` (``slimcore.set_num_threads``);
a Ray task asks Ray for ``num_cpus=threads`` (default 1) and uses that many.
"""

from __future__ import annotations

import os
import pickle
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["sweep", "SweepError", "BACKENDS"]

BACKENDS = ("sequential", "processes", "ray")


class SweepError(RuntimeError):
    """A configuration's run raised (or its worker process died).

    Attributes:
      index: position of the configuration in ``configs``.
      config: the configuration.
      error: the exception ``train_fn`` raised (also ``__cause__``), or None
        when it could not be brought back (the worker died, or the exception
        does not pickle); the worker's traceback is in the message.
    """

    def __init__(self, message: str, index: int, config: Any, error: BaseException | None):
        super().__init__(message)
        self.index = index
        self.config = config
        self.error = error

    def __reduce__(self):  # picklable with its attributes (a Ray task or a process may carry it)
        return (type(self), (str(self), self.index, self.config, self.error))


def _cores() -> int:
    """The cores this process may run on (its affinity mask, as the engine's default thread count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class _Failure:
    """What a worker sends back instead of a result: the exception (when it
    pickles) and its formatted traceback."""

    def __init__(self, error: BaseException):
        self.traceback = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        try:
            pickle.dumps(error)
            self.error: BaseException | None = error
        except Exception:  # an exception holding a lock or a session: keep its text only
            self.error = None
        self.summary = f"{type(error).__name__}: {error}"


def _call(train_fn: Callable, config: Any) -> Any:
    """Runs one configuration in a worker; an exception comes back as a _Failure."""
    try:
        return train_fn(config)
    except Exception as e:
        return _Failure(e)


def _failed(index: int, config: Any, failure: _Failure, where: str) -> SweepError:
    message = (
        f"sweep: configuration {index} ({config!r}) failed {where}: {failure.summary}\n"
        f"--- traceback {where} ---\n{failure.traceback}"
    )
    error = SweepError(message, index, config, failure.error)
    error.__cause__ = failure.error
    return error


def _check_picklable(what: str, value: Any, backend: str) -> None:
    try:
        pickle.dumps(value)
    except Exception as e:
        raise TypeError(
            f"sweep: {what} must be picklable for backend={backend!r} (a module-level function, or "
            f"functools.partial of one, not a lambda or a local function): {type(e).__name__}: {e}"
        ) from None


def _collect(configs: list, wait: Callable[[int, Any], Any], where: str, on_result: Callable | None) -> list:
    """The results of a parallel backend in config order: wait(index, config)
    returns run index's result (a _Failure when train_fn raised; it raises
    SweepError itself when the run could not finish), on_result is called
    for each in turn."""
    results = []
    for index, config in enumerate(configs):
        result = wait(index, config)
        if isinstance(result, _Failure):
            raise _failed(index, config, result, where)
        results.append(result)
        if on_result is not None:
            on_result(index, config, result)
    return results


# ---- the process pool -----------------------------------------------------------------------

_worker_fn: Callable | None = None  # a pool worker's train_fn, installed once by _init_worker


def _init_worker(threads: int, train_fn_bytes: bytes) -> None:
    global _worker_fn
    import slimcore

    slimcore.set_num_threads(threads)
    _worker_fn = pickle.loads(train_fn_bytes)


def _pool_task(config: Any) -> Any:
    return _call(_worker_fn, config)


def _run_processes(configs: list, train_fn: Callable, workers: int, threads: int, on_result: Callable) -> list:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # 'spawn', not Linux's default 'fork': a forked child inherits the parent's threads' locks in
    # whatever state they were (slimcore's own pool restarts in a forked child, but a process that
    # runs Ray's, tqdm's or another library's threads may hang). A spawned worker starts a fresh
    # interpreter, imports slimcore and sets its own thread count before it trains.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_init_worker,
        initargs=(threads, pickle.dumps(train_fn)),
    ) as pool:
        futures = [pool.submit(_pool_task, config) for config in configs]

        def wait(index: int, config: Any) -> Any:
            try:
                return futures[index].result()
            except BrokenProcessPool as e:  # the worker died (a crash, os._exit, the OOM killer)
                raise SweepError(
                    f"sweep: configuration {index} ({config!r}): its worker process died ({e})",
                    index,
                    config,
                    None,
                ) from e

        try:
            return _collect(configs, wait, "in a worker process", on_result)
        except BaseException:  # an error or Ctrl-C: the runs not started yet are not started
            pool.shutdown(wait=True, cancel_futures=True)
            raise


# ---- Ray --------------------------------------------------------------------------------------


def _ray_task(train_fn_bytes: bytes, config_bytes: bytes, threads: int, driver_path: list) -> Any:
    from ray import cloudpickle

    import slimcore

    # The driver's import path, appended where its folders exist here: Ray workers do not
    # inherit it, and a train_fn or config from the caller's own modules (a script's folder, a
    # test suite) pickles by reference to them. Appended, so the worker's own packages win.
    sys.path.extend(p for p in driver_path if p not in sys.path and os.path.isdir(p))
    slimcore.set_num_threads(threads)
    return _call(cloudpickle.loads(train_fn_bytes), cloudpickle.loads(config_bytes))


def _run_ray(configs: list, train_fn: Callable, threads: int, address: str | None, on_result: Callable) -> list:
    try:
        import ray
    except ImportError:
        raise ImportError(
            "sweep: backend='ray' needs Ray, which slimcore's optional extra installs: pip install 'slimcore[ray]'"
        ) from None
    from ray import cloudpickle

    started = not ray.is_initialized()
    if started:
        # No address: a new local Ray instance for this sweep, shut down after it ("local": plain
        # ray.init() would join the cluster `ray start` last ran here, and wait for it if it died).
        options = {"address": address} if address else {"address": "local", "include_dashboard": False}
        ray.init(**options, log_to_driver=True, configure_logging=False)
    try:
        remote = ray.remote(num_cpus=threads, max_retries=0)(_ray_task)
        fn_ref = ray.put(cloudpickle.dumps(train_fn))  # to the object store once, not once per task
        path = [p for p in sys.path if p]
        refs = [remote.remote(fn_ref, cloudpickle.dumps(config), threads, path) for config in configs]

        def wait(index: int, config: Any) -> Any:
            try:
                return ray.get(refs[index])
            except ray.exceptions.RayError as e:  # the worker died, or the task could not run
                report = str(e).strip()
                reason = report.splitlines()[-1] if report else type(e).__name__  # Ray puts the cause last
                raise SweepError(
                    f"sweep: configuration {index} ({config!r}): its Ray task failed: {reason}\n"
                    f"--- Ray's report ---\n{report}",
                    index,
                    config,
                    None,
                ) from e

        try:
            return _collect(configs, wait, "in a Ray task", on_result)
        except BaseException:
            # The runs still pending stop with the instance this sweep started (ray.shutdown below).
            # On a cluster of the user's, cancel those not finished: cancelling a task that is
            # completing at that moment can abort the driver in Ray 2.60 ("Tried to complete task
            # that was not pending"), so a local instance is never cancelled task by task.
            if not started:
                pending = ray.wait(refs, num_returns=len(refs), timeout=0)[1]
                for ref in pending:
                    ray.cancel(ref)
            raise
    finally:
        if started:
            ray.shutdown()


# ---- the entry point --------------------------------------------------------------------------


def sweep(
    configs: Sequence[Any],
    train_fn: Callable[[Any], Any],
    backend: str = "sequential",
    workers: int | None = None,
    threads: int | None = None,
    address: str | None = None,
    on_result: Callable[[int, Any, Any], None] | None = None,
) -> list:
    """Runs ``train_fn(config)`` for every configuration; returns the results in config order.

    ``[train_fn(c) for c in configs]``, run in this process ("sequential"),
    in a pool of ``workers`` local processes ("processes", started with
    'spawn') or as Ray tasks ("ray"). The results are the same on every
    backend when ``train_fn`` is deterministic. slimcore's runs are, bit for
    bit, for a given seed and number of threads per run; some reductions
    round differently on 1 and on 2 threads (last digits of a loss), so
    compare a sequential sweep with ``threads=k`` to workers given k threads.

    No TF1 counterpart; as ``multiprocessing.Pool(workers).map(train_fn,
    configs)`` with the cores divided between workers, or Ray Tune's
    ``tune.run`` without the search.

    Args:
      configs: the configurations (any picklable values for "processes" and "ray").
      train_fn: called with one configuration; its result must pickle for
        "processes" and "ray". For "processes" it must pickle by reference too:
        a module-level function or a ``functools.partial`` of one (Ray's
        cloudpickle also takes lambdas and local functions).
      backend: "sequential", "processes" or "ray".
      workers: "processes" only: the pool size (default: ``min(len(configs), cores)``).
      threads: kernel threads per run. Default: "sequential" keeps this
        process's setting, "processes" gives each worker ``max(1, cores //
        workers)``, "ray" 1 (each task asks Ray for ``num_cpus=threads``).
      address: "ray" only: the cluster to connect to (``ray.init(address)``:
        "auto", "ray://host:10001", ...). Default: a local Ray instance started
        for the sweep (and shut down after); an already initialised Ray is used as it is.
      on_result: called in this process as ``on_result(index, config, result)``
        in config order, as soon as that result and those before it are in
        (the CLI prints its lines with it).

    Returns:
      The list of ``train_fn(config)`` results, in the order of ``configs``.

    Raises:
      ValueError: an unknown backend, workers or threads below 1, workers
        given for a backend other than "processes", address for one other than "ray".
      TypeError: train_fn or a configuration does not pickle ("processes").
      ImportError: backend "ray" without Ray installed, naming the extra ``slimcore[ray]``.
      SweepError: a configuration's run raised or its worker died, naming
        the configuration; the original exception is its ``error`` and
        ``__cause__``. The runs not started yet are cancelled.
    """
    if backend not in BACKENDS:
        raise ValueError(f"sweep: backend must be one of {BACKENDS}, got {backend!r}")
    for name, value in (("workers", workers), ("threads", threads)):
        if value is not None and (not isinstance(value, int) or isinstance(value, type(True)) or value < 1):  # noqa: UP003
            raise ValueError(f"sweep: {name} must be a positive integer, got {value!r}")
    if workers is not None and backend != "processes":
        raise ValueError(f"sweep: workers applies to backend='processes' only, got backend={backend!r}")
    if address is not None and backend != "ray":
        raise ValueError(f"sweep: address applies to backend='ray' only, got backend={backend!r}")
    if not callable(train_fn):
        raise TypeError(f"sweep: train_fn must be callable, got {train_fn!r}")
    configs = list(configs)
    if not configs:
        return []
    if backend == "processes":
        _check_picklable("train_fn", train_fn, backend)
        for index, config in enumerate(configs):
            _check_picklable(f"configuration {index} ({config!r})", config, backend)
        workers = workers or min(len(configs), _cores())
        return _run_processes(configs, train_fn, workers, threads or max(1, _cores() // workers), on_result)
    if backend == "ray":
        return _run_ray(configs, train_fn, threads or 1, address, on_result)
    return _run_sequential(configs, train_fn, threads, on_result)


def _run_sequential(configs: list, train_fn: Callable, threads: int | None, on_result: Callable) -> list:
    import slimcore

    previous = slimcore.get_num_threads()
    if threads is not None:
        slimcore.set_num_threads(threads)
    try:
        results = []
        for index, config in enumerate(configs):
            try:
                result = train_fn(config)
            except Exception as e:
                raise SweepError(
                    f"sweep: configuration {index} ({config!r}) failed: {type(e).__name__}: {e}", index, config, e
                ) from e
            results.append(result)
            if on_result is not None:
                on_result(index, config, result)
        return results
    finally:
        if threads is not None:
            slimcore.set_num_threads(previous)
