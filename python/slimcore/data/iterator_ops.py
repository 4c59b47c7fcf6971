"""tf.data iterators: get_next() tensors that Session.run fills without a feed.

    it = dataset.make_initializable_iterator()
    x, y = it.get_next()
    sess.run(it.initializer, feed_dict={images_ph: train_x, labels_ph: train_y})

``get_next()`` adds an ``IteratorGetNext`` op: a host callback (the
mechanism of tf.py_func) that takes the iterator's next element, so each
run of the op advances the iterator once, and every get_next op of one
iterator shares its position. At the end it raises
``tf.errors.OutOfRangeError`` ("End of sequence"), out of Session.run, on
every later run too, until the iterator is initialized again. Its outputs
have the dataset's static dtypes and shapes (an unknown batch dimension
after ``batch(drop_remainder=False)``).

As TF1 keeps an iterator as a resource of each session, the position is
kept per Session: two sessions on one graph iterate independently, and a
one-shot iterator starts over in a new session. An initializable iterator
starts when its ``initializer`` (a ``MakeIterator`` op) runs; the values
of the placeholders its dataset captures are read then, from that run's
feed_dict, and a later run of the initializer restarts it (with new feeds).
"""

from __future__ import annotations

import weakref
from typing import Any

from .. import _core
from ..framework import errors as _errors
from ..framework.ops import Graph, Operation, Tensor, get_default_graph
from ..framework.session import running_session
from ..framework.tensor_shape import TensorShape
from ..framework.tensor_util import constant_value
from ..ops.script_ops import _as_tensor_result, host_call
from . import structure as _structure
from .dataset_ops import Context, Dataset

__all__ = [
    "Iterator",
    "make_one_shot_iterator",
    "make_initializable_iterator",
    "get_output_types",
    "get_output_shapes",
    "get_output_classes",
]

_NOT_INITIALIZED = (
    "GetNext() failed because the iterator has not been initialized. Ensure that you have run the "
    "initializer operation for this iterator before getting the next element."
)


class Iterator:
    """tf.data.Iterator (TF1's tf.compat.v1.data.Iterator): see the module docstring.

    Made by Dataset.make_one_shot_iterator, make_initializable_iterator or
    ``Iterator.from_structure`` (a reinitializable iterator: its
    ``make_initializer(dataset)`` ops switch it between datasets of one
    element type).
    """

    def __init__(self, element_structure: Any, graph: Graph, one_shot: Dataset | None = None) -> None:
        self._structure = element_structure
        self._graph = graph
        self._one_shot = one_shot
        self._initializer: Operation | None = None
        # Session -> the running element generator of this iterator there.
        self._runs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._no_session_run: Any = None  # runs outside any Session.run (not expected)

    # ---- construction ---------------------------------------------------------
    @classmethod
    def _one_shot(cls, dataset: Dataset) -> Iterator:
        captured = dataset._captured()
        for tensor in captured:
            if constant_value(tensor) is None:
                raise ValueError(
                    f"Failed to capture resource: make_one_shot_iterator cannot read {tensor.name}, whose value is "
                    "only known at run time (a placeholder); use make_initializable_iterator and feed it "
                    "when running the initializer"
                )
        iterator = cls(dataset._structure, _graph_of(dataset), one_shot=dataset)
        iterator._constants = {(t._node, t._index): constant_value(t) for t in captured}
        return iterator

    @classmethod
    def _initializable(cls, dataset: Dataset) -> Iterator:
        iterator = cls(dataset._structure, _graph_of(dataset))
        iterator._initializer = iterator.make_initializer(dataset)
        return iterator

    @staticmethod
    def from_structure(
        output_types: Any, output_shapes: Any = None, shared_name: str | None = None, output_classes: Any = None
    ) -> Iterator:
        """tf.data.Iterator.from_structure: a reinitializable iterator of elements of these types.

        Args:
          output_types: a nest of dtypes.
          output_shapes: a nest of shapes of the same nesting (unknown when None).
          shared_name, output_classes: accepted, unused (TF1's arguments).
        """
        from ..framework import dtypes as _dtypes
        from .dataset_ops import _flatten_shapes

        types = [_dtypes.as_dtype(t) for t in _structure.flatten(output_types)]
        shapes = (
            [TensorShape(None)] * len(types)
            if output_shapes is None
            else [TensorShape(s) for s in _flatten_shapes(output_types, output_shapes)]
        )
        components = [_structure.Component(t, s) for t, s in zip(types, shapes)]
        return Iterator(_structure.pack_as(output_types, components), get_default_graph())

    # ---- the element type -----------------------------------------------------
    @property
    def output_types(self) -> Any:
        """The nest of DTypes of get_next()'s tensors."""
        return _structure.map_structure(lambda c: c.dtype, self._structure)

    @property
    def output_shapes(self) -> Any:
        """The nest of static TensorShapes of get_next()'s tensors."""
        return _structure.map_structure(lambda c: c.shape, self._structure)

    @property
    def output_classes(self) -> Any:
        """The nest of the classes of get_next()'s results (Tensor)."""
        return _structure.map_structure(lambda c: Tensor, self._structure)

    # ---- ops ------------------------------------------------------------------
    @property
    def initializer(self) -> Operation:
        """The op that (re)starts an initializable iterator.

        Raises:
          ValueError: a one-shot or from_structure iterator (they have none).
        """
        if self._initializer is None:
            raise ValueError("Iterator does not have an initializer.")
        return self._initializer

    def make_initializer(self, dataset: Dataset, name: str | None = None) -> Operation:
        """An op that starts this iterator over `dataset` (reading its placeholders' feeds).

        Raises:
          TypeError: `dataset` is not a Dataset, or its element types or
            shapes do not match the iterator's.
        """
        if not isinstance(dataset, Dataset):
            raise TypeError(f"make_initializer takes a Dataset, got {type(dataset).__name__}")
        mine, theirs = _structure.flatten(self._structure), dataset._components()
        if len(mine) != len(theirs) or any(
            a.dtype != b.dtype or not a.shape.is_compatible_with(b.shape) for a, b in zip(mine, theirs)
        ):
            raise TypeError(
                f"Expected output types {self.output_types} and shapes {self.output_shapes}, but got a dataset "
                f"with output types {dataset.output_types} and shapes {dataset.output_shapes}"
            )
        captured = dataset._captured()
        keys = [(t._node, t._index) for t in captured]

        def start(arrays: list) -> list:
            self._restart(dataset._iter(Context(dict(zip(keys, arrays)))))
            return []

        return host_call("MakeIterator", start, captured, {"Tout": []}, name, graph=self._graph)

    def get_next(self, name: str | None = None) -> Any:
        """The next element, as tensors of the iterator's structure (module docstring).

        Running one of them advances the iterator once for the whole run.
        """
        components = _structure.flatten(self._structure)
        label = {"name": name or "IteratorGetNext"}

        def next_element(_: list) -> list:
            elements = self._current()
            try:
                element = next(elements)
            except StopIteration:
                message = f"End of sequence\n\t [[{{{{node {label['name']}}}}}]]"
                raise _errors.OutOfRangeError(None, None, message) from None
            where = f"op '{label['name']}' (IteratorGetNext)"
            return [_as_tensor_result(value, i, where) for i, value in enumerate(element)]

        attrs = {"Tout": [int(c.dtype._core) for c in components]}
        op = host_call("IteratorGetNext", next_element, [], attrs, name or "IteratorGetNext", graph=self._graph)
        label["name"] = op.name
        outputs = op.outputs
        for tensor, component in zip(outputs, components):
            if component.shape.rank is not None:
                tensor.set_shape(component.shape)
        return _structure.pack_as(self._structure, outputs)

    # ---- per-session position -----------------------------------------------
    def _restart(self, elements: Any) -> None:
        session = running_session()
        if session is None:
            previous, self._no_session_run = self._no_session_run, elements
        else:
            previous = self._runs.pop(session, None)
            if previous is None:  # the first run of this iterator in this session
                session._on_close.append(_release_on_close(self, session))
            self._runs[session] = elements
        if previous is not None:
            previous.close()  # stops a prefetch thread of the previous run

    def _current(self) -> Any:
        session = running_session()
        elements = self._runs.get(session) if session is not None else self._no_session_run
        if elements is None and self._one_shot is not None:
            self._restart(iter(self._one_shot._iter(Context(self._constants))))
            elements = self._runs.get(session) if session is not None else self._no_session_run
        if elements is None:
            raise _core.FailedPreconditionError(_NOT_INITIALIZED)
        return elements


