"""Printing tensors when the graph runs: tf.Print and tf.print (TF1's logging_ops).

    x = tf.Print(x, [x, tf.reduce_mean(x)], message="x: ")   # an identity that prints
    with tf.control_dependencies([tf.print("loss", loss)]):  # an op to run
        train_op = ...

Both are host-callback ops (``Print``, ``PrintV2``): the session calls
Python to format and write when it runs them, on its calling thread.
Formats, as TF1:

* tf.Print writes ``message`` then ``[values]`` per data tensor, values
  flattened in row-major order with each row in brackets (``[[1 2][3]...]``),
  at most `summarize` (default 3) of them, "..." when cut; one line to
  stderr.
* tf.print writes its inputs separated by `sep` and followed by `end`;
  tensors as numpy prints them (``[[1 2]\\n [3 4]]``), the first and last
  `summarize` entries of each dimension longer than 2 * summarize, with
  "..." between.

Numbers print as TF prints them: the shortest of ``%.6g`` that reads back
exactly, else ``%.9g`` (float32) / ``%.17g`` (float64).
"""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING, Any

import numpy as np

from ..framework.ops import Operation, Tensor, _tensor_or_none, get_default_graph
from .script_ops import host_call

if TYPE_CHECKING:  # annotations only
    from collections.abc import Sequence

    from ..framework.types import TensorLike

__all__ = ["Print", "print_v2"]

_STDERR_AT_IMPORT = sys.stderr  # print_v2's default output_stream


def _element(value: Any) -> str:
    """One element as TF's StrCat formats it."""
    if isinstance(value, (bool, np.bool_)):
        return "1" if value else "0"
    if isinstance(value, (np.floating, float)):
        kind = type(value) if isinstance(value, np.floating) else np.float64
        short = f"{float(value):.6g}"
        if kind(short) == value or value != value:
            return short
        return f"{float(value):.9g}" if kind is np.float32 else f"{float(value):.17g}"
    return str(value)


def _summarize_v1(array: np.ndarray, limit: int) -> str:
    """TF1 Print's SummarizeValue: at most `limit` elements (all if < 0), rows bracketed."""
    if array.ndim == 0:
        return _element(array[()])
    flat = array.reshape(-1)
    limit = flat.size if limit < 0 else min(limit, flat.size)
    count = [0]

    def dim(d: int, offset: int) -> str:
        extent, stride = array.shape[d], int(np.prod(array.shape[d + 1 :], dtype=np.int64))
        parts = []
        if d == array.ndim - 1:
            for i in range(extent):
                if count[0] >= limit:
                    break
                parts.append(_element(flat[offset + i]))
                count[0] += 1
            return " ".join(parts)
        out = ""
        for i in range(extent):
            if count[0] >= limit:
                break
            out += "[" + dim(d + 1, offset + i * stride) + "]"
        return out

    text = dim(0, 0)
    return text + ("..." if flat.size > limit else "")


def Print(  # noqa: N802 -- TF1's name
    input_: TensorLike,
    data: Sequence[TensorLike],
    message: str | None = None,
    first_n: int | None = None,
    summarize: int | None = None,
    name: str | None = None,
) -> Tensor:
    """tf.Print: `input_` unchanged, printing `data` to stderr each time it runs.

    The line is ``message`` followed by ``[values]`` for each tensor of
    `data` (module docstring). The gradient flows to `input_` as through
    tf.identity; none to `data`.

    Args:
      input_: the tensor passed through.
      data: tensors to print (a list).
      message: prefix of the line (default "").
      first_n: print only the first `first_n` runs; None or negative: every run.
      summarize: elements printed per tensor (default 3; negative: all).
      name: op name.

    Returns:
      A tensor equal to `input_` (the op that prints when it is computed).

    Raises:
      TypeError: `data` is not a list or tuple.
    """
    if not isinstance(data, (list, tuple)):
        raise TypeError(f"Print: data must be a list of tensors, got {data!r}")
    prefix = "" if message is None else str(message)
    limit = 3 if summarize is None else int(summarize)
    remaining = [-1 if first_n is None or first_n < 0 else int(first_n)]
    lock = threading.Lock()

    def emit(arrays: list) -> list:
        with lock:
            if remaining[0] == 0:
                return []
            if remaining[0] > 0:
                remaining[0] -= 1
        line = prefix + "".join("[" + _summarize_v1(a, limit) + "]" for a in arrays[1:])
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
        return []

    op = host_call("Print", emit, [input_, *data], {}, name)
    return op.outputs[0]


def _format_v2(value: Any, summarize: int) -> str:
    if not isinstance(value, np.ndarray):
        return str(value)
    if value.ndim == 0:
        return _element(value[()])
    threshold = sys.maxsize if summarize < 0 else 0
    edge = max(summarize, 0)
    return np.array2string(
        value,
        separator=" ",
        threshold=threshold,
        edgeitems=edge,
        formatter={"all": _element},
        max_line_width=sys.maxsize,
    )


def print_v2(
    *inputs: Any,
    output_stream: Any = _STDERR_AT_IMPORT,
    summarize: int | None = 3,
    sep: str = " ",
    end: str = "\n",
    name: str | None = None,
) -> Operation:
    """tf.print: an op that prints `inputs` when run (module docstring).

    Args:
      *inputs: tensors and Python values (strings, numbers...), printed in order.
      output_stream: sys.stderr (default), sys.stdout, any object with a
        write() method, or a logging function such as tf.logging.info
        (called with the line, `end` left out).
      summarize: first and last entries kept per dimension (None: 3;
        negative: everything).
      sep, end: written between inputs and after the last one.
      name: op name.

    Returns:
      The PrintV2 Operation: run it, or make other ops depend on it
      (tf.control_dependencies).

    Raises:
      ValueError: an output_stream that neither writes nor is callable.
    """
    write = getattr(output_stream, "write", None)
    if write is None and not callable(output_stream):
        raise ValueError(f"output_stream must have a write() method or be callable, got {output_stream!r}")
    keep = 3 if summarize is None else int(summarize)
    slots: list = []  # per input: index into the op's tensor inputs, or the Python value
    tensors: list = []
    for value in inputs:
        tensor = _tensor_or_none(value)
        if tensor is None:
            slots.append((False, value))
        else:
            slots.append((True, len(tensors)))
            tensors.append(tensor)

    def emit(arrays: list) -> list:
        text = sep.join(_format_v2(arrays[v] if is_tensor else v, keep) for is_tensor, v in slots)
        # The default means "the process's stderr when the op runs" (as TF1's
        # C++ stream), so a redirected sys.stderr receives it.
        stream = sys.stderr if output_stream is _STDERR_AT_IMPORT else output_stream
        if getattr(stream, "write", None) is not None:
            stream.write(text + end)
            if hasattr(stream, "flush"):
                stream.flush()
        else:
            stream(text)
        return []

    graph = tensors[0].graph if tensors else get_default_graph()
    return host_call("PrintV2", emit, tensors, {}, name, graph=graph)
