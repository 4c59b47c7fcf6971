"""tf.contrib.framework (TF 1.x): arg_scope, the global step and slim's variables API.

``arg_scope`` / ``add_arg_scope`` are slim's (slimcore.slim.arg_scope);
``get_or_create_global_step`` is tf.train's (an int64 variable "global_step"
in GLOBAL_STEP); ``variable``, ``model_variable``, ``get_variables``...,
``assign_from_checkpoint_fn`` are slim's (slimcore.slim.variables), as TF1
re-exported them.
"""

from __future__ import annotations

from ....ops.control_flow_ops import smart_cond

# slim's arg_scope and variables modules, re-exported whole (their __all__ is the
# one list of names; the variables API includes the global-step functions).
from ....slim.arg_scope import *  # noqa: F403
from ....slim.arg_scope import __all__ as _arg_scope_all
from ....slim.variables import *  # noqa: F403
from ....slim.variables import __all__ as _variables_all

__all__ = [*_arg_scope_all, *_variables_all, "smart_cond"]
