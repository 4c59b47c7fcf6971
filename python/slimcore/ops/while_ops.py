"""tf.while_loop: a functional While op whose cond and body are sub-graphs.

    i, acc = tf.while_loop(lambda i, acc: i < k, lambda i, acc: (i + 1, acc * x), [0, 1.0])

builds ``cond`` and ``body`` once, on LoopArg tensors standing for the loop
variables; tensors they read from outside the loop (and variables, wherever
created) are captured as extra inputs of the While op, whose kernel
(cpp/src/ops/while_ops.cpp) runs the sub-graphs iteratively with a nested
plan. The gradient (TF1's: it exists because the forward pass records the
iteration count) runs the body's vector-Jacobian product backwards over the
loop variables the forward pass recorded, recomputing the body's
intermediate values from them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from ..framework import dtypes as _dtypes
from ..framework.ops import Operation, Tensor, _op, convert_to_tensor, get_default_graph, name_scope
from ..framework.tensor_shape import TensorShape, _core_shape_or_unknown_rank, as_shape
from . import array_ops, nest

if TYPE_CHECKING:  # annotations only
    from ..framework.ops import Graph

__all__ = ["while_loop"]


def _invariant_attrs(shapes: list) -> tuple[list, list]:
    """Shapes as the op's flat attrs: ranks (-1: unknown rank) and dimensions (-1: unknown)."""
    ranks, dims = [], []
    for s in shapes:
        if s.ndims is None:
            ranks.append(-1)
            continue
        ranks.append(s.ndims)
        dims.extend(-1 if d is None else int(d) for d in s.as_list())
    return ranks, dims


def _fits_invariant(shape: TensorShape, invariant: TensorShape) -> bool:
    """TF1's rule: a body result may not be less specific than its invariant ([?] does not fit [2])."""
    if invariant.ndims is None:
        return True
    if shape.ndims != invariant.ndims:
        return False
    return all(i is None or d == i for d, i in zip(shape.as_list(), invariant.as_list()))


def _loop_arg(t: Tensor, shape: TensorShape, name: str) -> Tensor:
    """The stand-in for loop variable `t` inside cond and body, of its invariant `shape`."""
    attrs = {"dtype": t.dtype._core, "shape": _core_shape_or_unknown_rank(shape)}
    op = _op("LoopArg", [], attrs, name, graph=t.graph)
    return Tensor(op.graph, op._node, 0)


def _captures(graph: Graph, start: int, refs: list) -> list:
    """Outer tensors the sub-graph nodes [start, end) read, and variables read anywhere in it.

    `refs` (the fetched results) count as read too: a body may return an
    outer tensor unchanged.
    """
    seen, captured = set(), []

    def capture(t: Tensor) -> None:
        if t._ref not in seen and (t.op._node < start or t.op.type == "VariableV2"):
            seen.add(t._ref)
            captured.append(t)

    for node in range(start, graph._c.num_nodes()):
        for t in Operation(graph, node).inputs:
            capture(t)
    for t in refs:
        capture(t)
    return captured


def _functional_while(
    cond: Callable,
    body: Callable,
    flat_vars: list,
    invariants: list,
    maximum_iterations: Any,
    back_prop: bool,
    structure: Any,
    sliced: list | tuple = (),
) -> tuple[list, Tensor, list]:
    """Builds one While op (the loop of while_loop, dynamic_rnn's time loop).

    ``cond(*packed)`` and ``body(packed, rows)`` are called on stand-ins:
    `packed` the loop variables in `structure`, `rows` one row of each
    `sliced` tensor (iteration t reads row t: dynamic_rnn's input at time t,
    without a gather whose gradient would be a dense tensor per iteration).
    `body` returns (next loop values, per-iteration emits), both flat.

    Returns (final values, iteration count, emits stacked over iterations).
    """
    graph = flat_vars[0].graph if flat_vars else get_default_graph()
    start = graph._c.num_nodes()
    # Outer control dependencies go to the While op (run once), not into the
    # sub-graphs (which would run them every iteration), as TF1's Enter nodes.
    with graph.control_dependencies(None):
        args = [_loop_arg(v, s, "loop_var") for v, s in zip(flat_vars, invariants)]
        packed = nest.pack_sequence_as(structure, args)
        pred = convert_to_tensor(cond(*packed))
        rows = [_loop_arg(x, x.shape[1:], "row") for x in sliced]
        results, emits = body(packed, rows)
    if pred.dtype != _dtypes.bool_ or not pred.shape.is_compatible_with([]):
        raise TypeError(f"while_loop: cond must return a boolean scalar, got {pred!r}")
    results = [convert_to_tensor(r, dtype=v.dtype) for r, v in zip(results, flat_vars)]
    emits = [convert_to_tensor(e) for e in emits]
    for v, r, s in zip(flat_vars, results, invariants):
        if r.dtype != v.dtype:
            raise TypeError(
                f"while_loop: loop variable {v.name} enters the loop as {v.dtype.name} but the body returns "
                f"{r.dtype.name}"
            )
        if not _fits_invariant(r.shape, s):
            raise ValueError(
                f"Input tensor '{v.name}' enters the loop with shape {s}, but has shape {r.shape} after one "
                "iteration. To allow the shape to vary across iterations, use the `shape_invariants` argument of "
                "tf.while_loop to specify a less-specific shape."
            )
    captured = _captures(graph, start, [pred, *results, *emits])
    if maximum_iterations is None:
        maximum_iterations = -1
    max_iter = array_ops.cast(convert_to_tensor(maximum_iterations), _dtypes.int32)
    var_ranks, var_dims = _invariant_attrs(invariants)
    emit_ranks, emit_dims = _invariant_attrs([e.shape for e in emits])

    def flat(ts: list) -> list:
        return [x for t in ts for x in t._ref]

    attrs = {
        "num_vars": len(flat_vars),
        "args": [a.op._node for a in args],
        "captures": flat([*rows, *captured]),
        "sliced": [1] * len(rows) + [0] * len(captured),
        "cond": flat([pred]),
        "results": flat(results),
        "emits": flat(emits),
        "record": bool(back_prop),
        "var_ranks": var_ranks,
        "var_dims": var_dims,
        "emit_ranks": emit_ranks,
        "emit_dims": emit_dims,
        "emit_dtypes": [int(e.dtype._core) for e in emits],
    }
    op = _op("While", [*flat_vars, *sliced, *captured, max_iter], attrs, "While", graph=graph)
    n = len(flat_vars)
    finals = [Tensor(graph, op._node, k) for k in range(n)]
    stacked = [Tensor(graph, op._node, n + 1 + j) for j in range(len(emits))]
    return finals, Tensor(graph, op._node, n), stacked


