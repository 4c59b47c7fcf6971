"""What the graph knows of a tensor's value when it is built (TF's
``tensor_util.constant_value``), so that shape arguments given as tensors
still give static shapes.

Every op taking a shape-like argument (reshape's shape, fill's dims, tile's
multiples, pad's paddings, range's bounds...) asks here, and takes the static
form of the op when the value is known::

    x = tf.placeholder(tf.float32, [None, 3])
    tf.reshape(y, tf.shape(x))        # Shape of [None, 3]: value unknown, as a shape [-1, 3]
    tf.fill(tf.shape(z), 1.0)         # z of shape [2, 3]: the constant [2, 3]

Known: Const; Shape/Size/Rank of a tensor whose static shape tells them;
Pack (tf.stack) and ConcatV2 of known values; Unpack of a known value or of
the Shape of a known dimension; Range of known bounds; Identity, StopGradient, Cast,
ExpandDims, Squeeze and static Reshape of a known value. Anything else is
unknown (None), as is every fed tensor (placeholders, placeholder_with_default).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .ops import Tensor, _tensor_or_none

if TYPE_CHECKING:
    from .types import TensorLike

__all__ = ["constant_value", "constant_value_as_shape", "get_static_value"]

# The longest Range whose value is computed here (a shape argument is short;
# a long range is data, left to the kernel).
_MAX_RANGE = 1 << 16

# Ops whose output is their first input's value.
_PASS_THROUGH = frozenset({"Identity", "StopGradient"})


def _known_dims(tensor: Tensor) -> list | None:
    """The static shape as ints with -1 for unknown, or None for unknown rank."""
    shape = tensor.shape
    if shape.ndims is None:
        return None
    return [-1 if d is None else int(d) for d in shape.as_list()]


def constant_value(tensor: TensorLike) -> np.ndarray | None:
    """The value of `tensor` when the graph alone determines it, else None.

    TF1 equivalent: ``tf.contrib.util.constant_value`` / ``tf.get_static_value``.

    Args:
      tensor: a Tensor (a Variable gives None: its value changes); a non-tensor
        value is returned as a numpy array.

    Returns:
      A numpy array of the tensor's dtype, or None when the value is only
      known at run time.
    """
    t = _tensor_or_none(tensor)
    if t is None:
        return np.asarray(tensor)
    op = t.op
    kind = op.type
    inputs = op.inputs
    dtype = t.dtype.as_numpy_dtype
    if kind == "Const":
        return np.asarray(op.get_attr("value"))
    if kind in ("Shape", "Size", "Rank"):
        dims = _known_dims(inputs[0])
        if kind == "Rank":
            return None if dims is None else np.asarray(len(dims), dtype)
        if dims is None or any(d < 0 for d in dims):
            return None
        return np.asarray(dims if kind == "Shape" else int(np.prod(dims, dtype=np.int64)), dtype)
    if kind in _PASS_THROUGH:
        return constant_value(inputs[0])
    values = [constant_value(x) for x in inputs] if kind in ("Pack", "ConcatV2", "Cast") else []
    if any(v is None for v in values):
        return None
    if kind == "Pack":
        return np.stack(values, axis=op.get_attr("axis")).astype(dtype)
    if kind == "ConcatV2":
        return np.concatenate(values, axis=op.get_attr("axis")).astype(dtype)
    if kind == "Cast":
        return values[0].astype(dtype)
    if kind == "Range":
        bounds = [constant_value(x) for x in inputs]
        size = _known_dims(t)[0]
        if any(v is None for v in bounds) or not 0 <= size <= _MAX_RANGE:
            return None
        start, limit, delta = (np.asarray(v, dtype).reshape(()) for v in bounds)
        out, value = [], start
        while (delta > 0 and value < limit) or (delta < 0 and value > limit):  # accumulated, as TF's kernel
            out.append(value)
            value = dtype(value + delta)
        return np.asarray(out, dtype)
    if kind == "Unpack":  # tf.unstack(tf.shape(x))[k]: x.shape[k] when known
        source = inputs[0]
        value = constant_value(source)
        if value is not None:
            return np.take(value, t.value_index, axis=op.get_attr("axis")).astype(dtype)
        if source.op.type == "Shape" and op.get_attr("axis") in (0, -1):
            dims = _known_dims(source.op.inputs[0])
            if dims is not None and dims[t.value_index] >= 0:
                return np.asarray(dims[t.value_index], dtype)
        return None
    if kind in ("ExpandDims", "Squeeze", "Reshape") and len(inputs) == 1:
        value = constant_value(inputs[0])
        dims = _known_dims(t)
        if value is None or dims is None or any(d < 0 for d in dims):
            return None
        return value.reshape(dims)
    return None


get_static_value = constant_value  # TF 1.14+'s public name


def constant_value_as_shape(tensor: TensorLike) -> list | None:
    """What is known of a 1-D shape tensor: its entries as ints, -1 where
    unknown (TF's ``constant_value_as_shape``, with -1 for None).

    ``tf.stack([tf.shape(x)[0], 10])`` gives ``[-1, 10]``; ``tf.shape(x)`` of
    a [None, 3] tensor gives ``[-1, 3]``.

    Args:
      tensor: a 1-D int tensor (or a list of ints).

    Returns:
      A list with one entry per element of the tensor, or None when not even
      its length is known.
    """
    value = constant_value(tensor)
    if value is not None:
        return [int(v) for v in np.asarray(value).reshape(-1)]
    t = _tensor_or_none(tensor)
    op = t.op
    if op.type == "Shape":
        return _known_dims(op.inputs[0])
    if op.type == "Pack" and op.get_attr("axis") == 0:
        entries = [constant_value(x) for x in op.inputs]
        return [-1 if v is None or np.ndim(v) != 0 else int(v) for v in entries]
    if op.type == "ConcatV2" and op.get_attr("axis") in (0, -1):
        parts = [constant_value_as_shape(x) for x in op.inputs]
        return None if any(p is None for p in parts) else [d for p in parts for d in p]
    if op.type in _PASS_THROUGH:
        return constant_value_as_shape(op.inputs[0])
    dims = _known_dims(t)
    if dims is not None and len(dims) == 1 and dims[0] >= 0:
        return [-1] * dims[0]
    return None
