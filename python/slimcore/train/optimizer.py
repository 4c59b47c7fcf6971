"""Optimizers with tf.train's names and TF1's exact update rules, applied by
one fused C++ pass over the parameter arena (see cpp/src/ops/optimizer_ops.cpp
for the formulas), and the decoupled weight decay optimizers of TF contrib.

Per-variable settings come from the variables' hints (``lr_mult``,
``momentum``, ``weight_decay``, set by get_variable, variable_scope or the
layers' ``weights_lr_mult`` / ``biases_decay``...): the learning rate is
multiplied by ``lr_mult``; ``momentum`` overrides the optimizer's (an
optimizer without momentum warns that it ignores it); a variable's own
``weight_decay`` replaces the optimizer's decoupled decay for that variable
(``0.0``: never decayed, whatever the optimizer or decay_var_list say) and is
applied under the optimizer's decay convention ("contrib", s = 1, for the
plain TF1 optimizers). Variables without hints get TF1's numbers.

Non-finite gradients: by default (``check_finite=True``) a NaN or Inf
gradient is never written into the weights: the blocks it touches keep their
values and the step raises ``slimcore.errors.NonFiniteError`` naming the
variables (TF1 would silently write NaN).
"""

from __future__ import annotations

import functools
import importlib
import inspect
import math
import numbers
import re
import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .. import _core
from ..framework import dtypes as _dtypes
from ..framework.ops import GraphKeys, Operation, Tensor, convert_to_tensor, get_default_graph, name_scope
from ..ops.array_ops import cast, constant
from ..ops.control_flow_ops import group
from ..ops.gradients import gradients
from ..variables import ROLES, Variable, assign_add
from .guard import check_double_counting, check_regularization
from .plan import plan_of

if TYPE_CHECKING:  # annotations only
    from ..framework.ops import Graph
    from ..framework.types import TensorLike

__all__ = [
    "Optimizer",
    "GradientDescentOptimizer",
    "MomentumOptimizer",
    "AdamOptimizer",
    "RMSPropOptimizer",
    "AdagradOptimizer",
    "AdadeltaOptimizer",
    "FtrlOptimizer",
    "ProximalGradientDescentOptimizer",
    "DecoupledWeightDecayExtension",
    "extend_with_decoupled_weight_decay",
    "AdamWOptimizer",
    "MomentumWOptimizer",
    "NoGradientWarning",
    "DECAY_CONVENTIONS",
    "EPSILON_CONVENTIONS",
]

# How a decoupled decay d shrinks a weight per step (p <- p - s * d * p):
DECAY_CONVENTIONS = {
    "contrib": "s = 1: TF contrib AdamW/MomentumW and tensorflow_addons (decay not scaled by the learning rate)",
    "lr": "s = the current learning rate: PyTorch AdamW/SGD, Keras AdamW and weight_decay=",
    "schedule": "s = the schedule multiplier lr_t / lr_0: Loshchilov & Hutter's paper",
}


# Where Adam's and RMSProp's epsilon goes (``epsilon_convention=``):
EPSILON_CONVENTIONS = {
    "tf": "Adam: m / (sqrt(v) + eps) with lr sqrt(1-b2^t)/(1-b1^t) outside (TF1's eps-hat, Keras 2 and 3); "
    "RMSProp: g / sqrt(ms + eps) (TF1, Keras)",
    "pytorch": "Adam: m_hat / (sqrt(v_hat) + eps), m_hat = m/(1-b1^t), v_hat = v/(1-b2^t) "
    "(torch.optim.Adam/AdamW); RMSProp: g / (sqrt(ms) + eps) (torch.optim.RMSprop)",
}


def _check_epsilon_convention(convention: object) -> str:
    if convention not in EPSILON_CONVENTIONS:
        raise ValueError(f"epsilon_convention must be one of {sorted(EPSILON_CONVENTIONS)}, got {convention!r}")
    return str(convention)


class NoGradientWarning(UserWarning):
    """A variable to train gets no gradient from the loss (it is skipped)."""


def _check_hyper(
    value: object, name: str, minimum: float = 0.0, maximum: float | None = None, allow_equal_max: bool = True
) -> Any:
    """Validates a hyperparameter given as a number; tensors and callables pass."""
    if isinstance(value, Tensor) or callable(value) or hasattr(value, "_as_tensor"):
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, a scalar tensor or a callable, got {value!r}")
    if (
        not math.isfinite(value)
        or value < minimum
        or (maximum is not None and (value > maximum or (value == maximum and not allow_equal_max)))
    ):
        upper = "" if maximum is None else f" and {'<=' if allow_equal_max else '<'} {maximum}"
        raise ValueError(f"{name} must be finite, >= {minimum}{upper}, got {value}")
    return value


def _distributed_module(where: str) -> Any:
    """slimcore.distributed (the mpi extra), imported for `where`.

    Raises:
      ImportError: mpi4py is missing; the message names the 'mpi' extra.
    """
    try:
        return importlib.import_module(f"{__package__.rpartition('.')[0]}.distributed")
    except ImportError as exc:
        raise ImportError(f"{where}(distributed=True): {exc}") from exc


def _accepting_distributed(init: Any) -> Any:
    """Wraps an optimizer class's __init__ to take the keyword-only
    ``distributed`` of every slimcore optimizer (Optimizer's docstring)."""

    @functools.wraps(init)
    def __init__(self: Optimizer, *args: Any, distributed: bool = False, **kwargs: Any) -> None:  # noqa: N807
        init(self, *args, **kwargs)
        if not isinstance(distributed, bool):
            raise TypeError(f"{type(self).__name__}: distributed must be True or False, got {distributed!r}")
        if distributed:
            self._gradient_reducer = _distributed_module(type(self).__name__)._reducer_token()

    signature = inspect.signature(init)
    params = list(signature.parameters.values())
    flag = inspect.Parameter("distributed", inspect.Parameter.KEYWORD_ONLY, default=False, annotation="bool")
    at = next((i for i, p in enumerate(params) if p.kind is inspect.Parameter.VAR_KEYWORD), len(params))
    params.insert(at, flag)
    __init__.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    return __init__


