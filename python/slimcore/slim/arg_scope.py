"""slim's arg_scope: default arguments for whole networks.

Semantics of tf_slim/ops/arg_scope.py, exactly::

    with arg_scope([slim.conv2d, slim.fully_connected],
                   weights_regularizer=slim.l2_regularizer(0.0005)):
        with arg_scope([slim.conv2d], padding="VALID"):   # inner scopes merge
            net = slim.conv2d(images, 64, [3, 3])          # both defaults apply
            net = slim.conv2d(net, 64, [3, 3], padding="SAME")  # explicit wins

Scopes are keyed by the decorated function; entering a saved scope dict
(``with arg_scope(sc):``) restores it. Listing a function that is not
decorated with ``@add_arg_scope`` raises ValueError, as slim does.

Past slim (issue 8's trap): an argument that none of the listed functions
accepts raises ValueError when the scope is entered, instead of a TypeError
at some later call (or never, if no listed function is called).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import threading
from collections.abc import Iterator
from typing import Any, Callable

__all__ = [
    "arg_scope",
    "add_arg_scope",
    "current_arg_scope",
    "has_arg_scope",
    "arg_scoped_arguments",
    "arg_scope_func_key",
]

_state = threading.local()
_DECORATED: dict = {}  # key -> names of the keyword arguments the function takes


def _stack() -> list:
    if not hasattr(_state, "stack"):
        _state.stack = [{}]
    return _state.stack


def current_arg_scope() -> dict:
    """The innermost scope: {function key: {argument: value}}."""
    return _stack()[-1]


def arg_scope_func_key(op: Callable) -> Any:
    return getattr(op, "_key_op", str(op))


def has_arg_scope(func: Callable) -> bool:
    """True when `func` was decorated with add_arg_scope."""
    return arg_scope_func_key(func) in _DECORATED


def arg_scoped_arguments(func: Callable) -> tuple:
    """tf-slim's arg_scoped_arguments: the names of `func`'s arguments that have a
    default, in order (``func(args, a=None, b=1)`` gives ``('a', 'b')``).

    (arg_scope itself accepts any keyword argument `func` takes.)

    Raises:
      ValueError: `func` is not decorated with @add_arg_scope.
    """
    if not has_arg_scope(func):
        raise ValueError(f"{_name(func)} is not decorated with @add_arg_scope")
    params = inspect.signature(func).parameters.values()
    keyword = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    return tuple(p.name for p in params if p.kind in keyword and p.default is not p.empty)


def _name(func: Callable) -> str:
    return f"{getattr(func, '__module__', '?')}.{getattr(func, '__name__', repr(func))}"


def _accepted(func: Callable) -> tuple:
    """(names of keyword-capable parameters, whether it takes **kwargs)."""
    params = inspect.signature(func).parameters.values()
    names = [p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    return names, any(p.kind == p.VAR_KEYWORD for p in params)


def add_arg_scope(func: Callable) -> Callable:
    """Decorates `func` so that arg_scope can set its keyword arguments.

    Arguments passed at the call win over the scope's.
    """
    key = arg_scope_func_key(func)

    @functools.wraps(func)
    def func_with_args(*args: Any, **kwargs: Any) -> Any:
        scope = current_arg_scope()
        if key in scope:
            merged = dict(scope[key])
            merged.update(kwargs)
            kwargs = merged
        return func(*args, **kwargs)

    _DECORATED[key] = _accepted(func)
    func_with_args._key_op = key  # type: ignore[attr-defined]
    return func_with_args


@contextlib.contextmanager
def arg_scope(list_ops_or_scope: list | tuple | dict, **kwargs: Any) -> Iterator[dict]:
    """Sets default keyword arguments of the listed functions inside the block.

    Args:
      list_ops_or_scope: functions decorated with add_arg_scope, or a scope
        dict saved from an earlier ``with arg_scope(...) as sc``.
      **kwargs: the defaults.

    Raises:
      ValueError: a listed function not decorated with add_arg_scope; kwargs
        with a saved scope; an argument that none of the listed functions takes.
      TypeError: list_ops_or_scope neither a list/tuple nor a dict.
    """
    if isinstance(list_ops_or_scope, dict):
        if kwargs:
            raise ValueError("When attempting to re-use a scope by suppling a dictionary, kwargs must be empty.")
        scope = dict(list_ops_or_scope)
    else:
        if not isinstance(list_ops_or_scope, (list, tuple)):
            raise TypeError("list_ops_or_scope must either be a list/tuple or reused scope (i.e. dict)")
        scope = dict(current_arg_scope())
        accepted_somewhere = set()
        for op in list_ops_or_scope:
            if not has_arg_scope(op):
                raise ValueError(f"{_name(op)} is not decorated with @add_arg_scope")
            names, var_keyword = _DECORATED[arg_scope_func_key(op)]
            accepted_somewhere |= set(kwargs) if var_keyword else set(names) & set(kwargs)
            key = arg_scope_func_key(op)
            merged = dict(scope.get(key, {}))
            merged.update(kwargs)
            scope[key] = merged
        unknown = sorted(set(kwargs) - accepted_somewhere)
        if unknown and list_ops_or_scope:
            raise ValueError(
                f"arg_scope: argument(s) {unknown} are accepted by none of {[_name(op) for op in list_ops_or_scope]}"
            )
    _stack().append(scope)
    try:
        yield scope
    finally:
        _stack().pop()
