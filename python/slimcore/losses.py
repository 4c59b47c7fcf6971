"""tf.losses: every TF1 loss, its weighting and reduction, and the loss
collections (``get_total_loss`` and friends).

Each loss computes a per-element loss L, then ``compute_weighted_loss``
weights and reduces it (docs/SEMANTICS.md section 1). With W = weights broadcast
to L's shape and S = sum(L * W):

=================================  ============================================
``Reduction``                      result
=================================  ============================================
NONE                               L * W (unreduced)
SUM                                S
MEAN                               S / sum(W)
SUM_OVER_BATCH_SIZE                S / numel(L)
SUM_BY_NONZERO_WEIGHTS (default)   S / #{W != 0}   (SUM_OVER_NONZERO_WEIGHTS: alias)
=================================  ============================================

Every division is div_no_nan (0 / 0 = 0). Inputs are computed in float32 and
the result cast back to the input dtype, as TF1 did. Every loss, whatever its
reduction, is added to ``loss_collection`` (default GraphKeys.LOSSES;
None: not collected).

The trap of slim programs that train on the cross-entropy alone (docs/SEMANTICS.md
trap 8.4): layers put their penalties in REGULARIZATION_LOSSES, never in the value a loss function returns. Train on
``get_total_loss()`` (or add ``get_regularization_loss()``) to include them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .framework import dtypes as _dtypes
from .framework.ops import GraphKeys, Tensor, convert_to_tensor, get_default_graph, name_scope
from .ops import math_ops
from .ops.array_ops import cast, constant, ones_like, reshape, stop_gradient
from .ops.nn_ops import (
    relu,
    sigmoid_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits_v2,
    sparse_softmax_cross_entropy_with_logits,
)

if TYPE_CHECKING:  # annotations only
    from .framework.types import TensorLike

__all__ = [
    "Reduction",
    "compute_weighted_loss",
    "absolute_difference",
    "cosine_distance",
    "hinge_loss",
    "huber_loss",
    "log_loss",
    "mean_pairwise_squared_error",
    "mean_squared_error",
    "sigmoid_cross_entropy",
    "softmax_cross_entropy",
    "sparse_softmax_cross_entropy",
    "add_loss",
    "get_losses",
    "get_regularization_losses",
    "get_regularization_loss",
    "get_total_loss",
]


class Reduction:
    """How compute_weighted_loss reduces (tf.losses.Reduction); see the module docstring."""

    NONE = "none"
    SUM = "weighted_sum"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    MEAN = "weighted_mean"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls) -> tuple:
        return (cls.NONE, cls.SUM, cls.MEAN, cls.SUM_OVER_BATCH_SIZE, cls.SUM_BY_NONZERO_WEIGHTS)

    @classmethod
    def validate(cls, key: str) -> None:
        if key not in cls.all():
            raise ValueError(f"Invalid Reduction Key {key!r}: expected one of {cls.all()}")


# ---- collections (tensorflow/python/ops/losses/util.py) --------------------------
def add_loss(loss: Tensor, loss_collection: str | None = GraphKeys.LOSSES) -> None:
    """tf.losses.add_loss: appends `loss` to `loss_collection` (None: nothing)."""
    if loss_collection:
        get_default_graph().add_to_collection(loss_collection, loss)


def get_losses(scope: str | None = None, loss_collection: str = GraphKeys.LOSSES) -> list:
    """tf.losses.get_losses: the losses collected, in creation order."""
    return get_default_graph().get_collection(loss_collection, scope)


def get_regularization_losses(scope: str | None = None) -> list:
    """tf.losses.get_regularization_losses: the REGULARIZATION_LOSSES collection.

    Raises:
      TypeError: an entry that is not a scalar penalty tensor (e.g. a
        Variable added by hand instead of its penalty), naming it.
    """
    losses = get_default_graph().get_collection(GraphKeys.REGULARIZATION_LOSSES, scope)
    for loss in losses:
        shape = getattr(getattr(loss, "shape", None), "ndims", None)
        if not isinstance(loss, Tensor) or shape != 0:
            raise TypeError(
                f"REGULARIZATION_LOSSES holds {loss!r}, which is not a scalar penalty tensor: add "
                "regularizer(w) (e.g. l2_regularizer(0.1)(w)), not the variable itself"
            )
    return losses


def get_regularization_loss(scope: str | None = None, name: str = "total_regularization_loss") -> Tensor:
    """tf.losses.get_regularization_loss: add_n of the regularization losses, or 0.0 if none."""
    losses = get_regularization_losses(scope)
    if losses:
        return math_ops.add_n(losses, name=name)
    return constant(0.0)


def get_total_loss(
    add_regularization_losses: bool = True, name: str = "total_loss", scope: str | None = None
) -> Tensor:
    """tf.losses.get_total_loss: add_n(get_losses() + get_regularization_losses()).

    This is the loss to train on when layers carry regularizers.

    Raises:
      ValueError: no losses at all.
    """
    losses = get_losses(scope=scope)
    if add_regularization_losses:
        losses = losses + get_regularization_losses(scope=scope)
    if not losses:
        raise ValueError("get_total_loss: there are no losses: add one with a tf.losses function or tf.losses.add_loss")
    return math_ops.add_n(losses, name=name)


# ---- weighting ------------------------------------------------------------------------
def _check_broadcastable(weights: Tensor, losses: Tensor) -> None:
    """TF's assert_broadcastable: weights are a scalar, or have the losses'
    rank with each dimension equal to the loss's or 1. A side of unknown rank
    (a shapeless placeholder) is checked when the graph runs, by the
    broadcasting multiply."""
    if weights.shape.ndims is None or losses.shape.ndims is None:
        return
    w_shape, l_shape = weights.shape.as_list(), losses.shape.as_list()
    if not w_shape:
        return
    if len(w_shape) != len(l_shape):
        raise ValueError(
            f"weights can not be broadcast to values: weights have shape {w_shape} "
            f"(rank {len(w_shape)}), values have shape {l_shape} (rank {len(l_shape)}); "
            "weights must be a scalar or have the same rank as the losses"
        )
    for w, v in zip(w_shape, l_shape):
        if w is not None and v is not None and w not in (1, v):
            raise ValueError(f"weights can not be broadcast to values: weights {w_shape} vs values {l_shape}")


def _num_present(losses: Tensor, weights: Tensor, per_batch: bool = False) -> Tensor:
    """Number of elements of broadcast(weights) that are not 0 (per batch
    entry, keepdims, when per_batch)."""
    with name_scope(None, "num_present", [losses, weights]) as scope:
        present = cast(math_ops.not_equal(weights, 0.0), _dtypes.float32)
        present = math_ops.multiply(present, ones_like(losses))  # broadcast to the losses' shape
        if per_batch:
            axes = list(range(1, losses.shape.ndims))
            return math_ops.reduce_sum(present, axis=axes, keepdims=True, name=scope)
        return math_ops.reduce_sum(present, name=scope)


def compute_weighted_loss(
    losses: TensorLike,
    weights: TensorLike = 1.0,
    scope: str | None = None,
    loss_collection: str | None = GraphKeys.LOSSES,
    reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS,
) -> Tensor:
    """tf.losses.compute_weighted_loss: weights and reduces per-element losses
    (module docstring table); adds the result to `loss_collection`.

    Args:
      losses: per-element losses.
      weights: a scalar or a tensor of the losses' rank whose dimensions are
        1 or equal to the losses'.

    Raises:
      ValueError: an unknown reduction or weights that do not broadcast.
    """
    Reduction.validate(reduction)
    with name_scope(scope, "weighted_loss", [losses, weights]):
        losses = convert_to_tensor(losses)
        input_dtype = losses.dtype
        if not input_dtype.is_floating:
            raise TypeError(f"losses must be float32 or float64, got {input_dtype.name}")
        if not isinstance(weights, Tensor):
            weights = convert_to_tensor(weights, dtype=_dtypes.float32)
        _check_broadcastable(weights, losses)
        losses = cast(losses, _dtypes.float32)
        weights = cast(weights, _dtypes.float32)
        weighted = math_ops.multiply(losses, weights)
        if reduction == Reduction.NONE:
            loss = weighted
        else:
            loss = math_ops.reduce_sum(weighted)
            if reduction == Reduction.MEAN:
                loss = math_ops.div_no_nan(
                    loss, math_ops.reduce_sum(math_ops.multiply(ones_like(losses), weights)), name="value"
                )
            elif reduction == Reduction.SUM_BY_NONZERO_WEIGHTS:
                loss = math_ops.div_no_nan(loss, _num_present(losses, weights), name="value")
            elif reduction == Reduction.SUM_OVER_BATCH_SIZE:
                count = math_ops.reduce_sum(ones_like(losses))
                loss = math_ops.div_no_nan(loss, count, name="value")
        loss = cast(loss, input_dtype)
        add_loss(loss, loss_collection)
        return loss


def _float32(x: TensorLike) -> Tensor:
    return cast(convert_to_tensor(x), _dtypes.float32)


def _check_same_shape(a: Tensor, b: Tensor, what_a: str, what_b: str) -> None:
    if not a.shape.is_compatible_with(b.shape):
        raise ValueError(f"Shapes {a.shape} ({what_a}) and {b.shape} ({what_b}) are incompatible")


def _loss(
    default_scope: str,
    inputs: list,
    per_element,
    weights: TensorLike,
    scope: str | None,
    loss_collection: str | None,
    reduction: str,
) -> Tensor:
    """The shared frame: name scope, per-element loss, weighting and reduction."""
    with name_scope(scope, default_scope, inputs + [weights]) as s:
        return compute_weighted_loss(per_element(), weights, s, loss_collection, reduction=reduction)


def absolute_difference(
    labels: TensorLike,
    predictions: TensorLike,
    weights: TensorLike = 1.0,
    scope: str | None = None,
    loss_collection: str | None = GraphKeys.LOSSES,
    reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS,
) -> Tensor:
    """tf.losses.absolute_difference: L = |predictions - labels|, weighted and reduced."""

    def per_element():
        p, y = _float32(predictions), _float32(labels)
        _check_same_shape(p, y, "predictions", "labels")
        return math_ops.abs(math_ops.subtract(p, y))

    return _loss("absolute_difference", [predictions, labels], per_element, weights, scope, loss_collection, reduction)


def mean_squared_error(
    labels: TensorLike,
    predictions: TensorLike,
    weights: TensorLike = 1.0,
    scope: str | None = None,
    loss_collection: str | None = GraphKeys.LOSSES,
    reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS,
) -> Tensor:
    """tf.losses.mean_squared_error: L = (predictions - labels)^2, weighted and reduced."""

    def per_element():
        p, y = _float32(predictions), _float32(labels)
        _check_same_shape(p, y, "predictions", "labels")
        return math_ops.squared_difference(p, y)

    return _loss("mean_squared_error", [predictions, labels], per_element, weights, scope, loss_collection, reduction)


def huber_loss(
    labels: TensorLike,
    predictions: TensorLike,
    weights: TensorLike = 1.0,
    delta: float = 1.0,
    scope: str | None = None,
    loss_collection: str | None = GraphKeys.LOSSES,
    reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS,
) -> Tensor:
    """tf.losses.huber_loss: e = |p - y|, q = min(e, delta), L = q^2/2 + delta (e - q)."""

    def per_element():
        p, y = _float32(predictions), _float32(labels)
        _check_same_shape(p, y, "predictions", "labels")
        error = math_ops.abs(math_ops.subtract(p, y))
        quadratic = math_ops.minimum(error, float(delta))
        linear = math_ops.subtract(error, quadratic)
        return math_ops.add(math_ops.multiply(0.5, math_ops.square(quadratic)), math_ops.multiply(float(delta), linear))

    return _loss("huber_loss", [predictions, labels], per_element, weights, scope, loss_collection, reduction)


def log_loss(
    labels: TensorLike,
    predictions: TensorLike,
    weights: TensorLike = 1.0,
    epsilon: float = 1e-7,
    scope: str | None = None,
    loss_collection: str | None = GraphKeys.LOSSES,
    reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS,
) -> Tensor:
    """tf.losses.log_loss: L = -y log(p + eps) - (1 - y) log(1 - p + eps) (no clipping)."""

    def per_element():
        p, y = _float32(predictions), _float32(labels)
        _check_same_shape(p, y, "predictions", "labels")
        eps = float(epsilon)
        return math_ops.subtract(
            math_ops.negative(math_ops.multiply(y, math_ops.log(p + eps))),
            math_ops.multiply(1.0 - y, math_ops.log(1.0 - p + eps)),
        )

    return _loss("log_loss", [predictions, labels], per_element, weights, scope, loss_collection, reduction)


def hinge_loss(
    labels: TensorLike,
    logits: TensorLike,
    weights: TensorLike = 1.0,
    scope: str | None = None,
    loss_collection: str | None = GraphKeys.LOSSES,
    reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS,
) -> Tensor:
    """tf.losses.hinge_loss: labels in {0, 1} become s = 2y - 1; L = max(0, 1 - s * logits)."""

    def per_element():
        x, y = _float32(logits), _float32(labels)
        _check_same_shape(x, y, "logits", "labels")
        signs = math_ops.subtract(math_ops.multiply(2.0, y), 1.0)
        return relu(math_ops.subtract(1.0, math_ops.multiply(signs, x)))

    return _loss("hinge_loss", [logits, labels], per_element, weights, scope, loss_collection, reduction)


def cosine_distance(
    labels: TensorLike,
    predictions: TensorLike,
    axis: int | None = None,
    weights: TensorLike = 1.0,
    scope: str | None = None,
    loss_collection: str | None = GraphKeys.LOSSES,
    reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS,
    dim: int | None = None,
) -> Tensor:
    """tf.losses.cosine_distance: L = 1 - sum_axis(y * p), keepdims (inputs are
    assumed unit-normalised; nothing is normalised).

    Raises:
      ValueError: no axis (the deprecated name `dim` is accepted).
    """
    if axis is None:
        axis = dim
    if axis is None:
        raise ValueError("You must specify 'axis'.")

    def per_element():
        p, y = _float32(predictions), _float32(labels)
        _check_same_shape(p, y, "predictions", "labels")
        return math_ops.subtract(1.0, math_ops.reduce_sum(math_ops.multiply(p, y), axis=[axis], keepdims=True))

    return _loss("cosine_distance_loss", [predictions, labels], per_element, weights, scope, loss_collection, reduction)


def sigmoid_cross_entropy(
    multi_class_labels: TensorLike,
    logits: TensorLike,
    weights: TensorLike = 1.0,
    label_smoothing: float = 0,
    scope: str | None = None,
    loss_collection: str | None = GraphKeys.LOSSES,
    reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS,
) -> Tensor:
    """tf.losses.sigmoid_cross_entropy: z = y (1 - ls) + ls / 2 when smoothing;
    L = max(x, 0) - x z + log(1 + exp(-|x|)) per element."""

    def per_element():
        x = convert_to_tensor(logits)
        z = cast(convert_to_tensor(multi_class_labels), x.dtype)
        _check_same_shape(x, z, "logits", "multi_class_labels")
        if label_smoothing > 0:
            z = math_ops.add(math_ops.multiply(z, 1.0 - label_smoothing), 0.5 * label_smoothing)
        return sigmoid_cross_entropy_with_logits(labels=z, logits=x, name="xentropy")

    return _loss(
        "sigmoid_cross_entropy_loss",
        [logits, multi_class_labels],
        per_element,
        weights,
        scope,
        loss_collection,
        reduction,
    )


def softmax_cross_entropy(
    onehot_labels: TensorLike,
    logits: TensorLike,
    weights: TensorLike = 1.0,
    label_smoothing: float = 0,
    scope: str | None = None,
    loss_collection: str | None = GraphKeys.LOSSES,
    reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS,
) -> Tensor:
    """tf.losses.softmax_cross_entropy: z = y (1 - ls) + ls / K when smoothing
    (K classes); L = -sum_k z_k log softmax(x)_k per example ([batch]).
    No gradient flows into the labels."""

    def per_element():
        x = convert_to_tensor(logits)
        y = cast(convert_to_tensor(onehot_labels), x.dtype)
        _check_same_shape(x, y, "logits", "onehot_labels")
        if label_smoothing > 0:
            num_classes = x.shape.as_list()[-1]
            if num_classes is None:
                raise ValueError("softmax_cross_entropy: label_smoothing needs a known number of classes")
            y = math_ops.add(math_ops.multiply(y, 1.0 - label_smoothing), label_smoothing / num_classes)
        y = stop_gradient(y, name="labels_stop_gradient")
        return softmax_cross_entropy_with_logits_v2(labels=y, logits=x, name="xentropy")

    return _loss(
        "softmax_cross_entropy_loss", [logits, onehot_labels], per_element, weights, scope, loss_collection, reduction
    )


def _squeeze_last(t: Tensor) -> Tensor:
    dims = t.shape.as_list()
    return reshape(t, [-1 if d is None else d for d in dims[:-1]]) if dims.count(None) <= 1 else t


def sparse_softmax_cross_entropy(
    labels: TensorLike,
    logits: TensorLike,
    weights: TensorLike = 1.0,
    scope: str | None = None,
    loss_collection: str | None = GraphKeys.LOSSES,
    reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS,
) -> Tensor:
    """tf.losses.sparse_softmax_cross_entropy: L = logsumexp(x) - x[label] per
    example. As TF, labels of the logits' rank with a last dimension of 1 are
    squeezed, and so are weights of rank(labels) + 1 with a last dimension of 1.

    Raises:
      ValueError: shapes that do not fit; (when run) a label outside [0, K).
    """
    with name_scope(scope, "sparse_softmax_cross_entropy_loss", [logits, labels, weights]) as s:
        x = convert_to_tensor(logits)
        y = convert_to_tensor(labels)
        if y.shape.ndims == x.shape.ndims and y.shape.as_list()[-1] == 1:
            y = _squeeze_last(y)
        w = weights
        if isinstance(w, Tensor) and w.shape.ndims == y.shape.ndims + 1 and w.shape.as_list()[-1] == 1:
            w = _squeeze_last(w)
        losses = sparse_softmax_cross_entropy_with_logits(labels=y, logits=x, name="xentropy")
        return compute_weighted_loss(losses, w, s, loss_collection, reduction=reduction)


def mean_pairwise_squared_error(
    labels: TensorLike,
    predictions: TensorLike,
    weights: TensorLike = 1.0,
    scope: str | None = None,
    loss_collection: str | None = GraphKeys.LOSSES,
) -> Tensor:
    """tf.losses.mean_pairwise_squared_error: for each example with n present
    elements d = p - y, 2 sum(d^2) / (n - 1) - 2 (sum d)^2 / (n (n - 1)), i.e. the
    mean of (d_i - d_j)^2 over pairs, weighted and summed; 0 when nothing is present.
    """
    with name_scope(scope, "mean_pairwise_squared_error", [predictions, labels, weights]):
        p, y = _float32(predictions), _float32(labels)
        _check_same_shape(p, y, "predictions", "labels")
        w = _float32(weights)
        diffs = math_ops.subtract(p, y)
        _check_broadcastable(w, diffs)
        axes = list(range(1, diffs.shape.ndims))
        sum_squares = math_ops.reduce_sum(math_ops.square(diffs), axis=axes, keepdims=True)
        present = _num_present(diffs, w, per_batch=True)
        term1 = 2.0 * math_ops.div_no_nan(sum_squares, math_ops.maximum(present - 1.0, 0.0))
        sum_diff = math_ops.reduce_sum(diffs, axis=axes, keepdims=True)
        term2 = 2.0 * math_ops.div_no_nan(math_ops.square(sum_diff), math_ops.maximum(present * (present - 1.0), 0.0))
        loss = math_ops.reduce_sum(math_ops.multiply(term1 - term2, w))
        any_present = cast(math_ops.greater(math_ops.reduce_sum(present), 0.0), _dtypes.float32)
        mean_loss = math_ops.multiply(loss, any_present, name="value")
        add_loss(mean_loss, loss_collection)
        return mean_loss
