"""Graphs, tensors and operations: the define-then-run core of TF1's API.

A :class:`Graph` wraps the C++ graph; :class:`Tensor` and :class:`Operation`
are light handles (graph, node id, output index) on its nodes. One default
graph per thread, as ``tf.get_default_graph()``::

    g = slimcore.Graph()
    with g.as_default():
        x = slimcore.placeholder(slimcore.float32, [None, 784], name="x")
        print(x.name, x.shape)          # x:0 (?, 784)
"""
from __future__ import annotations

import contextlib
import re
import threading
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence, Union

import numpy as np

from . import _core
from . import dtypes as _dtypes

__all__ = [
    "Graph", "Tensor", "Operation", "TensorShape", "Dimension", "GraphKeys",
    "get_default_graph", "reset_default_graph", "name_scope", "control_dependencies",
    "add_to_collection", "add_to_collections", "get_collection", "get_collection_ref",
    "convert_to_tensor",
]


class GraphKeys:
    """The standard collection names (tf.GraphKeys)."""

    GLOBAL_VARIABLES = "variables"
    VARIABLES = "variables"
    TRAINABLE_VARIABLES = "trainable_variables"
    LOCAL_VARIABLES = "local_variables"
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


# ---------------------------------------------------------------------------
# Shapes
# ---------------------------------------------------------------------------
class Dimension:
    """One dimension of a static shape; ``value`` is None when unknown."""

    __slots__ = ("value",)

    def __init__(self, value: Optional[int]) -> None:
        self.value = None if value is None or value < 0 else int(value)

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

    def __init__(self, dims: Optional[Iterable[Optional[int]]]) -> None:
        if dims is None:
            raise ValueError("slimcore shapes always have a known rank")
        self._dims = [None if d is None or (isinstance(d, (int, np.integer)) and d < 0)
                      else int(d) for d in (d.value if isinstance(d, Dimension) else d for d in dims)]

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

    def num_elements(self) -> Optional[int]:
        return int(np.prod(self._dims)) if self.is_fully_defined() else None

    def is_compatible_with(self, other: Any) -> bool:
        other = other if isinstance(other, TensorShape) else TensorShape(other)
        return len(self) == len(other) and all(
            a is None or b is None or a == b for a, b in zip(self._dims, other._dims))

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


def _core_shape(shape: Any) -> list:
    """A shape argument (list with None / -1, TensorShape, int) as a list with -1."""
    if shape is None:
        raise ValueError("a shape is required")
    if isinstance(shape, TensorShape):
        return [-1 if d is None else d for d in shape.as_list()]
    if isinstance(shape, (int, np.integer)):
        return [int(shape)]
    out = []
    for d in shape:
        if isinstance(d, Dimension):
            d = d.value
        if d is None:
            out.append(-1)
        elif isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d >= -1:
            out.append(int(d))
        else:
            raise ValueError(f"invalid dimension {d!r} in shape {shape!r}: expected an int >= 0 or None")
    return out


# ---------------------------------------------------------------------------
# Tensors and operations
# ---------------------------------------------------------------------------
class Operation:
    """A node of the graph (tf.Operation)."""

    __slots__ = ("graph", "_node")

    def __init__(self, graph: "Graph", node: int) -> None:
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

    def run(self, feed_dict: Optional[dict] = None, session: Any = None) -> None:
        """Runs this op in `session` (default: the default session)."""
        from .session import _session_for
        _session_for(session, self.graph).run(self, feed_dict)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Operation) and other.graph is self.graph and other._node == self._node

    def __hash__(self) -> int:
        return hash((id(self.graph), self._node))

    def __repr__(self) -> str:
        return f"<slimcore.Operation '{self.name}' type={self.type}>"


