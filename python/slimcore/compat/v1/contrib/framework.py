"""tf.contrib.framework (TF 1.x): arg_scope, the global step and slim's variables API.

``arg_scope`` / ``add_arg_scope`` are slim's (slimcore.slim.arg_scope);
``get_or_create_global_step`` is tf.train's (an int64 variable "global_step"
in GLOBAL_STEP); ``variable``, ``model_variable``, ``get_variables``...,
``assign_from_checkpoint_fn`` are slim's (slimcore.slim.variables), as TF1
re-exported them.
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
from ....slim.variables import (
    add_model_variable,
    assign_from_checkpoint,
    assign_from_checkpoint_fn,
    assign_from_values,
    assign_from_values_fn,
    filter_variables,
    get_local_variables,
    get_model_variables,
    get_trainable_variables,
    get_unique_variable,
    get_variable_full_name,
    get_variables,
    get_variables_by_name,
    get_variables_by_suffix,
    get_variables_to_restore,
    global_variable,
    local_variable,
    model_variable,
    variable,
)
from ....train.training_util import create_global_step, get_global_step, get_or_create_global_step

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
    "smart_cond",
    "add_model_variable",
    "assign_from_checkpoint",
    "assign_from_checkpoint_fn",
    "assign_from_values",
    "assign_from_values_fn",
    "filter_variables",
    "get_local_variables",
    "get_model_variables",
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
