"""tf.variable_scope and tf.get_variable, with TF1's naming and reuse rules,
plus slimcore's per-variable optimizer hints.

Variable names depend only on the variable scope, not on name scopes::

    with slimcore.variable_scope("EasyNet", regularizer=l2_regularizer(0.1)):
        w = slimcore.get_variable("weights", [784, 200])   # EasyNet/weights
    # The regularizer's loss is in REGULARIZATION_LOSSES as
    # "EasyNet/weights/Regularizer/l2_regularizer:0".

A variable scope also opens a name scope for the ops created inside, made
unique as name scopes are: a second ``with variable_scope("a")`` puts its ops
under "a_1/" while its variables are still "a/...". Re-entering a captured
VariableScope object opens a new name scope named after the scope's last
component (TF 1.15's rule), keeping the scope's ``original_name_scope``.

Reuse (as TF1): a name that exists raises ValueError ("already exists,
disallowed") unless the scope has ``reuse=True`` or ``reuse=AUTO_REUSE``; with
``reuse=True`` a name that does not exist raises ValueError ("does not
exist"). ``reuse=None`` (and False) inherits the parent scope's flag, and a
reusing scope makes all its sub-scopes reuse. ``default_name`` scopes are made
unique ("dense", "dense_1"); leaving a scope resets the numbering of its
sub-scopes, so re-entering it with reuse=True names the layers as before.

Optimizer hints (what cuda-convnet's epsW/momW/wc and Caffe's
lr_mult/decay_mult set per layer; TF has no equivalent): ``lr_mult``
(learning-rate multiplier), ``momentum`` (overrides the optimizer's),
``weight_decay`` (decoupled decay applied by slimcore's optimizers). Each can
be given to get_variable or as a variable_scope default (inherited by nested
scopes; get_variable's argument wins). None means "not set": the optimizer's
defaults apply.
"""

from __future__ import annotations

import contextlib
import enum
import inspect
import math
import numbers
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from .framework import dtypes as _dtypes
from .framework.ops import get_default_graph
from .framework.tensor_shape import TensorShape
from .initializers import glorot_uniform_initializer, zeros_initializer
from .variables import Variable, attach_penalty

if TYPE_CHECKING:  # annotations only
    from collections.abc import Iterable, Sequence
    from typing import Callable

    from .framework.ops import Graph
    from .framework.types import ConstraintFn, DTypeLike, InitializerFn, RegularizerFn, ShapeLike, TensorLike

__all__ = ["AUTO_REUSE", "VariableScope", "variable_scope", "get_variable", "get_variable_scope", "no_regularizer"]


class _ReuseMode(enum.Enum):
    AUTO_REUSE = 1


AUTO_REUSE = _ReuseMode.AUTO_REUSE

_HINTS = ("lr_mult", "momentum", "weight_decay")


def no_regularizer(_: Any) -> None:
    """Use as regularizer= to switch off a scope's default regularizer
    (tf.no_regularizer): the penalty is None, nothing is added."""
    return None


