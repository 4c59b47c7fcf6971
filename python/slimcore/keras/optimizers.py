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
``AdamW(learning_rate=0.001,               Keras 3's AdamW: p <- p - lr weight_decay p,
weight_decay=0.004, beta_1=0.9,            then the Adam step above (decay_convention
beta_2=0.999, epsilon=1e-7)``              "lr", every variable unless excluded)
=========================================  ==========================================

``weight_decay=`` (Keras 2.11+ and Keras 3) is taken by ``SGD``, ``Adam``,
``AdamW``, ``RMSprop`` and ``Adagrad``: decoupled and scaled by the current learning rate, applied before
the step with the gradient of the undecayed weights, to every variable except
those named in ``exclude_from_weight_decay(var_list=, var_names=)``
(Keras 3's ``variable.assign_sub(variable * weight_decay * lr)``). It is
slimcore's ``decay_convention="lr"``; ``weight_decay=None`` (the default,
except AdamW's 0.004) decays nothing.

``lr=`` (Keras 1's name) is accepted for ``learning_rate``. Keras 1's ``decay``
(lr / (1 + decay * iterations)), ``amsgrad``, ``clipnorm`` and ``clipvalue``
are not supported and raise. ``get('adam')`` gives the defaults; a slimcore
optimizer object (``tf.train.AdamOptimizer(...)``) is used as is.
"""

from __future__ import annotations

import re
import warnings
from typing import TYPE_CHECKING, Any

from ..train.optimizer import (
    AdagradOptimizer,
    AdamOptimizer,
    DecoupledWeightDecayExtension,
    GradientDescentOptimizer,
    MomentumOptimizer,
    MomentumWOptimizer,
    Optimizer,
    RMSPropOptimizer,
    extend_with_decoupled_weight_decay,
)

if TYPE_CHECKING:  # annotations only
    from typing import Callable

    from ..framework.types import TensorLike

__all__ = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "get", "Optimizer"]


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


def _exclude_from_weight_decay(
    optimizer: DecoupledWeightDecayExtension, var_list: Any = None, var_names: Any = None
) -> None:
    """Keras 3's Optimizer.exclude_from_weight_decay(var_list=None, var_names=None):
    the variables in var_list, and those whose name contains one of var_names,
    are not decayed. Raises ValueError when a name matches none of the
    variables being updated (at minimize / apply_gradients)."""
    for v in var_list or ():
        optimizer._exclude_patterns.append(re.compile("^" + re.escape(v.op.name) + "$"))
    for name in [var_names] if isinstance(var_names, str) else var_names or ():
        optimizer._exclude_patterns.append(re.compile(re.escape(name)))


class _GradientDescentW(extend_with_decoupled_weight_decay(GradientDescentOptimizer)):  # type: ignore[misc]
    """Keras 3 SGD(weight_decay=) without momentum (prints as SGD)."""

    exclude_from_weight_decay = _exclude_from_weight_decay


class _MomentumW(MomentumWOptimizer):
    """Keras 3 SGD(momentum=, weight_decay=) (prints as SGD)."""

    exclude_from_weight_decay = _exclude_from_weight_decay


_GradientDescentW.__name__ = _MomentumW.__name__ = "SGD"


class _KerasWeightDecay(DecoupledWeightDecayExtension):
    """Keras 3's ``weight_decay=`` on an optimizer with its own update (Adam,
    RMSprop, Adagrad): None (the default) runs the base optimizer's update
    alone, a number first does p <- p - lr weight_decay p (decay_convention
    "lr", module docstring). Keras 3's BaseOptimizer._apply_weight_decay."""

    def __init__(self, weight_decay: TensorLike | None, *args: Any, **kwargs: Any) -> None:
        self._keras_decays = weight_decay is not None
        super().__init__(0.0 if weight_decay is None else weight_decay, *args, decay_convention="lr", **kwargs)

    exclude_from_weight_decay = _exclude_from_weight_decay

    def _decay(self, decay_var_list: Any = None, variables: Any = None) -> tuple:
        if not self._keras_decays:  # the base update: nothing decayed but the variables' own hints
            return super(DecoupledWeightDecayExtension, self)._decay(decay_var_list, variables)
        return super()._decay(decay_var_list, variables)

    def _settings(self) -> list:
        if not self._keras_decays:
            return super(DecoupledWeightDecayExtension, self)._settings()
        return super()._settings()


class SGD:
    """keras.optimizers.SGD(learning_rate=0.01, momentum=0.0, nesterov=False,
    weight_decay=None): p <- p - lr g; with momentum, a <- momentum a + g,
    p <- p - lr a (nesterov: p <- p - lr (g + momentum a)) -- Keras 3's
    m <- momentum m - lr g; p <- p + m for a constant learning rate. With
    ``weight_decay`` (Keras 3), first p <- p - lr weight_decay p.
    Returns a slimcore GradientDescentOptimizer or MomentumOptimizer named "SGD"
    (their decoupled-decay forms, decay_convention "lr", with weight_decay);
    ``distributed=True`` is every slimcore optimizer's (train.Optimizer).

    Raises:
      ValueError: a negative learning rate, momentum or weight_decay,
        decay/clipnorm/clipvalue.
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
        weight_decay: TensorLike | None = None,
        *,
        distributed: bool = False,
    ) -> Optimizer:  # type: ignore[misc]
        _unsupported("SGD", decay=decay, clipnorm=clipnorm, clipvalue=clipvalue)
        rate = _learning_rate(learning_rate, lr, 0.01)
        if nesterov and not momentum:
            raise ValueError("SGD: nesterov=True needs a momentum > 0")
        if weight_decay is not None:
            if momentum:
                return _MomentumW(
                    weight_decay,
                    rate,
                    momentum,
                    name=name,
                    use_nesterov=nesterov,
                    decay_convention="lr",
                    distributed=distributed,
                )
            return _GradientDescentW(weight_decay, rate, name=name, decay_convention="lr", distributed=distributed)
        if momentum:
            return MomentumOptimizer(rate, momentum, use_nesterov=nesterov, name=name, distributed=distributed)
        return GradientDescentOptimizer(rate, name=name, distributed=distributed)


class Adam(_KerasWeightDecay, AdamOptimizer):
    """keras.optimizers.Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999,
    epsilon=1e-7, weight_decay=None): m <- b1 m + (1-b1) g; v <- b2 v + (1-b2) g^2;
    p <- p - lr sqrt(1-b2^t)/(1-b1^t) m / (sqrt(v) + epsilon). With
    ``weight_decay`` (Keras 3), first p <- p - lr weight_decay p (see the module
    docstring); without it the plain tf.train Adam update.

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
        weight_decay: TensorLike | None = None,
    ) -> None:
        _unsupported("Adam", amsgrad=amsgrad, decay=decay, clipnorm=clipnorm, clipvalue=clipvalue)
        super().__init__(weight_decay, _learning_rate(learning_rate, lr, 0.001), beta_1, beta_2, epsilon, name=name)


