"""Element types, named as TensorFlow names them (``slimcore.float32`` ...).

The compute dtypes (float32, float64, int32, int64, bool) are what kernels
take. The storage dtypes (int8, int16, uint8, uint16, float16 alias half, and
string) can be placeholders, constants, feeds and fetches, be reshaped and
tf.cast (string only to string); any other op given one raises TypeError at
graph construction, naming the op and the dtype (cast first). A string
tensor holds bytes: fetched as a numpy object array of bytes (a scalar as
bytes), as TF1; a str fed or held as a constant is stored UTF-8 encoded.
"""

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
        """float16, float32 or float64 (tf.DType.is_floating)."""
        return self.name in ("float16", "float32", "float64")

    @property
    def is_integer(self) -> bool:
        """A signed or unsigned integer dtype (tf.DType.is_integer)."""
        return self.name in ("int8", "int16", "int32", "int64", "uint8", "uint16")

    @property
    def is_unsigned(self) -> bool:
        """uint8 or uint16 (tf.DType.is_unsigned)."""
        return self.name in ("uint8", "uint16")

    @property
    def is_bool(self) -> bool:
        return self.name == "bool"

    @property
    def is_complex(self) -> bool:
        return False

    @property
    def is_quantized(self) -> bool:
        return False

    @property
    def is_numpy_compatible(self) -> bool:
        return True

    @property
    def is_compute(self) -> bool:
        """slimcore: whether kernels compute in this dtype (float32, float64,
        int32, int64, bool); the others are storage-only (see the module doc)."""
        return self.name in _COMPUTE

    @property
    def size(self) -> int:
        """Bytes per element (tf.DType.size); 8 for string, as TF1 reports."""
        return 8 if self.name == "string" else np.dtype(self.as_numpy_dtype).itemsize

    @property
    def min(self):
        """The smallest value of a numeric dtype (tf.DType.min).

        Raises:
          TypeError: bool or string, as TF1.
        """
        return self._limits()[0]

    @property
    def max(self):
        """The largest value of a numeric dtype (tf.DType.max).

        Raises:
          TypeError: bool or string, as TF1.
        """
        return self._limits()[1]

    def _limits(self) -> tuple:
        if self.is_integer:
            info = np.iinfo(self.as_numpy_dtype)
            return int(info.min), int(info.max)
        if self.is_floating:
            info = np.finfo(self.as_numpy_dtype)
            return info.min, info.max
        raise TypeError(f"Cannot find minimum/maximum value of {self.name}")

    def is_compatible_with(self, other: DTypeLike) -> bool:
        """tf.DType.is_compatible_with: the same dtype (slimcore has no reference dtypes)."""
        return self == as_dtype(other)

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
int8 = DType("int8", _core.DType.int8, np.int8)
int16 = DType("int16", _core.DType.int16, np.int16)
uint8 = DType("uint8", _core.DType.uint8, np.uint8)
uint16 = DType("uint16", _core.DType.uint16, np.uint16)
float16 = DType("float16", _core.DType.float16, np.float16)
string = DType("string", _core.DType.string, np.object_)
float = float32  # noqa: A001  (tf.float is tf.float32)
double = float64
half = float16

_COMPUTE = ("float32", "float64", "int32", "int64", "bool")
_ALL = (float32, float64, int32, int64, bool_, int8, int16, uint8, uint16, float16, string)
_BY_NAME = {d.name: d for d in _ALL}
_BY_NAME.update({"float": float32, "double": float64, "half": float16})
_BY_CORE = {d._core: d for d in _ALL}


def as_dtype(value: DTypeLike) -> DType:
    """Converts a DType, a name ("float32"), a numpy dtype or a Python type.

    numpy's object, bytes and str types (and Python's bytes and str) are
    tf.string, as TF1.

    Raises:
      TypeError: for a type slimcore does not support (complex, bfloat16, uint32...).
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
    if value is bytes or value is str:
        return string
    try:
        np_dtype = np.dtype(value)
    except TypeError:
        np_dtype = None
    if np_dtype is not None and np_dtype.name in _BY_NAME:
        return _BY_NAME[np_dtype.name]
    if np_dtype is not None and np_dtype.kind in "OSU":
        return string
    names = ", ".join(d.name for d in _ALL)
    raise TypeError(f"Cannot convert {value!r} to a slimcore dtype: expected one of {names}")
