"""The resolved update plan of a train op: what one step does to each
variable, as the C++ optimizer builder resolved it (slimcore/optimizer.h).
The regularization report, the loss accounting, the double-counting guard
and checkpoints read this plan; nothing else re-derives a decay rule::

    train_op = tf.train.AdamWOptimizer(1e-4, 1e-3).minimize(loss)
    for plan in tf.train.update_plan(train_op):
        for entry in plan.variables:
            print(entry)   # <VariableUpdate 'dense/kernel' lr_mult=1.0 decay=0.0001 s=1 (contrib) ...>

Per variable the decoupled decay step is p <- p - s * d * p, with d the
entry's ``decay`` (the variable's own weight_decay, else the optimizer's
when it decays the variable, else 0) and s its ``decay_scale``:
"1" (contrib), "lr*lr_mult" (the learning rate times the variable's
multiplier) or "lr_t/lr_0" (the schedule multiplier).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import _core
from ..framework.ops import Operation, Tensor
from ..ops import math_ops
from ..ops.array_ops import constant

if TYPE_CHECKING:  # annotations only
    from ..framework.ops import Graph
    from ..variables import Variable

__all__ = [
    "UPDATE_REGULARIZATION",
    "UpdatePlan",
    "VariableUpdate",
    "graph_update_plans",
    "penalty_settings",
    "penalty_summary",
    "update_plan",
]


# The scalar inputs that are regularization applied by the update rule itself
# (TF1's l1/l2/l2_shrinkage_regularization_strength), per algorithm.
UPDATE_REGULARIZATION = {"ftrl": ("l1", "l2", "l2_shrinkage"), "proximal_sgd": ("l1", "l2")}


def penalty_settings(variable: Variable) -> tuple:
    """(kind, l1, l2, convention) of the coupled penalty recorded in the
    variable's settings record (kind None: none; a scale None: a tensor
    scale; convention "half" for TF's s*sum(w^2)/2, "full" for Keras' s*sum(w^2))."""
    s = variable._settings()
    return (s.regularizer or None, s.l1, s.l2, s.penalty_convention or None)


def penalty_summary(variable: Variable) -> dict:
    """{"kind", "scale", "convention"} of the variable's recorded penalty:
    scale is the l1 or the l2 scale by kind, the pair [l1, l2] for l1_l2
    (None: a tensor scale or a custom penalty); all None without a penalty."""
    kind, l1, l2, convention = penalty_settings(variable)
    if kind is None:
        return {"kind": None, "scale": None, "convention": None}
    return {"kind": kind, "scale": _kind_scale(kind, l1, l2), "convention": convention}


def _kind_scale(kind: str, l1: float | None, l2: float | None) -> Any:
    """The scale a penalty of `kind` is known by: l1, l2, or [l1, l2] for l1_l2 (None: custom)."""
    return [l1, l2] if "l1_l2" in kind else l1 if kind.startswith("l1") else l2 if kind.startswith("l2") else None


@dataclass(frozen=True)
class VariableUpdate:
    """One variable's entry of an update plan.

    Attributes:
      variable: the Variable updated.
      lr_mult: its learning rate is lr * lr_mult.
      momentum: the momentum it gets (its override or the optimizer's);
        None for algorithms without momentum or a momentum tensor.
      decay: the decoupled decay coefficient d (a float), None when d is the
        optimizer's weight_decay input and that is not a constant.
      decay_tensor: the op's weight_decay input when d is it, else None.
      decay_convention: "contrib", "lr" or "schedule".
      decay_scale: s of p <- p - s*d*p: "1", "lr*lr_mult" or "lr_t/lr_0".
      penalty, penalty_scale, penalty_convention: the coupled penalty of the
        settings record (kind, (l1, l2) scales, "half" or "full"; None: none).
      role: the layer role (None: none).
    """

    variable: Any
    lr_mult: float
    momentum: float | None
    decay: float | None
    decay_tensor: Tensor | None
    decay_convention: str
    decay_scale: str
    penalty: str | None
    penalty_scale: tuple
    penalty_convention: str | None
    role: str | None
    _plan: Any = field(repr=False, compare=False, default=None)

    @property
    def update_regularization(self) -> dict:
        """The regularization the update rule applies to this variable: Ftrl's
        and ProximalGradientDescent's strengths by input name ("l1", "l2",
        "l2_shrinkage"), each a float or None (a non-constant tensor), zeros
        left out; {} for the other algorithms."""
        plan = self._plan
        if plan is None:
            return {}
        values = {name: plan.value(name) for name in UPDATE_REGULARIZATION.get(plan.algorithm, ())}
        return {name: value for name, value in values.items() if value != 0.0}

    @property
    def decays(self) -> bool:
        """Whether the step decays the variable (d != 0, or d a non-constant tensor)."""
        return bool(self.decay) if self.decay is not None else self.decay_tensor is not None

    def decay_step(self) -> Tensor:
        """The fraction s * d of the weight the decay removes per step, a
        scalar tensor built from the op's own inputs (so it follows a
        scheduled learning rate or weight decay exactly)."""
        plan = self._plan
        d = self.decay_tensor if self.decay_tensor is not None else constant(float(self.decay or 0.0))
        if self.decay_scale == "lr*lr_mult":
            return math_ops.multiply(math_ops.multiply(plan.scalar("learning_rate"), self.lr_mult), d)
        if self.decay_scale == "lr_t/lr_0":
            return math_ops.multiply(plan.scalar("decay_multiplier"), d)
        return d

    def __repr__(self) -> str:
        decay = self.decay if self.decay is not None else self.decay_tensor.name
        parts = [f"lr_mult={self.lr_mult}"]
        if self.momentum is not None:
            parts.append(f"momentum={self.momentum}")
        parts.append(f"decay={decay} s={self.decay_scale} ({self.decay_convention})")
        parts += [f"update_{name}={value}" for name, value in self.update_regularization.items()]
        if self.penalty:
            parts.append(
                f"penalty={self.penalty}({_kind_scale(self.penalty, *self.penalty_scale)}) {self.penalty_convention}"
            )
        if self.role:
            parts.append(f"role={self.role}")
        return f"<VariableUpdate '{self.variable.op.name}' {' '.join(parts)}>"


@dataclass(frozen=True)
class UpdatePlan:
    """The plan of one ApplyOptimizer op.

    Attributes:
      op: the ApplyOptimizer Operation.
      algorithm: "sgd", "momentum", "adam", "rmsprop", "adagrad", "adadelta",
        "ftrl" or "proximal_sgd".
      nesterov, centered: the algorithm's flags.
      scalars: {name: (tensor, value or None)} of the op's scalar inputs
        (learning_rate, ..., weight_decay, decay_multiplier); value is set
        when the input is a constant.
      variables: a VariableUpdate per updated variable, in update order.
      epsilon_convention: where adam's/rmsprop's epsilon goes, "tf" or
        "pytorch" (slimcore.train.EPSILON_CONVENTIONS).
    """

    op: Operation
    algorithm: str
    nesterov: bool
    centered: bool
    scalars: dict
    variables: list = field(default_factory=list)
    epsilon_convention: str = "tf"

    def scalar(self, name: str) -> Tensor:
        """The op's scalar input `name` (a tensor)."""
        return self.scalars[name][0]

    def value(self, name: str) -> float | None:
        """The constant value of the op's scalar input `name` (None: not a constant)."""
        return self.scalars[name][1]

    def entry(self, variable: Variable) -> VariableUpdate | None:
        """The entry of `variable` (None: the op does not update it)."""
        return next((e for e in self.variables if e.variable is variable), None)

    def __repr__(self) -> str:
        scalars = " ".join(f"{k}={v if v is not None else t.name}" for k, (t, v) in self.scalars.items())
        rows = "".join(f"\n  {e!r}" for e in self.variables)
        eps = "" if self.epsilon_convention == "tf" else f" epsilon_convention={self.epsilon_convention}"
        return f"<UpdatePlan '{self.op.name}' {self.algorithm}{eps} {scalars}>{rows}"


