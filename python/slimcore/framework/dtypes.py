"""Element types, named as TensorFlow names them (``slimcore.float32`` ...)."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

import numpy as np

from .. import _core

if TYPE_CHECKING:  # types.py imports this module
    from .types import DTypeLike


class DType:
    """A tensor element type (tf.DType).

    Attributes:
      name: TensorFlow's name ("float32").
      as_numpy_dtype: the numpy scalar type.
    """

    __slots__ = ("name", "as_numpy_dtype", "_core")

    def __init__(self, name: str, core: _core.DType, numpy_type: type) -> None:
        self.name = name
        self.as_numpy_dtype = numpy_type
        self._core = core

    @property
    def is_floating(self) -> bool:
        return self.name in ("float32", "float64")

    @property
    def is_integer(self) -> bool:
        return self.name in ("int32", "int64")

    @property
    def is_bool(self) -> bool:
        return self.name == "bool"

    @property
    def base_dtype(self) -> DType:
        return self

    def __repr__(self) -> str:
        return f"tf.{self.name}"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DType):
            return self.name == other.name
        try:
            return self.name == as_dtype(other).name
        except TypeError:
            return False

    def __hash__(self) -> int:
        return hash(self.name)


float32 = DType("float32", _core.DType.float32, np.float32)
float64 = DType("float64", _core.DType.float64, np.float64)
int32 = DType("int32", _core.DType.int32, np.int32)
int64 = DType("int64", _core.DType.int64, np.int64)
bool_ = DType("bool", _core.DType.bool, np.bool_)
float = float32  # noqa: A001  (tf.float is tf.float32)
double = float64

_ALL = (float32, float64, int32, int64, bool_)
_BY_NAME = {d.name: d for d in _ALL}
_BY_NAME.update({"float": float32, "double": float64})
_BY_CORE = {d._core: d for d in _ALL}


def as_dtype(value: DTypeLike) -> DType:
    """Converts a DType, a name ("float32"), a numpy dtype or a Python type.

    Raises:
      TypeError: for a type slimcore does not support (complex, strings...).
    """
    if isinstance(value, DType):
        return value
    if isinstance(value, _core.DType):
        return _BY_CORE[value]
    if isinstance(value, str) and value in _BY_NAME:
        return _BY_NAME[value]
    if value is bool:
        return bool_
    if value is int:
        return int32
    if value is builtins.float:
        return float32
    try:
        np_dtype = np.dtype(value)
    except TypeError:
        np_dtype = None
    if np_dtype is not None and np_dtype.name in _BY_NAME:
        return _BY_NAME[np_dtype.name]
    raise TypeError(
        f"Cannot convert {value!r} to a slimcore dtype: expected one of float32, float64, int32, int64, bool"
    )