class Optimizer:
    """Base class: compute_gradients, apply_gradients, minimize, slots (tf.train.Optimizer).

    Data-parallel training: every slimcore optimizer (this class's
    subclasses, yours included) takes the keyword-only ``distributed=False``.
    With ``distributed=True`` its train ops average the gradients over the N
    ranks of slimcore.distributed before the update, in the same step (one
    in-place allreduce of the gradient arena):

        g = (1/N) sum_r g_r        then the optimizer's own update with g

    exactly as ``slimcore.distributed.DistributedOptimizer(opt)`` (Horovod's
    ``hvd.DistributedOptimizer(tf.train.AdamOptimizer(lr))``); the learning
    rate is not scaled. Call ``slimcore.distributed.init()`` first.

    Raises (construction, distributed=True):
      ImportError: mpi4py is missing (the message names the 'mpi' extra,
        ``pip install 'slimcore[mpi]'``).
      ValueError: slimcore.distributed.init() has not run.
      TypeError: distributed is not a bool.
    """

    _algorithm = ""
    # The token of the gradient reducer that averages the gradients over
    # data-parallel replicas before the update (distributed=True, DistributedOptimizer); 0: none.
    _gradient_reducer = 0

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Gives every subclass that defines __init__ the ``distributed`` keyword (one place, no copies)."""
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is not None and "distributed" not in inspect.signature(init).parameters:  # not already taking it
            cls.__init__ = _accepting_distributed(init)  # type: ignore[method-assign]

    def __init__(self, use_locking: bool = False, name: str = "Optimizer", check_finite: bool = True) -> None:
        if not name:
            raise ValueError("Must specify the optimizer name")
        self._name = name
        self._check_finite = bool(check_finite)
        self._slots: dict = {}  # slot name -> {variable: slot Variable}
        self._non_slot: dict = {}  # name -> Variable (Adam's beta powers)
        self._slot_names: dict = {}  # slot -> the suffix of its variables' names (default: the optimizer's name)

    # ---- what subclasses define ------------------------------------------------
    def _hyper_values(self) -> list:
        """The algorithm's scalar inputs after the learning rate, in kernel order."""
        return []

    def _attrs(self) -> dict:
        return {}

    def _decay(
        self, decay_var_list: Iterable[Variable] | None = None, variables: Iterable[Variable] | None = None
    ) -> tuple:
        """(convention, weight_decay, multiplier, decayed variables or None=all).
        Plain optimizers decay nothing (only the variables' own weight_decay hints)."""
        if decay_var_list is not None:
            raise TypeError(
                f"{type(self).__name__} has no weight_decay: decay_var_list applies to the "
                "decoupled optimizers (AdamWOptimizer, MomentumWOptimizer, "
                "extend_with_decoupled_weight_decay)"
            )
        return "contrib", 0.0, 1.0, ()

    # ---- TF1's API -----------------------------------------------------------------
    def get_name(self) -> str:
        return self._name

    def get_slot_names(self) -> list:
        """TF1's slot names: "momentum"; "m", "v" (Adam); "rms", "momentum", "mg" (RMSProp); "accumulator"
        (Adagrad); "accum", "accum_update" (Adadelta); "accum", "linear" (Ftrl)."""
        return sorted(name for name, _ in self._slot_plan())

    def _slot_plan(self) -> list:
        """[(slot name, initial value)] in TF1's creation order, from the C++ optimizer builder."""
        return _core.optimizer_slot_plan(
            self._algorithm,
            bool(self._attrs().get("centered", False)),
            getattr(self, "_initial_accumulator_value", 0.1),
            getattr(self, "_initial_rms", 1.0),
        )

    def get_slot(self, var: Variable, name: str) -> Variable | None:
        """The slot variable `name` of `var` (None if it has none), as TF1."""
        return self._slots.get(name, {}).get(var)

    def variables(self) -> list:
        out = list(self._non_slot.values())
        for per_var in self._slots.values():
            out.extend(per_var.values())
        return out

    def compute_gradients(
        self,
        loss: TensorLike,
        var_list: Iterable[Any] | None = None,
        gate_gradients: int = 1,
        aggregation_method: object | None = None,
        colocate_gradients_with_ops: bool = False,
        grad_loss: TensorLike | None = None,
        regularization_check: str | None = None,
    ) -> list:
        """[(gradient or None, variable)] of `loss` for `var_list` (default:
        trainable variables). Runs the regularization guard (guard.py).

        Raises:
          TypeError: a var_list entry that is not a Variable.
          ValueError: no variables to optimize, a variable of another graph.
        """
        if callable(loss) and not isinstance(loss, Tensor):
            loss = loss()
        loss = convert_to_tensor(loss)
        graph = loss.graph
        if var_list is None:
            var_list = graph.get_collection(GraphKeys.TRAINABLE_VARIABLES)
        var_list = list(var_list)
        for v in var_list:
            if not isinstance(v, Variable):
                raise TypeError(f"var_list entries must be Variables, got {v!r}")
            if v.graph is not graph:
                raise ValueError(f"variable {v.name} is not in the loss's graph")
            if v not in graph.get_collection(GraphKeys.TRAINABLE_VARIABLES):
                warnings.warn(
                    f"{v.name} is in var_list but not trainable: it will be updated anyway", UserWarning, stacklevel=3
                )
        if not var_list:
            raise ValueError("No variables to optimize.")
        check_regularization(loss, var_list, regularization_check, where=f"{type(self).__name__}.compute_gradients")
        self._last_loss, self._last_policy = loss, regularization_check  # for the double-counting check
        grads = gradients(loss, var_list, grad_ys=grad_loss)
        return list(zip(grads, var_list))

    def apply_gradients(
        self,
        grads_and_vars: Iterable[tuple],
        global_step: Tensor | Variable | None = None,
        name: str | None = None,
        decay_var_list: Iterable[Variable] | None = None,
    ) -> Operation:
        """Applies the gradients in one fused pass; then increments global_step.

        Raises:
          ValueError: no gradients at all, a gradient whose shape differs from
            its variable's, a variable listed twice, a decay_var_list entry
            this op does not update.
          TypeError: a non-float32 variable, an entry that is not a Variable.
        """
        pairs = list(grads_and_vars)
        updates = []
        seen: set = set()
        for g, v in pairs:
            if not isinstance(v, Variable):
                raise TypeError(f"apply_gradients expects (gradient, Variable) pairs, got {v!r}")
            if v in seen:
                raise ValueError(
                    f"variable {v.name} appears more than once in grads_and_vars: sum its gradients into one entry"
                )
            seen.add(v)
            if g is None:
                warnings.warn(
                    f"No gradient for variable {v.name}: the loss does not depend on it; it is skipped",
                    NoGradientWarning,
                    stacklevel=3,
                )
                continue
            g = convert_to_tensor(g)
            if not g.shape.is_compatible_with(v.shape):
                raise ValueError(
                    f"gradient {g.name} of shape {g.shape} does not match variable {v.name} of shape {v.shape}"
                )
            if v.dtype != _dtypes.float32 or g.dtype != _dtypes.float32:
                raise TypeError(self._not_float32(v, g))
            updates.append((g, v))
        if not updates:
            raise ValueError(
                "No gradients provided for any variable, check your graph for ops that do not "
                f"support gradients, between variables {[v.name for _, v in pairs]} and the loss"
            )
        graph = updates[0][1].graph
        if any(v.graph is not graph for v in (v for _, v in updates)):
            raise ValueError("apply_gradients: the variables belong to different graphs")
        with graph.as_default():
            return self._apply(graph, updates, seen, global_step, name, decay_var_list)

    def _apply(
        self,
        graph: Graph,
        updates: list,
        seen: set,
        global_step: Tensor | Variable,
        name: str | None,
        decay_var_list: Iterable[Variable],
    ) -> Operation:
        """Creates the slots (the C++ builder's slot plan) and hands gradients,
        variables, slots and the named hyperparameter tensors to the C++
        optimizer builder, which resolves each variable's settings record
        (lr_mult, momentum, weight_decay) into one ApplyOptimizer op."""
        variables = [v for _, v in updates]
        # Slots are initialised by global_variables_initializer: their initial
        # values must not inherit the caller's control dependencies (TF1's
        # init_scope; `with control_dependencies(update_ops): opt.minimize(...)`).
        with graph.control_dependencies(None):
            self._create_slots(variables)
        with name_scope(name, self._name) as scope:
            hyper = {"learning_rate": self._scalar(self._learning_rate, "learning_rate")}
            hyper.update({n: self._scalar(h, n) for n, h in self._hyper_values()})
            convention, weight_decay, multiplier, decayed = self._decay(decay_var_list, variables)
            hyper["weight_decay"] = self._scalar(weight_decay, "weight_decay")
            hyper["decay_multiplier"] = self._scalar(multiplier, "decay_multiplier")
            if decayed:
                strangers = [v.name if isinstance(v, Variable) else repr(v) for v in decayed if v not in seen]
                if strangers:
                    raise ValueError(
                        f"decay_var_list entries {strangers} are not among the variables this "
                        f"op updates ({[v.name for v in variables]})"
                    )
            decayed_set = {id(v) for v in (variables if decayed is None else decayed)}
            self._check_momentum_hints(variables)
            with graph._lock:
                node = _core.optimizer_apply(
                    graph._c,
                    self._algorithm,
                    [g._ref for g, _ in updates],
                    [v._variable._node for v in variables],
                    [[self._slots[s][v]._variable._node for s, _ in self._slot_plan()] for v in variables],
                    [self._non_slot[k]._variable._node for k, _ in _core.optimizer_nonslot_plan(self._algorithm)],
                    {k: t._ref for k, t in hyper.items()},
                    [id(v) in decayed_set for v in variables],
                    convention,
                    bool(self._attrs().get("nesterov", False)),
                    bool(self._attrs().get("centered", False)),
                    self._check_finite,
                    "update",
                    self._attrs().get("epsilon_convention", "tf"),
                    self._gradient_reducer,
                )
            update = Operation(graph, node)
            if global_step is None:
                train_op = group(update, name=scope)
            else:
                with graph.control_dependencies([update]):
                    train_op = assign_add(global_step, 1, name=scope).op
        check_double_counting(
            getattr(self, "_last_loss", None), [plan_of(graph, node)], getattr(self, "_last_policy", None)
        )
        return train_op

    def minimize(
        self,
        loss: TensorLike,
        global_step: Tensor | Variable | None = None,
        var_list: Iterable[Any] | None = None,
        gate_gradients: int = 1,
        aggregation_method: object | None = None,
        colocate_gradients_with_ops: bool = False,
        name: str | None = None,
        grad_loss: TensorLike | None = None,
        regularization_check: str | None = None,
        decay_var_list: Iterable[Variable] | None = None,
    ) -> Operation:
        """compute_gradients then apply_gradients (tf.train.Optimizer.minimize)."""
        grads_and_vars = self.compute_gradients(
            loss, var_list, grad_loss=grad_loss, regularization_check=regularization_check
        )
        if decay_var_list is None:
            return self.apply_gradients(grads_and_vars, global_step=global_step, name=name)
        return self.apply_gradients(grads_and_vars, global_step=global_step, name=name, decay_var_list=decay_var_list)

    # ---- helpers -------------------------------------------------------------------------
    _uses_momentum = False

    def _check_momentum_hints(self, variables: list) -> None:
        if self._uses_momentum:
            return
        hinted = [v.name for v in variables if v.momentum is not None]
        if hinted:
            warnings.warn(
                f"{type(self).__name__} has no momentum: the momentum hints of {hinted} are ignored",
                UserWarning,
                stacklevel=4,
            )

    def _not_float32(self, v: Variable, g: Tensor) -> str:
        """apply_gradients' error for a variable or gradient that is not float32."""
        what = f"{v.name} is {v.dtype.name}"
        if v.dtype == _dtypes.float32:
            what = f"the gradient of {v.name} is {g.dtype.name}"
        message = f"slimcore optimizers update float32 variables; {what}"
        if self._gradient_reducer:
            # caught here, at graph construction: the reducer would otherwise meet it inside a step
            message += " (and the data-parallel gradient reducer averages a float32 gradient arena)"
        return message + ": create it as float32 or leave it out of var_list"

    def _settings(self) -> list:
        out = [f"learning_rate={self._learning_rate!r}"]
        out += [f"{n}={v!r}" for n, v in self._hyper_values()]
        return out + (["distributed=True"] if self._gradient_reducer else [])

    def __repr__(self) -> str:
        return f"<{type(self).__name__} '{self._name}' {' '.join(self._settings())}>"

    def _scalar(self, value: object, name: str) -> Tensor:
        if callable(value) and not isinstance(value, Tensor) and not hasattr(value, "_as_tensor"):
            value = value()
        tensor = (
            convert_to_tensor(value)
            if isinstance(value, Tensor) or hasattr(value, "_as_tensor")
            else constant(float(value), dtype=_dtypes.float32, name=name)
        )
        if tensor.shape.ndims != 0:
            raise ValueError(f"{name} must be a scalar, got shape {tensor.shape}")
        return tensor if tensor.dtype == _dtypes.float32 else cast(tensor, _dtypes.float32)

    def _create_slots(self, variables: list) -> None:
        graph = get_default_graph()
        counts = graph.__dict__.setdefault("_slot_counts", {})
        for slot, initial_value in self._slot_plan():
            per_var = self._slots.setdefault(slot, {})
            for v in variables:
                if v in per_var:
                    continue
                index = counts.get(v._variable._node, 0) + 1
                counts[v._variable._node] = index
                with graph.name_scope(""):
                    initial = constant(initial_value, dtype=v.dtype, shape=v.shape.as_list())
                    per_var[v] = Variable(
                        initial,
                        trainable=False,
                        name=f"{v.op.name}/{self._slot_names.get(slot) or self._name}",
                        _attrs={"slot_of": v._variable._node, "slot_index": index},
                    )
                per_var[v].role = "optimizer_slot"
        hypers = dict(self._hyper_values())
        for key, initial_from in _core.optimizer_nonslot_plan(self._algorithm):
            if key in self._non_slot:
                continue
            value = hypers[initial_from]
            value = value() if callable(value) and not isinstance(value, Tensor) else value
            with graph.name_scope(""):
                self._non_slot[key] = Variable(
                    self._scalar(value, key) if isinstance(value, Tensor) else float(value),
                    trainable=False,
                    name=key,
                    dtype=_dtypes.float32,
                )


