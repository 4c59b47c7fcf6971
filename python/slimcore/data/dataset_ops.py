"""tf.data.Dataset: input pipelines that Session.run pulls through get_next().

    dataset = (tf.data.Dataset.from_tensor_slices((images, labels))
               .shuffle(1000, seed=1)
               .map(lambda x, y: (tf.cast(x, tf.float32) / 255.0, y))
               .batch(32)
               .repeat(10)
               .prefetch(1))
    x, y = dataset.make_one_shot_iterator().get_next()
    loss = model(x, y)             # x: float32 [?, 28, 28], y: int64 [?]
    while True:
        try:
            sess.run(train_op)     # no feed_dict: get_next fills x and y
        except tf.errors.OutOfRangeError:
            break

A Dataset is a recipe: it holds the static type of its elements (a nest of
components, each a dtype and a partial shape: ``output_types``,
``output_shapes``) and produces numpy elements when an iterator runs it.
Elements flow through the pipeline in Python, on the thread that calls
``Session.run``, except below a ``prefetch``, whose elements a background
thread prepares while the session computes (see PrefetchDataset).
Values of graph tensors (placeholders) a dataset captures are read when an
initializable iterator's ``initializer`` runs.

Out of scope: TFRecord and text-line files (``TFRecordDataset``,
``TextLineDataset``), ``interleave``/``flat_map``/``unbatch``,
parallel ``map`` (``num_parallel_calls`` is accepted, and the calls run one
at a time), tf.data.experimental except ``AUTOTUNE``. The readers of
``.npy``/``.npz`` files and image folders are in ``slimcore.data.readers``.
"""

from __future__ import annotations

import itertools
import queue
import threading
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from .. import _core
from ..framework import dtypes as _dtypes
from ..framework.ops import Tensor
from ..framework.tensor_shape import TensorShape
from ..framework.tensor_util import constant_value
from ..ops import random_ops as _random_ops
from . import structure as _structure
from .functions import StructuredFunction

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["Dataset", "AUTOTUNE"]

# tf.data.experimental.AUTOTUNE: prefetch picks its buffer (2 elements here).
AUTOTUNE = -1
_AUTOTUNE_BUFFER = 2


class Context:
    """One run of a pipeline: the values of the graph tensors it captured
    (keyed by (node, index)) and how often each shuffle has started (its
    epoch, which seeds its order)."""

    def __init__(self, captured: dict) -> None:
        self.captured = captured
        self.caches: dict = {}
        self._epochs: dict = {}

    def value(self, tensor: Tensor) -> np.ndarray:
        return self.captured[(tensor._node, tensor._index)]

    def next_epoch(self, dataset: Dataset) -> int:
        epoch = self._epochs.get(id(dataset), 0)
        self._epochs[id(dataset)] = epoch + 1
        return epoch


def _count(value: Any, what: str, minimum: int) -> int:
    """An integer argument (a Python or numpy int, or a constant 0-D tensor), validated.

    Raises:
      TypeError: not an integer, or a tensor whose value is only known at
        run time (a placeholder: slimcore fixes counts when the dataset is built).
      ValueError: below `minimum`.
    """
    if isinstance(value, Tensor):
        const = constant_value(value)
        if const is None:
            raise TypeError(f"{what} must be an int or a constant tensor, got {value.name} (known only at run time)")
        value = const
    integral = np.ndim(value) == 0 and np.asarray(value).dtype.kind in "iu"
    if isinstance(value, bool) or not integral:
        raise TypeError(f"{what} must be an int, got {value!r}")
    value = int(value)
    if value < minimum:
        raise ValueError(f"{what} must be >= {minimum}, got {value}")
    return value


