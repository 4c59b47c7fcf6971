"""slim.evaluation: evaluate a checkpoint with tf.metrics update ops.

    accuracy, update = tf.metrics.accuracy(labels, predictions)
    tf.summary.scalar("accuracy", accuracy)
    value = slim.evaluation.evaluate_once(
        "", checkpoint_path, logdir, num_evals=10,
        eval_op=update, final_op=accuracy)

As TF1 (tf_slim/evaluation.py over tf.contrib.training.evaluate_once):
``evaluate_once`` opens a session, restores `checkpoint_path` into
`variables_to_restore` (default: every global variable) with a Saver,
initializes the local variables (the metrics' counters) and tables, runs
`initial_op`, runs `eval_op` `num_evals` times, evaluates `final_op` and
returns its value; `summary_op` (default ``summary.merge_all()``; None for
none) is then run once and written to an event file in `logdir` at the
restored global step (0 when the graph has none). ``evaluation_loop`` does
that for each new checkpoint in `checkpoint_dir`, waiting
`eval_interval_secs` between evaluations, until `max_number_of_evaluations`
evaluations or `timeout` seconds without a new checkpoint, and returns the
last final_op value.

Differences: `hooks` other than None raise ValueError (slimcore has no
SessionRunHook); logs go to the "tensorflow" logger as TF1's.
"""

from __future__ import annotations

import logging
import os
import time
from typing import TYPE_CHECKING, Any, Callable

from .. import summary as _summary
from ..framework.session import Session
from ..train.saver import Saver, latest_checkpoint
from ..train.training_util import get_global_step
from ..variables import local_variables_initializer, tables_initializer

if TYPE_CHECKING:  # annotations only
    from collections.abc import Sequence

    from ..framework.ops import Graph

__all__ = ["evaluate_once", "evaluation_loop", "wait_for_new_checkpoint", "checkpoints_iterator"]

_USE_DEFAULT = 0  # TF1's sentinel value
_log = logging.getLogger("tensorflow")


def _graph() -> Graph:
    from ..framework.ops import get_default_graph

    return get_default_graph()


def _evaluate(
    checkpoint_path: str,
    num_evals: int,
    initial_op: Any,
    initial_op_feed_dict: dict | None,
    eval_op: Any,
    eval_op_feed_dict: dict | None,
    final_op: Any,
    final_op_feed_dict: dict | None,
    summary_op: Any,
    summary_op_feed_dict: dict | None,
    saver: Saver,
    session_config: Any,
    writer: _summary.FileWriter | None,
) -> Any:
    graph = _graph()
    with graph.as_default():
        local_init = (local_variables_initializer(), tables_initializer())
    with Session(graph=graph, config=session_config) as sess:
        saver.restore(sess, checkpoint_path)
        sess.run(local_init)
        if initial_op is not None:
            sess.run(initial_op, initial_op_feed_dict)
        if eval_op is not None:
            for i in range(num_evals):
                _log.info("Evaluation [%d/%d]", i + 1, num_evals)
                sess.run(eval_op, eval_op_feed_dict)
        final = sess.run(final_op, final_op_feed_dict) if final_op is not None else None
        if summary_op is not None and writer is not None:
            step = get_global_step(graph)
            writer.add_summary(sess.run(summary_op, summary_op_feed_dict), int(sess.run(step)) if step else 0)
            writer.flush()
    _log.info("Finished evaluation of %s", checkpoint_path)
    return final


def _check(num_evals: int, hooks: Any, master: str) -> None:
    if int(num_evals) < 1:
        raise ValueError(f"num_evals must be >= 1, got {num_evals}")
    if hooks:
        raise ValueError("hooks (SessionRunHooks) are not supported by slimcore; pass eval_op/final_op instead")
    if master:
        raise ValueError(f"master={master!r}: slimcore evaluates in-process; pass ''")


def evaluate_once(
    master: str,
    checkpoint_path: str,
    logdir: str | None,
    num_evals: int = 1,
    initial_op: Any = None,
    initial_op_feed_dict: dict | None = None,
    eval_op: Any = None,
    eval_op_feed_dict: dict | None = None,
    final_op: Any = None,
    final_op_feed_dict: dict | None = None,
    summary_op: Any = _USE_DEFAULT,
    summary_op_feed_dict: dict | None = None,
    variables_to_restore: Sequence[Any] | None = None,
    session_config: Any = None,
    hooks: Any = None,
) -> Any:
    """slim.evaluation.evaluate_once: evaluates one checkpoint (module docstring).

    Args:
      master: must be "" (in-process).
      checkpoint_path: the checkpoint prefix to restore.
      logdir: where the summary is written (None: not written).
      num_evals: times eval_op runs (>= 1).
      initial_op, eval_op, final_op: ops/tensors (or lists, dicts) to run
        before, `num_evals` times, and after; each with its feed dict.
      summary_op: run at the end and written (default merge_all(); None: none).
      variables_to_restore: the variables the Saver restores (default all
        global variables).
      session_config: the Session's ConfigProto.
      hooks: must be None.

    Returns:
      The value of final_op (None if none).

    Raises:
      ValueError: num_evals < 1, hooks or master given, or a checkpoint path
        that is not a checkpoint.
    """
    _check(num_evals, hooks, master)
    graph = _graph()
    with graph.as_default():
        if summary_op is _USE_DEFAULT:
            summary_op = _summary.merge_all()
        saver = Saver(variables_to_restore)
    writer = _summary.FileWriter(logdir, graph) if logdir is not None and summary_op is not None else None
    try:
        return _evaluate(
            checkpoint_path,
            num_evals,
            initial_op,
            initial_op_feed_dict,
            eval_op,
            eval_op_feed_dict,
            final_op,
            final_op_feed_dict,
            summary_op,
            summary_op_feed_dict,
            saver,
            session_config,
            writer,
        )
    finally:
        if writer is not None:
            writer.close()