Optimizer.__init__ = _accepting_distributed(Optimizer.__init__)  # type: ignore[method-assign]


class GradientDescentOptimizer(Optimizer):
    """tf.train.GradientDescentOptimizer: p <- p - lr g."""

    _algorithm = "sgd"

    def __init__(
        self,
        learning_rate: TensorLike,
        use_locking: bool = False,
        name: str = "GradientDescent",
        check_finite: bool = True,
    ) -> None:
        super().__init__(use_locking, name, check_finite)
        self._learning_rate = _check_hyper(learning_rate, "learning_rate")


class MomentumOptimizer(Optimizer):
    """tf.train.MomentumOptimizer: a <- mu a + g; p <- p - lr a
    (use_nesterov: p <- p - lr (g + mu a)). Slot "momentum".

    slimcore's addition: ``dampening`` (torch.optim.SGD's, in [0, 1]): a <- g
    at a variable's first update, then a <- mu a + (1 - dampening) g, so
    torch.optim.SGD(lr, momentum=mu, dampening=d) is ``MomentumOptimizer(lr,
    mu, dampening=d)`` (torch's coupled weight_decay: an l2_regularizer(wd) in
    the loss). The fused kernel is TF1's; the gradient it gets is scaled by
    1 - d * started, ``started`` a per-variable scalar ("<var>/Momentum_started",
    not trainable, checkpointed) set to 1 after the variable's first update
    (torch's momentum_buffer being None). Default 0: TF1's update, no extra op.

    Raises:
      ValueError: dampening outside [0, 1], or with use_nesterov (torch:
        "Nesterov momentum requires a momentum and zero dampening").
    """

    _algorithm = "momentum"
    _uses_momentum = True

    def __init__(
        self,
        learning_rate: TensorLike,
        momentum: TensorLike,
        use_locking: bool = False,
        name: str = "Momentum",
        use_nesterov: bool = False,
        check_finite: bool = True,
        dampening: float = 0.0,
    ) -> None:
        super().__init__(use_locking, name, check_finite)
        self._learning_rate = _check_hyper(learning_rate, "learning_rate")
        self._momentum = _check_hyper(momentum, "momentum")
        self._use_nesterov = bool(use_nesterov)
        if isinstance(dampening, bool) or not isinstance(dampening, numbers.Real):
            raise TypeError(f"dampening must be a number in [0, 1], got {dampening!r}")
        self._dampening = float(_check_hyper(dampening, "dampening", 0.0, 1.0))
        if self._dampening and self._use_nesterov:
            raise ValueError("Nesterov momentum requires zero dampening (torch.optim.SGD's rule)")
        self._started: dict = {}  # variable -> its "started" flag (dampening only)

    def _hyper_values(self):
        return [("momentum", self._momentum)]

    def _attrs(self):
        return {"nesterov": self._use_nesterov}

    def _settings(self):
        return (
            super()._settings()
            + (["use_nesterov=True"] if self._use_nesterov else [])
            + ([f"dampening={self._dampening!r}"] if self._dampening else [])
        )

    def apply_gradients(
        self,
        grads_and_vars: Iterable[tuple],
        global_step: Tensor | Variable | None = None,
        name: str | None = None,
        decay_var_list: Iterable[Variable] | None = None,
    ) -> Operation:
        """As Optimizer.apply_gradients; with dampening, each gradient is first
        scaled by 1 - dampening * started (class docstring) and the flags of
        the updated variables are set after the update."""
        if not self._dampening:
            return super().apply_gradients(grads_and_vars, global_step, name, decay_var_list)
        pairs = list(grads_and_vars)
        scaled, flags = [], []
        for g, v in pairs:
            if g is None or not isinstance(v, Variable):  # the base class warns or raises
                scaled.append((g, v))
                continue
            started = self._started_flag(v)
            with v.graph.as_default(), name_scope(f"{v.op.name}/Dampening"):
                scaled.append((convert_to_tensor(g) * (1.0 - self._dampening * started), v))
            flags.append(started)
        update = super().apply_gradients(scaled, global_step, name, decay_var_list)
        with update.graph.as_default(), update.graph.control_dependencies([update]):
            return group(*[flag.assign(1.0) for flag in flags], name=f"{update.name}_started")

    def _started_flag(self, v: Variable) -> Variable:
        """The per-variable first-update flag (0 until v's first dampened update)."""
        if v not in self._started:
            with v.graph.as_default(), v.graph.control_dependencies(None), v.graph.name_scope(""):
                flag = Variable(0.0, trainable=False, name=f"{v.op.name}/{self._name}_started", dtype=_dtypes.float32)
            flag.role = "optimizer_slot"
            self._started[v] = flag
            self._non_slot[f"{v.op.name}/started"] = flag  # listed by variables()
        return self._started[v]