class VariableScope:
    """A variable scope: its name, reuse flag and the defaults it gives get_variable.

    Attributes:
      name: the full scope name ("" for the root scope).
      reuse: False (root), None, True or AUTO_REUSE.
      initializer, regularizer, dtype: defaults for get_variable.
      lr_mult, momentum, weight_decay: default optimizer hints (None: not set).
      original_name_scope: the name scope opened when the scope was first
        entered ("a/"), kept when the scope object is re-entered.
    """

    def __init__(
        self,
        reuse: bool | _ReuseMode | None,
        name: str = "",
        initializer: InitializerFn | TensorLike | None = None,
        regularizer: RegularizerFn | None = None,
        dtype: DTypeLike = _dtypes.float32,
        original_name_scope: str = "",
        lr_mult: float | None = None,
        momentum: float | None = None,
        weight_decay: float | None = None,
    ) -> None:
        self._reuse = reuse
        self._name = name
        self.initializer = initializer
        self.regularizer = regularizer
        self.dtype = _dtypes.as_dtype(dtype)
        self.original_name_scope = original_name_scope
        self.lr_mult, self.momentum, self.weight_decay = lr_mult, momentum, weight_decay

    @property
    def name(self) -> str:
        return self._name

    @property
    def reuse(self) -> bool | _ReuseMode | None:
        return self._reuse

    def reuse_variables(self) -> None:
        """From now on get_variable in this scope (and sub-scopes opened
        afterwards) returns existing variables."""
        self._reuse = True

    def set_initializer(self, initializer: InitializerFn | TensorLike) -> None:
        self.initializer = initializer

    def set_regularizer(self, regularizer: RegularizerFn) -> None:
        self.regularizer = regularizer

    def set_dtype(self, dtype: DTypeLike) -> None:
        self.dtype = _dtypes.as_dtype(dtype)

    def _child(self, name: str, reuse: bool | _ReuseMode | None, overrides: dict) -> VariableScope:
        values = {k: getattr(self, k) for k in ("initializer", "regularizer", "dtype") + _HINTS}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return VariableScope(reuse, name, **values)

    def get_variable(self, name: str, shape: ShapeLike | None = None, **kwargs: Any) -> Variable:
        """get_variable as if this scope were the current one."""
        with _entered(self):
            return get_variable(name, shape, **kwargs)

    def __repr__(self) -> str:
        settings = [f"reuse={self._reuse}"]
        for key in ("initializer", "regularizer") + _HINTS:
            value = getattr(self, key)
            if value is not None:
                settings.append(f"{key}={value!r}")
        if self.dtype != _dtypes.float32:
            settings.append(f"dtype={self.dtype.name}")
        return f"<VariableScope '{self._name}' {' '.join(settings)}>"


class _ScopeState:
    """Per-graph state: the current scope, the variables made by get_variable,
    and how often each scope name was opened (to uniquify default names),
    kept as TF's _VariableScopeStore does."""

    def __init__(self) -> None:
        self.current = VariableScope(reuse=False)
        self.store: dict[str, Variable] = {}
        self.counts: dict[str, int] = {}

    def open(self, scope_name: str) -> None:
        self.counts[scope_name] = self.counts.get(scope_name, 0) + 1

    def close_subscopes(self, scope_name: str) -> None:
        """Leaving a scope restarts the numbering of its sub-scopes, so that
        `with variable_scope("net", reuse=True)` names its layers as before."""
        prefix = scope_name + "/"
        for key in self.counts:
            if key.startswith(prefix):
                self.counts[key] = 0


def _state(graph: Graph | None = None) -> _ScopeState:
    graph = graph or get_default_graph()
    state = getattr(graph, "_variable_scope_state", None)
    if state is None:
        state = graph._variable_scope_state = _ScopeState()
    return state


def get_variable_scope() -> VariableScope:
    """tf.get_variable_scope: the current variable scope (the root scope, name
    "", outside any variable_scope)."""
    return _state().current


@contextlib.contextmanager
def _entered(scope: VariableScope) -> Iterator[VariableScope]:
    state = _state()
    saved = state.current
    state.current = scope
    try:
        yield scope
    finally:
        state.current = saved


def _unsupported(**arguments: Any) -> None:
    given = sorted(k for k, v in arguments.items() if v is not None)
    if given:
        raise ValueError(
            f"{', '.join(given)}: not supported by slimcore (variables are never "
            "partitioned; apply constraints or custom getters explicitly)"
        )