class Dataset:
    """tf.data.Dataset (TF 1.15's DatasetV1): the base of every dataset (module docstring).

    Subclasses set the element structure and implement ``_iter(context)``,
    a generator of flat elements (lists of numpy arrays, one per component).
    """

    def __init__(self, element_structure: Any, inputs: tuple = ()) -> None:
        self._structure = element_structure
        self._inputs = inputs

    # ---- static type of the elements -------------------------------------------
    @property
    def output_types(self) -> Any:
        """The nest of DTypes of an element (TF1's Dataset.output_types)."""
        return _structure.map_structure(lambda c: c.dtype, self._structure)

    @property
    def output_shapes(self) -> Any:
        """The nest of TensorShapes of an element (None dims unknown)."""
        return _structure.map_structure(lambda c: c.shape, self._structure)

    @property
    def output_classes(self) -> Any:
        """The nest of the classes of an element's components (Tensor)."""
        return _structure.map_structure(lambda c: Tensor, self._structure)

    def _components(self) -> list:
        return _structure.flatten(self._structure)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} shapes: {self.output_shapes}, types: {self.output_types}>"

    # ---- running ----------------------------------------------------------------
    def _iter(self, context: Context) -> Iterator[list]:
        raise NotImplementedError

    def _captured(self) -> list:
        """The graph tensors whose values this pipeline reads (its own and its inputs')."""
        seen: dict = {}
        for tensor in self._own_captures() + [t for d in self._inputs for t in d._captured()]:
            seen.setdefault((tensor._node, tensor._index), tensor)
        return list(seen.values())

    def _own_captures(self) -> list:
        return []

    def _first_element(self) -> list | None:
        """The first element of a fresh run, when the pipeline captures no tensor; else None."""
        if self._captured():
            return None
        return next(iter(self._iter(Context({}))), None)

    # ---- sources --------------------------------------------------------------
    @staticmethod
    def from_tensors(tensors: Any) -> Dataset:
        """tf.data.Dataset.from_tensors: one element, `tensors` itself.

        Args:
          tensors: a nest (tuples, dicts) of arrays, Python values or graph
            tensors (placeholders: their values are read when an
            initializable iterator's initializer runs).
        """
        return _TensorDataset(tensors, slices=False)

    @staticmethod
    def from_tensor_slices(tensors: Any) -> Dataset:
        """tf.data.Dataset.from_tensor_slices: element i is every component's row i.

        Args:
          tensors: a nest of arrays, Python values or graph tensors, all of
            the same (first) dimension size.

        Raises:
          ValueError: a scalar component, or first dimensions that differ.
        """
        return _TensorDataset(tensors, slices=True)

    @staticmethod
    def range(*args: int) -> Dataset:
        """tf.data.Dataset.range(stop) / (start, stop[, step]): int64 scalars, as Python's range."""
        if not args or len(args) > 3:
            raise ValueError(f"Dataset.range takes 1 to 3 arguments (stop | start, stop[, step]), got {len(args)}")
        bounds = [_count(a, "Dataset.range argument", -(2**63)) for a in args]
        if len(bounds) == 3 and bounds[2] == 0:
            raise ValueError("Dataset.range: step must not be 0")
        return _RangeDataset(range(*bounds))

    @staticmethod
    def zip(datasets: Any) -> Dataset:
        """tf.data.Dataset.zip: elements of a nest of datasets side by side; ends with the shortest.

        Raises:
          TypeError: a leaf of `datasets` that is not a Dataset.
        """
        return _ZipDataset(datasets)

    @staticmethod
    def from_generator(
        generator: Callable, output_types: Any, output_shapes: Any = None, args: tuple | None = None
    ) -> Dataset:
        """tf.data.Dataset.from_generator: the elements ``generator(*args)`` yields.

        Each yielded element must have the nesting of `output_types`; its
        values are converted to those dtypes (as np.asarray(v, dtype)) and
        checked against `output_shapes` (unknown rank when None): a mismatch
        is an InvalidArgumentError at get_next, as in TF1.

        Args:
          generator: a callable returning an iterator; called anew at every
            (re)start of the pipeline.
          output_types: a nest of dtypes.
          output_shapes: a nest of shapes (lists with None, TensorShapes) of
            the same nesting, or None.
          args: numpy values (or constant tensors) passed to `generator`.

        Raises:
          TypeError: `generator` not callable.
          ValueError: `output_shapes` of another nesting than `output_types`.
        """
        return _GeneratorDataset(generator, output_types, output_shapes, args)

    # ---- transformations ------------------------------------------------------
    def map(self, map_func: Callable, num_parallel_calls: int | None = None) -> Dataset:
        """tf.data.Dataset.map: `map_func` applied to every element.

        A tuple element is passed as positional arguments, anything else as
        one argument. `map_func` may build slimcore ops (traced once, run per
        element in the dataset's own session) or be a numpy function
        (slimcore.data.functions explains which is which).
        `num_parallel_calls` is accepted; the calls run one at a time.
        """
        return _MapDataset(self, map_func)

    def filter(self, predicate: Callable) -> Dataset:
        """tf.data.Dataset.filter: the elements for which `predicate` (a scalar bool) is true."""
        return _FilterDataset(self, predicate)

    def batch(self, batch_size: int, drop_remainder: bool = False) -> Dataset:
        """tf.data.Dataset.batch: `batch_size` consecutive elements stacked on a new first dimension.

        The last batch is smaller when the element count is not a multiple
        of `batch_size`, unless `drop_remainder` drops it; the static batch
        dimension is then `batch_size`, else unknown (None), as TF1.

        Raises:
          ValueError: batch_size < 1.
          InvalidArgumentError (at get_next): elements of different shapes.
        """
        return _BatchDataset(self, _count(batch_size, "batch_size", 1), bool(drop_remainder))

    def padded_batch(
        self, batch_size: int, padded_shapes: Any, padding_values: Any = None, drop_remainder: bool = False
    ) -> Dataset:
        """tf.data.Dataset.padded_batch: batch after padding each component at its end.

        A dimension of `padded_shapes` that is None or -1 pads to the longest
        element of the batch (and stays unknown statically); a number pads to
        that size (an element longer than it is an InvalidArgumentError).

        Args:
          batch_size, drop_remainder: as batch().
          padded_shapes: a nest of shapes, one per component (its nesting).
          padding_values: a nest of scalars, one per component (default 0,
            b"" for strings).

        Raises:
          ValueError: a padded shape of another rank than its component.
        """
        size = _count(batch_size, "batch_size", 1)
        components = self._components()
        shapes = [TensorShape(_none_for_minus_one(s)) for s in _flatten_shapes(self.output_types, padded_shapes)]
        if padding_values is None:
            values = [b"" if c.dtype.name == "string" else 0 for c in components]
        else:
            values = _structure.flatten(padding_values)
        for i, (component, shape) in enumerate(zip(components, shapes)):
            if component.shape.rank is not None and shape.rank != component.shape.rank:
                raise ValueError(
                    f"padded_batch: padded shape {shape} of component {i} does not have its rank ({component.shape})"
                )
        return _BatchDataset(self, size, bool(drop_remainder), padding=(shapes, values))

    def shuffle(
        self, buffer_size: int, seed: int | None = None, reshuffle_each_iteration: bool | None = None
    ) -> Dataset:
        """tf.data.Dataset.shuffle with TF's buffer semantics.

        The first `buffer_size` elements fill a buffer; each output is a
        uniformly random buffer entry, whose place the next input element
        takes (when the input ends, the buffer drains at random). A
        buffer_size of at least the dataset size is a full uniform shuffle.
        The order is a function of the seeds (TF1's rules: tf.set_random_seed
        and `seed`, see random_ops.get_seed) and of the epoch: every restart
        of the shuffle within one iterator (under a repeat) draws a new order
        when `reshuffle_each_iteration` (default True), the same otherwise.
        The numbers differ from TensorFlow's (another generator).

        Raises:
          ValueError: buffer_size < 1.
        """
        size = _count(buffer_size, "buffer_size", 1)
        seeds = _random_ops.get_seed(seed)
        reshuffle = True if reshuffle_each_iteration is None else bool(reshuffle_each_iteration)
        return _ShuffleDataset(self, size, seeds, reshuffle)

    def repeat(self, count: int | None = None) -> Dataset:
        """tf.data.Dataset.repeat: the dataset `count` times (None or -1: forever)."""
        times = None if count is None else _count(count, "count", -1)
        return _RepeatDataset(self, None if times == -1 else times)

    def take(self, count: int) -> Dataset:
        """tf.data.Dataset.take: the first `count` elements (-1: all)."""
        return _TakeSkipDataset(self, _count(count, "count", -1), take=True)

    def skip(self, count: int) -> Dataset:
        """tf.data.Dataset.skip: all but the first `count` elements (-1: none)."""
        return _TakeSkipDataset(self, _count(count, "count", -1), take=False)

    def shard(self, num_shards: int, index: int) -> Dataset:
        """tf.data.Dataset.shard: every `num_shards`-th element from the `index`-th
        (a worker's part in data-parallel training: shard(size, rank)).

        Raises:
          ValueError: num_shards < 1, or index outside [0, num_shards).
        """
        shards = _count(num_shards, "num_shards", 1)
        position = _count(index, "index", 0)
        if position >= shards:
            raise ValueError(f"index must be in [0, num_shards={shards}), got {position}")
        return _ShardDataset(self, shards, position)

    def concatenate(self, dataset: Dataset) -> Dataset:
        """tf.data.Dataset.concatenate: this dataset's elements, then `dataset`'s (same types)."""
        return _ConcatenateDataset(self, dataset)

    def cache(self, filename: str = "") -> Dataset:
        """tf.data.Dataset.cache: the first complete pass of an iterator run is kept in memory and replayed.

        Raises:
          NotImplementedError: a `filename` (caching to files is not supported).
        """
        if filename:
            raise NotImplementedError("Dataset.cache(filename) is not supported; use cache() (in memory)")
        return _CacheDataset(self)

    def prefetch(self, buffer_size: int) -> Dataset:
        """tf.data.Dataset.prefetch: a background thread prepares up to `buffer_size` elements ahead.

        The thread runs the pipeline above the prefetch while Session.run
        computes (it releases the GIL): with prefetch(1), a step costs about
        max(step, element preparation) instead of their sum, as long as the
        preparation itself releases the GIL (numpy on large arrays, the map's
        own slimcore session, file reads) or the step does (the engine).
        Pure-Python work in the pipeline still contends for the GIL with the
        Python side of the training loop. ``AUTOTUNE`` (-1) buffers 2.

        Raises:
          ValueError: buffer_size < 1 and not AUTOTUNE.
        """
        size = _AUTOTUNE_BUFFER if buffer_size == AUTOTUNE else _count(buffer_size, "buffer_size", 1)
        return _PrefetchDataset(self, size)

    def apply(self, transformation_func: Callable[[Dataset], Dataset]) -> Dataset:
        """tf.data.Dataset.apply: ``transformation_func(self)``, which must return a Dataset."""
        result = transformation_func(self)
        if not isinstance(result, Dataset):
            raise TypeError(f"apply: the transformation must return a Dataset, got {type(result).__name__}")
        return result

    def __iter__(self):
        raise RuntimeError(
            "a tf.data Dataset is iterated through an iterator whose get_next() Session.run evaluates "
            "(make_one_shot_iterator, make_initializable_iterator); TF1 iterates it in Python only eagerly"
        )

    # ---- iterators ------------------------------------------------------------
    def make_one_shot_iterator(self):
        """tf.compat.v1.data.make_one_shot_iterator(dataset): an iterator that starts itself.

        Raises:
          ValueError: the dataset captures a tensor whose value is only known
            at run time (a placeholder): use make_initializable_iterator.
        """
        from .iterator_ops import Iterator

        return Iterator._one_shot(self)

    def make_initializable_iterator(self, shared_name: str | None = None):
        """tf.compat.v1.data.make_initializable_iterator(dataset): an iterator
        that (re)starts when its ``initializer`` runs (with the feeds of the
        placeholders the dataset captures)."""
        from .iterator_ops import Iterator

        return Iterator._initializable(self)