def _f32(value: float | None) -> float | None:
    """A float32 input's value as the shortest decimal that rounds to it
    (the constant 1e-4 reads back as 1e-4, not 9.99999974e-05)."""
    return None if value is None else float(str(np.float32(value)))


def plan_of(graph: Graph, node: int) -> UpdatePlan:
    """The UpdatePlan of ApplyOptimizer node `node` of `graph`."""
    raw = _core.update_plan(graph._c, node)
    scalars = {s.name: (Tensor(graph, *s.input), _f32(s.value)) for s in raw.scalars}
    plan = UpdatePlan(
        Operation(graph, node),
        raw.algorithm,
        raw.nesterov,
        raw.centered,
        scalars,
        epsilon_convention=raw.epsilon_convention,
    )
    for u in raw.variables:
        plan.variables.append(
            VariableUpdate(
                variable=graph._variables[u.var],
                lr_mult=u.lr_mult,
                momentum=_f32(u.momentum) if u.momentum_from_input else u.momentum,
                decay=_f32(u.decay) if u.decay_from_input else u.decay,
                decay_tensor=scalars["weight_decay"][0] if u.decay_from_input else None,
                decay_convention=u.decay_convention,
                decay_scale=u.decay_scale,
                penalty=u.settings.regularizer or None,
                penalty_scale=(u.settings.l1, u.settings.l2),
                penalty_convention=u.settings.penalty_convention or None,
                role=u.settings.role or None,
                _plan=plan,
            )
        )
    return plan


def graph_update_plans(graph: Graph) -> list:
    """The UpdatePlan of every ApplyOptimizer op of `graph`, in graph order."""
    return [plan_of(graph, n) for n in range(graph._c.num_nodes()) if graph._c.node_type(n) == "ApplyOptimizer"]


def update_plan(train_op: Tensor | Operation) -> list:
    """The UpdatePlan of every ApplyOptimizer op that running `train_op` runs.

    Args:
      train_op: an Operation, or a Tensor (what create_train_op returns).

    Returns:
      A list of UpdatePlan, in graph order (usually one).

    Raises:
      ValueError: `train_op` runs no slimcore optimizer update (the message names it).
    """
    op = train_op.op if isinstance(train_op, Tensor) else train_op
    if not isinstance(op, Operation):
        raise TypeError(f"update_plan expects an Operation or a Tensor, got {train_op!r}")
    graph = op.graph
    in_run = graph._c.ancestors([op._node])
    nodes = [n for n in range(len(in_run)) if in_run[n] and graph._c.node_type(n) == "ApplyOptimizer"]
    if not nodes:
        raise ValueError(
            f"{op.name} was not built by a slimcore optimizer (minimize, apply_gradients or "
            "create_train_op): it runs no ApplyOptimizer op"
        )
    return [plan_of(graph, n) for n in nodes]
