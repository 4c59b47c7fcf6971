"""tf.logging: TF1's logging functions over Python's ``logging``, logger "tensorflow".

As TF 1.15 (tensorflow/python/platform/tf_logging.py): the messages go to
the Python logger named ``"tensorflow"`` (so ``logging.getLogger("tensorflow")
.setLevel(...)``, the usual way to quiet TF1, works here too), which prints
``INFO:tensorflow:message`` on stderr through a handler of its own unless the
root logger has handlers already. Its level is not set: WARN and above
show, as in TF1, until ``tf.logging.set_verbosity(tf.logging.INFO)``::

    tf.logging.set_verbosity(tf.logging.INFO)
    tf.logging.info("step %d: loss %.3f", step, loss)

``fatal`` logs at FATAL and does not stop the program, as TF1's.
"""

from __future__ import annotations

import logging as _logging
import sys as _sys
import threading as _threading
from typing import Any

__all__ = [
    "DEBUG",
    "ERROR",
    "FATAL",
    "INFO",
    "WARN",
    "debug",
    "error",
    "fatal",
    "flush",
    "get_logger",
    "get_verbosity",
    "info",
    "log",
    "log_every_n",
    "log_first_n",
    "log_if",
    "set_verbosity",
    "vlog",
    "warn",
    "warning",
]

DEBUG = _logging.DEBUG
INFO = _logging.INFO
WARN = _logging.WARN
ERROR = _logging.ERROR
FATAL = _logging.FATAL

_lock = _threading.Lock()
_logger: _logging.Logger | None = None


def get_logger() -> _logging.Logger:
    """tf.get_logger: the "tensorflow" logger, given a stderr handler on first use if the root has none."""
    global _logger
    with _lock:
        if _logger is None:
            logger = _logging.getLogger("tensorflow")
            if not _logging.getLogger().handlers:  # as TF1: no double logging under a configured root
                handler = _logging.StreamHandler(_sys.stderr)
                handler.setFormatter(_logging.Formatter(_logging.BASIC_FORMAT, None))
                logger.addHandler(handler)
            _logger = logger
        return _logger


def log(level: int, msg: Any, *args: Any, **kwargs: Any) -> None:
    """tf.logging.log: `msg % args` at `level`."""
    get_logger().log(level, msg, *args, **kwargs)


def debug(msg: Any, *args: Any, **kwargs: Any) -> None:
    """tf.logging.debug: at DEBUG."""
    get_logger().debug(msg, *args, **kwargs)


def info(msg: Any, *args: Any, **kwargs: Any) -> None:
    """tf.logging.info: at INFO."""
    get_logger().info(msg, *args, **kwargs)


def warning(msg: Any, *args: Any, **kwargs: Any) -> None:
    """tf.logging.warning (and warn): at WARN."""
    get_logger().warning(msg, *args, **kwargs)


warn = warning


def error(msg: Any, *args: Any, **kwargs: Any) -> None:
    """tf.logging.error: at ERROR."""
    get_logger().error(msg, *args, **kwargs)


def fatal(msg: Any, *args: Any, **kwargs: Any) -> None:
    """tf.logging.fatal: at FATAL; the program goes on, as TF1."""
    get_logger().critical(msg, *args, **kwargs)


def vlog(level: int, msg: Any, *args: Any, **kwargs: Any) -> None:
    """tf.logging.vlog: as log."""
    get_logger().log(level, msg, *args, **kwargs)


def log_if(level: int, msg: Any, condition: Any, *args: Any) -> None:
    """tf.logging.log_if: logs only when `condition` is true."""
    if condition:
        log(level, msg, *args)


_counts: dict = {}


def _count_call_site() -> int:
    """How many times the caller's caller has called (1 on the first call), per file and line."""
    frame = _sys._getframe(2)
    site = (frame.f_code.co_filename, frame.f_lineno)
    with _lock:
        _counts[site] = _counts.get(site, 0) + 1
        return _counts[site]


def log_every_n(level: int, msg: Any, n: int, *args: Any) -> None:
    """tf.logging.log_every_n: logs on the 1st, (n+1)th, (2n+1)th... call from one line of code."""
    count = _count_call_site()
    log_if(level, msg, n <= 1 or (count - 1) % n == 0, *args)


def log_first_n(level: int, msg: Any, n: int, *args: Any) -> None:
    """tf.logging.log_first_n: logs the first `n` calls from one line of code."""
    count = _count_call_site()
    log_if(level, msg, count <= n, *args)


def get_verbosity() -> int:
    """tf.logging.get_verbosity: the effective level of the "tensorflow" logger."""
    return get_logger().getEffectiveLevel()


def set_verbosity(v: int) -> None:
    """tf.logging.set_verbosity(v): the level of the "tensorflow" logger (DEBUG, INFO, WARN, ERROR, FATAL)."""
    get_logger().setLevel(v)


def flush() -> None:
    """tf.logging.flush: flushes the logger's handlers."""
    for handler in get_logger().handlers:
        handler.flush()
