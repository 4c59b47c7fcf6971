"""Nested structures of tensors (TF1's tf.contrib.framework.nest, the part loops need).

A structure is a leaf or a list, tuple, namedtuple or dict of structures;
``flatten`` lists the leaves depth first (dicts by sorted key) and
``pack_sequence_as`` rebuilds a structure from such a list:

    >>> flatten([1, (2, 3), {"b": 5, "a": 4}])
    [1, 2, 3, 4, 5]
    >>> pack_sequence_as([0, (0, 0)], [7, 8, 9])
    [7, (8, 9)]
"""

from __future__ import annotations

from typing import Any, Callable

__all__ = ["assert_same_structure", "flatten", "is_nested", "is_sequence", "map_structure", "pack_sequence_as"]


def is_sequence(x: Any) -> bool:
    """True for a list, tuple (namedtuples included) or dict: a structure, not a leaf."""
    return isinstance(x, (list, tuple, dict))


is_nested = is_sequence  # tf.nest's name (TF 1.15)


def _children(x: Any) -> list:
    return [x[k] for k in sorted(x)] if isinstance(x, dict) else list(x)


def flatten(structure: Any) -> list:
    """The leaves of `structure`, depth first (a leaf alone gives [leaf])."""
    if not is_sequence(structure):
        return [structure]
    return [leaf for child in _children(structure) for leaf in flatten(child)]


def _rebuild(like: Any, children: list) -> Any:
    if isinstance(like, dict):
        return type(like)(zip(sorted(like), children))
    if isinstance(like, tuple) and hasattr(like, "_fields"):  # namedtuple
        return type(like)(*children)
    return type(like)(children)


def pack_sequence_as(structure: Any, flat_sequence: list) -> Any:
    """`flat_sequence` put into the shape of `structure`.

    Raises:
      ValueError: the number of leaves differs.
    """
    flat_sequence = list(flat_sequence)
    if len(flat_sequence) != len(flatten(structure)):
        raise ValueError(
            f"Structure had {len(flatten(structure))} elements, but flat_sequence had {len(flat_sequence)} elements."
        )
    it = iter(flat_sequence)

    def build(like: Any) -> Any:
        if not is_sequence(like):
            return next(it)
        return _rebuild(like, [build(child) for child in _children(like)])

    return build(structure)


def assert_same_structure(nest1: Any, nest2: Any, check_types: bool = True) -> None:
    """Raises ValueError (TypeError for differing sequence types) unless both nest alike."""
    if is_sequence(nest1) != is_sequence(nest2):
        raise ValueError(f"The two structures don't have the same nested structure: {nest1!r} and {nest2!r}")
    if not is_sequence(nest1):
        return
    if check_types and type(nest1) is not type(nest2):
        raise TypeError(
            f"The two structures don't have the same sequence type: {type(nest1).__name__} and {type(nest2).__name__}"
        )
    a, b = _children(nest1), _children(nest2)
    if len(a) != len(b) or (isinstance(nest1, dict) and sorted(nest1) != sorted(nest2)):
        raise ValueError(f"The two structures don't have the same number of elements: {nest1!r} and {nest2!r}")
    for x, y in zip(a, b):
        assert_same_structure(x, y, check_types)


def map_structure(func: Callable, *structures: Any) -> Any:
    """func applied leaf by leaf across `structures` (which must nest alike), in the first's structure."""
    for s in structures[1:]:
        assert_same_structure(structures[0], s, check_types=False)
    leaves = [func(*xs) for xs in zip(*(flatten(s) for s in structures))]
    return pack_sequence_as(structures[0], leaves)