def _release_on_close(iterator: Iterator, session: Any) -> Any:
    """A Session close hook that ends `iterator`'s run in `session` (holding neither strongly)."""
    iterator_ref, session_ref = weakref.ref(iterator), weakref.ref(session)

    def release() -> None:
        it, sess = iterator_ref(), session_ref()
        elements = it._runs.pop(sess, None) if it is not None and sess is not None else None
        if elements is not None:
            elements.close()

    return release


def _graph_of(dataset: Dataset) -> Graph:
    """The graph of the tensors `dataset` captures, else the default graph.

    Raises:
      ValueError: captured tensors of another graph than the default one.
    """
    graph = get_default_graph()
    for tensor in dataset._captured():
        if tensor.graph is not graph:
            raise ValueError(
                f"the dataset reads {tensor.name}, a tensor of another graph than the default graph, "
                "where the iterator is made"
            )
    return graph


def make_one_shot_iterator(dataset: Dataset) -> Iterator:
    """tf.compat.v1.data.make_one_shot_iterator: see Dataset.make_one_shot_iterator."""
    return _dataset(dataset).make_one_shot_iterator()


def make_initializable_iterator(dataset: Dataset, shared_name: str | None = None) -> Iterator:
    """tf.compat.v1.data.make_initializable_iterator: see Dataset.make_initializable_iterator."""
    return _dataset(dataset).make_initializable_iterator(shared_name)


def _dataset(value: Any) -> Dataset:
    if not isinstance(value, Dataset):
        raise TypeError(f"expected a tf.data.Dataset, got {type(value).__name__}")
    return value


def get_output_types(dataset_or_iterator: Dataset | Iterator) -> Any:
    """tf.compat.v1.data.get_output_types: the nest of DTypes of its elements."""
    return dataset_or_iterator.output_types


def get_output_shapes(dataset_or_iterator: Dataset | Iterator) -> Any:
    """tf.compat.v1.data.get_output_shapes: the nest of TensorShapes of its elements."""
    return dataset_or_iterator.output_shapes


def get_output_classes(dataset_or_iterator: Dataset | Iterator) -> Any:
    """tf.compat.v1.data.get_output_classes: the nest of classes of its elements (Tensor)."""
    return dataset_or_iterator.output_classes