DatasetV1 = Dataset


class _TensorDataset(Dataset):
    def __init__(self, tensors: Any, slices: bool) -> None:
        leaves = _structure.flatten(tensors)
        values = [leaf if isinstance(leaf, Tensor) else _structure.to_array(leaf) for leaf in leaves]
        components = [_structure.component_of(v) for v in values]
        self._slices = slices
        if slices:
            size = None
            for value, component in zip(values, components):
                name = value.name if isinstance(value, Tensor) else "component"
                if component.shape.rank == 0:
                    raise ValueError(f"from_tensor_slices: {name} is a scalar, which has no slices")
                first = component.shape[0] if component.shape.rank else None
                first = getattr(first, "value", first)
                if size is not None and first is not None and first != size:
                    raise ValueError(
                        f"from_tensor_slices: components have different first dimensions ({size} and {first})"
                    )
                size = size if first is None else first
            components = [
                _structure.Component(c.dtype, TensorShape(None) if c.shape.rank is None else c.shape[1:])
                for c in components
            ]
        self._values = values
        super().__init__(_structure.pack_as(tensors, components))

    def _own_captures(self) -> list:
        return [v for v in self._values if isinstance(v, Tensor)]

    def _iter(self, context: Context) -> Iterator[list]:
        values = [context.value(v) if isinstance(v, Tensor) else v for v in self._values]
        if not self._slices:
            yield [np.array(v) for v in values]
            return
        sizes = {len(v) if v.ndim else 0 for v in values}
        if len(sizes) != 1 or 0 in {v.ndim for v in values}:
            shapes = ", ".join(str(list(v.shape)) for v in values)
            raise _core.InvalidArgumentError(
                f"from_tensor_slices: all components need the same first dimension, got shapes {shapes}"
            )
        for i in range(sizes.pop()):
            yield [np.array(v[i]) for v in values]