class AdamOptimizer(Optimizer):
    """tf.train.AdamOptimizer: m <- b1 m + (1-b1) g; v <- b2 v + (1-b2) g^2;
    p <- p - lr sqrt(1-b2^t)/(1-b1^t) m / (sqrt(v) + epsilon) -- TF1's "epsilon
    hat" (added to the uncorrected sqrt(v); PyTorch adds eps to sqrt(v_hat)).
    Slots "m", "v"; non-slot variables beta1_power, beta2_power.

    slimcore's addition: ``epsilon_convention="pytorch"`` puts epsilon where
    torch.optim.Adam does, p <- p - lr m_hat / (sqrt(v_hat) + epsilon) with
    m_hat = m/(1-b1^t), v_hat = v/(1-b2^t) (the default "tf" keeps TF1's
    numbers; the two differ by about epsilon/sqrt(v) relative, far more at
    epsilon=1e-3). Raises ValueError for another convention."""

    _algorithm = "adam"

    def __init__(
        self,
        learning_rate: TensorLike = 0.001,
        beta1: TensorLike = 0.9,
        beta2: TensorLike = 0.999,
        epsilon: float = 1e-08,
        use_locking: bool = False,
        name: str = "Adam",
        check_finite: bool = True,
        epsilon_convention: str = "tf",
    ) -> None:
        super().__init__(use_locking, name, check_finite)
        self._learning_rate = _check_hyper(learning_rate, "learning_rate")
        self._beta1 = _check_hyper(beta1, "beta1", 0.0, 1.0, allow_equal_max=False)
        self._beta2 = _check_hyper(beta2, "beta2", 0.0, 1.0, allow_equal_max=False)
        self._epsilon = _check_hyper(epsilon, "epsilon")
        self._epsilon_convention = _check_epsilon_convention(epsilon_convention)

    def _hyper_values(self):
        return [("beta1", self._beta1), ("beta2", self._beta2), ("epsilon", self._epsilon)]

    def _attrs(self):
        return {"epsilon_convention": self._epsilon_convention}

    def _settings(self):
        extra = [] if self._epsilon_convention == "tf" else [f"epsilon_convention={self._epsilon_convention!r}"]
        return super()._settings() + extra

    def _get_beta_accumulators(self) -> tuple:
        return self._non_slot.get("beta1_power"), self._non_slot.get("beta2_power")


