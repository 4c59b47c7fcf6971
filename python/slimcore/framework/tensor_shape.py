"""Static shapes (tf.TensorShape, tf.Dimension) as TF1 shape inference sees
them: a rank that may be unknown (``TensorShape(None)``), dimensions that may
be unknown (None)::

    TensorShape([None, 784]).is_compatible_with([100, 784])   # True
    TensorShape([None, 784]).merge_with([100, None])          # (100, 784)
    str(TensorShape([None, 784]))                             # (?, 784)
    x.shape[1] * 2 > 100                                      # Dimension arithmetic, as TF1

TF1's three-valued logic is kept: comparing an unknown Dimension gives None,
``TensorShape([None]) == TensorShape([None])`` is False (an unknown dimension
is not known to equal anything) and ``!=`` between shapes of unknown rank
raises ValueError.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import _core

if TYPE_CHECKING:  # types.py imports this module
    from .types import ShapeLike

__all__ = [
    "Dimension",
    "TensorShape",
    "as_dimension",
    "as_shape",
    "dimension_at_index",
    "dimension_value",
    "unknown_shape",
]

# The largest dimension (and element count) the engine indexes: element
# offsets are int64 and every product of a shape's dimensions must fit.
MAX_DIMENSION = 2**62


def _checked_dim(d: int | Dimension | np.integer, shape: object) -> int:
    """int(d), refused when above MAX_DIMENSION (ValueError naming the shape)."""
    d = int(d)
    if d > MAX_DIMENSION:
        raise ValueError(f"dimension {d} in shape {shape!r} is larger than 2**62, the most elements slimcore can index")
    return d


def _dim_value(value: Any) -> int | None:
    """The value of tf.Dimension(value): None, or an int >= 0 (TF1's rules).

    Raises:
      TypeError: a value int() cannot take (a string of letters is ValueError, as int()).
      ValueError: a negative or non-integral value ("Ambiguous dimension: 1.5"),
        or one above 2**62.
    """
    if value is None:
        return None
    if isinstance(value, Dimension):
        return value.value
    result = int(value)
    if not isinstance(value, (str, bytes)) and result != value:
        raise ValueError(f"Ambiguous dimension: {value}")
    if result < 0:
        raise ValueError(f"Dimension {result} must be >= 0")
    return _checked_dim(result, [value])


class Dimension:
    """One dimension of a static shape (tf.Dimension); ``value`` is None when unknown.

    As TF1: comparisons (``< <= > >= == !=``) give None when either side is
    unknown; ``+ - * // %`` (with ints or Dimensions, either side) give
    Dimension(None) when either side is unknown; ``/`` is a TypeError (use
    ``//``); ``int()`` of an unknown dimension is a TypeError.

    Raises:
      ValueError: a negative or non-integral value, or one above 2**62.
    """

    __slots__ = ("_value",)

    def __init__(self, value: Any) -> None:
        self._value = _dim_value(value)

    @property
    def value(self) -> int | None:
        """The dimension as an int, or None when unknown."""
        return self._value

    def __int__(self) -> int:
        if self._value is None:
            raise TypeError("int() of an unknown Dimension: its value is None (test `dim.value is None` first)")
        return self._value

    __index__ = __int__

    def __reduce__(self):
        return Dimension, (self._value,)

    # ---- compatibility ----------------------------------------------------------
    def is_compatible_with(self, other: Any) -> bool:
        """True when `other` (a Dimension, int or None) may be the same dimension:
        either is unknown or both are equal."""
        other = as_dimension(other)
        return self._value is None or other.value is None or self._value == other.value

    def assert_is_compatible_with(self, other: Any) -> None:
        """Raises ValueError unless is_compatible_with(other)."""
        if not self.is_compatible_with(other):
            raise ValueError(f"Dimensions {self} and {as_dimension(other)} are not compatible")

    def merge_with(self, other: Any) -> Dimension:
        """The known one of `self` and `other` (Dimension(None) if neither is known).

        Raises:
          ValueError: both are known and differ.
        """
        other = as_dimension(other)
        self.assert_is_compatible_with(other)
        return Dimension(other.value if self._value is None else self._value)

    # ---- comparisons: None when either side is unknown -----------------------------
    def _compare(self, other: Any, compare) -> bool | None:
        other = as_dimension(other)
        if self._value is None or other.value is None:
            return None
        return compare(self._value, other.value)

    def __eq__(self, other: object) -> bool | None:  # type: ignore[override]
        try:
            other = as_dimension(other)
        except (TypeError, ValueError):
            return NotImplemented
        return self._compare(other, lambda a, b: a == b)

    def __ne__(self, other: object) -> bool | None:  # type: ignore[override]
        try:
            other = as_dimension(other)
        except (TypeError, ValueError):
            return NotImplemented
        return self._compare(other, lambda a, b: a != b)

    def __lt__(self, other: Any) -> bool | None:
        return self._compare(other, lambda a, b: a < b)

    def __le__(self, other: Any) -> bool | None:
        return self._compare(other, lambda a, b: a <= b)

    def __gt__(self, other: Any) -> bool | None:
        return self._compare(other, lambda a, b: a > b)

    def __ge__(self, other: Any) -> bool | None:
        return self._compare(other, lambda a, b: a >= b)

    def __hash__(self) -> int:
        return hash(self._value)

    # ---- arithmetic: Dimension(None) when either side is unknown ---------------------
    def _arith(self, other: Any, op, reflected: bool = False) -> Dimension:
        try:
            other = as_dimension(other)
        except (TypeError, ValueError):
            return NotImplemented
        if self._value is None or other.value is None:
            return Dimension(None)
        return Dimension(op(other.value, self._value) if reflected else op(self._value, other.value))

    def __add__(self, other: Any) -> Dimension:
        return self._arith(other, lambda a, b: a + b)

    def __radd__(self, other: Any) -> Dimension:
        return self._arith(other, lambda a, b: a + b, reflected=True)

    def __sub__(self, other: Any) -> Dimension:
        return self._arith(other, lambda a, b: a - b)

    def __rsub__(self, other: Any) -> Dimension:
        return self._arith(other, lambda a, b: a - b, reflected=True)

    def __mul__(self, other: Any) -> Dimension:
        return self._arith(other, lambda a, b: a * b)

    def __rmul__(self, other: Any) -> Dimension:
        return self._arith(other, lambda a, b: a * b, reflected=True)

    def __floordiv__(self, other: Any) -> Dimension:
        return self._arith(other, lambda a, b: a // b)

    def __rfloordiv__(self, other: Any) -> Dimension:
        return self._arith(other, lambda a, b: a // b, reflected=True)

    def __mod__(self, other: Any) -> Dimension:
        return self._arith(other, lambda a, b: a % b)

    def __rmod__(self, other: Any) -> Dimension:
        return self._arith(other, lambda a, b: a % b, reflected=True)

    def __truediv__(self, other: Any):
        raise TypeError(
            f"unsupported operand type(s) for /: 'Dimension' and '{type(other).__name__}', please use // instead"
        )

    def __rtruediv__(self, other: Any):
        raise TypeError(
            f"unsupported operand type(s) for /: '{type(other).__name__}' and 'Dimension', please use // instead"
        )

    def __repr__(self) -> str:
        return f"Dimension({self._value})"

    def __str__(self) -> str:
        return "?" if self._value is None else str(self._value)


def as_dimension(value: Any) -> Dimension:
    """tf.compat.v1.Dimension conversion: a Dimension unchanged, None or an int as a Dimension.

    Raises:
      TypeError / ValueError: as Dimension(value).
    """
    return value if isinstance(value, Dimension) else Dimension(value)


class TensorShape:
    """A static shape (tf.TensorShape): unknown rank (``TensorShape(None)``),
    or a list of dimensions that may be unknown (None).

    ``TensorShape([None, 784])``, ``TensorShape(None)``; an int is a 1-D shape
    (TF1's deprecated form). Indexing gives a Dimension, slicing a TensorShape,
    iteration Dimensions; ``len`` and ``as_list`` need a known rank (ValueError).

    Raises:
      TypeError: `dims` is a string.
      ValueError: a negative, non-integral or too large dimension.
    """

    __slots__ = ("_dims",)

    def __init__(self, dims: Any) -> None:
        if dims is None:
            self._dims = None
        elif isinstance(dims, (str, bytes)):
            raise TypeError(f"A string has ambiguous TensorShape, please wrap in a list or convert to an int: {dims}")
        elif isinstance(dims, TensorShape):
            self._dims = None if dims._dims is None else list(dims._dims)
        else:
            try:
                items = list(iter(dims))
            except TypeError:
                items = [dims]  # a single dimension (TF1's deprecated form)
            self._dims = [_dim_value(d) for d in items]

    @classmethod
    def _from_core(cls, dims: Iterable[int] | None) -> TensorShape:
        """The shape the C++ graph stores (-1 for an unknown dimension, None for unknown rank)."""
        return cls(None if dims is None else [None if d < 0 else d for d in dims])

    # ---- rank and dimensions -------------------------------------------------------
    @property
    def dims(self) -> list[Dimension] | None:
        """The dimensions as Dimensions, or None when the rank is unknown."""
        return None if self._dims is None else [Dimension(d) for d in self._dims]

    @property
    def ndims(self) -> int | None:
        """The rank, or None when unknown."""
        return None if self._dims is None else len(self._dims)

    rank = ndims

    def __len__(self) -> int:
        if self._dims is None:
            raise ValueError("Cannot take the length of Shape with unknown rank.")
        return len(self._dims)

    def __bool__(self) -> bool:
        # TF1: True when the rank is known (even for the scalar shape []).
        return self._dims is not None

    def __iter__(self) -> Iterator[Dimension]:
        if self._dims is None:
            raise ValueError("Cannot iterate over a shape with unknown rank.")
        return iter(self.dims)

    def __getitem__(self, key: int | slice) -> Dimension | TensorShape:
        """A Dimension for an int key, a TensorShape for a slice.

        Of an unknown-rank shape: Dimension(None), or as TF1 an unknown shape
        (of rank stop - start when both are known and >= 0).

        Raises:
          IndexError: an int key out of range.
          ValueError: a slice with a step of an unknown-rank shape.
        """
        if self._dims is not None:
            if isinstance(key, slice):
                return TensorShape(self._dims[key])
            return Dimension(self._dims[key])
        if not isinstance(key, slice):
            return Dimension(None)
        start = 0 if key.start is None else key.start
        if key.step is not None:
            raise ValueError("Steps are not yet handled")
        if key.stop is None or start < 0 or key.stop < 0:
            return unknown_shape()
        return unknown_shape(ndims=key.stop - start)

    def as_list(self) -> list:
        """The dimensions as ints and None.

        Raises:
          ValueError: the rank is unknown.
        """
        if self._dims is None:
            raise ValueError("as_list() is not defined on an unknown TensorShape.")
        return list(self._dims)

    def is_fully_defined(self) -> bool:
        """True when the rank and every dimension are known."""
        return self._dims is not None and all(d is not None for d in self._dims)

    def assert_is_fully_defined(self) -> None:
        """Raises ValueError unless is_fully_defined()."""
        if not self.is_fully_defined():
            raise ValueError(f"Shape {self} is not fully defined")

    def num_elements(self) -> int | None:
        """The product of the dimensions (exact), or None when not fully defined."""
        return math.prod(self._dims) if self.is_fully_defined() else None  # exact: np.prod wraps at 2**63

    # ---- compatibility and merging -------------------------------------------------------
    def is_compatible_with(self, other: ShapeLike | None) -> bool:
        """True when some fully defined shape fits both: either rank is unknown,
        or equal ranks and every pair of dimensions compatible."""
        other = as_shape(other)
        if self._dims is None or other._dims is None:
            return True
        return len(self._dims) == len(other._dims) and all(
            a is None or b is None or a == b for a, b in zip(self._dims, other._dims)
        )

    def assert_is_compatible_with(self, other: ShapeLike | None) -> None:
        """Raises ValueError unless is_compatible_with(other)."""
        if not self.is_compatible_with(other):
            raise ValueError(f"Shapes {self} and {as_shape(other)} are incompatible")

    def merge_with(self, other: ShapeLike | None) -> TensorShape:
        """The shape with what `self` and `other` know: dimension-wise merge_with;
        `other` when `self` has unknown rank.

        Raises:
          ValueError: ranks or known dimensions differ ("Shapes (2, 3) and (2, 4) are not compatible").
        """
        other = as_shape(other)
        if self._dims is None:
            return TensorShape(other)
        if other._dims is None:
            return TensorShape(self)
        if not self.is_compatible_with(other):
            raise ValueError(f"Shapes {self} and {other} are not compatible")
        return TensorShape([b if a is None else a for a, b in zip(self._dims, other._dims)])

    def most_specific_compatible_shape(self, other: ShapeLike | None) -> TensorShape:
        """The most specific shape compatible with both: the dimensions both know
        equally, None elsewhere; unknown rank when the ranks differ or one is unknown."""
        other = as_shape(other)
        if self._dims is None or other._dims is None or len(self._dims) != len(other._dims):
            return unknown_shape()
        return TensorShape([a if a is not None and a == b else None for a, b in zip(self._dims, other._dims)])

    def concatenate(self, other: ShapeLike | None) -> TensorShape:
        """The dimensions of `self` then of `other`; unknown rank if either's rank is unknown."""
        other = as_shape(other)
        if self._dims is None or other._dims is None:
            return unknown_shape()
        return TensorShape(self._dims + other._dims)

    def __add__(self, other: ShapeLike | None) -> TensorShape:
        return self.concatenate(other)

    def __radd__(self, other: ShapeLike | None) -> TensorShape:
        return as_shape(other).concatenate(self)

    # ---- rank checks -------------------------------------------------------------------
    def assert_same_rank(self, other: ShapeLike | None) -> None:
        """Raises ValueError when both ranks are known and differ."""
        other = as_shape(other)
        if self.ndims is not None and other.ndims is not None and self.ndims != other.ndims:
            raise ValueError(f"Shapes {self} and {other} must have the same rank")

    def assert_has_rank(self, rank: int) -> None:
        """Raises ValueError when the rank is known and is not `rank`."""
        if self.ndims not in (None, rank):
            raise ValueError(f"Shape {self} must have rank {rank}")

    def with_rank(self, rank: int) -> TensorShape:
        """This shape with rank `rank` (an unknown-rank shape becomes `rank` unknown dimensions).

        Raises:
          ValueError: the rank is known and is not `rank`.
        """
        self.assert_has_rank(rank)
        return unknown_shape(ndims=rank) if self._dims is None else TensorShape(self)

    def with_rank_at_least(self, rank: int) -> TensorShape:
        """This shape, checked to have rank >= `rank` (when known).

        Raises:
          ValueError: the rank is known and below `rank`.
        """
        if self.ndims is not None and self.ndims < rank:
            raise ValueError(f"Shape {self} must have rank at least {rank}")
        return self

    def with_rank_at_most(self, rank: int) -> TensorShape:
        """This shape, checked to have rank <= `rank` (when known).

        Raises:
          ValueError: the rank is known and above `rank`.
        """
        if self.ndims is not None and self.ndims > rank:
            raise ValueError(f"Shape {self} must have rank at most {rank}")
        return self

    # ---- equality, as TF1 ------------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        """TF1: both of unknown rank, or equal ranks and every dimension known
        and equal (an unknown dimension equals nothing, so
        ``TensorShape([None]) == TensorShape([None])`` is False)."""
        try:
            other = as_shape(other)
        except (TypeError, ValueError):
            return NotImplemented
        if self._dims is None or other._dims is None:
            return self._dims is None and other._dims is None
        return len(self._dims) == len(other._dims) and all(
            a is not None and a == b for a, b in zip(self._dims, other._dims)
        )

    def __ne__(self, other: object) -> bool | None:
        """TF1: True when the ranks differ; else the first pair of dimensions
        not known to be equal decides (None when either is unknown, True when
        they differ); False when all are known and equal.

        Raises:
          ValueError: either rank is unknown.
        """
        try:
            other = as_shape(other)
        except (TypeError, ValueError):
            return NotImplemented
        if self._dims is None or other._dims is None:
            raise ValueError("The inequality of unknown TensorShapes is undefined.")
        if len(self._dims) != len(other._dims):
            return True
        for a, b in zip(self._dims, other._dims):
            if a is None or b is None:
                return None
            if a != b:
                return True
        return False

    def __hash__(self) -> int:
        return hash(None if self._dims is None else tuple(self._dims))

    def __reduce__(self):
        return TensorShape, (self._dims,)

    def __repr__(self) -> str:
        return f"TensorShape({self.dims})"

    def __str__(self) -> str:
        if self._dims is None:
            return "<unknown>"
        inner = ", ".join("?" if d is None else str(d) for d in self._dims)
        return f"({inner}{',' if len(self._dims) == 1 else ''})"


def as_shape(shape: Any) -> TensorShape:
    """tf.compat.v1 as_shape: a TensorShape unchanged, anything else through TensorShape(shape)."""
    return shape if isinstance(shape, TensorShape) else TensorShape(shape)


def unknown_shape(ndims: int | None = None, rank: int | None = None) -> TensorShape:
    """tf.TensorShape(None), or `ndims` (alias `rank`) unknown dimensions.

    Raises:
      ValueError: both `ndims` and `rank` given.
    """
    if rank is not None:
        if ndims is not None:
            raise ValueError("unknown_shape: pass ndims or rank, not both")
        ndims = rank
    return TensorShape(None) if ndims is None else TensorShape([None] * ndims)


def dimension_value(dimension: Dimension | int | None) -> int | None:
    """tf.compat.v1.dimension_value: the int (or None) of a Dimension; an int or None unchanged.

    Code written for both TF1 and TF2 reads ``dimension_value(x.shape[1])``.
    """
    return dimension.value if isinstance(dimension, Dimension) else dimension


def dimension_at_index(shape: ShapeLike | None, index: int) -> Dimension:
    """tf.compat.v1.dimension_at_index: ``as_shape(shape)[index]`` as a Dimension;
    Dimension(None) when the rank is unknown.

    Raises:
      IndexError: `index` out of range of a known rank.
    """
    shape = as_shape(shape)
    return Dimension(None) if shape.ndims is None else shape[index]


def _core_shape_or_unknown_rank(shape: ShapeLike | None) -> list[int]:
    """As _core_shape, with None or TensorShape(None) as the C++ shape of unknown rank."""
    if shape is None or (isinstance(shape, TensorShape) and shape.ndims is None):
        return [_core.UNKNOWN_RANK]
    return _core_shape(shape)


def _core_shape(shape: ShapeLike | None) -> list[int]:
    """A shape argument (list with None / -1, TensorShape, int) as a list with -1."""
    if shape is None:
        raise ValueError("a shape is required")
    if isinstance(shape, TensorShape):
        if shape.ndims is None:
            raise ValueError("a shape of unknown rank (TensorShape(None)) is not supported here: give the rank")
        return [-1 if d is None else d for d in shape.as_list()]
    if isinstance(shape, (int, np.integer)):
        return [_checked_dim(shape, shape)]
    out = []
    for d in shape:
        if isinstance(d, Dimension):
            d = d.value
        if d is None:
            out.append(-1)
        elif isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d >= -1:
            out.append(_checked_dim(d, shape))
        else:
            raise ValueError(f"invalid dimension {d!r} in shape {shape!r}: expected an int >= 0 or None")
    return out
