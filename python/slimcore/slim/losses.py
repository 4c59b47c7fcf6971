"""tf.contrib.losses / slim.losses: TF1's *contrib* losses, distinct from core tf.losses.

tf-slim programs call ``slim.losses.softmax_cross_entropy(logits, labels)``: contrib's
positional order is (logits or predictions, labels), the reverse of core ``tf.losses``
(labels, logits). Passing the same tensors positionally to the wrong module silently
computes another number, so the two modules are distinct objects here as in TF1::

    import slimcore.slim as slim
    loss = slim.losses.softmax_cross_entropy(logits, onehot_labels)      # contrib order
    loss = slimcore.losses.softmax_cross_entropy(onehot_labels, logits)  # core order

Weighting and reduction (tensorflow/contrib/losses/python/losses/loss_ops.py), for a
per-element loss L of rank r and weights W of rank k <= r (a rank > 1 W whose last
dimension is 1 is squeezed first). Unlike core tf.losses, W applies to L's *leading*
dimensions (a [batch] W weights every element of its row of a [batch, d] L)::

    S = sum_b W[b...] * sum_{axes k..r-1} L[b...]         (_scale_losses)
    n = #{W != 0} * prod(L.shape[k:])                      (_num_present; a scalar W: numel(L) or 0)
    loss = S / n, or 0 when n = 0                          (SUM_BY_NONZERO_WEIGHTS, the only reduction)

The result is cast back to the input dtype and added to GraphKeys.LOSSES. There is
no ``reduction`` and no ``loss_collection`` argument. Contrib's own formulas differ
from core's in three places, kept exactly here:

- ``hinge_loss(logits, labels)`` returns the *unreduced* per-element loss
  max(0, 1 - (2y - 1) x) and adds nothing to LOSSES.
- ``mean_pairwise_squared_error`` divides by n and n^2 (core: n - 1 and n (n - 1)),
  and sums the weighted per-example values without dividing by the batch.
- ``cosine_distance`` reduces ``axis`` without keeping it (L is [batch] for [batch, d]).

Train on ``get_total_loss()`` to include the layers' regularization penalties.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..framework import dtypes as _dtypes
from ..framework.ops import GraphKeys, Tensor, convert_to_tensor, get_default_graph, name_scope
from ..losses import get_losses as _core_get_losses
from ..ops import math_ops
from ..ops.array_ops import cast, expand_dims, ones_like, reshape, shape, squeeze, stop_gradient
from ..ops.nn_ops import (
    relu,
    sigmoid_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits_v2,
    sparse_softmax_cross_entropy_with_logits,
)
from .arg_scope import add_arg_scope

if TYPE_CHECKING:  # annotations only
    from ..framework.types import TensorLike

__all__ = [
    "absolute_difference",
    "add_loss",
    "compute_weighted_loss",
    "cosine_distance",
    "get_losses",
    "get_regularization_losses",
    "get_total_loss",
    "hinge_loss",
    "log_loss",
    "mean_pairwise_squared_error",
    "mean_squared_error",
    "sigmoid_cross_entropy",
    "softmax_cross_entropy",
    "sparse_softmax_cross_entropy",
]


# ---- collections ----------------------------------------------------------------------
@add_arg_scope
def add_loss(loss: Tensor, loss_collection: str | None = GraphKeys.LOSSES) -> None:
    """tf.contrib.losses.add_loss: appends `loss` to `loss_collection` (None: nothing).

    Args:
      loss: a loss tensor.
      loss_collection: the collection name (a string is one collection).
    """
    if loss_collection:
        get_default_graph().add_to_collection(loss_collection, loss)


def get_losses(scope: str | None = None, loss_collection: str = GraphKeys.LOSSES) -> list:
    """tf.contrib.losses.get_losses: the collected losses whose names match `scope`.

    Args:
      scope: a regular expression matched at the start of the losses' names.
      loss_collection: the collection to read.

    Returns:
      A list of loss tensors, in creation order.
    """
    return _core_get_losses(scope, loss_collection)


def get_regularization_losses(scope: str | None = None) -> list:
    """tf.contrib.losses.get_regularization_losses: the REGULARIZATION_LOSSES collection.

    Args:
      scope: a regular expression matched at the start of the penalties' names.

    Returns:
      A list of penalty tensors, in creation order.
    """
    return get_default_graph().get_collection(GraphKeys.REGULARIZATION_LOSSES, scope)


def get_total_loss(add_regularization_losses: bool = True, name: str = "total_loss") -> Tensor:
    """tf.contrib.losses.get_total_loss: add_n(get_losses() [+ get_regularization_losses()]).

    Args:
      add_regularization_losses: also sum the REGULARIZATION_LOSSES collection.
      name: the name of the sum.

    Returns:
      A scalar tensor: the loss to train on.

    Raises:
      ValueError: there is no loss at all (TF1's add_n of an empty list raises too).
    """
    losses = get_losses()
    if add_regularization_losses:
        losses = losses + get_regularization_losses()
    if not losses:
        raise ValueError("get_total_loss: there are no losses: add one with a slim.losses function or add_loss")
    return math_ops.add_n(losses, name=name)


# ---- weighting (contrib's _scale_losses, _num_present, compute_weighted_loss) --------------
def _weights_tensor(weights: TensorLike) -> Tensor:
    if weights is None:
        raise ValueError("weights must not be None (TF1: None values not supported); pass 1.0 for no weighting")
    weights = cast(convert_to_tensor(weights), _dtypes.float32)
    if weights.shape.ndims is None:
        raise ValueError("weights.get_shape().ndims cannot be None")
    return weights


def _scale_losses(losses: Tensor, weights: Tensor) -> Tensor:
    """S = sum_b W[b...] * sum over L's axes from rank(W) on of L."""
    axes = list(range(max(0, weights.shape.ndims), losses.shape.ndims))
    reduced = math_ops.reduce_sum(losses, axis=axes) if axes else losses
    return math_ops.reduce_sum(math_ops.multiply(reduced, weights))


def _num_present(losses: Tensor, weights: Tensor, per_batch: bool = False) -> Tensor:
    """n = #{W != 0} * prod(L.shape[rank(W):]), per leading (batch) entry when
    `per_batch`. W covers L's leading dimensions: it is expanded with trailing
    axes of size 1 and broadcast over L's shape, then its nonzero marks counted."""
    present = cast(math_ops.not_equal(weights, 0.0), _dtypes.float32)
    for _ in range(losses.shape.ndims - weights.shape.ndims):
        present = expand_dims(present, -1)
    present = math_ops.multiply(present, ones_like(losses))
    if per_batch:
        return math_ops.reduce_sum(present, axis=list(range(1, losses.shape.ndims)))
    return math_ops.reduce_sum(present)


def compute_weighted_loss(losses: TensorLike, weights: TensorLike = 1.0, scope: str | None = None) -> Tensor:
    """tf.contrib.losses.compute_weighted_loss: S / n (0 when n = 0), the module
    docstring's formula, cast back to the losses' dtype and added to LOSSES.

    Args:
      losses: per-element losses of known rank.
      weights: a scalar, or a tensor covering the losses' leading dimensions
        (rank <= rank(losses)); a last dimension of 1 is squeezed when rank > 1.
      scope: the name scope (default "weighted_loss").

    Returns:
      The scalar weighted mean loss.

    Raises:
      ValueError: weights None, or a rank that is unknown.
    """
    with name_scope(scope, "weighted_loss", [losses, weights]):
        losses = convert_to_tensor(losses)
        input_dtype = losses.dtype
        losses = cast(losses, _dtypes.float32)
        weights = _weights_tensor(weights)
        if losses.shape.ndims is None:
            raise ValueError("losses.get_shape().ndims cannot be None")
        if weights.shape.ndims > 1 and weights.shape.as_list()[-1] in (1, None):
            weights = squeeze(weights, [-1])
        total = _scale_losses(losses, weights)
        mean_loss = math_ops.div_no_nan(total, _num_present(losses, weights), name="value")
        mean_loss = cast(mean_loss, input_dtype)
        add_loss(mean_loss)
        return mean_loss


def _pair(a: TensorLike, b: TensorLike, what_a: str, what_b: str) -> tuple:
    """Both inputs as float32 tensors of compatible shapes.

    Raises:
      ValueError: `b` is None (contrib's labels default to None but are required)
        or the shapes are incompatible, naming the arguments.
    """
    if b is None:
        raise ValueError(f"{what_b} must be given (contrib's order is ({what_a}, {what_b}))")
    a, b = convert_to_tensor(a), convert_to_tensor(b)
    if not a.shape.is_compatible_with(b.shape):
        raise ValueError(f"Shapes {a.shape} ({what_a}) and {b.shape} ({what_b}) are incompatible")
    return cast(a, _dtypes.float32), cast(b, _dtypes.float32)


# ---- the losses -----------------------------------------------------------------------------
def absolute_difference(
    predictions: TensorLike, labels: TensorLike = None, weights: TensorLike = 1.0, scope: str | None = None
) -> Tensor:
    """tf.contrib.losses.absolute_difference: L = |predictions - labels|, weighted (module docstring).

    Args:
      predictions, labels: tensors of one shape (contrib order: predictions first).
      weights, scope: see compute_weighted_loss.

    Returns:
      The scalar loss, added to LOSSES.

    Raises:
      ValueError: labels missing or shapes incompatible.
    """
    with name_scope(scope, "absolute_difference", [predictions, labels, weights]) as s:
        p, y = _pair(predictions, labels, "predictions", "labels")
        return compute_weighted_loss(math_ops.abs(math_ops.subtract(p, y)), weights, scope=s)


def mean_squared_error(
    predictions: TensorLike, labels: TensorLike = None, weights: TensorLike = 1.0, scope: str | None = None
) -> Tensor:
    """tf.contrib.losses.mean_squared_error: L = (predictions - labels)^2, weighted (module docstring).

    Args:
      predictions, labels: tensors of one shape (contrib order: predictions first).
      weights, scope: see compute_weighted_loss.

    Returns:
      The scalar loss, added to LOSSES.

    Raises:
      ValueError: labels missing or shapes incompatible.
    """
    with name_scope(scope, "mean_squared_error", [predictions, labels, weights]) as s:
        p, y = _pair(predictions, labels, "predictions", "labels")
        return compute_weighted_loss(math_ops.squared_difference(p, y), weights, scope=s)


def log_loss(
    predictions: TensorLike,
    labels: TensorLike = None,
    weights: TensorLike = 1.0,
    epsilon: float = 1e-7,
    scope: str | None = None,
) -> Tensor:
    """tf.contrib.losses.log_loss: L = -y log(p + eps) - (1 - y) log(1 - p + eps), weighted.

    Args:
      predictions: probabilities; labels: targets of the same shape.
      epsilon: added inside both logarithms (nothing is clipped).
      weights, scope: see compute_weighted_loss.

    Returns:
      The scalar loss, added to LOSSES.

    Raises:
      ValueError: labels missing or shapes incompatible.
    """
    with name_scope(scope, "log_loss", [predictions, labels, weights]) as s:
        p, y = _pair(predictions, labels, "predictions", "labels")
        eps = float(epsilon)
        losses = math_ops.subtract(
            math_ops.negative(math_ops.multiply(y, math_ops.log(p + eps))),
            math_ops.multiply(1.0 - y, math_ops.log(1.0 - p + eps)),
        )
        return compute_weighted_loss(losses, weights, scope=s)


def hinge_loss(logits: TensorLike, labels: TensorLike = None, scope: str | None = None) -> Tensor:
    """tf.contrib.losses.hinge_loss: L = max(0, 1 - (2y - 1) x) per element, UNREDUCED.

    Unlike core tf.losses.hinge_loss (weighted, reduced, collected), contrib returns the
    per-element tensor and adds nothing to LOSSES: reduce it (and add_loss it) yourself.

    Args:
      logits: the scores x; labels: targets y in {0, 1}, of the logits' shape.
      scope: the name scope (default "hinge_loss").

    Returns:
      A float32 tensor of the logits' shape.

    Raises:
      ValueError: labels missing or shapes incompatible.
    """
    with name_scope(scope, "hinge_loss", [logits, labels]):
        x, y = _pair(logits, labels, "logits", "labels")
        all_ones = ones_like(y)
        signs = math_ops.subtract(math_ops.multiply(2.0, y), all_ones)
        return relu(math_ops.subtract(all_ones, math_ops.multiply(signs, x)))


def cosine_distance(
    predictions: TensorLike,
    labels: TensorLike = None,
    axis: int | None = None,
    weights: TensorLike = 1.0,
    scope: str | None = None,
    dim: int | None = None,
) -> Tensor:
    """tf.contrib.losses.cosine_distance: L = 1 - sum_axis(p * y), `axis` removed
    (inputs assumed unit-normalised), weighted.

    Args:
      predictions, labels: tensors of one shape.
      axis: the dimension holding the vectors (`dim`: its deprecated name).
      weights, scope: see compute_weighted_loss (weights cover L's dimensions).

    Returns:
      The scalar loss, added to LOSSES.

    Raises:
      ValueError: no axis, labels missing or shapes incompatible.
    """
    if axis is None:
        axis = dim
    if axis is None:
        raise ValueError("You must specify 'axis'.")
    with name_scope(scope, "cosine_distance_loss", [predictions, labels, weights]) as s:
        p, y = _pair(predictions, labels, "predictions", "labels")
        losses = math_ops.subtract(1.0, math_ops.reduce_sum(math_ops.multiply(p, y), axis=[axis]))
        return compute_weighted_loss(losses, weights, scope=s)


def sigmoid_cross_entropy(
    logits: TensorLike,
    multi_class_labels: TensorLike,
    weights: TensorLike = 1.0,
    label_smoothing: float = 0,
    scope: str | None = None,
) -> Tensor:
    """tf.contrib.losses.sigmoid_cross_entropy: z = y (1 - ls) + ls / 2 when smoothing;
    L = max(x, 0) - x z + log(1 + exp(-|x|)) per element, weighted.

    Args:
      logits: [batch, classes]; multi_class_labels: targets in [0, 1], same shape.
      label_smoothing: ls above.
      weights, scope: see compute_weighted_loss.

    Returns:
      The scalar loss, added to LOSSES.

    Raises:
      ValueError: shapes incompatible.
    """
    with name_scope(scope, "sigmoid_cross_entropy_loss", [logits, multi_class_labels, weights]) as s:
        x = convert_to_tensor(logits)
        z = cast(convert_to_tensor(multi_class_labels), x.dtype)
        if not x.shape.is_compatible_with(z.shape):
            raise ValueError(f"Shapes {x.shape} (logits) and {z.shape} (multi_class_labels) are incompatible")
        if label_smoothing > 0:
            z = math_ops.add(math_ops.multiply(z, 1.0 - label_smoothing), 0.5 * label_smoothing)
        losses = sigmoid_cross_entropy_with_logits(labels=z, logits=x, name="xentropy")
        return compute_weighted_loss(losses, weights, scope=s)


def softmax_cross_entropy(
    logits: TensorLike,
    onehot_labels: TensorLike,
    weights: TensorLike = 1.0,
    label_smoothing: float = 0,
    scope: str | None = None,
) -> Tensor:
    """tf.contrib.losses.softmax_cross_entropy: z = y (1 - ls) + ls / K when smoothing
    (K = onehot_labels.shape[1]); L = -sum_k z_k log softmax(x)_k per example, weighted.
    No gradient flows into the labels.

    Args:
      logits: [batch, K]; onehot_labels: [batch, K] (contrib order: logits first).
      label_smoothing: ls above.
      weights: a scalar or [batch]; scope: see compute_weighted_loss.

    Returns:
      The scalar loss, added to LOSSES.

    Raises:
      ValueError: shapes incompatible.
    """
    with name_scope(scope, "softmax_cross_entropy_loss", [logits, onehot_labels, weights]) as s:
        x = convert_to_tensor(logits)
        y = cast(convert_to_tensor(onehot_labels), x.dtype)
        if not x.shape.is_compatible_with(y.shape):
            raise ValueError(f"Shapes {x.shape} (logits) and {y.shape} (onehot_labels) are incompatible")
        if label_smoothing > 0:
            k = y.shape.as_list()[1]
            num_classes = float(k) if k is not None else cast(shape(y)[1], x.dtype)
            y = math_ops.add(math_ops.multiply(y, 1.0 - label_smoothing), label_smoothing / num_classes)
        y = stop_gradient(y)
        losses = softmax_cross_entropy_with_logits_v2(labels=y, logits=x, name="xentropy")
        return compute_weighted_loss(losses, weights, scope=s)


def sparse_softmax_cross_entropy(
    logits: TensorLike, labels: TensorLike, weights: TensorLike = 1.0, scope: str | None = None
) -> Tensor:
    """tf.contrib.losses.sparse_softmax_cross_entropy: L = logsumexp(x) - x[label] per
    example, weighted; labels are reshaped to [batch] first (so [batch, 1] works).

    Args:
      logits: [batch, K]; labels: integer class ids, [batch] or [batch, 1].
      weights: a scalar or [batch]; scope: see compute_weighted_loss.

    Returns:
      The scalar loss, added to LOSSES.

    Raises:
      ValueError: (when run) a label outside [0, K).
    """
    with name_scope(scope, "sparse_softmax_cross_entropy_loss", [logits, labels, weights]) as s:
        y = convert_to_tensor(labels)
        batch = y.shape.as_list()[0] if y.shape.ndims else None
        y = reshape(y, [batch if batch is not None else -1])
        losses = sparse_softmax_cross_entropy_with_logits(labels=y, logits=convert_to_tensor(logits), name="xentropy")
        return compute_weighted_loss(losses, weights, scope=s)


def mean_pairwise_squared_error(
    predictions: TensorLike, labels: TensorLike = None, weights: TensorLike = 1.0, scope: str | None = None
) -> Tensor:
    """tf.contrib.losses.mean_pairwise_squared_error, contrib's formula: for each example b
    with d = p - y and n_b present elements (_num_present per batch),

        v_b = 2 sum(d^2) / n_b - 2 (sum d)^2 / n_b^2       (each term 0 when n_b = 0)
        loss = sum_b W_b v_b                               (0 when no element is present)

    Core tf.losses divides by n - 1 and n (n - 1) instead; contrib's v_b is the mean of
    (d_i - d_j)^2 over all n^2 ordered pairs, i = j included.

    Args:
      predictions, labels: [batch, ...] tensors of one shape.
      weights: a scalar or [batch]; scope: the name scope.

    Returns:
      The scalar loss, added to LOSSES.

    Raises:
      ValueError: labels missing, shapes incompatible or ranks unknown.
    """
    with name_scope(scope, "mean_pairwise_squared_error", [predictions, labels, weights]):
        p, y = _pair(predictions, labels, "predictions", "labels")
        w = _weights_tensor(weights)
        diffs = math_ops.subtract(p, y)
        if diffs.shape.ndims is None:
            raise ValueError("diffs.get_shape().ndims cannot be None")
        axes = list(range(1, diffs.shape.ndims))
        n = _num_present(diffs, w, per_batch=True)
        term1 = 2.0 * math_ops.div_no_nan(math_ops.reduce_sum(math_ops.square(diffs), axis=axes), n)
        sum_diff = math_ops.reduce_sum(diffs, axis=axes)
        term2 = 2.0 * math_ops.div_no_nan(math_ops.square(sum_diff), math_ops.square(n))
        loss = _scale_losses(math_ops.subtract(term1, term2), w)
        any_present = cast(math_ops.greater(math_ops.reduce_sum(n), 0.0), _dtypes.float32)
        mean_loss = math_ops.multiply(loss, any_present, name="value")
        add_loss(mean_loss)
        return mean_loss