class _RangeDataset(Dataset):
    def __init__(self, bounds: range) -> None:
        self._range = bounds
        super().__init__(_structure.Component(_dtypes.int64, TensorShape([])))

    def _iter(self, context: Context) -> Iterator[list]:
        for i in self._range:
            yield [np.array(i, dtype=np.int64)]


class _ZipDataset(Dataset):
    def __init__(self, datasets: Any) -> None:
        flat = _structure.flatten(datasets)
        for d in flat:
            if not isinstance(d, Dataset):
                raise TypeError(f"Dataset.zip takes a nest of Datasets, got a {type(d).__name__}")
        self._flat = flat
        super().__init__(_structure.map_structure(lambda d: d._structure, datasets), tuple(flat))

    def _iter(self, context: Context) -> Iterator[list]:
        for parts in zip(*(d._iter(context) for d in self._flat)):
            yield [array for part in parts for array in part]


class _GeneratorDataset(Dataset):
    def __init__(self, generator: Callable, output_types: Any, output_shapes: Any, args: tuple | None) -> None:
        if not callable(generator):
            raise TypeError(f"from_generator: generator must be callable, got {generator!r}")
        types = [_dtypes.as_dtype(t) for t in _structure.flatten(output_types)]
        if output_shapes is None:
            shapes = [TensorShape(None)] * len(types)
        else:
            flat_shapes = _flatten_shapes(output_types, output_shapes)
            shapes = [TensorShape(s) for s in flat_shapes]
        self._generator = generator
        self._args = [_structure.to_array(a) for a in (args or ())]
        self._types = types
        super().__init__(_structure.pack_as(output_types, [_structure.Component(t, s) for t, s in zip(types, shapes)]))

    def _iter(self, context: Context) -> Iterator[list]:
        components = self._components()
        for element in self._generator(*self._args):
            if isinstance(element, list) and isinstance(self._structure, tuple):
                element = tuple(element)
            leaves = _structure.flatten(element)
            if len(leaves) != len(components):
                raise _core.InvalidArgumentError(
                    f"from_generator: the generator yielded {len(leaves)} components, output_types lists "
                    f"{len(components)}"
                )
            arrays = []
            for i, (leaf, component) in enumerate(zip(leaves, components)):
                try:
                    array = np.asarray(leaf, dtype=component.dtype.as_numpy_dtype)
                except (TypeError, ValueError) as exc:
                    raise _core.InvalidArgumentError(
                        f"from_generator: component {i} does not convert to {component.dtype.name}: {exc}"
                    ) from None
                if not component.shape.is_compatible_with(array.shape):
                    raise _core.InvalidArgumentError(
                        f"from_generator: component {i} has shape {list(array.shape)}, incompatible with "
                        f"output_shapes {component.shape}"
                    )
                arrays.append(array)
            yield arrays


