"""tf.map_fn, tf.scan, tf.foldl, tf.foldr: loops over the rows of tensors, each one While op.

    squares = tf.map_fn(lambda x: x * x, elems)            # [n, ...]
    sums = tf.scan(lambda acc, x: acc + x, elems)          # running sums
    total = tf.foldl(lambda acc, x: acc + x, elems, 0.0)   # the last one

The While op hands iteration t row t of each element tensor (a "sliced"
input, see while_ops) and stacks what the function returns per iteration, so
neither a TensorArray nor a gather is built; gradients flow back to the rows
and the initializer as through any while_loop.
"""

from __future__ import annotations

from typing import Any, Callable

from ..framework import dtypes as _dtypes
from ..framework.ops import convert_to_tensor, get_default_graph, name_scope
from . import array_ops, math_ops, nest
from .while_ops import _functional_while

__all__ = ["foldl", "foldr", "map_fn", "scan"]


def _reversed_rows(x: Any) -> Any:
    """x with its rows in reverse order (a gather of n-1 .. 0)."""
    n = array_ops.shape(x)[0]
    return array_ops.gather(x, array_ops.range(n - 1, -1, -1))


def _rows_loop(fn: Callable, elems: Any, initializer: Any, back_prop: bool, reverse: bool, mode: str) -> tuple:
    """One While over the rows of `elems` (from the last with `reverse`).

    mode "map": y_t = fn(elems[t]), stacked. "scan" / "fold": a_t =
    fn(a_{t-1}, elems[t]) from `initializer` (None: the first row, and the
    loop runs over the rest), the a_t stacked ("scan", the initial row
    included when it was elems' first) or only the last ("fold").

    Returns (final accumulator, flat; stacked rows, flat; fn's result structure).
    """
    flat_elems = [convert_to_tensor(e) for e in nest.flatten(elems)]
    if not flat_elems:
        raise ValueError("elems must not be empty")
    for e in flat_elems:
        if e.shape.ndims == 0:
            raise ValueError(f"Elements in elems must be 1+ dimensional Tensors, not scalars: {e.name}")
    if reverse:
        flat_elems = [_reversed_rows(e) for e in flat_elems]
    first_row_is_initial = mode != "map" and initializer is None
    if first_row_is_initial:
        initializer = nest.pack_sequence_as(elems, [array_ops.gather(e, 0) for e in flat_elems])
        flat_elems = [e[1:] for e in flat_elems]
    n = array_ops.shape(flat_elems[0])[0]
    flat_acc = [] if mode == "map" else [convert_to_tensor(a) for a in nest.flatten(initializer)]
    loop_vars = [convert_to_tensor(0, dtype=_dtypes.int32), *flat_acc]
    out_structure = []

    def body(packed: list, rows: list) -> tuple[list, list]:
        x = nest.pack_sequence_as(elems, rows)
        if mode == "map":
            result = fn(x)
            out_structure.append(result)
            return [packed[0] + 1], [convert_to_tensor(r) for r in nest.flatten(result)]
        new_acc = fn(nest.pack_sequence_as(initializer, list(packed[1:])), x)
        nest.assert_same_structure(initializer, new_acc, check_types=False)
        out_structure.append(new_acc)
        flat_new = [convert_to_tensor(a) for a in nest.flatten(new_acc)]
        return [packed[0] + 1, *flat_new], (flat_new if mode == "scan" else [])

    finals, _, stacked = _functional_while(
        lambda i, *_: math_ops.less(i, n),
        body,
        loop_vars,
        [v.shape for v in loop_vars],
        None,
        back_prop,
        [None] * len(loop_vars),
        sliced=flat_elems,
    )
    if mode == "scan" and first_row_is_initial:  # TF1: the first row is the output's first row
        stacked = [array_ops.concat([array_ops.expand_dims(a, 0), s], 0) for a, s in zip(flat_acc, stacked)]
    return finals[1:], stacked, out_structure[0]


