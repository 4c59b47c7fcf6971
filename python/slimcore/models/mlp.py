"""The network of seed 002 (docs/SEMANTICS.md appendix A; its "easier_network"): flatten, fully connected
layers with tanh, xavier-uniform weights and a weights_regularizer on every
layer, linear logits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Callable

from .. import slim
from ..ops import nn_ops
from ..variable_scope import variable_scope

if TYPE_CHECKING:  # annotations only
    from ..framework.types import RegularizerFn, TensorLike

__all__ = ["mlp"]


def mlp(
    inputs: TensorLike,
    num_classes: int = 10,
    hidden_units: Sequence[int] = (200, 200),
    activation_fn: Callable | None = nn_ops.tanh,
    weights_regularizer: RegularizerFn | None = None,
    scope: str = "EasyNet",
    **layer_kwargs: Any,
) -> Any:
    """logits = W_k(... tanh(W_1 flatten(x) + b_1) ...) + b_k.

    Args:
      inputs: [N, ...] (flattened to [N, features]; the input size follows the data).
      hidden_units: sizes of the hidden layers (seed 002: 200, 200).
      weights_regularizer: applied to every layer's weights (e.g.
        slim.l2_regularizer(scale)); None for no penalty.
      layer_kwargs: passed to every slim.fully_connected (e.g. weights_decay=).
    """
    with variable_scope(scope):
        net = slim.flatten(inputs)
        for units in hidden_units:
            net = slim.fully_connected(
                net,
                units,
                activation_fn=activation_fn,
                weights_initializer=slim.xavier_initializer(uniform=True),
                weights_regularizer=weights_regularizer,
                **layer_kwargs,
            )
        return slim.fully_connected(
            net,
            num_classes,
            activation_fn=None,
            weights_initializer=slim.xavier_initializer(uniform=True),
            weights_regularizer=weights_regularizer,
            **layer_kwargs,
        )