def _flatten_shapes(output_types: Any, output_shapes: Any) -> list:
    """The shapes of `output_shapes` per leaf of `output_types` (shapes are lists, not nests)."""
    if isinstance(output_types, dict):
        if not isinstance(output_shapes, dict) or set(output_shapes) != set(output_types):
            raise ValueError(f"output_shapes {output_shapes!r} does not have the nesting of output_types")
        return [s for key in sorted(output_types) for s in _flatten_shapes(output_types[key], output_shapes[key])]
    if isinstance(output_types, tuple):
        if not isinstance(output_shapes, tuple) or len(output_shapes) != len(output_types):
            raise ValueError(f"output_shapes {output_shapes!r} does not have the nesting of output_types")
        return [s for t, sh in zip(output_types, output_shapes) for s in _flatten_shapes(t, sh)]
    return [output_shapes]


class _MapDataset(Dataset):
    def __init__(self, input_dataset: Dataset, fn: Callable) -> None:
        self._fn = StructuredFunction(fn, input_dataset._structure, "Dataset.map", input_dataset._first_element)
        super().__init__(self._fn.output_structure, (input_dataset,))

    def _iter(self, context: Context) -> Iterator[list]:
        for element in self._inputs[0]._iter(context):
            yield self._fn(element)


class _FilterDataset(Dataset):
    def __init__(self, input_dataset: Dataset, predicate: Callable) -> None:
        self._fn = StructuredFunction(
            predicate, input_dataset._structure, "Dataset.filter", input_dataset._first_element
        )
        result = self._fn.output_structure
        if (
            not isinstance(result, _structure.Component)
            or result.dtype != _dtypes.bool_
            or result.shape.rank not in (0, None)
        ):
            raise ValueError(f"Dataset.filter: the predicate must return a scalar bool tensor, got {result}")
        super().__init__(input_dataset._structure, (input_dataset,))

    def _iter(self, context: Context) -> Iterator[list]:
        for element in self._inputs[0]._iter(context):
            if bool(self._fn(element)[0]):
                yield element