class RMSPropOptimizer(Optimizer):
    """tf.train.RMSPropOptimizer(learning_rate, decay=0.9, momentum=0.0,
    epsilon=1e-10, centered=False): ms <- rho ms + (1-rho) g^2 ("rms", starts at
    1); centered: mg <- rho mg + (1-rho) g ("mg"), D = ms - mg^2; mom <- mu mom +
    lr g / sqrt(D + epsilon) ("momentum"); p <- p - mom. (epsilon inside the
    sqrt, rms initialised to 1: not PyTorch's RMSprop.)

    slimcore's additions: ``epsilon_convention="pytorch"`` takes torch.optim.RMSprop's
    lr g / (sqrt(D) + epsilon) (epsilon outside the sqrt); ``initial_rms``
    sets where the mean square starts (default 1, TF1's; Keras and torch: 0).
    torch.optim.RMSprop(lr, alpha, eps, momentum=mu, centered=c) is, for a
    constant learning rate, ``RMSPropOptimizer(lr, alpha, mu, eps, centered=c,
    epsilon_convention="pytorch", initial_rms=0.0)``. Raises ValueError for
    another convention or a negative initial_rms."""

    _algorithm = "rmsprop"
    _uses_momentum = True

    def __init__(
        self,
        learning_rate: TensorLike,
        decay: TensorLike = 0.9,
        momentum: TensorLike = 0.0,
        epsilon: float = 1e-10,
        use_locking: bool = False,
        centered: bool = False,
        name: str = "RMSProp",
        check_finite: bool = True,
        epsilon_convention: str = "tf",
        initial_rms: float | None = None,
    ) -> None:
        super().__init__(use_locking, name, check_finite)
        if initial_rms is not None:  # else the class's: 1 (TF1), 0 (Keras)
            self._initial_rms = float(_check_hyper(initial_rms, "initial_rms"))
        self._learning_rate = _check_hyper(learning_rate, "learning_rate")
        self._decay_rate = _check_hyper(decay, "decay", 0.0, 1.0)
        self._momentum = _check_hyper(momentum, "momentum")
        self._epsilon = _check_hyper(epsilon, "epsilon")
        self._centered = bool(centered)
        self._epsilon_convention = _check_epsilon_convention(epsilon_convention)

    def _hyper_values(self):
        return [("rho", self._decay_rate), ("momentum", self._momentum), ("epsilon", self._epsilon)]

    def _attrs(self):
        return {"centered": self._centered, "epsilon_convention": self._epsilon_convention}

    def _settings(self):
        extra = [] if self._epsilon_convention == "tf" else [f"epsilon_convention={self._epsilon_convention!r}"]
        if "_initial_rms" in self.__dict__:  # given to the constructor
            extra.append(f"initial_rms={self._initial_rms!r}")
        return super()._settings() + (["centered=True"] if self._centered else []) + extra


