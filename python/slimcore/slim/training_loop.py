"""slim.learning.train: tf-slim's training loop (re-exported by slim.learning).

    train_op = slim.learning.create_train_op(total_loss, optimizer)
    final_loss = slim.learning.train(
        train_op, logdir, number_of_steps=1000,
        save_summaries_secs=60, save_interval_secs=600)

As TF1's (tf_slim/training/... learning.py over tf.train.Supervisor):

* the session starts from the latest checkpoint in `logdir` when there is
  one (``init_fn`` is then not called); otherwise it runs `init_op`
  (default: ``global_variables_initializer()``) with `init_feed_dict`, then
  ``init_fn(sess)``. `local_init_op` (default: local variables and tables
  initializers) runs in both cases.
* each step is ``train_step_fn(sess, train_op, global_step,
  train_step_kwargs)`` returning ``(total_loss, should_stop)``; the default
  ``train_step`` runs `train_op` and the global step, logs ``global step
  %d: loss = %.4f (%.3f sec/step)`` on the "tensorflow" logger (INFO) every
  `log_every_n_steps` steps and stops once the global step reaches
  `number_of_steps` (None: until interrupted). A run resumed at step k
  with number_of_steps=n trains n - k more steps; at least one step runs.
* `summary_op` (default ``summary.merge_all()``; None for none) is written
  to `summary_writer` (default ``FileWriter(logdir, graph)``) every
  `save_summaries_secs`, checkpoints ``logdir/model.ckpt-<step>`` with
  `saver` (default ``Saver()``) every `save_interval_secs`, each first
  after the first step (TF1's Supervisor threads fire at start), and a
  final checkpoint when the loop ends.
* Ctrl-C (KeyboardInterrupt) ends the loop cleanly: the checkpoint is
  saved, the writer closed, and the last loss returned.

Differences, as slimcore adds to TF1:

* With the default ``train_step`` the log line also splits the loss
  ("data loss 0.41, penalty 0.02, decay 1.3e-04") and, on those steps,
  scalars ``learning/data_loss``, ``learning/penalty``,
  ``learning/decay_magnitude`` and ``learning/effective_decay/<role>``
  (the fraction s*d of its weight a variable of that role loses per step,
  averaged over the role) and a histogram ``learning/weight_norms`` of
  the trainable variables' norms go to the event file, so the effect of
  weight decay is visible in TensorBoard. The data loss is the sum of
  the LOSSES collection (the train op's loss when it is empty); the
  penalty the sum of REGULARIZATION_LOSSES; decay as
  ``tf.train.decoupled_decay_magnitude``.
* The steps, summaries and checkpoints run in this thread (no Supervisor
  threads); a due summary or checkpoint is written after the step that
  makes it due.
* Distributed arguments (`master`, ``is_chief=False``, `sync_optimizer`,
  `startup_delay_steps`, `session_wrapper`, `trace_every_n_steps`) raise
  ValueError instead of being ignored.

The regularization guard ran when the train op was built
(``create_train_op`` / ``minimize``); `train` does not build one.
"""

from __future__ import annotations

import logging
import os
import time
from typing import TYPE_CHECKING, Any, Callable

from .. import summary as _summary
from ..framework.ops import GraphKeys, Tensor, get_default_graph
from ..framework.session import Session
from ..ops import math_ops
from ..train.accounting import LossAccounting
from ..train.plan import update_plan
from ..train.saver import Saver, latest_checkpoint
from ..train.training_util import get_global_step
from ..variables import global_variables_initializer, local_variables_initializer, tables_initializer

if TYPE_CHECKING:  # annotations only
    from ..framework.ops import Graph, Operation

__all__ = ["train", "train_step"]

_USE_DEFAULT = 0  # TF1's sentinel value
_log = logging.getLogger("tensorflow")


def train_step(sess: Session, train_op: Tensor, global_step: Tensor, train_step_kwargs: dict) -> tuple:
    """slim.learning.train_step: runs one step; returns (total_loss, should_stop).

    Args:
      sess: the session.
      train_op: the train op (create_train_op's tensor).
      global_step: the global step tensor.
      train_step_kwargs: "should_log" and "should_stop" boolean tensors
        (optional), as train builds them.

    Returns:
      (the loss the step computed, whether to stop).
    """
    start = time.time()
    total_loss, np_global_step = sess.run([train_op, global_step])
    elapsed = time.time() - start
    if "should_log" in train_step_kwargs and sess.run(train_step_kwargs["should_log"]):
        _log.info("global step %d: loss = %.4f (%.3f sec/step)", np_global_step, total_loss, elapsed)
    should_stop = bool(sess.run(train_step_kwargs["should_stop"])) if "should_stop" in train_step_kwargs else False
    return total_loss, should_stop


