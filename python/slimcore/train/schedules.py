"""Learning-rate schedules with TF1's names and formulas, driven by the
global step (one C++ op, LearningRateSchedule; formulas in
cpp/src/ops/schedule_ops.cpp). With p = global_step / decay_steps (floored
when staircase):

* exponential_decay:  lr * decay_rate ^ p
* inverse_time_decay: lr / (1 + decay_rate * p)
* natural_exp_decay:  lr * exp(-decay_rate * p)
* polynomial_decay:   (lr - end) * (1 - min(step, D) / D) ^ power + end
* cosine_decay:       lr * ((1 - alpha) * (1 + cos(pi * min(step, D) / D)) / 2 + alpha)
* cosine_decay_restarts: SGDR, periods growing by t_mul, peaks by m_mul
* piecewise_constant: values[i] while boundaries[i-1] < step <= boundaries[i]

Arguments are validated when the schedule is built (TF1 checked none of
them): learning rates, decay rates, end_learning_rate, power and m_mul must
be finite and >= 0, decay steps and t_mul > 0, alpha in [0, 1].
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..framework.ops import Tensor, _op1, convert_to_tensor

if TYPE_CHECKING:  # annotations only
    from ..framework.types import TensorLike
    from ..variables import Variable

__all__ = [
    "exponential_decay",
    "inverse_time_decay",
    "natural_exp_decay",
    "polynomial_decay",
    "cosine_decay",
    "cosine_decay_restarts",
    "piecewise_constant",
]


def _number(
    value: object, name: str, positive: bool = False, minimum: float | None = None, maximum: float | None = None
) -> float:
    """Validates a schedule argument: a finite Python number, > 0 when
    `positive`, within [minimum, maximum] when given."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a Python number, got {value!r}")
    value = float(value)
    if (
        not math.isfinite(value)
        or (positive and value <= 0)
        or (minimum is not None and value < minimum)
        or (maximum is not None and value > maximum)
    ):
        what = (
            "positive"
            if positive
            else "finite"
            if minimum is None and maximum is None
            else f"in [{minimum}, {'inf' if maximum is None else maximum}]"
        )
        raise ValueError(f"{name} must be {what}, got {value}")
    return value


def _schedule(kind: str, global_step: Tensor | Variable, params: list, name: str | None) -> Tensor:
    if global_step is None:
        raise ValueError(f"global_step is required to compute {kind} decay")
    step = convert_to_tensor(global_step)
    return _op1(
        "LearningRateSchedule",
        [step],
        {"kind": kind, "params": [float(p) for p in params]},
        name or kind.title().replace("_", "") + "Decay",
    )


def _rate_decay(
    kind: str,
    learning_rate: float,
    global_step: Tensor | Variable,
    decay_steps: float,
    decay_rate: float,
    staircase: bool,
    name: str | None,
) -> Tensor:
    """The three TF1 schedules parameterised by (learning_rate, decay_steps, decay_rate, staircase)."""
    return _schedule(
        kind,
        global_step,
        [
            _number(learning_rate, "learning_rate", minimum=0.0),
            _number(decay_steps, "decay_steps", True),
            _number(decay_rate, "decay_rate", minimum=0.0),
            float(bool(staircase)),
        ],
        name,
    )


def exponential_decay(
    learning_rate: float,
    global_step: Tensor | Variable,
    decay_steps: float,
    decay_rate: float,
    staircase: bool = False,
    name: str | None = None,
) -> Tensor:
    """tf.train.exponential_decay: lr * decay_rate ^ (global_step / decay_steps)."""
    return _rate_decay("exponential", learning_rate, global_step, decay_steps, decay_rate, staircase, name)


def inverse_time_decay(
    learning_rate: float,
    global_step: Tensor | Variable,
    decay_steps: float,
    decay_rate: float,
    staircase: bool = False,
    name: str | None = None,
) -> Tensor:
    """tf.train.inverse_time_decay: lr / (1 + decay_rate * global_step / decay_steps)."""
    return _rate_decay("inverse_time", learning_rate, global_step, decay_steps, decay_rate, staircase, name)


def natural_exp_decay(
    learning_rate: float,
    global_step: Tensor | Variable,
    decay_steps: float,
    decay_rate: float,
    staircase: bool = False,
    name: str | None = None,
) -> Tensor:
    """tf.train.natural_exp_decay: lr * exp(-decay_rate * global_step / decay_steps)."""
    return _rate_decay("natural_exp", learning_rate, global_step, decay_steps, decay_rate, staircase, name)


def polynomial_decay(
    learning_rate: float,
    global_step: Tensor | Variable,
    decay_steps: float,
    end_learning_rate: float = 0.0001,
    power: float = 1.0,
    cycle: bool = False,
    name: str | None = None,
) -> Tensor:
    """tf.train.polynomial_decay: (lr - end) * (1 - min(step, D) / D) ^ power + end
    (cycle: D grows to the next multiple of decay_steps)."""
    return _schedule(
        "polynomial",
        global_step,
        [
            _number(learning_rate, "learning_rate", minimum=0.0),
            _number(decay_steps, "decay_steps", True),
            _number(end_learning_rate, "end_learning_rate", minimum=0.0),
            _number(power, "power", minimum=0.0),
            float(bool(cycle)),
        ],
        name,
    )


def cosine_decay(
    learning_rate: float,
    global_step: Tensor | Variable,
    decay_steps: float,
    alpha: float = 0.0,
    name: str | None = None,
) -> Tensor:
    """tf.train.cosine_decay: lr * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, D) / D)) + alpha)."""
    return _schedule(
        "cosine",
        global_step,
        [
            _number(learning_rate, "learning_rate", minimum=0.0),
            _number(decay_steps, "decay_steps", True),
            _number(alpha, "alpha", minimum=0.0, maximum=1.0),
        ],
        name,
    )


def cosine_decay_restarts(
    learning_rate: float,
    global_step: Tensor | Variable,
    first_decay_steps: float,
    t_mul: float = 2.0,
    m_mul: float = 1.0,
    alpha: float = 0.0,
    name: str | None = None,
) -> Tensor:
    """tf.train.cosine_decay_restarts (SGDR): cosine periods of first_decay_steps * t_mul^i,
    the i-th peaking at lr * m_mul^i."""
    return _schedule(
        "cosine_restarts",
        global_step,
        [
            _number(learning_rate, "learning_rate", minimum=0.0),
            _number(first_decay_steps, "first_decay_steps", True),
            _number(t_mul, "t_mul", True),
            _number(m_mul, "m_mul", minimum=0.0),
            _number(alpha, "alpha", minimum=0.0, maximum=1.0),
        ],
        name,
    )


def piecewise_constant(
    x: TensorLike, boundaries: Sequence[float], values: Sequence[float], name: str | None = None
) -> Tensor:
    """tf.train.piecewise_constant: values[0] for x <= boundaries[0], values[i] for
    boundaries[i-1] < x <= boundaries[i], values[-1] after the last boundary.

    Raises:
      ValueError: len(values) != len(boundaries) + 1 or unsorted boundaries.
    """
    boundaries = [_number(b, "boundaries") for b in boundaries]
    values = [_number(v, "values") for v in values]
    if len(values) != len(boundaries) + 1:
        raise ValueError(
            f"piecewise_constant needs len(values) == len(boundaries) + 1, got "
            f"{len(values)} values for {len(boundaries)} boundaries"
        )
    if sorted(boundaries) != boundaries:
        raise ValueError(f"boundaries must be increasing, got {boundaries}")
    return _schedule("piecewise", x, boundaries + values, name or "PiecewiseConstant")
