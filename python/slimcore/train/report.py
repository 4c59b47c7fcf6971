"""regularization_report: who gets which penalty, decay and learning rate.

One row per trainable variable (and per variable a train op updates): its
shape and role, the penalty it gets in the loss (kind, scale, convention)
and whether the train op's loss actually contains it, the decoupled decay
the optimizer applies (coefficient and convention), the learning-rate
multiplier and momentum override, and whether the train op updates it::

    print(slimcore.train.regularization_report(train_op))
"""
from __future__ import annotations

import json
import math
import numbers
from typing import Any, Optional

from ..framework.ops import GraphKeys, Operation, Tensor, get_default_graph
from .training_util import get_global_step

__all__ = ["RegularizationReport", "regularization_report"]


def _penalty(variable: Any) -> dict:
    reg = getattr(variable, "regularizer", None)
    if reg is None or getattr(reg, "__name__", "") == "no_regularizer":
        return {"kind": None, "scale": None, "convention": None}
    kind = getattr(reg, "kind", getattr(reg, "__name__", type(reg).__name__))
    scale = getattr(reg, "scale", None)
    if isinstance(scale, Tensor):
        scale = scale.name
    convention = getattr(reg, "convention", None)
    return {"kind": kind, "scale": scale, "convention": convention}


def _number_or_name(value: Any) -> Any:
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, Tensor):
        return value.name
    return repr(value)


class RegularizationReport:
    """Rows (dicts), a per-role summary, notes, text (str) and JSON.

    Per row: ``lambda_grad`` is the coupled penalty's gradient coefficient
    (grad += lambda_grad * w: scale for TF's l2_regularizer, 2*scale for
    Keras' l2); ``decay`` the decoupled decay and ``shrink_decoupled`` the
    fraction it removes per step at the reported learning rate;
    ``shrink_per_step`` the total multiplicative shrink of the weight per
    step from both mechanisms where it is well defined (the coupled part
    only for SGD and momentum SGD, steady state), and ``half_life`` the steps
    it takes to halve a weight with no data gradient.
    """

    COLUMNS = ("variable", "shape", "role", "penalty", "in_loss", "decay", "convention", "mechanism",
               "shrink_per_step", "half_life", "lr_mult", "updated")

    def __init__(self, rows: list, train_op_name: Optional[str], learning_rate: Optional[float] = None,
                 optimizer: Optional[str] = None, notes: Optional[list] = None) -> None:
        self.rows = rows
        self.train_op_name = train_op_name
        self.learning_rate = learning_rate
        self.optimizer = optimizer
        self.notes = notes or []

    def as_dicts(self) -> list:
        return [dict(r) for r in self.rows]

    def summary(self) -> dict:
        """Per role: how many variables, how many penalized in the loss, decoupled-decayed, and the
        shortest half-life."""
        out: dict = {}
        for r in self.rows:
            s = out.setdefault(r["role"] or "other", {"variables": 0, "penalized": 0, "penalty_in_loss": 0,
                                                       "decoupled": 0, "min_half_life": None})
            s["variables"] += 1
            s["penalized"] += r["penalty"]["kind"] is not None
            s["penalty_in_loss"] += bool(r["in_loss"])
            s["decoupled"] += bool(r["decay"])
            if r["half_life"] is not None:
                s["min_half_life"] = r["half_life"] if s["min_half_life"] is None else min(s["min_half_life"],
                                                                                          r["half_life"])
        return out

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps({"train_op": self.train_op_name, "optimizer": self.optimizer,
                           "learning_rate": self.learning_rate, "rows": self.rows, "summary": self.summary(),
                           "notes": self.notes}, **kwargs)

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
        title = (f"Regularization report for train op '{self.train_op_name}' ({self.optimizer}, "
                 f"learning rate {self.learning_rate})") if self.train_op_name \
            else "Regularization report (no train op: penalties and hints as declared)"
        summary = ["", "per role:"] + [f"  {role}: {s}" for role, s in self.summary().items()]
        notes = ["", "notes:"] + [f"  - {n}" for n in self.notes] if self.notes else []
        return "\n".join([title, *lines, *summary, *notes])

    __repr__ = __str__


def _lambda_grad(variable: Any) -> Optional[float]:
    """The coupled penalty's gradient coefficient on w (None: none, L1 or a tensor scale)."""
    reg = getattr(variable, "regularizer", None)
    l2 = getattr(reg, "l2", None)
    if reg is None or not isinstance(l2, numbers.Real):
        return None
    if l2 == 0 and not getattr(reg, "l1", 0):
        return 0.0
    return float(l2) * (1.0 if getattr(reg, "half", True) else 2.0) if l2 else None


def _learning_rate(optimizer: Any, session: Any, step: Optional[int]) -> Optional[float]:
    lr = getattr(optimizer, "_learning_rate", None)
    if isinstance(lr, numbers.Real):
        return float(lr)
    if session is None or not isinstance(lr, Tensor):
        return None
    feed = {}
    global_step = get_global_step(lr.graph)
    if step is not None and global_step is not None:
        feed[global_step.value()] = step
    return float(session.run(lr, feed))


