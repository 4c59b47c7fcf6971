"""Session configuration as TF1 spells it: ConfigProto, GPUOptions, device.

TF1 passes these protocol buffers to ``tf.Session(config=...)``; slimcore keeps
them as plain objects with the same field names, defaults and errors (an
unknown field in the constructor is a ValueError, assigning an unknown
attribute an AttributeError, a value of the wrong type a TypeError)::

    config = tf.ConfigProto(intra_op_parallelism_threads=1)
    config.gpu_options.allow_growth = True
    sess = tf.Session(config=config)          # its runs use one thread

What slimcore does with each field (a CPU engine that runs one op at a time,
each op parallel over ``intra_op`` threads):

* ``intra_op_parallelism_threads``: honoured. While one of that session's
  ``run`` calls executes, the engine's thread count (``slimcore.
  set_num_threads``) is that number; it is restored when the run returns. 0
  (the default) is TF1's "system default": the process-wide setting is used.
  A number above ``slimcore.max_num_threads()`` is capped there, with a
  warning. The setting is process-wide in the engine, so two sessions that
  run concurrently in different Python threads with different counts share
  it (the later run's count wins while both run).
* ``inter_op_parallelism_threads``, ``use_per_session_threads``: accepted;
  slimcore runs the ops of a step one after another, so there is no pool of
  concurrent ops to size.
* ``allow_soft_placement``, ``log_device_placement``, ``device_count``,
  ``gpu_options`` (``GPUOptions``), ``operation_timeout_in_ms``: accepted and
  kept, no effect: every op runs on the CPU, nothing is placed elsewhere.

``device(name)`` is TF1's ``tf.device``: a context manager that changes
nothing here (every op runs on the CPU).
"""

from __future__ import annotations

import contextlib
import numbers
import warnings
from collections.abc import Iterator
from typing import Any, ClassVar

import numpy as np

from .. import _core

__all__ = ["ConfigProto", "GPUOptions", "device"]


def _convert(what: str, kind: type, value: Any) -> Any:
    """`value` as a field of type `kind` (bool, int, float, str, dict or a message), as protobuf converts."""
    if kind is bool:
        ok = isinstance(value, (bool, np.bool_))
    elif kind is int:
        ok = isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))
    elif kind is float:
        ok = isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))
    else:
        ok = isinstance(value, kind)
    if not ok:
        raise TypeError(f"{what} must be {kind.__name__}, got {value!r}")
    if kind in (bool, int, float, dict):
        return kind(value)  # numpy scalars become Python numbers; a dict is copied
    return value


