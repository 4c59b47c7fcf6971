"""Ordering and conditional ops: group, no_op, tuple, cond, case (tf.*).

``cond`` builds both branches into the graph, as TF1 does: every op that
``true_fn`` / ``false_fn`` creates is added in a cond context (the predicate
tensor and the branch), and a ``Merge`` op picks the taken branch's output.
The executor evaluates the predicate and runs only the taken branch's ops: the
other branch's side effects (assignments, random draws) and costs do not
happen. Ops created outside the branch functions are computed as usual, even
when only one branch reads them (TF1 does the same). Gradients flow through
the taken branch; a tensor captured from outside gets zeros from the other.

Example::

    is_training = tf.placeholder_with_default(True, [])
    y = tf.cond(is_training, lambda: tf.nn.dropout(x, 0.5), lambda: x)
"""

from __future__ import annotations

import builtins
import contextlib
from typing import TYPE_CHECKING

from ..framework import dtypes
from ..framework.ops import (
    Operation,
    Tensor,
    _graph_element,
    _graph_of,
    _op,
    _op1,
    convert_to_tensor,
    get_default_graph,
    name_scope,
)
from ..framework.tensor_util import constant_value
from .array_ops import identity

if TYPE_CHECKING:  # annotations only
    from collections.abc import Callable, Iterator, Sequence

    from ..framework.ops import Graph
    from ..framework.types import GraphElementLike

__all__ = ["case", "cond", "group", "no_op", "smart_cond", "tuple"]


def no_op(name: str | None = None) -> Operation:
    """tf.no_op: an op that does nothing (a target for control dependencies)."""
    return _op("NoOp", [], {}, name or "NoOp", graph=get_default_graph())


def group(*inputs: GraphElementLike | Sequence[GraphElementLike], name: str | None = None) -> Operation:
    """tf.group: one op that runs all `inputs` (ops or tensors) when run."""
    flat = []
    for item in inputs:
        flat.extend(item if isinstance(item, (list, builtins.tuple)) else [item])
    graph = _graph_of(flat) if flat else get_default_graph()
    elements = [_graph_element(x) for x in flat]
    with graph.control_dependencies(elements):
        return _op("NoOp", [], {}, name or "group_deps", graph=graph)


def tuple(tensors: list, name: str | None = None, control_inputs: list | None = None) -> list:  # noqa: A001
    """tf.tuple: identities of `tensors` that are available only after all of them are computed."""
    gate = group(*(list(tensors) + list(control_inputs or [])), name=name)
    graph = gate.graph
    with graph.control_dependencies([gate]):
        return [identity(t) for t in tensors]


# ---------------------------------------------------------------------------
# Conditional execution
# ---------------------------------------------------------------------------
@contextlib.contextmanager
def _cond_context(graph: Graph, pred: Tensor, branch: bool) -> Iterator[None]:
    """Adds the ops created inside to branch `branch` of `pred` (nested in the current context)."""
    core = graph._c
    outer = core.current_cond_context
    core.current_cond_context = core.cond_context(pred._node, pred._index, branch, outer)
    try:
        yield
    finally:
        core.current_cond_context = outer


def _flatten(structure: object) -> list:
    """The leaves of nested lists, tuples and dicts (dicts by sorted key, as tf.nest)."""
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in _flatten(structure[key])]
    if isinstance(structure, (list, builtins.tuple)):
        return [leaf for item in structure for leaf in _flatten(item)]
    return [structure]


def _pack_like(structure: object, leaves: Iterator) -> object:
    """`structure` with its leaves replaced, in _flatten's order, by those of `leaves`."""
    if isinstance(structure, dict):
        packed = {key: _pack_like(structure[key], leaves) for key in sorted(structure)}
        return type(structure)((key, packed[key]) for key in structure)
    if isinstance(structure, (list, builtins.tuple)):
        items = [_pack_like(item, leaves) for item in structure]
        if isinstance(structure, builtins.tuple) and hasattr(structure, "_fields"):  # namedtuple
            return type(structure)(*items)
        return type(structure)(items)
    return next(leaves)


def _same_structure(a: object, b: object) -> bool:
    if isinstance(a, dict) or isinstance(b, dict):
        if not (isinstance(a, dict) and isinstance(b, dict) and sorted(a) == sorted(b)):
            return False
        return all(_same_structure(a[k], b[k]) for k in a)
    if isinstance(a, (list, builtins.tuple)) or isinstance(b, (list, builtins.tuple)):
        return (
            isinstance(a, (list, builtins.tuple))
            and isinstance(b, (list, builtins.tuple))
            and len(a) == len(b)
            and all(_same_structure(x, y) for x, y in zip(a, b))
        )
    return True


