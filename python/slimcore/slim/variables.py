"""slim.variables / tf.contrib.framework's variables API (tf_slim/ops/variables.py).

Creating variables where slim's layers put them, finding them by scope,
name or suffix, and initialising them from a checkpoint or from values::

    import slimcore.slim as slim
    weights = slim.model_variable("weights", shape=[3, 3, 1, 8],
                                  regularizer=slim.l2_regularizer(0.05))
    slim.get_variables_by_name("weights")          # [weights]
    to_restore = slim.get_variables_to_restore(exclude=["logits"])
    init_fn = slim.assign_from_checkpoint_fn("/ckpt/model-1000", to_restore)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        init_fn(sess)

Every lookup is tf-slim's: `scope` and `suffix` are regular expressions
matched against variable names (``get_collection``'s rule: `scope` at the
start of the name, `suffix` anywhere after it, anchored to the ":0" ending).
Beyond tf-slim, ``variable`` and ``model_variable`` take slimcore's
per-variable optimizer settings (``lr_mult``, ``momentum``, ``weight_decay``).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..framework import dtypes
from ..framework.ops import GraphKeys, get_default_graph
from ..ops.array_ops import placeholder
from ..ops.control_flow_ops import group
from ..train.saver import Saver, read_checkpoint
from ..train.training_util import create_global_step, get_global_step, get_or_create_global_step
from ..variable_scope import VariableScope, get_variable
from ..variables import Variable
from .arg_scope import add_arg_scope

if TYPE_CHECKING:  # annotations only
    from ..framework.session import Session
    from ..framework.types import DTypeLike, InitializerFn, RegularizerFn, ShapeLike, TensorLike

__all__ = [
    "add_model_variable",
    "assign_from_checkpoint",
    "assign_from_checkpoint_fn",
    "assign_from_values",
    "assign_from_values_fn",
    "create_global_step",
    "filter_variables",
    "get_global_step",
    "get_local_variables",
    "get_model_variables",
    "get_or_create_global_step",
    "get_trainable_variables",
    "get_unique_variable",
    "get_variable_full_name",
    "get_variables",
    "get_variables_by_name",
    "get_variables_by_suffix",
    "get_variables_to_restore",
    "global_variable",
    "local_variable",
    "model_variable",
    "variable",
]


def _collections_list(collections: str | Iterable[str] | None, fn: str) -> list:
    """A collections argument as a list. A bare string is refused: tf-slim's
    ``list(collections)`` silently splits it into one collection per
    character (tf.Variable raises there); slimcore raises tf.Variable's error."""
    if collections is None:
        return []
    if isinstance(collections, (str, bytes)):
        raise ValueError(f"{fn}: collections argument must be a list of collection names, got {collections!r}")
    return list(collections)


# ---- creating variables --------------------------------------------------------------
@add_arg_scope
def variable(
    name: str,
    shape: ShapeLike | None = None,
    dtype: DTypeLike | None = None,
    initializer: InitializerFn | TensorLike | None = None,
    regularizer: RegularizerFn | None = None,
    trainable: bool = True,
    collections: Iterable[str] | None = None,
    caching_device: Any = None,
    device: Any = None,
    partitioner: Any = None,
    custom_getter: Any = None,
    use_resource: bool | None = None,
    lr_mult: float | None = None,
    momentum: float | None = None,
    weight_decay: float | None = None,
) -> Variable:
    """slim.variable: get_variable(name, ...) in `collections` (default
    [GLOBAL_VARIABLES]; TRAINABLE_VARIABLES too when trainable). Takes
    arg_scope (tf-slim's ``with slim.arg_scope([slim.variable], device=...)``).

    Args:
      name: the variable's name inside the current variable scope.
      shape, dtype, initializer, regularizer, trainable: as tf.get_variable.
      collections: a list of collection names (duplicates removed).
      caching_device, device: accepted and ignored (one CPU device).
      partitioner, custom_getter: not supported (get_variable raises).
      use_resource: accepted and ignored.
      lr_mult, momentum, weight_decay: slimcore's per-variable optimizer
        settings (None: the variable scope's default).

    Returns:
      The Variable, created or reused by the variable scope's reuse rule.

    Raises:
      ValueError: `collections` is a string (tf-slim would silently create one
        collection per character); get_variable's errors.
    """
    cols = _collections_list(collections, "variable") or [GraphKeys.GLOBAL_VARIABLES]
    cols = list(dict.fromkeys(cols))
    return get_variable(
        name,
        shape=shape,
        dtype=dtype,
        initializer=initializer,
        regularizer=regularizer,
        trainable=trainable,
        collections=cols,
        partitioner=partitioner,
        custom_getter=custom_getter,
        lr_mult=lr_mult,
        momentum=momentum,
        weight_decay=weight_decay,
    )