class _Message:
    """A protocol-buffer-like record: typed fields with defaults, keyword construction.

    Subclasses list ``_FIELDS``: name -> type (bool, int, float, str, dict or a
    message class), called without arguments for the default (0, '', {}...).
    """

    _FIELDS: ClassVar[dict] = {}
    __slots__ = ("_values",)

    def __init__(self, **fields: Any) -> None:
        object.__setattr__(self, "_values", {name: kind() for name, kind in self._FIELDS.items()})
        for name, value in fields.items():
            if name not in self._FIELDS:
                raise ValueError(
                    f'Protocol message {type(self).__name__} has no "{name}" field (fields: {", ".join(self._FIELDS)})'
                )
            setattr(self, name, value)

    def __getattr__(self, name: str) -> Any:
        values = object.__getattribute__(self, "_values")
        if name in values:
            return values[name]
        raise AttributeError(f"{type(self).__name__} has no field {name!r} (fields: {', '.join(self._FIELDS)})")

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self._FIELDS:
            raise AttributeError(
                f"Assignment not allowed (no field {name!r} in protocol message {type(self).__name__}; "
                f"fields: {', '.join(self._FIELDS)})"
            )
        value = _convert(f"{type(self).__name__}.{name}", self._FIELDS[name], value)
        self._check(name, value)
        self._values[name] = value

    def _check(self, name: str, value: Any) -> None:
        """Range checks of one field (subclasses)."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._values == self._values

    __hash__ = None  # type: ignore[assignment]  (mutable, as a proto)

    def __repr__(self) -> str:
        defaults = {name: kind() for name, kind in self._FIELDS.items()}
        changed = [f"{k}={v!r}" for k, v in self._values.items() if v != defaults[k]]
        return f"{type(self).__name__}({', '.join(changed)})"


class GPUOptions(_Message):
    """tf.GPUOptions(per_process_gpu_memory_fraction=0.0, allow_growth=False, ...).

    Accepted and kept with TF1's field names and defaults; slimcore runs on the
    CPU, so none of them has an effect.
    """

    _FIELDS: ClassVar[dict] = {
        "per_process_gpu_memory_fraction": float,
        "allow_growth": bool,
        "allocator_type": str,
        "deferred_deletion_bytes": int,
        "visible_device_list": str,
        "polling_active_delay_usecs": int,
        "polling_inactive_delay_msecs": int,
        "force_gpu_compatible": bool,
    }
    __slots__ = ()


class ConfigProto(_Message):
    """tf.ConfigProto(intra_op_parallelism_threads=0, inter_op_parallelism_threads=0, ...).

    The session configuration; ``Session(config=...)`` honours
    ``intra_op_parallelism_threads`` (the threads each op's kernel uses during
    that session's runs; 0 = the process-wide setting). The other fields are
    accepted and kept without effect on this CPU engine (module docstring).

    Raises:
      ValueError: an unknown field; a negative thread count.
      TypeError: a field given a value of the wrong type.
    """

    _FIELDS: ClassVar[dict] = {
        "device_count": dict,
        "intra_op_parallelism_threads": int,
        "inter_op_parallelism_threads": int,
        "use_per_session_threads": bool,
        "allow_soft_placement": bool,
        "log_device_placement": bool,
        "gpu_options": GPUOptions,
        "operation_timeout_in_ms": int,
        "isolate_session_state": bool,
    }
    __slots__ = ()

    def _check(self, name: str, value: Any) -> None:
        if name == "intra_op_parallelism_threads" and value < 0:
            raise ValueError(f"intra_op_parallelism_threads must be >= 0 (0: the system default), got {value}")
        if name == "device_count":
            for key, count in value.items():
                if not isinstance(key, str) or not isinstance(count, int):
                    raise TypeError(f"device_count maps device type names to ints (e.g. {{'GPU': 0}}), got {value!r}")


def session_threads(config: Any) -> int:
    """The thread count a session with `config` runs with; 0: the process-wide setting.

    Raises:
      TypeError: `config` is neither None nor a ConfigProto.
    """
    if config is None:
        return 0
    if not isinstance(config, ConfigProto):
        raise TypeError(f"config must be a tf.ConfigProto or None, got {type(config).__name__}")
    n = config.intra_op_parallelism_threads
    limit = _core.max_num_threads()
    if n > limit:
        warnings.warn(
            f"ConfigProto(intra_op_parallelism_threads={n}) is above slimcore's limit of {limit} threads "
            f"(4 per core of this machine); the session's runs use {limit}",
            UserWarning,
            stacklevel=3,
        )
        return limit
    return n


@contextlib.contextmanager
def threads_for_run(n: int) -> Iterator[None]:
    """Runs the block with the engine's thread count set to `n` (0: unchanged), then restores it."""
    if n == 0:
        yield
        return
    previous = _core.get_num_threads()
    _core.set_num_threads(n)
    try:
        yield
    finally:
        _core.set_num_threads(previous)


def device(device_name_or_function: Any) -> contextlib.AbstractContextManager:
    """tf.device(device_name_or_function): where the ops built inside run.

    A no-op on slimcore: every op runs on the CPU, whatever the device string
    (``'/cpu:0'``, ``'/gpu:0'``, ``'/job:worker/task:1'``) or function says.

    Raises:
      TypeError: the argument is neither a string, None nor a callable.
    """
    if device_name_or_function is not None and not (
        isinstance(device_name_or_function, str) or callable(device_name_or_function)
    ):
        raise TypeError(
            f"device expects a device string such as '/cpu:0', a function or None, got {device_name_or_function!r}"
        )
    return contextlib.nullcontext()
