"""The regularization guard: a train op built from a loss that leaves out the
REGULARIZATION_LOSSES of variables it trains -- the bug of seed 000 (docs/SEMANTICS.md
appendix A), where ``create_train_op(cross_entropy, opt)`` trains with no weight decay at all --
warns (or raises, or stays silent: one policy, set globally with
``set_regularization_policy`` or per call with ``regularization_check=``).
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterable
from typing import Any

from ..framework import replicas
from ..framework.ops import GraphKeys, Tensor

__all__ = [
    "RegularizationNotAppliedWarning",
    "RegularizationNotAppliedError",
    "DoubleDecayWarning",
    "DoubleDecayError",
    "set_regularization_policy",
    "get_regularization_policy",
    "check_regularization",
    "check_double_counting",
]

_POLICIES = ("warn", "error", "ignore")
_policy = "warn"


_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def user_stacklevel() -> int:
    """The stacklevel of the first caller outside slimcore, so that a warning
    points at the user's line whichever API path led to it."""
    frame, level = sys._getframe(1), 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    return level


class RegularizationNotAppliedWarning(UserWarning):
    """A regularization penalty of a trained variable is not in the trained loss."""


class RegularizationNotAppliedError(ValueError):
    """Raised instead of the warning under the "error" policy."""


class DoubleDecayWarning(UserWarning):
    """A variable gets both an L2 penalty in the loss and decoupled decay."""


class DoubleDecayError(ValueError):
    """Raised instead of DoubleDecayWarning under the "error" policy."""


def set_regularization_policy(policy: str) -> None:
    """What a missing penalty does: "warn" (default), "error" or "ignore".

    Raises:
      ValueError: another policy.
    """
    global _policy
    if policy not in _POLICIES:
        raise ValueError(f"regularization policy must be one of {_POLICIES}, got {policy!r}")
    _policy = policy


def get_regularization_policy() -> str:
    return _policy


def check_regularization(
    loss: Tensor, var_list: Iterable[Any], policy: str | None = None, where: str = "minimize"
) -> list:
    """Finds the penalties in REGULARIZATION_LOSSES that depend on a variable
    of `var_list` but are not part of `loss`; warns / raises / ignores by policy.

    Returns:
      The trained variables whose penalties are missing (whatever the policy).
    """
    policy = policy or _policy
    if policy not in _POLICIES:
        raise ValueError(f"regularization_check must be one of {_POLICIES}, got {policy!r}")
    graph = loss.graph
    penalties = [
        p for p in graph.get_collection(GraphKeys.REGULARIZATION_LOSSES) if isinstance(p, Tensor) and p.graph is graph
    ]
    if policy == "ignore" or not penalties:
        return []
    in_loss = graph._c.ancestors([loss.op._node])
    missing = [p for p in penalties if not in_loss[p.op._node]]
    if not missing:
        return []
    feeds_missing = graph._c.ancestors([p.op._node for p in missing])
    variables = [v for v in var_list if feeds_missing[v._variable._node]]
    if not variables:
        return []
    names = ", ".join(v.op.name for v in variables[:6]) + (" ..." if len(variables) > 6 else "")
    message = (
        f"{where}: the loss '{loss.name}' leaves out {len(missing)} of the "
        f"{len(penalties)} regularization losses (e.g. '{missing[0].name}'), so the variables "
        f"{names} train without their penalties. Train on tf.losses.get_total_loss(), or add "
        "tf.losses.get_regularization_loss() to the loss. (regularization_check='ignore' "
        "silences this.)"
    )
    if replicas.count() > 1:
        message += f" [ranks: {replicas.count()}: every rank trains without them]"
    if policy == "error":
        raise RegularizationNotAppliedError(message)
    warnings.warn(message, RegularizationNotAppliedWarning, stacklevel=user_stacklevel())
    return variables


def check_double_counting(loss: Tensor | None, plans: Iterable[Any], policy: str | None = None) -> list:
    """Variables that get decoupled decay from the optimizer while their
    penalty is also part of `loss` (decay counted twice); warns / raises /
    ignores by policy. Returns them.

    Args:
      loss: the trained loss (None: nothing to check).
      plans: the update plans of the train op (train.update_plan): who is
        decayed is read from them.
    """
    policy = policy or _policy
    if policy == "ignore" or loss is None:
        return []
    decayed = [
        e.variable
        for plan in plans
        for e in plan.variables
        if e.decays and getattr(e.variable, "regularization_loss", None) is not None
    ]
    if not decayed:
        return []
    in_loss = loss.graph._c.ancestors([loss.op._node])
    both = [v for v in decayed if in_loss[v.regularization_loss.op._node]]
    if not both:
        return []
    names = ", ".join(v.op.name for v in both[:6]) + (" ..." if len(both) > 6 else "")
    message = (
        f"{names} get an L2 penalty in the loss and decoupled weight decay from the optimizer: the "
        "decay is counted twice. Keep one (e.g. drop the weights_regularizer, or exclude these variables "
        "with decay_var_list / exclude_from_weight_decay)."
    )
    if policy == "error":
        raise DoubleDecayError(message)
    warnings.warn(message, DoubleDecayWarning, stacklevel=user_stacklevel())
    return both
