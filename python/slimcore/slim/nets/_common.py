"""What the classic slim nets share: tf-slim's truncated-normal shorthand and
the default ``prediction_fn`` (slim.softmax over the last axis)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...framework.ops import name_scope
from ...initializers import truncated_normal_initializer
from ...ops import nn_ops

if TYPE_CHECKING:  # annotations only
    from ...framework.ops import Tensor
    from ...framework.types import InitializerFn, TensorLike

__all__ = ["trunc_normal", "softmax", "reduced_kernel_size_for_small_input"]


def trunc_normal(stddev: float) -> InitializerFn:
    """tf-slim nets' ``trunc_normal(stddev)``: truncated_normal_initializer(0.0, stddev)."""
    return truncated_normal_initializer(0.0, stddev)


def softmax(logits: TensorLike, scope: str | None = None) -> Tensor:
    """slim.softmax(logits, scope=None): softmax over the last axis, its op
    named ``<scope>/Softmax`` (the nets' default prediction_fn).

    Uses ``slim.softmax`` when the slim namespace has it, else tf.nn.softmax
    under the same name scope (identical numbers and names)."""
    from ... import slim

    slim_softmax = getattr(slim, "softmax", None)
    if slim_softmax is not None:
        return slim_softmax(logits, scope=scope)
    with name_scope(scope, "softmax", [logits]):
        return nn_ops.softmax(logits)


def reduced_kernel_size_for_small_input(input_tensor: Tensor, kernel_size: list) -> list:
    """`kernel_size` clipped to the input's static height and width (the nets'
    ``_reduced_kernel_size_for_small_input``); unchanged when they are unknown."""
    shape = input_tensor.get_shape().as_list()
    if shape[1] is None or shape[2] is None:
        return kernel_size
    return [min(shape[1], kernel_size[0]), min(shape[2], kernel_size[1])]
