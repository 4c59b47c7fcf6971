"""User functions of Dataset.map and Dataset.filter: traced as graph ops, or numpy.

TF1 calls a map function once, when ``map`` is called, with symbolic
tensors, and runs the graph it builds for every element. slimcore does the
same, in a private graph and session of the dataset: ``lambda x, y:
(tf.cast(x, tf.float32) / 255.0, y)`` runs slimcore's ops per element.

A function that does not build a graph (it raises on the symbolic tensors,
or returns no tensor: ``lambda x: np.clip(x, 0, 1)``) is a *numpy function*:
it is called per element with numpy arrays, and its output dtypes and shapes
are those of its result on the first element of the input, which ``map``
computes by running the input pipeline for one element (an element with
another dtype or shape is an InvalidArgumentError that names both; wrap code
that returns varying shapes in ``tf.py_func`` and ``set_shape``). A numpy
function needs a dataset that can be iterated when ``map`` is called, so not
one over placeholders of an initializable iterator (use ``tf.py_func`` inside
the function there).

As in TF1, Python side effects of a traced function (a print, a counter)
happen once, when ``map`` traces it, not per element.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

import numpy as np

from .. import _core
from ..framework import dtypes as _dtypes
from ..framework.ops import Graph, Tensor, convert_to_tensor
from ..framework.session import Session
from ..ops.array_ops import placeholder
from . import structure as _structure

__all__ = ["StructuredFunction"]


def _call(fn: Callable, element: Any) -> Any:
    """fn(*element) for a plain tuple (TF1 unpacks those only), fn(element) otherwise."""
    result = fn(*element) if type(element) is tuple else fn(element)
    return tuple(result) if isinstance(result, list) else result


class StructuredFunction:
    """A user function over elements of `input_structure` (module docstring).

    ``output_structure`` is the nest of Components of its result;
    ``__call__(flat arrays)`` gives the flat result arrays.
    """

    def __init__(
        self,
        fn: Callable,
        input_structure: Any,
        what: str,
        first_element: Callable[[], list | None],
    ) -> None:
        if not callable(fn):
            raise TypeError(f"{what}: the function must be callable, got {fn!r}")
        self._fn = fn
        self._what = what
        self._input_structure = input_structure
        self._graph = Graph()
        self._session: Session | None = None
        self._lock = threading.Lock()
        try:
            traced = self._trace()
        except Exception as exc:  # not graph-buildable: a numpy function
            traced, trace_error = None, exc
        else:
            trace_error = None
        if traced is not None:
            self._outputs = traced
            components = [_structure.component_of(t) for t in traced]
            self.output_structure = _structure.pack_as(self._result_structure, components)
            return
        self._outputs = None
        first = first_element()
        if first is None:
            hint = f" (building it as graph ops failed: {type(trace_error).__name__}: {trace_error})"
            raise TypeError(
                f"{what}: the function is a numpy function (it builds no graph ops{hint if trace_error else ''}), "
                "whose output types slimcore reads from the first element; this dataset has no first element "
                "when map() is called (it is empty or reads placeholders). Build the function from slimcore ops, "
                "or wrap numpy code in tf.py_func inside it"
            )
        result = _call(fn, _structure.pack_as(input_structure, first))
        if any(isinstance(leaf, Tensor) for leaf in _structure.flatten(result)):
            raise TypeError(
                f"{what}: the function returns graph tensors only when called with numpy values; as TF1, slimcore "
                "builds it on the element's tensors, where it failed: "
                f"{type(trace_error).__name__}: {trace_error} (a tensor of the outer graph cannot be captured: "
                "pass its value as a numpy array)"
            )
        self._result_structure = result
        arrays = [_structure.to_array(v) for v in _structure.flatten(result)]
        self.output_structure = _structure.pack_as(result, [_structure.component_of(a) for a in arrays])

    def _trace(self) -> list | None:
        """Builds the function on placeholders; its flat output tensors, or None when it built none."""
        with self._graph.as_default():
            self._placeholders = [
                placeholder(c.dtype, None if c.shape.rank is None else c.shape.as_list())
                for c in _structure.flatten(self._input_structure)
            ]
            result = _call(self._fn, _structure.pack_as(self._input_structure, self._placeholders))
            leaves = _structure.flatten(result)
            if not any(isinstance(leaf, Tensor) and leaf.graph is self._graph for leaf in leaves):
                return None
            tensors = [convert_to_tensor(leaf) for leaf in leaves]
        self._result_structure = result
        return tensors

    def __call__(self, flat: list) -> list:
        if self._outputs is not None:
            return self._run_graph(flat)
        result = _call(self._fn, _structure.pack_as(self._input_structure, flat))
        arrays = [_structure.to_array(v) for v in _structure.flatten(result)]
        expected = _structure.flatten(self.output_structure)
        if len(arrays) != len(expected):
            raise _core.InvalidArgumentError(
                f"{self._what}: the function returned {len(arrays)} components, on the first element {len(expected)}"
            )
        for i, (array, component) in enumerate(zip(arrays, expected)):
            if _dtypes.as_dtype(array.dtype) != component.dtype or not component.shape.is_compatible_with(array.shape):
                raise _core.InvalidArgumentError(
                    f"{self._what}: component {i} of the function's result is {array.dtype} of shape "
                    f"{list(array.shape)}, but on the first element it was {component.dtype.name} of shape "
                    f"{component.shape} (a numpy function keeps its first result's types; wrap code with "
                    "varying shapes in tf.py_func and set_shape)"
                )
        return arrays

    def _run_graph(self, flat: list) -> list:
        with self._lock:
            if self._session is None:
                self._session = Session(graph=self._graph)
        values = self._session.run(self._outputs, feed_dict=dict(zip(self._placeholders, flat)))
        return [np.asarray(v) for v in values]
