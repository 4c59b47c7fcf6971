"""A complete training run on a classification data set, shared by the
`slimcore` command (train, sweep) and usable from Python::

    from slimcore.app.datasets import load_digits
    from slimcore.app.classifier_run import TrainConfig, train_classifier
    result = train_classifier(load_digits(), TrainConfig(l2=1e-4, epochs=20))
    print(result.test_accuracy, result.history[-1])

The loss trained on is ``tf.losses.get_total_loss()`` (data loss plus every
regularization penalty); the history reports the data loss and the penalty
separately, per epoch.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

import slimcore as sc

from .. import slim, train
from ..framework import replicas
from ..models import lenet, lenet_arg_scope, mlp, mobilenet_v2

if TYPE_CHECKING:  # annotations only
    from ..framework.session import Session
    from ..framework.types import TensorLike

__all__ = ["TrainConfig", "TrainResult", "train_classifier", "OPTIMIZERS", "MODELS", "SCHEDULES"]

OPTIMIZERS = ("sgd", "momentum", "adam", "adamw", "rmsprop", "adagrad")
MODELS = ("mlp", "lenet", "mobilenet_v2")
SCHEDULES = ("constant", "exponential", "cosine")


@dataclass
class TrainConfig:
    """What to train and how. ``l2`` is the scale of slim's l2_regularizer
    (penalty l2 * sum(w^2) / 2 on every weight matrix, in the loss);
    ``weight_decay`` a decoupled decay applied by the optimizer to weights
    (not biases) under ``decay_convention`` ("contrib": p -= wd * p per
    step; "lr": p -= lr * wd * p, PyTorch's AdamW)."""

    model: str = "mlp"
    optimizer: str = "adam"
    learning_rate: float = 1e-3
    schedule: str = "constant"
    l2: float = 0.0
    weight_decay: float = 0.0
    decay_convention: str = "contrib"
    epochs: int = 30
    batch_size: int = 32
    seed: int = 0
    hidden_units: tuple = (200, 200)

    def validate(self) -> None:
        if self.model not in MODELS:
            raise ValueError(f"model must be one of {MODELS}, got {self.model!r}")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {self.optimizer!r}")
        if self.schedule not in SCHEDULES:
            raise ValueError(f"schedule must be one of {SCHEDULES}, got {self.schedule!r}")
        for name in ("learning_rate",):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a positive number, got {value!r}")
        for name in ("l2", "weight_decay"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a number >= 0, got {value!r}")
        for name in ("epochs", "batch_size"):
            if not (isinstance(getattr(self, name), int) and getattr(self, name) >= 1):
                raise ValueError(f"{name} must be a positive integer, got {getattr(self, name)!r}")


@dataclass
class TrainResult:
    config: TrainConfig
    history: list = field(default_factory=list)  # one dict per epoch
    train_accuracy: float = 0.0
    test_accuracy: float = 0.0
    weight_norm: float = 0.0
    seconds: float = 0.0
    checkpoint: str | None = None
    report: Any = None


def _images(x: np.ndarray) -> np.ndarray:
    """[N, F] with F a square -> [N, s, s, 1]; images are kept as they are."""
    if x.ndim == 4:
        return x
    if x.ndim == 3:
        return x[..., None]
    side = round(math.sqrt(x.shape[1]))
    if side * side != x.shape[1]:
        raise ValueError(f"convolutional models need image data; features of size {x.shape[1]} are not square")
    return x.reshape(len(x), side, side, 1)


def _build(config: TrainConfig, inputs: TensorLike, num_classes: int, is_training: bool) -> Any:
    regularizer = slim.l2_regularizer(float(config.l2)) if config.l2 > 0 else None
    decay = {"weights_decay": float(config.weight_decay)} if config.weight_decay > 0 else {}
    if config.model == "mlp":
        return mlp(inputs, num_classes, config.hidden_units, weights_regularizer=regularizer, **decay)
    if config.model == "lenet":
        with slim.arg_scope(lenet_arg_scope(float(config.l2))):
            with slim.arg_scope([slim.conv2d, slim.fully_connected], **decay):
                return lenet(inputs, num_classes, is_training=is_training, depth=16, fc_units=128)
    with slim.arg_scope(mobilenet_v2.training_scope(is_training=is_training, weight_decay=float(config.l2))):
        logits, _ = mobilenet_v2.mobilenet(inputs, num_classes, depth_multiplier=0.35)
    return logits


def _optimizer(config: TrainConfig, learning_rate: TensorLike) -> Any:
    name = config.optimizer
    if name == "sgd":
        return train.GradientDescentOptimizer(learning_rate)
    if name == "momentum":
        return train.MomentumOptimizer(learning_rate, 0.9)
    if name == "adam":
        return train.AdamOptimizer(learning_rate)
    if name == "adamw":
        return train.AdamWOptimizer(
            config.weight_decay,
            learning_rate,
            decay_convention=config.decay_convention,
            base_learning_rate=config.learning_rate,
        )
    if name == "rmsprop":
        return train.RMSPropOptimizer(learning_rate)
    return train.AdagradOptimizer(learning_rate)


def _diverged(epoch: int, step: int, why: str) -> Exception:
    """The error that stops a run whose loss or weights stopped being finite."""
    return sc.errors.NonFiniteError(
        f"training diverged at epoch {epoch}, step {step}: {why}. Training stopped and no checkpoint was "
        f"written; lower the learning rate"
    )


def _distributed() -> Any:
    from .. import distributed  # the mpi extra: present whenever replicas.count() > 1

    return distributed


def _rank_share(x: np.ndarray, y: np.ndarray) -> tuple:
    """This rank's training rows in data-parallel training:
    slimcore.distributed.shard(..., drop_remainder=True), rows [r * m, (r + 1) * m),
    m = len(x) // N. Equal shares, because every rank must take the same
    number of steps (one allreduce each); the last len(x) % N (< N) rows are
    left out. All rows on one process."""
    if replicas.count() == 1:
        return x, y
    return _distributed().shard((x, y), drop_remainder=True)


def train_classifier(
    data: Any,
    config: TrainConfig,
    progress: bool = True,
    checkpoint_dir: str | None = None,
    log: Any = print,
    logdir: str | None = None,
) -> TrainResult:
    """Trains config.model on data (a slimcore.app.datasets.Dataset) and evaluates it.

    In data-parallel training (slimcore.distributed initialized, N ranks)
    each rank trains on its share of the training rows (_rank_share) with
    batch_size examples per rank per step (Horovod's convention: the global
    batch is N * batch_size), starting from rank 0's weights; only rank 0
    shows progress, writes events and the checkpoint.

    With `logdir`, each step's data loss, penalty, decoupled-decay magnitude,
    effective decay per role and weight-norm histogram go to a TensorBoard
    event file there (LossAccounting.summary), at the global step.

    Raises:
      ValueError: a bad configuration or data that does not fit the model.
      slimcore.errors.NonFiniteError: the loss, a gradient or a weight became
        NaN or Inf (the run stops before writing a checkpoint; the failed step
        left the weights as they were).
    """
    config.validate()
    x_train, y_train = _rank_share(data.x_train, data.y_train)
    x_test = data.x_test
    if config.model != "mlp":
        x_train, x_test = _images(x_train), _images(x_test)
    rng = np.random.default_rng(config.seed)
    graph = sc.Graph()
    result = TrainResult(config)
    with graph.as_default():
        sc.set_random_seed(config.seed)
        x = sc.placeholder(sc.float32, [None] + list(x_train.shape[1:]), name="x")
        labels = sc.placeholder(sc.int64, [None], name="labels")
        with sc.variable_scope("model"):
            logits = _build(config, x, data.num_classes, is_training=True)
        with sc.variable_scope("model", reuse=True):
            eval_logits = _build(config, x, data.num_classes, is_training=False)
        data_loss = sc.losses.sparse_softmax_cross_entropy(labels, logits)
        total_loss = sc.losses.get_total_loss()
        step = sc.train.get_or_create_global_step()
        steps_per_epoch = max(1, math.ceil(len(x_train) / config.batch_size))
        total_steps = steps_per_epoch * config.epochs
        if config.schedule == "exponential":
            lr = sc.train.exponential_decay(config.learning_rate, step, total_steps, 0.1)
        elif config.schedule == "cosine":
            lr = sc.train.cosine_decay(config.learning_rate, step, total_steps)
        else:
            lr = config.learning_rate
        optimizer = _optimizer(config, lr)
        if replicas.count() > 1:
            optimizer = _distributed().DistributedOptimizer(optimizer)
        train_op = slim.learning.create_train_op(total_loss, optimizer, global_step=step)
        accounting = sc.train.LossAccounting(data_loss, train_op)
        fetches = {"split": accounting.fetches}
        writer = None
        if logdir is not None and replicas.is_root():
            fetches["summary"] = accounting.summary("learning")
            writer = sc.summary.FileWriter(logdir, graph)
        correct = sc.equal(sc.argmax(eval_logits, 1), labels)
        accuracy = sc.reduce_mean(sc.cast(correct, sc.float32))
        weights = [v for v in sc.trainable_variables() if v.role in ("weights", "depthwise_weights")]
        weight_norm = sc.global_norm(weights)
        saver = sc.train.Saver(max_to_keep=1) if checkpoint_dir else None
        result.report = sc.train.regularization_report(train_op)

        def evaluate(sess: Session, xs: np.ndarray, ys: np.ndarray) -> float:
            hits = 0.0
            for k in range(0, len(xs), 512):
                hits += sess.run(accuracy, {x: xs[k : k + 512], labels: ys[k : k + 512]}) * len(xs[k : k + 512])
            return hits / max(1, len(xs))

        broadcast = _distributed().broadcast_global_variables(0) if replicas.count() > 1 else None
        with sc.Session(graph=graph) as sess:
            sess.run(sc.global_variables_initializer())
            if broadcast is not None:
                sess.run(broadcast)  # every rank starts from rank 0's weights
            start = time.perf_counter()
            bar = None
            if progress and replicas.is_root():
                from tqdm import tqdm

                bar = tqdm(
                    total=total_steps,
                    desc=f"{config.model}/{config.optimizer}",
                    unit="step",
                    leave=False,
                    dynamic_ncols=True,
                )
            for epoch in range(1, config.epochs + 1):
                order = rng.permutation(len(x_train))
                for k in range(0, len(x_train), config.batch_size):
                    idx = order[k : k + config.batch_size]
                    try:
                        _, fetched = sess.run([train_op, fetches], {x: x_train[idx], labels: y_train[idx]})
                    except sc.errors.NonFiniteError as e:
                        raise _diverged(epoch, k // config.batch_size + 1, str(e)) from None
                    values = fetched["split"]
                    if writer is not None:
                        writer.add_summary(
                            fetched["summary"], (epoch - 1) * steps_per_epoch + k // config.batch_size + 1
                        )
                    loss = values["data_loss"] + values["penalty"]
                    if not math.isfinite(loss):
                        raise _diverged(epoch, k // config.batch_size + 1, f"the loss is {loss}")
                    accounting.add(values, len(idx))
                    if bar is not None:
                        bar.update(1)
                        # refresh=False: the bar redraws at tqdm's own pace, not every step
                        bar.set_postfix(
                            epoch=epoch,
                            data=f"{values['data_loss']:.4f}",
                            penalty=f"{values['penalty']:.4f}",
                            decay=f"{values['decay']:.2e}",
                            refresh=False,
                        )
                result.history.append(accounting.end_epoch(epoch=epoch))
                norm = float(sess.run(weight_norm))
                if not math.isfinite(norm):  # weights past ~1e19: their squares overflow float32
                    raise _diverged(epoch, steps_per_epoch, f"the weights' global norm is {norm}")
            if bar is not None:
                bar.close()
            if writer is not None:
                writer.close()
            result.seconds = time.perf_counter() - start
            result.train_accuracy = evaluate(sess, x_train, y_train)
            result.test_accuracy = evaluate(sess, x_test, data.y_test)
            result.history[-1]["test_accuracy"] = result.test_accuracy
            result.weight_norm = float(sess.run(weight_norm))
            if saver is not None:
                os.makedirs(checkpoint_dir, exist_ok=True)
                result.checkpoint = saver.save(sess, os.path.join(checkpoint_dir, config.model), global_step=step)
    return result