class _Operators:
    """``+ - * / @``, unary ``-`` and ``abs`` for tensors and variables, with
    tensors or Python numbers on either side (so ``sum(list_of_tensors)`` works)."""

    __slots__ = ()
    __array_priority__ = 100  # numpy defers to our operators

    def __add__(self, other): return _math().add(self, other, name="add")
    def __radd__(self, other): return _math().add(other, self, name="add")
    def __sub__(self, other): return _math().subtract(self, other, name="sub")
    def __rsub__(self, other): return _math().subtract(other, self, name="sub")
    def __mul__(self, other): return _math().multiply(self, other, name="mul")
    def __rmul__(self, other): return _math().multiply(other, self, name="mul")
    def __truediv__(self, other): return _math().divide(self, other, name="truediv")
    def __rtruediv__(self, other): return _math().divide(other, self, name="truediv")
    def __neg__(self): return _math().negative(self, name="Neg")
    def __pos__(self): return self
    def __matmul__(self, other): return _math().matmul(self, other)
    def __rmatmul__(self, other): return _math().matmul(other, self)
    def __abs__(self): return _math().abs(self)



class Tensor(_Operators):
    """One output of an operation (tf.Tensor): a symbolic value.

    Supports ``+ - * /``, unary ``-`` and ``@`` with tensors and Python
    numbers on either side, so ``sum(list_of_tensors)`` works.
    """

    __slots__ = ("graph", "_node", "_index")

    def __init__(self, graph: "Graph", node: int, index: int = 0) -> None:
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
    def dtype(self) -> _dtypes.DType:
        return _dtypes.as_dtype(self.graph._c.output_dtype(self._node, self._index))

    @property
    def shape(self) -> TensorShape:
        return TensorShape(self.graph._c.output_shape(self._node, self._index))

    def get_shape(self) -> TensorShape:
        return self.shape

    @property
    def _ref(self) -> tuple:
        return (self._node, self._index)

    def eval(self, feed_dict: Optional[dict] = None, session: Any = None) -> np.ndarray:
        """Computes this tensor in `session` (default: the default session)."""
        from .session import _session_for
        return _session_for(session, self.graph).run(self, feed_dict)

    def __eq__(self, other: object) -> bool:
        # Identity, as TF1: tensors are dict keys (feed_dict), not elementwise.
        return (isinstance(other, Tensor) and other.graph is self.graph
                and other._node == self._node and other._index == self._index)

    def __hash__(self) -> int:
        return hash((id(self.graph), self._node, self._index))

    def __bool__(self) -> bool:
        raise TypeError("Using a slimcore Tensor as a Python bool is not allowed: "
                        "the value exists only when a Session runs the graph")

    def __len__(self) -> int:
        raise TypeError(f"len is not well defined for symbolic Tensor {self.name}; "
                        "use tensor.shape[0] for the static size")

    def __iter__(self):
        raise TypeError(f"Tensor {self.name} is not iterable: its values exist only in a Session")

    def __repr__(self) -> str:
        return f"<slimcore.Tensor '{self.name}' shape={self.shape} dtype={self.dtype.name}>"


def _math():
    from . import math_ops
    return math_ops


