"""tf.keras.optimizers (TF 1.14+/2.x defaults) as slimcore optimizers.

Each class is a slimcore.train optimizer with Keras' names and defaults, so
it runs on the fused optimizer kernel:

=========================================  ==========================================
Keras                                      slimcore update
=========================================  ==========================================
``SGD(learning_rate=0.01, momentum=0.0,    GradientDescent, or Momentum (TF1 form
nesterov=False)``                          a <- mu a + g; p <- p - lr a, identical to
                                           Keras' m <- mu m - lr g; p <- p + m)
``Adam(learning_rate=0.001, beta_1=0.9,    TF1 Adam (epsilon added to the uncorrected
beta_2=0.999, epsilon=1e-7)``              sqrt(v), Keras' placement too)
``RMSprop(learning_rate=0.001, rho=0.9,    TF1 RMSProp kernel (epsilon inside the sqrt)
momentum=0.0, epsilon=1e-7)``              with the mean square starting at 0 (Keras),
                                           not at 1 (tf.train.RMSPropOptimizer)
``Adagrad(learning_rate=0.001,             TF1 Adagrad: p <- p - lr g / sqrt(acc); Keras
initial_accumulator_value=0.1,             adds epsilon to sqrt(acc): with acc >= 0.1 the
epsilon=1e-7)``                            difference is below 3e-7 relative; another
                                           epsilon warns
=========================================  ==========================================

``lr=`` (Keras 1's name) is accepted for ``learning_rate``. Keras 1's ``decay``
(lr / (1 + decay * iterations)), ``amsgrad``, ``clipnorm`` and ``clipvalue``
are not supported and raise. ``get('adam')`` gives the defaults; a slimcore
optimizer object (``tf.train.AdamOptimizer(...)``) is used as is.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from ..train.optimizer import (
    AdagradOptimizer,
    AdamOptimizer,
    GradientDescentOptimizer,
    MomentumOptimizer,
    Optimizer,
    RMSPropOptimizer,
)

if TYPE_CHECKING:  # annotations only
    from typing import Callable

    from ..framework.types import TensorLike

__all__ = ["SGD", "Adam", "RMSprop", "Adagrad", "get", "Optimizer"]


def _learning_rate(learning_rate: TensorLike, lr: TensorLike, default: float) -> Any:
    if lr is not None and learning_rate is not None:
        raise ValueError("give learning_rate or its old name lr, not both")
    value = lr if lr is not None else learning_rate
    return default if value is None else value


def _unsupported(kind: str, **options: Any) -> None:
    given = sorted(k for k, v in options.items() if v not in (None, 0, 0.0, False))
    if given:
        raise ValueError(
            f"{kind}: {', '.join(given)} not supported by slimcore's Keras optimizers "
            "(use a tf.train schedule for the learning rate, or clip in a custom train op)"
        )


class SGD:
    """keras.optimizers.SGD(learning_rate=0.01, momentum=0.0, nesterov=False):
    p <- p - lr g; with momentum, a <- momentum a + g, p <- p - lr a
    (nesterov: p <- p - lr (g + momentum a)). Returns a slimcore
    GradientDescentOptimizer or MomentumOptimizer named "SGD".

    Raises:
      ValueError: a negative learning rate or momentum, decay/clipnorm/clipvalue.
    """

    def __new__(
        cls,
        learning_rate: TensorLike | None = None,
        momentum: float = 0.0,
        nesterov: bool = False,
        name: str = "SGD",
        lr: TensorLike | None = None,
        decay: float = 0.0,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
    ) -> Optimizer:  # type: ignore[misc]
        _unsupported("SGD", decay=decay, clipnorm=clipnorm, clipvalue=clipvalue)
        rate = _learning_rate(learning_rate, lr, 0.01)
        if momentum:
            return MomentumOptimizer(rate, momentum, use_nesterov=nesterov, name=name)
        if nesterov:
            raise ValueError("SGD: nesterov=True needs a momentum > 0")
        return GradientDescentOptimizer(rate, name=name)


class Adam(AdamOptimizer):
    """keras.optimizers.Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999,
    epsilon=1e-7): m <- b1 m + (1-b1) g; v <- b2 v + (1-b2) g^2;
    p <- p - lr sqrt(1-b2^t)/(1-b1^t) m / (sqrt(v) + epsilon).

    Raises:
      ValueError: out-of-range hyperparameters, amsgrad, decay/clipnorm/clipvalue.
    """

    def __init__(
        self,
        learning_rate: TensorLike | None = None,
        beta_1: TensorLike = 0.9,
        beta_2: TensorLike = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
        name: str = "Adam",
        lr: TensorLike | None = None,
        decay: float = 0.0,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
    ) -> None:
        _unsupported("Adam", amsgrad=amsgrad, decay=decay, clipnorm=clipnorm, clipvalue=clipvalue)
        super().__init__(_learning_rate(learning_rate, lr, 0.001), beta_1, beta_2, epsilon, name=name)


class RMSprop(RMSPropOptimizer):
    """keras.optimizers.RMSprop(learning_rate=0.001, rho=0.9, momentum=0.0,
    epsilon=1e-7, centered=False): ms <- rho ms + (1-rho) g^2 (ms starts at 0,
    as Keras); mom <- momentum mom + lr g / sqrt(ms + epsilon); p <- p - mom.

    Raises:
      ValueError: out-of-range hyperparameters, decay/clipnorm/clipvalue.
    """

    def __init__(
        self,
        learning_rate: TensorLike | None = None,
        rho: TensorLike = 0.9,
        momentum: float = 0.0,
        epsilon: float = 1e-7,
        centered: bool = False,
        name: str = "RMSprop",
        lr: TensorLike | None = None,
        decay: float = 0.0,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
    ) -> None:
        _unsupported("RMSprop", decay=decay, clipnorm=clipnorm, clipvalue=clipvalue)
        super().__init__(_learning_rate(learning_rate, lr, 0.001), rho, momentum, epsilon, centered=centered, name=name)

    _initial_rms = 0.0  # Keras' mean square starts at 0 (tf.train's at 1)


class Adagrad(AdagradOptimizer):
    """keras.optimizers.Adagrad(learning_rate=0.001, initial_accumulator_value=0.1,
    epsilon=1e-7): acc <- acc + g^2; p <- p - lr g / sqrt(acc) (TF1's kernel:
    Keras' epsilon is not added, see the module table).

    Raises:
      ValueError: a non-positive initial accumulator, decay/clipnorm/clipvalue.
    """

    def __init__(
        self,
        learning_rate: TensorLike | None = None,
        initial_accumulator_value: float = 0.1,
        epsilon: float | None = 1e-7,
        name: str = "Adagrad",
        lr: TensorLike | None = None,
        decay: float = 0.0,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
    ) -> None:
        _unsupported("Adagrad", decay=decay, clipnorm=clipnorm, clipvalue=clipvalue)
        if epsilon is not None and epsilon != 1e-7:
            warnings.warn(
                f"Adagrad: epsilon={epsilon} is not applied (slimcore runs TF1's Adagrad, "
                "p <- p - lr g / sqrt(acc), without epsilon)",
                UserWarning,
                stacklevel=2,
            )
        super().__init__(_learning_rate(learning_rate, lr, 0.001), initial_accumulator_value, name=name)


_BY_NAME = {"sgd": SGD, "adam": Adam, "rmsprop": RMSprop, "adagrad": Adagrad}


def get(identifier: str | dict | Callable[..., object]) -> Optimizer:
    """An optimizer from a Keras name ('sgd', 'adam', 'rmsprop', 'adagrad',
    any case; Keras' defaults) or a slimcore optimizer object (as is).

    Raises:
      ValueError: an unknown name or another kind of object.
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        factory = _BY_NAME.get(identifier.lower())
        if factory is None:
            raise ValueError(
                f"Unknown optimizer: {identifier!r} (expected one of {sorted(_BY_NAME)} or a "
                "slimcore optimizer such as tf.train.AdamOptimizer(0.001))"
            )
        return factory()
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r} (a name or a slimcore.train optimizer)")
