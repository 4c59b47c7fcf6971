"""tf.contrib.framework (TF 1.x): arg_scope and the global step.

``arg_scope`` / ``add_arg_scope`` are slim's (slimcore.slim.arg_scope);
``get_or_create_global_step`` is tf.train's (an int64 variable "global_step"
in GLOBAL_STEP); ``get_model_variables`` lists MODEL_VARIABLES.
"""

from __future__ import annotations

from ....ops.control_flow_ops import smart_cond
from ....slim.arg_scope import (
    add_arg_scope,
    arg_scope,
    arg_scope_func_key,
    arg_scoped_arguments,
    current_arg_scope,
    has_arg_scope,
)
from ....train.training_util import create_global_step, get_global_step, get_or_create_global_step
from ....variables import model_variables as _model_variables

__all__ = [
    "add_arg_scope",
    "arg_scope",
    "arg_scope_func_key",
    "arg_scoped_arguments",
    "current_arg_scope",
    "has_arg_scope",
    "create_global_step",
    "get_global_step",
    "get_or_create_global_step",
    "get_model_variables",
    "smart_cond",
]


def get_model_variables(scope: str | None = None, suffix: str | None = None) -> list:
    """tf.contrib.framework.get_model_variables: MODEL_VARIABLES whose name
    matches `scope` at its start and, if given, ends with `suffix`."""
    found = _model_variables(scope)
    if suffix is not None:
        found = [v for v in found if v.op.name.endswith(suffix)]
    return found
