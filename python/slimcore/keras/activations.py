"""tf.keras.activations: names to slimcore's ops.

``get('relu')`` is tf.nn.relu, 'softmax' tf.nn.softmax (last axis),
'sigmoid', 'tanh', 'relu6'; 'linear' and None are the identity. A callable
(``tf.nn.relu``) is used as is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from ..ops import nn_ops

if TYPE_CHECKING:  # annotations only
    from ..framework.types import TensorLike

__all__ = ["get", "relu", "relu6", "tanh", "sigmoid", "softmax", "linear", "serialize"]

relu = nn_ops.relu
relu6 = nn_ops.relu6
tanh = nn_ops.tanh
sigmoid = nn_ops.sigmoid
softmax = nn_ops.softmax


def linear(x: TensorLike) -> Any:
    """Keras' 'linear' activation: the identity."""
    return x


_BY_NAME = {"relu": relu, "relu6": relu6, "tanh": tanh, "sigmoid": sigmoid, "softmax": softmax, "linear": linear}


def get(identifier: str | dict | Callable[..., object]) -> Callable:
    """The activation for a name or callable (None: linear).

    Raises:
      ValueError: an unknown name or a non-callable.
    """
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        if identifier not in _BY_NAME:
            raise ValueError(f"Unknown activation function: {identifier!r} (slimcore has {sorted(_BY_NAME)})")
        return _BY_NAME[identifier]
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret activation function identifier: {identifier!r}")


def serialize(activation: Callable | None) -> str:
    """The Keras name of an activation ('linear' for the identity)."""
    for name, fn in _BY_NAME.items():
        if fn is activation:
            return name
    return getattr(activation, "__name__", repr(activation))
