"""Data-parallel training over MPI, in Horovod's vocabulary (``hvd.*`` of
horovod.tensorflow for TF1).

Every process (an MPI rank) builds the same graph and trains on its shard
of each batch; the train op averages the gradients over the ranks between
the last gradient op and the fused update, inside the same ``Session.run``:

    g = (1/N) sum_r g_r          N = size(), g_r the gradient of rank r's loss

With equal shards and a loss that is a mean over the batch, g is the
gradient one process computes on the whole batch: N ranks with batch B/N
train exactly as one process with batch B (to float32 rounding). The
engine reduces its one contiguous gradient arena with one
``MPI_Allreduce`` per step, in place (slimcore/gradient_reducer.h).

    import slimcore as tf
    import slimcore.distributed as hvd

    hvd.init()
    x_shard = hvd.shard(x_train)                   # this rank's rows
    loss = tf.losses.get_total_loss()             # penalties included
    opt = hvd.DistributedOptimizer(tf.train.AdamOptimizer(1e-3))
    # or: opt = tf.train.AdamOptimizer(1e-3, distributed=True) (every slimcore
    # optimizer), or slim.learning.create_train_op(loss, opt, distributed=True)
    train_op = opt.minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(hvd.broadcast_global_variables(0))   # same start on every rank
        ...

launched as ``mpiexec -n 4 python train.py`` (or ``slimcore train --workers 4``).
The reducer averages float32 gradients (the optimizers update float32
variables): a variable of another dtype raises TypeError naming it when the
train op is built. ``shard`` splits rows as tf.data's ``Dataset.shard``, or
into equal blocks leaving out the last len % N rows (``drop_remainder=True``,
what ``slimcore train --workers`` uses, as Horovod's samplers' drop_last).

What holds on N ranks as on one:

* the learning rate is the user's: nothing is scaled. With a global batch N
  times larger, the linear-scaling rule (Goyal et al. 2017: lr x N, with a
  warm-up) is the user's choice, made explicitly;
* penalties (REGULARIZATION_LOSSES) are computed on every rank from
  identical weights, so the averaged gradient carries exactly one copy;
* decoupled weight decay is applied by the update, once per step, on every
  rank identically;
* the regularization report and the guard say ``ranks: N``;
* only rank 0 writes checkpoints (``Saver.save`` returns the prefix on every
  rank); ``Saver.restore`` reads on rank 0 and broadcasts the values;
* batch-norm moving statistics stay per rank, as in Horovod, unless
  ``slim.batch_norm(..., sync=True)``: then the batch mean and variance are
  averaged over the ranks (synchronized batch norm) and training matches one
  process on the whole batch;
* gradient clipping in ``create_train_op`` clips each rank's gradients
  before the average (Horovod clips after it).

Faults: after ``init()`` on more than one rank, an exception that reaches
the top of any rank (KeyboardInterrupt too) prints the rank and the
traceback and calls ``MPI_Abort``, which ends every rank: ``mpiexec`` exits
non-zero instead of the others waiting forever in the next allreduce.

Needs the ``mpi`` extra (``pip install 'slimcore[mpi]'``: mpi4py and MPICH
from PyPI); without it importing this module raises ImportError saying so.
"""

from __future__ import annotations

import atexit
import copy
import sys
import time
import traceback
from typing import TYPE_CHECKING, Any

import numpy as np

try:
    from mpi4py import MPI
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "slimcore.distributed needs mpi4py and an MPI library: install the 'mpi' extra, "
        "pip install 'slimcore[mpi]' (mpi4py and MPICH from PyPI, no system MPI needed)"
    ) from exc

from . import _core
from .framework import replicas as _replicas
from .framework.ops import GraphKeys, convert_to_tensor, get_default_graph, name_scope
from .ops import math_ops
from .ops.array_ops import identity, stop_gradient
from .ops.control_flow_ops import group, no_op
from .ops.script_ops import _as_tensor_result, host_call, py_func

if TYPE_CHECKING:  # annotations only
    from collections.abc import Sequence

    from .framework.ops import Operation, Tensor
    from .framework.session import Session
    from .framework.types import TensorLike
    from .train.optimizer import Optimizer

__all__ = [
    "init",
    "shutdown",
    "is_initialized",
    "rank",
    "size",
    "local_rank",
    "local_size",
    "DistributedOptimizer",
    "allreduce",
    "broadcast_global_variables",
    "broadcast_variables",
    "BroadcastGlobalVariablesHook",
    "shard",
    "sync_moments",
    "reduce_stats",
]


