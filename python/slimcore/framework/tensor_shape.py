"""Static shapes (tf.TensorShape, tf.Dimension): a known rank, dimensions
that may be unknown (None), as shape inference sees them::

    TensorShape([None, 784]).is_compatible_with([100, 784])   # True
    str(TensorShape([None, 784]))                             # (?, 784)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # types.py imports this module
    from .types import ShapeLike

__all__ = ["Dimension", "TensorShape"]

# The largest dimension (and element count) the engine indexes: element
# offsets are int64 and every product of a shape's dimensions must fit.
MAX_DIMENSION = 2**62


def _checked_dim(d: int | Dimension | np.integer, shape: object) -> int:
    """int(d), refused when above MAX_DIMENSION (ValueError naming the shape)."""
    d = int(d)
    if d > MAX_DIMENSION:
        raise ValueError(f"dimension {d} in shape {shape!r} is larger than 2**62, the most elements slimcore can index")
    return d


class Dimension:
    """One dimension of a static shape; ``value`` is None when unknown."""

    __slots__ = ("value",)

    def __init__(self, value: int | None) -> None:
        self.value = None if value is None or value < 0 else _checked_dim(value, [value])

    def __int__(self) -> int:
        if self.value is None:
            raise ValueError("unknown dimension has no integer value")
        return self.value

    __index__ = __int__

    def __eq__(self, other: object) -> bool:
        other_value = other.value if isinstance(other, Dimension) else other
        return self.value == other_value

    def __hash__(self) -> int:
        return hash(self.value)

    def __repr__(self) -> str:
        return f"Dimension({self.value})"

    def __str__(self) -> str:
        return "?" if self.value is None else str(self.value)


class TensorShape:
    """A static shape whose dimensions may be unknown (None), as tf.TensorShape."""

    __slots__ = ("_dims",)

    def __init__(self, dims: Iterable[int | None] | None) -> None:
        if dims is None:
            raise ValueError("slimcore shapes always have a known rank")
        dims = list(dims)
        self._dims = [
            None if d is None or (isinstance(d, (int, np.integer)) and d < 0) else _checked_dim(d, dims)
            for d in (d.value if isinstance(d, Dimension) else d for d in dims)
        ]

    def as_list(self) -> list:
        return list(self._dims)

    @property
    def dims(self) -> list:
        return [Dimension(d) for d in self._dims]

    @property
    def ndims(self) -> int:
        return len(self._dims)

    rank = ndims

    def is_fully_defined(self) -> bool:
        return all(d is not None for d in self._dims)

    def num_elements(self) -> int | None:
        return math.prod(self._dims) if self.is_fully_defined() else None  # exact: np.prod wraps at 2**63

    def is_compatible_with(self, other: ShapeLike | None) -> bool:
        other = other if isinstance(other, TensorShape) else TensorShape(other)
        return len(self) == len(other) and all(
            a is None or b is None or a == b for a, b in zip(self._dims, other._dims)
        )

    def __len__(self) -> int:
        return len(self._dims)

    def __iter__(self) -> Iterator[Dimension]:
        return iter(self.dims)

    def __getitem__(self, key):
        if isinstance(key, slice):
            return TensorShape(self._dims[key])
        return Dimension(self._dims[key])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TensorShape):
            return self._dims == other._dims
        if isinstance(other, (list, tuple)):
            return self._dims == [None if d is None else int(d) for d in other]
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self._dims))

    def __repr__(self) -> str:
        return f"TensorShape({self._dims})"

    def __str__(self) -> str:
        inner = ", ".join("?" if d is None else str(d) for d in self._dims)
        return f"({inner}{',' if len(self._dims) == 1 else ''})"


def _core_shape(shape: ShapeLike | None) -> list[int]:
    """A shape argument (list with None / -1, TensorShape, int) as a list with -1."""
    if shape is None:
        raise ValueError("a shape is required")
    if isinstance(shape, TensorShape):
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