def regularization_report(train_op: Any = None, graph: Any = None, session: Any = None,
                          step: Optional[int] = None) -> RegularizationReport:
    """The report for `train_op` (an Operation or the tensor create_train_op
    returns) or, without one, for the trainable variables of `graph`.

    Args:
      session, step: evaluate a scheduled learning rate (at global step
        `step`, else the current one) for the shrink factors.

    Raises:
      ValueError: a train_op that no slimcore optimizer built.
    """
    op = train_op.op if isinstance(train_op, Tensor) else train_op
    graph = op.graph if op is not None else (graph or get_default_graph())
    record = None
    in_run = None
    if op is not None:
        in_run = graph._c.ancestors([op._node])
        records = [r for r in graph.get_collection("_slimcore_train_ops") if in_run[r.op._node]]
        if not records:
            raise ValueError(f"{op.name} was not built by a slimcore optimizer (minimize, apply_gradients "
                             "or create_train_op)")
        record = records[-1]
    optimizer = record.optimizer if record is not None else None
    algorithm = getattr(optimizer, "_algorithm", None)
    lr = _learning_rate(optimizer, session, step) if optimizer is not None else None
    momentum = getattr(optimizer, "_momentum", 0.0) if algorithm == "momentum" else 0.0
    convention = getattr(optimizer, "_decay_convention", "contrib")
    variables = list(graph.get_collection(GraphKeys.TRAINABLE_VARIABLES))
    if record is not None:
        variables += [v for _, v in record.updates if v not in variables]
    updated = {id(v) for _, v in record.updates} if record is not None else set()
    rows, notes = [], []
    adaptive_coupled, double = [], []
    for v in variables:
        penalty = _penalty(v)
        loss = getattr(v, "regularization_loss", None)
        in_loss = bool(in_run[loss.op._node]) if record is not None and loss is not None else None
        decay = None
        if record is not None and id(v) in updated:
            if v.weight_decay is not None:
                decay = float(v.weight_decay)
            elif id(v) in record.decayed and getattr(optimizer, "_weight_decay", None) is not None:
                decay = _number_or_name(optimizer._weight_decay)
        elif record is None and v.weight_decay:
            decay = float(v.weight_decay)
        decay = decay or None
        lam = _lambda_grad(v) if penalty["kind"] is not None else None
        coupled_active = bool(lam) and in_loss is not False
        mechanism = ("both" if coupled_active and decay else "loss penalty" if coupled_active
                     else "decoupled decay" if decay else "none")
        if penalty["kind"] is not None and in_loss is False:
            mechanism += " (penalty NOT in the loss)"
        lr_eff = None if lr is None else lr * (v.lr_mult if v.lr_mult is not None else 1.0)
        shrink_decoupled = None
        if isinstance(decay, float):
            scale = {"lr": lr_eff, "schedule": (None if lr is None else lr / float(
                getattr(optimizer, "_base_learning_rate", None) or lr))}.get(convention, 1.0)
            shrink_decoupled = None if scale is None else decay * scale
        shrink = None
        if record is not None and lr_eff is not None:
            factor = 1.0 - (shrink_decoupled or 0.0)
            if coupled_active:
                if algorithm in ("sgd", "momentum"):
                    mu = v.momentum if v.momentum is not None else momentum
                    mu = mu if isinstance(mu, numbers.Real) else 0.0
                    factor *= 1.0 - lr_eff * lam / (1.0 - mu)
                else:
                    factor = None
                    adaptive_coupled.append(v.op.name)
            shrink = factor
        if coupled_active and decay:
            double.append(v.op.name)
        half_life = None
        if shrink is not None and 0.0 < shrink < 1.0:
            half_life = math.log(0.5) / math.log(shrink)
        rows.append({
            "variable": v.op.name, "shape": v.shape.as_list(), "role": v.role, "penalty": penalty,
            "lambda_grad": lam, "in_loss": in_loss, "decay": decay,
            "convention": convention if decay else None, "shrink_decoupled": shrink_decoupled,
            "mechanism": mechanism, "shrink_per_step": shrink, "half_life": half_life,
            "lr_mult": v.lr_mult if v.lr_mult is not None else 1.0, "momentum": v.momentum,
            "updated": (id(v) in updated) if record is not None else None,
        })
    if adaptive_coupled:
        notes.append(f"{type(optimizer).__name__} rescales gradients per coordinate, so a coupled L2 penalty on "
                     f"{', '.join(adaptive_coupled[:4])}{' ...' if len(adaptive_coupled) > 4 else ''} is not weight "
                     "decay (Loshchilov & Hutter): its shrink depends on the gradient history. For a decay that "
                     "shrinks every weight alike use the decoupled form (AdamWOptimizer; "
                     "slimcore.convert_decay explains the conversion).")
    if double:
        notes.append(f"{', '.join(double[:4])}{' ...' if len(double) > 4 else ''} get both an L2 penalty in the "
                     "loss and decoupled decay: the decay is counted twice.")
    missing = [r["variable"] for r in rows if r["in_loss"] is False]
    if missing:
        notes.append(f"the penalties of {', '.join(missing[:4])}{' ...' if len(missing) > 4 else ''} are not in "
                     "the trained loss: train on tf.losses.get_total_loss().")
    return RegularizationReport(rows, op.name if op is not None else None, lr,
                                type(optimizer).__name__ if optimizer is not None else None, notes)