class AdagradOptimizer(Optimizer):
    """tf.train.AdagradOptimizer(learning_rate, initial_accumulator_value=0.1):
    acc <- acc + g^2 ("accumulator"); p <- p - lr g / sqrt(acc) (no epsilon)."""

    _algorithm = "adagrad"

    def __init__(
        self,
        learning_rate: TensorLike,
        initial_accumulator_value: float = 0.1,
        use_locking: bool = False,
        name: str = "Adagrad",
        check_finite: bool = True,
    ) -> None:
        super().__init__(use_locking, name, check_finite)
        self._learning_rate = _check_hyper(learning_rate, "learning_rate")
        if not isinstance(initial_accumulator_value, numbers.Real) or not initial_accumulator_value > 0:
            raise ValueError(f"initial_accumulator_value must be positive: {initial_accumulator_value}")
        self._initial_accumulator_value = float(initial_accumulator_value)

    def _settings(self):
        return super()._settings() + [f"initial_accumulator_value={self._initial_accumulator_value!r}"]


class AdadeltaOptimizer(Optimizer):
    """tf.train.AdadeltaOptimizer(learning_rate=0.001, rho=0.95, epsilon=1e-08):
    TF1's ApplyAdadelta (Zeiler 2012, with TF1's learning rate, which the paper
    does not have: lr=1.0 is the paper's rule)::

        accum        <- rho accum + (1 - rho) g^2
        update        = sqrt(accum_update + epsilon) / sqrt(accum + epsilon) g
        p            <- p - lr update
        accum_update <- rho accum_update + (1 - rho) update^2

    Slots "accum" and "accum_update" (both start at 0), named "w/Adadelta",
    "w/Adadelta_1" as in TF1.

    Args:
      learning_rate: a float or a scalar tensor (>= 0).
      rho: the decay rate, in [0, 1].
      epsilon: the constant inside both square roots (>= 0).
      use_locking: ignored (one fused update per step).
      name: the name prefix of the ops and slot variables.
      check_finite: raise NonFiniteError and change nothing on a NaN or Inf
        gradient or new value (False: TF1's silent behaviour).

    Raises:
      ValueError: a hyperparameter out of its range.
      TypeError: a hyperparameter that is not a number, tensor or callable.
    """

    _algorithm = "adadelta"

    def __init__(
        self,
        learning_rate: TensorLike = 0.001,
        rho: TensorLike = 0.95,
        epsilon: TensorLike = 1e-08,
        use_locking: bool = False,
        name: str = "Adadelta",
        check_finite: bool = True,
    ) -> None:
        super().__init__(use_locking, name, check_finite)
        self._learning_rate = _check_hyper(learning_rate, "learning_rate")
        self._rho = _check_hyper(rho, "rho", 0.0, 1.0)
        self._epsilon = _check_hyper(epsilon, "epsilon")

    def _hyper_values(self):
        return [("rho", self._rho), ("epsilon", self._epsilon)]


class FtrlOptimizer(Optimizer):
    """tf.train.FtrlOptimizer: FTRL-Proximal (McMahan et al. 2013), TF1's
    ApplyFtrl / ApplyFtrlV2 with n^-lr_power (a square root at the default
    lr_power=-0.5)::

        gs      = g + 2 l2_shrinkage p
        n       = accum + gs^2          (TF1; TF >= 2.2 adds g^2 instead)
        linear <- linear + gs - (n^-lr_power - accum^-lr_power) / lr p
        accum  <- n
        p      <- (l1 sign(linear) - linear) / (n^-lr_power / lr + 2 l2)  if |linear| > l1, else 0

    l1 > 0 makes weights exactly 0. l1_regularization_strength,
    l2_regularization_strength (the stabilising L2 of the proximal step) and
    l2_shrinkage_regularization_strength (a magnitude penalty added to the
    gradient) are regularization the update applies: update_plan and the
    regularization report list them. Slots "accum" (starts at
    initial_accumulator_value) and "linear" (0), named "w/Ftrl" and
    "w/Ftrl_1" unless accum_name / linear_name give the suffixes.

    Args:
      learning_rate: a float or a scalar tensor (> 0 in effect: it divides).
      learning_rate_power: <= 0 (0: a fixed learning rate).
      initial_accumulator_value: >= 0.
      l1_regularization_strength, l2_regularization_strength,
      l2_shrinkage_regularization_strength: >= 0.
      use_locking: ignored.
      name: the name prefix of the ops and slot variables.
      accum_name, linear_name: the slot variables' name suffixes.
      check_finite: as for every slimcore optimizer.

    Raises:
      ValueError: a hyperparameter out of its range (TF1's messages).
    """

    _algorithm = "ftrl"

    def __init__(
        self,
        learning_rate: TensorLike,
        learning_rate_power: float = -0.5,
        initial_accumulator_value: float = 0.1,
        l1_regularization_strength: float = 0.0,
        l2_regularization_strength: float = 0.0,
        use_locking: bool = False,
        name: str = "Ftrl",
        accum_name: str | None = None,
        linear_name: str | None = None,
        l2_shrinkage_regularization_strength: float = 0.0,
        check_finite: bool = True,
    ) -> None:
        super().__init__(use_locking, name, check_finite)
        self._learning_rate = _check_hyper(learning_rate, "learning_rate")
        checks = [
            (initial_accumulator_value, "initial_accumulator_value", "positive or zero"),
            (learning_rate_power, "learning_rate_power", "less than or equal to 0.0"),
            (l1_regularization_strength, "l1_regularization_strength", "positive or zero"),
            (l2_regularization_strength, "l2_regularization_strength", "positive or zero"),
            (l2_shrinkage_regularization_strength, "l2_shrinkage_regularization_strength", "positive or zero"),
        ]
        for value, arg, rule in checks:
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise TypeError(f"{arg} must be a number, got {value!r}")
            bad = value > 0 if arg == "learning_rate_power" else value < 0
            if bad or not math.isfinite(value):
                raise ValueError(f"{arg} {value} needs to be {rule}")
        self._learning_rate_power = float(learning_rate_power)
        self._initial_accumulator_value = float(initial_accumulator_value)
        self._l1 = float(l1_regularization_strength)
        self._l2 = float(l2_regularization_strength)
        self._l2_shrinkage = float(l2_shrinkage_regularization_strength)
        self._slot_names = {"accum": accum_name, "linear": linear_name}

    def _hyper_values(self):
        return [
            ("lr_power", self._learning_rate_power),
            ("l1", self._l1),
            ("l2", self._l2),
            ("l2_shrinkage", self._l2_shrinkage),
        ]

    def _settings(self):
        return super()._settings() + [f"initial_accumulator_value={self._initial_accumulator_value!r}"]