def wait_for_new_checkpoint(
    checkpoint_dir: str, last_checkpoint: str | None = None, seconds_to_sleep: float = 1, timeout: float | None = None
) -> str | None:
    """tf.contrib.training.wait_for_new_checkpoint: polls `checkpoint_dir`
    until its latest checkpoint differs from `last_checkpoint`; returns it,
    or None after `timeout` seconds."""
    stop_time = time.time() + timeout if timeout is not None else None
    while True:
        checkpoint = latest_checkpoint(checkpoint_dir)
        if checkpoint is not None and checkpoint != last_checkpoint:
            return checkpoint
        if stop_time is not None and time.time() + seconds_to_sleep > stop_time:
            return None
        time.sleep(seconds_to_sleep)


def checkpoints_iterator(
    checkpoint_dir: str, min_interval_secs: float = 0, timeout: float | None = None, timeout_fn: Callable | None = None
) -> Any:
    """tf.contrib.training.checkpoints_iterator: yields each new checkpoint of
    `checkpoint_dir`, at least `min_interval_secs` apart; stops after
    `timeout` seconds without one unless ``timeout_fn()`` returns False."""
    checkpoint = None
    while True:
        new = wait_for_new_checkpoint(checkpoint_dir, checkpoint, timeout=timeout)
        if new is None:
            if timeout_fn is None or timeout_fn():
                return
            continue
        start = time.time()
        checkpoint = new
        yield checkpoint
        remaining = min_interval_secs - (time.time() - start)
        if remaining > 0:
            time.sleep(remaining)


def evaluation_loop(
    master: str,
    checkpoint_dir: str,
    logdir: str | None,
    num_evals: int = 1,
    initial_op: Any = None,
    initial_op_feed_dict: dict | None = None,
    init_fn: Callable | None = None,
    eval_op: Any = None,
    eval_op_feed_dict: dict | None = None,
    final_op: Any = None,
    final_op_feed_dict: dict | None = None,
    summary_op: Any = _USE_DEFAULT,
    summary_op_feed_dict: dict | None = None,
    variables_to_restore: Sequence[Any] | None = None,
    eval_interval_secs: float = 60,
    max_number_of_evaluations: int | None = None,
    session_config: Any = None,
    timeout: float | None = None,
    timeout_fn: Callable | None = None,
    hooks: Any = None,
) -> Any:
    """slim.evaluation.evaluation_loop: evaluate_once on each new checkpoint of
    `checkpoint_dir` (module docstring), all written to one event file.

    Args:
      checkpoint_dir: the directory training writes checkpoints to.
      eval_interval_secs: minimum seconds between evaluations.
      max_number_of_evaluations: stop after this many (None: no limit).
      timeout: stop after this many seconds without a new checkpoint.
      timeout_fn: called on a timeout; returning False keeps waiting.
      init_fn: must be None (TF1 ignores it after restoring too).
      the others: as evaluate_once.

    Returns:
      final_op's value from the last evaluation (None if none ran).

    Raises:
      ValueError: as evaluate_once; init_fn given.
    """
    _check(num_evals, hooks, master)
    if init_fn is not None:
        raise ValueError("init_fn: the evaluated variables come from the checkpoint; pass initial_op instead")
    graph = _graph()
    with graph.as_default():
        if summary_op is _USE_DEFAULT:
            summary_op = _summary.merge_all()
        saver = Saver(variables_to_restore)
    if logdir is not None:
        os.makedirs(logdir, exist_ok=True)
    writer = _summary.FileWriter(logdir, graph) if logdir is not None and summary_op is not None else None
    final, count = None, 0
    try:
        for checkpoint in checkpoints_iterator(checkpoint_dir, eval_interval_secs, timeout, timeout_fn):
            _log.info("Starting evaluation of %s", checkpoint)
            final = _evaluate(
                checkpoint,
                num_evals,
                initial_op,
                initial_op_feed_dict,
                eval_op,
                eval_op_feed_dict,
                final_op,
                final_op_feed_dict,
                summary_op,
                summary_op_feed_dict,
                saver,
                session_config,
                writer,
            )
            count += 1
            if max_number_of_evaluations is not None and count >= max_number_of_evaluations:
                break
    finally:
        if writer is not None:
            writer.close()
    return final