def _split_summaries(train_op: Tensor, graph: Graph) -> tuple:
    """The loss split fetches and their merged summary (module docstring)."""
    with graph.as_default():
        losses = graph.get_collection(GraphKeys.LOSSES)
        data_loss = math_ops.add_n(losses) if losses else train_op
        try:
            update_plan(train_op)
            accounting = LossAccounting(data_loss, train_op, graph)
        except ValueError:  # a train op no slimcore optimizer built: no decay to report
            accounting = LossAccounting(data_loss, None, graph)
        return accounting.fetches, accounting.summary("learning")


def _unsupported(**given: Any) -> None:
    for name, (value, default) in given.items():
        if value != default:
            raise ValueError(
                f"slim.learning.train: {name}={value!r} is a distributed-training setting slimcore does not "
                f"support (leave it at {default!r}); data-parallel training goes through the gradient reducer"
            )


class _Due:
    """Whether something that runs every `secs` seconds is due (first: at once)."""

    def __init__(self, secs: float | None) -> None:
        self.secs = secs
        self.next = time.monotonic()

    def __call__(self) -> bool:
        if not self.secs or self.secs <= 0 or time.monotonic() < self.next:
            return False
        self.next = time.monotonic() + self.secs
        return True


def train(
    train_op: Tensor,
    logdir: str | None,
    train_step_fn: Callable = train_step,
    train_step_kwargs: Any = _USE_DEFAULT,
    log_every_n_steps: int = 1,
    graph: Graph | None = None,
    master: str = "",
    is_chief: bool = True,
    global_step: Tensor | None = None,
    number_of_steps: int | None = None,
    init_op: Operation | int | None = _USE_DEFAULT,
    init_feed_dict: dict | None = None,
    local_init_op: Operation | int | None = _USE_DEFAULT,
    init_fn: Callable | None = None,
    ready_op: Any = _USE_DEFAULT,
    summary_op: Tensor | int | None = _USE_DEFAULT,
    save_summaries_secs: float = 600,
    summary_writer: _summary.FileWriter | int | None = _USE_DEFAULT,
    startup_delay_steps: int = 0,
    saver: Saver | None = None,
    save_interval_secs: float = 600,
    sync_optimizer: Any = None,
    session_config: Any = None,
    session_wrapper: Any = None,
    trace_every_n_steps: int | None = None,
    ignore_live_threads: bool = False,
) -> float | None:
    """slim.learning.train: runs `train_op` until `number_of_steps` (module docstring).

    Args:
      train_op: the train op, a tensor whose value is the loss
        (create_train_op's result).
      logdir: checkpoints and event files go here (None: neither is
        written; then `summary_op` and `saver` must not be given).
      train_step_fn: ``fn(sess, train_op, global_step, train_step_kwargs)
        -> (loss, should_stop)``; default `train_step` (which adds the loss
        split to logs and summaries).
      train_step_kwargs: passed to train_step_fn; default {"should_log",
        "should_stop"} tensors.
      log_every_n_steps: log every n global steps (0: never; then no loss
        split is written either).
      graph: the graph (default: train_op's).
      global_step: default: the graph's global step.
      number_of_steps: stop when the global step reaches it (None: never).
      init_op: run when no checkpoint is restored (default:
        global_variables_initializer(); None: nothing).
      init_feed_dict: feeds for init_op.
      local_init_op: run at start (default: local variables and tables
        initializers; None: nothing).
      init_fn: ``fn(sess)`` called after init_op (not on a restore).
      ready_op: accepted as TF1 (slimcore checks initialization when an op
        reads an uninitialized variable).
      summary_op: written every save_summaries_secs (default: merge_all();
        None: none).
      save_summaries_secs: seconds between summaries (0: never).
      summary_writer: default FileWriter(logdir, graph); None: none.
      saver: default Saver() when logdir is set.
      save_interval_secs: seconds between checkpoints (0: only the final one).
      session_config: the ConfigProto for the Session.
      ignore_live_threads: accepted as TF1 (no threads are started).
      master, is_chief, startup_delay_steps, sync_optimizer,
      session_wrapper, trace_every_n_steps: distributed settings; only
        their defaults are accepted.

    Returns:
      The loss of the last step run (None if none ran).

    Raises:
      TypeError: train_op is not a tensor (an Operation from minimize).
      ValueError: train_op is None; no global step; number_of_steps < 1;
        a distributed setting; logdir None with a summary writer or saver.
    """
    if train_op is None:
        raise ValueError("train_op cannot be None.")
    if not isinstance(train_op, Tensor):
        raise TypeError(
            f"train_op must be the loss tensor create_train_op returns (its value is the loss logged), got {train_op!r}"
        )
    _unsupported(
        master=(master, ""),
        is_chief=(is_chief, True),
        startup_delay_steps=(startup_delay_steps, 0),
        sync_optimizer=(sync_optimizer, None),
        session_wrapper=(session_wrapper, None),
        trace_every_n_steps=(trace_every_n_steps, None),
    )
    del ready_op, ignore_live_threads
    graph = graph or getattr(train_op, "graph", None) or get_default_graph()
    if logdir is None:
        if summary_op not in (_USE_DEFAULT, None) or saver is not None:
            raise ValueError("Cannot provide a summary_op or a saver when logdir is None")
        summary_op, summary_writer = None, None
    if number_of_steps is not None and int(number_of_steps) < 1:
        raise ValueError(f"number_of_steps must be None or >= 1, got {number_of_steps}")
    with graph.as_default():
        if global_step is None:
            global_step = get_global_step(graph)
            if global_step is None:
                raise ValueError("train: the graph has no global step (create_train_op makes one)")
        if init_op is _USE_DEFAULT:
            init_op = global_variables_initializer()
        if local_init_op is _USE_DEFAULT:
            local_init_op = (local_variables_initializer(), tables_initializer())
        if summary_op is _USE_DEFAULT:
            summary_op = _summary.merge_all()
        if train_step_kwargs is _USE_DEFAULT:
            train_step_kwargs = {}
            if log_every_n_steps > 0:
                train_step_kwargs["should_log"] = math_ops.equal(math_ops.mod(global_step, log_every_n_steps), 0)
            if number_of_steps is not None:
                train_step_kwargs["should_stop"] = math_ops.greater_equal(global_step, number_of_steps)
        split = _split_summaries(train_op, graph) if train_step_fn is train_step else None
        if logdir is not None and saver is None:
            saver = Saver()
    if logdir is not None:
        os.makedirs(logdir, exist_ok=True)
    if summary_writer is _USE_DEFAULT:
        summary_writer = _summary.FileWriter(logdir, graph) if logdir is not None else None
    save_path = os.path.join(logdir, "model.ckpt") if logdir is not None else None
    summaries_due, checkpoint_due = _Due(save_summaries_secs), _Due(save_interval_secs)
    total_loss = None
    with Session(graph=graph, config=session_config) as sess:
        checkpoint = latest_checkpoint(logdir) if logdir is not None else None
        if checkpoint is not None:
            saver.restore(sess, checkpoint)
            _log.info("Restored from %s", checkpoint)
        else:
            if init_op is not None:
                sess.run(init_op, init_feed_dict)
            if init_fn is not None:
                init_fn(sess)
        if local_init_op is not None:
            sess.run(local_init_op)
        step = int(sess.run(global_step))
        try:
            while True:
                if split is not None:
                    total_loss, step, should_stop = _default_step(
                        sess, train_op, global_step, train_step_kwargs, split, step, log_every_n_steps, summary_writer
                    )
                else:
                    total_loss, should_stop = train_step_fn(sess, train_op, global_step, train_step_kwargs)
                    step = int(sess.run(global_step))
                if summary_op is not None and summary_writer is not None and summaries_due():
                    summary_writer.add_summary(sess.run(summary_op), step)
                if saver is not None and checkpoint_due():
                    saver.save(sess, save_path, global_step=global_step)
                if should_stop:
                    break
        except KeyboardInterrupt:
            _log.info("Interrupted at global step %d: saving and stopping", step)
        finally:
            if saver is not None:
                saver.save(sess, save_path, global_step=global_step)
            if summary_writer is not None:
                summary_writer.close()
    return total_loss


