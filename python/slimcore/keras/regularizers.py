"""tf.keras.regularizers: Keras' penalties, no ½ on the L2 term.

=============================  ============================  ==================
call                           penalty of w                  gradient
=============================  ============================  ==================
``l1(l1=0.01)``                l1 * sum|w|                   l1 * sign(w)
``l2(l2=0.01)``                l2 * sum(w^2)                 2 * l2 * w
``l1_l2(l1=0.01, l2=0.01)``    l1 * sum|w| + l2 * sum(w^2)
``L1L2(l1=0.0, l2=0.0)``       same, defaults 0
=============================  ============================  ==================

Keras ``l2(x)`` is twice ``tf.contrib.layers.l2_regularizer(x)`` (which is
x * sum(w^2) / 2): porting the number unchanged between the two doubles or
halves the penalty (docs/SEMANTICS.md trap 8.1).
"""

from __future__ import annotations

from typing import Callable

from ..regularizers import L1, L1L2, L2, Regularizer
from ..regularizers import keras_l1 as l1
from ..regularizers import keras_l1_l2 as l1_l2
from ..regularizers import keras_l2 as l2

__all__ = ["Regularizer", "l1", "l2", "l1_l2", "L1", "L2", "L1L2", "get"]


def get(identifier: str | dict | Callable[..., object]) -> Callable | None:
    """A regularizer from None, a name ('l1', 'l2', 'l1_l2' with Keras'
    default 0.01) or a callable.

    Raises:
      ValueError: an unknown name or a non-callable.
    """
    if identifier is None or callable(identifier):
        return identifier
    if isinstance(identifier, str):
        factories = {"l1": l1, "l2": l2, "l1_l2": l1_l2}
        if identifier not in factories:
            raise ValueError(f"Unknown regularizer: {identifier!r} (expected one of {sorted(factories)})")
        return factories[identifier]()
    raise ValueError(f"Could not interpret regularizer identifier: {identifier!r}")
