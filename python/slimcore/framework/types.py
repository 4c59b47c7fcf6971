"""Type aliases for the values slimcore's API accepts where TF1 accepts several kinds.

They are for annotations only (nothing checks them at run time); the
functions that take them convert as TF1 does:

==================  ==========================================================  ====================
alias               what it may be                                              converted by
==================  ==========================================================  ====================
``TensorLike``      a Tensor, a Variable (its read value), a numpy array or     ``convert_to_tensor``
                    scalar, a Python number or bool, a (nested) list of those
``ShapeLike``       a TensorShape, a list/tuple of ints and None (-1 also       ``TensorShape`` /
                    reads as unknown), or a single int for a vector             ``_core_shape``
``DTypeLike``       a DType, a name ("float32"), a numpy dtype or scalar type,  ``dtypes.as_dtype``
                    or the Python types float, int, bool
``RegularizerFn``   weights -> scalar penalty tensor, or None when it adds      ``variable_scope``,
                    nothing (tf.contrib.layers.l2_regularizer(0.0))             the layers
``InitializerFn``   ``init(shape, dtype=None, partition_info=None)`` ->         ``get_variable``
                    initial value (a Tensor)
``ActivationFn``    a tensor -> a tensor (tf.nn.relu)                            the layers
``ConstraintFn``    a variable's value -> its projected value (Keras' max_norm)   the layers
==================  ==========================================================  ====================

Variables are matched structurally (``SupportsTensor``: anything with the
``_as_tensor()`` that convert_to_tensor reads), so framework/ needs no import
of the Variable class above it (tests/test_imports.py checks that layering).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Callable, Optional, Protocol, Union

import numpy as np

from .. import _core
from .dtypes import DType
from .ops import Operation, Tensor
from .tensor_shape import TensorShape

__all__ = [
    "SupportsTensor",
    "SupportsGraphElement",
    "GraphElementLike",
    "TensorLike",
    "ShapeLike",
    "DTypeLike",
    "RegularizerFn",
    "InitializerFn",
    "ActivationFn",
    "ConstraintFn",
]


class SupportsTensor(Protocol):
    """A value convert_to_tensor reads through ``_as_tensor()`` (a Variable)."""

    def _as_tensor(self) -> Tensor: ...


class SupportsGraphElement(Protocol):
    """A value that stands for a graph element through ``_as_graph_element()`` (a Variable: its value tensor)."""

    def _as_graph_element(self) -> Tensor | Operation: ...


# What control_dependencies and the graph's element lookups accept.
GraphElementLike = Union[Tensor, Operation, SupportsGraphElement]

# A (nested) list's elements may be anything convertible; the nesting is not spelled out.
TensorLike = Union[Tensor, SupportsTensor, np.ndarray, np.generic, float, int, bool, Sequence[Any]]

ShapeLike = Union[TensorShape, Sequence[Optional[int]], int]

DTypeLike = Union[DType, str, type, np.dtype, _core.DType]

RegularizerFn = Callable[[Tensor], Optional[Tensor]]

InitializerFn = Callable[..., Tensor]

ActivationFn = Callable[[Tensor], Tensor]

# A projection applied to a variable after each update (Keras' kernel_constraint).
ConstraintFn = Callable[[Tensor], Tensor]