@add_arg_scope
def model_variable(
    name: str,
    shape: ShapeLike | None = None,
    dtype: DTypeLike = dtypes.float32,
    initializer: InitializerFn | TensorLike | None = None,
    regularizer: RegularizerFn | None = None,
    trainable: bool = True,
    collections: Iterable[str] | None = None,
    caching_device: Any = None,
    device: Any = None,
    partitioner: Any = None,
    custom_getter: Any = None,
    use_resource: bool | None = None,
    lr_mult: float | None = None,
    momentum: float | None = None,
    weight_decay: float | None = None,
) -> Variable:
    """slim.model_variable: ``variable`` that also goes to GLOBAL_VARIABLES and
    MODEL_VARIABLES (what slim's layers create and get_model_variables lists).
    Default dtype float32. Arguments, return value and errors as ``variable``."""
    cols = _collections_list(collections, "model_variable") + [
        GraphKeys.GLOBAL_VARIABLES,
        GraphKeys.MODEL_VARIABLES,
    ]
    return variable(
        name,
        shape=shape,
        dtype=dtype,
        initializer=initializer,
        regularizer=regularizer,
        trainable=trainable,
        collections=cols,
        partitioner=partitioner,
        custom_getter=custom_getter,
        lr_mult=lr_mult,
        momentum=momentum,
        weight_decay=weight_decay,
    )


def add_model_variable(var: Variable) -> None:
    """slim.add_model_variable: adds `var` to MODEL_VARIABLES unless it is there."""
    graph = get_default_graph()
    if var not in graph.get_collection(GraphKeys.MODEL_VARIABLES):
        graph.add_to_collection(GraphKeys.MODEL_VARIABLES, var)


def local_variable(
    initial_value: TensorLike, validate_shape: bool = True, name: str | None = None, use_resource: bool | None = None
) -> Variable:
    """slim.local_variable: Variable(initial_value, trainable=False,
    collections=[LOCAL_VARIABLES]) -- initialised by local_variables_initializer."""
    collections = [GraphKeys.LOCAL_VARIABLES]
    return Variable(initial_value, trainable=False, collections=collections, validate_shape=validate_shape, name=name)


def global_variable(
    initial_value: TensorLike, validate_shape: bool = True, name: str | None = None, use_resource: bool | None = None
) -> Variable:
    """slim.global_variable: Variable(initial_value, trainable=False,
    collections=[GLOBAL_VARIABLES])."""
    collections = [GraphKeys.GLOBAL_VARIABLES]
    return Variable(initial_value, trainable=False, collections=collections, validate_shape=validate_shape, name=name)


# ---- finding variables -------------------------------------------------------------------
def get_variables(
    scope: str | VariableScope | None = None, suffix: str | None = None, collection: str = GraphKeys.GLOBAL_VARIABLES
) -> list:
    """slim.get_variables: the variables of `collection` whose name matches the
    regular expression ``scope + ".*" + suffix + ":"`` at its start (tf-slim's
    rule: `scope` a prefix, `suffix` the end of the op name).

    Args:
      scope: a name prefix (a regular expression) or a VariableScope.
      suffix: the end of the variable's op name (a regular expression).
      collection: the collection searched (default GLOBAL_VARIABLES).

    Returns:
      A list of variables, in the collection's order.
    """
    if isinstance(scope, VariableScope):
        scope = scope.name
    if suffix is not None:
        if ":" not in suffix:
            suffix += ":"
        scope = (scope or "") + ".*" + suffix
    return get_default_graph().get_collection(collection, scope)


def get_model_variables(scope: str | None = None, suffix: str | None = None) -> list:
    """slim.get_model_variables: get_variables over MODEL_VARIABLES."""
    return get_variables(scope, suffix, GraphKeys.MODEL_VARIABLES)


def get_local_variables(scope: str | None = None, suffix: str | None = None) -> list:
    """slim.get_local_variables: get_variables over LOCAL_VARIABLES."""
    return get_variables(scope, suffix, GraphKeys.LOCAL_VARIABLES)


def get_trainable_variables(scope: str | None = None, suffix: str | None = None) -> list:
    """slim.get_trainable_variables: get_variables over TRAINABLE_VARIABLES."""
    return get_variables(scope, suffix, GraphKeys.TRAINABLE_VARIABLES)


