"""Ordering ops: group, no_op, tuple (tf.*)."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

from ..framework.ops import Operation, _graph_element, _graph_of, _op, get_default_graph
from .array_ops import identity

if TYPE_CHECKING:  # annotations only
    from collections.abc import Sequence

    from ..framework.types import GraphElementLike

__all__ = ["group", "no_op", "tuple"]


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
