"""TF1's auto-packing of Python lists of tensors, at the compat boundary.

TensorFlow converts a (nested) list or tuple containing tensors to a tensor
by stacking it (``tf.reduce_sum([t1, t2])`` is ``tf.reduce_sum(tf.stack([t1,
t2]))``; seed 002's EasyNet relies on it). slimcore's ``convert_to_tensor``
does not, so the compat namespace wraps the functions whose tensor arguments
TF1 programs pass lists to. Lists of plain numbers are left alone.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any, Callable

from ...framework.ops import _tensor_or_none
from ...ops.array_ops import stack

__all__ = ["autopack", "TENSOR_PARAMETERS"]

# Parameters that hold one tensor (never a list of tensors) in slimcore's API.
TENSOR_PARAMETERS = frozenset(
    {"input_tensor", "input", "x", "y", "a", "b", "value", "tensor", "features", "t", "logits", "labels"}
)


def _has_tensor(value: object) -> bool:
    if isinstance(value, (list, tuple)):
        return any(_has_tensor(v) for v in value)
    return _tensor_or_none(value) is not None


def _pack(value: object) -> Any:
    """stack(value) for a (nested) list holding a tensor, else value."""
    if not isinstance(value, (list, tuple)) or not _has_tensor(value):
        return value
    return stack([_pack(v) for v in value])


def autopack(fn: Callable) -> Callable:
    """`fn` with its TENSOR_PARAMETERS auto-packed; `fn` itself if it has none."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return fn
    names = [n for n in signature.parameters if n in TENSOR_PARAMETERS]
    if not names:
        return fn

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            bound = signature.bind_partial(*args, **kwargs)
        except TypeError:
            return fn(*args, **kwargs)  # let fn raise its own message
        changed = False
        for name in names:
            if name in bound.arguments and isinstance(bound.arguments[name], (list, tuple)):
                packed = _pack(bound.arguments[name])
                if packed is not bound.arguments[name]:
                    bound.arguments[name] = packed
                    changed = True
        return fn(*bound.args, **bound.kwargs) if changed else fn(*args, **kwargs)

    return wrapper
