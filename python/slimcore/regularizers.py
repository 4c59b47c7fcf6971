"""Regularizers: tf.contrib.layers' (TF1 / slim) and Keras' under their own names.

A regularizer maps a weight tensor to a scalar penalty tensor (or None).
The two families differ by a factor of two for L2 -- trap 8.1 of
docs/SEMANTICS.md -- so both are here, named, side by side:

=================================  ==============================  =====================
call                                penalty of w                    gradient added to w
=================================  ==============================  =====================
``l1_regularizer(s)`` (TF1/slim)    s * sum|w|                      s * sign(w)
``l2_regularizer(s)`` (TF1/slim)    s * sum(w^2) / 2 = s*l2_loss(w) s * w
``l1_l2_regularizer(s1, s2)``       s1*sum|w| + s2*sum(w^2)/2       s1*sign(w) + s2*w
``keras_l1(l)`` / Keras ``l1``      l * sum|w|                      l * sign(w)
``keras_l2(l)`` / Keras ``l2``      l * sum(w^2)   (no half)        2 * l * w
``keras_l1_l2(l1, l2)``             l1*sum|w| + l2*sum(w^2)         l1*sign(w) + 2*l2*w
=================================  ==============================  =====================

TF1's validation is kept: an integer scale or a negative scale raises
ValueError before the regularizer is returned; scale 0 gives a regularizer
that adds nothing (returns None) -- TF1 only logs that at INFO level, slimcore
warns -- but it stays an object that reports its kind and scale (``.kind``,
``.scale``, ``.convention``, and its repr), so reports show it.
A scale may also be a scalar tensor (``tf.constant(0.0005)``); it is then
not validated (as TF1).

Keras' regularizers never return None: a zero factor gives a zero penalty.

Example (seed 002's two ways of regularizing)::

    reg = l2_regularizer(0.1)
    with slimcore.variable_scope("x", regularizer=reg):
        v1 = slimcore.get_variable("v1", [3])   # adds x/v1/Regularizer/l2_regularizer:0
    penalty = apply_regularization(l1_regularizer(0.1), [v1])   # 0.1 * sum|v1|
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING, Callable

from .framework.ops import GraphKeys, Tensor, convert_to_tensor, get_default_graph, name_scope
from .ops import math_ops
from .ops.array_ops import constant
from .ops.math_ops import add_n
from .ops.nn_ops import l2_loss

if TYPE_CHECKING:  # annotations only
    from .framework.types import RegularizerFn, TensorLike

__all__ = [
    "Regularizer",
    "l1_regularizer",
    "l2_regularizer",
    "l1_l2_regularizer",
    "sum_regularizer",
    "apply_regularization",
    "keras_l1",
    "keras_l2",
    "keras_l1_l2",
    "l1",
    "l2",
    "l1_l2",
    "L1",
    "L2",
    "L1L2",
]

# How a penalty's L2 term is scaled: TF1/slim/Caffe/PyTorch use s*sum(w^2)/2
# (gradient s*w); Keras uses l*sum(w^2) (gradient 2*l*w).
HALF = "half: s*sum(w^2)/2 (TF1, slim, Caffe, PyTorch weight_decay)"
FULL = "full: l*sum(w^2) (Keras)"


def _validate_scale(scale: TensorLike, who: str) -> None:
    """TF1's checks (tf_slim/layers/regularizers.py), done before the
    regularizer is returned, plus NaN."""
    if isinstance(scale, Tensor):
        return
    if isinstance(scale, numbers.Integral):
        raise ValueError(f"{who}: scale cannot be an integer: {scale} (write {scale}.0)")
    if isinstance(scale, numbers.Real):
        if scale < 0.0 or scale != scale:
            raise ValueError(f"{who}: setting a scale less than 0 (or NaN) on a regularizer: {scale}")
        return
    raise TypeError(f"{who}: scale must be a float or a scalar tensor, got {scale!r}")


def _is_zero(scale: TensorLike) -> bool:
    return not isinstance(scale, Tensor) and scale == 0.0


def _fmt(scale: TensorLike) -> str:
    return scale.name if isinstance(scale, Tensor) else repr(scale)


class Regularizer:
    """A penalty  l1 * sum|w| + l2 * sum(w^2) * (1/2 if half else 1).

    Built by the factories below (``l2_regularizer``, ``keras_l2``, ...), not
    usually directly. Calling it on a tensor or variable builds the penalty under
    the name scope `scope` (default: the kind, e.g. "l2_regularizer"), the final
    op taking the scope's exact name, so get_variable's penalties are named
    ".../Regularizer/l2_regularizer:0" as TensorFlow names them; a Keras one
    builds Keras' ops in the caller's scope (".../Regularizer/add:0", see
    `_keras_penalty`).

    Attributes:
      kind: "l1_regularizer", "l2_regularizer", "l1_l2_regularizer" (TF1) or
        "l1", "l2", "l1_l2" (Keras).
      l1, l2: the two scales (0.0 when absent; a float or a scalar Tensor).
      half: True for TF1's s*sum(w^2)/2, False for Keras' l*sum(w^2).
      convention: HALF or FULL, in words.
    """

    def __init__(
        self, kind: str, l1: TensorLike = 0.0, l2: TensorLike = 0.0, half: bool = True, scope: str | None = None
    ) -> None:
        self.kind = kind
        self.l1 = l1
        self.l2 = l2
        self.half = half
        self.scope = scope
        self.__name__ = kind

    @property
    def convention(self) -> str:
        return HALF if self.half else FULL

    @property
    def scale(self) -> TensorLike | tuple[TensorLike, TensorLike]:
        """The scale of the single term (l1 or l2); for l1_l2 the pair (l1, l2)."""
        if self.kind in ("l1_regularizer", "l1"):
            return self.l1
        if self.kind in ("l2_regularizer", "l2"):
            return self.l2
        return (self.l1, self.l2)

    @property
    def formula(self) -> str:
        """The penalty of w in words, e.g. "0.1 * sum(w^2) / 2"."""
        terms = []
        if not _is_zero(self.l1) or self.kind in ("l1_regularizer", "l1"):
            terms.append(f"{_fmt(self.l1)} * sum|w|")
        if not _is_zero(self.l2) or self.kind in ("l2_regularizer", "l2"):
            terms.append(f"{_fmt(self.l2)} * sum(w^2)" + (" / 2" if self.half else ""))
        return " + ".join(terms) if terms else "0"

    def __call__(self, weights: TensorLike, name: str | None = None) -> Tensor | None:
        """The penalty tensor of `weights` (a scalar of its dtype), or None
        for a TF1-family regularizer whose scales are all 0.

        Args:
          weights: a float tensor or variable (or an activation tensor).
          name: overrides the name scope given at construction.
        """
        if self.half and _is_zero(self.l1) and _is_zero(self.l2):
            return None
        weights = convert_to_tensor(weights)
        if not self.half:
            if name is None:
                return self._keras_penalty(weights)
            with name_scope(name):
                return self._keras_penalty(weights)
        with name_scope(name or self.scope, self.kind, [weights]) as scope:
            terms = []
            if not _is_zero(self.l1):
                s1 = convert_to_tensor(self.l1, dtype=weights.dtype, name="scale")
                terms.append((s1, math_ops.reduce_sum(math_ops.abs(weights))))
            if not _is_zero(self.l2):
                s2 = convert_to_tensor(self.l2, dtype=weights.dtype, name="scale")
                sq = l2_loss(weights) if self.half else math_ops.reduce_sum(math_ops.square(weights))
                terms.append((s2, sq))
            if len(terms) == 1:
                return math_ops.multiply(terms[0][0], terms[0][1], name=scope)
            return math_ops.add_n([math_ops.multiply(s, t) for s, t in terms], name=scope)

    def _keras_penalty(self, weights: Tensor) -> Tensor:
        """Keras' L1L2.__call__ (TF 1.15's tensorflow/python/keras/regularizers.py)
        op for op, in the caller's name scope (Keras opens none)::

            if not l1 and not l2: return K.constant(0.)
            regularization = 0.
            if l1: regularization += l1 * reduce_sum(abs(x))
            if l2: regularization += l2 * reduce_sum(square(x))

        so the penalty of get_variable / tf.layers is ".../Regularizer/add:0"
        (".../add_1:0" with both factors; ".../Const:0" with none), as in TF1."""
        if _is_zero(self.l1) and _is_zero(self.l2):
            return constant(0.0, dtype=weights.dtype)
        regularization = 0.0
        if not _is_zero(self.l1):
            regularization = regularization + self.l1 * math_ops.reduce_sum(math_ops.abs(weights))
        if not _is_zero(self.l2):
            regularization = regularization + self.l2 * math_ops.reduce_sum(math_ops.square(weights))
        return regularization

    def get_config(self) -> dict:
        return {"kind": self.kind, "l1": self.l1, "l2": self.l2, "convention": self.convention}

    def __repr__(self) -> str:
        family = "TF1" if self.half else "Keras"
        return f"<{family} {self.kind}: {self.formula}>"


def _tf_regularizer(kind: str, l1: TensorLike, l2: TensorLike, scope: str | None) -> Regularizer:
    if _is_zero(l1) and _is_zero(l2):
        warnings.warn(
            f"{kind} with scale 0 disables regularization: it returns None and adds no penalty (TF1 only logs this)",
            UserWarning,
            stacklevel=3,
        )
    return Regularizer(kind, l1=l1, l2=l2, scope=scope)


def l1_regularizer(scale: TensorLike, scope: str | None = None) -> Regularizer:
    """tf.contrib.layers.l1_regularizer(scale, scope=None): penalty = scale * sum(|w|).

    Gradient: scale * sign(w). Scale 0 returns a regularizer that returns None
    (and warns).

    Args:
      scale: a non-negative float, or a scalar tensor.
      scope: name scope of the penalty op (default "l1_regularizer").

    Returns:
      A Regularizer.

    Raises:
      ValueError: an integer or negative (or NaN) scale.
      TypeError: a scale that is neither a number nor a tensor.
    """
    _validate_scale(scale, "l1_regularizer")
    return _tf_regularizer("l1_regularizer", scale, 0.0, scope)


def l2_regularizer(scale: TensorLike, scope: str | None = None) -> Regularizer:
    """tf.contrib.layers.l2_regularizer(scale, scope=None):
    penalty = scale * sum(w^2) / 2 = scale * tf.nn.l2_loss(w).

    Gradient: scale * w (half the Keras l2's for the same number). Scale 0
    returns a regularizer that returns None (and warns).

    Args:
      scale: a non-negative float, or a scalar tensor.
      scope: name scope of the penalty op (default "l2_regularizer").

    Returns:
      A Regularizer.

    Raises:
      ValueError: an integer or negative (or NaN) scale.
      TypeError: a scale that is neither a number nor a tensor.
    """
    _validate_scale(scale, "l2_regularizer")
    return _tf_regularizer("l2_regularizer", 0.0, scale, scope)


def l1_l2_regularizer(scale_l1: TensorLike = 1.0, scale_l2: TensorLike = 1.0, scope: str | None = None) -> Regularizer:
    """tf.contrib.layers.l1_l2_regularizer(scale_l1=1.0, scale_l2=1.0, scope=None):
    penalty = scale_l1 * sum|w| + scale_l2 * sum(w^2) / 2.

    As TF: with one scale 0 it is the other single regularizer (named by
    `scope`, default "l1_l2_regularizer"); with both 0 it returns None.

    Raises:
      ValueError: an integer or negative (or NaN) scale.
    """
    _validate_scale(scale_l1, "l1_l2_regularizer")
    _validate_scale(scale_l2, "l1_l2_regularizer")
    scope = scope or "l1_l2_regularizer"
    if _is_zero(scale_l1):
        return l2_regularizer(scale_l2, scope)
    if _is_zero(scale_l2):
        return l1_regularizer(scale_l1, scope)
    return Regularizer("l1_l2_regularizer", l1=scale_l1, l2=scale_l2, scope=scope)


class _SumRegularizer:
    """The sum of several regularizers' penalties (None members dropped)."""

    def __init__(self, members: list, scope: str | None) -> None:
        self.members = members
        self.scope = scope
        self.kind = "sum_regularizer"
        self.__name__ = "sum_regularizer"

    def __call__(self, weights: TensorLike) -> Tensor | None:
        with name_scope(self.scope, "sum_regularizer", [weights]) as scope:
            tensors = [t for t in (reg(weights) for reg in self.members) if t is not None]
            return add_n(tensors, name=scope) if tensors else None

    def __repr__(self) -> str:
        return f"<sum_regularizer: {' + '.join(repr(m) for m in self.members)}>"


def sum_regularizer(regularizer_list: Iterable[Callable | None], scope: str | None = None) -> _SumRegularizer | None:
    """tf.contrib.layers.sum_regularizer(regularizer_list, scope=None):
    penalty = add_n of the members' penalties (members returning None skipped;
    None when every member returns None).

    Returns:
      The summing regularizer, or None when the list (after dropping None
      members) is empty, as TF.

    Raises:
      TypeError: a member that is not callable.
    """
    members = [r for r in regularizer_list if r is not None]
    for r in members:
        if not callable(r):
            raise TypeError(f"sum_regularizer: {r!r} is not a regularizer (not callable)")
    if not members:
        return None
    return _SumRegularizer(members, scope)


def apply_regularization(regularizer: RegularizerFn, weights_list: Iterable[TensorLike] | None = None) -> Tensor:
    """tf.contrib.layers.apply_regularization(regularizer, weights_list=None):
    penalty = sum_w regularizer(w), one scalar (a None penalty counts 0),
    named "get_regularization_penalty" and added to REGULARIZATION_LOSSES.

    Note: the penalty is added to the collection once more each call; passing
    the REGULARIZATION_LOSSES tensors themselves as `weights_list` (seed 002)
    regularizes the penalties, it does not sum them.

    Args:
      regularizer: a function tensor -> scalar tensor or None.
      weights_list: tensors or variables; default (None or empty) the
        GraphKeys.WEIGHTS collection.

    Returns:
      The summed penalty, a scalar tensor.

    Raises:
      ValueError: no weights to regularize; a penalty that is not a scalar.
      TypeError: a regularizer that is not callable (e.g. an empty sum_regularizer).
    """
    if not callable(regularizer):
        raise TypeError(f"apply_regularization: regularizer must be callable, got {regularizer!r}")
    weights_list = list(weights_list) if weights_list else get_default_graph().get_collection(GraphKeys.WEIGHTS)
    if not weights_list:
        raise ValueError("No weights to regularize.")
    with name_scope("get_regularization_penalty", values=weights_list) as scope:
        penalties = []
        for w in weights_list:
            p = regularizer(w)
            if p is None:
                p = constant(0.0, dtype=convert_to_tensor(w).dtype)
            penalties.append(p)
        for p in penalties:
            if p.shape.ndims != 0:
                raise ValueError(
                    f"regularizer must return a scalar Tensor instead of a Tensor with rank {p.shape.ndims}."
                )
        summed = add_n(penalties, name=scope)
    get_default_graph().add_to_collection(GraphKeys.REGULARIZATION_LOSSES, summed)
    return summed


# ---- Keras' regularizers: no 1/2 on the L2 term -----------------------------------
def _keras_scale(value: object, who: str) -> float:
    """Keras' validate_float_arg: a finite number >= 0 (ValueError otherwise)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value < 0:
        raise ValueError(f"Invalid value for argument {who}: expected a non-negative float. Received: {who}={value!r}")
    return float(value)


def keras_l1(l1: float = 0.01) -> Regularizer:
    """Keras ``regularizers.l1(l1=0.01)``: penalty = l1 * sum(|w|), gradient l1 * sign(w).

    Raises:
      ValueError: a negative, infinite or non-numeric factor.
    """
    return Regularizer("l1", l1=_keras_scale(l1, "l1"), l2=0.0, half=False)


def keras_l2(l2: float = 0.01) -> Regularizer:
    """Keras ``regularizers.l2(l2=0.01)``: penalty = l2 * sum(w^2), gradient
    2 * l2 * w -- twice TF1's ``l2_regularizer(l2)`` for the same number.

    Raises:
      ValueError: a negative, infinite or non-numeric factor.
    """
    return Regularizer("l2", l1=0.0, l2=_keras_scale(l2, "l2"), half=False)


def keras_l1_l2(l1: float = 0.01, l2: float = 0.01) -> Regularizer:
    """Keras ``regularizers.l1_l2(l1=0.01, l2=0.01)``: l1 * sum|w| + l2 * sum(w^2).

    Raises:
      ValueError: a negative, infinite or non-numeric factor.
    """
    return Regularizer("l1_l2", l1=_keras_scale(l1, "l1"), l2=_keras_scale(l2, "l2"), half=False)


# Keras' own names.
l1 = keras_l1
l2 = keras_l2
l1_l2 = keras_l1_l2


def L1(l1: float = 0.01) -> Regularizer:  # noqa: N802
    """Keras ``regularizers.L1(l1=0.01)``: l1 * sum|w|."""
    return keras_l1(l1)


def L2(l2: float = 0.01) -> Regularizer:  # noqa: N802
    """Keras ``regularizers.L2(l2=0.01)``: l2 * sum(w^2)."""
    return keras_l2(l2)


def L1L2(l1: float = 0.0, l2: float = 0.0) -> Regularizer:  # noqa: N802
    """Keras ``regularizers.L1L2(l1=0.0, l2=0.0)`` (note: defaults 0, unlike
    ``l1_l2``'s 0.01): l1 * sum|w| + l2 * sum(w^2); a zero penalty with both 0."""
    return keras_l1_l2(l1, l2)
