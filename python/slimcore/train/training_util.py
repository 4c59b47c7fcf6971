"""The global step and gradient clipping (tf.train / tf.clip_by_*)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework.ops import GraphKeys, Tensor, convert_to_tensor, get_default_graph, name_scope
from ..initializers import zeros_initializer
from ..ops import math_ops
from ..ops.nn_ops import l2_loss
from ..variable_scope import get_variable

if TYPE_CHECKING:  # annotations only
    from ..framework.ops import Graph
    from ..framework.types import TensorLike
    from ..variables import Variable

__all__ = [
    "get_global_step",
    "create_global_step",
    "get_or_create_global_step",
    "global_norm",
    "clip_by_global_norm",
    "clip_by_norm",
]


def get_global_step(graph: Graph | None = None) -> Variable | None:
    """tf.train.get_global_step: the GLOBAL_STEP variable, or None.

    Raises:
      TypeError: more than one variable in the collection.
    """
    graph = graph or get_default_graph()
    steps = graph.get_collection(GraphKeys.GLOBAL_STEP)
    if len(steps) > 1:
        raise TypeError(f"Multiple tensors in global_step collection: {steps}")
    return steps[0] if steps else None


def create_global_step(graph: Graph | None = None) -> Variable:
    """tf.train.create_global_step: an int64 scalar variable "global_step"
    (not trainable, initial 0) in GLOBAL_VARIABLES and GLOBAL_STEP.

    Raises:
      ValueError: a global step exists already.
    """
    graph = graph or get_default_graph()
    if get_global_step(graph) is not None:
        raise ValueError('"global_step" already exists.')
    with graph.as_default(), graph.name_scope(""):
        return get_variable(
            "global_step",
            [],
            dtype=_dtypes.int64,
            initializer=zeros_initializer(),
            trainable=False,
            collections=[GraphKeys.GLOBAL_VARIABLES, GraphKeys.GLOBAL_STEP],
        )


def get_or_create_global_step(graph: Graph | None = None) -> Variable:
    """tf.train.get_or_create_global_step."""
    return get_global_step(graph) or create_global_step(graph)


def global_norm(t_list: Sequence[Any], name: str | None = None) -> Tensor:
    """tf.global_norm: sqrt(sum over tensors of sum(t^2)); None entries are skipped."""
    tensors = [convert_to_tensor(t) for t in t_list if t is not None]
    if not tensors:
        raise ValueError("global_norm needs at least one tensor")
    with name_scope(name, "global_norm", tensors) as scope:
        half_sums = [l2_loss(t) for t in tensors]
        return math_ops.sqrt(math_ops.multiply(math_ops.add_n(half_sums), 2.0), name=scope)


def clip_by_global_norm(
    t_list: Sequence[Any], clip_norm: TensorLike, use_norm: TensorLike | None = None, name: str | None = None
) -> tuple:
    """tf.clip_by_global_norm: each t becomes t * clip_norm / max(global_norm, clip_norm);
    returns (clipped list, global_norm). None entries stay None. As TF1, an
    infinite or NaN global norm (a NaN entry, or squares that overflow
    float32) makes every entry NaN -- which slimcore's optimizers refuse
    loudly (NonFiniteError) -- rather than silently scaling the step to 0.

    Raises:
      ValueError: clip_norm <= 0 (as a number).
    """
    if not isinstance(clip_norm, Tensor):
        if not clip_norm > 0:
            raise ValueError(f"clip_norm must be positive, got {clip_norm}")
        clip_norm = float(clip_norm)
    t_list = list(t_list)
    with name_scope(name, "clip_by_global_norm", [t for t in t_list if t is not None]):
        norm = use_norm if use_norm is not None else global_norm(t_list)
        # TF1: clip * min(1/norm, 1/clip), plus (norm - norm): NaN unless the norm is finite.
        scale = math_ops.multiply(
            clip_norm, math_ops.minimum(math_ops.divide(1.0, norm), math_ops.divide(1.0, clip_norm))
        )
        scale = math_ops.add(scale, math_ops.subtract(norm, norm))
        clipped = [None if t is None else math_ops.multiply(t, scale) for t in t_list]
        return clipped, norm


def clip_by_norm(
    t: TensorLike, clip_norm: TensorLike, axes: int | Sequence[int] | None = None, name: str | None = None
) -> Tensor:
    """tf.clip_by_norm: t * clip_norm / max(||t||_2, clip_norm), the norm taken
    over `axes` (all axes when None; with axes=[1] each row of a matrix is
    clipped to its own norm).

    As TF1, a zero t gives zeros and a zero gradient rather than nan (TF1
    selects around the sqrt at 0; slimcore takes the norm of max(sum t^2,
    tiny), tiny the dtype's smallest normal number, which gives the same
    values unless clip_norm < 1e-19).

    Args:
      t: a float tensor.
      clip_norm: a positive scalar (number or 0-D tensor).
      axes: an int, a list of ints, or None (all axes).
      name: op name scope (default "clip_by_norm").

    Returns:
      A tensor of t's shape and dtype.

    Raises:
      ValueError: clip_norm <= 0 (as a number; TF1 does not check), or an axis
        out of range.
    """
    if not isinstance(clip_norm, Tensor):
        if not clip_norm > 0:
            raise ValueError(f"clip_norm must be positive, got {clip_norm}")
        clip_norm = float(clip_norm)
    t = convert_to_tensor(t)
    with name_scope(name, "clip_by_norm", [t]):
        l2sum = math_ops.reduce_sum(math_ops.square(t), axes, keepdims=True)
        norm = math_ops.sqrt(math_ops.maximum(l2sum, float(np.finfo(t.dtype.name).tiny)))
        return math_ops.multiply(t, math_ops.divide(clip_norm, math_ops.maximum(norm, clip_norm)))
