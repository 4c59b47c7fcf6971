"""Random tensors with TF1's seeding rules (tf.set_random_seed, op seeds).

Every random op draws from a counter-based stream determined by (graph seed,
op seed): the same program gives the same numbers in every new session, and
each run of the op continues its stream. As TF1 (``random_seed.get_seed``):

* graph seed set, op seed None: the op seed is the number of ops in the graph;
* graph seed None, op seed set: the graph seed defaults to 87654321;
* both None: a fresh nondeterministic seed.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ..framework import dtypes as _dtypes
from ..framework.ops import Graph, Tensor, _op1, get_default_graph
from ..framework.tensor_shape import _core_shape

if TYPE_CHECKING:  # annotations only
    from ..framework.types import DTypeLike, ShapeLike, TensorLike

__all__ = ["set_random_seed", "get_seed", "random_uniform", "random_normal", "truncated_normal"]

DEFAULT_GRAPH_SEED = 87654321


def set_random_seed(seed: int | None) -> None:
    """tf.set_random_seed: the graph-level seed of the default graph."""
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise TypeError(f"seed must be an int or None, got {seed!r}")
    get_default_graph().seed = seed


def get_seed(op_seed: int | None, graph: Graph | None = None) -> tuple:
    """The (seed, seed2) pair of a random op, by TF1's rules (module docstring)."""
    graph = graph or get_default_graph()
    if op_seed is not None and (not isinstance(op_seed, int) or isinstance(op_seed, bool)):
        raise TypeError(f"seed must be an int or None, got {op_seed!r}")
    if graph.seed is not None:
        return graph.seed, op_seed if op_seed is not None else graph._c.num_nodes()
    if op_seed is not None:
        return DEFAULT_GRAPH_SEED, op_seed
    fresh = int.from_bytes(os.urandom(8), "little") >> 1
    return fresh, fresh ^ 0x5DEECE66D


def _number(value: TensorLike, what: str) -> float:
    if isinstance(value, Tensor) or not isinstance(value, (int, float)) or isinstance(value, bool):
        try:
            return float(value)
        except (TypeError, ValueError):
            raise TypeError(f"{what} must be a Python number, got {value!r}") from None
    return float(value)


def _random(
    op_type: str, shape: ShapeLike, a: float, b: float, dtype: DTypeLike, seed: int | None, name: str | None
) -> Tensor:
    dtype = _dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise TypeError(f"{op_type}: dtype must be float32 or float64, got {dtype.name}")
    dims = _core_shape(shape)
    if any(d < 0 for d in dims):
        raise ValueError(f"{op_type}: shape must be fully defined, got {shape}")
    graph = get_default_graph()
    seed1, seed2 = get_seed(seed, graph)
    return _op1(
        op_type,
        [],
        {"shape": dims, "dtype": dtype._core, "a": a, "b": b, "seed": int(seed1), "seed2": int(seed2)},
        name or op_type,
        graph=graph,
    )


def random_uniform(
    shape: ShapeLike,
    minval: TensorLike = 0,
    maxval: TensorLike | None = None,
    dtype: DTypeLike = _dtypes.float32,
    seed: int | None = None,
    name: str | None = None,
) -> Tensor:
    """tf.random_uniform: values from U[minval, maxval) (maxval default 1).

    Raises:
      ValueError: maxval <= minval. TypeError: a non-float dtype.
    """
    lo = _number(minval, "minval")
    hi = 1.0 if maxval is None else _number(maxval, "maxval")
    if not hi >= lo:
        raise ValueError(f"random_uniform: maxval ({hi}) must not be below minval ({lo})")
    return _random("RandomUniform", shape, lo, hi, dtype, seed, name)


def random_normal(
    shape: ShapeLike,
    mean: TensorLike = 0.0,
    stddev: TensorLike = 1.0,
    dtype: DTypeLike = _dtypes.float32,
    seed: int | None = None,
    name: str | None = None,
) -> Tensor:
    """tf.random_normal: values from N(mean, stddev^2).

    Raises:
      ValueError: stddev < 0.
    """
    sd = _number(stddev, "stddev")
    if sd < 0:
        raise ValueError(f"random_normal: stddev must be >= 0, got {sd}")
    return _random("RandomNormal", shape, _number(mean, "mean"), sd, dtype, seed, name)


def truncated_normal(
    shape: ShapeLike,
    mean: TensorLike = 0.0,
    stddev: TensorLike = 1.0,
    dtype: DTypeLike = _dtypes.float32,
    seed: int | None = None,
    name: str | None = None,
) -> Tensor:
    """tf.truncated_normal: N(mean, stddev^2) with values farther than 2*stddev
    from the mean redrawn (so the realised std is 0.8796 * stddev).

    Raises:
      ValueError: stddev < 0.
    """
    sd = _number(stddev, "stddev")
    if sd < 0:
        raise ValueError(f"truncated_normal: stddev must be >= 0, got {sd}")
    return _random("TruncatedNormal", shape, _number(mean, "mean"), sd, dtype, seed, name)