@contextlib.contextmanager
def variable_scope(
    name_or_scope: str | VariableScope | None = None,
    default_name: str | None = None,
    values: Sequence[TensorLike] | None = None,
    initializer: InitializerFn | TensorLike | None = None,
    regularizer: RegularizerFn | None = None,
    caching_device: object | None = None,
    partitioner: object | None = None,
    custom_getter: object | None = None,
    reuse: bool | _ReuseMode | None = None,
    dtype: DTypeLike | None = None,
    use_resource: bool | None = None,
    constraint: ConstraintFn | None = None,
    auxiliary_name_scope: bool = True,
    lr_mult: float | None = None,
    momentum: float | None = None,
    weight_decay: float | None = None,
) -> Iterator[VariableScope]:
    """tf.variable_scope: a scope for get_variable names and defaults, plus a
    name scope for the ops created inside (see the module docstring).

    Args:
      name_or_scope: a name, or a VariableScope to re-enter (its defaults and
        reuse flag are kept, not inherited from the enclosing scope).
      default_name: used (made unique: "dense", "dense_1") when name_or_scope is None.
      values: accepted for TF1 compatibility (slimcore has one graph per block).
      initializer, regularizer, dtype: defaults for get_variable inside (nested
        scopes inherit them).
      reuse: True, AUTO_REUSE or None (inherit; False means None, as TF1).
      auxiliary_name_scope: False: do not open a name scope (ops stay in the
        current one).
      lr_mult, momentum, weight_decay: slimcore's per-variable optimizer hints,
        numbers >= 0.
      caching_device, use_resource: accepted and ignored (no effect on CPU).

    Yields:
      The new VariableScope.

    Raises:
      TypeError: neither name_or_scope nor default_name; a name that is not a
        string or VariableScope; a non-bool auxiliary_name_scope; a hint that
        is not a number.
      ValueError: reuse=True or AUTO_REUSE with only a default_name; another
        reuse value; a negative, NaN or infinite hint; partitioner,
        custom_getter or constraint (not supported).
    """
    if name_or_scope is None and default_name is None:
        raise TypeError("If default_name is None then name_or_scope is required")
    _unsupported(partitioner=partitioner, custom_getter=custom_getter, constraint=constraint)
    if reuse is False:
        reuse = None  # as TF1 >= 1.1: False and None both inherit
    if not (reuse is None or reuse is True or reuse is AUTO_REUSE):
        raise ValueError(f"The reuse parameter must be True or False or None, got {reuse!r}")
    if not isinstance(auxiliary_name_scope, bool):
        raise TypeError(f"The auxiliary_name_scope must be `True` or `False`, got {auxiliary_name_scope!r}")
    if name_or_scope is not None and not isinstance(name_or_scope, (str, VariableScope)):
        raise TypeError(f"VariableScope: name_or_scope must be a string or VariableScope, got {name_or_scope!r}")
    hints = {"lr_mult": lr_mult, "momentum": momentum, "weight_decay": weight_decay}
    for hint, value in hints.items():
        _check_hint(hint, value)
    graph = get_default_graph()
    state = _state(graph)
    parent = state.current
    overrides = {"initializer": initializer, "regularizer": regularizer, "dtype": dtype, **hints}

    with contextlib.ExitStack() as stack:
        # The name scope: a new one, unless auxiliary_name_scope=False.
        current = graph.get_name_scope()
        opened = current + "/" if current else ""
        if isinstance(name_or_scope, VariableScope):
            ns_name = name_or_scope.name.split("/")[-1]
        elif name_or_scope is None:
            if reuse is not None:
                raise ValueError("reuse=True cannot be used without a name_or_scope")
            ns_name = default_name
        else:
            ns_name = name_or_scope
        if auxiliary_name_scope and ns_name:
            opened = stack.enter_context(graph.name_scope(ns_name))

        if isinstance(name_or_scope, VariableScope):
            # Jump to a captured scope: its name, defaults and reuse (unless
            # reuse is given here); the sub-scope counts are restored on exit.
            scope_name = name_or_scope.name
            new_reuse = reuse if reuse else name_or_scope.reuse
            new_scope = name_or_scope._child(scope_name, new_reuse, overrides)
            new_scope.original_name_scope = name_or_scope.original_name_scope
            state.open(scope_name)
            saved_counts = dict(state.counts)

            def restore() -> None:
                state.counts = saved_counts
        else:
            short = name_or_scope if name_or_scope is not None else _unique_scope_name(state, parent, default_name)
            scope_name = f"{parent.name}/{short}" if parent.name else short
            # Reuse is inherited by sub-scopes: True or AUTO_REUSE here wins,
            # None takes the parent's.
            new_reuse = reuse or parent.reuse
            new_scope = parent._child(scope_name, new_reuse, overrides)
            new_scope.original_name_scope = opened
            state.open(scope_name)

            def restore() -> None:
                state.close_subscopes(scope_name)

        state.current = new_scope
        try:
            yield new_scope
        finally:
            restore()
            state.current = parent