class _Communicator:
    """The world communicator, its node-local split and the engine's gradient
    reducer over it (installed in slimcore.framework.replicas)."""

    def __init__(self, comm: Any) -> None:
        self.comm = comm
        self.local = comm.Split_type(MPI.COMM_TYPE_SHARED, key=comm.Get_rank())
        self.reduce_calls = 0
        self.reduce_seconds = 0.0
        self.reduce_floats = 0
        # Benchmarks: a barrier before each allreduce, timed apart (wait_seconds), so that
        # reduce_seconds is the transfer alone, not the wait for a slower rank.
        self.barrier_first = False
        self.wait_seconds = 0.0
        self.token = _core.register_gradient_reducer(self.reduce_gradients)

    def rank(self) -> int:
        return self.comm.Get_rank()

    def size(self) -> int:
        return self.comm.Get_size()

    def reduce_gradients(self, buffer: np.ndarray) -> None:
        """The engine's gradient reducer: `buffer` is a view of the gradient
        arena (no copy); leaves the mean over the ranks in it."""
        n = self.size()
        if self.barrier_first and n > 1:
            start = time.perf_counter()
            self.comm.Barrier()
            self.wait_seconds += time.perf_counter() - start
        start = time.perf_counter()
        if n > 1:
            self.comm.Allreduce(MPI.IN_PLACE, buffer, op=MPI.SUM)
            np.multiply(buffer, np.float32(1.0 / n), out=buffer)
        self.reduce_calls += 1
        self.reduce_floats += buffer.size
        self.reduce_seconds += time.perf_counter() - start

    def broadcast_variables(self, session: Session, variables: list, root_rank: int = 0) -> None:
        """Gives every rank root_rank's values of `variables` in `session`."""
        values = session.run(list(variables)) if self.rank() == root_rank else None
        values = self.comm.bcast(values, root=root_rank)
        if self.rank() != root_rank:
            for variable, value in zip(variables, values):
                variable.load(value, session)

    def close(self) -> None:
        _core.unregister_gradient_reducer(self.token)


_world: _Communicator | None = None


def _abort_on_uncaught(exc_type: type, exc: BaseException, tb: Any) -> None:
    """sys.excepthook on a multi-rank run: report the rank, then MPI_Abort
    every rank (the others would wait in their next collective forever)."""
    where = f"slimcore.distributed: rank {_world.rank()} of {_world.size()}" if _world else "slimcore.distributed"
    if issubclass(exc_type, KeyboardInterrupt):
        sys.stderr.write(f"{where} interrupted; aborting all ranks.\n")
    else:
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        sys.stderr.write(f"{where} failed; aborting all ranks.\n{text}")
    sys.stderr.flush()
    sys.stdout.flush()
    MPI.COMM_WORLD.Abort(130 if issubclass(exc_type, KeyboardInterrupt) else 1)


def init(comm: Any = None) -> None:
    """hvd.init(): joins the MPI job (MPI_COMM_WORLD unless `comm` is given);
    idempotent. On more than one rank, installs the abort-on-error hook
    (module docstring).

    Args:
      comm: an mpi4py communicator to train over (default MPI.COMM_WORLD).
    """
    global _world
    if _world is not None:
        return
    _world = _Communicator(comm if comm is not None else MPI.COMM_WORLD)
    _replicas.install(_world)
    if _world.size() > 1:
        sys.excepthook = _abort_on_uncaught
    atexit.register(shutdown)


def shutdown() -> None:
    """hvd.shutdown(): forgets the communicator (single process again)."""
    global _world
    if _world is None:
        return
    _world.close()
    _replicas.install(None)
    if sys.excepthook is _abort_on_uncaught:
        sys.excepthook = sys.__excepthook__
    _world = None


def is_initialized() -> bool:
    """Whether init() has run (and shutdown() has not)."""
    return _world is not None


def _require() -> _Communicator:
    if _world is None:
        raise ValueError("slimcore.distributed is not initialized: call slimcore.distributed.init() first")
    return _world


def rank() -> int:
    """This process's rank in [0, size()).

    Raises:
      ValueError: init() has not run.
    """
    return _require().rank()


def size() -> int:
    """N, the number of ranks training together.

    Raises:
      ValueError: init() has not run.
    """
    return _require().size()


