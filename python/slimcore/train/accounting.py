"""Split loss accounting for hand-written training loops: the data loss, the
penalty loss and the decoupled-decay magnitude, reported separately::

    accounting = tf.train.LossAccounting(cross_entropy, train_op)
    for epoch in range(epochs):
        for batch in batches:
            _, values = sess.run([train_op, accounting.fetches], feed(batch))
            accounting.add(values)
        print(accounting.end_epoch())   # {'data_loss':..., 'penalty':..., 'decay':..., 'loss':...}

``penalty`` is the sum of REGULARIZATION_LOSSES; ``decay`` the size of the
decoupled decay step, sqrt(sum_i (f_i * ||w_i||)^2) with f_i = s_i * d_i the
fraction variable i loses per step (decoupled_decay_magnitude); ``loss`` =
data_loss + penalty, what get_total_loss gives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..framework import replicas
from ..framework.ops import GraphKeys, Tensor, convert_to_tensor
from ..ops import math_ops
from ..ops.array_ops import constant
from .plan import update_plan

if TYPE_CHECKING:  # annotations only
    from ..framework.ops import Graph, Operation
    from ..framework.types import TensorLike

__all__ = ["LossAccounting", "decoupled_decay_magnitude"]


def decoupled_decay_magnitude(train_op: Tensor | Operation) -> Tensor:
    """The size of the decoupled decay step one run of `train_op` takes,
    sqrt(sum_i (s_i * d_i * ||w_i||)^2) over the variables it decays (0 if
    none), read from its update plan (update_plan): d_i the variable's decay
    coefficient and s_i its scale, 1 ("contrib"), lr * lr_mult_i ("lr") or
    lr_t / lr_0 ("schedule"), each the op's own input tensor -- the step the
    kernel takes, p <- p - s_i * d_i * p. (The decay of Keras' AdamW or of
    PyTorch's weight_decay has the "lr" form.)

    Raises:
      ValueError: a train op that no slimcore optimizer built.
    """
    op = train_op.op if isinstance(train_op, Tensor) else train_op
    graph = op.graph
    entries = [e for plan in update_plan(train_op) for e in plan.variables if e.decays]
    with graph.as_default():
        terms = [
            math_ops.multiply(math_ops.square(e.decay_step()), math_ops.reduce_sum(math_ops.square(e.variable)))
            for e in entries
        ]
        if not terms:
            return constant(0.0)
        return math_ops.sqrt(math_ops.add_n(terms), name="decoupled_decay_magnitude")


class LossAccounting:
    """Per-step fetches and per-epoch means of data loss, penalty and decay.

    In data-parallel training (slimcore.distributed, ``ranks`` > 1) the data
    loss is this rank's shard's; the penalty and the decay are the same on
    every rank (identical weights), and the update uses the ranks' mean
    gradient, which holds the penalty's once."""

    def __init__(
        self, data_loss: TensorLike, train_op: Tensor | Operation | None = None, graph: Graph | None = None
    ) -> None:
        data_loss = convert_to_tensor(data_loss)
        graph = graph or data_loss.graph
        with graph.as_default():
            penalties = graph.get_collection(GraphKeys.REGULARIZATION_LOSSES)
            penalty = math_ops.add_n(penalties) if penalties else constant(0.0)
            decay = decoupled_decay_magnitude(train_op) if train_op is not None else constant(0.0)
        self.fetches = {"data_loss": data_loss, "penalty": penalty, "decay": decay}
        self._graph, self._train_op = graph, train_op
        self.history: list = []
        self._sums = dict.fromkeys(self.fetches, 0.0)
        self._count = 0
        self.ranks = replicas.count()  # data-parallel replicas training together

    def summary(self, scope: str = "learning") -> Tensor:
        """A merged tf.summary of the split, for TensorBoard: scalars
        ``<scope>/data_loss``, ``<scope>/penalty``, ``<scope>/decay_magnitude``,
        ``<scope>/effective_decay/<role>`` (the mean fraction s * d of its
        weight a decayed variable of that role loses per step) and a histogram
        ``<scope>/weight_norms`` of the trainable variables' norms. Its summary
        ops go in no collection (merge_all does not pick them up).

        Returns:
          A scalar string tensor (run it with the train op, then
          ``FileWriter.add_summary``).
        """
        from .. import summary
        from ..ops.array_ops import stack

        graph = self._graph
        with graph.as_default(), graph.name_scope(scope):
            parts = [
                summary.scalar("data_loss", self.fetches["data_loss"], collections=[]),
                summary.scalar("penalty", self.fetches["penalty"], collections=[]),
                summary.scalar("decay_magnitude", self.fetches["decay"], collections=[]),
            ]
            roles: dict = {}
            if self._train_op is not None:
                for entry in (e for plan in update_plan(self._train_op) for e in plan.variables if e.decays):
                    roles.setdefault(entry.role or "other", []).append(entry.decay_step())
            for role, steps in sorted(roles.items()):
                mean = math_ops.multiply(math_ops.add_n(steps), 1.0 / len(steps))
                parts.append(summary.scalar(f"effective_decay/{role}", mean, collections=[]))
            trainable = graph.get_collection(GraphKeys.TRAINABLE_VARIABLES)
            if trainable:
                norms = stack([math_ops.sqrt(math_ops.reduce_sum(math_ops.square(v))) for v in trainable])
                parts.append(summary.histogram("weight_norms", norms, collections=[]))
            return summary.merge(parts, name="split")

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
        self._sums = dict.fromkeys(self._sums, 0.0)
        self._count = 0
        return entry
