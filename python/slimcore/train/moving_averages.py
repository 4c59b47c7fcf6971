"""tf.train.ExponentialMovingAverage: shadow copies of variables that trail them.

    ema = tf.train.ExponentialMovingAverage(0.999, num_updates=global_step)
    with tf.control_dependencies([train_op]):
        train_op = ema.apply(tf.trainable_variables())   # one step, then the averages
    ...
    # evaluation with the averaged weights (slim's eval scripts):
    saver = tf.train.Saver(ema.variables_to_restore())

Each step the op returned by ``apply`` runs (as TF1's assign_moving_average)

    shadow -= (1 - decay) * (shadow - variable)
    decay   = min(decay, (1 + num_updates) / (10 + num_updates))   when num_updates is given

Shadow variables are named ``<variable>/<name>`` ("dense/kernel/ExponentialMovingAverage"),
are not trainable, live in GLOBAL_VARIABLES (a default Saver checkpoints them)
and start at the variable's initial value (a tensor's shadow at zeros). The
averaged variables go to the MOVING_AVERAGE_VARIABLES collection.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..framework import dtypes as _dtypes
from ..framework.ops import GraphKeys, Operation, Tensor, convert_to_tensor, get_default_graph
from ..framework.ops import name_scope as _name_scope
from ..ops import math_ops
from ..ops.array_ops import cast, zeros_like
from ..ops.control_flow_ops import group
from ..variables import Variable, global_variables, trainable_variables

if TYPE_CHECKING:  # annotations only
    from collections.abc import Iterable

    from ..framework.types import TensorLike

__all__ = ["ExponentialMovingAverage"]


class ExponentialMovingAverage:
    """tf.train.ExponentialMovingAverage(decay, num_updates=None, zero_debias=False,
    name="ExponentialMovingAverage") -- see the module docstring.

    Args:
      decay: the decay (a Python float, or a float tensor), typically close
        to 1 (0.999, 0.9999).
      num_updates: optional count of updates so far (the global step): the
        decay used is then min(decay, (1 + num_updates) / (10 + num_updates)),
        so early averages move fast.
      zero_debias: TF1's debiasing of the averages of tensors (not
        variables); slimcore does not implement it: apply() on a tensor with
        zero_debias=True raises NotImplementedError.
      name: suffix of the shadow variables' names and name of apply()'s op.

    Raises:
      ValueError: a Python-float decay outside [0, 1].
    """

    def __init__(
        self,
        decay: TensorLike,
        num_updates: TensorLike | None = None,
        zero_debias: bool = False,
        name: str = "ExponentialMovingAverage",
    ) -> None:
        if isinstance(decay, (int, float)) and not 0.0 <= float(decay) <= 1.0:
            raise ValueError(f"ExponentialMovingAverage: decay must lie in [0, 1], got {decay}")
        self._decay = decay
        self._num_updates = num_updates
        self._zero_debias = bool(zero_debias)
        self._name = name
        self._averages: dict = {}

    @property
    def name(self) -> str:
        return self._name

    def __repr__(self) -> str:
        return (
            f"ExponentialMovingAverage(decay={self._decay!r}, num_updates={self._num_updates!r}, "
            f"name={self._name!r}, averages={len(self._averages)})"
        )

    def _create_shadow(self, var: Variable | Tensor) -> Variable:
        graph = var.graph
        with graph.control_dependencies(None), graph.name_scope(""):
            if isinstance(var, Variable):
                init: Any = var.initial_value
                base = var.op.name
            else:
                if self._zero_debias:
                    raise NotImplementedError(
                        f"ExponentialMovingAverage: zero_debias=True for tensor {var.name} is not "
                        f"supported by slimcore (averages of variables are never debiased, as in TF1)"
                    )
                init = zeros_like(var)
                base = var.op.name
            shadow = Variable(init, trainable=False, name=f"{base}/{self._name}")
        return shadow

    def apply(self, var_list: Iterable[Variable | Tensor] | None = None) -> Operation:
        """Creates the shadow variables of `var_list` and returns the op
        updating them all (a group named after the EMA).

        Args:
          var_list: Variables or float tensors (default: the trainable variables).

        Returns:
          An Operation running one update of every average.

        Raises:
          TypeError: a variable or tensor that is not float.
          ValueError: a variable whose average was already applied.
        """
        var_list = trainable_variables() if var_list is None else list(var_list)
        for var in var_list:
            if not isinstance(var, (Variable, Tensor)):
                raise TypeError(f"ExponentialMovingAverage.apply expects Variables or tensors, got {var!r}")
            if not var.dtype.is_floating:
                raise TypeError(f"The variables must be half, float, or double: {var.name} is {var.dtype.name}")
            if var in self._averages:
                raise ValueError(f"Moving average already computed for: {var.name}")
        for var in var_list:
            self._averages[var] = self._create_shadow(var)
            if isinstance(var, Variable):
                var.graph.add_to_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, var)
        graph = var_list[0].graph if var_list else get_default_graph()
        with graph.as_default(), _name_scope(self._name) as scope:
            decay = convert_to_tensor(self._decay, dtype=_dtypes.float32, name="decay")
            if self._num_updates is not None:
                n = cast(self._num_updates, _dtypes.float32, name="num_updates")
                decay = math_ops.minimum(decay, (1.0 + n) / (10.0 + n))
            updates = [self._update(self._averages[var], var, decay) for var in var_list]
            return group(*updates, name=scope)

    @staticmethod
    def _update(shadow: Variable, value: Variable | Tensor, decay: Tensor) -> Tensor:
        """shadow -= (shadow - value) * (1 - decay): TF1's assign_moving_average."""
        with _name_scope(None, "AssignMovingAvg"):
            d = decay if decay.dtype == shadow.dtype else cast(decay, shadow.dtype)
            delta = math_ops.multiply(math_ops.subtract(shadow, value), math_ops.subtract(1.0, d))
            return shadow.assign_sub(delta)

    def average(self, var: Variable | Tensor) -> Variable | None:
        """The shadow Variable of `var`, or None when apply() has not seen it."""
        return self._averages.get(var)

    def average_name(self, var: Variable | Tensor) -> str:
        """The op name of `var`'s shadow variable ("<var>/<ema name>"), also
        before apply() (how a checkpoint names it)."""
        if var in self._averages:
            return self._averages[var].op.name
        return f"{var.op.name}/{self._name}"

    def variables_to_restore(self, moving_avg_variables: Iterable[Variable] | None = None) -> dict:
        """{checkpoint name: Variable} for a Saver that loads the averages into
        the variables themselves: each averaged variable under its shadow's
        name, every other global variable under its own name (TF1's map).

        Args:
          moving_avg_variables: the averaged variables (default: the trainable
            variables and the MOVING_AVERAGE_VARIABLES collection).
        """
        if moving_avg_variables is None:
            graph = get_default_graph()
            moving_avg_variables = trainable_variables() + graph.get_collection(GraphKeys.MOVING_AVERAGE_VARIABLES)
        averaged = list(dict.fromkeys(moving_avg_variables))
        name_map = {self.average_name(v): v for v in averaged}
        averaged_names = {v.name for v in averaged}
        for v in global_variables():
            if v.name not in averaged_names and v.op.name not in name_map:
                name_map[v.op.name] = v
        return name_map
