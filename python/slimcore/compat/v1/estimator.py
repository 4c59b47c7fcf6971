"""``tf.estimator``: not supported by slimcore (out of scope).

The module exists, as in TF1 (``from tensorflow import estimator as
tf_estimator`` still imports), and every TF1 name looked up in it
(``tf.estimator.Estimator``, ``EstimatorSpec``, ``ModeKeys``, ``RunConfig``,
``inputs.numpy_input_fn``, ``train_and_evaluate``...) raises
EstimatorNotSupportedError, an ImportError that says what to use instead:
the model_fn's graph trained with ``slimcore.slim.learning`` or
``slimcore.keras``, evaluated with ``tf.metrics``.
"""

from __future__ import annotations

__all__ = ["EstimatorNotSupportedError"]


class EstimatorNotSupportedError(ImportError):
    """tf.estimator is out of slimcore's scope. An ImportError (the API is
    missing from this "installation"), raised where a TF1 program first uses
    it, so ``hasattr(tf.estimator, "Estimator")`` is loud rather than False."""


_MESSAGE = (
    "tf.estimator.{name}: tf.estimator is not supported by slimcore (out of scope). Build the "
    "model_fn's graph directly and train it with slimcore.slim.learning (create_train_op, then "
    "train or a Session loop running the train op), or with slimcore.keras (Model.compile / fit / "
    "evaluate); evaluate with tf.metrics (run each update_op per batch after "
    "tf.local_variables_initializer(), then read the values). An input_fn maps to a tf.data "
    "iterator; EstimatorSpec's loss, train_op and eval_metric_ops are the tensors to run."
)


def __getattr__(name: str):
    """Any TF1 name of tf.estimator: EstimatorNotSupportedError. Dunder
    names (looked up by importlib, inspect, pickle...) are plain misses.

    Raises:
      EstimatorNotSupportedError: a public name.
      AttributeError: a dunder name.
    """
    if name.startswith("__") and name.endswith("__"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    raise EstimatorNotSupportedError(_MESSAGE.format(name=name), name=__name__)