def _default_step(
    sess: Session,
    train_op: Tensor,
    global_step: Tensor,
    kwargs: dict,
    split: tuple,
    step: int,
    log_every_n_steps: int,
    writer: _summary.FileWriter | None,
) -> tuple:
    """`train_step` with the loss split fetched in the same run on logging
    steps (the step after `step` is a logging step when its number is a
    multiple of log_every_n_steps); returns (loss, new step, should_stop)."""
    logging_step = log_every_n_steps > 0 and (step + 1) % int(log_every_n_steps) == 0
    fetches: dict = {"loss": train_op, "step": global_step}
    if logging_step:
        fetches["split"], fetches["summary"] = split
    start = time.time()
    values = sess.run(fetches)
    elapsed = time.time() - start
    total_loss, step = values["loss"], int(values["step"])
    if logging_step:
        parts = values["split"]
        _log.info(
            "global step %d: loss = %.4f (%.3f sec/step; data loss %.4g, penalty %.4g, decay %.3g)",
            step,
            total_loss,
            elapsed,
            parts["data_loss"],
            parts["penalty"],
            parts["decay"],
        )
        if writer is not None:
            writer.add_summary(values["summary"], step)
    should_stop = bool(sess.run(kwargs["should_stop"])) if "should_stop" in kwargs else False
    return total_loss, step, should_stop
