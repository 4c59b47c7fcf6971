"""What slim layers, tf.layers and the Keras-style layers share: creating a
layer's variables (with TF's names for variables and penalties, roles and
optimizer hints) and applying a dense kernel to inputs of any rank."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING, Callable

from .framework.ops import GraphKeys, Tensor, get_default_graph
from .ops import math_ops
from .ops.array_ops import reshape
from .ops.nn_ops import bias_add
from .variable_scope import get_variable, get_variable_scope, no_regularizer
from .variables import ROLES, Variable, attach_penalty

if TYPE_CHECKING:  # annotations only
    from .framework.types import DTypeLike, InitializerFn, TensorLike

__all__ = [
    "OptimizerHints",
    "layer_variable",
    "apply_dense",
    "add_to_collections_by_key",
    "collect_outputs",
    "touch_update_ops",
    "ROLES",
    "set_no_decay_roles",
    "get_no_decay_roles",
]

# ROLES (the roles layers give their variables) is defined beside Variable.
# slimcore's own decay settings (a variable_scope's weight_decay default)
# skip these roles unless a layer argument (biases_decay=, params_decay=)
# asks otherwise -- dlib's and Caffe's practice. TF1-named optimizers are not
# affected: AdamWOptimizer decays what TF contrib decayed.
_no_decay_roles = ("biases", "bn_gamma", "bn_beta", "moving_stats")


def set_no_decay_roles(roles: Iterable[str]) -> None:
    """Roles that a scope-level weight_decay default leaves out (default:
    biases and batch-norm parameters).

    Raises:
      ValueError: an unknown role.
    """
    global _no_decay_roles
    roles = tuple(roles)
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise ValueError(f"unknown role(s) {unknown}; roles are {ROLES}")
    _no_decay_roles = roles


def get_no_decay_roles() -> tuple:
    return _no_decay_roles


class OptimizerHints:
    """slimcore's per-variable optimizer settings for one variable: learning
    rate multiplier, momentum override, decoupled weight decay (None: the
    optimizer's default). cuda-convnet's epsW/momW/wc, Caffe's lr_mult/decay_mult."""

    __slots__ = ("lr_mult", "momentum", "weight_decay")

    def __init__(
        self, lr_mult: float | None = None, momentum: float | None = None, weight_decay: float | None = None
    ) -> None:
        self.lr_mult, self.momentum, self.weight_decay = lr_mult, momentum, weight_decay

    def as_kwargs(self) -> dict:
        return {"lr_mult": self.lr_mult, "momentum": self.momentum, "weight_decay": self.weight_decay}


def layer_variable(
    name: str,
    shape: list,
    dtype: DTypeLike,
    initializer: InitializerFn | TensorLike,
    regularizer: Callable | None,
    role: str,
    trainable: bool = True,
    penalty_name: str | None = None,
    collections: Iterable[str] | None = None,
    model_variable: bool = True,
    hints: OptimizerHints | None = None,
) -> Variable:
    """get_variable for a layer: "<scope>/<name>", in MODEL_VARIABLES when
    `model_variable` (slim's model_variable), with `role` and `hints`.

    A reused variable is returned as it is. The layer's penalty regularizer(v), if any
    (else the variable scope's, through get_variable), is built under
    "<scope>/<penalty_name>/Regularizer/" -- slim names its variables
    "weights"/"biases" but its penalties ".../kernel/Regularizer/...", as
    TensorFlow's own layers did -- and added to REGULARIZATION_LOSSES.

    Raises:
      TypeError: a regularizer that is not callable (a string such as "l2").
    """
    if regularizer is not None and not callable(regularizer):
        raise TypeError(
            f"the regularizer of the layer's {name!r} (e.g. kernel_regularizer, weights_regularizer) "
            f"must be a callable such as slim.l2_regularizer(scale), got {regularizer!r}"
        )
    graph = get_default_graph()
    cols = [GraphKeys.GLOBAL_VARIABLES] + ([GraphKeys.MODEL_VARIABLES] if model_variable else [])
    cols += [c for c in (collections or []) if c not in cols]
    existing = len(graph._variables)
    hint_kwargs = (hints or OptimizerHints()).as_kwargs()
    if (
        hint_kwargs["weight_decay"] is None
        and role in _no_decay_roles
        and get_variable_scope().weight_decay is not None
    ):
        hint_kwargs["weight_decay"] = 0.0  # not the scope's default: see set_no_decay_roles
    # Without a regularizer of its own, the variable scope's applies (get_variable's rule).
    variable = get_variable(
        name,
        shape,
        dtype=dtype,
        initializer=initializer,
        trainable=trainable,
        collections=cols,
        regularizer=no_regularizer if regularizer else None,
        **hint_kwargs,
    )
    created = len(graph._variables) > existing
    if not created:
        return variable
    variable.role = role
    if regularizer is not None:
        scope = get_variable_scope().name
        attach_penalty(variable, regularizer, f"{scope}/{penalty_name or name}" if scope else (penalty_name or name))
    return variable


def apply_dense(inputs: Tensor, kernel: Variable, bias: Variable | None) -> Tensor:
    """inputs @ kernel + bias on the last axis; inputs of rank > 2 are
    flattened to [-1, in] and restored (TF's tensordot on the last axis)."""
    dims = inputs.shape.as_list()
    if len(dims) < 2:
        raise ValueError(f"dense layers need inputs of rank >= 2, got shape {dims}")
    flat = inputs
    if len(dims) > 2:
        if dims[:-1].count(None) > 1:
            raise ValueError(f"dense layers support at most one unknown leading dimension, got {dims}")
        flat = reshape(inputs, [-1, dims[-1]])
    out = math_ops.matmul(flat, kernel)
    if bias is not None:
        out = bias_add(out, bias)
    if len(dims) > 2:
        out = reshape(out, [-1 if d is None else d for d in dims[:-1]] + [kernel.shape.as_list()[-1]])
    return out


def add_to_collections_by_key(variable: Variable, collections: list | dict | None, key: str) -> None:
    """slim's variables_collections: a list (every variable) or a dict keyed by 'weights', 'biases'...

    As TF1's slim, whose model_variable takes ``list(collections)``, a string is split
    into one collection per character ('foo' fills 'f' and 'o'); TF1 did that silently,
    slimcore does it with a warning saying to pass a list.
    """
    if collections is None:
        return
    names = collections.get(key) if isinstance(collections, dict) else collections
    if isinstance(names, str):
        warnings.warn(
            f"variables_collections for {variable.name!r} is the string {names!r}: as TF1's slim, it is "
            f"split into one collection per character ({sorted(set(names))}); pass [{names!r}] "
            "to add the variable to that one collection",
            stacklevel=4,
        )
    if names:
        get_default_graph().add_to_collections(list(names), variable)


def touch_update_ops() -> None:
    """What every call of a TF1 layer does to the graph even without an update op:
    its ``get_collection_ref(UPDATE_OPS)`` creates the key, so TF1's
    ``get_all_collection_keys()`` lists 'update_ops' after any tf.layers / slim layer."""
    get_default_graph().get_collection_ref(GraphKeys.UPDATE_OPS)


def collect_outputs(collections: str | Iterable[str] | None, outputs: Tensor, layer: bool = True) -> Tensor:
    """slim's ``collect_named_outputs(collections, sc.name, outputs)``, called inside
    the layer's scope: aliases `outputs` as the current name scope (the layer's
    scope name, what a net's end points are keyed by) and adds it to each
    collection (a string is ONE collection, as TF1's add_to_collections).
    `layer`: the slim function is built on a TF1 layer (conv, fully_connected,
    pools, flatten, dropout, batch_norm), which registers the UPDATE_OPS key
    (touch_update_ops); pass False for the others."""
    from .slim.utils import collect_named_outputs  # slim imports this module

    if layer:
        touch_update_ops()
    return collect_named_outputs(collections, get_default_graph().get_name_scope(), outputs)
