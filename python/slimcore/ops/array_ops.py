"""Sources and shape ops: placeholder, constant, identity, reshape, cast,
stack, concat, one_hot (tf.*)."""

from __future__ import annotations

import builtins
import sys
from typing import TYPE_CHECKING

import numpy as np

from .. import _core
from ..framework import dtypes as _dtypes
from ..framework import tensor_util as _tensor_util
from ..framework.ops import (
    Graph,
    Tensor,
    _binary_operands,
    _graph_of,
    _infer_numpy,
    _op,
    _op1,
    _override_operator,
    _tensor_or_none,
    convert_to_tensor,
    get_default_graph,
    name_scope,
    register_tensor_conversion_function,
)
from ..framework.tensor_shape import Dimension, TensorShape, _checked_dim, _core_shape, _core_shape_or_unknown_rank

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
      TypeError: non-integer entries.
      ValueError: not 1-D, an entry below -1, more than one -1, or a
        TensorShape with unknown dimensions.
    """
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
      shape: a list of ints with at most one -1, or a 1-D int tensor
        (``tf.shape(y)``, ``tf.stack([n, -1])``): its value is read at run time
        unless the graph knows it (constant_value); the static shape keeps
        what is known.
      name: op name (default "Reshape").

    Returns:
      A tensor of x's dtype and the new shape.

    Raises:
      ValueError: a shape whose size differs from x's (checked when the graph
        is built when x's shape is known, else when it runs), more than one -1,
        or entries below -1.
      TypeError: a computed shape tensor or non-integer entries.
    """
    if _tensor_or_none(shape) is not None or (
        isinstance(shape, (list, tuple)) and any(_tensor_or_none(v) is not None for v in shape)
    ):
        values, shape_tensor = _int_argument(shape, "reshape: shape")
        if shape_tensor is None:
            shape = values
        else:
            hint = _tensor_util.constant_value_as_shape(shape_tensor)
            if shape_tensor.shape.ndims != 1 or hint is None:
                raise ValueError(
                    f"reshape: shape must be a 1-D tensor of a length known when the graph is built, "
                    f"got {shape_tensor.name} of shape {shape_tensor.shape}"
                )
            return _op1("Reshape", [tensor, shape_tensor], {"shape": hint}, name or "Reshape")
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
      on_value: the value where the index matches (default 1): a number or a
        constant tensor (its dtype counts, as TF's).
      off_value: the value elsewhere (default 0), likewise.
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
        tensor = _tensor_or_none(value)
        if tensor is not None and tensor.op.type != "Const":
            raise TypeError(f"one_hot: {key} must be a number or a constant in slimcore, got the tensor {value!r}")
        array = tensor.op.get_attr("value") if tensor is not None else _infer_numpy(value, None)
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


# ---- indexing: slice, strided_slice and Tensor.__getitem__, gather, gather_nd,
# ---- where, boolean_mask, unsorted_segment_sum, embedding_lookup (index-ops) --------

newaxis = None  # tf.newaxis: x[:, tf.newaxis] inserts a dimension of size 1

_INDEX_DTYPES = (_dtypes.int32, _dtypes.int64)
_SLICE_TYPE_ERROR = (
    "Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and scalar tf.int32/tf.int64 "
    "tensors are valid indices"
)


def _python_index(value: object) -> int | None:
    """value as a Python int when it is one (an int, a numpy integer, a known
    Dimension, a scalar int constant tensor: its value folds into a static
    shape), else None (computed tensors; bools are not ints here)."""
    if isinstance(value, Dimension):
        return value.value
    if isinstance(value, Tensor) and value.op.type == "Const" and value.dtype in _INDEX_DTYPES:
        return int(value.op.get_attr("value")) if value.shape.ndims == 0 else None
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return int(value)
    return None


def _index_vector(values: TensorLike, what: str, graph: Graph | None = None) -> Tensor:
    """begin/end/size/strides as a 1-D int32 or int64 tensor: a tensor as is,
    Python ints as a constant (int64 when one needs it, as TF's inference),
    a list mixing ints and scalar tensors stacked (all made int64 when any
    is int64, as TF's _slice_helper).

    Raises:
      TypeError: entries that are not ints or int32/int64 tensors.
      ValueError: a tensor that is not 1-D.
    """
    tensor = _tensor_or_none(values)
    if tensor is None and isinstance(values, np.ndarray):
        if values.dtype.kind not in "iu":
            raise TypeError(f"{what} must hold ints, got a numpy array of {values.dtype}")
        tensor = constant(values.astype(np.int64 if values.dtype.itemsize == 8 else np.int32), graph=graph)
    if tensor is None:
        items = list(values) if isinstance(values, (list, tuple)) else [values]
        ints = [_python_index(v) for v in items]
        if all(i is not None or _tensor_or_none(v) is None for i, v in zip(ints, items)):  # nothing computed
            array = np.asarray([i if i is not None else v for i, v in zip(ints, items)])
            if not isinstance(values, (list, tuple)):
                array = array.reshape(())  # a scalar: refused below, as TF1 (begin/end are 1-D)
            if array.size and array.dtype.kind not in "iu":
                raise TypeError(f"{what}: {_SLICE_TYPE_ERROR}, got {values!r}")
            big = array.size and (array.min() < -(2**31) or array.max() >= 2**31)
            tensor = constant(array.astype(np.int64 if big else np.int32), graph=graph)
        else:
            tensors = [_tensor_or_none(v) for v in items]
            for value, t in zip(items, tensors):
                if t is None and _python_index(value) is None:
                    raise TypeError(f"{what}: {_SLICE_TYPE_ERROR}, got {value!r}")
            wide = any(t is not None and t.dtype == _dtypes.int64 for t in tensors) or any(
                i is not None and not -(2**31) <= i < 2**31 for i in ints
            )
            dtype = _dtypes.int64 if wide else _dtypes.int32
            parts = [constant(i, dtype, graph=graph) if t is None else cast(t, dtype) for t, i in zip(tensors, ints)]
            tensor = stack(parts)
    if tensor.dtype not in _INDEX_DTYPES:
        raise TypeError(f"{what} must be an int32 or int64 tensor, got {tensor.dtype.name}")
    if tensor.shape.ndims is not None and tensor.shape.ndims != 1:
        raise ValueError(f"{what} must be a 1-D tensor, got shape {tensor.shape}")
    return tensor


def slice(input_: TensorLike, begin: TensorLike, size: TensorLike, name: str | None = None) -> Tensor:  # noqa: A001
    """tf.slice: the box of `input_` that starts at `begin` and has `size`:
    y[k_0, ...] = input_[begin_0 + k_0, ...], k_d in [0, size_d).

    ``size[d] = -1`` takes every element from begin[d] to the end. The
    gradient is dy put back at `begin` in zeros of input_'s shape. When begin
    and size are constants the output shape is known when the graph is built.

    Example: slice(x, [1, 0], [1, -1]) of a [3, 4] tensor is x[1:2, :], [1, 4].

    Args:
      input_: a tensor of any dtype and rank.
      begin: int32/int64 list or 1-D tensor of rank(input_) starts, each in
        [0, dim].
      size: int32/int64 list or 1-D tensor of rank(input_) sizes (-1: to the end).
      name: op name (default "Slice").

    Returns:
      A tensor of input_'s dtype and shape `size` (its -1 entries resolved).

    Raises:
      ValueError: begin/size of another length than the rank, or out of range
        (when known at graph construction; InvalidArgumentError when the
        graph runs otherwise).
      TypeError: begin or size not integers.
    """
    x = convert_to_tensor(input_)
    return _op1(
        "Slice",
        [x, _index_vector(begin, "slice: begin", x.graph), _index_vector(size, "slice: size", x.graph)],
        {},
        name or "Slice",
    )


def strided_slice(
    input_: TensorLike,
    begin: TensorLike,
    end: TensorLike,
    strides: TensorLike | None = None,
    begin_mask: int = 0,
    end_mask: int = 0,
    ellipsis_mask: int = 0,
    new_axis_mask: int = 0,
    shrink_axis_mask: int = 0,
    var: object | None = None,
    name: str | None = None,
) -> Tensor:
    """tf.strided_slice: numpy's basic slicing, spelled as TF1 spells it.

    Entry i of begin/end/strides is one slice ``begin[i]:end[i]:strides[i]``;
    bit i of a mask changes it: begin_mask / end_mask ignore begin[i] /
    end[i] (the widest range for the stride's direction), ellipsis_mask makes
    it ``...`` (the dimensions no entry names; at most one), new_axis_mask
    ``tf.newaxis`` (a new dimension of size 1), shrink_axis_mask the single
    index begin[i] (the dimension is removed). Along a dimension of size n
    with stride s: negative indices count from the end, both ends are
    clamped into [0, n] (s > 0) or [-1, n - 1] (s < 0), and the size is
    ceil((end - begin) / s), 0 for an empty range: TF's
    ValidateStridedSliceOp, and numpy's slicing. Entries past the spec take
    whole dimensions. The gradient puts dy back into zeros of input_'s shape.

    Example: strided_slice(x, [0, 1], [0, 3], [1, 1], begin_mask=1,
    end_mask=1) is x[:, 1:3]; shrink_axis_mask=2 instead of the masks on
    entry 1 with begin [0, 2] would give x[:, 2].

    Args:
      input_: a tensor of any dtype and rank.
      begin, end: int32/int64 lists or 1-D tensors, one entry per slice.
      strides: the same (default all 1); non-zero, and 1 where shrinking.
      begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask:
        bit masks over the entries, as above.
      var: TF1 passes the sliced variable for ``x[...].assign``, which
        slimcore does not offer; accepted and unused.
      name: op name (default "StridedSlice").

    Returns:
      A tensor of input_'s dtype.

    Raises:
      ValueError: more than one ellipsis, a zero stride, a shrunk index out of
        range, more entries than dimensions (when begin/end/strides are known
        at graph construction; InvalidArgumentError when the graph runs
        otherwise).
      TypeError: begin/end/strides that are not integers.
    """
    del var  # slimcore has no sliced assignment
    x = convert_to_tensor(input_)
    begin_t = _index_vector(begin, "strided_slice: begin", x.graph)
    end_t = _index_vector(end, "strided_slice: end", x.graph)
    if strides is None:
        const = begin_t.op.type == "Const"
        strides_t = constant(np.ones_like(begin_t.op.get_attr("value")), graph=x.graph) if const else ones_like(begin_t)
    else:
        strides_t = _index_vector(strides, "strided_slice: strides", x.graph)
    masks = {
        "begin_mask": begin_mask,
        "end_mask": end_mask,
        "ellipsis_mask": ellipsis_mask,
        "new_axis_mask": new_axis_mask,
        "shrink_axis_mask": shrink_axis_mask,
    }
    masks = {key: _static_int(value, f"strided_slice: {key}") for key, value in masks.items()}
    return _op1("StridedSlice", [x, begin_t, end_t, strides_t], masks, name or "StridedSlice")


def _check_index(index: object) -> None:
    """TF1's _check_index: an int, a Dimension, or a scalar int32/int64 tensor.

    Raises:
      TypeError: anything else (floats, lists, 1-D tensors...).
    """
    if _python_index(index) is not None:
        return
    tensor = _tensor_or_none(index)
    if tensor is None or tensor.dtype not in _INDEX_DTYPES or tensor.shape.ndims != 0:
        raise TypeError(f"{_SLICE_TYPE_ERROR}, got {index!r}")


def _slice_helper(tensor: TensorLike, slice_spec: object, var: object | None = None) -> Tensor:
    """Tensor.__getitem__ (TF1's _slice_helper): numpy basic indexing as one
    strided_slice.

    ``x[1:3, ..., ::-1, tf.newaxis, -1]``: an int (or scalar int tensor)
    picks one index and removes the dimension (shrink_axis_mask), a slice
    ``start:stop:step`` leaves out None parts through begin_mask / end_mask,
    ``...`` is the ellipsis and None (tf.newaxis) a new axis.

    Raises:
      TypeError: an index that is not one of those (a float, a list, a 1-D
        tensor: TF1 has no fancy indexing; use tf.gather / tf.boolean_mask).
      ValueError: an index out of range of a known dimension, or more
        indices than dimensions.
    """
    if not isinstance(slice_spec, (list, tuple)):
        slice_spec = [slice_spec]
    begin, end, strides = [], [], []
    begin_mask = end_mask = ellipsis_mask = new_axis_mask = shrink_axis_mask = 0
    for index, s in enumerate(slice_spec):
        if isinstance(s, builtins.slice):
            if s.start is not None and (_tensor_or_none(s.start) is not None or s.start != sys.maxsize):
                _check_index(s.start)
                begin.append(s.start)
            else:
                begin.append(0)
                begin_mask |= 1 << index
            if s.stop is not None and (_tensor_or_none(s.stop) is not None or s.stop != sys.maxsize):
                _check_index(s.stop)
                end.append(s.stop)
            else:
                end.append(0)
                end_mask |= 1 << index
            if s.step is not None:
                _check_index(s.step)
                strides.append(s.step)
            else:
                strides.append(1)
        elif s is Ellipsis:
            begin.append(0)
            end.append(0)
            strides.append(1)
            ellipsis_mask |= 1 << index
        elif s is newaxis:
            begin.append(0)
            end.append(0)
            strides.append(1)
            new_axis_mask |= 1 << index
        else:
            _check_index(s)
            begin.append(s)
            number = _python_index(s)
            end.append(number + 1 if number is not None else _tensor_or_none(s) + 1)
            strides.append(1)
            shrink_axis_mask |= 1 << index
    x = convert_to_tensor(tensor)
    with name_scope(None, "strided_slice", [x]) as scope:
        return strided_slice(
            x,
            begin,
            end,
            strides,
            begin_mask=begin_mask,
            end_mask=end_mask,
            ellipsis_mask=ellipsis_mask,
            new_axis_mask=new_axis_mask,
            shrink_axis_mask=shrink_axis_mask,
            var=var,
            name=scope,  # the scope's exact name, as TF1: the op is "strided_slice"
        )


_override_operator("__getitem__", _slice_helper)


def _axis_or_zero(axis: TensorLike | None, what: str) -> int:
    return 0 if axis is None else _static_int(axis, what)


def gather(
    params: TensorLike,
    indices: TensorLike,
    validate_indices: bool | None = None,
    name: str | None = None,
    axis: int | None = None,
    batch_dims: int = 0,
) -> Tensor:
    """tf.gather: slices of `params` along `axis` at `indices`:
    y[o..., p..., i...] = params[o..., indices[p...], i...].

    The output shape is params.shape[:axis] + indices.shape +
    params.shape[axis+1:]. An index outside [0, params.shape[axis]) is an
    InvalidArgumentError when the graph runs (TF1 on the CPU). The gradient
    with respect to params adds dy's slices at the gathered positions (dense
    where TF1 gives IndexedSlices; repeated indices add up); indices get none.

    Example: gather([[1, 2], [3, 4], [5, 6]], [2, 0]) is [[5, 6], [1, 2]].

    Args:
      params: a tensor of rank >= 1, any dtype.
      indices: an int32/int64 tensor of any shape.
      validate_indices: deprecated in TF1 and ignored (indices are always checked).
      name: op name (default "GatherV2").
      axis: the gathered axis of params (default 0; negative counts from the end).
      batch_dims: only 0 is supported.

    Returns:
      A tensor of params' dtype.

    Raises:
      ValueError: an axis out of range, a scalar params, batch_dims != 0.
      TypeError: indices that are not int32/int64.
    """
    del validate_indices  # deprecated in TF1, and always done here
    if _static_int(batch_dims, "gather: batch_dims") != 0:
        raise ValueError("gather: batch_dims other than 0 is not supported by slimcore")
    axis = _axis_or_zero(axis, "gather: axis")
    params = convert_to_tensor(params)
    indices = convert_to_tensor(indices, graph=params.graph)
    return _op1("GatherV2", [params, indices], {"axis": axis}, name or "GatherV2")


def gather_nd(params: TensorLike, indices: TensorLike, name: str | None = None, batch_dims: int = 0) -> Tensor:
    """tf.gather_nd: y[j...] = params[indices[j..., 0], ..., indices[j..., K-1]],
    K = indices.shape[-1], each a slice of shape params.shape[K:].

    The output shape is indices.shape[:-1] + params.shape[K:]. An index tuple
    outside params is an InvalidArgumentError when the graph runs. The
    gradient with respect to params adds dy at the gathered positions
    (tf.scatter_nd); indices get none.

    Example: gather_nd([[1, 2], [3, 4]], [[1, 0], [0, 1]]) is [3, 2];
    gather_nd(x, [[1]]) is [x[1]].

    Args:
      params: a tensor of any dtype.
      indices: an int32/int64 tensor of rank >= 1 whose last dimension K
        (known when the graph is built) is <= rank(params).
      name: op name (default "GatherNd").
      batch_dims: only 0 is supported.

    Returns:
      A tensor of params' dtype.

    Raises:
      ValueError: K > rank(params), scalar indices, batch_dims != 0.
      TypeError: indices that are not int32/int64.
    """
    if _static_int(batch_dims, "gather_nd: batch_dims") != 0:
        raise ValueError("gather_nd: batch_dims other than 0 is not supported by slimcore")
    params = convert_to_tensor(params)
    return _op1("GatherNd", [params, convert_to_tensor(indices, graph=params.graph)], {}, name or "GatherNd")


def _select_operands(x: TensorLike, y: TensorLike) -> tuple[Tensor, Tensor]:
    """x and y of where: a tensor keeps its dtype and the other side takes it;
    with neither a tensor, y takes x's dtype (TF's inference for the op's
    shared type T: the first input decides)."""
    if _tensor_or_none(x) is None and _tensor_or_none(y) is None:
        x = convert_to_tensor(x)
        return x, convert_to_tensor(y, dtype=x.dtype, graph=x.graph)
    return _binary_operands(x, y)


def where(
    condition: TensorLike, x: TensorLike | None = None, y: TensorLike | None = None, name: str | None = None
) -> Tensor:
    """tf.where (TF1): with x and y, elements of x where condition is true
    and of y elsewhere; without them, the coordinates of the true elements.

    where(c, x, y)[i] = x[i] if c[...] else y[i], with TF1's rules and no
    broadcasting: x and y have one shape and dtype, and condition is bool of
    x's shape, or a vector of x.shape[0] (choosing whole rows x[k] / y[k]),
    or a scalar. The gradient is dy where the condition chose x (to x) and
    where it chose y (to y), zero elsewhere.

    where(c) is an int64 tensor [num_true, rank(c)] of the coordinates of c's
    true (nonzero) elements in row-major order; num_true is known only when
    the graph runs (unless c is a constant). Not differentiable.

    Example: where([True, False, True], [1, 2, 3], [4, 5, 6]) is [1, 5, 3];
    where([[True, False], [False, True]]) is [[0, 0], [1, 1]].

    Args:
      condition: a bool tensor (numbers allowed in the one-argument form).
      x, y: tensors of one shape and dtype, or both None.
      name: op name (default "Select", or "Where" in the one-argument form).

    Returns:
      A tensor of x's dtype and shape, or an int64 [num_true, rank] tensor.

    Raises:
      ValueError: only one of x and y given, or shapes that do not fit the
        rules above.
      TypeError: a non-bool condition with x and y, or x and y of two dtypes.
    """
    if x is None and y is None:
        condition = convert_to_tensor(condition)
        return _op1("Where", [condition], {}, name or "Where")
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    x, y = _select_operands(x, y)
    condition = convert_to_tensor(condition, graph=x.graph)
    return _op1("Select", [condition, x, y], {}, name or "Select")


def where_v2(
    condition: TensorLike, x: TensorLike | None = None, y: TensorLike | None = None, name: str | None = None
) -> Tensor:
    """tf.where_v2 (TF 1.14+; TF2's tf.where): where(c, x, y) with numpy
    broadcasting of condition, x and y; without x and y, tf.where(c).

    out[i] = x[i] if c[i] else y[i], each read through the broadcast. The
    gradient is dy where x was chosen, summed over x's broadcast dimensions
    (to x), and likewise for y.

    Example: where_v2([[True], [False]], [1, 2, 3], 0) is [[1, 2, 3], [0, 0, 0]].

    Args:
      condition: a bool tensor.
      x, y: tensors of one dtype (numbers take the other's), or both None.
      name: op name (default "SelectV2", or "Where").

    Returns:
      A tensor of the broadcast shape and x's dtype, or where(condition).

    Raises:
      ValueError: only one of x and y given, or shapes that do not broadcast.
      TypeError: a non-bool condition, or x and y of two dtypes.
    """
    if x is None and y is None:
        return where(condition, name=name)
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    x, y = _select_operands(x, y)
    condition = convert_to_tensor(condition, graph=x.graph)
    return _op1("SelectV2", [condition, x, y], {}, name or "SelectV2")


def _static_dims(dims: TensorShape, what: str) -> list:
    """Known dimensions as ints with at most one None made -1 (a reshape target)."""
    out = [-1 if d is None else d for d in dims.as_list()]
    if out.count(-1) > 1:
        raise ValueError(
            f"{what}: slimcore reshapes with static shapes, and {dims} has more than one unknown dimension"
        )
    return out


def boolean_mask(tensor: TensorLike, mask: TensorLike, name: str = "boolean_mask", axis: int | None = None) -> Tensor:
    """tf.boolean_mask: the slices of `tensor` where `mask` is true, as numpy's
    tensor[mask] (with axis: tensor[(slice(None),) * axis + (mask,)]).

    mask (rank k >= 1) covers dimensions [axis, axis + k) of tensor; those
    collapse into one dimension of num_true entries, in row-major order:
    TF1's implementation, gather(reshape(tensor), squeeze(where(mask))),
    whose gradient scatters dy back (zeros where the mask is false).

    Example: boolean_mask([[1, 2], [3, 4], [5, 6]], [True, False, True]) is
    [[1, 2], [5, 6]].

    Args:
      tensor: a tensor of rank >= axis + k.
      mask: a bool tensor of known rank k whose shape matches
        tensor.shape[axis:axis + k].
      name: name scope (default "boolean_mask").
      axis: the first masked dimension of tensor (default 0).

    Returns:
      A tensor of rank rank(tensor) - k + 1 whose masked dimension is known
      only when the graph runs (unless the mask is a constant).

    Raises:
      ValueError: a scalar mask, a mask shape that does not match, or (a
        slimcore limit) more than one unknown dimension to collapse or keep.
    """
    with name_scope(name, values=[tensor, mask]):
        tensor = convert_to_tensor(tensor, name="tensor")
        mask = convert_to_tensor(mask, name="mask", graph=tensor.graph)
        shape_mask = mask.shape
        ndims_mask = shape_mask.ndims
        if ndims_mask == 0:
            raise ValueError("mask cannot be scalar.")
        if ndims_mask is None:
            raise ValueError(
                "Number of mask dimensions must be specified, even if some dimensions are None.  "
                "E.g. shape=[None] is ok, but shape=None is not."
            )
        axis = _axis_or_zero(axis, "boolean_mask: axis")
        shape_tensor = tensor.shape
        shape_tensor[axis : axis + ndims_mask].assert_is_compatible_with(shape_mask)
        if ndims_mask > 1:
            leading = shape_tensor[axis : axis + ndims_mask].num_elements()
            target = (
                TensorShape(shape_tensor[:axis]).concatenate([leading]).concatenate(shape_tensor[axis + ndims_mask :])
            )
            tensor = reshape(tensor, _static_dims(target, "boolean_mask"))
            mask = reshape(mask, [-1])
        indices = reshape(_op1("Where", [mask], {}, "Where"), [-1])
        return gather(tensor, indices, axis=axis)


def unsorted_segment_sum(
    data: TensorLike, segment_ids: TensorLike, num_segments: TensorLike, name: str | None = None
) -> Tensor:
    """tf.unsorted_segment_sum: out[s, ...] = sum of data[j..., ...] over the
    j with segment_ids[j...] == s (0 for an empty segment).

    segment_ids' shape is a prefix of data's; out has num_segments rows.
    A negative id drops its row (TF 1.15); an id >= num_segments is an
    InvalidArgumentError when the graph runs. The gradient with respect to
    data gathers dy at the ids (zero for dropped rows).

    Example: unsorted_segment_sum([1, 2, 3, 4], [0, 1, 0, 1], 2) is [4, 6].

    Args:
      data: a numeric tensor.
      segment_ids: an int32/int64 tensor, a prefix of data's shape.
      num_segments: a scalar int32/int64 (a constant gives a static shape).
      name: op name (default "UnsortedSegmentSum").

    Returns:
      A tensor of data's dtype, shape [num_segments] + data.shape[rank(ids):].

    Raises:
      ValueError: shapes that do not fit, a negative num_segments.
      TypeError: ids or num_segments that are not int32/int64.
    """
    data = convert_to_tensor(data)
    ids = convert_to_tensor(segment_ids, graph=data.graph)
    count = convert_to_tensor(num_segments, graph=data.graph)
    return _op1("UnsortedSegmentSum", [data, ids, count], {}, name or "UnsortedSegmentSum")


def _embedding_table(params: list, partition_strategy: str) -> tuple[Tensor, np.ndarray | None]:
    """Several shards as one table (their concatenation along axis 0) and the
    row of it each id names (None: the id itself, as for 'div').

    'div' puts ids in contiguous blocks, shard p holding the next
    ceil or floor(N / P) ids (the first N mod P shards one more), so the
    concatenation is the table. 'mod' puts id i in shard i mod P at row
    i // P: row offset[i mod P] + i // P of the concatenation.

    Raises:
      ValueError: shards of unknown first dimension, or sizes that are not
        what the strategy gives N ids over P shards.
    """
    sizes = [p.shape[0] for p in params]
    if any(s.value is None for s in sizes):
        raise ValueError("embedding_lookup: the shards' first dimensions must be known when the graph is built")
    sizes = [s.value for s in sizes]
    total, shards = sum(sizes), len(params)
    expected = [
        (total - p + shards - 1) // shards if partition_strategy == "mod" else total // shards + (p < total % shards)
        for p in builtins.range(shards)
    ]
    if sizes != expected:
        raise ValueError(
            f"embedding_lookup: shards of {sizes} rows are not a '{partition_strategy}' partition of "
            f"{total} ids over {shards} shards (expected {expected})"
        )
    table = concat(params, 0)
    if partition_strategy == "div":
        return table, None
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    ids = np.arange(total)
    return table, (offsets[ids % shards] + ids // shards).astype(np.int64)


def embedding_lookup(
    params: TensorLike | Sequence[TensorLike],
    ids: TensorLike,
    partition_strategy: str = "mod",
    name: str | None = None,
    validate_indices: bool = True,
    max_norm: float | None = None,
) -> Tensor:
    """tf.nn.embedding_lookup: the rows of the embedding table at `ids`,
    y[p..., :] = params[ids[p...], :] (tf.gather on axis 0).

    params is a tensor or variable, or a list of shards of one table split
    by `partition_strategy` ("mod": id i in shard i mod P at row i // P;
    "div": contiguous blocks); with max_norm, each looked-up embedding whose
    L2 norm exceeds it is scaled down to it (TF1's clip_by_norm over the
    embedding dimensions). Gradients reach the table (dense, repeated ids
    adding up), so the embedding of a variable trains.

    Example: with params [[0, 0], [1, 1], [2, 2]], ids [[2], [0]] give
    [[[2, 2]], [[0, 0]]].

    Args:
      params: a tensor/variable of rank >= 1, or a non-empty list of them.
      ids: an int32/int64 tensor of any shape; each id in [0, total rows).
      partition_strategy: "mod" or "div" (matters for several shards).
      name: name scope (default "embedding_lookup").
      validate_indices: deprecated in TF1 and ignored (ids are always checked).
      max_norm: if given, the largest L2 norm of a returned embedding.

    Returns:
      A tensor of shape ids.shape + params.shape[1:].

    Raises:
      ValueError: an empty list, an unknown partition_strategy, shards that
        do not form the partition.
    """
    del validate_indices
    if partition_strategy not in ("mod", "div"):
        raise ValueError(f"embedding_lookup: partition_strategy must be 'mod' or 'div', got {partition_strategy!r}")
    shards = list(params) if isinstance(params, (list, tuple)) else [params]
    if not shards:
        raise ValueError("embedding_lookup: params must not be empty")
    with name_scope(name, "embedding_lookup", shards + [ids]) as scope:
        shards = [convert_to_tensor(p) for p in shards]
        ids = convert_to_tensor(ids, graph=shards[0].graph)
        if len(shards) == 1:
            table, rows = shards[0], None
        else:
            table, rows = _embedding_table(shards, partition_strategy)
        if rows is not None:
            ids = gather(constant(rows), ids)
        out = gather(table, ids, name=scope)  # the op takes the scope's exact name, as TF1
        return out if max_norm is None else _clip_rows(out, ids.shape.ndims, max_norm)


def _clip_rows(values: Tensor, first_axis: int, max_norm: float) -> Tensor:
    """TF1's clip_by_norm over axes [first_axis, rank), as embedding_lookup's
    max_norm: t * max_norm / max(||t||, max_norm), ||t|| the L2 norm of each
    embedding, with TF's guard for a zero norm (where(l2sum > 0, ...)) so its
    gradient stays finite."""
    from . import math_ops

    axes = list(builtins.range(first_axis, values.shape.ndims))
    l2sum = math_ops.reduce_sum(math_ops.square(values), axes, keepdims=True)
    positive = math_ops.greater(l2sum, constant(0, dtype=values.dtype))
    l2norm = where(positive, math_ops.sqrt(where(positive, l2sum, ones_like(l2sum))), l2sum)
    clip = constant(max_norm, dtype=values.dtype)
    return math_ops.divide(math_ops.multiply(values, clip), math_ops.maximum(l2norm, clip))


__all__ += [
    "newaxis",
    "slice",
    "strided_slice",
    "gather",
    "gather_nd",
    "where",
    "where_v2",
    "boolean_mask",
    "unsorted_segment_sum",
]


# ---- shape-ops lane: squeeze, expand_dims, transpose, tile, pad, unstack, split,
# ---- shape/size/rank, fill, range, placeholder_with_default -----------------------


def _int_argument(value: TensorLike, what: str) -> tuple[np.ndarray | None, Tensor | None]:
    """An integer argument (shape, multiples, paddings, sizes) as its value when
    the graph knows it (constant_value), else as an int tensor to read at run time.

    A list holding tensors is stacked first (TF1's auto-packing:
    ``tf.reshape(x, [tf.shape(x)[0], -1])``).

    Returns:
      (value, None) with an int64 array, or (None, tensor) for a run-time value.

    Raises:
      TypeError: a value or tensor that is not of an integer dtype.
    """
    tensor = _tensor_or_none(value)
    if tensor is None and isinstance(value, (list, tuple)) and any(_tensor_or_none(v) is not None for v in value):
        tensor = stack(value)
    known = _tensor_util.constant_value(value if tensor is None else tensor)
    if known is not None:
        known = np.asarray(known)
        if known.size and known.dtype.kind not in "iu":
            raise TypeError(f"{what} must hold ints, got {value!r}")
        return known.astype(np.int64), None
    if not tensor.dtype.is_integer:
        raise TypeError(f"{what} must be an int32 or int64 tensor, got {tensor.dtype.name} tensor {tensor.name}")
    return None, tensor


def squeeze(
    input: TensorLike, axis: int | Sequence[int] | None = None, name: str | None = None, squeeze_dims=None
) -> Tensor:
    """tf.squeeze: y = x without dimensions of size 1 (all of them, or those in `axis`).

    A view on x (no copy); the gradient reshapes dy back to x's shape. Without
    `axis` every dimension must be known when the graph is built (whether an
    unknown one is 1 is not known): name the axes, as TF1 programs usually do
    (``tf.squeeze(logits, [1, 2])``).

    Example: x of shape [2, 1, 3, 1]: squeeze(x) is [2, 3]; squeeze(x, [1]) is [2, 3, 1].

    Args:
      input: a tensor of any dtype.
      axis: an int or list of ints in [-rank, rank); None squeezes every size-1 dimension.
      name: op name (default "Squeeze").
      squeeze_dims: TF1's deprecated name of `axis`.

    Returns:
      A tensor of x's dtype and elements.

    Raises:
      ValueError: both axis and squeeze_dims, an axis out of range, a named
        dimension that is not 1, or an unknown dimension with no axis given.
    """
    if squeeze_dims is not None:
        if axis is not None:
            raise ValueError("Cannot specify both 'axis' and 'squeeze_dims'.")
        axis = squeeze_dims
    if axis is None:
        dims = []
    elif isinstance(axis, (list, tuple)):
        dims = [_static_int(a, "squeeze: axis") for a in axis]
    else:
        dims = [_static_int(axis, "squeeze: axis")]
    return _op1("Squeeze", [input], {"squeeze_dims": dims}, name or "Squeeze")


def expand_dims(input: TensorLike, axis: int | None = None, name: str | None = None, dim: int | None = None) -> Tensor:
    """tf.expand_dims: y = x with a dimension of size 1 inserted at `axis`.

    A view on x (no copy); the gradient reshapes dy back to x's shape.

    Example: x of shape [2, 3]: expand_dims(x, 0) is [1, 2, 3], expand_dims(x, -1) is [2, 3, 1].

    Args:
      input: a tensor of any dtype.
      axis: where the new dimension goes, in [-rank-1, rank] (an int, or a
        constant int tensor).
      name: op name (default "ExpandDims").
      dim: TF1's deprecated name of `axis`.

    Returns:
      A tensor of rank one more than x.

    Raises:
      ValueError: no axis, both axis and dim, or an axis out of range.
      TypeError: an axis that is not an int.
    """
    if dim is not None:
        if axis is not None:
            raise ValueError("Cannot specify both 'axis' and 'dim'.")
        axis = dim
    if axis is None:
        raise ValueError("Must specify an axis argument to tf.expand_dims()")
    return _op1("ExpandDims", [input], {"axis": _static_int(axis, "expand_dims: axis")}, name or "ExpandDims")


def transpose(
    a: TensorLike, perm: Sequence[int] | None = None, name: str = "transpose", conjugate: bool = False
) -> Tensor:
    """tf.transpose: y.shape[k] = a.shape[perm[k]], y[i] = a[j] with j[perm[k]] = i[k].

    With perm None the dimensions are reversed (a matrix transpose for rank 2).
    The gradient transposes dy by the inverse permutation. `conjugate` has no
    effect: slimcore has no complex dtypes (TF1 too ignores it for reals).

    Example: a of shape [2, 3, 4]: transpose(a, [1, 0, 2]) is [3, 2, 4]; transpose(a) is [4, 3, 2].

    Args:
      a: a tensor of any dtype.
      perm: a permutation of 0..rank-1 (a list, or a constant int tensor).
      name: op name.
      conjugate: accepted for TF1's signature (real dtypes only).

    Returns:
      The transposed tensor (a copy).

    Raises:
      ValueError: perm not a permutation of the rank, or perm None with an
        unknown rank.
      TypeError: a perm computed at run time.
    """
    a = convert_to_tensor(a)
    if perm is None:
        rank = a.shape.ndims
        if rank is None:
            raise ValueError(f"transpose: perm=None needs the rank of {a.name}, which is unknown: give perm")
        dims = list(builtins.range(rank - 1, -1, -1))  # (range is tf.range in this module)
    else:
        values, tensor = _int_argument(perm, "transpose: perm")
        if tensor is not None:
            raise TypeError(
                f"transpose: perm must be known when the graph is built, got the computed tensor {tensor.name}"
            )
        dims = [int(p) for p in values.reshape(-1)]
    return _op1("Transpose", [a], {"perm": dims}, name)


def tile(input: TensorLike, multiples: TensorLike, name: str | None = None) -> Tensor:
    """tf.tile: y = input repeated multiples[d] times along each dimension d,
    y[i] = input[i mod input.shape] (y.shape[d] = input.shape[d] * multiples[d]).

    The gradient sums dy over the copies (op TileGrad).

    Example: tile([[1, 2]], [2, 3]) is [[1, 2, 1, 2, 1, 2], [1, 2, 1, 2, 1, 2]].

    Args:
      input: a tensor of any dtype and rank.
      multiples: one int >= 0 per dimension of input (a list, or a 1-D int
        tensor, which may be computed at run time).
      name: op name (default "Tile").

    Returns:
      The tiled tensor.

    Raises:
      ValueError: a wrong number of multiples or a negative one (at run time,
        InvalidArgumentError when the multiples are computed).
      TypeError: non-integer multiples.
    """
    values, tensor = _int_argument(multiples, "tile: multiples")
    if tensor is not None:
        hint = _tensor_util.constant_value_as_shape(tensor)
        return _op1("Tile", [input, tensor], {"multiples": [] if hint is None else hint}, name or "Tile")
    return _op1("Tile", [input], {"multiples": [int(m) for m in values.reshape(-1)]}, name or "Tile")


def pad(
    tensor: TensorLike, paddings: TensorLike, mode: str = "CONSTANT", name: str | None = None, constant_values=0
) -> Tensor:
    """tf.pad: y = tensor with paddings[d][0] values before and paddings[d][1]
    after it along each dimension d.

    The modes (case-insensitive, as TF1), for i = o - before along a dimension of size n:
      CONSTANT:  constant_values outside [0, n)
      REFLECT:   x[-i] before, x[2(n-1) - i] after: the edge is not repeated;
                 paddings must be <= n - 1
      SYMMETRIC: x[-i-1] before, x[2n-1 - i] after: the edge is repeated;
                 paddings must be <= n

    Example: pad([1, 2, 3], [[2, 2]], "REFLECT") is [3, 2, 1, 2, 3, 2, 1];
    "SYMMETRIC" gives [2, 1, 1, 2, 3, 3, 2].

    The gradient sums dy over the places each input element was copied to
    (for CONSTANT, the slice of dy at the paddings' offsets; op PadGrad).

    Args:
      tensor: a tensor of any dtype.
      paddings: an int array of shape [rank, 2] (a list, or an int tensor,
        which may be computed at run time).
      mode: "CONSTANT", "REFLECT" or "SYMMETRIC" in any case.
      name: op name (default "Pad" or "MirrorPad").
      constant_values: the CONSTANT fill, a number (or constant scalar tensor)
        of tensor's dtype.

    Returns:
      The padded tensor.

    Raises:
      ValueError: an unknown mode, paddings of the wrong shape, negative, or
        beyond the mirror modes' limits (at run time, InvalidArgumentError
        when the paddings are computed).
      TypeError: non-integer paddings, or a constant_values computed at run time.
    """
    upper = mode.upper() if isinstance(mode, str) else mode
    if upper not in ("CONSTANT", "REFLECT", "SYMMETRIC"):
        raise ValueError(f"Unknown padding mode: {mode}")
    x = convert_to_tensor(tensor)
    values, paddings_tensor = _int_argument(paddings, "pad: paddings")
    inputs = [x] if paddings_tensor is None else [x, paddings_tensor]
    attrs = {}
    if paddings_tensor is None:
        if values.ndim != 2 or values.shape[1:] != (2,):
            raise ValueError(f"pad: paddings must have shape [rank, 2], got shape {list(values.shape)}")
        attrs["paddings"] = [int(p) for p in values.reshape(-1)]
    if upper != "CONSTANT":
        attrs["mode"] = upper
        return _op1("MirrorPad", inputs, attrs, name or "MirrorPad")
    fill = _tensor_util.constant_value(constant_values)
    if fill is None or np.size(fill) != 1:
        raise TypeError(f"pad: constant_values must be a number (or a constant scalar tensor), got {constant_values!r}")
    attrs["constant_values"] = float(np.asarray(fill).reshape(()))
    return _op1("Pad", inputs, attrs, name or "Pad")


def unstack(value: TensorLike, num: int | None = None, axis: int = 0, name: str = "unstack") -> list:
    """tf.unstack: the list of value[..., k, ...] along `axis`, that dimension removed.

    The gradient stacks the pieces' gradients (zeros for pieces no gradient reached).

    Example: unstack of a [3, 2] tensor is three tensors of shape [2]; with axis=1, two of shape [3].

    Args:
      value: a tensor of rank >= 1.
      num: the size of `axis`; None takes it from the static shape.
      axis: the axis to unstack along, in [-rank, rank).
      name: op name.

    Returns:
      A list of `num` tensors.

    Raises:
      ValueError: num None with an unknown dimension, a num that differs from
        the dimension, or an axis out of range.
    """
    value = convert_to_tensor(value)
    axis = _static_int(axis, "unstack: axis")
    rank = value.shape.ndims
    if rank is not None and not -rank <= axis < rank:
        raise ValueError(f"axis = {axis} not in [{-rank}, {rank})")
    if num is None:
        size = None if rank is None else value.shape.as_list()[axis]
        if size is None:
            raise ValueError(f"Cannot infer num from shape {value.shape}")
        num = size
    num = _static_int(num, "unstack: num")
    op = _op("Unpack", [value], {"num": num, "axis": axis}, name)
    return op.outputs


def split(value: TensorLike, num_or_size_splits, axis: int = 0, num: int | None = None, name: str = "split") -> list:
    """tf.split: value cut along `axis` into num_or_size_splits equal pieces, or
    into pieces of the sizes num_or_size_splits (one of them may be -1: the rest).

    The gradient concatenates the pieces' gradients (zeros for pieces no
    gradient reached).

    Example: split of a [5, 30] tensor into [4, 15, 11] along 1 gives [5, 4],
    [5, 15] and [5, 11]; into 3 gives three [5, 10].

    Args:
      value: a tensor of rank >= 1.
      num_or_size_splits: an int dividing value.shape[axis], or a list (or
        constant 1-D int tensor) of sizes.
      axis: the axis to split along (an int or constant scalar tensor).
      num: the number of pieces when the sizes are a tensor of unknown length
        (accepted for TF1's signature; must match).
      name: op name.

    Returns:
      A list of tensors.

    Raises:
      ValueError: a number that does not divide the dimension, sizes that do
        not add up to it, an axis out of range.
      TypeError: sizes computed at run time.
    """
    axis = _static_int(axis, "split: axis")
    if isinstance(num_or_size_splits, (int, np.integer)) and not isinstance(num_or_size_splits, bool):
        op = _op("Split", [value], {"num_split": int(num_or_size_splits), "axis": axis}, name)
        return op.outputs
    sizes, tensor = _int_argument(num_or_size_splits, "split: num_or_size_splits")
    if tensor is not None:
        raise TypeError(
            f"split: the sizes must be known when the graph is built, got the computed tensor {tensor.name}"
        )
    if sizes.ndim == 0:
        op = _op("Split", [value], {"num_split": int(sizes), "axis": axis}, name)
        return op.outputs
    if sizes.ndim != 1:
        raise ValueError(f"split: size_splits must be 1-D, got shape {list(sizes.shape)}")
    if num is not None and _static_int(num, "split: num") != sizes.size:
        raise ValueError(f"split: num={num} does not match the {sizes.size} sizes given")
    op = _op("SplitV", [value], {"size_splits": [int(s) for s in sizes], "axis": axis}, name)
    return op.outputs


def _shape_info(kind: str, input: TensorLike, out_type: DTypeLike, name: str | None) -> Tensor:
    """shape/size/rank: a Const when the static shape tells the value (TF1's
    optimize=True), else an op reading the run-time shape."""
    x = convert_to_tensor(input)
    out_type = _dtypes.as_dtype(out_type)
    if out_type not in (_dtypes.int32, _dtypes.int64):
        raise TypeError(f"{kind.lower()}: out_type must be int32 or int64, got {out_type.name}")
    shape_ = x.shape
    if kind == "Rank" and shape_.ndims is not None:
        return constant(np.asarray(shape_.ndims, out_type.as_numpy_dtype), name=name or kind, graph=x.graph)
    if kind != "Rank" and shape_.is_fully_defined():
        dims = shape_.as_list()
        value = dims if kind == "Shape" else shape_.num_elements()
        return constant(np.asarray(value, out_type.as_numpy_dtype), name=name or kind, graph=x.graph)
    attrs = {} if kind == "Rank" else {"out_type": out_type._core}
    return _op1(kind, [x], attrs, name or kind)


def shape(input: TensorLike, name: str | None = None, out_type: DTypeLike = _dtypes.int32) -> Tensor:
    """tf.shape: the shape of `input` as a 1-D int tensor, read at run time.

    As TF1, a fully known static shape gives a constant (so ops fed with it
    get static shapes); otherwise the op Shape reads the fed shape.

    Args:
      input: a tensor.
      name: op name (default "Shape").
      out_type: int32 (default) or int64.

    Returns:
      A 1-D tensor of out_type with one entry per dimension.

    Raises:
      TypeError: another out_type.
    """
    return _shape_info("Shape", input, out_type, name)


def size(input: TensorLike, name: str | None = None, out_type: DTypeLike = _dtypes.int32) -> Tensor:
    """tf.size: the number of elements of `input`, a scalar (a constant when
    the static shape is fully known, as TF1).

    Args:
      input: a tensor.
      name: op name (default "Size").
      out_type: int32 (default) or int64.

    Returns:
      A scalar of out_type.

    Raises:
      TypeError: another out_type.
    """
    return _shape_info("Size", input, out_type, name)


def rank(input: TensorLike, name: str | None = None) -> Tensor:
    """tf.rank: the number of dimensions of `input`, an int32 scalar (a
    constant when the rank is known, as TF1).

    Args:
      input: a tensor.
      name: op name (default "Rank").

    Returns:
      An int32 scalar.
    """
    return _shape_info("Rank", input, _dtypes.int32, name)


def fill(dims: TensorLike, value: TensorLike, name: str | None = None) -> Tensor:
    """tf.fill: a tensor of shape `dims` with every element `value`.

    ``fill(tf.shape(x), 0.5)`` works when x's shape is only known at run time;
    the static shape keeps what the graph knows of dims (constant_value). The
    gradient of value is sum(dy).

    Args:
      dims: the shape, a list of ints >= 0 or a 1-D int tensor.
      value: a scalar of any dtype (Python floats give float32, ints int32).
      name: op name (default "Fill").

    Returns:
      A tensor of value's dtype and shape dims.

    Raises:
      ValueError: a value that is not a scalar, or negative dims (at run time,
        InvalidArgumentError when dims are computed).
      TypeError: non-integer dims.
    """
    values, tensor = _int_argument(dims, "fill: dims")
    if tensor is None:
        if values.ndim != 1:
            raise ValueError(f"fill: dims must be 1-D, got shape {list(values.shape)}")
        if (values < 0).any():
            raise ValueError(f"fill: dims must be non-negative, got {values.tolist()}")
        return _op1("Fill", [value], {"shape": [int(d) for d in values]}, name or "Fill")
    hint = _tensor_util.constant_value_as_shape(tensor)
    if hint is None:
        raise ValueError(f"fill: the length of dims {tensor.name} must be known when the graph is built")
    return _op1("Fill", [value, tensor], {"shape": hint}, name or "Fill")


def _range_dtype(args: list) -> _dtypes.DType:
    """TF1's inferred dtype of range: the widest of the arguments' dtypes in
    int32 < int64 < float32 < float64 (Python ints int32, floats float32)."""
    order = [_dtypes.int32, _dtypes.int64, _dtypes.float32, _dtypes.float64]
    for a in args:
        if a.dtype not in order:
            raise TypeError(f"range: arguments must be int32, int64, float32 or float64, got {a.dtype.name}")
    return max((a.dtype for a in args), key=order.index)


def range(start, limit=None, delta=1, dtype: DTypeLike | None = None, name: str = "range") -> Tensor:  # noqa: A001
    """tf.range: [start, start + delta, start + 2 delta, ...) up to but not including limit.

    size = ceil((limit - start) / delta); the values are accumulated
    (y[i+1] = y[i] + delta) as TF's kernel does, so float results match TF1's
    bit for bit. ``range(n)`` is ``range(0, n)``. With dtype None the dtype is
    the widest of the arguments' (ints int32, any float float32, as TF1);
    arguments may be scalar tensors computed at run time.

    Args:
      start: the first value (the limit when limit is None).
      limit: the bound (exclusive).
      delta: the step, not 0.
      dtype: int32, int64, float32 or float64.
      name: op name.

    Returns:
      A 1-D tensor.

    Raises:
      ValueError: delta 0, or a delta pointing away from limit, when the
        arguments are constants (InvalidArgumentError at run time otherwise).
      TypeError: an argument that does not convert to dtype.
    """
    if limit is None:
        start, limit = 0, start
    want = None if dtype is None else _dtypes.as_dtype(dtype)
    graph = _graph_of([start, limit, delta])
    args = [convert_to_tensor(v, dtype=want, graph=graph) for v in (start, limit, delta)]
    kind = want or _range_dtype(args)
    args = [cast(a, kind) for a in args]
    known = [_tensor_util.constant_value(a) for a in args]
    size_hint = -1
    if all(k is not None for k in known):
        s, lim, d = (np.asarray(k, kind.as_numpy_dtype).reshape(()) for k in known)
        if d == 0:
            raise ValueError(f"range: Requires delta != 0: {d}")
        if (d > 0 and s > lim) or (d < 0 and s < lim):
            raise ValueError(
                f"range: Requires start {'<=' if d > 0 else '>='} limit when delta {'>' if d > 0 else '<'} 0: {s}/{lim}"
            )
        if kind.is_integer:
            size_hint = int((abs(int(lim) - int(s)) + abs(int(d)) - 1) // abs(int(d)))
        else:
            size_hint = int(np.ceil(np.abs((lim - s) / d)))
    return _op1("Range", args, {"size": size_hint}, name, graph=graph)


def placeholder_with_default(input: TensorLike, shape: ShapeLike, name: str | None = None) -> Tensor:
    """tf.placeholder_with_default: y = input unless y is fed in Session.run.

    The static shape is `shape` (which may leave dimensions unknown, e.g.
    [None, 10] over a [2, 10] default, so feeds of other batch sizes fit); the
    gradient flows to input when it is not fed.

    Example: ``keep_prob = tf.placeholder_with_default(1.0, shape=())``: 1.0
    at test time, fed 0.5 while training.

    Args:
      input: the default value (a tensor or a value).
      shape: its static shape (list with None for unknown dimensions; None
        for unknown rank).
      name: op name (default "PlaceholderWithDefault").

    Returns:
      A tensor of input's dtype.

    Raises:
      ValueError: a shape incompatible with input's.
    """
    return _op1(
        "PlaceholderWithDefault",
        [input],
        {"shape": _core_shape_or_unknown_rank(shape)},
        name or "PlaceholderWithDefault",
    )


get_static_value = _tensor_util.get_static_value  # tf.get_static_value (TF 1.14+)

__all__ += [
    "get_static_value",
    "squeeze",
    "expand_dims",
    "transpose",
    "tile",
    "pad",
    "unstack",
    "split",
    "shape",
    "size",
    "rank",
    "fill",
    "range",
    "placeholder_with_default",
]
