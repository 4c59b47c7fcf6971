"""tf.keras.models.Sequential (graph mode) on slimcore's engine.

The model builds its graph once, in the default graph: an input placeholder
("<first layer>_input") and the layers' outputs, as soon as the input shape is
known -- from ``input_shape=`` (or ``input_dim=``, ``batch_input_shape=``) of
the first layer, else from the first data given to fit/evaluate/predict.
``compile`` adds the target placeholder, the loss, the metrics and the train
op (a slimcore optimizer's ``minimize``); fit/evaluate/predict feed numpy
batches to a session (backend.get_session) that initializes the variables
it finds uninitialized, as Keras' backend does.

Loss, as Keras computes it::

    loss = mean over the batch of loss_fn(y_true, y_pred)  +  sum(model.losses)

``model.losses`` are the layers' penalties (kernel/bias regularizers, and
activity regularizers divided by the batch size); they are also in
REGULARIZATION_LOSSES, so ``tf.losses.get_total_loss()`` sees them. With a
layer that behaves differently in training (Dropout), the train op uses a
second forward pass with training=True that shares the variables (slimcore
builds one graph per mode); its activity penalties enter the training loss
only. History values are means over the examples of each epoch (loss before
each step's update, as Keras reports them).

Example (seed 002)::

    model = keras.models.Sequential([
        keras.layers.Dense(16, kernel_regularizer=keras.regularizers.l2(0.001),
                           activation=tf.nn.relu, input_shape=(NUM_WORDS,)),
        keras.layers.Dense(1, activation=tf.nn.sigmoid)])
    model.compile('adam', 'binary_crossentropy', metrics=['accuracy'])
    history = model.fit(x, y, epochs=5, batch_size=512)
    history.history['loss']           # includes 0.001 * sum(kernel^2)
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any

import numpy as np

from ..framework.dtypes import float32, int64
from ..framework.ops import GraphKeys, Tensor, get_default_graph, name_scope
from ..ops import math_ops
from ..ops.array_ops import constant, placeholder
from ..train.accounting import decoupled_decay_magnitude
from . import backend
from . import losses as _losses
from . import metrics as _metrics
from . import optimizers as _optimizers
from .layers import Layer

if TYPE_CHECKING:  # annotations only
    from ..framework.ops import Operation
    from ..framework.session import Session
    from ..framework.types import ShapeLike, TensorLike

__all__ = ["Sequential", "History"]


class History:
    """What fit returns: ``history`` {'loss': [per epoch], '<metric>': [...],
    'val_loss': [...]...}, ``epoch`` (indices), ``params``, ``model``."""

    def __init__(self, model: Sequential, params: dict) -> None:
        self.model, self.params = model, params
        self.history: dict = {}
        self.epoch: list = []

    def _append(self, epoch: int, logs: dict) -> None:
        self.epoch.append(epoch)
        for key, value in logs.items():
            self.history.setdefault(key, []).append(value)

    def __repr__(self) -> str:
        return f"<History epochs={len(self.epoch)} keys={sorted(self.history)}>"


class _TrainGraph:
    """What compile adds to the graph (built once per compile and layer set)."""

    def __init__(
        self,
        target: Tensor,
        train_loss: Tensor,
        train_metrics: list,
        eval_loss: Tensor,
        eval_metrics: list,
        train_op: Tensor | Operation,
    ) -> None:
        self.target, self.train_loss, self.train_metrics = target, train_loss, train_metrics
        self.eval_loss, self.eval_metrics, self.train_op = eval_loss, eval_metrics, train_op


def _positive_int(value: object, argument: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{argument} must be a positive int, got {value!r}")
    return int(value)


def _unsupported(where: str, **options: Any) -> None:
    given = sorted(k for k, v in options.items() if v is not None)
    if given:
        raise ValueError(f"{where}: {', '.join(given)} not supported by slimcore's Keras")


class Sequential:
    """keras.models.Sequential(layers=None, name=None): a stack of layers, each
    applied to the previous one's output.

    Raises:
      TypeError: a layer that is not a slimcore Keras layer.
      ValueError: two layers with the same name.
    """

    def __init__(self, layers: list | None = None, name: str | None = None) -> None:
        self.name = name if name is not None else backend.unique_object_name("sequential")
        self._layers: list = []
        self._graph: Any = None
        self._input: Tensor | None = None
        self._output: Tensor | None = None
        self._compile_args: dict | None = None
        self._train_graph: _TrainGraph | None = None
        self.optimizer: Any = None
        self.loss: Any = None
        self.history: History | None = None
        for layer in layers or []:
            self.add(layer)

    # ---- building ---------------------------------------------------------------------
    def add(self, layer: Layer) -> None:
        """Appends `layer`; applies it at once when the model is built.

        Raises:
          TypeError: not a Layer.
          ValueError: a layer name already in the model.
        """
        if not isinstance(layer, Layer):
            raise TypeError(f"The added layer must be an instance of slimcore.keras.layers.Layer, found {layer!r}")
        if any(existing.name == layer.name for existing in self._layers):
            raise ValueError(
                f"All layers added to a Sequential model should have unique names; "
                f"{layer.name!r} is already in {self.name}"
            )
        self._layers.append(layer)
        if self.built:
            with self._graph.as_default():
                self._output = layer(self._output)
            self._train_graph = None
        elif len(self._layers) == 1 and layer._batch_input_shape is not None:
            self._build(layer._batch_input_shape)

    def _build(self, batch_input_shape: tuple) -> None:
        if not self._layers:
            raise ValueError(f"{self.name} has no layers: add some before using the model")
        graph = get_default_graph()
        with graph.name_scope(""):
            x = placeholder(float32, [None] + list(batch_input_shape[1:]), name=f"{self._layers[0].name}_input")
        out = x
        for layer in self._layers:
            out = layer(out, training=False)
        self._graph, self._input, self._output = graph, x, out

    def build(self, input_shape: ShapeLike) -> None:
        """Builds the model for inputs of `input_shape` (batch dimension first).

        Raises:
          ValueError: already built, or no layers.
        """
        if self.built:
            raise ValueError(f"{self.name} is already built")
        self._build((None,) + tuple(input_shape)[1:])

    @property
    def built(self) -> bool:
        return self._output is not None

    def _ensure_built(self, x: np.ndarray) -> None:
        if not self.built:
            if x.ndim < 2:
                raise ValueError(f"x: expected an array with a batch dimension (rank >= 2), got shape {x.shape}")
            self._build((None,) + tuple(x.shape[1:]))

    # ---- Keras attributes --------------------------------------------------------------
    @property
    def layers(self) -> list:
        return list(self._layers)

    @property
    def inputs(self) -> list:
        return [] if self._input is None else [self._input]

    @property
    def outputs(self) -> list:
        return [] if self._output is None else [self._output]

    @property
    def input(self) -> Tensor:
        if self._input is None:
            raise AttributeError(f"{self.name} is not built yet: give the first layer input_shape= or call fit")
        return self._input

    @property
    def output(self) -> Tensor:
        if self._output is None:
            raise AttributeError(f"{self.name} is not built yet: give the first layer input_shape= or call fit")
        return self._output

    @property
    def weights(self) -> list:
        return [v for layer in self._layers for v in layer.weights]

    variables = weights

    @property
    def trainable_weights(self) -> list:
        return [v for layer in self._layers if layer.trainable for v in layer.trainable_weights]

    trainable_variables = trainable_weights

    @property
    def non_trainable_weights(self) -> list:
        trainable = {id(v) for v in self.trainable_weights}
        return [v for v in self.weights if id(v) not in trainable]

    @property
    def losses(self) -> list:
        """The layers' penalty tensors (Keras' model.losses), in layer order:
        each layer's kernel/bias penalties, then its activity penalty."""
        return [loss for layer in self._layers for loss in layer.losses]

    @property
    def metrics_names(self) -> list:
        names = ["loss"]
        if self._compile_args is not None:
            names += [name for name, _ in self._compile_args["metrics"]]
        return names

    def count_params(self) -> int:
        return int(sum(layer.count_params() for layer in self._layers if layer.built))

    def get_weights(self) -> list:
        """Every variable's value (numpy), in layer order."""
        return [w for layer in self._layers for w in layer.get_weights()]

    def set_weights(self, weights: list) -> None:
        """Loads numpy values into the variables, in layer order.

        Raises:
          ValueError: a wrong number of arrays or a wrong shape.
        """
        weights = list(weights)
        if len(weights) != len(self.weights):
            raise ValueError(f"{self.name}: set_weights got {len(weights)} arrays for {len(self.weights)} weights")
        for layer in self._layers:
            count = len(layer.weights)
            layer.set_weights(weights[:count])
            weights = weights[count:]

    def summary(self, print_fn: Any = print) -> None:
        """Prints each layer's name, type, output shape and parameter count."""
        lines = [f'Model: "{self.name}"', f"{'Layer (type)':<32}{'Output Shape':<24}{'Param #':>10}"]
        for layer in self._layers:
            shape = str(layer._output_shape) if layer._output_shape is not None else "(unbuilt)"
            params = layer.count_params() if layer.built else 0
            lines.append(f"{layer.name + ' (' + type(layer).__name__ + ')':<32}{shape:<24}{params:>10}")
        total = self.count_params()
        trainable = int(sum(int(np.prod(v.shape.as_list())) for v in self.trainable_weights))
        lines += [
            f"Total params: {total}",
            f"Trainable params: {trainable}",
            f"Non-trainable params: {total - trainable}",
        ]
        for line in lines:
            print_fn(line)

    # ---- compile ---------------------------------------------------------------------------
    def compile(
        self,
        optimizer: Any = "rmsprop",
        loss: TensorLike | None = None,
        metrics: list | None = None,
        loss_weights: Any = None,
        sample_weight_mode: Any = None,
        weighted_metrics: Any = None,
        target_tensors: Any = None,
        **kwargs: Any,
    ) -> None:
        """Sets the optimizer, loss and metrics; builds the training graph (now
        if the model is built, else on first use).

        Args:
          optimizer: 'sgd', 'adam', 'rmsprop', 'adagrad' (Keras' defaults), a
            keras.optimizers object or a slimcore/tf.train optimizer.
          loss: 'sparse_categorical_crossentropy', 'categorical_crossentropy',
            'binary_crossentropy', 'mse' / 'mean_squared_error', 'mae', or a
            function (y_true, y_pred) -> per-example loss.
          metrics: names ('accuracy' / 'acc', a loss name) or functions; the
            History and evaluate use the names as given.

        Raises:
          ValueError: no loss, an unknown optimizer, loss or metric, options
            slimcore does not support (loss_weights, sample_weight_mode,
            weighted_metrics, target_tensors).
          TypeError: an unknown keyword argument.
        """
        if kwargs:
            raise TypeError(f"compile: unexpected keyword argument {sorted(kwargs)[0]!r}")
        _unsupported(
            "compile",
            loss_weights=loss_weights,
            sample_weight_mode=sample_weight_mode,
            weighted_metrics=weighted_metrics,
            target_tensors=target_tensors,
        )
        if loss is None:
            raise ValueError("compile: loss is required, e.g. loss='sparse_categorical_crossentropy'")
        if isinstance(loss, (list, tuple)):
            if len(loss) != 1:
                raise ValueError(f"compile: a Sequential model has one output; got {len(loss)} losses")
            loss = loss[0]
        loss_fn = _losses.get(loss)
        if metrics is None:
            metrics = []
        if isinstance(metrics, (str, bytes)) or not isinstance(metrics, (list, tuple)):
            raise ValueError(f"compile: metrics must be a list, e.g. ['accuracy'], got {metrics!r}")
        named = []
        for metric in metrics:
            name = metric if isinstance(metric, str) else getattr(metric, "__name__", None)
            if name is None:
                raise ValueError(f"compile: cannot name metric {metric!r}")
            named.append((name, metric))
        self.optimizer = _optimizers.get(optimizer)
        self.loss = loss
        self._compile_args = {"loss_fn": loss_fn, "metrics": named}
        for _name, metric in named:  # unknown names fail here, not at fit
            _metrics.get(metric, loss_fn, None)
        self._train_graph = None
        if self.built:
            self._make_train_graph()

    def _make_train_graph(self) -> _TrainGraph:
        if self._compile_args is None:
            raise RuntimeError(
                "You must compile your model before training/testing. Use `model.compile(optimizer, loss)`."
            )
        if self._train_graph is not None:
            return self._train_graph
        graph, out = self._graph, self._output
        loss_fn = self._compile_args["loss_fn"]
        last = self._layers[-1]
        with graph.as_default(), graph.name_scope(""):
            out_dims = out.shape.as_list()
            if _losses.is_sparse(loss_fn):
                target = placeholder(int64, [None], name=f"{last.name}_target")
            else:
                target = placeholder(float32, [None] + out_dims[1:], name=f"{last.name}_target")
            weight_losses = [p for layer in self._layers for p in layer._weight_losses]
            separate = any(layer._training_dependent for layer in self._layers)
            if separate:
                # A training-mode forward pass sharing the variables. Its activity
                # penalties go into the training loss only: REGULARIZATION_LOSSES
                # keeps those of model.output (model.losses).
                collection = graph.get_collection_ref(GraphKeys.REGULARIZATION_LOSSES)
                before = len(collection)
                with name_scope("training"):
                    train_out = self._input
                    for layer in self._layers:
                        train_out = layer(train_out, training=True)
                kept = list(collection[:before])
                train_activity = list(collection[before:])
                if train_activity:
                    graph.clear_collection(GraphKeys.REGULARIZATION_LOSSES)
                    for penalty in kept:
                        graph.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, penalty)
            else:
                train_out = out
                train_activity = [p for layer in self._layers for p in layer._activity_losses]

            def total(output: Tensor, penalties: list, scope: str) -> Tensor:
                return split(output, penalties, scope)[0]

            def split(output: Tensor, penalties: list, scope: str) -> tuple:
                """(total, data loss, penalty) of one forward path."""
                with name_scope(scope):
                    data = math_ops.reduce_mean(loss_fn(target, output), name="mean")
                    if not penalties:
                        return data, data, constant(0.0)
                    penalty = math_ops.add_n(penalties, name="penalties")
                    return math_ops.add(data, penalty, name="total_loss"), data, penalty

            def metric_values(output: Tensor) -> list:
                values = []
                for name, metric in self._compile_args["metrics"]:
                    fn = _metrics.get(metric, loss_fn, out_dims[-1])
                    with name_scope("metrics"):
                        values.append(math_ops.reduce_mean(fn(target, output), name=name))
                return values

            train_loss, train_data, train_penalty = split(train_out, weight_losses + train_activity, "loss")
            train_metrics = metric_values(train_out)
            if separate:
                eval_loss = total(out, self.losses, "eval_loss")
                eval_metrics = metric_values(out)
            else:
                eval_loss, eval_metrics = train_loss, train_metrics
            variables = self.trainable_weights
            if not variables:
                raise ValueError(f"{self.name} has no trainable weights to train")
            # Inference-path activity penalties stand in REGULARIZATION_LOSSES for
            # the training-path ones the loss holds: nothing is left out.
            check = "ignore" if separate and train_activity else None
            train_op = self.optimizer.minimize(train_loss, var_list=variables, regularization_check=check)
            accounting = [train_data, train_penalty, decoupled_decay_magnitude(train_op)]
        self._train_graph = _TrainGraph(target, train_loss, train_metrics, eval_loss, eval_metrics, train_op)
        self._train_graph.accounting = accounting
        return self._train_graph

    # ---- data -------------------------------------------------------------------------------
    def _inputs_array(self, x: TensorLike, argument: str = "x") -> np.ndarray:
        if x is None:
            raise ValueError(f"{argument} is required (a numpy array of inputs)")
        array = np.asarray(x)
        if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
            raise ValueError(f"{argument}: expected a numeric array, got dtype {array.dtype}")
        self._ensure_built(array)
        expected = self._input.shape.as_list()
        if array.ndim != len(expected) or any(e is not None and e != d for e, d in zip(expected[1:], array.shape[1:])):
            raise ValueError(
                f"{argument}: expected an array of shape {tuple(expected)} for the model input "
                f"'{self._input.op.name}', got an array of shape {array.shape}"
            )
        if len(array) == 0:
            raise ValueError(f"{argument}: empty array (0 samples)")
        return np.ascontiguousarray(array, dtype=np.float32)

    def _targets_array(self, y: TensorLike, count: int, argument: str = "y") -> np.ndarray:
        if y is None:
            raise ValueError(f"{argument} is required (a numpy array of targets)")
        loss_fn = self._compile_args["loss_fn"]
        array = np.asarray(y)
        if array.ndim == 0 or len(array) != count:
            raise ValueError(
                f"{argument}: expected {count} targets (one per input sample), got "
                f"{'a scalar' if array.ndim == 0 else len(array)}"
            )
        if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
            raise ValueError(f"{argument}: expected a numeric array, got dtype {array.dtype}")
        out_dims = self._output.shape.as_list()
        if _losses.is_sparse(loss_fn):
            if array.ndim == 2 and array.shape[1] == 1:
                array = array[:, 0]
            if array.ndim != 1:
                raise ValueError(
                    f"{argument}: sparse_categorical_crossentropy takes integer class ids of shape "
                    f"(N,) or (N, 1), got shape {array.shape} (one-hot targets go with "
                    "categorical_crossentropy)"
                )
            if not np.all(np.isfinite(array)) or np.any(array != np.round(array)):
                raise ValueError(f"{argument}: class ids must be integers, got {array[array != np.round(array)][:3]}")
            classes = out_dims[-1]
            bad = (array < 0) | (array >= classes)
            if np.any(bad):
                raise ValueError(
                    f"{argument}: class ids must be in [0, {classes}) for the {classes} outputs of "
                    f"'{self._layers[-1].name}', got {array[bad][:5].tolist()} "
                    f"(at index {np.flatnonzero(bad)[:5].tolist()})"
                )
            return array.astype(np.int64)
        if array.ndim == len(out_dims) - 1 and out_dims[-1] == 1:
            array = array[..., None]
        if array.ndim != len(out_dims) or list(array.shape[1:]) != out_dims[1:]:
            hint = (
                " (integer class ids go with sparse_categorical_crossentropy)"
                if loss_fn is _losses.categorical_crossentropy and array.ndim == 1
                else ""
            )
            raise ValueError(
                f"{argument}: expected targets of shape {tuple([None] + out_dims[1:])} for the output "
                f"of '{self._layers[-1].name}', got an array of shape {array.shape}{hint}"
            )
        return np.ascontiguousarray(array, dtype=np.float32)

    def _session(self) -> Any:
        session = backend.get_session(self._graph)
        backend.initialize_uninitialized(session)
        return session

    @staticmethod
    def _batch_size(batch_size: int) -> int:
        return 32 if batch_size is None else _positive_int(batch_size, "batch_size")

    def _run_batches(
        self,
        session: Session,
        fetches: list,
        x: np.ndarray,
        y: np.ndarray | None,
        batch_size: int,
        order: np.ndarray | None = None,
        target: Any = None,
    ) -> np.ndarray:
        """Example-weighted means of `fetches` (after the first, an op or None) over batches."""
        count = len(x)
        order = np.arange(count) if order is None else order
        sums = np.zeros(len(fetches) - 1)
        for start in range(0, count, batch_size):
            index = order[start : start + batch_size]
            feed = {self._input: x[index]}
            if y is not None:
                feed[target] = y[index]
            values = session.run(fetches, feed) if fetches[0] is not None else [None] + session.run(fetches[1:], feed)
            sums += np.asarray(values[1:], dtype=np.float64) * len(index)
        return sums / count

    # ---- fit / evaluate / predict ---------------------------------------------------------------
    def fit(
        self,
        x: TensorLike | None = None,
        y: TensorLike | None = None,
        batch_size: int | None = None,
        epochs: int = 1,
        verbose: int = 1,
        callbacks: Any = None,
        validation_split: float = 0.0,
        validation_data: Any = None,
        shuffle: bool = True,
        class_weight: Any = None,
        sample_weight: Any = None,
        initial_epoch: int = 0,
        steps_per_epoch: int | None = None,
        validation_steps: int | None = None,
        **kwargs: Any,
    ) -> History:
        """Trains for `epochs` passes over (x, y) in batches of `batch_size`
        (default 32), shuffled each epoch with numpy's global RNG (np.random.seed
        repeats it); each step minimizes  mean(loss_fn(y, model(x))) + sum(model.losses).

        Returns:
          A History: ``history`` {'loss': [...], '<metric>': [...], and
          'val_loss', 'val_<metric>' with validation data}, means per epoch.

        Raises:
          RuntimeError: the model is not compiled.
          ValueError: x of the wrong shape, targets that do not fit the loss
            (class ids out of range...), different sample counts, a bad
            batch_size, epochs or validation_split, unsupported options
            (callbacks, class_weight, sample_weight, steps_per_epoch, validation_steps).
          TypeError: an unknown keyword argument.
        """
        if kwargs:
            raise TypeError(f"fit: unexpected keyword argument {sorted(kwargs)[0]!r}")
        _unsupported(
            "fit",
            callbacks=callbacks,
            class_weight=class_weight,
            sample_weight=sample_weight,
            steps_per_epoch=steps_per_epoch,
            validation_steps=validation_steps,
        )
        if self._compile_args is None:
            raise RuntimeError(
                "You must compile your model before training/testing. Use `model.compile(optimizer, loss)`."
            )
        batch_size = self._batch_size(batch_size)
        if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
            raise ValueError(f"epochs must be an int >= 0, got {epochs!r}")
        if not isinstance(shuffle, bool):
            raise ValueError(f"shuffle must be True or False, got {shuffle!r}")
        if not isinstance(validation_split, numbers.Real) or not 0.0 <= validation_split < 1.0:
            raise ValueError(f"validation_split must be in [0, 1), got {validation_split!r}")
        x = self._inputs_array(x)
        y = self._targets_array(y, len(x))
        x_val = y_val = None
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise ValueError("validation_data must be a tuple (x_val, y_val)")
            x_val = self._inputs_array(validation_data[0], "validation_data[0]")
            y_val = self._targets_array(validation_data[1], len(x_val), "validation_data[1]")
        elif validation_split > 0.0:
            split = int(len(x) * (1.0 - validation_split))
            if split == 0 or split == len(x):
                raise ValueError(
                    f"validation_split={validation_split} leaves no training or no validation samples out of {len(x)}"
                )
            x, x_val, y, y_val = x[:split], x[split:], y[:split], y[split:]
        graph = self._make_train_graph()
        session = self._session()
        names = self.metrics_names
        history = History(
            self,
            {
                "batch_size": batch_size,
                "epochs": epochs,
                "samples": len(x),
                "metrics": names + (["val_" + n for n in names] if x_val is not None else []),
            },
        )
        # The loss is reported whole and split: data loss, penalty, decoupled-decay step.
        fetches = [graph.train_op, graph.train_loss] + graph.train_metrics + graph.accounting
        split_names = ["data_loss", "penalty", "decay"]
        for epoch in range(initial_epoch, epochs):
            order = np.random.permutation(len(x)) if shuffle else None
            means = self._run_batches(session, fetches, x, y, batch_size, order, graph.target)
            logs = {name: float(value) for name, value in zip(names + split_names, means)}
            if x_val is not None:
                val = self._evaluate_arrays(session, x_val, y_val, batch_size)
                logs.update({"val_" + name: float(value) for name, value in zip(names, val)})
            history._append(epoch, logs)
            if verbose:
                print(f"Epoch {epoch + 1}/{epochs} - " + " - ".join(f"{k}: {v:.4f}" for k, v in logs.items()))
        self.history = history
        return history

    def _evaluate_arrays(self, session: Session, x: np.ndarray, y: np.ndarray, batch_size: int) -> np.ndarray:
        graph = self._make_train_graph()
        return self._run_batches(
            session, [None, graph.eval_loss] + graph.eval_metrics, x, y, batch_size, target=graph.target
        )

    def evaluate(
        self,
        x: TensorLike | None = None,
        y: TensorLike | None = None,
        batch_size: int | None = None,
        verbose: int = 1,
        sample_weight: Any = None,
        steps: int | None = None,
    ) -> Any:
        """The loss (with the penalties, as in training but without dropout)
        and metrics on (x, y), means over the examples.

        Returns:
          The loss (a float) without metrics, else [loss, metric...] in metrics_names order.

        Raises:
          RuntimeError: the model is not compiled.
          ValueError: as fit.
        """
        _unsupported("evaluate", sample_weight=sample_weight, steps=steps)
        if self._compile_args is None:
            raise RuntimeError(
                "You must compile your model before training/testing. Use `model.compile(optimizer, loss)`."
            )
        batch_size = self._batch_size(batch_size)
        x = self._inputs_array(x)
        y = self._targets_array(y, len(x))
        values = [float(v) for v in self._evaluate_arrays(self._session(), x, y, batch_size)]
        if verbose:
            print(" - ".join(f"{k}: {v:.4f}" for k, v in zip(self.metrics_names, values)))
        return values[0] if len(values) == 1 else values

    def predict(
        self, x: TensorLike, batch_size: int | None = None, verbose: int = 0, steps: int | None = None
    ) -> np.ndarray:
        """The model's outputs for x (inference mode: no dropout), batch by batch.

        Raises:
          ValueError: x of the wrong shape, a bad batch_size.
        """
        _unsupported("predict", steps=steps)
        batch_size = self._batch_size(batch_size)
        x = self._inputs_array(x)
        session = self._session()
        parts = [
            session.run(self._output, {self._input: x[start : start + batch_size]})
            for start in range(0, len(x), batch_size)
        ]
        return np.concatenate(parts, axis=0)

    def train_on_batch(self, x: TensorLike, y: TensorLike) -> Any:
        """One optimizer step on (x, y); returns the loss (before the step), or [loss, metric...]."""
        if self._compile_args is None:
            raise RuntimeError(
                "You must compile your model before training/testing. Use `model.compile(optimizer, loss)`."
            )
        x = self._inputs_array(x)
        y = self._targets_array(y, len(x))
        graph = self._make_train_graph()
        values = self._run_batches(
            self._session(), [graph.train_op, graph.train_loss] + graph.train_metrics, x, y, len(x), target=graph.target
        )
        return float(values[0]) if len(values) == 1 else [float(v) for v in values]

    def test_on_batch(self, x: TensorLike, y: TensorLike) -> Any:
        """evaluate on one batch."""
        return self.evaluate(x, y, batch_size=len(np.asarray(x)), verbose=0)

    def predict_on_batch(self, x: TensorLike) -> np.ndarray:
        """predict on one batch."""
        return self.predict(x, batch_size=len(np.asarray(x)))

    def __repr__(self) -> str:
        return f"<keras Sequential '{self.name}' layers={[layer.name for layer in self._layers]}>"