class AdamW(Adam):
    """keras.optimizers.AdamW (Keras 3; tf.keras 2.11+) (learning_rate=0.001,
    weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    p <- p - lr weight_decay p, then Keras' Adam step (epsilon added to the
    uncorrected sqrt(v), as TF1: not torch.optim.AdamW's placement, for which
    use slimcore.train.AdamWOptimizer(..., decay_convention="lr",
    epsilon_convention="pytorch")).

    Raises:
      ValueError: weight_decay None (as Keras 3) or negative, out-of-range
        hyperparameters, amsgrad, clipnorm/clipvalue.
    """

    def __init__(
        self,
        learning_rate: TensorLike = 0.001,
        weight_decay: TensorLike = 0.004,
        beta_1: TensorLike = 0.9,
        beta_2: TensorLike = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
        name: str = "AdamW",
        clipnorm: float | None = None,
        clipvalue: float | None = None,
    ) -> None:
        if weight_decay is None:
            raise ValueError("AdamW: argument `weight_decay` must be a float, got None")
        super().__init__(
            learning_rate,
            beta_1,
            beta_2,
            epsilon,
            amsgrad=amsgrad,
            name=name,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            weight_decay=weight_decay,
        )


class RMSprop(_KerasWeightDecay, RMSPropOptimizer):
    """keras.optimizers.RMSprop(learning_rate=0.001, rho=0.9, momentum=0.0,
    epsilon=1e-7, centered=False, weight_decay=None): ms <- rho ms + (1-rho) g^2
    (ms starts at 0, as Keras); centered: mg <- rho mg + (1-rho) g, D = ms - mg^2
    (else D = ms); mom <- momentum mom + lr g / sqrt(D + epsilon); p <- p - mom.
    With ``weight_decay`` (Keras 3), first p <- p - lr weight_decay p.

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
        weight_decay: TensorLike | None = None,
    ) -> None:
        _unsupported("RMSprop", decay=decay, clipnorm=clipnorm, clipvalue=clipvalue)
        rate = _learning_rate(learning_rate, lr, 0.001)
        super().__init__(weight_decay, rate, rho, momentum, epsilon, centered=centered, name=name)

    _initial_rms = 0.0  # Keras' mean square starts at 0 (tf.train's at 1)


class Adagrad(_KerasWeightDecay, AdagradOptimizer):
    """keras.optimizers.Adagrad(learning_rate=0.001, initial_accumulator_value=0.1,
    epsilon=1e-7, weight_decay=None): acc <- acc + g^2; p <- p - lr g / sqrt(acc)
    (TF1's kernel: Keras' epsilon is not added, see the module table). With
    ``weight_decay`` (Keras 3), first p <- p - lr weight_decay p.

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
        weight_decay: TensorLike | None = None,
    ) -> None:
        _unsupported("Adagrad", decay=decay, clipnorm=clipnorm, clipvalue=clipvalue)
        if epsilon is not None and epsilon != 1e-7:
            warnings.warn(
                f"Adagrad: epsilon={epsilon} is not applied (slimcore runs TF1's Adagrad, "
                "p <- p - lr g / sqrt(acc), without epsilon)",
                UserWarning,
                stacklevel=2,
            )
        super().__init__(weight_decay, _learning_rate(learning_rate, lr, 0.001), initial_accumulator_value, name=name)


_BY_NAME = {"sgd": SGD, "adam": Adam, "adamw": AdamW, "rmsprop": RMSprop, "adagrad": Adagrad}


def get(identifier: str | dict | Callable[..., object]) -> Optimizer:
    """An optimizer from a Keras name ('sgd', 'adam', 'adamw', 'rmsprop', 'adagrad',
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
