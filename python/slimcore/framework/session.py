"""Session: runs a graph in C++ (the GIL released), as tf.Session.

``run(fetches, feed_dict)`` takes a tensor, op, variable or tensor name, or
any nesting of lists, tuples, namedtuples and dicts of them, and returns the
same structure with numpy values (None for ops)::

    with slimcore.Session() as sess:
        sess.run(init)
        loss_value, _ = sess.run([loss, train_op], {x: batch_x, y: batch_y})
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np

from .. import _core
from .config import session_threads, threads_for_run
from .ops import (
    Graph,
    Tensor,
    _graph_element,
    _Operators,
    _session_stack,
    _string_array,
    get_default_graph,
    get_default_session,
)

__all__ = ["Session", "InteractiveSession", "get_default_session"]


# The session whose run() the current thread is in: host callbacks (tf.data
# iterators) keep their state per session, as TF1 keeps resources per session.
_running = threading.local()


def running_session() -> Session | None:
    """The Session whose run() the calling thread is inside, or None."""
    return getattr(_running, "session", None)


class _Fetch:
    """One leaf of a fetch structure and where its value lands."""

    __slots__ = ("element", "slot")

    def __init__(self, element: Any, slot: int | None) -> None:
        self.element = element
        self.slot = slot


def _is_namedtuple(x: Any) -> bool:
    return isinstance(x, tuple) and hasattr(x, "_fields")


def _feed_array(tensor: Tensor, value: Any) -> np.ndarray:
    """The fed value as a C-contiguous, aligned array of the tensor's dtype.

    Converted as TF1 does, ``np.asarray(value, dtype=tensor.dtype)``: 1.0 or
    1.7 into an int32 tensor is 1 (truncated toward zero), a list of Python
    floats into float32, 0/1 into bool. As TF1, a Python int that does not
    fit an integer tensor's dtype is a TypeError. A string tensor takes bytes
    or str (stored UTF-8) in any nesting. Where TF1 silently produces
    garbage, slimcore refuses: integer or float data outside an integer
    dtype's range, NaN or infinity into an integer tensor, complex data into a
    real tensor, None, and a Tensor as the value.

    Raises:
      TypeError: None, a Tensor or a complex value, a Python int out of range,
        or a value numpy cannot convert to the dtype for its type (names the tensor).
      ValueError: a value numpy cannot convert (ragged lists, text that is not a
        number), or values that do not fit an integer dtype (names the tensor).
    """
    dtype = tensor.dtype
    target = np.dtype(dtype.as_numpy_dtype)
    if value is None or isinstance(value, _Operators):
        raise TypeError(
            f"Cannot feed {type(value).__name__} {value!r} to Tensor '{tensor.name}': feed a number, list or numpy "
            "array (the value of a feed cannot be a Tensor: run it first)"
        )
    if dtype.name == "string":
        try:
            return _string_array(value)
        except (TypeError, ValueError) as e:
            raise type(e)(f"Cannot feed the value to Tensor '{tensor.name}' of dtype string: {e}") from None
    if target.kind in "iu" and isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        info = np.iinfo(target)
        if not info.min <= int(value) <= info.max:
            raise TypeError(
                f"Type of feed value {value} with type {type(value).__name__} is not compatible with Tensor "
                f"'{tensor.name}' of dtype {dtype.name}: it does not fit (feed a larger dtype, e.g. int64)"
            )
    try:
        source = np.asarray(value)
    except (TypeError, ValueError, OverflowError) as e:
        raise ValueError(f"cannot feed {type(value).__name__} to Tensor '{tensor.name}': {e}") from None
    if source.dtype.kind == "c" and target.kind != "c":
        raise TypeError(
            f"Cannot feed complex values (numpy dtype {source.dtype}) to Tensor '{tensor.name}' of dtype {dtype.name}"
        )
    if target.kind in "iu" and source.dtype.kind in "iuf" and source.size:
        if source.dtype.kind == "f" and not np.isfinite(source).all():
            raise ValueError(f"Cannot feed NaN or infinity to Tensor '{tensor.name}' of dtype {dtype.name}")
        info = np.iinfo(target)
        if source.max() >= info.max + 1 or source.min() <= info.min - 1:
            raise ValueError(f"values fed for Tensor '{tensor.name}' do not fit in {dtype.name}")
    try:
        array = np.asarray(source, dtype=target)
    except (TypeError, ValueError, OverflowError) as e:
        kind = TypeError if isinstance(e, TypeError) else ValueError
        raise kind(
            f"Cannot feed a value of numpy dtype {source.dtype} to Tensor '{tensor.name}' of dtype {dtype.name}: {e}"
        ) from None
    # Kernels read the buffer in place: a transposed or strided view, or one at
    # an address not aligned for its dtype (np.frombuffer(..., offset=1)), is
    # copied first.
    return np.require(array, requirements=["C_CONTIGUOUS", "ALIGNED"])


class Session:
    """tf.Session(target='', graph=None, config=None).

    Runs `graph` (default: the default graph). Used as a context manager it
    becomes the default session and its graph the default graph, as TF1.
    `config` (a ``ConfigProto``): its ``intra_op_parallelism_threads``, when
    not 0, is the engine's thread count during each of this session's runs,
    restored after; its other fields have no effect on this CPU engine
    (``slimcore.framework.config``). `target` is accepted and unused.

    Raises:
      TypeError: `graph` is not a Graph; `config` is not a ConfigProto.
    """

    def __init__(self, target: str = "", graph: Graph | None = None, config: Any = None) -> None:
        self.graph = graph if graph is not None else get_default_graph()
        if not isinstance(self.graph, Graph):
            raise TypeError(f"graph must be a slimcore.Graph, got {type(self.graph).__name__}")
        self.config = config
        self._num_threads = session_threads(config)
        self._c = _core.Session(self.graph._c)
        self._closed = False
        self._context_stack: list = []
        # Callables run by close(): resources kept for this session elsewhere
        # (a tf.data iterator's position and its prefetch thread) release them.
        self._on_close: list = []

    # ---- running --------------------------------------------------------------
    def run(self, fetches: Any, feed_dict: dict | None = None, options: Any = None, run_metadata: Any = None) -> Any:
        """Computes `fetches` with `feed_dict` values for tensors.

        `feed_dict` maps tensors, variables or tensor names (``'x:0'``) to
        values (numpy arrays, lists, scalars), converted to the tensor's dtype
        as TF1 does (``np.asarray(value, dtype)``: 1.7 into int32 is 1) and
        copied when not C-contiguous and aligned. Two keys that name one
        tensor: the later wins, as in TF1 (slimcore warns).

        Raises:
          RuntimeError: the session is closed.
          TypeError: `feed_dict` is not a dict; a fed value that cannot convert
            to the tensor's dtype by its type (None, a Tensor, complex data, a
            Python int out of range; names the tensor).
          ValueError: a fetch or feed that is not of this graph; a fed value
            numpy cannot convert or that does not fit the tensor's integer dtype.
          slimcore.errors.InvalidArgumentError (a ValueError): a missing feed
            (names the placeholder), a fed value whose shape contradicts the
            tensor's static shape (names the tensor and both shapes).
          slimcore.errors.FailedPreconditionError: an uninitialized variable.
        """
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        leaves: list = []
        structure = self._flatten(fetches, leaves)
        fetch_refs, targets = [], []
        for leaf in leaves:
            if isinstance(leaf.element, Tensor):
                leaf.slot = len(fetch_refs)
                fetch_refs.append(leaf.element._ref)
            else:
                targets.append(leaf.element._node)
        feeds = self._feeds(feed_dict)
        previous = getattr(_running, "session", None)
        _running.session = self
        try:
            with threads_for_run(self._num_threads):
                results = self._c.run(feeds, fetch_refs, targets)
        finally:
            _running.session = previous
        values = [r[()] if r.ndim == 0 else r for r in results]
        return self._rebuild(structure, iter(leaves), values)

    def _feeds(self, feed_dict: Any) -> list:
        """(node, index, array) per fed tensor, keys resolved to tensors.

        As TF1, keys are resolved first (a tensor, a variable or a name
        ``'x:0'``) and the feeds are keyed by the tensor: when two keys name
        the same tensor the later one in the dict's order wins. TF1 does so
        silently; slimcore warns, naming the tensor.
        """
        if feed_dict is None:
            return []
        if not isinstance(feed_dict, Mapping):
            raise TypeError(
                f"feed_dict must be a dict mapping tensors (or tensor names) to values, got {type(feed_dict).__name__}"
            )
        by_tensor: dict = {}
        for key, value in feed_dict.items():
            tensor = self._resolve(key, for_feed=True)
            ref = (tensor._node, tensor._index)
            if ref in by_tensor:
                warnings.warn(
                    f"Tensor '{tensor.name}' is fed twice in feed_dict (keys {by_tensor[ref][0]!r} and {key!r}); "
                    "the later value is used, as TF1 does",
                    UserWarning,
                    stacklevel=3,
                )
            by_tensor[ref] = (key, _feed_array(tensor, value))
        return [(node, index, array) for (node, index), (_, array) in by_tensor.items()]

    def _resolve(self, obj: Any, for_feed: bool = False) -> Any:
        if isinstance(obj, str):
            element = self.graph.as_graph_element(obj)
        else:
            try:
                element = _graph_element(obj)
            except TypeError:
                what = "feed_dict key" if for_feed else "Fetch argument"
                raise TypeError(
                    f"{what} {obj!r} has invalid type {type(obj).__name__}: must be a "
                    "Tensor, Operation, Variable or a tensor name"
                ) from None
            if not for_feed and hasattr(obj, "_as_tensor"):
                element = obj._as_tensor()  # fetching a variable gives its value
        if element.graph is not self.graph:
            raise ValueError(
                f"Tensor {element.name} is not an element of this graph "
                "(it was built in another graph than this session's)"
            )
        if for_feed and not isinstance(element, Tensor):
            raise TypeError(f"Cannot feed an Operation ({element.name}): feed tensors")
        return element

    def _flatten(self, fetches: Any, leaves: list) -> Any:
        if fetches is None:
            raise TypeError("Fetch argument None has invalid type <class 'NoneType'>")
        if isinstance(fetches, dict):
            return (type(fetches), [(k, self._flatten(v, leaves)) for k, v in fetches.items()])
        if _is_namedtuple(fetches):
            return (type(fetches), [self._flatten(v, leaves) for v in fetches])
        if isinstance(fetches, (list, tuple)):
            return (type(fetches), [self._flatten(v, leaves) for v in fetches])
        leaves.append(_Fetch(self._resolve(fetches), None))
        return None

    def _rebuild(self, structure: Any, leaves: Any, values: list) -> Any:
        if structure is None:
            leaf = next(leaves)
            return None if leaf.slot is None else values[leaf.slot]
        kind, items = structure
        if issubclass(kind, dict):
            return kind((k, self._rebuild(s, leaves, values)) for k, s in items)
        rebuilt = [self._rebuild(s, leaves, values) for s in items]
        if issubclass(kind, tuple) and hasattr(kind, "_fields"):
            return kind(*rebuilt)
        return kind(rebuilt)

    # ---- lifetime and default session ---------------------------------------------
    def close(self) -> None:
        """Releases the session's resources (variable values, tf.data iterator
        positions and their prefetch threads); run() then raises."""
        self._closed = True
        self._c = None
        hooks, self._on_close = self._on_close, []
        for hook in hooks:
            hook()

    def as_default(self):
        """Makes this the default session inside a ``with`` block (for eval())."""
        session = self

        class _Default:
            def __enter__(self):
                _session_stack().append(session)
                return session

            def __exit__(self, *exc):
                _session_stack().remove(session)
                return False

        return _Default()

    def __enter__(self) -> Session:
        graph_ctx = self.graph.as_default()
        graph_ctx.__enter__()
        session_ctx = self.as_default()
        session_ctx.__enter__()
        self._context_stack.append((graph_ctx, session_ctx))
        return self

    def __exit__(self, *exc: Any) -> bool:
        graph_ctx, session_ctx = self._context_stack.pop()
        session_ctx.__exit__(*exc)
        graph_ctx.__exit__(*exc)
        self.close()
        return False

    def __del__(self) -> None:
        self._c = None


class InteractiveSession(Session):
    """tf.InteractiveSession: a session that installs itself as the default on creation."""

    def __init__(self, target: str = "", graph: Graph | None = None, config: Any = None) -> None:
        super().__init__(target, graph, config)
        _session_stack().append(self)

    def close(self) -> None:
        if self in _session_stack():
            _session_stack().remove(self)
        super().close()
