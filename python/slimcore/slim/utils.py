"""slim.utils (tf_slim.layers.utils): end points, tensor aliases and argument helpers.

slim layers add their output to ``outputs_collections`` and give it an *alias*,
the layer's scope name; a net then turns the collection into its end points::

    end_points_collection = sc.original_name_scope + "_end_points"
    with slim.arg_scope([slim.conv2d], outputs_collections=[end_points_collection]):
        net = slim.conv2d(images, 64, [3, 3], scope="conv1")
    end_points = slim.utils.convert_collection_to_dict(end_points_collection)
    end_points["vgg_16/conv1"]        # the conv1 output tensor

Aliases live in the graph (``tensor.aliases`` is a live list shared by every
handle on the same op output), so they survive the tensor object.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any

from ..framework.ops import Tensor, get_default_graph
from ..framework.tensor_shape import Dimension, TensorShape

__all__ = [
    "append_tensor_alias",
    "collect_named_outputs",
    "convert_collection_to_dict",
    "get_tensor_aliases",
    "last_dimension",
    "n_positive_integers",
    "two_element_tuple",
]


def _collection_list(collections: str | Iterable[str]) -> list:
    """A collection argument as TF1 reads it: one string is one collection."""
    return [collections] if isinstance(collections, str) else list(collections)


def append_tensor_alias(tensor: Tensor, alias: str) -> Tensor:
    """Appends `alias` (one trailing '/' removed) to ``tensor.aliases``.

    TF1 equivalent: ``tf_slim.layers.utils.append_tensor_alias``.

    Args:
      tensor: a Tensor.
      alias: a non-empty name, typically the layer's scope name.

    Returns:
      `tensor`, with the alias recorded.

    Raises:
      ValueError: `alias` is not a non-empty string.
    """
    if not isinstance(alias, str) or not alias:
        raise ValueError(f"append_tensor_alias: alias must be a non-empty string, got {alias!r}")
    if alias[-1] == "/":
        alias = alias[:-1]
    tensor.aliases.append(alias)
    return tensor


def get_tensor_aliases(tensor: Any) -> list:
    """The aliases of `tensor`; without any, its op name for an output ':0',
    else its tensor name (tf-slim's rule).

    TF1 equivalent: ``tf_slim.layers.utils.get_tensor_aliases``.

    Returns:
      A list of strings (a copy).
    """
    aliases = list(getattr(tensor, "aliases", None) or [])
    if aliases:
        return aliases
    return [tensor.op.name] if tensor.name.endswith(":0") else [tensor.name]


def collect_named_outputs(collections: str | Iterable[str] | None, alias: str, outputs: Tensor) -> Tensor:
    """Aliases `outputs` as `alias` and adds it to `collections` (nothing when
    `collections` is None or empty).

    A string is one collection's name (as TF1: ``'end_points'`` is one collection).

    TF1 equivalent: ``tf_slim.layers.utils.collect_named_outputs``.

    Returns:
      `outputs`.
    """
    if collections:
        append_tensor_alias(outputs, alias)
        get_default_graph().add_to_collections(_collection_list(collections), outputs)
    return outputs


def convert_collection_to_dict(collection: str, clear_collection: bool = False) -> OrderedDict:
    """An OrderedDict alias -> tensor over collection `collection`, in collection
    order (a tensor with several aliases appears under each).

    TF1 equivalent: ``tf_slim.layers.utils.convert_collection_to_dict``.

    Args:
      collection: the collection's name.
      clear_collection: empty the collection afterwards.
    """
    graph = get_default_graph()
    output = OrderedDict(
        (alias, tensor) for tensor in graph.get_collection(collection) for alias in get_tensor_aliases(tensor)
    )
    if clear_collection:
        graph.clear_collection(collection)
    return output


def last_dimension(shape: TensorShape, min_rank: int = 1) -> int:
    """The last dimension of `shape` as an int.

    TF1 equivalent: ``tf_slim.layers.utils.last_dimension``.

    Raises:
      ValueError: unknown rank, rank below `min_rank` or unknown last dimension.
    """
    dims = shape.dims
    if dims is None:
        raise ValueError("last_dimension: dims of shape must be known but is None")
    if len(dims) < min_rank:
        raise ValueError(f"last_dimension: rank of shape must be at least {min_rank} not: {len(dims)}")
    value = dims[-1].value
    if value is None:
        raise ValueError("last_dimension: last dimension shape must be known but is None")
    return value


def two_element_tuple(int_or_tuple: int | Sequence[int] | TensorShape) -> tuple:
    """(a, a) for an int a, (a, b) for a pair or a rank-2 TensorShape.

    TF1 equivalent: ``tf_slim.layers.utils.two_element_tuple``.

    Raises:
      ValueError: anything else.
    """
    if isinstance(int_or_tuple, (list, tuple)):
        if len(int_or_tuple) != 2:
            raise ValueError(f"two_element_tuple: must be a list with 2 elements: {int_or_tuple}")
        return int(int_or_tuple[0]), int(int_or_tuple[1])
    if isinstance(int_or_tuple, int) and not isinstance(int_or_tuple, bool):
        return int(int_or_tuple), int(int_or_tuple)
    if isinstance(int_or_tuple, TensorShape) and len(int_or_tuple) == 2:
        return int_or_tuple[0], int_or_tuple[1]
    raise ValueError(
        f"two_element_tuple: must be an int, a list with 2 elements or a TensorShape of length 2, got {int_or_tuple!r}"
    )


def n_positive_integers(n: int, value: int | Iterable[int] | TensorShape) -> tuple:
    """`value` as a tuple of `n` positive ints: (value,) * n for an int, else the
    iterable's elements (Dimensions read as ints).

    TF1 equivalent: ``tf_slim.layers.utils.n_positive_integers``.

    Raises:
      TypeError: `n` is not an int.
      ValueError: `n` is negative, or `value` is not a positive int nor `n` positive ints.
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"n_positive_integers: n must be an integer, got {n!r}")
    if n < 0:
        raise ValueError(f"n_positive_integers: n must be non-negative, got {n}")
    if isinstance(value, Dimension):
        value = value.value
    if isinstance(value, int) and not isinstance(value, bool):
        if value > 0:
            return (value,) * n
    elif value is not None and not isinstance(value, str):
        try:
            items = tuple(v.value if isinstance(v, Dimension) else v for v in value)
        except TypeError:
            items = None
        if (
            items is not None
            and len(items) == n
            and all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in items)
        ):
            return items
    raise ValueError(f"n_positive_integers: expected a positive integer or {n} positive integers, got {value!r}")