def while_loop(
    cond: Callable,
    body: Callable,
    loop_vars: Any,
    shape_invariants: Any = None,
    parallel_iterations: int = 10,
    back_prop: bool = True,
    swap_memory: bool = False,
    name: str | None = None,
    maximum_iterations: Any = None,
    return_same_structure: bool = False,
) -> Any:
    """tf.while_loop (TF 1.15): ``while cond(*v): v = body(*v)``, returns the final v.

    Semantics as TF1's: `loop_vars` is a (possibly nested) list, tuple,
    namedtuple or dict of tensors (or values convertible to them); `cond` and
    `body` take them unpacked (``body(*loop_vars)``) and `body` returns the
    same structure. Each loop variable keeps its shape across iterations
    unless `shape_invariants` (same structure, TensorShapes with None
    dimensions or TensorShape(None)) relaxes it. `maximum_iterations` stops
    the loop after that many iterations (``i < max and cond(v)``). With
    ``back_prop=True`` the gradient exists: the forward pass records each
    iteration's loop variables (memory grows with the count, as TF1's
    stacks) and the backward loop runs the body's gradient in reverse
    (random ops in the body, dropout included, draw what they drew forward).
    `parallel_iterations` and `swap_memory` are accepted and ignored
    (iterations run one after another; nothing is swapped to host memory).

    The loop runs as one While op: its cond and body are built once, on
    stand-ins for the loop variables; tensors they use from outside the loop
    (and variables) become extra inputs of the op.

    Args:
      cond: callable returning a boolean scalar tensor.
      body: callable returning the next loop variables (same structure).
      loop_vars: the initial values.
      shape_invariants: per-variable shapes the loop keeps (default: the
        initial shapes).
      parallel_iterations, swap_memory: TF1 scheduling hints, ignored
        (parallel_iterations must still be >= 1, as TF1 checks).
      back_prop: False: no gradient through the loop (nothing recorded).
      name: name scope of the loop ("while").
      maximum_iterations: int or int32 scalar tensor bounding the count.
      return_same_structure: False (TF1's default) returns a lone loop
        variable of a one-element list unwrapped.

    Returns:
      The final loop variables, in the structure of `loop_vars`.

    Raises:
      TypeError: `cond` or `body` not callable, parallel_iterations < 1, a
        non-boolean `cond`, a body result of another dtype.
      ValueError: empty `loop_vars`, a body result of another structure, or
        of a shape that breaks (or is less specific than) its invariant; a
        shape invariant that does not fit the initial value; a
        `maximum_iterations` that is not a scalar.
    """
    del swap_memory  # nothing is swapped to host memory: it is there already
    if not callable(cond):
        raise TypeError("cond must be callable.")
    if not callable(body):
        raise TypeError("body must be callable.")
    if parallel_iterations < 1:  # accepted and checked as TF1, then ignored: iterations run in order
        raise TypeError("parallel_iterations must be a positive integer.")
    flat = nest.flatten(loop_vars)
    if not flat:
        raise ValueError("No loop variables provided")
    graph = get_default_graph()
    with graph.as_default(), name_scope(name or "while"):
        flat_vars = [convert_to_tensor(v) for v in flat]
        if shape_invariants is None:
            invariants = [v.shape for v in flat_vars]
        else:
            nest.assert_same_structure(loop_vars, shape_invariants, check_types=False)
            invariants = [as_shape(s) for s in nest.flatten(shape_invariants)]
            for v, s in zip(flat_vars, invariants):
                if not s.is_compatible_with(v.shape):
                    raise ValueError(
                        f"The shape invariant specified for {v.name} is not compatible with the initial shape of "
                        f"the loop variable. It enters the loop with shape {v.shape}, but the specified shape "
                        f"invariant is {s}."
                    )
        if maximum_iterations is not None:
            maximum_iterations = convert_to_tensor(maximum_iterations, name="maximum_iterations")
            if maximum_iterations.shape.ndims != 0:
                raise ValueError(f"maximum_iterations must be a scalar, saw shape: {maximum_iterations.shape}")
        structure = loop_vars if nest.is_sequence(loop_vars) else [loop_vars]
        result_structure = []  # the body's: TF1 packs the outputs like it

        def flat_body(packed: Any, _rows: list) -> tuple[list, list]:
            result = body(*packed)
            if not nest.is_sequence(result):
                result = [result]
            nest.assert_same_structure(list(structure), list(result), check_types=False)
            result_structure.append(result)
            return nest.flatten(result), []

        finals, _, _ = _functional_while(
            cond,
            flat_body,
            flat_vars,
            invariants,
            maximum_iterations,
            back_prop,
            structure,
        )
    packed = nest.pack_sequence_as(result_structure[0], finals)
    return packed[0] if len(finals) == 1 and not return_same_structure else packed
