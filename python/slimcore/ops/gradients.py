"""tf.gradients: reverse-mode differentiation that adds gradient ops to the graph."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..framework.ops import Tensor, _graph_of, convert_to_tensor

if TYPE_CHECKING:  # annotations only
    from collections.abc import Sequence

    from ..framework.types import TensorLike

__all__ = ["gradients"]


def _as_list(x: TensorLike) -> list:
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _source_tensor(x: TensorLike) -> Tensor:
    """What to differentiate with respect to: a Variable means its value."""
    graph_element = getattr(x, "_as_graph_element", None)
    if graph_element is not None:
        return graph_element()
    if isinstance(x, Tensor):
        return x
    raise TypeError(f"gradients: xs must be Tensors or Variables, got {x!r}")


def gradients(
    ys: TensorLike | Sequence[TensorLike],
    xs: TensorLike | Sequence[TensorLike],
    grad_ys: TensorLike | Sequence[TensorLike | None] | None = None,
    name: str = "gradients",
    **_: Any,
) -> list:
    """tf.gradients(ys, xs, grad_ys=None): d(sum(ys))/dx for each x.

    The result is a list of tensors (one per x, ``None`` for an x that the ys
    do not depend on) built from gradient ops under the "gradients/" scope;
    they can be fetched or used further. ``grad_ys`` seeds the backward pass
    (default: ones, i.e. the gradient of the sum of all elements).

    Raises:
      TypeError: non-float ys.
      ValueError: an op on the path without a gradient, or mixed graphs.
    """
    ys = [convert_to_tensor(y) for y in _as_list(ys)]
    xs = [_source_tensor(x) for x in _as_list(xs)]
    graph = _graph_of(ys + xs)
    seeds: list = [None] * len(ys)
    if grad_ys is not None:
        grad_ys = _as_list(grad_ys)
        if len(grad_ys) != len(ys):
            raise ValueError(f"gradients: grad_ys has {len(grad_ys)} entries for {len(ys)} ys")
        seeds = [None if g is None else convert_to_tensor(g, dtype=y.dtype)._ref for g, y in zip(grad_ys, ys)]
    refs = graph._c.gradients([y._ref for y in ys], [x._ref for x in xs], seeds)
    return [None if r is None else Tensor(graph, r[0], r[1]) for r in refs]
