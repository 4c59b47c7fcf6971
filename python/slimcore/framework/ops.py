"""Graphs, tensors and operations: the define-then-run core of TF1's API.

A :class:`Graph` wraps the C++ graph; :class:`Tensor` and :class:`Operation`
are light handles (graph, node id, output index) on its nodes. One default
graph per thread, as ``tf.get_default_graph()``::

    g = slimcore.Graph()
    with g.as_default():
        x = slimcore.placeholder(slimcore.float32, [None, 784], name="x")
        print(x.name, x.shape)          # x:0 (?, 784)

It also keeps the default session stack (for ``Tensor.eval``) and the
conversion functions ``convert_to_tensor`` consults. It imports no op
module: ``ops/math_ops.py`` installs Tensor's operators and
``ops/array_ops.py`` registers constant conversion when imported.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from .. import _core
from . import dtypes as _dtypes
from .tensor_shape import TensorShape, as_shape

if TYPE_CHECKING:  # session.py and types.py import this module
    from .session import Session
    from .types import DTypeLike, GraphElementLike, ShapeLike, TensorLike

__all__ = [
    "Graph",
    "Tensor",
    "Operation",
    "GraphKeys",
    "get_default_graph",
    "reset_default_graph",
    "name_scope",
    "control_dependencies",
    "add_to_collection",
    "add_to_collections",
    "get_collection",
    "get_collection_ref",
    "convert_to_tensor",
    "register_tensor_conversion_function",
    "get_default_session",
]


class GraphKeys:
    """The standard collection names (tf.GraphKeys)."""

    GLOBAL_VARIABLES = "variables"
    VARIABLES = "variables"
    TRAINABLE_VARIABLES = "trainable_variables"
    LOCAL_VARIABLES = "local_variables"
    METRIC_VARIABLES = "metric_variables"
    MODEL_VARIABLES = "model_variables"
    LOSSES = "losses"
    REGULARIZATION_LOSSES = "regularization_losses"
    UPDATE_OPS = "update_ops"
    GLOBAL_STEP = "global_step"
    WEIGHTS = "weights"
    BIASES = "biases"
    ACTIVATIONS = "activations"
    SUMMARIES = "summaries"
    INIT_OP = "init_op"
    TRAIN_OP = "train_op"
    TABLE_INITIALIZERS = "table_initializer"
    MOVING_AVERAGE_VARIABLES = "moving_average_variables"


# ---------------------------------------------------------------------------
# Tensors and operations
# ---------------------------------------------------------------------------
class Operation:
    """A node of the graph (tf.Operation)."""

    __slots__ = ("graph", "_node")

    def __init__(self, graph: Graph, node: int) -> None:
        self.graph = graph
        self._node = node

    @property
    def name(self) -> str:
        return self.graph._c.node_name(self._node)

    @property
    def type(self) -> str:
        return self.graph._c.node_type(self._node)

    @property
    def inputs(self) -> list:
        return [Tensor(self.graph, n, i) for n, i in self.graph._c.node_inputs(self._node)]

    @property
    def outputs(self) -> list:
        return [Tensor(self.graph, self._node, i) for i in range(self.graph._c.num_outputs(self._node))]

    @property
    def control_inputs(self) -> list:
        return [Operation(self.graph, n) for n in self.graph._c.node_control_inputs(self._node)]

    def values(self) -> tuple:
        return tuple(self.outputs)

    def get_attr(self, name: str) -> Any:
        value = self.graph._c.node_attr(self._node, name)
        if isinstance(value, _core.DType):
            return _dtypes.as_dtype(value)
        return value

    def run(self, feed_dict: dict | None = None, session: Session | None = None) -> None:
        """Runs this op in `session` (default: the default session)."""
        _session_for(session, self.graph).run(self, feed_dict)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Operation) and other.graph is self.graph and other._node == self._node

    def __hash__(self) -> int:
        return hash((id(self.graph), self._node))

    def __repr__(self) -> str:
        return f"<slimcore.Operation '{self.name}' type={self.type}>"


class _Operators:
    """``+ - * / // % ** @``, unary ``-``, ``abs``, ``& | ^ ~`` (bool) and
    ``< <= > >=`` for tensors and variables, with tensors or Python numbers on either side (so
    ``sum(list_of_tensors)`` works); ``==`` stays identity, as TF1; and
    indexing ``x[1:3, ..., tf.newaxis]``.

    The arithmetic operators are installed by ``slimcore.ops.math_ops`` when it
    is imported (``_override_operator``, as TF's math_ops does), and indexing
    by ``slimcore.ops.array_ops`` (a strided slice), so this module does not
    depend on the ops; ``import slimcore`` imports them."""

    __slots__ = ()
    __array_priority__ = 100  # numpy defers to our operators

    def __pos__(self):
        return self

    def __iter__(self):
        # Indexing (__getitem__) would otherwise make Python iterate x[0], x[1]...
        raise TypeError(f"{type(self).__name__} objects are not iterable: their values exist only in a Session")

    if TYPE_CHECKING:  # what math_ops installs at import (_override_operator), for type checkers

        def __add__(self, other: TensorLike) -> Tensor: ...
        def __radd__(self, other: TensorLike) -> Tensor: ...
        def __sub__(self, other: TensorLike) -> Tensor: ...
        def __rsub__(self, other: TensorLike) -> Tensor: ...
        def __mul__(self, other: TensorLike) -> Tensor: ...
        def __rmul__(self, other: TensorLike) -> Tensor: ...
        def __truediv__(self, other: TensorLike) -> Tensor: ...
        def __rtruediv__(self, other: TensorLike) -> Tensor: ...
        def __matmul__(self, other: TensorLike) -> Tensor: ...
        def __rmatmul__(self, other: TensorLike) -> Tensor: ...
        def __neg__(self) -> Tensor: ...
        def __abs__(self) -> Tensor: ...
        def __lt__(self, other: TensorLike) -> Tensor: ...
        def __le__(self, other: TensorLike) -> Tensor: ...
        def __gt__(self, other: TensorLike) -> Tensor: ...
        def __ge__(self, other: TensorLike) -> Tensor: ...
        def __getitem__(self, slice_spec: Any) -> Tensor: ...
        def __pow__(self, other: TensorLike) -> Tensor: ...
        def __rpow__(self, other: TensorLike) -> Tensor: ...
        def __floordiv__(self, other: TensorLike) -> Tensor: ...
        def __rfloordiv__(self, other: TensorLike) -> Tensor: ...
        def __mod__(self, other: TensorLike) -> Tensor: ...
        def __rmod__(self, other: TensorLike) -> Tensor: ...
        def __and__(self, other: TensorLike) -> Tensor: ...
        def __rand__(self, other: TensorLike) -> Tensor: ...
        def __or__(self, other: TensorLike) -> Tensor: ...
        def __ror__(self, other: TensorLike) -> Tensor: ...
        def __xor__(self, other: TensorLike) -> Tensor: ...
        def __rxor__(self, other: TensorLike) -> Tensor: ...
        def __invert__(self) -> Tensor: ...


class Tensor(_Operators):
    """One output of an operation (tf.Tensor): a symbolic value.

    Supports ``+ - * /``, unary ``-`` and ``@`` with tensors and Python
    numbers on either side, so ``sum(list_of_tensors)`` works.
    """

    __slots__ = ("graph", "_node", "_index")

    def __init__(self, graph: Graph, node: int, index: int = 0) -> None:
        self.graph = graph
        self._node = node
        self._index = index

    @property
    def op(self) -> Operation:
        return Operation(self.graph, self._node)

    @property
    def name(self) -> str:
        return f"{self.graph._c.node_name(self._node)}:{self._index}"

    @property
    def value_index(self) -> int:
        return self._index

    @property
    def aliases(self) -> list:
        """The names slim gave this tensor (tf-slim's ``tensor.aliases``, set by
        ``slim.utils.append_tensor_alias``); a live list, empty when none.

        Tensors are value objects here, so the list lives in the graph, keyed
        by (op, output index): every handle on the same output sees it."""
        return self.graph._tensor_aliases.setdefault((self._node, self._index), [])

    @property
    def dtype(self) -> _dtypes.DType:
        return _dtypes.as_dtype(self.graph._c.output_dtype(self._node, self._index))

    @property
    def shape(self) -> TensorShape:
        """The static shape (tf.Tensor.shape): what shape inference and set_shape know."""
        return TensorShape._from_core(self.graph._c.output_shape(self._node, self._index))

    def get_shape(self) -> TensorShape:
        """tf.Tensor.get_shape(): the static shape, as ``shape``."""
        return self.shape

    def set_shape(self, shape: ShapeLike | None) -> None:
        """tf.Tensor.set_shape: refines the static shape with what `shape` knows.

        The static shape becomes ``self.shape.merge_with(shape)``: its unknown
        dimensions take the known ones of `shape` (``TensorShape(None)`` or
        None change nothing). Ops built afterwards on this tensor see the
        refined shape, and a feed of it is checked against it; ops already
        built keep their inferred shapes, as in TF1.

        Args:
          shape: a TensorShape, or a list of ints and None.

        Raises:
          ValueError: `shape` is not compatible with the static shape (other
            rank, or a known dimension that differs), naming both shapes.
        """
        current = self.shape
        try:
            merged = current.merge_with(shape)
        except ValueError:
            raise ValueError(
                f"set_shape of Tensor {self.name}: shapes {current} and {as_shape(shape)} are not compatible"
            ) from None
        if merged.ndims is not None:  # an unknown-rank tensor takes the rank here
            dims = [-1 if d is None else d for d in merged.as_list()]
            self.graph._c.refine_output_shape(self._node, self._index, dims)

    @property
    def _ref(self) -> tuple:
        return (self._node, self._index)

    def eval(self, feed_dict: dict | None = None, session: Session | None = None) -> np.ndarray:
        """Computes this tensor in `session` (default: the default session)."""
        return _session_for(session, self.graph).run(self, feed_dict)

    def __eq__(self, other: object) -> bool:
        # Identity, as TF1: tensors are dict keys (feed_dict), not elementwise.
        return (
            isinstance(other, Tensor)
            and other.graph is self.graph
            and other._node == self._node
            and other._index == self._index
        )

    def __hash__(self) -> int:
        return hash((id(self.graph), self._node, self._index))

    def __bool__(self) -> bool:
        raise TypeError(
            "Using a slimcore Tensor as a Python bool is not allowed: "
            "the value exists only when a Session runs the graph"
        )

    def __len__(self) -> int:
        raise TypeError(
            f"len is not well defined for symbolic Tensor {self.name}; use tensor.shape[0] for the static size"
        )

    def __iter__(self):
        raise TypeError(f"Tensor {self.name} is not iterable: its values exist only in a Session")

    def __repr__(self) -> str:
        return f"<slimcore.Tensor '{self.name}' shape={self.shape} dtype={self.dtype.name}>"


def _override_operator(name: str, operator: Callable) -> None:
    """Installs `operator` as the method `name` ("__add__", ...) of tensors and
    variables (TF's Tensor._override_operator); math_ops and array_ops call it
    on import.

    Raises:
      ValueError: `name` is not an arithmetic operator method.
    """
    if name not in _OVERRIDABLE_OPERATORS:
        raise ValueError(f"cannot override {name!r}: operators are {sorted(_OVERRIDABLE_OPERATORS)}")
    setattr(_Operators, name, operator)


_OVERRIDABLE_OPERATORS = frozenset(
    {
        "__add__",
        "__radd__",
        "__sub__",
        "__rsub__",
        "__mul__",
        "__rmul__",
        "__truediv__",
        "__rtruediv__",
        "__neg__",
        "__matmul__",
        "__rmatmul__",
        "__abs__",
        "__lt__",
        "__le__",
        "__gt__",
        "__ge__",
        "__getitem__",
        "__pow__",
        "__rpow__",
        "__floordiv__",
        "__rfloordiv__",
        "__mod__",
        "__rmod__",
        "__and__",
        "__rand__",
        "__or__",
        "__ror__",
        "__xor__",
        "__rxor__",
        "__invert__",
    }
)


# ---------------------------------------------------------------------------
# Graph
# ---------------------------------------------------------------------------
class Graph:
    """A dataflow graph (tf.Graph): ops, names, name scopes and collections."""

    def __init__(self) -> None:
        self._c = _core.Graph()
        self._collections: dict[str, list] = {}
        self._variables: dict[int, Any] = {}  # VariableV2 node -> Variable
        self._tensor_aliases: dict[tuple, list] = {}  # (node, index) -> slim aliases
        self._lock = threading.RLock()
        self.seed: int | None = None

    # ---- default graph ------------------------------------------------------
    @contextlib.contextmanager
    def as_default(self) -> Iterator[Graph]:
        """Makes this the default graph of the current thread inside the block."""
        stack = _graph_stack()
        stack.append(self)
        try:
            yield self
        finally:
            stack.pop()

    # ---- building ops ---------------------------------------------------------
    def _add_node(self, op_type: str, inputs: Sequence[Tensor], attrs: dict, name: str | None) -> int:
        with self._lock:
            return self._c.add_node(op_type, [t._ref for t in inputs], attrs, name or op_type)

    def unique_name(self, name: str, mark_as_used: bool = True) -> str:
        """TF's unique name under the current name scope ("dense", "dense_1")."""
        return self._c.unique_name(name, mark_as_used)

    def get_name_scope(self) -> str:
        return self._c.name_stack

    @contextlib.contextmanager
    def name_scope(self, name: str | None) -> Iterator[str]:
        """Enters a name scope; yields its string ("scope/"), as tf.Graph.name_scope."""
        old = self._c.name_stack
        try:
            scope = self._c.enter_name_scope("") if name is None or name == "" else self._c.enter_name_scope(name)
            yield scope
        finally:
            self._c.name_stack = old

    @contextlib.contextmanager
    def control_dependencies(self, control_inputs: Iterable[GraphElementLike] | None) -> Iterator[None]:
        """Ops created inside run after `control_inputs` (None clears outer ones)."""
        clear = control_inputs is None
        nodes = [] if clear else [_as_node(self, c) for c in control_inputs]
        self._c.push_control_dependencies(nodes, clear)
        try:
            yield
        finally:
            self._c.pop_control_dependencies()

    # ---- lookup ---------------------------------------------------------------
    def get_operations(self) -> list:
        return [Operation(self, i) for i in range(self._c.num_nodes())]

    def get_operation_by_name(self, name: str) -> Operation:
        node = self._c.find_node(name)
        if node < 0:
            raise KeyError(f"The name '{name}' refers to an Operation not in the graph")
        return Operation(self, node)

    def get_tensor_by_name(self, name: str) -> Tensor:
        match = re.fullmatch(r"(.+):(\d+)", name)
        if not match:
            raise ValueError(
                f"The name '{name}' looks like an op name, not a tensor name "
                "(tensor names are '<op name>:<output index>')"
            )
        op = self.get_operation_by_name(match.group(1))
        index = int(match.group(2))
        if index >= self._c.num_outputs(op._node):
            raise KeyError(
                f"The name '{name}' refers to a Tensor which does not exist: "
                f"op '{op.name}' has {self._c.num_outputs(op._node)} outputs"
            )
        return Tensor(self, op._node, index)

    def as_graph_element(self, obj: GraphElementLike | str) -> Tensor | Operation:
        if isinstance(obj, str):
            return self.get_tensor_by_name(obj) if ":" in obj else self.get_operation_by_name(obj)
        element = _graph_element(obj)
        if element.graph is not self:
            raise ValueError(f"{element!r} is not an element of this graph")
        return element

    # ---- collections ------------------------------------------------------------
    def add_to_collection(self, name: str, value: Any) -> None:
        """Appends `value` to collection `name` (insertion order kept). Graph
        elements are also recorded in the C++ graph, where C++ code sees them."""
        self._collections.setdefault(name, []).append(value)
        element = _graph_element(value, strict=False)
        if element is not None and element.graph is self:
            index = element._index if isinstance(element, Tensor) else -1
            self._c.add_to_collection(name, element._node, max(index, 0))

    def add_to_collections(self, names: str | Iterable[str], value: Any) -> None:
        for name in [names] if isinstance(names, str) else list(dict.fromkeys(names)):
            self.add_to_collection(name, value)

    def get_collection_ref(self, name: str) -> list:
        return self._collections.setdefault(name, [])

    def get_collection(self, name: str, scope: str | None = None) -> list:
        """A copy of collection `name`; with `scope`, only items whose name
        matches the regular expression `scope` at its start (as TF)."""
        items = list(self._collections.get(name, []))
        if scope is None:
            return items
        pattern = re.compile(scope)
        return [item for item in items if getattr(item, "name", None) is not None and pattern.match(item.name)]

    def get_all_collection_keys(self) -> list:
        """Every collection key the graph has, as TF1: including keys whose list is
        empty but was created (get_collection_ref, as every TF1 layer does for UPDATE_OPS)."""
        return list(self._collections)

    def clear_collection(self, name: str) -> None:
        self._collections.pop(name, None)
        self._c.clear_collection(name)

    def __repr__(self) -> str:
        return f"<slimcore.Graph with {self._c.num_nodes()} ops>"


def _as_node(graph: Graph, obj: GraphElementLike) -> int:
    element = _graph_element(obj)
    if element.graph is not graph:
        raise ValueError(f"{element!r} belongs to another graph")
    return element._node


def _graph_element(obj: object, strict: bool = True) -> Tensor | Operation | None:
    """The Tensor or Operation behind obj (a Variable gives its value tensor)."""
    if isinstance(obj, (Tensor, Operation)):
        return obj
    to_tensor = getattr(obj, "_as_graph_element", None)
    if to_tensor is not None:
        return to_tensor()
    if strict:
        raise TypeError(f"Expected a Tensor, Operation or Variable, got {type(obj).__name__}: {obj!r}")
    return None


# ---------------------------------------------------------------------------
# The default graph (one per thread, a global one underneath)
# ---------------------------------------------------------------------------
_thread_state = threading.local()
_global_default_graph: Graph | None = None
_global_lock = threading.Lock()


def _graph_stack() -> list:
    if not hasattr(_thread_state, "graphs"):
        _thread_state.graphs = []
    return _thread_state.graphs


def get_default_graph() -> Graph:
    """The innermost graph of ``with g.as_default()`` in this thread, else the global default graph."""
    stack = _graph_stack()
    if stack:
        return stack[-1]
    global _global_default_graph
    with _global_lock:
        if _global_default_graph is None:
            _global_default_graph = Graph()
        return _global_default_graph


def reset_default_graph() -> None:
    """Replaces the global default graph with a new, empty one.

    Raises:
      AssertionError: inside a ``with g.as_default()`` block, as TF1.
    """
    if _graph_stack():
        raise AssertionError(
            "Do not use reset_default_graph() to clear nested graphs: leave the `with graph.as_default()` block first"
        )
    global _global_default_graph
    with _global_lock:
        _global_default_graph = Graph()


# ---------------------------------------------------------------------------
# The default session (one stack per thread; Session pushes itself on it)
# ---------------------------------------------------------------------------
def _session_stack() -> list:
    if not hasattr(_thread_state, "sessions"):
        _thread_state.sessions = []
    return _thread_state.sessions


def get_default_session() -> Session | None:
    """The innermost session of ``with sess.as_default()`` / ``with Session()`` in this thread."""
    stack = _session_stack()
    return stack[-1] if stack else None


def _session_for(session: Session | None, graph: Graph) -> Session:
    """`session`, else the default session, checked to run `graph` (for eval() and run()).

    Raises:
      ValueError: no session is given and none is the default, or it runs another graph.
    """
    session = session or get_default_session()
    if session is None:
        raise ValueError(
            "Cannot evaluate tensor using `eval()`: No default session is registered. "
            "Use `with sess.as_default()` or pass an explicit session"
        )
    if session.graph is not graph:
        raise ValueError(
            "Cannot use the given session to evaluate tensor: the tensor's graph is different from the session's graph"
        )
    return session


@contextlib.contextmanager
def name_scope(
    name: str | None, default_name: str | None = None, values: Sequence[TensorLike] | None = None
) -> Iterator[str]:
    """tf.name_scope(name, default_name=None, values=None): ops created inside
    get the prefix "name/" (made unique: "name_1/"); yields the scope string."""
    graph = _graph_of(values) if values else get_default_graph()
    scope_name = name if name is not None else default_name
    if scope_name is None:
        raise ValueError("name_scope needs a name or a default_name")
    with graph.name_scope(scope_name) as scope:
        yield scope


def control_dependencies(control_inputs: Iterable[GraphElementLike] | None) -> contextlib.AbstractContextManager[None]:
    """tf.control_dependencies: ops created inside run after `control_inputs`."""
    if control_inputs is not None:
        control_inputs = list(control_inputs)
        graph = _graph_of(control_inputs) if control_inputs else get_default_graph()
    else:
        graph = get_default_graph()
    return graph.control_dependencies(control_inputs)


def add_to_collection(name: str, value: Any) -> None:
    """Appends `value` to the default graph's collection `name`."""
    get_default_graph().add_to_collection(name, value)


def add_to_collections(names: str | Iterable[str], value: Any) -> None:
    get_default_graph().add_to_collections(names, value)


def get_collection(key: str, scope: str | None = None) -> list:
    """The default graph's collection `key`, filtered by name prefix regex `scope`."""
    return get_default_graph().get_collection(key, scope)


def get_collection_ref(key: str) -> list:
    return get_default_graph().get_collection_ref(key)


# ---------------------------------------------------------------------------
# Conversion and op creation (used by every op module)
# ---------------------------------------------------------------------------
def _graph_of(values: Iterable[object]) -> Graph:
    """The graph the given values live in (the default graph when none is a tensor).

    Raises:
      ValueError: when tensors of two graphs are mixed.
    """
    graph = None
    first = None
    for value in values:
        element = _graph_element(value, strict=False)
        if element is None:
            continue
        if graph is None:
            graph, first = element.graph, element
        elif element.graph is not graph:
            raise ValueError(f"{element!r} must be from the same graph as {first!r}")
    return graph if graph is not None else get_default_graph()


def _infer_numpy(value: TensorLike, dtype: _dtypes.DType | None) -> np.ndarray:
    """numpy value of a constant, with TF's dtype inference (Python floats
    become float32, Python ints int32)."""
    if dtype is not None and dtype.name == "string":
        return _string_array(value)
    if dtype is not None:
        try:
            array = np.asarray(value)
        except Exception as e:  # ragged lists and the like
            raise ValueError(f"cannot convert {value!r} to a tensor: {e}") from None
        target = dtype.as_numpy_dtype
        if (
            array.dtype.kind == "f"
            and np.dtype(target).kind in "iub"
            and array.size
            and not np.all(np.isfinite(array) & (array == np.round(array)))
        ):
            raise TypeError(
                f"Expected {dtype.name}, got {value!r} of type float that cannot be converted to {dtype.name} exactly"
            )
        if array.dtype.kind not in "fiub":
            raise TypeError(f"cannot convert {value!r} (numpy dtype {array.dtype}) to {dtype.name}")
        if np.dtype(target).kind in "iu" and array.dtype.kind in "iuf" and array.size:
            info = np.iinfo(target)
            if array.min() < info.min or array.max() > info.max:  # astype would wrap silently
                raise TypeError(f"Value {value!r} is out of range for {dtype.name} [{info.min}, {info.max}]")
        return np.require(array.astype(target, copy=False), requirements="C")
    array = np.asarray(value)
    if array.dtype.kind in "OSU":
        return _string_array(value)
    if isinstance(value, (np.ndarray, np.generic)):
        if array.dtype.name not in _dtypes._BY_NAME:
            if array.dtype.kind in "iu":
                return np.require(array.astype(np.int64), requirements="C")
            raise TypeError(f"unsupported numpy dtype {array.dtype} for a tensor")
        return np.require(array, requirements="C")
    if array.dtype.kind == "f":
        return np.require(array.astype(np.float32), requirements="C")
    if array.dtype.kind in "iu":
        if array.size and (array.max() > np.iinfo(np.int32).max or array.min() < np.iinfo(np.int32).min):
            return np.require(array.astype(np.int64), requirements="C")
        return np.require(array.astype(np.int32), requirements="C")
    if array.dtype.kind == "b":
        return np.require(array, requirements="C")
    raise TypeError(f"cannot convert {value!r} to a tensor: unsupported type {type(value).__name__}")


def _string_array(value: Any) -> np.ndarray:
    """`value` (bytes, str, or nested lists / an array of them) as a numpy
    object array of bytes, str encoded UTF-8: what a tf.string tensor holds.

    Raises:
      TypeError: an element that is neither bytes nor str (TF1 does not turn
        numbers into strings either).
    """
    try:
        array = np.asarray(value, dtype=object)
    except Exception as e:  # ragged lists and the like
        raise ValueError(f"cannot convert {value!r} to a string tensor: {e}") from None
    out = np.empty(array.shape, dtype=object)
    for index, item in np.ndenumerate(array):
        if isinstance(item, (bytes, np.bytes_)):
            out[index] = bytes(item)
        elif isinstance(item, str):
            out[index] = item.encode("utf-8")
        else:
            raise TypeError(f"Expected bytes or str for a string tensor, got {item!r} of type {type(item).__name__}")
    return out


def convert_to_tensor(
    value: TensorLike, dtype: DTypeLike | None = None, name: str | None = None, graph: Graph | None = None
) -> Tensor:
    """tf.convert_to_tensor: a Tensor as is (its dtype checked), a Variable as
    its value, anything else as a constant.

    Raises:
      ValueError: `value` is None ("None values not supported.", as TF1).
      TypeError: when `dtype` is given and the value has another dtype.
    """
    if value is None:
        raise ValueError("None values not supported.")
    want = None if dtype is None else _dtypes.as_dtype(dtype)
    element = _tensor_or_none(value)
    if element is None and isinstance(value, Operation):
        element = value
    if isinstance(element, Tensor):
        if want is not None and element.dtype != want:
            raise TypeError(
                f"Tensor conversion requested dtype {want.name} for Tensor "
                f"{element.name} with dtype {element.dtype.name}"
            )
        return element
    if isinstance(element, Operation):
        raise TypeError(f"Can't convert Operation '{element.name}' to a Tensor")
    for _, base_type, conversion_func in _conversion_functions:
        if isinstance(value, base_type):
            return conversion_func(value, dtype=want, name=name or "Const", graph=graph)
    raise TypeError(
        f"no tensor conversion function is registered for {type(value).__name__} "
        f"({value!r}); `import slimcore` registers constants for Python and numpy values"
    )


# (priority, base type, function): array_ops registers constant() for every
# Python and numpy value, as TF's constant_op does.
_conversion_functions: list = []


def register_tensor_conversion_function(
    base_type: type | tuple[type, ...], conversion_func: Callable[..., Tensor], priority: int = 100
) -> None:
    """tf.register_tensor_conversion_function: convert_to_tensor calls
    ``conversion_func(value, dtype=, name=, graph=)`` for values of
    `base_type` (a type or tuple of types) that are not tensors; lower
    priorities are tried first.

    Raises:
      TypeError: `base_type` is not a type or `conversion_func` not callable.
    """
    types = base_type if isinstance(base_type, tuple) else (base_type,)
    if not types or not all(isinstance(t, type) for t in types):
        raise TypeError(f"base_type must be a type or a tuple of types, got {base_type!r}")
    if not callable(conversion_func):
        raise TypeError(f"conversion_func must be callable, got {conversion_func!r}")
    _conversion_functions.append((priority, base_type, conversion_func))
    _conversion_functions.sort(key=lambda entry: entry[0])


def _tensor_or_none(value: object) -> Tensor | None:
    """value as a Tensor when it is one (a Variable gives its read value)."""
    if isinstance(value, Tensor):
        return value
    as_tensor = getattr(value, "_as_tensor", None)
    return as_tensor() if as_tensor is not None else None


def _binary_operands(x: TensorLike, y: TensorLike) -> tuple[Tensor, Tensor]:
    """Converts operands for a binary op: a non-tensor takes the dtype of the
    tensor on the other side, as TF's operators do."""
    tx = _tensor_or_none(x)
    ty = _tensor_or_none(y)
    if isinstance(tx, Tensor) and not isinstance(ty, Tensor):
        return tx, convert_to_tensor(y, dtype=tx.dtype, graph=tx.graph)
    if isinstance(ty, Tensor) and not isinstance(tx, Tensor):
        return convert_to_tensor(x, dtype=ty.dtype, graph=ty.graph), ty
    return convert_to_tensor(x), convert_to_tensor(y)


def _op(
    op_type: str,
    inputs: Sequence[TensorLike],
    attrs: dict | None = None,
    name: str | None = None,
    graph: Graph | None = None,
) -> Operation:
    """Adds a node of `op_type`; inputs are converted with convert_to_tensor."""
    if graph is None:
        graph = _graph_of(inputs)
    tensors = [convert_to_tensor(x, graph=graph) for x in inputs]
    for t in tensors:
        if t.graph is not graph:
            raise ValueError(f"{t!r} must be from the same graph as the op '{name or op_type}'")
    node = graph._add_node(op_type, tensors, attrs or {}, name)
    return Operation(graph, node)


def _op1(
    op_type: str,
    inputs: Sequence[TensorLike],
    attrs: dict | None = None,
    name: str | None = None,
    graph: Graph | None = None,
) -> Tensor:
    """Same as _op, returning the op's first output."""
    op = _op(op_type, inputs, attrs, name, graph)
    return Tensor(op.graph, op._node, 0)
