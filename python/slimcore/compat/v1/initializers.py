"""tf.initializers (TF 1.x): the short names of TF1's initializers.

Each name is the slimcore class or function with TF1's defaults:

==========================  ======================================================
``zeros``, ``ones``         Zeros, Ones
``constant(value=0)``       Constant
``random_uniform``          RandomUniform(minval=0, maxval=None -> 1)
``random_normal``           RandomNormal(mean=0, stddev=1)
``truncated_normal``        TruncatedNormal(mean=0, stddev=1), redrawn beyond 2 stddev
``variance_scaling``        VarianceScaling(scale=1, mode="fan_in", "truncated_normal")
``glorot_uniform``          U(+-sqrt(6 / (fan_in + fan_out)))
``glorot_normal``           truncated normal, std sqrt(2 / (fan_in + fan_out))
``he_normal(seed)``         VarianceScaling(2.0, "fan_in", "truncated_normal")
``he_uniform(seed)``        VarianceScaling(2.0, "fan_in", "uniform")
``lecun_normal(seed)``      VarianceScaling(1.0, "fan_in", "truncated_normal")
``lecun_uniform(seed)``     VarianceScaling(1.0, "fan_in", "uniform")
``global_variables()``      tf.global_variables_initializer()
``local_variables()``       tf.local_variables_initializer()
``tables_initializer``      tf.tables_initializer (a NoOp: slimcore has no lookup tables)
``variables(var_list)``     tf.variables_initializer(var_list)
==========================  ======================================================
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ...initializers import (
    Constant,
    GlorotNormal,
    GlorotUniform,
    Ones,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
    Zeros,
)
from ...variables import (
    Variable,
    global_variables_initializer,
    local_variables_initializer,
    tables_initializer,
    variables_initializer,
)

__all__ = [
    "zeros",
    "ones",
    "constant",
    "random_uniform",
    "random_normal",
    "truncated_normal",
    "variance_scaling",
    "glorot_uniform",
    "glorot_normal",
    "he_normal",
    "he_uniform",
    "lecun_normal",
    "lecun_uniform",
    "global_variables",
    "local_variables",
    "tables_initializer",
    "variables",
]

zeros = Zeros
ones = Ones
constant = Constant
random_uniform = RandomUniform
random_normal = RandomNormal
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling
glorot_uniform = GlorotUniform
glorot_normal = GlorotNormal


def he_normal(seed: int | None = None) -> VarianceScaling:
    """tf.initializers.he_normal: truncated normal with std sqrt(2 / fan_in)."""
    return VarianceScaling(2.0, "fan_in", "truncated_normal", seed=seed)


def he_uniform(seed: int | None = None) -> VarianceScaling:
    """tf.initializers.he_uniform: U(+-sqrt(6 / fan_in))."""
    return VarianceScaling(2.0, "fan_in", "uniform", seed=seed)


def lecun_normal(seed: int | None = None) -> VarianceScaling:
    """tf.initializers.lecun_normal: truncated normal with std sqrt(1 / fan_in)."""
    return VarianceScaling(1.0, "fan_in", "truncated_normal", seed=seed)


def lecun_uniform(seed: int | None = None) -> VarianceScaling:
    """tf.initializers.lecun_uniform: U(+-sqrt(3 / fan_in))."""
    return VarianceScaling(1.0, "fan_in", "uniform", seed=seed)


def global_variables() -> Any:
    """tf.initializers.global_variables = tf.global_variables_initializer()."""
    return global_variables_initializer()


def local_variables() -> Any:
    """tf.initializers.local_variables = tf.local_variables_initializer()."""
    return local_variables_initializer()


def variables(var_list: Iterable[Variable], name: str = "init") -> Any:
    """tf.initializers.variables = tf.variables_initializer(var_list, name)."""
    return variables_initializer(var_list, name=name)
