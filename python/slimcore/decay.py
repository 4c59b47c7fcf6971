"""Weight-decay conventions and the conversion between them.

The same number means different things across frameworks (docs/SEMANTICS.md
section 8, traps 8.1-8.3). Each convention below is named; ``convert_decay``
moves a value between them where they are equivalent and refuses, with the
reason, where they are not.

==========================  ====================================================  =================
convention                  what the value v does, per step                       family
==========================  ====================================================  =================
``"tf_l2"``                 penalty v*sum(w^2)/2 in the loss: gradient + v*w      coupled
                            (TF1/slim l2_regularizer, Caffe weight_decay,
                            PyTorch SGD/Adam ``weight_decay=``)
``"keras_l2"``              penalty v*sum(w^2) in the loss: gradient + 2*v*w      coupled
``"decoupled"``             w <- w - v*w, not scaled by the learning rate        decoupled
                            (TF contrib AdamW/MomentumW, tensorflow_addons)
``"decoupled_lr"``          w <- w - lr*v*w (PyTorch AdamW, Keras AdamW)          decoupled
``"decoupled_schedule"``    w <- w - (lr_t/lr_0)*v*w (Loshchilov & Hutter)        decoupled
==========================  ====================================================  =================

Within the coupled family: keras_l2 = tf_l2 / 2. Within the decoupled family
(constant learning rate lr): decoupled = lr * decoupled_lr = decoupled_schedule.
Between the families only for plain SGD without momentum, where
w - lr*(g + v*w) = w - lr*v*w - lr*g: decoupled = lr * tf_l2. With momentum or
an adaptive optimizer (Adam, RMSProp, Adagrad) an L2 penalty's gradient is
accumulated or rescaled per coordinate and no decoupled decay reproduces it.
"""

from __future__ import annotations

import math
import numbers

__all__ = ["CONVENTIONS", "convert_decay"]

CONVENTIONS = {
    "tf_l2": ("coupled", "penalty v*sum(w^2)/2 in the loss (TF1/slim l2_regularizer, Caffe, PyTorch weight_decay=)"),
    "keras_l2": ("coupled", "penalty v*sum(w^2) in the loss (Keras regularizers.l2)"),
    "decoupled": ("decoupled", "w <- w - v*w per step (TF contrib AdamW/MomentumW, tensorflow_addons)"),
    "decoupled_lr": ("decoupled", "w <- w - lr*v*w per step (PyTorch AdamW, Keras AdamW)"),
    "decoupled_schedule": ("decoupled", "w <- w - (lr_t/lr_0)*v*w per step (Loshchilov & Hutter)"),
}
_EQUIVALENT_OPTIMIZERS = ("sgd", "gradient_descent")


def _check(name: str, value: float | None, positive: bool) -> float:
    if value is None or isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"convert_decay: {name} must be a finite number, got {value!r}")
    if value < 0 or (positive and value == 0):
        raise ValueError(f"convert_decay: {name} must be {'> 0' if positive else '>= 0'}, got {value}")
    return float(value)


def convert_decay(
    value: float, src: str, dst: str, learning_rate: float | None = None, optimizer: str = "sgd"
) -> float:
    """Converts a decay strength from convention `src` to `dst` (module table).

    Args:
      value: the strength in `src`'s convention.
      learning_rate: needed whenever the conversion involves the learning rate
        (coupled <-> decoupled, decoupled_lr <-> the others); a constant rate.
      optimizer: the optimizer that applies the decay, for coupled <->
        decoupled: only "sgd" (no momentum) makes them equivalent.

    Raises:
      ValueError: an unknown convention, a missing or bad learning rate, or a
        coupled <-> decoupled conversion for an optimizer where they differ
        (the message says why).
    """
    for name in (src, dst):
        if name not in CONVENTIONS:
            raise ValueError(f"convert_decay: unknown convention {name!r}; expected one of {sorted(CONVENTIONS)}")
    value = _check("value", value, positive=False)
    lr = None if learning_rate is None else _check("learning_rate", learning_rate, positive=True)

    def need_lr() -> float:
        if lr is None:
            raise ValueError(f"convert_decay: converting {src} to {dst} needs learning_rate")
        return lr

    # Canonical forms: coupled -> gradient coefficient (grad += c*w); decoupled -> per-step shrink s.
    family_src, family_dst = CONVENTIONS[src][0], CONVENTIONS[dst][0]
    if src == "tf_l2":
        canonical = value
    elif src == "keras_l2":
        canonical = 2.0 * value
    elif src == "decoupled_lr":
        canonical = need_lr() * value
    else:
        canonical = value
    if family_src != family_dst:
        if optimizer.lower() not in _EQUIVALENT_OPTIMIZERS:
            raise ValueError(
                f"convert_decay: {src} ({family_src}) and {dst} ({family_dst}) are not equivalent under "
                f"{optimizer!r}: with momentum or an adaptive optimizer the L2 gradient v*w is accumulated "
                "or divided per coordinate by the gradient's running scale, while decoupled decay shrinks "
                "every weight by the same fraction. They coincide only for plain SGD "
                "(decoupled = lr * tf_l2); choose one mechanism and tune it."
            )
        canonical = canonical * need_lr() if family_src == "coupled" else canonical / need_lr()
    if dst == "tf_l2":
        return canonical
    if dst == "keras_l2":
        return canonical / 2.0
    if dst == "decoupled_lr":
        return canonical / need_lr()
    return canonical