# ---------------------------------------------------------------------------
# Graph
# ---------------------------------------------------------------------------
class Graph:
    """A dataflow graph (tf.Graph): ops, names, name scopes and collections."""

    def __init__(self) -> None:
        self._c = _core.Graph()
        self._collections: dict[str, list] = {}
        self._variables: dict[int, Any] = {}  # VariableV2 node -> Variable
        self._lock = threading.RLock()
        self.seed: Optional[int] = None

    # ---- default graph ------------------------------------------------------
    @contextlib.contextmanager
    def as_default(self) -> Iterator["Graph"]:
        """Makes this the default graph of the current thread inside the block."""
        stack = _graph_stack()
        stack.append(self)
        try:
            yield self
        finally:
            stack.pop()

    # ---- building ops ---------------------------------------------------------
    def _add_node(self, op_type: str, inputs: Sequence[Tensor], attrs: dict, name: Optional[str]) -> int:
        with self._lock:
            return self._c.add_node(op_type, [t._ref for t in inputs], attrs, name or op_type)

    def unique_name(self, name: str, mark_as_used: bool = True) -> str:
        """TF's unique name under the current name scope ("dense", "dense_1")."""
        return self._c.unique_name(name, mark_as_used)

    def get_name_scope(self) -> str:
        return self._c.name_stack

    @contextlib.contextmanager
    def name_scope(self, name: Optional[str]) -> Iterator[str]:
        """Enters a name scope; yields its string ("scope/"), as tf.Graph.name_scope."""
        old = self._c.name_stack
        try:
            if name is None or name == "":
                scope = self._c.enter_name_scope("")
            else:
                scope = self._c.enter_name_scope(name)
            yield scope
        finally:
            self._c.name_stack = old

    @contextlib.contextmanager
    def control_dependencies(self, control_inputs: Optional[Iterable[Any]]) -> Iterator[None]:
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
            raise ValueError(f"The name '{name}' looks like an op name, not a tensor name "
                             "(tensor names are '<op name>:<output index>')")
        op = self.get_operation_by_name(match.group(1))
        index = int(match.group(2))
        if index >= self._c.num_outputs(op._node):
            raise KeyError(f"The name '{name}' refers to a Tensor which does not exist: "
                           f"op '{op.name}' has {self._c.num_outputs(op._node)} outputs")
        return Tensor(self, op._node, index)

    def as_graph_element(self, obj: Any) -> Union[Tensor, Operation]:
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

    def add_to_collections(self, names: Union[str, Iterable[str]], value: Any) -> None:
        for name in ([names] if isinstance(names, str) else list(dict.fromkeys(names))):
            self.add_to_collection(name, value)

    def get_collection_ref(self, name: str) -> list:
        return self._collections.setdefault(name, [])

    def get_collection(self, name: str, scope: Optional[str] = None) -> list:
        """A copy of collection `name`; with `scope`, only items whose name
        matches the regular expression `scope` at its start (as TF)."""
        items = list(self._collections.get(name, []))
        if scope is None:
            return items
        pattern = re.compile(scope)
        return [item for item in items
                if getattr(item, "name", None) is not None and pattern.match(item.name)]

    def get_all_collection_keys(self) -> list:
        return [k for k, v in self._collections.items() if v]

    def clear_collection(self, name: str) -> None:
        self._collections.pop(name, None)
        self._c.clear_collection(name)

    def __repr__(self) -> str:
        return f"<slimcore.Graph with {self._c.num_nodes()} ops>"


def _as_node(graph: Graph, obj: Any) -> int:
    element = _graph_element(obj)
    if element.graph is not graph:
        raise ValueError(f"{element!r} belongs to another graph")
    return element._node


def _graph_element(obj: Any, strict: bool = True) -> Optional[Union[Tensor, Operation]]:
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
_global_default_graph: Optional[Graph] = None
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
        raise AssertionError("Do not use reset_default_graph() to clear nested graphs: "
                             "leave the `with graph.as_default()` block first")
    global _global_default_graph
    with _global_lock:
        _global_default_graph = Graph()


@contextlib.contextmanager
def name_scope(name: Optional[str], default_name: Optional[str] = None,
               values: Optional[Sequence[Any]] = None) -> Iterator[str]:
    """tf.name_scope(name, default_name=None, values=None): ops created inside
    get the prefix "name/" (made unique: "name_1/"); yields the scope string."""
    graph = _graph_of(values) if values else get_default_graph()
    scope_name = name if name is not None else default_name
    if scope_name is None:
        raise ValueError("name_scope needs a name or a default_name")
    with graph.name_scope(scope_name) as scope:
        yield scope


def control_dependencies(control_inputs: Optional[Iterable[Any]]):
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


def add_to_collections(names: Union[str, Iterable[str]], value: Any) -> None:
    get_default_graph().add_to_collections(names, value)


def get_collection(key: str, scope: Optional[str] = None) -> list:
    """The default graph's collection `key`, filtered by name prefix regex `scope`."""
    return get_default_graph().get_collection(key, scope)


def get_collection_ref(key: str) -> list:
    return get_default_graph().get_collection_ref(key)


# ---------------------------------------------------------------------------
# Conversion and op creation (used by every op module)
# ---------------------------------------------------------------------------
def _graph_of(values: Iterable[Any]) -> Graph:
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