def map_fn(
    fn: Callable,
    elems: Any,
    dtype: Any = None,
    parallel_iterations: int | None = None,
    back_prop: bool = True,
    swap_memory: bool = False,
    infer_shape: bool = True,
    name: str | None = None,
) -> Any:
    """tf.map_fn (TF 1.15): ``[fn(elems[0]), fn(elems[1]), ...]`` stacked along axis 0.

    `elems` is a tensor or a nest of tensors sharing their first dimension
    n; `fn` receives one row (the nest of rows) and returns a nest of tensors
    of one shape in every row; the result stacks them: [n, ...] each. `dtype`
    (TF1: required when fn's output structure differs from elems') is
    accepted and checked against what `fn` returns.

    Raises:
      TypeError: `fn` not callable; a result of another dtype than `dtype`.
      ValueError: empty or scalar `elems`.
    """
    del parallel_iterations, swap_memory, infer_shape
    if not callable(fn):
        raise TypeError("fn must be callable.")
    with get_default_graph().as_default(), name_scope(name or "map"):
        _, stacked, structure = _rows_loop(fn, elems, None, back_prop, False, "map")
    if dtype is not None:
        for want, got in zip(nest.flatten(dtype), stacked):
            if _dtypes.as_dtype(want) != got.dtype:
                raise TypeError(f"map_fn: fn returned {got.dtype.name} where dtype says {_dtypes.as_dtype(want).name}")
    return nest.pack_sequence_as(structure, stacked)


def scan(
    fn: Callable,
    elems: Any,
    initializer: Any = None,
    parallel_iterations: int = 10,
    back_prop: bool = True,
    swap_memory: bool = False,
    infer_shape: bool = True,
    reverse: bool = False,
    name: str | None = None,
) -> Any:
    """tf.scan (TF 1.15): a_t = fn(a_{t-1}, elems[t]); returns all a_t stacked along axis 0.

    Without `initializer`, a_0 = elems[0] and the scan runs over the rest (the
    output's first row is elems[0]), as TF1. ``reverse=True`` scans from the
    last row to the first: output row t is the accumulator after rows
    n-1 .. t (TF1's order).

    Raises:
      TypeError: `fn` not callable; ValueError: empty or scalar `elems`, an
      accumulator of another structure.
    """
    del parallel_iterations, swap_memory, infer_shape
    if not callable(fn):
        raise TypeError("fn must be callable.")
    with get_default_graph().as_default(), name_scope(name or "scan"):
        _, stacked, structure = _rows_loop(fn, elems, initializer, back_prop, reverse, "scan")
        if reverse:
            stacked = [_reversed_rows(s) for s in stacked]
    return nest.pack_sequence_as(structure, stacked)


def foldl(
    fn: Callable,
    elems: Any,
    initializer: Any = None,
    parallel_iterations: int = 10,
    back_prop: bool = True,
    swap_memory: bool = False,
    name: str | None = None,
) -> Any:
    """tf.foldl (TF 1.15): fn(...fn(fn(initializer, elems[0]), elems[1])..., elems[n-1]).

    Without `initializer` the first row is the initial value.

    Raises:
      TypeError: `fn` not callable; ValueError: empty or scalar `elems`.
    """
    del parallel_iterations, swap_memory
    if not callable(fn):
        raise TypeError("fn must be callable.")
    with get_default_graph().as_default(), name_scope(name or "foldl"):
        finals, _, structure = _rows_loop(fn, elems, initializer, back_prop, False, "fold")
    return nest.pack_sequence_as(structure, finals)


def foldr(
    fn: Callable,
    elems: Any,
    initializer: Any = None,
    parallel_iterations: int = 10,
    back_prop: bool = True,
    swap_memory: bool = False,
    name: str | None = None,
) -> Any:
    """tf.foldr (TF 1.15): foldl over the rows from the last to the first.

    Raises:
      TypeError: `fn` not callable; ValueError: empty or scalar `elems`.
    """
    del parallel_iterations, swap_memory
    if not callable(fn):
        raise TypeError("fn must be callable.")
    with get_default_graph().as_default(), name_scope(name or "foldr"):
        finals, _, structure = _rows_loop(fn, elems, initializer, back_prop, True, "fold")
    return nest.pack_sequence_as(structure, finals)
