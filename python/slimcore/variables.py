"""Variables (tf.Variable) and their initializers.

A variable is a VariableV2 node whose value lives in each Session (trainable
float32 variables in one contiguous arena). As in TF1, ``Variable("v")``
creates the ops ``v`` (the variable), ``v/Assign`` (its initializer) and
``v/read`` (the value other ops consume)::

    w = slimcore.Variable(np.zeros([784, 10], np.float32), name="w")
    with slimcore.Session() as sess:
        sess.run(slimcore.global_variables_initializer())
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from . import _core
from .framework import dtypes as _dtypes
from .framework.ops import (
    GraphKeys,
    Operation,
    Tensor,
    _op1,
    _Operators,
    _session_for,
    convert_to_tensor,
    get_default_graph,
    name_scope,
)
from .ops.control_flow_ops import group, no_op
from .regularizers import Regularizer

if TYPE_CHECKING:  # annotations only
    from .framework.session import Session
    from .framework.types import DTypeLike, InitializerFn, TensorLike

__all__ = [
    "Variable",
    "variables_with_roles",
    "global_variables",
    "trainable_variables",
    "local_variables",
    "local_variables_initializer",
    "initialize_local_variables",
    "tables_initializer",
    "model_variables",
    "global_variables_initializer",
    "variables_initializer",
    "initialize_all_variables",
    "assign",
    "assign_add",
    "assign_sub",
    "is_variable_initialized",
    "report_uninitialized_variables",
    "ROLES",
    "attach_penalty",
]

# The roles layers give their variables (Variable.role; None reads as "other").
ROLES = ("weights", "depthwise_weights", "biases", "bn_gamma", "bn_beta", "moving_stats", "optimizer_slot", "other")


def _hint(field: str, doc: str) -> property:
    """A property reading and writing one optional number of the variable's
    C++ settings record (None: unset, the optimizer's default applies).

    Raises (on assignment):
      TypeError: a value that is not a number (or None).
      ValueError: a negative or non-finite value.
    """

    def fget(self: Variable) -> float | None:
        return getattr(self._settings(), field)

    def fset(self: Variable, value: float | None) -> None:
        if value is not None:
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise TypeError(f"{self.op.name}: {field} must be a number or None, got {value!r}")
            value = float(value)
        settings = self._settings()
        setattr(settings, field, value)
        self._store_settings(settings)

    return property(fget, fset, doc=doc)


class Variable(_Operators):
    """tf.Variable(initial_value, trainable=True, collections=None, name=None, dtype=None).

    Args:
      initial_value: a tensor, numpy array, Python number, or a callable
        returning one (called under the "Initializer" name scope).
      trainable: also add to TRAINABLE_VARIABLES (what optimizers train).
      collections: a list, tuple or set of collection names (default
        [GLOBAL_VARIABLES]); TRAINABLE_VARIABLES is added when trainable.
      name: op name (default "Variable", made unique).
      dtype: convert the initial value to this dtype.

    Raises:
      ValueError: an initial value of partially unknown shape; `collections`
        that is not a list, tuple or set (a string such as 'foo': TF1 raises
        too, rather than filling one collection per character).
    """

    def __init__(
        self,
        initial_value: InitializerFn | TensorLike | None = None,
        trainable: bool = True,
        collections: Iterable[str] | None = None,
        validate_shape: bool = True,
        name: str | None = None,
        dtype: DTypeLike | None = None,
        *,
        _attrs: dict | None = None,
        **unsupported: Any,
    ) -> None:
        if unsupported:
            raise TypeError(f"Variable got unsupported arguments: {sorted(unsupported)}")
        if initial_value is None:
            raise ValueError("Variable needs an initial_value")
        if not validate_shape:
            raise ValueError("slimcore variables always have a fixed shape (validate_shape=False is not supported)")
        if collections is not None and not isinstance(collections, (list, tuple, set)):
            raise ValueError(
                "collections argument to Variable constructor must be a list, tuple, or set. "
                f"Got {collections!r} of type {type(collections)}: pass [{collections!r}] for one collection"
            )
        graph = get_default_graph()
        self.graph = graph
        self._trainable = bool(trainable)
        # As TF1's init_scope: a variable's ops never inherit the caller's
        # control dependencies (its initializer must run on its own).
        with graph.control_dependencies(None), name_scope(name, "Variable") as scope:
            if callable(initial_value):
                with name_scope("Initializer"):
                    init = convert_to_tensor(initial_value(), dtype=None)
            else:
                init = convert_to_tensor(initial_value, name="initial_value")
            if dtype is not None and init.dtype != _dtypes.as_dtype(dtype):
                if isinstance(initial_value, (Tensor, np.ndarray)) or callable(initial_value):
                    raise TypeError(
                        f"Variable {scope[:-1]!r}: initial_value has dtype {init.dtype.name}, "
                        f"but dtype={_dtypes.as_dtype(dtype).name} was given"
                    )
                init = convert_to_tensor(initial_value, dtype=dtype)
            if graph._c.node_cond_context(init._node) != -1:
                # TF1's message: the initializer would run only in runs that take the branch.
                raise ValueError(
                    f"Initializer for variable {scope[:-1]} is from inside a control-flow construct, such as a "
                    "loop or conditional. When creating a variable inside a loop or conditional, use a lambda "
                    "as the initializer."
                )
            shape = init.shape
            if not shape.is_fully_defined():
                raise ValueError(
                    f"initial_value of variable {scope[:-1]!r} must have a fully defined shape, got {shape}"
                )
            self._variable = _op1(
                "VariableV2",
                [],
                {
                    "dtype": init.dtype._core,
                    "shape": shape.as_list(),
                    "trainable": self._trainable,
                    **(_attrs or {}),
                },
                scope,
                graph=graph,
            )
            self._initial_value = init
            self._initializer_op = assign(self._variable, init, name="Assign").op
            self._snapshot = _op1("Identity", [self._variable], {}, "read")
        graph._variables[self._variable._node] = self
        # Set by get_variable (and layers): the penalty in the loss; its kind
        # and scale, the role and the optimizer hints live in the graph's C++
        # settings record (the properties below).
        self._regularizer: Callable | None = None
        self.regularization_loss: Tensor | None = None
        if collections is None:
            collections = [GraphKeys.GLOBAL_VARIABLES]
        collections = list(collections)
        if self._trainable and GraphKeys.TRAINABLE_VARIABLES not in collections:
            collections.append(GraphKeys.TRAINABLE_VARIABLES)
        graph.add_to_collections(collections, self)

    # ---- per-variable settings: the graph's C++ record ------------------------
    def _settings(self) -> _core.VariableSettings:
        return _core.variable_settings(self.graph._c, self._variable._node)

    def _store_settings(self, settings: _core.VariableSettings) -> None:
        _core.set_variable_settings(self.graph._c, self._variable._node, settings)

    lr_mult = _hint("lr_mult", "Learning-rate multiplier: this variable's rate is lr * lr_mult (None: 1).")
    momentum = _hint("momentum", "Momentum override for this variable (None: the optimizer's).")
    weight_decay = _hint(
        "weight_decay",
        "Decoupled decay d, p <- p - s*d*p per step, replacing the "
        "optimizer's weight_decay for this variable (0: never decayed; None: the optimizer's).",
    )

    @property
    def role(self) -> str | None:
        """What the variable is to the layer that made it ("weights", "biases",
        "bn_gamma", "bn_beta", "moving_stats", "depthwise_weights",
        "optimizer_slot"); None for variables made by hand."""
        return self._settings().role or None

    @role.setter
    def role(self, value: str | None) -> None:
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{self.op.name}: role must be a string or None, got {value!r}")
        settings = self._settings()
        settings.role = value or ""
        self._store_settings(settings)

    @property
    def regularizer(self) -> Callable | None:
        """The penalty function attached to the variable (its kind, scales and
        convention are recorded in the settings record)."""
        return self._regularizer

    @regularizer.setter
    def regularizer(self, reg: Callable | None) -> None:
        settings = self._settings()
        kind = None if reg is None else getattr(reg, "kind", getattr(reg, "__name__", type(reg).__name__))
        if kind == "no_regularizer":
            kind = None

        def scale(name: str) -> float | None:
            value = getattr(reg, name, None)
            return float(value) if isinstance(value, numbers.Real) and not isinstance(value, bool) else None

        settings.regularizer = kind or ""
        settings.l1, settings.l2 = (scale("l1"), scale("l2")) if kind else (None, None)
        settings.penalty_convention = (
            ("half" if getattr(reg, "half", True) else "full") if kind and hasattr(reg, "half") else ""
        )
        self._store_settings(settings)
        self._regularizer = reg

    # ---- TF1 attributes ------------------------------------------------------
    @property
    def name(self) -> str:
        return self._variable.name

    @property
    def op(self) -> Operation:
        return self._variable.op

    @property
    def dtype(self) -> _dtypes.DType:
        return self._variable.dtype

    @property
    def shape(self):
        return self._variable.shape

    def get_shape(self):
        return self.shape

    @property
    def trainable(self) -> bool:
        return self._trainable

    @property
    def initializer(self) -> Operation:
        """The op that assigns the initial value."""
        return self._initializer_op

    @property
    def initial_value(self) -> Tensor:
        return self._initial_value

    def value(self) -> Tensor:
        """The tensor other ops read ("<name>/read:0")."""
        return self._snapshot

    read_value = value

    def _as_tensor(self) -> Tensor:
        return self._snapshot

    def _as_graph_element(self) -> Tensor:
        return self._variable

    def assign(self, value: TensorLike, use_locking: bool = False, name: str | None = None) -> Tensor:
        """var <- value; returns the new value."""
        return assign(self, value, name=name)

    def assign_add(self, delta: TensorLike, use_locking: bool = False, name: str | None = None) -> Tensor:
        """var <- var + delta."""
        return assign_add(self, delta, name=name)

    def assign_sub(self, delta: TensorLike, use_locking: bool = False, name: str | None = None) -> Tensor:
        """var <- var - delta."""
        return assign_sub(self, delta, name=name)

    def eval(self, session: Session | None = None) -> np.ndarray:
        return self._snapshot.eval(session=session)

    def load(self, value: TensorLike, session: Session | None = None) -> None:
        """Writes `value` into the variable in `session` (default session)."""
        sess = _session_for(session, self.graph)
        placeholder_value = np.asarray(value, dtype=self.dtype.as_numpy_dtype)
        sess.run(self._initializer_op, {self._initial_value: placeholder_value})

    def __repr__(self) -> str:
        settings = [f"shape={self.shape}", f"dtype={self.dtype.name}"]
        if self.role is not None:
            settings.append(f"role={self.role}")
        if not self._trainable:
            settings.append("trainable=False")
        if self.regularizer is not None:
            shown = (
                repr(self.regularizer)
                if isinstance(self.regularizer, Regularizer)
                else getattr(self.regularizer, "__name__", repr(self.regularizer))
            )
            settings.append(f"regularizer={shown}")
        for hint in ("lr_mult", "momentum", "weight_decay"):
            if getattr(self, hint) is not None:
                settings.append(f"{hint}={getattr(self, hint)}")
        return f"<slimcore.Variable '{self.name}' {' '.join(settings)}>"

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other


def _variable_tensor(var: Variable) -> Tensor:
    if isinstance(var, Variable):
        return var._variable
    if isinstance(var, Tensor) and var.op.type == "VariableV2":
        return var
    raise TypeError(f"expected a Variable, got {var!r}")


def _update(op_type: str, var: Variable, value: TensorLike, name: str | None) -> Tensor:
    ref = _variable_tensor(var)
    value = convert_to_tensor(value, dtype=ref.dtype, graph=ref.graph)
    if not value.shape.is_compatible_with(ref.shape):
        raise ValueError(
            f"{op_type}: value of shape {value.shape} does not match variable {ref.name} of shape {ref.shape}"
        )
    return _op1(
        op_type,
        [value],
        {"var": ref._node, "dtype": ref.dtype._core, "shape": ref.shape.as_list()},
        name or op_type,
        graph=ref.graph,
    )


def assign(ref: Variable, value: TensorLike, name: str | None = None, **_: Any) -> Tensor:
    """tf.assign: ref <- value; returns the new value."""
    return _update("Assign", ref, value, name)


def assign_add(ref: Variable, value: TensorLike, name: str | None = None, **_: Any) -> Tensor:
    """tf.assign_add: ref <- ref + value."""
    return _update("AssignAdd", ref, value, name)


def assign_sub(ref: Variable, value: TensorLike, name: str | None = None, **_: Any) -> Tensor:
    """tf.assign_sub: ref <- ref - value."""
    return _update("AssignSub", ref, value, name)


def global_variables(scope: str | None = None) -> list:
    """tf.global_variables: the GLOBAL_VARIABLES collection."""
    return get_default_graph().get_collection(GraphKeys.GLOBAL_VARIABLES, scope)


def trainable_variables(scope: str | None = None) -> list:
    """tf.trainable_variables: the TRAINABLE_VARIABLES collection."""
    return get_default_graph().get_collection(GraphKeys.TRAINABLE_VARIABLES, scope)


def local_variables(scope: str | None = None) -> list:
    """tf.local_variables: the LOCAL_VARIABLES collection (per-process state such
    as metric counters: created with ``collections=[tf.GraphKeys.LOCAL_VARIABLES]``,
    not saved by a default Saver, initialized by local_variables_initializer)."""
    return get_default_graph().get_collection(GraphKeys.LOCAL_VARIABLES, scope)


def model_variables(scope: str | None = None) -> list:
    return get_default_graph().get_collection(GraphKeys.MODEL_VARIABLES, scope)


def variables_with_roles(roles: Iterable[str], var_list: Iterable[Variable] | None = None) -> list[Variable]:
    """The variables of `var_list` (default: global variables) whose role is
    in `roles` ("weights", "biases", "bn_gamma", "bn_beta", "moving_stats",
    "depthwise_weights", "optimizer_slot", "other" for variables without one).

    Raises:
      ValueError: an unknown role name.
    """
    roles = tuple(roles)
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise ValueError(f"unknown role(s) {unknown}; roles are {ROLES}")
    pool = global_variables() if var_list is None else list(var_list)
    return [v for v in pool if (v.role or "other") in roles]


def variables_initializer(var_list: Iterable[Variable], name: str = "init") -> Operation:
    """tf.variables_initializer: one op running the initializers of `var_list`."""
    var_list = list(var_list)
    for v in var_list:
        if not isinstance(v, Variable):
            raise TypeError(f"variables_initializer expects Variables, got {v!r}")
    if not var_list:
        return no_op(name=name)
    return group(*[v.initializer for v in var_list], name=name)


def global_variables_initializer() -> Operation:
    """tf.global_variables_initializer: initializes the GLOBAL_VARIABLES
    collection (local variables not, as in TF1: run
    local_variables_initializer() too)."""
    return variables_initializer(global_variables(), name="init")


def local_variables_initializer() -> Operation:
    """tf.local_variables_initializer: initializes the LOCAL_VARIABLES
    collection (a NoOp when it is empty), named "init" as in TF1."""
    return variables_initializer(local_variables(), name="init")


def tables_initializer(name: str = "init_all_tables") -> Operation:
    """tf.tables_initializer: runs the initializers of the TABLE_INITIALIZERS
    collection. slimcore has no lookup tables, so it is a NoOp unless a
    program puts ops there itself (TF1's tf.group of the collection)."""
    ops = get_default_graph().get_collection(GraphKeys.TABLE_INITIALIZERS)
    return group(*ops, name=name) if ops else no_op(name=name)


initialize_all_variables = global_variables_initializer
initialize_local_variables = local_variables_initializer  # TF1's deprecated name


def is_variable_initialized(variable: Variable, session: Session | None = None) -> bool:
    sess = _session_for(session, variable.graph)
    return sess._c.variable_initialized(variable._variable._node)


def report_uninitialized_variables(var_list: Iterable[Variable] | None = None, session: Session | None = None) -> list:
    """Names of the variables not yet initialized in `session` (a Python list;
    TF1 returns a string tensor to run). var_list defaults to the global and
    local variables, as TF1."""
    var_list = global_variables() + local_variables() if var_list is None else list(var_list)
    sess = _session_for(session, get_default_graph())
    return [v.op.name for v in var_list if not sess._c.variable_initialized(v._variable._node)]


def attach_penalty(variable: Variable, regularizer: Callable[[Variable], Tensor | None], scope: str) -> Tensor | None:
    """Records `regularizer` on `variable` (its kind and scale go to the engine's
    settings record) and adds penalty = regularizer(variable), built under the
    name scope "<scope>/Regularizer/", to REGULARIZATION_LOSSES -- what TF1's
    get_variable(regularizer=...) and tf.layers/slim layers do. A regularizer
    that returns None (a zero scale) adds nothing, as in TF1.

    Returns:
      The penalty tensor, or None.
    """
    variable.regularizer = regularizer
    graph = variable.graph
    with graph.name_scope(scope + "/Regularizer/"):
        loss = regularizer(variable)
    if loss is not None:
        variable.regularization_loss = loss
        graph.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
    return loss