def _infer_numpy(value: Any, dtype: Optional[_dtypes.DType]) -> np.ndarray:
    """numpy value of a constant, with TF's dtype inference (Python floats
    become float32, Python ints int32)."""
    if dtype is not None:
        try:
            array = np.asarray(value)
        except Exception as e:  # ragged lists and the like
            raise ValueError(f"cannot convert {value!r} to a tensor: {e}") from None
        target = dtype.as_numpy_dtype
        if array.dtype.kind == "f" and np.dtype(target).kind in "iub" and array.size and \
                not np.all(np.isfinite(array) & (array == np.round(array))):
            raise TypeError(f"Expected {dtype.name}, got {value!r} of type float that cannot be "
                            f"converted to {dtype.name} exactly")
        if array.dtype.kind not in "fiub":
            raise TypeError(f"cannot convert {value!r} (numpy dtype {array.dtype}) to {dtype.name}")
        return np.require(array.astype(target, copy=False), requirements="C")
    array = np.asarray(value)
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        if array.dtype.name not in ("float32", "float64", "int32", "int64", "bool"):
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


def convert_to_tensor(value: Any, dtype: Any = None, name: Optional[str] = None,
                      graph: Optional[Graph] = None) -> Tensor:
    """tf.convert_to_tensor: a Tensor as is (its dtype checked), a Variable as
    its value, anything else as a constant.

    Raises:
      TypeError: when `dtype` is given and the value has another dtype.
    """
    want = None if dtype is None else _dtypes.as_dtype(dtype)
    element = _tensor_or_none(value)
    if element is None and isinstance(value, Operation):
        element = value
    if isinstance(element, Tensor):
        if want is not None and element.dtype != want:
            raise TypeError(f"Tensor conversion requested dtype {want.name} for Tensor "
                            f"{element.name} with dtype {element.dtype.name}")
        return element
    if isinstance(element, Operation):
        raise TypeError(f"Can't convert Operation '{element.name}' to a Tensor")
    from .array_ops import constant
    return constant(value, dtype=want, name=name or "Const", graph=graph)


def _tensor_or_none(value: Any) -> Optional[Tensor]:
    """value as a Tensor when it is one (a Variable gives its read value)."""
    if isinstance(value, Tensor):
        return value
    as_tensor = getattr(value, "_as_tensor", None)
    return as_tensor() if as_tensor is not None else None


def _binary_operands(x: Any, y: Any) -> tuple:
    """Converts operands for a binary op: a non-tensor takes the dtype of the
    tensor on the other side, as TF's operators do."""
    tx = _tensor_or_none(x)
    ty = _tensor_or_none(y)
    if isinstance(tx, Tensor) and not isinstance(ty, Tensor):
        return tx, convert_to_tensor(y, dtype=tx.dtype, graph=tx.graph)
    if isinstance(ty, Tensor) and not isinstance(tx, Tensor):
        return convert_to_tensor(x, dtype=ty.dtype, graph=ty.graph), ty
    return convert_to_tensor(x), convert_to_tensor(y)


def _op(op_type: str, inputs: Sequence[Any], attrs: Optional[dict] = None,
        name: Optional[str] = None, graph: Optional[Graph] = None) -> Operation:
    """Adds a node of `op_type`; inputs are converted with convert_to_tensor."""
    if graph is None:
        graph = _graph_of(inputs)
    tensors = [convert_to_tensor(x, graph=graph) for x in inputs]
    for t in tensors:
        if t.graph is not graph:
            raise ValueError(f"{t!r} must be from the same graph as the op '{name or op_type}'")
    node = graph._add_node(op_type, tensors, attrs or {}, name)
    return Operation(graph, node)


def _op1(op_type: str, inputs: Sequence[Any], attrs: Optional[dict] = None,
         name: Optional[str] = None, graph: Optional[Graph] = None) -> Tensor:
    """Same as _op, returning the op's first output."""
    op = _op(op_type, inputs, attrs, name, graph)
    return Tensor(op.graph, op._node, 0)
