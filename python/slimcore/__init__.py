"""slimcore: a TensorFlow-1-shaped training engine in C++ whose regularization
and weight decay are correct, visible and fast.

Port a TF1 program by changing its import; the graph runs in C++::

    import slimcore as tf
    x = tf.placeholder(tf.float32, [None, 3])
    w = tf.Variable(np.ones([3, 1], np.float32))
    y = tf.matmul(x, w)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        print(sess.run(y, {x: [[1, 2, 3]]}))     # [[6.]]
"""

from __future__ import annotations

import os
import sys

# TF1's API modules and subpackages built on them.
from . import (
    _core,
    initializers,
    keras,  # after the modules it builds on
    layers,
    losses,
    metrics,
    nn,
    regularizers,
    summary,
    train,
)
from .decay import convert_decay

# The graph core: Graph, Tensor, Operation, shapes, dtypes, Session, errors.
from .framework import dtypes, errors
from .framework.config import ConfigProto, GPUOptions, device
from .framework.dtypes import (
    DType,
    as_dtype,
    bool_,
    double,
    float16,
    float32,
    float64,
    half,
    int8,
    int16,
    int32,
    int64,
    string,
    uint8,
    uint16,
)
from .framework.ops import (
    Graph,
    GraphKeys,
    Operation,
    Tensor,
    add_to_collection,
    add_to_collections,
    control_dependencies,
    convert_to_tensor,
    get_collection,
    get_collection_ref,
    get_default_graph,
    name_scope,
    register_tensor_conversion_function,
    reset_default_graph,
)
from .framework.session import InteractiveSession, Session, get_default_session
from .framework.tensor_shape import Dimension, TensorShape, dimension_at_index, dimension_value
from .initializers import (
    constant_initializer,
    glorot_normal_initializer,
    glorot_uniform_initializer,
    ones_initializer,
    random_normal_initializer,
    random_uniform_initializer,
    truncated_normal_initializer,
    variance_scaling_initializer,
    zeros_initializer,
)

# The ops. Importing array_ops registers constant conversion (convert_to_tensor
# of Python and numpy values) and math_ops installs the tensor operators (+ - * / @).
from .ops.array_ops import *  # noqa: F403
from .ops.array_ops import __all__ as _array_all
from .ops.control_flow_ops import case, cond, group, no_op, tuple  # noqa: A004
from .ops.functional_ops import foldl, foldr, map_fn, scan
from .ops.gradients import gradients
from .ops.logging_ops import Print, print_v2
from .ops.math_ops import *  # noqa: F403
from .ops.math_ops import __all__ as _math_all
from .ops.nn_ops import sigmoid, tanh
from .ops.random_ops import random_normal, random_uniform, set_random_seed, truncated_normal
from .ops.script_ops import numpy_function, py_func
from .ops.while_ops import while_loop
from .sweeps import SweepError, sweep
from .train.training_util import clip_by_global_norm, clip_by_norm, global_norm
from .variable_scope import AUTO_REUSE, VariableScope, get_variable, get_variable_scope, no_regularizer, variable_scope
from .variables import (
    Variable,
    assign,
    assign_add,
    assign_sub,
    global_variables,
    global_variables_initializer,
    initialize_all_variables,
    initialize_local_variables,
    is_variable_initialized,
    local_variables,
    local_variables_initializer,
    model_variables,
    report_uninitialized_variables,
    tables_initializer,
    trainable_variables,
    variables_initializer,
    variables_with_roles,
)

print = print_v2  # noqa: A001 -- tf.print (builtins.print is untouched)

# `import slimcore.errors` and `import slimcore.dtypes` as TF1 programs write
# them (tf.errors, tf.dtypes): the modules live in framework/.
sys.modules[f"{__name__}.errors"] = errors
sys.modules[f"{__name__}.dtypes"] = dtypes

bool = bool_  # noqa: A001  (tf.bool)
__version__ = "0.1.0"