class ProximalGradientDescentOptimizer(Optimizer):
    """tf.train.ProximalGradientDescentOptimizer: TF1's
    ApplyProximalGradientDescent, a gradient step then the proximal operator of
    l1 |p| + l2/2 p^2 (Duchi & Singer's FOBOS)::

        q  = p - lr g
        p <- sign(q) max(|q| - lr l1, 0) / (1 + lr l2)

    l1 > 0 makes weights exactly 0. The strengths are regularization the update
    applies: update_plan and the regularization report list them. No slots.

    Args:
      learning_rate: a float or a scalar tensor (>= 0).
      l1_regularization_strength, l2_regularization_strength: >= 0.
      use_locking: ignored.
      name: the name prefix of the ops.
      check_finite: as for every slimcore optimizer.

    Raises:
      ValueError: a negative or non-finite strength or learning rate.
    """

    _algorithm = "proximal_sgd"

    def __init__(
        self,
        learning_rate: TensorLike,
        l1_regularization_strength: float = 0.0,
        l2_regularization_strength: float = 0.0,
        use_locking: bool = False,
        name: str = "ProximalGradientDescent",
        check_finite: bool = True,
    ) -> None:
        super().__init__(use_locking, name, check_finite)
        self._learning_rate = _check_hyper(learning_rate, "learning_rate")
        self._l1 = _check_hyper(l1_regularization_strength, "l1_regularization_strength")
        self._l2 = _check_hyper(l2_regularization_strength, "l2_regularization_strength")

    def _hyper_values(self):
        return [("l1", self._l1), ("l2", self._l2)]


# ---- decoupled weight decay (tf.contrib.opt) ------------------------------------------------
class DecoupledWeightDecayExtension:
    """TF contrib's DecoupledWeightDecayExtension: before the base update,
    p <- p - s * weight_decay * p, the base update using the gradient at the
    undecayed point. s depends on ``decay_convention`` (DECAY_CONVENTIONS):

    * "contrib" (default, TF contrib's and tensorflow_addons' exact rule):
      s = 1 -- the decay does NOT follow the learning rate or its schedule;
    * "lr" (PyTorch's AdamW, Keras' AdamW / weight_decay=): s = the current
      learning rate (times the variable's lr_mult);
    * "schedule" (Loshchilov & Hutter): s = the schedule multiplier lr_t / lr_0
      (``base_learning_rate`` gives lr_0 when the learning rate is a tensor).

    Conversion (constant learning rate): contrib weight_decay = lr * PyTorch weight_decay.
    ``decay_var_list`` in minimize / apply_gradients limits the decayed
    variables (default: every variable updated); an entry that the op does
    not update raises ValueError. As contrib, an empty decay_var_list means
    every variable; slimcore warns that this is what it means. A variable's
    own ``weight_decay`` hint replaces ``weight_decay`` for that variable.

    slimcore's additions (defaults keep TF contrib's numbers):
    ``exclude_from_weight_decay``: regular expressions (re.search on the
    variable's op name) of variables not to decay -- a pattern that matches
    none of the updated variables raises ValueError naming it;
    ``exclude_roles``: roles not to decay, e.g. ("biases", "bn_gamma", "bn_beta").
    """

    def __init__(
        self,
        weight_decay: TensorLike,
        *args: Any,
        decay_convention: str = "contrib",
        base_learning_rate: float | None = None,
        exclude_from_weight_decay: Iterable[str] = (),
        exclude_roles: Iterable[str] = (),
        **kwargs: Any,
    ) -> None:
        if decay_convention not in DECAY_CONVENTIONS:
            raise ValueError(f"decay_convention must be one of {sorted(DECAY_CONVENTIONS)}, got {decay_convention!r}")
        self._exclude_patterns = []
        for pattern in (
            [exclude_from_weight_decay]
            if isinstance(exclude_from_weight_decay, str)
            else list(exclude_from_weight_decay)
        ):
            try:
                self._exclude_patterns.append(re.compile(pattern))
            except (re.error, TypeError) as e:
                raise ValueError(f"exclude_from_weight_decay: {pattern!r} is not a regular expression: {e}") from None
        self._exclude_roles = tuple(exclude_roles)
        unknown = [r for r in self._exclude_roles if r not in ROLES]
        if unknown:
            raise ValueError(f"exclude_roles: unknown role(s) {unknown}; roles are {ROLES}")
        self._weight_decay = _check_hyper(weight_decay, "weight_decay")
        self._decay_convention = decay_convention
        self._base_learning_rate = base_learning_rate
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        if (
            decay_convention == "schedule"
            and base_learning_rate is None
            and not isinstance(self._learning_rate, numbers.Real)
        ):
            raise ValueError(
                "decay_convention='schedule' with a learning-rate tensor needs base_learning_rate "
                "(lr_0 of the schedule)"
            )

    def _settings(self) -> list:
        return super()._settings() + [  # type: ignore[misc]
            f"weight_decay={self._weight_decay!r}",
            f"decay_convention={self._decay_convention!r}",
        ]

    def _decay(
        self, decay_var_list: Iterable[Variable] | None = None, variables: Iterable[Variable] | None = None
    ) -> tuple:
        if decay_var_list is not None:
            decay_var_list = list(decay_var_list)
            if not decay_var_list:
                warnings.warn(
                    "decay_var_list=[] means every variable decays (TF contrib's rule: an empty "
                    "list is treated as no list)",
                    UserWarning,
                    stacklevel=4,
                )
                decay_var_list = None
        if self._exclude_patterns or self._exclude_roles:
            pool = list(variables) if decay_var_list is None else decay_var_list
            for pattern in self._exclude_patterns:
                if not any(pattern.search(v.op.name) for v in variables):
                    raise ValueError(
                        f"exclude_from_weight_decay pattern {pattern.pattern!r} matches none of the "
                        f"variables being updated: {[v.op.name for v in variables]}"
                    )
            decay_var_list = [
                v
                for v in pool
                if not any(p.search(v.op.name) for p in self._exclude_patterns)
                and (v.role or "other") not in self._exclude_roles
            ]
        multiplier: Any = 1.0
        if self._decay_convention == "schedule":
            base = self._base_learning_rate if self._base_learning_rate is not None else self._learning_rate
            multiplier = self._scalar(self._learning_rate, "learning_rate") / float(base)
        return self._decay_convention, self._weight_decay, multiplier, decay_var_list