def get_variables_to_restore(include: Sequence[str] | None = None, exclude: Sequence[str] | None = None) -> list:
    """slim.get_variables_to_restore: the global variables under any scope of
    `include` (all when None) but under none of `exclude` -- the usual
    fine-tuning list (``exclude=["InceptionV3/Logits"]``).

    Raises:
      TypeError: include or exclude given but not a list or a tuple (tf-slim's
        check: a bare string would otherwise be read character by character).
    """
    if include is None:
        included = get_variables()
    else:
        if not isinstance(include, (list, tuple)):
            raise TypeError("include is provided but is not a list or a tuple.")
        included = [v for scope in include for v in get_variables(scope)]
    excluded: set = set()
    if exclude is not None:
        if not isinstance(exclude, (list, tuple)):
            raise TypeError("exclude is provided but is not a list or a tuple.")
        for scope in exclude:
            excluded.update(get_variables(scope))
    return [v for v in included if v not in excluded]


def get_variables_by_suffix(suffix: str, scope: str | None = None) -> list:
    """slim.get_variables_by_suffix: global variables whose op name ends with `suffix`."""
    return get_variables(scope=scope, suffix=suffix)


def get_variables_by_name(given_name: str, scope: str | None = None) -> list:
    """slim.get_variables_by_name: global variables whose last name component
    is `given_name` ("weights" finds "conv1/weights", not "conv1/my_weights")."""
    suffix = "/" + given_name + ":|^" + given_name + ":"
    return get_variables(scope=scope, suffix=suffix)


def get_unique_variable(var_op_name: str) -> Variable:
    """slim.get_unique_variable: the global variable whose op name is exactly `var_op_name`.

    Raises:
      ValueError: no variable under that name ("Couldn't find variable"), or
        only variables that merely start with it.
    """
    candidates = get_variables(scope=var_op_name)
    if not candidates:
        raise ValueError(f"Couldn't find variable {var_op_name}")
    for candidate in candidates:
        if candidate.op.name == var_op_name:
            return candidate
    raise ValueError(f"Variable {var_op_name} does not uniquely identify a variable")


def get_variable_full_name(var: Variable) -> str:
    """slim.get_variable_full_name: the variable's op name ("conv1/weights")."""
    return var.op.name


def filter_variables(
    var_list: Iterable[Variable],
    include_patterns: Sequence[str] | None = None,
    exclude_patterns: Sequence[str] | None = None,
    reg_search: bool = True,
) -> list:
    """tf.contrib.framework.filter_variables: the variables of `var_list`
    whose name matches some include pattern (all when None) and no exclude
    pattern; patterns are regular expressions searched (reg_search=True) or
    matched at the start of the name (reg_search=False)."""
    find = re.search if reg_search else re.match

    def matches(v: Variable, patterns: Sequence[str]) -> bool:
        return any(find(p, v.name) for p in patterns)

    chosen = list(var_list) if include_patterns is None else [v for v in var_list if matches(v, include_patterns)]
    if exclude_patterns is not None:
        chosen = [v for v in chosen if not matches(v, exclude_patterns)]
    return chosen


# ---- assigning values ----------------------------------------------------------------------
def _unique_by_op_name(var_name: str) -> Variable:
    """tf-slim's lookup in assign_from_values: the prefix match, narrowed to
    the exact op name when several variables start with `var_name`."""
    found = get_default_graph().get_collection(GraphKeys.GLOBAL_VARIABLES, var_name)
    if not found:
        raise ValueError(f"Variable {var_name} wasn't found")
    if len(found) == 1:
        return found[0]
    for v in found:
        if v.op.name == var_name:
            return v
    raise ValueError(f"Variable {var_name} doesn't uniquely identify a variable")


def assign_from_values(var_names_to_values: dict) -> tuple:
    """slim.assign_from_values: (assign_op, feed_dict) that set each named
    variable to its value: one placeholder "placeholder/<var>" and one assign
    per variable, the values (reshaped to the variable's shape) in feed_dict.

    Raises:
      ValueError: a name no global variable starts with, or one that several
        start with and none equals; a value whose size does not fit the variable.
    """
    feed_dict: dict = {}
    assign_ops = []
    for var_name, value in var_names_to_values.items():
        var = _unique_by_op_name(var_name)
        slot = placeholder(var.dtype, shape=var.shape, name="placeholder/" + var.op.name)
        assign_ops.append(var.assign(slot))
        shape = var.shape.as_list()
        array = np.asarray(value, dtype=var.dtype.as_numpy_dtype)
        if array.size != int(np.prod(shape)):
            raise ValueError(
                f"assign_from_values: the value for {var_name} has {array.size} elements, "
                f"the variable's shape {shape} holds {int(np.prod(shape))}"
            )
        feed_dict[slot] = array.reshape(shape)
    return group(*assign_ops), feed_dict


