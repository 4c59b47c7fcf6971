"""Python functions as graph ops: tf.py_func and tf.numpy_function (TF1's script_ops).

    def clip(x):                      # numpy in, numpy out
        return np.clip(x, 0, 1).astype(np.float32)
    y = tf.py_func(clip, [x], tf.float32)
    y.set_shape(x.shape)              # the static shape is unknown until set

The op (type ``PyFunc``, or ``PyFuncStateless`` for ``stateful=False``)
calls `func` when the session runs it, on the thread that called
``Session.run`` and outside the engine's parallel regions (the binding takes
the GIL for the call), with the inputs as numpy arrays (copies `func` may
keep). As TF1:

* what `func` returns is converted with ``np.asarray``; each value's dtype
  must be the one ``Tout`` lists (a Python float is float64 and does not
  pass as float32): a mismatch, a wrong number of values or a shape that
  contradicts ``set_shape`` is an ``InvalidArgumentError`` naming the op;
* an exception raised by `func` comes out of ``Session.run`` as
  ``InvalidArgumentError`` (from ValueError or TypeError),
  ``UnimplementedError`` (NotImplementedError) or ``UnknownError`` (any
  other), its message naming the op and carrying the Python message and
  traceback;
* the outputs' static shape is unknown (unknown rank) until ``set_shape``;
* no gradient flows through the op (``tf.gradients`` gives None), unless
  the program registers one (slimcore has no ``RegisterGradient`` yet).

`func` must not call ``run`` on the session running it (that session is
locked while it runs). The function is released with its graph.
"""

from __future__ import annotations

import traceback
import weakref
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from .. import _core
from ..framework import dtypes as _dtypes
from ..framework import errors as _errors
from ..framework.ops import Graph, Operation, Tensor, _graph_of, convert_to_tensor, get_default_graph

if TYPE_CHECKING:  # annotations only
    from collections.abc import Sequence

    from ..framework.types import DTypeLike, TensorLike

__all__ = ["py_func", "numpy_function"]

# numpy dtypes a host function may return, by numpy name.


def _python_error(label: str, exc: BaseException) -> Exception:
    """The TF1 error class for an exception raised in a host function."""
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)).rstrip()
    message = f"{label}: {type(exc).__name__}: {exc}\n{text}"
    if isinstance(exc, (ValueError, TypeError)):
        return _core.InvalidArgumentError(message)
    if isinstance(exc, NotImplementedError):
        return _errors.UnimplementedError(None, None, message)
    return _errors.UnknownError(None, None, message)


def _register(graph: Graph, call: Callable[[list], list]) -> int:
    """Registers `call` as a host callback released with `graph`; returns its token."""
    token = _core.register_host_callback(call)
    weakref.finalize(graph, _core.unregister_host_callback, token)
    return token


def host_call(
    op_type: str,
    func: Callable[[list], Any],
    inputs: Sequence[TensorLike],
    attrs: dict,
    name: str | None,
    graph: Graph | None = None,
) -> Operation:
    """Adds an op of `op_type` whose kernel calls ``func(list of numpy
    arrays)``. `func`'s result (a list of numpy arrays) becomes the op's
    outputs; an exception it raises becomes the TF1 error of
    ``_python_error`` naming the op. Shared by py_func and tf.Print/tf.print."""
    graph = graph or _graph_of(inputs)
    tensors = [convert_to_tensor(x, graph=graph) for x in inputs]
    label = {"name": name or op_type}

    def call(arrays: list) -> list:
        try:
            return func(arrays)
        except _core.Error:
            raise
        except Exception as exc:
            raise _python_error(f"op '{label['name']}' ({op_type})", exc) from exc

    token = _register(graph, call)
    node = graph._add_node(op_type, tensors, {"token": token, **attrs}, name or op_type)
    op = Operation(graph, node)
    label["name"] = op.name
    return op


def _as_tensor_result(value: Any, index: int, label: str) -> _core.Tensor:
    array = np.asarray(value, order="C")
    try:
        dtype = _dtypes.as_dtype(array.dtype)
    except TypeError:
        raise _core.InvalidArgumentError(
            f"{label}: value {index} returned by the function has numpy dtype {array.dtype}, "
            f"which no slimcore dtype holds (use a float, int, bool or bytes array)"
        ) from None
    try:
        return _core.Tensor(array, dtype._core)
    except (TypeError, ValueError) as exc:  # e.g. an object array of non-bytes
        raise _core.InvalidArgumentError(f"{label}: value {index} returned by the function: {exc}") from None


def _py_func(
    op_type: str,
    func: Callable,
    inp: Sequence[TensorLike] | TensorLike,
    Tout: Any,  # noqa: N803 -- TF1's argument name
    name: str | None,
) -> Tensor | list | Operation:
    if not callable(func):
        raise TypeError(f"func must be callable, got {func!r}")
    returns_list = isinstance(Tout, (list, tuple))
    types = [_dtypes.as_dtype(t) for t in (Tout if returns_list else [Tout])]
    inputs = list(inp) if isinstance(inp, (list, tuple)) else [inp]
    label = {"name": name or op_type}

    def call(arrays: list) -> list:
        result = func(*arrays)
        if result is None and not types:
            values: list = []
        elif isinstance(result, (list, tuple)):
            values = list(result)
        else:
            values = [result]
        return [_as_tensor_result(v, i, f"op '{label['name']}' ({op_type})") for i, v in enumerate(values)]

    graph = _graph_of(inputs) if inputs else get_default_graph()
    attrs = {"Tout": [int(t._core) for t in types]}
    op = host_call(op_type, call, inputs, attrs, name, graph=graph)
    label["name"] = op.name
    if not types:
        return op
    outputs = op.outputs
    return outputs if returns_list else outputs[0]


def py_func(
    func: Callable,
    inp: Sequence[TensorLike] | TensorLike,
    Tout: DTypeLike | Sequence[DTypeLike],  # noqa: N803 -- TF1's argument name
    stateful: bool = True,
    name: str | None = None,
) -> Tensor | list | Operation:
    """tf.py_func: ``func(*inputs as numpy arrays)`` run as an op (module docstring).

    Args:
      func: a Python function taking one numpy array per input and returning
        one array (or Python value) per output: a list or tuple of them when
        `Tout` is a list.
      inp: the input tensors (a list; a single tensor is taken as [tensor]).
      Tout: a dtype (one output) or a list of dtypes (a list of outputs; []
        for none).
      stateful: False records the op as PyFuncStateless (slimcore neither
        folds nor deduplicates ops, so both run every time they are needed).
      name: op name.

    Returns:
      A Tensor when `Tout` is a dtype, a list of Tensors when it is a list,
      the Operation when `Tout` is empty.

    Raises:
      TypeError: `func` not callable, or a `Tout` entry that is not a dtype.
    """
    return _py_func("PyFunc" if stateful else "PyFuncStateless", func, inp, Tout, name)


def numpy_function(
    func: Callable,
    inp: Sequence[TensorLike] | TensorLike,
    Tout: DTypeLike | Sequence[DTypeLike],  # noqa: N803 -- TF1's argument name
    name: str | None = None,
) -> Tensor | list | Operation:
    """tf.numpy_function (TF 1.14+): tf.py_func with stateful=True; see py_func."""
    return _py_func("PyFunc", func, inp, Tout, name)
