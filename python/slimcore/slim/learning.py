"""slim.learning: create_train_op, its gradient transforms, and the training
loop ``train`` / ``train_step`` (in training_loop.py).

``create_train_op(total_loss, optimizer)`` returns a tensor that, when run,
first runs the UPDATE_OPS (batch-norm statistics), then computes the
gradients, applies them (incrementing the global step) and returns the loss.
It runs the regularization guard: the seed-000 program
``create_train_op(cross_entropy, opt)`` with regularized layers warns,
naming the variables that train without their penalties.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..framework.ops import GraphKeys, Tensor, _op1, convert_to_tensor, get_default_graph, name_scope
from ..ops.array_ops import identity
from ..ops.control_flow_ops import no_op
from ..train.optimizer import _distributed_module
from ..train.training_util import clip_by_norm, get_or_create_global_step
from ..variables import Variable
from .training_loop import train, train_step

if TYPE_CHECKING:  # annotations only
    from ..framework.types import TensorLike
    from ..train.optimizer import Optimizer

__all__ = ["create_train_op", "multiply_gradients", "clip_gradient_norms", "train", "train_step"]

_USE_GLOBAL_STEP = object()


def multiply_gradients(grads_and_vars: list, gradient_multipliers: dict) -> list:
    """slim.learning.multiply_gradients: each gradient times the multiplier of
    its variable (keys: Variables or variable op names).

    Raises:
      ValueError: an empty dict, or a key that matches no variable (slim
        silently ignored such keys; slimcore names them).
    """
    if not isinstance(gradient_multipliers, dict) or not gradient_multipliers:
        raise ValueError(f"`gradient_multipliers` must be a non-empty dict, got {gradient_multipliers!r}")
    by_key = {}
    for key, value in gradient_multipliers.items():
        by_key[key.op.name if isinstance(key, Variable) else key] = value
    names = {v.op.name for _, v in grads_and_vars}
    unmatched = sorted(str(k) for k in by_key if k not in names)
    if unmatched:
        raise ValueError(
            f"gradient_multipliers keys {unmatched} match no variable being trained (variables: {sorted(names)})"
        )
    out = []
    for grad, var in grads_and_vars:
        if grad is not None and var.op.name in by_key:
            grad = (
                grad * float(by_key[var.op.name])
                if not isinstance(by_key[var.op.name], Tensor)
                else grad * by_key[var.op.name]
            )
        out.append((grad, var))
    return out


def clip_gradient_norms(gradients_to_variables: list, max_norm: float) -> list:
    """slim.learning.clip_gradient_norms: each gradient clipped to norm max_norm
    (per gradient, not global: g * max_norm / max(||g||, max_norm))."""
    return [(None if g is None else clip_by_norm(g, max_norm), v) for g, v in gradients_to_variables]


def create_train_op(
    total_loss: TensorLike,
    optimizer: Optimizer,
    global_step: Tensor | Variable = _USE_GLOBAL_STEP,
    update_ops: Iterable[Any] | None = None,
    variables_to_train: Iterable[Any] | None = None,
    clip_gradient_norm: float = 0,
    summarize_gradients: bool = False,
    gate_gradients: int = 1,
    aggregation_method: object | None = None,
    colocate_gradients_with_ops: bool = False,
    gradient_multipliers: dict | None = None,
    check_numerics: bool = True,
    regularization_check: str | None = None,
    distributed: bool = False,
) -> Tensor:
    """slim.learning.create_train_op: a tensor equal to total_loss whose
    evaluation runs update_ops (default: UPDATE_OPS), then applies the
    optimizer's update (global_step: default get_or_create_global_step();
    None for none).

    Args:
      distributed: slimcore's addition for data-parallel training: average
        the gradients over the N ranks of slimcore.distributed before the
        update, g = (1/N) sum_r g_r, in the same step (after clipping and
        multipliers, which act on each rank's own gradients). The same as
        passing ``slimcore.distributed.DistributedOptimizer(optimizer)``
        (Horovod-on-TF1: ``hvd.DistributedOptimizer(opt)``); an optimizer
        built with ``distributed=True`` needs no flag here.
      gradient_multipliers: {variable or name: factor} scaling gradients.
      clip_gradient_norm: > 0 clips each gradient to that norm.
      check_numerics: the loss must be finite, else NonFiniteError and the
        weights are not updated.
      regularization_check: "warn" / "error" / "ignore" (default: the global policy).

    Raises:
      ImportError: distributed=True without mpi4py (the message names the 'mpi' extra).
      ValueError: distributed=True before slimcore.distributed.init(); no variables to train.
      TypeError: distributed=True with a variable that is not float32 (named).
    """
    if distributed:
        optimizer = _distributed_module("create_train_op").DistributedOptimizer(optimizer)
    graph = get_default_graph()
    total_loss = convert_to_tensor(total_loss)
    if global_step is _USE_GLOBAL_STEP:
        global_step = get_or_create_global_step()
    global_update_ops = graph.get_collection(GraphKeys.UPDATE_OPS)
    update_ops = global_update_ops if update_ops is None else list(update_ops)
    if any(op not in update_ops for op in global_update_ops):
        warnings.warn(
            "update_ops in create_train_op does not contain all the update_ops in GraphKeys.UPDATE_OPS",
            UserWarning,
            stacklevel=2,
        )
    if update_ops:
        with graph.control_dependencies(update_ops):
            barrier = no_op(name="update_barrier")
        with graph.control_dependencies([barrier]):
            total_loss = identity(total_loss)
    if variables_to_train is None:
        variables_to_train = graph.get_collection(GraphKeys.TRAINABLE_VARIABLES)
    variables_to_train = list(variables_to_train)
    if not variables_to_train:
        raise ValueError("create_train_op: there are no variables to train")
    grads = optimizer.compute_gradients(total_loss, variables_to_train, regularization_check=regularization_check)
    if gradient_multipliers:
        with name_scope("multiply_grads"):
            grads = multiply_gradients(grads, gradient_multipliers)
    if clip_gradient_norm > 0:
        with name_scope("clip_grads"):
            grads = clip_gradient_norms(grads, clip_gradient_norm)
    if check_numerics:
        # Checked before the update runs (slim only ordered it before the returned
        # identity, so a NaN loss could still move the weights).
        with name_scope("train_op"):
            total_loss = _op1("CheckNumerics", [total_loss], {"message": "LossTensor is inf or nan"})
        with graph.control_dependencies([total_loss]):
            grad_updates = optimizer.apply_gradients(grads, global_step=global_step)
    else:
        grad_updates = optimizer.apply_gradients(grads, global_step=global_step)
    with name_scope("train_op"):
        with graph.control_dependencies([grad_updates]):
            train_op = identity(total_loss)
    train_ops = graph.get_collection_ref(GraphKeys.TRAIN_OP)
    if train_op not in train_ops:
        train_ops.append(train_op)
    return train_op
