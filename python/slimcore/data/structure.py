"""Element structures of tf.data: nests of components, flattened and packed.

An element is a component (one array) or a nest of them: tuples (named or
not) and dicts, nested freely. As in TF1's ``tf.data``, a Python list is a
value (one array), not a structure; dict components flatten in sorted key
order. Pipelines carry elements flat (a list of numpy arrays, one per
component) and pack them back only where a user function or ``get_next``
sees them.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework.ops import Tensor
from ..framework.tensor_shape import TensorShape

__all__ = ["Component", "flatten", "pack_as", "map_structure", "to_array", "component_of"]


@dataclasses.dataclass(frozen=True)
class Component:
    """The static type of one component: its dtype and (partial) shape (a leaf, not a nest)."""

    dtype: _dtypes.DType
    shape: TensorShape


def _is_nest(value: Any) -> bool:
    return isinstance(value, (tuple, dict))


def flatten(structure: Any) -> list:
    """The leaves of `structure` in order (dict values by sorted key)."""
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in flatten(structure[key])]
    if isinstance(structure, tuple):
        return [leaf for item in structure for leaf in flatten(item)]
    return [structure]


def pack_as(structure: Any, flat: list) -> Any:
    """`flat` (as many leaves as `structure` has) packed into `structure`'s nesting."""
    leaves = iter(flat)

    def pack(s: Any) -> Any:
        if isinstance(s, dict):
            packed = {key: pack(s[key]) for key in sorted(s)}
            return type(s)((key, packed[key]) for key in s)
        if isinstance(s, tuple):
            items = [pack(item) for item in s]
            return type(s)(*items) if hasattr(s, "_fields") else type(s)(items)
        return next(leaves)

    return pack(structure)


def map_structure(fn: Callable[[Any], Any], structure: Any) -> Any:
    """`structure` with `fn` applied to every leaf."""
    return pack_as(structure, [fn(leaf) for leaf in flatten(structure)])


def to_array(value: Any) -> np.ndarray:
    """A component value as numpy array, converted as TF1's convert_to_tensor:
    Python floats become float32, Python ints int32 (int64 when they do not
    fit), str becomes bytes; numpy arrays keep their dtype.

    Raises:
      TypeError: a value no slimcore dtype holds (objects, complex numbers).
    """
    array = np.asarray(value)
    if not isinstance(value, (np.ndarray, np.generic)):  # Python values: TF1's default dtypes
        if array.dtype == np.float64:
            array = array.astype(np.float32)
        elif array.dtype.kind == "i" and _fits_int32(array):
            array = array.astype(np.int32)
    if array.dtype.kind == "U":
        array = np.char.encode(array, "utf-8")
    try:
        _dtypes.as_dtype(array.dtype)
    except TypeError:
        raise TypeError(
            f"a tf.data component must be numbers, booleans or strings; got a value of numpy dtype {array.dtype}"
        ) from None
    return array


def _fits_int32(array: np.ndarray) -> bool:
    return not array.size or (array.min() >= -(2**31) and array.max() < 2**31)


def component_of(value: Any) -> Component:
    """The Component (dtype, shape) of an array or of a graph tensor."""
    if isinstance(value, Tensor):
        return Component(value.dtype, value.shape)
    return Component(_dtypes.as_dtype(value.dtype), TensorShape(value.shape))