def _build_branch(graph: Graph, pred: Tensor, branch: bool, fn: Callable[[], object], which: str) -> object:
    """Calls `fn` in branch `branch` of `pred`; returns its output with every leaf a Tensor of that branch."""
    with _cond_context(graph, pred, branch):
        result = fn()
        if result is None:
            raise ValueError(f"{which} must have a return value.")

        def as_tensor(leaf: object) -> Tensor:
            if isinstance(leaf, Operation):
                # TF1's CondContext.BuildCondBranch: an op is proxied by the pivot
                # (a bool that is the branch's value) with a control dependency on it.
                with graph.control_dependencies([leaf]):
                    return identity(pred, name="switch_t" if branch else "switch_f")
            element = _graph_element(leaf, strict=False)
            if element is not None and not isinstance(element, Tensor):
                element = convert_to_tensor(element, graph=graph)  # e.g. a Variable
            return element if isinstance(element, Tensor) else convert_to_tensor(leaf, graph=graph)

        leaves = [as_tensor(leaf) for leaf in _flatten(result)]
    return result, leaves


def cond(
    pred: Tensor,
    true_fn: Callable[[], object] | None = None,
    false_fn: Callable[[], object] | None = None,
    strict: bool = False,
    name: str | None = None,
    fn1: Callable[[], object] | None = None,
    fn2: Callable[[], object] | None = None,
) -> object:
    """tf.cond: ``true_fn()`` if ``pred`` else ``false_fn()``, only the taken branch run.

    out = Merge(pred, false_fn(), true_fn()): the ops the two functions create
    run only in runs where ``pred`` has their branch's value (TF1's lazy
    semantics, see the module docstring); ops created before the call run
    whenever something needs them. Gradients flow into the taken branch only
    (a tensor captured from outside gets zeros from the untaken one). Conds
    nest. TF1 equivalent: ``tf.cond`` (``tf.compat.v1.cond``).

    Args:
      pred: a scalar bool Tensor (a Python bool is refused, as TF1 does: use
        ``smart_cond`` or plain Python ``if``).
      true_fn, false_fn: callables of no argument returning the same nested
        structure (lists, tuples, dicts) of tensors (or values convertible to
        tensors, or Operations, which TF1 turns into the bool pivot tensor)
        with equal dtypes; the static shape of an output keeps what both agree on.
      strict: if False (TF1's default), a one-element list or tuple output is
        unpacked to its element.
      name: the name scope (default "cond").
      fn1, fn2: TF1's deprecated names of ``true_fn`` and ``false_fn``.

    Returns:
      The branches' output structure, each leaf the Merge of the two.

    Raises:
      TypeError: pred is a Python bool or not a bool tensor; a function is not
        callable; the branches return different dtypes or structure kinds.
      ValueError: pred is not a scalar; a function returns None; the
        structures differ.
    """
    if fn1 is not None:
        if true_fn is not None:
            raise TypeError("cond(): true_fn and fn1 may not be set simultaneously.")
        true_fn = fn1
    if fn2 is not None:
        if false_fn is not None:
            raise TypeError("cond(): false_fn and fn2 may not be set simultaneously.")
        false_fn = fn2
    if not callable(true_fn):
        raise TypeError("true_fn must be callable.")
    if not callable(false_fn):
        raise TypeError("false_fn must be callable.")
    if isinstance(pred, (bool, int)) and not isinstance(pred, Tensor):
        raise TypeError("pred must not be a Python bool")
    pred = convert_to_tensor(pred)
    if pred.dtype != dtypes.bool_:
        raise TypeError(f"cond: pred must be a bool tensor, got {pred!r} of dtype {pred.dtype.name}")
    if pred.shape.ndims not in (None, 0):
        raise ValueError(f"cond: pred must be a scalar (shape []), got {pred!r} of shape {pred.shape}")
    graph = pred.graph
    with graph.as_default(), name_scope(name, "cond", [pred]):
        res_t, leaves_t = _build_branch(graph, pred, True, true_fn, "true_fn")
        res_f, leaves_f = _build_branch(graph, pred, False, false_fn, "false_fn")
        if not _same_structure(res_t, res_f):
            raise ValueError(
                "Incompatible return values of true_fn and false_fn: The two structures don't have the same nested "
                f"structure.\n\nFirst structure: {res_t!r}\n\nSecond structure: {res_f!r}"
            )
        for t, f in zip(leaves_t, leaves_f):
            if t.dtype != f.dtype:
                raise TypeError(
                    f"Outputs of true_fn and false_fn must have the same type: {t.dtype.name}, {f.dtype.name}"
                )
        merges = [_op1("Merge", [pred, f, t], {}, "Merge", graph=graph) for t, f in zip(leaves_t, leaves_f)]
    if not isinstance(res_t, (list, builtins.tuple, dict)):
        return merges[0]
    packed = _pack_like(res_t, iter(merges))
    if not strict and isinstance(packed, (list, builtins.tuple)) and len(packed) == 1:
        return packed[0]
    return packed


