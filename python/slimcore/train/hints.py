"""Per-variable optimizer hints by name pattern (Caffe's lr_mult/decay_mult,
set after the fact): ``set_lr_multipliers({"biases": 2.0})``,
``set_weight_decay({"BatchNorm": 0.0})``. A pattern that matches no
variable raises, naming it -- slim's gradient_multipliers silently ignored
such keys."""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable
from typing import Any

from ..framework.ops import GraphKeys, get_default_graph

__all__ = ["set_lr_multipliers", "set_weight_decay", "set_momentum"]


def _set(hint: str, values: dict, var_list: Iterable[Any] | None) -> dict:
    if not isinstance(values, dict) or not values:
        raise ValueError(f"{hint}: expected a non-empty dict {{name pattern: value}}, got {values!r}")
    pool = list(var_list) if var_list is not None else get_default_graph().get_collection(GraphKeys.TRAINABLE_VARIABLES)
    matched: dict = {}
    for pattern, value in values.items():
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value < 0:
            raise ValueError(f"{hint}: the value for {pattern!r} must be a finite number >= 0, got {value!r}")
        try:
            regex = re.compile(pattern)
        except (re.error, TypeError) as e:
            raise ValueError(f"{hint}: {pattern!r} is not a regular expression: {e}") from None
        hits = [v for v in pool if regex.search(v.op.name)]
        if not hits:
            raise ValueError(
                f"{hint}: pattern {pattern!r} matches no variable (variables: "
                f"{[v.op.name for v in pool][:12]}{' ...' if len(pool) > 12 else ''})"
            )
        for v in hits:
            setattr(v, hint, float(value))
        matched[pattern] = hits
    return matched


def set_lr_multipliers(multipliers: dict, var_list: Iterable[Any] | None = None) -> dict:
    """Sets lr_mult (the learning rate is multiplied by it) on every variable whose
    op name matches each regular expression (re.search); returns {pattern: variables}.

    Raises:
      ValueError: a pattern that matches no variable, a negative or non-finite value.
    """
    return _set("lr_mult", multipliers, var_list)


def set_weight_decay(decays: dict, var_list: Iterable[Any] | None = None) -> dict:
    """Sets each matching variable's decoupled weight_decay (it replaces the
    optimizer's for that variable; 0 excludes it). Returns {pattern: variables}.

    Raises:
      ValueError: as set_lr_multipliers.
    """
    return _set("weight_decay", decays, var_list)


def set_momentum(momenta: dict, var_list: Iterable[Any] | None = None) -> dict:
    """Sets each matching variable's momentum override (cuda-convnet's momW/momB).

    Raises:
      ValueError: as set_lr_multipliers.
    """
    return _set("momentum", momenta, var_list)