def local_rank() -> int:
    """This process's rank among the ranks of its machine (one GPU or socket each, in Horovod)."""
    return _require().local.Get_rank()


def local_size() -> int:
    """The number of ranks on this machine."""
    return _require().local.Get_size()


def reduce_stats(barrier_first: bool | None = None) -> dict:
    """What the gradient reducer did in this process: calls, float32 values
    reduced, seconds spent (the allreduce plus the 1/N scale) and seconds
    waiting for the other ranks ("wait", counted apart only after
    ``reduce_stats(barrier_first=True)``, which makes each reduction start
    with an MPI barrier; otherwise the wait is inside "seconds").

    Args:
      barrier_first: when given, turns the timing barrier on or off (benchmarks).
    """
    world = _require()
    if barrier_first is not None:
        world.barrier_first = bool(barrier_first)
    return {
        "calls": world.reduce_calls,
        "floats": world.reduce_floats,
        "seconds": world.reduce_seconds,
        "wait": world.wait_seconds,
    }


def shard(data: Any, rank: int | None = None, size: int | None = None, drop_remainder: bool = False) -> Any:
    """Rank `rank`'s contiguous block of the rows of `data` (an array, or a
    tuple/list of arrays with the same number of rows, split alike).
    Deterministic: the same rows on every run. With n rows and N = size:

    * drop_remainder=False (default, as tf.data's ``Dataset.shard``): rows
      [rank * n // N, (rank + 1) * n // N). The blocks partition all the
      rows and differ in length by at most one, so ranks that loop over
      their own block in batches may take different numbers of steps (one
      allreduce each: the job then fails or hangs in the collective), and a
      smaller last batch weighs its rows more in the average;
    * drop_remainder=True: rows [rank * m, (rank + 1) * m), m = n // N.
      Every rank gets exactly m rows, hence the same steps; the last n % N
      (< N) rows are on no rank. This is what ``slimcore train --workers``
      does (Horovod's samplers with drop_last=True do the same).

    Args:
      data: an array, or a tuple/list of arrays with the same number of rows.
      rank, size: default this process's rank() and size().
      drop_remainder: equal blocks, leaving out the last n % N rows.

    Returns:
      The rows of rank `rank`, of data's type.

    Raises:
      ValueError: rank outside [0, size), or arrays with different row counts.
    """
    rank = globals()["rank"]() if rank is None else int(rank)
    size = globals()["size"]() if size is None else int(size)
    if not 0 <= rank < size:
        raise ValueError(f"shard: rank must be in [0, {size}), got {rank}")
    if isinstance(data, (tuple, list)):
        rows = {len(a) for a in data}
        if len(rows) > 1:
            raise ValueError(f"shard: the arrays have different numbers of rows {sorted(rows)}")
        return type(data)(shard(a, rank, size, drop_remainder) for a in data)
    n = len(data)
    if drop_remainder:
        m = n // size
        return data[rank * m : (rank + 1) * m]
    return data[rank * n // size : (rank + 1) * n // size]


def _reducer_token() -> int:
    """The engine's token of this process's gradient reducer (what a
    slimcore optimizer built with distributed=True carries).

    Raises:
      ValueError: init() has not run.
    """
    return _require().token


def DistributedOptimizer(optimizer: Optimizer) -> Optimizer:  # noqa: N802 -- Horovod's name
    """hvd.DistributedOptimizer: a copy of `optimizer` whose train ops
    average the gradients over the ranks before the update (one in-place
    allreduce of the gradient arena per step). Everything else -- the
    algorithm, hyperparameters, per-variable settings, decoupled decay,
    slots -- is `optimizer`'s; use the returned optimizer only. The same as
    constructing it with ``distributed=True`` (every slimcore optimizer takes
    it) or passing ``distributed=True`` to slim's create_train_op.

    TF1/Horovod equivalent: ``hvd.DistributedOptimizer(tf.train.AdamOptimizer(lr))``.

    Raises:
      ValueError: init() has not run.
      TypeError: `optimizer` is not a slimcore optimizer.
    """
    from .train.optimizer import Optimizer

    token = _reducer_token()
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"DistributedOptimizer: optimizer must be a slimcore optimizer, got {optimizer!r}")
    distributed = copy.copy(optimizer)
    distributed._gradient_reducer = token
    return distributed


def _collective(op_type: str, func: Any, tensor: Tensor, attrs: dict, name: str | None) -> Tensor:
    def call(arrays: list) -> list:
        return [_as_tensor_result(func(np.array(arrays[0], order="C")), 0, f"op '{op_type}'")]

    return host_call(op_type, call, [tensor], attrs, name).outputs[0]