def _unique_scope_name(state: _ScopeState, parent: VariableScope, prefix: str) -> str:
    full = f"{parent.name}/{prefix}" if parent.name else prefix
    if state.counts.get(full, 0) == 0:
        return prefix
    index = 1
    while state.counts.get(f"{full}_{index}", 0) > 0:
        index += 1
    return f"{prefix}_{index}"


def _check_hint(name: str, value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not (math.isfinite(value) and value >= 0):  # also refuses NaN
        raise ValueError(f"{name} must be a finite number >= 0, got {value}")


def _value_dtype(value: object) -> _dtypes.DType | None:
    """The dtype a value initializer carries (a Tensor, Variable or numpy
    array); None for Python numbers and lists, whose dtype is inferred."""
    dtype = getattr(value, "dtype", None)
    if isinstance(value, (np.ndarray, np.generic)):
        try:
            return _dtypes.as_dtype(value.dtype)
        except (TypeError, ValueError, KeyError):
            return None
    if isinstance(dtype, _dtypes.DType):
        return dtype
    return None


def _as_shape(shape: ShapeLike | None) -> TensorShape | None:
    if shape is None:
        return None
    if isinstance(shape, TensorShape):
        return shape
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        return TensorShape([int(shape)])
    return TensorShape(list(shape))


def _takes_no_arguments(fn: Callable[..., object]) -> bool:
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    return all(
        p.default is not inspect.Parameter.empty
        or p.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
        for p in parameters
    )


def get_variable(
    name: str,
    shape: ShapeLike | None = None,
    dtype: DTypeLike | None = None,
    initializer: InitializerFn | TensorLike | None = None,
    regularizer: RegularizerFn | None = None,
    trainable: bool | None = None,
    collections: Iterable[str] | None = None,
    caching_device: object | None = None,
    partitioner: object | None = None,
    validate_shape: bool = True,
    use_resource: bool | None = None,
    custom_getter: object | None = None,
    constraint: ConstraintFn | None = None,
    lr_mult: float | None = None,
    momentum: float | None = None,
    weight_decay: float | None = None,
) -> Variable:
    """tf.get_variable: the variable "<scope>/<name>", created or reused by
    the scope's reuse rule.

    A new variable takes `initializer` (default: the scope's, else
    glorot_uniform for floats and zeros for integers and bools; an initializer
    class such as ``tf.zeros_initializer`` is instantiated; a Tensor or value is
    used as is, without `shape`, and gives the dtype unless `dtype` is given),
    and `regularizer` (default: the scope's; ``no_regularizer`` switches it
    off): its penalty regularizer(v) is built under "<name>/Regularizer/" and
    added to REGULARIZATION_LOSSES (a regularizer that returns None adds
    nothing). The hints lr_mult, momentum, weight_decay default to the scope's.

    A reused variable is returned as is (its initializer and regularizer are
    not applied again), after checking `shape`, `dtype` (default the scope's)
    and any hint given explicitly against it.

    Raises:
      ValueError: the variable exists and the scope does not reuse ("already
        exists, disallowed"); it does not exist and reuse=True ("does not
        exist"); a shape, dtype or hint that contradicts the existing variable;
        a shape that is None or partially unknown for a new variable; a shape
        given with a value initializer; an explicit dtype other than a value
        initializer's; a negative, NaN or infinite hint; partitioner,
        custom_getter or constraint (not supported).
      TypeError: a hint that is not a number; a regularizer that is not callable.
    """
    _unsupported(partitioner=partitioner, custom_getter=custom_getter, constraint=constraint)
    if not isinstance(name, str):
        raise TypeError(f"get_variable: name must be a string, got {name!r}")
    hints = {"lr_mult": lr_mult, "momentum": momentum, "weight_decay": weight_decay}
    for hint, value in hints.items():
        _check_hint(hint, value)
    state = _state()
    scope = state.current
    full_name = f"{scope.name}/{name}" if scope.name else name
    dtype = _dtypes.as_dtype(dtype) if dtype is not None else None
    if dtype is not None and initializer is not None and not callable(initializer):
        value_dtype = _value_dtype(initializer)
        if value_dtype is not None and value_dtype != dtype:
            raise ValueError(f"Initializer type '{value_dtype.name}' and explicit dtype '{dtype.name}' don't match.")
    if initializer is None:
        initializer = scope.initializer
    if isinstance(initializer, str):
        raise ValueError(
            f"get_variable({name!r}): initializer {initializer!r} is a string, not an initializer: "
            "pass e.g. tf.glorot_uniform_initializer() or slim.xavier_initializer()"
        )
    if regularizer is not None and not callable(regularizer):
        raise TypeError(
            f"get_variable({name!r}): regularizer must be a callable such as slim.l2_regularizer(scale), "
            f"got {regularizer!r}"
        )
    from_value = initializer is not None and not callable(initializer)
    if from_value and shape is not None:
        raise ValueError("If initializer is a constant, do not specify shape.")
    shape = _as_shape(shape)

    existing = state.store.get(full_name)
    if existing is not None:
        if scope.reuse is not True and scope.reuse is not AUTO_REUSE:
            raise ValueError(
                f"Variable {full_name} already exists, disallowed. Did you mean to set "
                "reuse=True or reuse=tf.AUTO_REUSE in VarScope?"
            )
        if shape is not None and not existing.shape.is_compatible_with(shape):
            raise ValueError(
                f"Trying to share variable {full_name}, but specified shape {shape} and found shape {existing.shape}."
            )
        want = dtype or (_value_dtype(initializer) if from_value else scope.dtype)
        if want is not None and want != existing.dtype:
            raise ValueError(
                f"Trying to share variable {full_name}, but specified dtype "
                f"{want.name} and found dtype {existing.dtype.name}."
            )
        for hint, value in hints.items():
            found = getattr(existing, hint)
            if value is not None and value != found:
                raise ValueError(
                    f"Trying to share variable {full_name}, but specified {hint} {value} and found {hint} {found}."
                )
        return existing
    if scope.reuse is True:
        raise ValueError(
            f"Variable {full_name} does not exist, or was not created with "
            "tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in VarScope?"
        )

    regularizer = regularizer if regularizer is not None else scope.regularizer
    if from_value:
        initial_value: Any = initializer
        variable_dtype = dtype  # None: the value's own dtype, as TF1
    elif (
        shape is None
        and initializer is not None
        and not isinstance(initializer, type)
        and _takes_no_arguments(initializer)
    ):
        initial_value = initializer  # TF 1.15: a callable returning the value
        variable_dtype = dtype
    else:
        if shape is None:
            raise ValueError(f"Shape of a new variable ({full_name}) must be fully defined, but instead was None.")
        if not shape.is_fully_defined():
            raise ValueError(f"Shape of a new variable ({full_name}) must be fully defined, but instead was {shape}.")
        variable_dtype = dtype or scope.dtype
        if initializer is None:
            if variable_dtype.is_floating:
                initializer = glorot_uniform_initializer()
            elif variable_dtype.is_integer or variable_dtype.is_bool:
                initializer = zeros_initializer()
            else:
                raise ValueError(f"An initializer for variable {full_name} of {variable_dtype.name} is required")
        elif isinstance(initializer, type):
            initializer = initializer()  # tf.zeros_initializer, the class, as TF1 accepts
        dims = shape.as_list()
        init_fn = initializer
        initial_value = lambda: init_fn(dims, dtype=variable_dtype, partition_info=None)  # noqa: E731

    graph = get_default_graph()
    # Variable names depend only on the variable scope, not on name scopes.
    with graph.name_scope(""):
        variable = Variable(
            initial_value,
            trainable=True if trainable is None else trainable,
            collections=collections,
            name=full_name,
            dtype=variable_dtype,
        )
    state.store[full_name] = variable
    for hint, value in hints.items():
        setattr(variable, hint, value if value is not None else getattr(scope, hint))
    if regularizer is not None:
        attach_penalty(variable, regularizer, full_name)
    return variable