def assign_from_values_fn(var_names_to_values: dict) -> Callable[[Session], None]:
    """slim.assign_from_values_fn: a function ``fn(session)`` that runs
    assign_from_values' op (for slim.learning.train's init_fn). The ops are
    built now, in the current graph; errors as assign_from_values."""
    assign_op, feed_dict = assign_from_values(var_names_to_values)

    def callback(session: Session) -> None:
        session.run(assign_op, feed_dict)

    return callback


def _name_to_variable(var_list: Sequence[Variable] | dict, fn: str) -> dict:
    if isinstance(var_list, dict):
        return dict(var_list)
    if not isinstance(var_list, (list, tuple)):
        raise TypeError(f"{fn}: var_list must be a list, tuple or dict of variables, got {var_list!r}")
    return {v.op.name: v for v in var_list}


def assign_from_checkpoint(
    model_path: str, var_list: Sequence[Variable] | dict, ignore_missing_vars: bool = False
) -> tuple:
    """slim.assign_from_checkpoint: (assign_op, feed_dict) that set the
    variables of `var_list` (a list: checkpoint names are op names; or a dict
    {checkpoint name: variable}) to the checkpoint's values, read now.

    Raises:
      ValueError: no checkpoint at `model_path`; a variable missing from it
        (unless ignore_missing_vars, which drops it with a warning); a shape
        that does not match the checkpoint's.
    """
    values, _ = read_checkpoint(model_path)
    feed_dict: dict = {}
    assign_ops = []
    for ckpt_name, var in _name_to_variable(var_list, "assign_from_checkpoint").items():
        if ckpt_name not in values:
            if ignore_missing_vars:
                warnings.warn(f"Variable {ckpt_name} missing in checkpoint {model_path}", stacklevel=2)
                continue
            raise ValueError(f"Tensor {ckpt_name} is not found in {model_path} checkpoint")
        value = values[ckpt_name]
        if list(value.shape) != var.shape.as_list():
            raise ValueError(
                f"Total size of new array must be unchanged for {ckpt_name} lh_shape: "
                f"[{var.shape.as_list()}], rh_shape: [{list(value.shape)}]"
            )
        slot = placeholder(var.dtype, shape=var.shape, name="placeholder/" + var.op.name)
        assign_ops.append(var.assign(slot))
        feed_dict[slot] = value.astype(var.dtype.as_numpy_dtype, copy=False)
    return group(*assign_ops), feed_dict


def assign_from_checkpoint_fn(
    model_path: str,
    var_list: Sequence[Variable] | dict,
    ignore_missing_vars: bool = False,
    reshape_variables: bool = False,
) -> Callable[[Session], None] | None:
    """slim.assign_from_checkpoint_fn: a function ``fn(session)`` restoring
    `var_list` from the checkpoint `model_path` through a Saver (all or
    nothing; the usual fine-tuning ``init_fn`` of slim.learning.train).

    With ignore_missing_vars=True the variables absent from the checkpoint
    are dropped now, each with a warning, and if none is left a warning says
    so and None is returned (tf-slim's behaviour). Without it a missing
    variable raises when ``fn`` runs (Saver.restore's NotFoundError).

    Raises:
      ValueError: var_list empty; reshape_variables=True (not supported); no
        checkpoint at `model_path` (when ignore_missing_vars reads it now).
      TypeError: var_list not a list, tuple or dict.
    """
    if not var_list:
        raise ValueError("var_list cannot be empty")
    if reshape_variables:
        raise ValueError("assign_from_checkpoint_fn: reshape_variables=True is not supported by slimcore")
    named = _name_to_variable(var_list, "assign_from_checkpoint_fn")
    if ignore_missing_vars:
        values, _ = read_checkpoint(model_path)
        for ckpt_name in [n for n in named if n not in values]:
            warnings.warn(f"Variable {ckpt_name} missing in checkpoint {model_path}", stacklevel=2)
            del named[ckpt_name]
    if not named:
        warnings.warn("No Variables to restore", stacklevel=2)
        return None
    saver = Saver(named)

    def callback(session: Session) -> None:
        saver.restore(session, model_path)

    return callback