class _BatchDataset(Dataset):
    """batch(), and padded_batch() when `padding` is (padded shapes, padding values)."""

    def __init__(self, input_dataset: Dataset, batch_size: int, drop_remainder: bool, padding: tuple | None = None):
        self._batch_size = batch_size
        self._drop_remainder = drop_remainder
        self._padding = padding
        dim = batch_size if drop_remainder else None
        components = input_dataset._components()
        shapes = [c.shape for c in components] if padding is None else padding[0]
        batched = [_structure.Component(c.dtype, TensorShape([dim]).concatenate(s)) for c, s in zip(components, shapes)]
        super().__init__(_structure.pack_as(input_dataset._structure, batched), (input_dataset,))

    def _iter(self, context: Context) -> Iterator[list]:
        elements = iter(self._inputs[0]._iter(context))
        while True:
            batch = list(itertools.islice(elements, self._batch_size))
            if not batch or (self._drop_remainder and len(batch) < self._batch_size):
                return
            columns = [[element[i] for element in batch] for i in range(len(batch[0]))]
            if self._padding is not None:
                columns = [_pad(i, c, s, v) for i, (c, s, v) in enumerate(zip(columns, *self._padding))]
            yield [_stack(i, column) for i, column in enumerate(columns)]


def _none_for_minus_one(shape: Any) -> Any:
    if isinstance(shape, (list, tuple)):
        return [None if d is not None and int(d) == -1 else d for d in shape]
    return shape


def _pad(index: int, arrays: list, shape: TensorShape, value: Any) -> list:
    """`arrays` padded with `value` at the end of each dimension to `shape` (None: the batch's longest)."""
    if arrays[0].ndim == 0:
        return arrays
    longest = np.max([a.shape for a in arrays], axis=0)
    target = [int(n) if d is None else d for d, n in zip(shape.as_list(), longest)]
    padded = []
    for array in arrays:
        if any(n > t for n, t in zip(array.shape, target)):
            raise _core.InvalidArgumentError(
                f"padded_batch: component {index} has shape {list(array.shape)}, longer than its padded shape {target}"
            )
        widths = [(0, t - n) for n, t in zip(array.shape, target)]
        padded.append(np.pad(array, widths, constant_values=np.asarray(value, dtype=array.dtype)))
    return padded


def _stack(index: int, arrays: list) -> np.ndarray:
    first = arrays[0].shape
    for j, array in enumerate(arrays):
        if array.shape != first:
            raise _core.InvalidArgumentError(
                f"Cannot batch tensors with different shapes in component {index}. First element had shape "
                f"{list(first)} and element {j} had shape {list(array.shape)}."
            )
    return np.stack(arrays)


class _ShuffleDataset(Dataset):
    def __init__(self, input_dataset: Dataset, buffer_size: int, seeds: tuple, reshuffle: bool) -> None:
        self._buffer_size = buffer_size
        self._seeds = seeds
        self._reshuffle = reshuffle
        super().__init__(input_dataset._structure, (input_dataset,))

    def _iter(self, context: Context) -> Iterator[list]:
        epoch = context.next_epoch(self) if self._reshuffle else 0
        rng = np.random.default_rng([*(s & (2**63 - 1) for s in self._seeds), epoch])
        elements = iter(self._inputs[0]._iter(context))
        buffer = list(itertools.islice(elements, self._buffer_size))
        for element in elements:
            i = int(rng.integers(len(buffer)))
            yield buffer[i]
            buffer[i] = element
        while buffer:
            i = int(rng.integers(len(buffer)))
            buffer[i], buffer[-1] = buffer[-1], buffer[i]
            yield buffer.pop()


