"""The define-then-run core, as TF1's ``tensorflow/python/framework``:

- ``ops``: Graph, Tensor, Operation, name scopes, collections, control
  dependencies, convert_to_tensor and the default graph and session;
- ``tensor_shape``: static shapes (TensorShape, Dimension);
- ``dtypes``: float32, int32, ... (also ``slimcore.dtypes``);
- ``session``: Session, which runs a graph in C++;
- ``errors``: the exceptions the engine raises (also ``slimcore.errors``).

This package imports no op module: ``slimcore.ops.math_ops`` installs the
tensor operators (``+ - * / @``) and ``slimcore.ops.array_ops`` registers how
Python and numpy values become constants; ``import slimcore`` imports both.
"""

from . import dtypes, errors
from .ops import (
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
    get_default_session,
    name_scope,
    register_tensor_conversion_function,
    reset_default_graph,
)
from .session import InteractiveSession, Session
from .tensor_shape import Dimension, TensorShape

__all__ = [
    "dtypes",
    "errors",
    "GraphKeys",
    "Graph",
    "Operation",
    "Tensor",
    "Dimension",
    "TensorShape",
    "add_to_collection",
    "add_to_collections",
    "control_dependencies",
    "convert_to_tensor",
    "get_collection",
    "get_collection_ref",
    "get_default_graph",
    "get_default_session",
    "name_scope",
    "register_tensor_conversion_function",
    "reset_default_graph",
    "Session",
    "InteractiveSession",
]