def smart_cond(
    pred: object, true_fn: Callable[[], object], false_fn: Callable[[], object], name: str | None = None
) -> object:
    """``true_fn()`` or ``false_fn()`` now when ``pred`` is known statically, else ``cond``.

    pred known: a Python bool (or 0/1) or a tensor whose value the graph
    alone determines (``tf.constant(True)``); then only the chosen function is
    called and no cond is built. TF1 equivalent:
    ``tf.contrib.framework.smart_cond`` (what slim's and tf.layers' layers use
    for ``is_training`` / ``training``).

    Raises:
      TypeError: pred is neither a bool nor a bool tensor.
    """
    if isinstance(pred, (bool, int)) and not isinstance(pred, Tensor):
        return true_fn() if pred else false_fn()
    value = constant_value(pred)
    if value is not None:
        return true_fn() if bool(value) else false_fn()
    return cond(pred, true_fn, false_fn, name=name)


def case(
    pred_fn_pairs: Sequence[builtins.tuple[Tensor, Callable[[], object]]] | dict,
    default: Callable[[], object] | None = None,
    exclusive: bool = False,
    strict: bool = False,
    name: str = "case",
) -> object:
    """tf.case: the function of the first pair whose predicate is true, else ``default()``.

    Built as nested conds, ``cond(p1, f1, lambda: cond(p2, f2, ... default))``:
    only the chosen function's ops run. TF1 equivalent: ``tf.case``
    (``tf.compat.v1.case``).

    Args:
      pred_fn_pairs: a list of (scalar bool tensor, callable) pairs, or a dict
        (taken in insertion order).
      default: called when no predicate is true. None: the last pair's
        function is the default (TF1 also asserts that some predicate is
        true; slimcore runs the last function without that check).
      exclusive: TF1 asserts at run time that at most one predicate is true;
        slimcore does not check it (the first true one wins either way).
      strict: as in ``cond``.
      name: the name scope.

    Returns:
      The chosen function's output (Merges of all).

    Raises:
      TypeError: pred_fn_pairs is not a list of pairs or a dict, or a function
        is not callable.
      ValueError: pred_fn_pairs is empty and there is no default.
    """
    if isinstance(pred_fn_pairs, dict):
        pairs = list(pred_fn_pairs.items())
    elif isinstance(pred_fn_pairs, (list, builtins.tuple)):
        pairs = list(pred_fn_pairs)
    else:
        raise TypeError(f"pred_fn_pairs must be a list or a dict, got {type(pred_fn_pairs).__name__}")
    for pair in pairs:
        if not isinstance(pair, builtins.tuple) or len(pair) != 2:
            raise TypeError(f"Each entry in pred_fn_pairs must be a 2-tuple, got {pair!r}")
        if not callable(pair[1]):
            raise TypeError(f"fn for pred {pair[0]!r} must be callable.")
    if default is not None and not callable(default):
        raise TypeError("default must be callable.")
    if default is None:
        if not pairs:
            raise ValueError("case: pred_fn_pairs is empty and there is no default")
        default = pairs[-1][1]
        pairs = pairs[:-1]
    if not pairs:
        return default()

    graph = _graph_of([p for p, _ in pairs])
    with graph.as_default(), name_scope(name, "case", [p for p, _ in pairs]):

        def chain(i: int) -> object:
            if i == len(pairs):
                return default()
            pred, fn = pairs[i]
            return cond(pred, fn, lambda: chain(i + 1), strict=strict, name=f"If_{i}")

        return chain(0)