class _RepeatDataset(Dataset):
    def __init__(self, input_dataset: Dataset, count: int | None) -> None:
        self._count = count
        super().__init__(input_dataset._structure, (input_dataset,))

    def _iter(self, context: Context) -> Iterator[list]:
        passes = itertools.count() if self._count is None else range(self._count)
        for _ in passes:
            produced = False
            for element in self._inputs[0]._iter(context):
                produced = True
                yield element
            if not produced:  # repeating an empty dataset ends, as TF's
                return


class _TakeSkipDataset(Dataset):
    def __init__(self, input_dataset: Dataset, count: int, take: bool) -> None:
        self._count = count
        self._take = take
        super().__init__(input_dataset._structure, (input_dataset,))

    def _iter(self, context: Context) -> Iterator[list]:
        elements = self._inputs[0]._iter(context)
        if self._take:
            yield from elements if self._count < 0 else itertools.islice(elements, self._count)
        elif self._count >= 0:
            yield from itertools.islice(elements, self._count, None)


class _ShardDataset(Dataset):
    def __init__(self, input_dataset: Dataset, num_shards: int, index: int) -> None:
        self._num_shards = num_shards
        self._index = index
        super().__init__(input_dataset._structure, (input_dataset,))

    def _iter(self, context: Context) -> Iterator[list]:
        yield from itertools.islice(self._inputs[0]._iter(context), self._index, None, self._num_shards)


class _ConcatenateDataset(Dataset):
    def __init__(self, first: Dataset, second: Dataset) -> None:
        if not isinstance(second, Dataset):
            raise TypeError(f"concatenate takes a Dataset, got {type(second).__name__}")
        if [c.dtype for c in first._components()] != [c.dtype for c in second._components()]:
            raise TypeError(f"concatenate: element types differ: {first.output_types} and {second.output_types}")
        components = [
            _structure.Component(a.dtype, a.shape.most_specific_compatible_shape(b.shape))
            for a, b in zip(first._components(), second._components())
        ]
        super().__init__(_structure.pack_as(first._structure, components), (first, second))

    def _iter(self, context: Context) -> Iterator[list]:
        for dataset in self._inputs:
            yield from dataset._iter(context)


class _CacheDataset(Dataset):
    def __init__(self, input_dataset: Dataset) -> None:
        super().__init__(input_dataset._structure, (input_dataset,))

    def _iter(self, context: Context) -> Iterator[list]:
        cached = context.caches.get(id(self))
        if cached is not None:  # a later pass of this run (under a repeat)
            yield from cached
            return
        elements = []
        for element in self._inputs[0]._iter(context):
            elements.append(element)
            yield element
        context.caches[id(self)] = elements


class _PrefetchDataset(Dataset):
    """Elements of the input prepared ahead by a background thread, through a
    bounded queue of `buffer_size` (Dataset.prefetch). The thread stops when
    the consumer is dropped (a re-initialized or released iterator); an
    exception in the pipeline reaches the consumer at its place in order."""

    def __init__(self, input_dataset: Dataset, buffer_size: int) -> None:
        self._buffer_size = buffer_size
        super().__init__(input_dataset._structure, (input_dataset,))

    def _iter(self, context: Context) -> Iterator[list]:
        slots: queue.Queue = queue.Queue(self._buffer_size)
        stop = threading.Event()
        thread = threading.Thread(
            target=_fill, args=(self._inputs[0]._iter(context), slots, stop), name="slimcore-prefetch", daemon=True
        )
        thread.start()
        try:
            while True:
                kind, value = slots.get()
                if kind == "end":
                    return
                if kind == "error":
                    raise value
                yield value
        finally:
            stop.set()


def _fill(elements: Iterator[list], slots: queue.Queue, stop: threading.Event) -> None:
    """The prefetch thread: puts ("element", e) per element, then ("end", None) or ("error", exc)."""

    def put(item: tuple) -> bool:
        while not stop.is_set():
            try:
                slots.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    try:
        for element in elements:
            if not put(("element", element)):
                return
        put(("end", None))
    except BaseException as exc:  # handed to the consumer, raised there
        put(("error", exc))
