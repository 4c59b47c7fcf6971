"""Random tensors with TF1's seeding rules (tf.set_random_seed, op seeds).

Every random op draws from a counter-based stream determined by (graph seed,
op seed): the same program gives the same numbers in every new session, and
each run of the op continues its stream. As TF1 (``random_seed.get_seed``):

* graph seed set, op seed None: the op seed is the number of ops in the graph;
* graph seed None, op seed set: the graph seed defaults to 87654321;
* both None: a fresh nondeterministic seed.

Tensors as arguments, as TF1: ``shape`` may be a 1-D int32/int64 tensor
(``tf.random_normal(tf.shape(z))``): the op reads it at run time, and its
static shape is what the graph knows of that tensor's value (a constant's
value, the static shape of the tensor ``tf.shape`` was taken of; unknown
dimensions otherwise). ``mean``/``stddev`` and ``minval``/``maxval`` may be
0-D tensors: the op then draws standard values and the graph computes
``mean + stddev * z`` (``minval + (maxval - minval) * u``) with ordinary ops,
which is what TF1 builds for every call.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ..framework import dtypes as _dtypes
from ..framework import tensor_util as _tensor_util
from ..framework.ops import Graph, Tensor, _op1, _tensor_or_none, convert_to_tensor, get_default_graph
from ..framework.ops import name_scope as _name_scope
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
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{what} must be a number or a 0-D tensor, got {value!r}") from None


def _is_tensor(value: object) -> bool:
    return _tensor_or_none(value) is not None


def _known_shape_value(shape: Tensor) -> list:
    """What the graph knows of the value of a 1-D shape tensor: its entries,
    -1 where unknown (tensor_util.constant_value_as_shape).

    Raises:
      ValueError: not a 1-D tensor of statically known length.
    """
    dims = _tensor_util.constant_value_as_shape(shape)
    if dims is None:
        raise ValueError(f"shape must be a 1-D tensor of known length, got {shape.name} of shape {shape.shape}")
    return dims


def _shape_operand(shape: ShapeLike | TensorLike, op_type: str) -> tuple:
    """(static dims, shape tensor or None) of a random op's `shape` argument:
    a Python shape (fully defined) or a 1-D int32/int64 tensor."""
    tensor = _tensor_or_none(shape)
    if tensor is None and isinstance(shape, (list, tuple)) and any(_is_tensor(d) for d in shape):
        # [tf.shape(x)[0], 10]: packed into one shape tensor, as TF1 does.
        from .array_ops import stack

        parts = [convert_to_tensor(d, dtype=_dtypes.int32) for d in shape]
        dims = [-1 if _is_tensor(d) else int(d) for d in shape]
        return dims, stack(parts)
    if tensor is None:
        dims = _core_shape(shape)
        if any(d < 0 for d in dims):
            raise ValueError(f"{op_type}: shape must be fully defined, got {shape}")
        return dims, None
    if not tensor.dtype.is_integer:
        raise TypeError(f"{op_type}: a shape tensor must be int32 or int64, got {tensor.dtype.name}")
    return _known_shape_value(tensor), tensor


def _random(
    op_type: str,
    shape: ShapeLike | TensorLike,
    a: float,
    b: float,
    dtype: DTypeLike,
    seed: int | None,
    name: str | None,
) -> Tensor:
    """One draw of `op_type` (parameters a, b as attributes), from a static
    shape or, as "<op_type>FromShape", from a shape tensor."""
    dtype = _dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise TypeError(f"{op_type}: dtype must be float32 or float64, got {dtype.name}")
    dims, tensor = _shape_operand(shape, op_type)
    graph = tensor.graph if tensor is not None else get_default_graph()
    seed1, seed2 = get_seed(seed, graph)
    attrs = {"shape": dims, "dtype": dtype._core, "a": a, "b": b, "seed": int(seed1), "seed2": int(seed2)}
    if tensor is None:
        return _op1(op_type, [], attrs, name or op_type, graph=graph)
    return _op1(op_type + "FromShape", [tensor], attrs, name or op_type, graph=graph)


def _scaled(
    op_type: str,
    shape: ShapeLike | TensorLike,
    loc: TensorLike,
    scale: TensorLike,
    dtype: DTypeLike,
    seed: int | None,
    name: str | None,
    default_name: str,
) -> Tensor:
    """loc + scale * (a standard draw), as graph ops: TF1's form when `loc`
    or `scale` is a tensor (scale is maxval - minval for a uniform draw)."""
    from . import math_ops

    dtype = _dtypes.as_dtype(dtype)
    with _name_scope(name, default_name) as scope:
        loc = convert_to_tensor(loc, dtype=dtype, name="loc")
        scale = convert_to_tensor(scale, dtype=dtype, name="scale")
        for what, t in (("loc", loc), ("scale", scale)):
            if t.shape.ndims not in (None, 0):
                raise ValueError(f"{default_name}: {what} must be a scalar, got shape {t.shape}")
        z = _random(op_type, shape, 0.0, 1.0, dtype, seed, None)
        return math_ops.add(math_ops.multiply(z, scale), loc, name=scope)


def random_uniform(
    shape: ShapeLike | TensorLike,
    minval: TensorLike = 0,
    maxval: TensorLike | None = None,
    dtype: DTypeLike = _dtypes.float32,
    seed: int | None = None,
    name: str | None = None,
) -> Tensor:
    """tf.random_uniform (tf.random.uniform): values from U[minval, maxval).

    Floats: minval + (maxval - minval) * u, u ~ U[0, 1) (maxval default 1).
    Integers (dtype int32/int64, TF1's RandomUniformInt): uniform integers in
    [minval, maxval); maxval is required, and minval < maxval is checked
    when the op runs.

    Args:
      shape: a Python shape, or a 1-D int32/int64 tensor (e.g. tf.shape(x)).
      minval, maxval: Python numbers or 0-D tensors of `dtype`.
      dtype: float32, float64, int32 or int64.
      seed: op seed (see the module docstring).
      name: op name.

    Raises:
      ValueError: an integer dtype without maxval; Python numbers with
        maxval < minval. TypeError: another dtype.
    """
    dtype = _dtypes.as_dtype(dtype)
    if dtype.is_integer:
        return _random_int(shape, minval, maxval, dtype, seed, name)
    if maxval is None:
        maxval = 1.0
    if _is_tensor(minval) or _is_tensor(maxval):
        from . import math_ops

        with _name_scope(name, "random_uniform") as scope:
            lo = convert_to_tensor(minval, dtype=dtype, name="min")
            hi = convert_to_tensor(maxval, dtype=dtype, name="max")
            return _scaled("RandomUniform", shape, lo, math_ops.subtract(hi, lo), dtype, seed, scope, "random_uniform")
    lo, hi = _number(minval, "minval"), _number(maxval, "maxval")
    if not hi >= lo:
        raise ValueError(f"random_uniform: maxval ({hi}) must not be below minval ({lo})")
    return _random("RandomUniform", shape, lo, hi, dtype, seed, name)


def _random_int(
    shape: ShapeLike | TensorLike,
    minval: TensorLike,
    maxval: TensorLike | None,
    dtype: _dtypes.DType,
    seed: int | None,
    name: str | None,
) -> Tensor:
    if dtype not in (_dtypes.int32, _dtypes.int64):
        raise TypeError(f"random_uniform: integer dtype must be int32 or int64, got {dtype.name}")
    if maxval is None:
        raise ValueError(f"Must specify maxval for integer dtype {dtype.name}")
    dims, tensor = _shape_operand(shape, "random_uniform")
    graph = tensor.graph if tensor is not None else get_default_graph()
    with graph.as_default(), _name_scope(name, "random_uniform") as scope:
        if tensor is None:
            from .array_ops import constant

            tensor = constant(dims, dtype=_dtypes.int64, name="shape")
        lo = convert_to_tensor(minval, dtype=dtype, name="min")
        hi = convert_to_tensor(maxval, dtype=dtype, name="max")
        seed1, seed2 = get_seed(seed, graph)
        attrs = {"shape": dims, "dtype": dtype._core, "seed": int(seed1), "seed2": int(seed2)}
        return _op1("RandomUniformInt", [tensor, lo, hi], attrs, scope, graph=graph)


def random_normal(
    shape: ShapeLike | TensorLike,
    mean: TensorLike = 0.0,
    stddev: TensorLike = 1.0,
    dtype: DTypeLike = _dtypes.float32,
    seed: int | None = None,
    name: str | None = None,
) -> Tensor:
    """tf.random_normal (tf.random.normal): mean + stddev * z, z ~ N(0, 1).

    Args:
      shape: a Python shape, or a 1-D int32/int64 tensor (e.g. tf.shape(x)).
      mean, stddev: Python numbers or 0-D tensors of `dtype`.
      dtype: float32 or float64.
      seed: op seed (see the module docstring).
      name: op name.

    Raises:
      ValueError: a Python-number stddev < 0. TypeError: a non-float dtype.
    """
    if _is_tensor(mean) or _is_tensor(stddev):
        return _scaled("RandomNormal", shape, mean, stddev, dtype, seed, name, "random_normal")
    sd = _number(stddev, "stddev")
    if sd < 0:
        raise ValueError(f"random_normal: stddev must be >= 0, got {sd}")
    return _random("RandomNormal", shape, _number(mean, "mean"), sd, dtype, seed, name)


def truncated_normal(
    shape: ShapeLike | TensorLike,
    mean: TensorLike = 0.0,
    stddev: TensorLike = 1.0,
    dtype: DTypeLike = _dtypes.float32,
    seed: int | None = None,
    name: str | None = None,
) -> Tensor:
    """tf.truncated_normal (tf.random.truncated_normal): mean + stddev * z,
    z ~ N(0, 1) with values beyond 2 redrawn (so the realised std is
    0.8796 * stddev).

    Args:
      shape: a Python shape, or a 1-D int32/int64 tensor (e.g. tf.shape(x)).
      mean, stddev: Python numbers or 0-D tensors of `dtype`.
      dtype: float32 or float64.
      seed: op seed (see the module docstring).
      name: op name.

    Raises:
      ValueError: a Python-number stddev < 0. TypeError: a non-float dtype.
    """
    if _is_tensor(mean) or _is_tensor(stddev):
        return _scaled("TruncatedNormal", shape, mean, stddev, dtype, seed, name, "truncated_normal")
    sd = _number(stddev, "stddev")
    if sd < 0:
        raise ValueError(f"truncated_normal: stddev must be >= 0, got {sd}")
    return _random("TruncatedNormal", shape, _number(mean, "mean"), sd, dtype, seed, name)