def allreduce(tensor: TensorLike, average: bool = True, name: str | None = None) -> Tensor:
    """hvd.allreduce as a graph op: (1/N) sum_r tensor_r over the ranks
    (average=True) or the sum. Differentiable: its gradient is the same
    allreduce of the incoming gradient (Horovod's rule).

    Args:
      tensor: a numeric tensor (float when average).
      average: mean (True, Horovod's default) or sum over the ranks.
      name: op name (default "Allreduce").

    Returns:
      A tensor of `tensor`'s dtype and shape.

    Raises:
      ValueError: init() has not run.
      TypeError: average=True on a non-float tensor.
    """
    world = _require()
    tensor = convert_to_tensor(tensor)
    if average and not tensor.dtype.is_floating:
        raise TypeError(f"allreduce: average=True needs a float tensor, got {tensor.dtype.name} (use average=False)")

    def reduce(array: np.ndarray) -> np.ndarray:
        world.comm.Allreduce(MPI.IN_PLACE, array, op=MPI.SUM)
        if average:
            array = (array / world.size()).astype(array.dtype)
        return array

    return _collective("Allreduce", reduce, tensor, {"average": bool(average)}, name)


def sync_moments(x: TensorLike, axes: Sequence[int], name: str | None = None) -> tuple:
    """Synchronized batch statistics: tf.nn.moments over `axes` of the
    batch of all ranks together,

        mean = (1/N) sum_r mean_r(x_r),  var = (1/N) sum_r mean_r((x_r - mean)^2)

    which is the whole batch's mean and biased variance when every rank's
    shard has the same size. Gradients reach every rank's x through both
    (allreduce's gradient).

    Returns:
      (mean, variance), of x's dtype.
    """
    with name_scope(name, "sync_moments", [x]):
        x = convert_to_tensor(x)
        mean = allreduce(math_ops.reduce_mean(x, list(axes)), name="mean")
        centered = math_ops.square(math_ops.subtract(x, stop_gradient(mean)))
        variance = allreduce(math_ops.reduce_mean(centered, list(axes)), name="variance")
        return mean, variance


def broadcast_variables(variables: Sequence[Any], root_rank: int = 0, name: str | None = None) -> Operation:
    """An op that assigns every rank root_rank's values of `variables` (run
    it once after initialization, so every rank starts from the same
    weights; Horovod's hvd.broadcast_variables).

    Raises:
      ValueError: init() has not run, or root_rank outside [0, size()).
    """
    world = _require()
    if not 0 <= root_rank < world.size():
        raise ValueError(f"broadcast_variables: root_rank must be in [0, {world.size()}), got {root_rank}")
    variables = list(variables)
    with name_scope(name, "BroadcastVariables"):
        if not variables:
            return no_op()

        def bcast(*arrays: np.ndarray) -> list:
            values = world.comm.bcast(list(arrays) if world.rank() == root_rank else None, root=root_rank)
            return [np.asarray(v, order="C") for v in values]

        values = py_func(bcast, [identity(v) for v in variables], [v.dtype for v in variables])
        for value, variable in zip(values, variables):
            value.set_shape(variable.shape)
        return group(*[v.assign(value) for v, value in zip(variables, values)])


def broadcast_global_variables(root_rank: int = 0) -> Operation:
    """hvd.broadcast_global_variables: broadcast_variables of the default
    graph's GLOBAL_VARIABLES (weights, optimizer slots, global step)."""
    return broadcast_variables(get_default_graph().get_collection(GraphKeys.GLOBAL_VARIABLES), root_rank)


class BroadcastGlobalVariablesHook:
    """hvd.BroadcastGlobalVariablesHook: builds the broadcast op in begin()
    and runs it in after_create_session(), after the variables are
    initialized. Without a hook runner, call ``hook.begin()`` while building
    the graph and ``hook.after_create_session(sess)`` after initializing."""

    def __init__(self, root_rank: int = 0) -> None:
        self.root_rank = root_rank
        self._op: Operation | None = None

    def begin(self) -> None:
        self._op = broadcast_global_variables(self.root_rank)

    def after_create_session(self, session: Session, coord: Any = None) -> None:
        if self._op is None:
            raise ValueError("BroadcastGlobalVariablesHook: begin() builds the broadcast op; call it first")
        session.run(self._op)
