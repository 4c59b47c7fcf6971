"""slim.summaries (tf_slim/summaries.py): one-line summaries of tensors, named
after the tensor's op.

    slim.summaries.add_histogram_summaries(slim.get_model_variables())
    slim.summaries.add_scalar_summary(total_loss, "Total Loss")   # tag Total_Loss
    slim.summaries.add_zero_fraction_summaries(activations)

The summary name is ``[prefix/]name[/postfix]`` with ``name`` defaulting to
the tensor's op name ("conv1/Relu"); tf.summary turns it into the tag
(invalid characters become "_", a repeated name gets "_1"). Each summary goes
to GraphKeys.SUMMARIES. With ``print_summary=True`` the line
``<summary name>[<value>]`` is printed to stderr each time the summary is
computed, as tf-slim's; tf-slim wraps the summary op in ``tf.Print(op,
[tensor])`` and collects that, slimcore feeds the summary through
``tf.Print(tensor, [tensor])`` (its Print kernel does not pass strings
through), so the collected op is the summary op itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import summary
from ..ops.logging_ops import Print
from ..ops.math_ops import zero_fraction

if TYPE_CHECKING:  # annotations only
    from collections.abc import Iterable

    from ..framework.ops import Tensor
    from ..framework.types import TensorLike

__all__ = [
    "add_histogram_summary",
    "add_image_summary",
    "add_scalar_summary",
    "add_zero_fraction_summary",
    "add_histogram_summaries",
    "add_image_summaries",
    "add_scalar_summaries",
    "add_zero_fraction_summaries",
]


def _get_summary_name(
    tensor: TensorLike, name: str | None = None, prefix: str | None = None, postfix: str | None = None
) -> str:
    """tf-slim's name: `name` (default the op name of the tensor or variable:
    "conv1/weights", not its read tensor's), "prefix/" before, "/postfix" after."""
    if not name:
        name = tensor.op.name
    if prefix:
        name = prefix + "/" + name
    if postfix:
        name = name + "/" + postfix
    return name


def _maybe_printed(tensor: TensorLike, summary_name: str, print_summary: bool) -> TensorLike:
    """`tensor`, or with print_summary ``Print(tensor, [tensor], summary_name)``
    (the same value; the line is printed each time the summary is computed)."""
    return Print(tensor, [tensor], summary_name) if print_summary else tensor


def add_histogram_summary(tensor: TensorLike, name: str | None = None, prefix: str | None = None) -> Tensor:
    """slim.summaries.add_histogram_summary: ``tf.summary.histogram`` of `tensor`
    named ``[prefix/]name`` (name: the tensor's op name by default).

    Returns:
      A scalar string tensor, the serialized Summary.
    """
    return summary.histogram(_get_summary_name(tensor, name, prefix), tensor)


def add_image_summary(
    tensor: TensorLike, name: str | None = None, prefix: str | None = None, print_summary: bool = False
) -> Tensor:
    """slim.summaries.add_image_summary: ``tf.summary.image`` of a [batch,
    height, width, channels] tensor (at most 3 images), named as
    add_histogram_summary; `print_summary` as the module docstring says.

    Returns:
      A scalar string tensor, the serialized Summary.
    """
    summary_name = _get_summary_name(tensor, name, prefix)
    return summary.image(name=summary_name, tensor=_maybe_printed(tensor, summary_name, print_summary))


def add_scalar_summary(
    tensor: TensorLike, name: str | None = None, prefix: str | None = None, print_summary: bool = False
) -> Tensor:
    """slim.summaries.add_scalar_summary: ``tf.summary.scalar`` of a scalar
    tensor, named as add_histogram_summary; `print_summary` as the module
    docstring says.

    Returns:
      A scalar string tensor, the serialized Summary.
    """
    summary_name = _get_summary_name(tensor, name, prefix)
    return summary.scalar(name=summary_name, tensor=_maybe_printed(tensor, summary_name, print_summary))


def add_zero_fraction_summary(
    tensor: TensorLike, name: str | None = None, prefix: str | None = None, print_summary: bool = False
) -> Tensor:
    """slim.summaries.add_zero_fraction_summary: a scalar summary of
    ``tf.nn.zero_fraction(tensor)`` (the fraction of its elements equal to 0,
    e.g. dead ReLUs) named ``[prefix/]name/Fraction_of_Zero_Values``.

    Returns:
      A scalar string tensor, the serialized Summary.
    """
    name = _get_summary_name(tensor, name, prefix, "Fraction_of_Zero_Values")
    return add_scalar_summary(zero_fraction(tensor), name, print_summary=print_summary)


def add_histogram_summaries(tensors: Iterable[TensorLike], prefix: str | None = None) -> list:
    """slim.summaries.add_histogram_summaries: add_histogram_summary of each tensor; the list of summaries."""
    return [add_histogram_summary(tensor, prefix=prefix) for tensor in tensors]


def add_image_summaries(tensors: Iterable[TensorLike], prefix: str | None = None) -> list:
    """slim.summaries.add_image_summaries: add_image_summary of each tensor; the list of summaries."""
    return [add_image_summary(tensor, prefix=prefix) for tensor in tensors]


def add_scalar_summaries(tensors: Iterable[TensorLike], prefix: str | None = None, print_summary: bool = False) -> list:
    """slim.summaries.add_scalar_summaries: add_scalar_summary of each tensor; the list of summaries."""
    return [add_scalar_summary(tensor, prefix=prefix, print_summary=print_summary) for tensor in tensors]


def add_zero_fraction_summaries(tensors: Iterable[TensorLike], prefix: str | None = None) -> list:
    """slim.summaries.add_zero_fraction_summaries: add_zero_fraction_summary of each tensor; the list of summaries."""
    return [add_zero_fraction_summary(tensor, prefix=prefix) for tensor in tensors]
