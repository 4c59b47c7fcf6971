"""Sources and shape ops: placeholder, constant, identity, reshape, cast,
stack, concat, one_hot (tf.*)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .. import _core
from ..framework import dtypes as _dtypes
from ..framework.ops import (
    Graph,
    Tensor,
    _graph_of,
    _infer_numpy,
    _op1,
    _tensor_or_none,
    convert_to_tensor,
    get_default_graph,
    register_tensor_conversion_function,
)
from ..framework.tensor_shape import TensorShape, _checked_dim, _core_shape, _core_shape_or_unknown_rank

if TYPE_CHECKING:  # annotations only
    from collections.abc import Sequence

    from ..framework.types import DTypeLike, ShapeLike, TensorLike

__all__ = ["placeholder", "constant", "identity", "stop_gradient", "zeros", "ones", "zeros_like", "ones_like"]


def placeholder(dtype: DTypeLike, shape: ShapeLike | None = None, name: str | None = None) -> Tensor:
    """tf.placeholder: a tensor whose value must be fed to Session.run.

    ``tf.placeholder(tf.float32)`` (shape None: the keep_prob idiom) has
    unknown rank (``TensorShape(None)``) and takes a feed of any shape; ops
    built on it infer what they can (see the unknown-rank rule in
    cpp/src/op_registry.h) and check the rest when the graph runs.

    Args:
      dtype: element type (any dtype, string and the storage dtypes included).
      shape: static shape; None entries (or -1) are unknown until fed, e.g.
        ``[None, 784]``; None (or TensorShape(None)): unknown rank.
      name: op name (default "Placeholder").

    Returns:
      A Tensor of `dtype` whose static shape is `shape`.

    Raises:
      ValueError: a shape with invalid entries.
      TypeError: a dtype slimcore does not know.
    """
    dtype = _dtypes.as_dtype(dtype)
    return _op1(
        "Placeholder",
        [],
        {"dtype": dtype._core, "shape": _core_shape_or_unknown_rank(shape)},
        name or "Placeholder",
        graph=get_default_graph(),
    )


def constant(
    value: TensorLike,
    dtype: DTypeLike | None = None,
    shape: ShapeLike | None = None,
    name: str = "Const",
    graph: Graph | None = None,
) -> Tensor:
    """tf.constant: a tensor holding `value`.

    Python floats become float32 and Python ints int32 (TF's inference) unless
    `dtype` says otherwise; a scalar with `shape` fills that shape, an array
    with `shape` is reshaped to it.

    Raises:
      TypeError: a value that cannot be represented in `dtype`.
      ValueError: a `shape` that does not fit the value.
    """
    want = None if dtype is None else _dtypes.as_dtype(dtype)
    array = _infer_numpy(value, want)
    if shape is not None:
        target = _core_shape(shape)
        if any(d < 0 for d in target):
            raise ValueError(f"constant: shape {shape} must be fully defined")
        if array.size == 1:
            array = np.full(target, array.reshape(()), dtype=array.dtype)
        elif array.size == int(np.prod(target)):
            array = array.reshape(target)
        else:
            raise ValueError(f"constant: a value of {array.size} elements does not fit shape {shape}")
    graph = graph or get_default_graph()
    tensor = _core.Tensor(array, _dtypes.as_dtype(array.dtype)._core)
    return _op1("Const", [], {"value": tensor}, name, graph=graph)


def identity(input: TensorLike, name: str | None = None) -> Tensor:
    """tf.identity: y = x (a new name for the same value)."""
    return _op1("Identity", [input], {}, name or "Identity")


def stop_gradient(input: TensorLike, name: str | None = None) -> Tensor:
    """tf.stop_gradient: y = x in the forward pass; no gradient flows back through y."""
    return _op1("StopGradient", [input], {}, name or "StopGradient")


def zeros_like(tensor: TensorLike, dtype: DTypeLike | None = None, name: str | None = None) -> Tensor:
    """tf.zeros_like: zeros with the (run-time) shape of `tensor`."""
    out = _op1("ZerosLike", [tensor], {}, name or "zeros_like")
    return out if dtype is None else cast(out, dtype)


def ones_like(tensor: TensorLike, dtype: DTypeLike | None = None, name: str | None = None) -> Tensor:
    """tf.ones_like: ones with the (run-time) shape of `tensor`."""
    out = _op1("OnesLike", [tensor], {}, name or "ones_like")
    return out if dtype is None else cast(out, dtype)


def zeros(shape: ShapeLike, dtype: DTypeLike = _dtypes.float32, name: str = "zeros") -> Tensor:
    """tf.zeros: a constant of zeros of a fully defined shape."""
    dtype = _dtypes.as_dtype(dtype)
    return constant(np.zeros(_core_shape(shape), dtype.as_numpy_dtype), name=name)


def ones(shape: ShapeLike, dtype: DTypeLike = _dtypes.float32, name: str = "ones") -> Tensor:
    """tf.ones: a constant of ones of a fully defined shape."""
    dtype = _dtypes.as_dtype(dtype)
    return constant(np.ones(_core_shape(shape), dtype.as_numpy_dtype), name=name)


# ---- shape and type ops (reshape, cast, stack, concat, one_hot) below -------


def _static_shape(shape: ShapeLike) -> list:
    """A reshape target (list, tuple, 1-D array, or fully defined TensorShape)
    as a list of ints, -1 allowed once.

    Raises:
      TypeError: a computed tensor or non-integer entries.
      ValueError: not 1-D, an entry below -1, more than one -1, or a
        TensorShape with unknown dimensions.
    """
    if isinstance(shape, Tensor):
        if shape.op.type != "Const":
            raise TypeError(
                f"reshape: shape must be known when the graph is built (a list of ints "
                f"with at most one -1); got the computed tensor {shape.name}"
            )
        shape = shape.op.get_attr("value")
    if isinstance(shape, TensorShape):
        if not shape.is_fully_defined():
            raise ValueError(
                f"reshape: cannot reshape to the partially known shape {shape}; use -1 for the one dimension to infer"
            )
        shape = shape.as_list()
    array = np.asarray(shape)
    if array.ndim != 1 and not (array.ndim == 0 and array.dtype.kind in "iu"):
        raise ValueError(f"reshape: shape must be a list of ints, got {shape!r}")
    if array.size and array.dtype.kind not in "iu":
        raise TypeError(f"reshape: shape must be a list of ints (-1 for one inferred dimension), got {shape!r}")
    try:
        dims = [_checked_dim(d, shape) for d in array.reshape(-1)]
    except ValueError as e:
        raise ValueError(f"reshape: {e}") from None
    if any(d < -1 for d in dims):
        raise ValueError(f"reshape: invalid shape {dims}: dimensions must be >= 0, or -1 for one inferred dimension")
    if dims.count(-1) > 1:
        raise ValueError(f"reshape: shape {dims} has more than one -1: only one dimension can be inferred")
    return dims


def reshape(tensor: TensorLike, shape: ShapeLike, name: str | None = None) -> Tensor:
    """tf.reshape: the same elements in row-major order with a new shape.

    One dimension may be -1, inferred so that the number of elements stays
    the same (``reshape(x, [-1])`` flattens). The result shares x's storage
    (no copy); its gradient reshapes dy back to x's run-time shape.

    Example: a [None, 28, 28] batch becomes [None, 784] with
    ``reshape(x, [-1, 784])``.

    Args:
      tensor: any tensor.
      shape: a list of ints with at most one -1 (static: slimcore does not
        take a computed shape tensor).
      name: op name (default "Reshape").

    Returns:
      A tensor of x's dtype and the new shape.

    Raises:
      ValueError: a shape whose size differs from x's (checked when the graph
        is built when x's shape is known, else when it runs), more than one -1,
        or entries below -1.
      TypeError: a computed shape tensor or non-integer entries.
    """
    return _op1("Reshape", [tensor], {"shape": _static_shape(shape)}, name or "Reshape")


def cast(x: TensorLike, dtype: DTypeLike, name: str | None = None) -> Tensor:
    """tf.cast: y = x converted to `dtype` elementwise.

    TF's numbers: float -> int32/int64 truncates toward zero (nan and values
    out of the integer's range give its minimum, as TF on x86); float ->
    int8/int16/uint8/uint16 truncates to int32 and wraps (300.0 -> uint8 44,
    as numpy astype); a wider int -> a narrower one keeps the low bits; to
    bool is x != 0; from bool is 0 or 1; float16 rounds to nearest even. A
    tensor that already has `dtype` is returned as is (TF does the same). The
    gradient casts dy back for float32/float64 -> float32/float64; there is
    none through an int, bool or float16 side.

    Args:
      x: a tensor (or a value convertible to one).
      dtype: any numeric dtype (float16/32/64, int8/16/32/64, uint8/16, bool),
        or string for a string tensor (a DType, name or numpy type).
      name: op name (default "Cast").

    Returns:
      A tensor of `dtype` and x's shape.

    Raises:
      TypeError: a dtype slimcore does not know; a cast between string and a
        number (TF1 has tf.as_string / tf.strings.to_number for that).
    """
    dtype = _dtypes.as_dtype(dtype)
    x = convert_to_tensor(x)
    if x.dtype == dtype:
        return x
    return _op1("Cast", [x], {"DstT": dtype._core}, name or "Cast")


def to_float(x: TensorLike, name: str = "ToFloat") -> Tensor:
    """tf.to_float (TF1): y = cast(x, float32).

    Args:
      x: a tensor (or a value convertible to one) of any dtype.
      name: op name (default "ToFloat", as TF1).

    Returns:
      A tensor of dtype float32 and x's shape (x itself when already float32).
    """
    return cast(x, _dtypes.float32, name=name)


def to_double(x: TensorLike, name: str = "ToDouble") -> Tensor:
    """tf.to_double (TF1): y = cast(x, float64).

    Args:
      x: a tensor (or a value convertible to one) of any dtype.
      name: op name (default "ToDouble", as TF1).

    Returns:
      A tensor of dtype float64 and x's shape (x itself when already float64).
    """
    return cast(x, _dtypes.float64, name=name)


def to_int32(x: TensorLike, name: str = "ToInt32") -> Tensor:
    """tf.to_int32 (TF1): y = cast(x, int32), floats truncated toward zero.

    Args:
      x: a tensor (or a value convertible to one) of any dtype.
      name: op name (default "ToInt32", as TF1).

    Returns:
      A tensor of dtype int32 and x's shape (x itself when already int32).
    """
    return cast(x, _dtypes.int32, name=name)


def to_int64(x: TensorLike, name: str = "ToInt64") -> Tensor:
    """tf.to_int64 (TF1): y = cast(x, int64), floats truncated toward zero.

    Args:
      x: a tensor (or a value convertible to one) of any dtype.
      name: op name (default "ToInt64", as TF1).

    Returns:
      A tensor of dtype int64 and x's shape (x itself when already int64).
    """
    return cast(x, _dtypes.int64, name=name)


def _tensor_list(values: Sequence[TensorLike], fn: str) -> list:
    """values as tensors of one graph; Python numbers take the dtype of the
    first tensor among them, as TF's list inputs do.

    Raises:
      ValueError: an empty list.
      TypeError: a single tensor instead of a list.
    """
    if isinstance(values, Tensor) or _tensor_or_none(values) is not None:
        raise TypeError(f"{fn} expects a list of tensors, got the single tensor {values!r}")
    values = list(values)
    if not values:
        raise ValueError(f"{fn} needs a non-empty list of tensors")
    graph = _graph_of(values)
    first = next((t for t in map(_tensor_or_none, values) if t is not None), None)
    dtype = None if first is None else first.dtype
    return [convert_to_tensor(v, dtype=None if _tensor_or_none(v) is not None else dtype, graph=graph) for v in values]


def stack(values: Sequence[TensorLike], axis: int = 0, name: str = "stack") -> Tensor:
    """tf.stack: y[..., k, ...] = values[k], the k along a new axis `axis`.

    The inputs must have one shape and dtype. The gradient unstacks dy: input
    k gets dy[..., k, ...] along `axis` (the op StackSlice).

    Example: stacking two [2, 3] tensors gives [2, 2, 3] (axis 0) or [2, 3, 2]
    (axis -1).

    Args:
      values: a non-empty list of tensors (numbers take the first tensor's dtype).
      axis: where the new axis goes, in [-(rank+1), rank].
      name: op name.

    Returns:
      A tensor of rank one more than the inputs.

    Raises:
      ValueError: an empty list, an axis out of range, or inputs of different
        shapes (the message names both shapes).
      TypeError: inputs of different dtypes.
    """
    tensors = _tensor_list(values, "stack")
    return _op1("Pack", tensors, {"axis": _static_int(axis, "stack: axis")}, name)


pack = stack  # TF 0.x's name of stack


def concat(values: Sequence[TensorLike], axis: int, name: str = "concat") -> Tensor:
    """tf.concat: the tensors joined along an existing axis `axis`.

    Every other dimension must match. As TF1, one tensor is returned through
    an Identity op. The gradient gives input k the slice of dy at its offset
    along the axis, read from the inputs' run-time shapes (op ConcatSlice), so
    an unknown batch dimension is fine.

    Example: concat([a, b], 1) of [2, 3] and [2, 5] tensors is [2, 8].

    Args:
      values: a non-empty list of tensors of one rank >= 1 and dtype (numbers
        take the first tensor's dtype).
      axis: the axis to join along (negative counts from the end).
      name: op name.

    Returns:
      A tensor whose `axis` dimension is the sum of the inputs'.

    Raises:
      ValueError: an empty list, scalars, an axis out of range, or shapes
        differing outside `axis` (the message names both shapes).
      TypeError: inputs of different dtypes.
    """
    if not isinstance(values, (list, tuple)) and _tensor_or_none(values) is not None:
        values = [values]
    tensors = _tensor_list(values, "concat")
    axis = _static_int(axis, "concat: axis")
    if len(tensors) == 1:
        rank = tensors[0].shape.ndims
        if not -rank <= axis < rank:
            raise ValueError(f"concat: axis {axis} is out of range for a tensor of rank {rank}")
        return identity(tensors[0], name=name)
    return _op1("ConcatV2", tensors, {"axis": axis}, name)


def one_hot(
    indices: TensorLike,
    depth: int,
    on_value: TensorLike | None = None,
    off_value: TensorLike | None = None,
    axis: int | None = None,
    dtype: DTypeLike | None = None,
    name: str | None = None,
) -> Tensor:
    """tf.one_hot: y[..., j, ...] = on_value if indices[...] == j else off_value,
    j in [0, depth) along a new axis (the last by default).

    Indices outside [0, depth), negative ones included, give a row of
    off_value, as TF. The dtype follows TF's inference: `dtype` if given, else
    that of on_value (Python ints int32, floats float32), else of off_value,
    else float32. Not differentiable.

    Example: one_hot([0, 2, -1], 3) is [[1, 0, 0], [0, 0, 1], [0, 0, 0]].

    Args:
      indices: an int32 or int64 tensor of any rank.
      depth: the number of classes, >= 0.
      on_value: the value where the index matches (default 1).
      off_value: the value elsewhere (default 0).
      axis: where the new axis goes: -1 or None for the last, or 0..rank.
      dtype: the output dtype.
      name: op name (default "one_hot").

    Returns:
      A tensor of shape indices.shape with `depth` inserted at `axis`.

    Raises:
      TypeError: float indices, on_value/off_value whose dtype differs from
        `dtype` or from each other, or values that are not numbers.
      ValueError: a negative depth or an axis out of range.
    """
    values = {}
    for key, value in (("on_value", on_value), ("off_value", off_value)):
        if value is None:
            continue
        if _tensor_or_none(value) is not None:
            raise TypeError(f"one_hot: {key} must be a number in slimcore, got the tensor {value!r}")
        array = _infer_numpy(value, None)
        if array.size != 1:
            raise TypeError(f"one_hot: {key} must be a single number, got {value!r}")
        values[key] = (array.reshape(()).item(), _dtypes.as_dtype(array.dtype))
    if dtype is not None:
        dtype = _dtypes.as_dtype(dtype)
        for key, (_, value_dtype) in values.items():
            if value_dtype != dtype:
                raise TypeError(
                    f"one_hot: dtype {value_dtype.name} of {key} does not match dtype parameter {dtype.name}"
                )
    elif values:
        dtype = next(iter(values.values()))[1]
    else:
        dtype = _dtypes.float32
    if len(values) == 2 and values["on_value"][1] != values["off_value"][1]:
        raise TypeError(
            f"one_hot: dtype {values['on_value'][1].name} of on_value does not match "
            f"dtype {values['off_value'][1].name} of off_value"
        )
    depth = _static_int(depth, "one_hot: depth")
    if depth < 0:
        raise ValueError(f"one_hot: depth must be >= 0, got {depth}")
    axis = -1 if axis is None else _static_int(axis, "one_hot: axis")
    indices = convert_to_tensor(indices)
    return _op1(
        "OneHot",
        [indices],
        {
            "depth": depth,
            "axis": axis,
            "dtype": dtype._core,
            "on_value": float(values.get("on_value", (1, None))[0]),
            "off_value": float(values.get("off_value", (0, None))[0]),
        },
        name or "one_hot",
    )


def _static_int(value: TensorLike, what: str) -> int:
    """An int argument that must be known when the graph is built.

    Raises:
      TypeError: anything but an int (a bool, a float, a computed tensor).
    """
    if isinstance(value, Tensor) and value.op.type == "Const":
        value = value.op.get_attr("value")
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{what} must be an int, got {value!r}")
    return int(value)


__all__ += ["reshape", "cast", "to_float", "to_double", "to_int32", "to_int64", "stack", "pack", "concat", "one_hot"]


# convert_to_tensor makes Python and numpy values constants (TF's constant_op does the same).
register_tensor_conversion_function(object, constant, priority=200)