def set_num_threads(n: int) -> None:
    """Number of threads the C++ kernels use (one pool shared by every op,
    cpp/src/parallel.h); default: all cores, or ``OMP_NUM_THREADS`` when set.
    TF1 sets this per session (``ConfigProto(intra_op_parallelism_threads=n)``);
    PyTorch's counterpart is ``torch.set_num_threads``.

    Args:
      n: 1 <= n <= max_num_threads() (4 per core, at most 256: more only
        oversubscribes the cores). A parallel region uses at most 64.

    Raises:
      TypeError: n is not an int.
      ValueError: n < 1 or n > max_num_threads(), naming the limit.
    """
    if not isinstance(n, int) or isinstance(n, type(True)):  # noqa: UP003 (`bool` here is slimcore's dtype)
        raise TypeError(f"set_num_threads expects an int, got {n!r}")
    limit = _core.max_num_threads()
    if n > limit:  # checked here too: an n beyond int64 must not reach the binding's cast
        raise ValueError(
            f"set_num_threads: n must be at most {limit} (4 threads per core of this machine, never above 256), got {n}"
        )
    _core.set_num_threads(n)


def max_num_threads() -> int:
    """The most threads set_num_threads accepts: 4 x the cores, at most 256."""
    return _core.max_num_threads()


def get_num_threads() -> int:
    """Number of threads the C++ kernels use."""
    return _core.get_num_threads()


def get_cmake_dir() -> str:
    """Folder of the installed CMake package config, for C++ applications::

        cmake -Dslimcore_DIR=$(python -c 'import slimcore; print(slimcore.get_cmake_dir())')

    Raises:
      FileNotFoundError: slimcore runs from a source tree, not an installed wheel.
    """
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "share", "cmake", "slimcore")
    if not os.path.isfile(os.path.join(path, "slimcoreConfig.cmake")):
        raise FileNotFoundError(f"no slimcoreConfig.cmake under {path}: install slimcore with pip")
    return path


__all__ = sorted(
    set(_array_all)
    | set(_math_all)
    | {
        "DType",
        "as_dtype",
        "bool",
        "double",
        "float16",
        "float32",
        "float64",
        "half",
        "int8",
        "int16",
        "int32",
        "int64",
        "string",
        "uint8",
        "uint16",
        "Dimension",
        "dimension_at_index",
        "dimension_value",
        "Graph",
        "GraphKeys",
        "Operation",
        "Tensor",
        "TensorShape",
        "add_to_collection",
        "add_to_collections",
        "control_dependencies",
        "convert_to_tensor",
        "register_tensor_conversion_function",
        "get_collection",
        "get_collection_ref",
        "get_default_graph",
        "name_scope",
        "reset_default_graph",
        "gradients",
        "Session",
        "InteractiveSession",
        "ConfigProto",
        "GPUOptions",
        "device",
        "get_default_session",
        "Variable",
        "assign",
        "assign_add",
        "assign_sub",
        "global_variables",
        "global_variables_initializer",
        "initialize_all_variables",
        "is_variable_initialized",
        "local_variables",
        "local_variables_initializer",
        "initialize_local_variables",
        "tables_initializer",
        "py_func",
        "numpy_function",
        "Print",
        "print",
        "print_v2",
        "model_variables",
        "report_uninitialized_variables",
        "trainable_variables",
        "variables_initializer",
        "variables_with_roles",
        "case",
        "cond",
        "group",
        "no_op",
        "tuple",
        "while_loop",
        "map_fn",
        "scan",
        "foldl",
        "foldr",
        "set_num_threads",
        "get_num_threads",
        "max_num_threads",
        "get_cmake_dir",
        "convert_decay",
        "sweep",
        "SweepError",
        "dtypes",
        "errors",
        "keras",
        "layers",
        "losses",
        "metrics",
        "nn",
        "regularizers",
        "summary",
        "train",
        "tanh",
        "sigmoid",
        "clip_by_global_norm",
        "clip_by_norm",
        "global_norm",
        "random_normal",
        "random_uniform",
        "set_random_seed",
        "truncated_normal",
        "AUTO_REUSE",
        "VariableScope",
        "get_variable",
        "get_variable_scope",
        "no_regularizer",
        "variable_scope",
        "initializers",
        "constant_initializer",
        "glorot_normal_initializer",
        "glorot_uniform_initializer",
        "ones_initializer",
        "random_normal_initializer",
        "random_uniform_initializer",
        "truncated_normal_initializer",
        "variance_scaling_initializer",
        "zeros_initializer",
    }
)
