"""regularization_report: who gets which penalty, decay and learning rate.

One row per trainable variable (and per variable a train op updates): its
shape and role, the penalty it gets in the loss (kind, scale, convention)
and whether the train op's loss actually contains it, the regularization
the update rule applies (Ftrl's and ProximalGradientDescent's l1/l2), the decoupled decay
the optimizer applies (coefficient and convention), the learning-rate
multiplier and momentum override, and whether the train op updates it::

    print(slimcore.train.regularization_report(train_op))
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

from ..framework import replicas
from ..framework.ops import GraphKeys, Tensor, get_default_graph
from .plan import penalty_settings, penalty_summary, update_plan
from .training_util import get_global_step

if TYPE_CHECKING:  # annotations only
    from ..framework.ops import Graph, Operation
    from ..framework.session import Session
    from ..variables import Variable

__all__ = ["RegularizationReport", "regularization_report"]


class RegularizationReport:
    """Rows (dicts), a per-role summary, notes, text (str) and JSON.

    Per row: ``lambda_grad`` is the coupled penalty's gradient coefficient
    (grad += lambda_grad * w: scale for TF's l2_regularizer, 2*scale for
    Keras' l2); ``in_update`` the regularization strengths the update rule
    applies ({"l1": ..., "l2": ...}, VariableUpdate.update_regularization);
    ``decay`` the decoupled decay and ``shrink_decoupled`` the
    fraction it removes per step at the reported learning rate;
    ``shrink_per_step`` the total multiplicative shrink of the weight per
    step from both mechanisms where it is well defined (the coupled part
    only for SGD and momentum SGD, steady state), and ``half_life`` the steps
    it takes to halve a weight with no data gradient.
    """

    COLUMNS = (
        "variable",
        "shape",
        "role",
        "penalty",
        "in_loss",
        "in_update",
        "decay",
        "convention",
        "mechanism",
        "shrink_per_step",
        "half_life",
        "lr_mult",
        "updated",
    )

    def __init__(
        self,
        rows: list,
        train_op_name: str | None,
        learning_rate: float | None = None,
        optimizer: str | None = None,
        notes: list | None = None,
    ) -> None:
        self.rows = rows
        self.train_op_name = train_op_name
        self.learning_rate = learning_rate
        self.optimizer = optimizer
        self.notes = notes or []
        self.ranks = replicas.count()  # data-parallel replicas training together (slimcore.distributed)

    def as_dicts(self) -> list:
        return [dict(r) for r in self.rows]

    def summary(self) -> dict:
        """Per role: how many variables, how many penalized in the loss, decoupled-decayed, and the
        shortest half-life."""
        out: dict = {}
        for r in self.rows:
            s = out.setdefault(
                r["role"] or "other",
                {"variables": 0, "penalized": 0, "penalty_in_loss": 0, "decoupled": 0, "min_half_life": None},
            )
            s["variables"] += 1
            s["penalized"] += r["penalty"]["kind"] is not None
            s["penalty_in_loss"] += bool(r["in_loss"])
            s["decoupled"] += bool(r["decay"])
            if r["half_life"] is not None:
                s["min_half_life"] = (
                    r["half_life"] if s["min_half_life"] is None else min(s["min_half_life"], r["half_life"])
                )
        return out

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(
            {
                "train_op": self.train_op_name,
                "optimizer": self.optimizer,
                "learning_rate": self.learning_rate,
                "rows": self.rows,
                "summary": self.summary(),
                "notes": self.notes,
                "ranks": self.ranks,
            },
            **kwargs,
        )

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __str__(self) -> str:
        def cell(row: dict, col: str) -> str:
            value = row[col]
            if col == "penalty":
                p = row["penalty"]
                return "-" if p["kind"] is None else f"{p['kind']}({p['scale']})"
            if col == "in_update":
                return " ".join(f"{k}={v}" for k, v in value.items()) or "-"
            if col == "shape":
                return "x".join(str(d) for d in value) or "scalar"
            if value is None:
                return "-"
            if isinstance(value, bool):
                return "yes" if value else "NO"
            if isinstance(value, float):
                return f"{value:.6g}"
            return str(value)

        table = [list(self.COLUMNS)] + [[cell(r, c) for c in self.COLUMNS] for r in self.rows]
        widths = [max(len(line[i]) for line in table) for i in range(len(self.COLUMNS))]
        lines = ["  ".join(v.ljust(w) for v, w in zip(line, widths)).rstrip() for line in table]
        title = (
            (
                f"Regularization report for train op '{self.train_op_name}' ({self.optimizer}, "
                f"learning rate {self.learning_rate}{self._ranks_text()})"
            )
            if self.train_op_name
            else "Regularization report (no train op: penalties and hints as declared)"
        )
        summary = ["", "per role:"] + [f"  {role}: {s}" for role, s in self.summary().items()]
        notes = ["", "notes:"] + [f"  - {n}" for n in self.notes] if self.notes else []
        return "\n".join([title, *lines, *summary, *notes])

    __repr__ = __str__

    def _ranks_text(self) -> str:
        """', ranks: N' in data-parallel training: the gradients are averaged
        over N ranks, each adding the penalties once (same numbers as one
        process on the whole batch)."""
        return f", ranks: {self.ranks}" if self.ranks > 1 else ""


def _lambda_grad(penalty: dict, variable: Variable) -> float | None:
    """The coupled penalty's gradient coefficient on w: l2 for TF's half
    convention, 2*l2 for Keras' full one (None: none, L1 only or a tensor scale)."""
    _, l1, l2, convention = penalty_settings(variable)
    if penalty["kind"] is None or l2 is None:
        return None
    if l2 == 0 and not l1:
        return 0.0
    return l2 * (1.0 if convention == "half" else 2.0) if l2 else None


def _scalar_value(plan: Any, name: str, session: Session, step: int | None) -> float | None:
    """The value of the op's scalar input `name`: a constant's, else evaluated
    in `session` (at global step `step` when given), else None."""
    value = plan.value(name)
    if value is not None or session is None:
        return value
    tensor = plan.scalar(name)
    feed = {}
    global_step = get_global_step(tensor.graph)
    if step is not None and global_step is not None:
        feed[global_step.value()] = step
    return float(session.run(tensor, feed))


def _decay_scale(entry: Any, lr: float | None, multiplier: float | None) -> float | None:
    """s of p <- p - s*d*p for a plan entry (None: unknown without a session)."""
    if entry.decay_scale == "lr*lr_mult":
        return None if lr is None else lr * entry.lr_mult
    if entry.decay_scale == "lr_t/lr_0":
        return multiplier
    return 1.0


def regularization_report(
    train_op: Tensor | Operation | None = None,
    graph: Graph | None = None,
    session: Session | None = None,
    step: int | None = None,
) -> RegularizationReport:
    """The report for `train_op` (an Operation or the tensor create_train_op
    returns) or, without one, for the trainable variables of `graph`. What
    the train op does is read from its update plan (update_plan): the
    decoupled shrink per step is s * d (p <- p - s*d*p), the coupled one
    lr * lr_mult * lambda_grad / (1 - mu) for SGD and momentum (steady state).

    Args:
      session, step: evaluate a scheduled learning rate (at global step
        `step`, else the current one) for the shrink factors.

    Raises:
      ValueError: a train_op that no slimcore optimizer built.
    """
    op = train_op.op if isinstance(train_op, Tensor) else train_op
    graph = op.graph if op is not None else (graph or get_default_graph())
    plan = None
    in_run = None
    if op is not None:
        in_run = graph._c.ancestors([op._node])
        plan = update_plan(op)[-1]
    algorithm = plan.algorithm if plan is not None else None
    lr = _scalar_value(plan, "learning_rate", session, step) if plan is not None else None
    multiplier = _scalar_value(plan, "decay_multiplier", session, step) if plan is not None else None
    variables = list(graph.get_collection(GraphKeys.TRAINABLE_VARIABLES))
    if plan is not None:
        variables += [e.variable for e in plan.variables if e.variable not in variables]
    rows, notes = [], []
    adaptive_coupled, double = [], []
    for v in variables:
        entry = plan.entry(v) if plan is not None else None
        penalty = penalty_summary(v)
        loss = getattr(v, "regularization_loss", None)
        in_loss = bool(in_run[loss.op._node]) if plan is not None and loss is not None else None
        decay: Any = None
        if entry is not None and entry.decays:
            decay = entry.decay if entry.decay is not None else entry.decay_tensor.name
        elif plan is None and v.weight_decay:
            decay = float(v.weight_decay)
        lam = _lambda_grad(penalty, v)
        coupled_active = bool(lam) and in_loss is not False
        mechanism = (
            "both"
            if coupled_active and decay
            else "loss penalty"
            if coupled_active
            else "decoupled decay"
            if decay
            else "none"
        )
        in_update = entry.update_regularization if entry is not None else {}
        if in_update:
            mechanism = "update rule" if mechanism == "none" else mechanism + " + update rule"
        if penalty["kind"] is not None and in_loss is False:
            mechanism += " (penalty NOT in the loss)"
        lr_mult = entry.lr_mult if entry is not None else (v.lr_mult if v.lr_mult is not None else 1.0)
        lr_eff = None if lr is None else lr * lr_mult
        shrink_decoupled = None
        if isinstance(decay, float):
            scale = _decay_scale(entry, lr, multiplier) if entry is not None else 1.0
            shrink_decoupled = None if scale is None else decay * scale
        shrink = None
        if plan is not None and lr_eff is not None:
            factor = 1.0 - (shrink_decoupled or 0.0)
            if coupled_active:
                if algorithm in ("sgd", "momentum"):
                    mu = entry.momentum if entry is not None and entry.momentum is not None else 0.0
                    factor *= 1.0 - lr_eff * lam / (1.0 - mu)
                else:
                    factor = None
                    adaptive_coupled.append(v.op.name)
            if factor is not None and in_update:
                l2 = in_update.get("l2")
                if algorithm == "proximal_sgd" and set(in_update) == {"l2"} and l2 is not None:
                    factor /= 1.0 + lr_eff * l2  # p <- q / (1 + lr l2)
                else:
                    factor = None  # l1's shrink is by an amount, Ftrl's depends on the gradient history
            shrink = factor
        if coupled_active and decay:
            double.append(v.op.name)
        half_life = None
        if shrink is not None and 0.0 < shrink < 1.0:
            half_life = math.log(0.5) / math.log(shrink)
        rows.append(
            {
                "variable": v.op.name,
                "shape": v.shape.as_list(),
                "role": v.role,
                "penalty": penalty,
                "lambda_grad": lam,
                "in_loss": in_loss,
                "in_update": in_update,
                "decay": decay,
                "convention": entry.decay_convention if decay and entry is not None else None,
                "shrink_decoupled": shrink_decoupled,
                "mechanism": mechanism,
                "shrink_per_step": shrink,
                "half_life": half_life,
                "lr_mult": lr_mult,
                "momentum": v.momentum,
                "updated": (entry is not None) if plan is not None else None,
            }
        )
    if adaptive_coupled:
        notes.append(
            f"{algorithm} rescales gradients per coordinate, so a coupled L2 penalty on "
            f"{', '.join(adaptive_coupled[:4])}{' ...' if len(adaptive_coupled) > 4 else ''} is not weight "
            "decay (Loshchilov & Hutter): its shrink depends on the gradient history. For a decay that "
            "shrinks every weight alike use the decoupled form (AdamWOptimizer; "
            "slimcore.convert_decay explains the conversion)."
        )
    if double:
        notes.append(
            f"{', '.join(double[:4])}{' ...' if len(double) > 4 else ''} get both an L2 penalty in the "
            "loss and decoupled decay: the decay is counted twice."
        )
    missing = [r["variable"] for r in rows if r["in_loss"] is False]
    if missing:
        notes.append(
            f"the penalties of {', '.join(missing[:4])}{' ...' if len(missing) > 4 else ''} are not in "
            "the trained loss: train on tf.losses.get_total_loss()."
        )
    return RegularizationReport(rows, op.name if op is not None else None, lr, algorithm, notes)
