"""tf.keras.initializers: Keras' initializer names on slimcore's initializers.

=======================  ================================================
name                     initializer
=======================  ================================================
'glorot_uniform'         U(+-sqrt(6 / (fan_in + fan_out)))  (Keras' kernel default)
'glorot_normal'          truncated normal, std sqrt(2 / (fan_in + fan_out))
'he_normal' / 'he_uniform'      VarianceScaling(2, 'fan_in', truncated normal / uniform)
'lecun_normal' / 'lecun_uniform'  VarianceScaling(1, 'fan_in', ...)
'zeros' / 'ones'         constants (Keras' bias default: zeros)
'random_normal'          N(0, 0.05)    (Keras' defaults, not tf's stddev 1)
'random_uniform'         U(-0.05, 0.05)
'truncated_normal'       N(0, 0.05) redrawn beyond 2 stddev
=======================  ================================================
"""

from __future__ import annotations

from typing import Callable

from .. import initializers as _init

__all__ = [
    "get",
    "Zeros",
    "Ones",
    "Constant",
    "RandomNormal",
    "RandomUniform",
    "TruncatedNormal",
    "VarianceScaling",
    "GlorotUniform",
    "GlorotNormal",
    "he_normal",
    "he_uniform",
    "lecun_normal",
    "lecun_uniform",
    "glorot_uniform",
    "glorot_normal",
    "zeros",
    "ones",
]

Zeros, Ones, Constant = _init.Zeros, _init.Ones, _init.Constant
VarianceScaling, GlorotUniform, GlorotNormal = _init.VarianceScaling, _init.GlorotUniform, _init.GlorotNormal
glorot_uniform, glorot_normal, zeros, ones = GlorotUniform, GlorotNormal, Zeros, Ones


def RandomNormal(mean: float = 0.0, stddev: float = 0.05, seed: int | None = None) -> _init.RandomNormal:  # noqa: N802
    """Keras RandomNormal(mean=0.0, stddev=0.05)."""
    return _init.RandomNormal(mean, stddev, seed=seed)


def RandomUniform(minval: float = -0.05, maxval: float = 0.05, seed: int | None = None) -> _init.RandomUniform:  # noqa: N802
    """Keras RandomUniform(minval=-0.05, maxval=0.05)."""
    return _init.RandomUniform(minval, maxval, seed=seed)


def TruncatedNormal(mean: float = 0.0, stddev: float = 0.05, seed: int | None = None) -> _init.TruncatedNormal:  # noqa: N802
    """Keras TruncatedNormal(mean=0.0, stddev=0.05)."""
    return _init.TruncatedNormal(mean, stddev, seed=seed)


def he_normal(seed: int | None = None) -> _init.VarianceScaling:
    """VarianceScaling(2.0, 'fan_in', 'truncated_normal'): std sqrt(2 / fan_in)."""
    return _init.VarianceScaling(2.0, "fan_in", "truncated_normal", seed=seed)


def he_uniform(seed: int | None = None) -> _init.VarianceScaling:
    """VarianceScaling(2.0, 'fan_in', 'uniform'): U(+-sqrt(6 / fan_in))."""
    return _init.VarianceScaling(2.0, "fan_in", "uniform", seed=seed)


def lecun_normal(seed: int | None = None) -> _init.VarianceScaling:
    """VarianceScaling(1.0, 'fan_in', 'truncated_normal'): std sqrt(1 / fan_in)."""
    return _init.VarianceScaling(1.0, "fan_in", "truncated_normal", seed=seed)


def lecun_uniform(seed: int | None = None) -> _init.VarianceScaling:
    """VarianceScaling(1.0, 'fan_in', 'uniform'): U(+-sqrt(3 / fan_in))."""
    return _init.VarianceScaling(1.0, "fan_in", "uniform", seed=seed)


_BY_NAME = {
    "glorot_uniform": GlorotUniform,
    "glorot_normal": GlorotNormal,
    "zeros": Zeros,
    "ones": Ones,
    "he_normal": he_normal,
    "he_uniform": he_uniform,
    "lecun_normal": lecun_normal,
    "lecun_uniform": lecun_uniform,
    "random_normal": RandomNormal,
    "random_uniform": RandomUniform,
    "truncated_normal": TruncatedNormal,
}


def get(identifier: str | dict | Callable[..., object], argument: str = "initializer") -> Callable:
    """An initializer from a Keras name or an initializer object/callable.

    Raises:
      ValueError: an unknown name (naming `argument`), or a non-callable.
    """
    if isinstance(identifier, str):
        if identifier not in _BY_NAME:
            raise ValueError(
                f"{argument}: unknown initializer {identifier!r}; Keras' names are "
                f"{sorted(_BY_NAME)} (Xavier is 'glorot_uniform')"
            )
        return _BY_NAME[identifier]()
    if callable(identifier):
        return identifier
    raise ValueError(f"{argument}: could not interpret initializer identifier {identifier!r}")
