"""Split loss accounting for hand-written training loops: the data loss, the
penalty loss and the decoupled-decay magnitude, reported separately::

    accounting = tf.train.LossAccounting(cross_entropy, train_op)
    for epoch in range(epochs):
        for batch in batches:
            _, values = sess.run([train_op, accounting.fetches], feed(batch))
            accounting.add(values)
        print(accounting.end_epoch())   # {'data_loss':..., 'penalty':..., 'decay':..., 'loss':...}

``penalty`` is the sum of REGULARIZATION_LOSSES; ``decay`` the size of the
decoupled decay step, sqrt(sum_i (s_i * ||w_i||)^2) with s_i the fraction
variable i loses per step (weight_decay, times the learning rate under the
"lr" convention); ``loss`` = data_loss + penalty, what get_total_loss gives.
"""
from __future__ import annotations

from typing import Any, Optional

from ..ops import math_ops
from ..ops.array_ops import constant
from ..framework.ops import GraphKeys, Tensor, convert_to_tensor, get_default_graph

__all__ = ["LossAccounting", "decoupled_decay_magnitude"]


def decoupled_decay_magnitude(train_op: Any) -> Tensor:
    """sqrt(sum_i (s_i * ||w_i||)^2) for the variables `train_op` decays (0 if none).

    Raises:
      ValueError: a train op that no slimcore optimizer built.
    """
    op = train_op.op if isinstance(train_op, Tensor) else train_op
    graph = op.graph
    in_run = graph._c.ancestors([op._node])
    records = [r for r in graph.get_collection("_slimcore_train_ops") if in_run[r.op._node]]
    if not records:
        raise ValueError(f"{op.name} was not built by a slimcore optimizer")
    record = records[-1]
    optimizer = record.optimizer
    convention = getattr(optimizer, "_decay_convention", "contrib")
    terms = []
    with graph.as_default():
        for _, v in record.updates:
            if v.weight_decay is not None:
                decay: Any = float(v.weight_decay)
            elif id(v) in record.decayed and getattr(optimizer, "_weight_decay", None) is not None:
                decay = optimizer._weight_decay
            else:
                continue
            if isinstance(decay, float) and decay == 0.0:
                continue
            step = optimizer._scalar(decay, "weight_decay")
            if convention == "lr":
                step = math_ops.multiply(step, optimizer._scalar(optimizer._learning_rate, "learning_rate"))
                if v.lr_mult is not None:
                    step = math_ops.multiply(step, float(v.lr_mult))
            terms.append(math_ops.multiply(math_ops.square(step), math_ops.reduce_sum(math_ops.square(v))))
        if not terms:
            return constant(0.0)
        return math_ops.sqrt(math_ops.add_n(terms), name="decoupled_decay_magnitude")


class LossAccounting:
    """Per-step fetches and per-epoch means of data loss, penalty and decay."""

    def __init__(self, data_loss: Any, train_op: Any = None, graph: Any = None) -> None:
        data_loss = convert_to_tensor(data_loss)
        graph = graph or data_loss.graph
        with graph.as_default():
            penalties = graph.get_collection(GraphKeys.REGULARIZATION_LOSSES)
            penalty = math_ops.add_n(penalties) if penalties else constant(0.0)
            decay = decoupled_decay_magnitude(train_op) if train_op is not None else constant(0.0)
        self.fetches = {"data_loss": data_loss, "penalty": penalty, "decay": decay}
        self.history: list = []
        self._sums = {k: 0.0 for k in self.fetches}
        self._count = 0

    def add(self, values: dict, count: int = 1) -> None:
        """Adds one step's fetched values (weighted by `count`)."""
        for key in self._sums:
            self._sums[key] += float(values[key]) * count
        self._count += count

    def end_epoch(self, **extra: Any) -> dict:
        """The means since the last call, appended to history (with `extra`)."""
        n = max(self._count, 1)
        entry = {k: s / n for k, s in self._sums.items()}
        entry["loss"] = entry["data_loss"] + entry["penalty"]
        entry.update(extra)
        self.history.append(entry)
        self._sums = {k: 0.0 for k in self._sums}
        self._count = 0
        return entry