def extend_with_decoupled_weight_decay(base_optimizer: type) -> type:
    """tf.contrib.opt.extend_with_decoupled_weight_decay: a subclass of
    `base_optimizer` whose constructor takes weight_decay first (see
    DecoupledWeightDecayExtension for the rule and its conventions)."""
    if not issubclass(base_optimizer, Optimizer):
        raise TypeError(f"base_optimizer must be a slimcore Optimizer class, got {base_optimizer!r}")

    class OptimizerWithDecoupledWeightDecay(DecoupledWeightDecayExtension, base_optimizer):  # type: ignore
        __doc__ = f"{base_optimizer.__name__} with decoupled weight decay.\n\n" + (
            DecoupledWeightDecayExtension.__doc__ or ""
        )

    OptimizerWithDecoupledWeightDecay.__name__ = f"{base_optimizer.__name__}WithDecoupledWeightDecay"
    return OptimizerWithDecoupledWeightDecay


class AdamWOptimizer(DecoupledWeightDecayExtension, AdamOptimizer):
    """tf.contrib.opt.AdamWOptimizer(weight_decay, learning_rate=0.001, beta1=0.9,
    beta2=0.999, epsilon=1e-8): p <- p - s * weight_decay * p, then TF1 Adam
    (s = 1 by default, TF contrib's rule; decay_convention selects PyTorch's or
    the paper's). Name "AdamW".

    torch.optim.AdamW(lr, betas=(b1, b2), eps, weight_decay=wd) exactly:
    ``AdamWOptimizer(wd, lr, b1, b2, eps, decay_convention="lr",
    epsilon_convention="pytorch")``."""

    def __init__(
        self,
        weight_decay: TensorLike,
        learning_rate: TensorLike = 0.001,
        beta1: TensorLike = 0.9,
        beta2: TensorLike = 0.999,
        epsilon: float = 1e-8,
        use_locking: bool = False,
        name: str = "AdamW",
        decay_convention: str = "contrib",
        base_learning_rate: float | None = None,
        check_finite: bool = True,
        exclude_from_weight_decay: Iterable[str] = (),
        exclude_roles: Iterable[str] = (),
        epsilon_convention: str = "tf",
    ) -> None:
        super().__init__(
            weight_decay,
            learning_rate,
            beta1,
            beta2,
            epsilon,
            use_locking,
            name,
            decay_convention=decay_convention,
            base_learning_rate=base_learning_rate,
            check_finite=check_finite,
            exclude_from_weight_decay=exclude_from_weight_decay,
            exclude_roles=exclude_roles,
            epsilon_convention=epsilon_convention,
        )


class MomentumWOptimizer(DecoupledWeightDecayExtension, MomentumOptimizer):
    """tf.contrib.opt.MomentumWOptimizer(weight_decay, learning_rate, momentum,
    use_nesterov=False): p <- p - s * weight_decay * p, then TF1 Momentum.
    Name "MomentumW"."""

    def __init__(
        self,
        weight_decay: TensorLike,
        learning_rate: TensorLike,
        momentum: TensorLike,
        use_locking: bool = False,
        name: str = "MomentumW",
        use_nesterov: bool = False,
        decay_convention: str = "contrib",
        base_learning_rate: float | None = None,
        check_finite: bool = True,
        exclude_from_weight_decay: Iterable[str] = (),
        exclude_roles: Iterable[str] = (),
    ) -> None:
        super().__init__(
            weight_decay,
            learning_rate,
            momentum,
            use_locking,
            name,
            use_nesterov,
            decay_convention=decay_convention,
            base_learning_rate=base_learning_rate,
            check_finite=check_finite,
            exclude_from_weight_decay=exclude_from_weight_decay,
            exclude_roles=exclude_roles,
        )
