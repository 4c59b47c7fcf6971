"""tf.keras.layers (graph mode, TF 1.x) on slimcore: Dense, Conv2D, Flatten,
Dropout, MaxPooling2D, AveragePooling2D, Activation.

A layer is configured at construction and builds its variables on its first
call, in the default graph, through slimcore's tf.layers functions (the
numbers are theirs): variables "<name>/kernel" and "<name>/bias", names unique
per graph as tf.keras makes them ("dense", "dense_1"...; see
backend.unique_object_name). Calling the layer again reuses its variables.

Penalties: ``kernel_regularizer(kernel)`` and ``bias_regularizer(bias)`` are
built once, under "<name>/kernel/Regularizer/"; ``activity_regularizer(y)``
on each call is divided by the batch size (tf.keras >= 1.14). All of them are
in ``layer.losses`` and -- unlike tf.keras, so that tf.losses.get_total_loss()
sees every penalty whichever layer family made it -- in the graph collection
REGULARIZATION_LOSSES. A model's training loss adds them (``model.losses``)
automatically, as Keras does. Keras' ``l2(x)`` is ``x * sum(w^2)``: twice
``tf.contrib.layers.l2_regularizer(x)``.

Example::

    layer = Dense(16, activation='relu', kernel_regularizer=regularizers.l2(0.001))
    y = layer(x)               # builds dense/kernel [in, 16], dense/bias [16]
    layer.losses               # [<dense/kernel/Regularizer/add:0>] = 0.001 * sum(kernel^2)
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from .. import layers as _tf_layers
from ..framework.ops import GraphKeys, Tensor, convert_to_tensor, get_default_graph
from ..slim.layers import _pair
from ..variable_scope import get_variable_scope, variable_scope
from . import activations, backend, initializers, regularizers

if TYPE_CHECKING:  # annotations only
    from collections.abc import Sequence

    from ..framework.types import (
        ActivationFn,
        ConstraintFn,
        DTypeLike,
        InitializerFn,
        RegularizerFn,
        ShapeLike,
        TensorLike,
    )
    from ..variable_scope import _ReuseMode

__all__ = [
    "Layer",
    "Dense",
    "Conv2D",
    "Convolution2D",
    "Flatten",
    "Dropout",
    "MaxPooling2D",
    "MaxPool2D",
    "AveragePooling2D",
    "AvgPool2D",
    "Activation",
]


def _positive_int(value: object, layer: str, argument: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{layer}: {argument} must be a positive int, got {value!r}")
    return int(value)


def _shape_tuple(value: object, layer: str, argument: str) -> tuple:
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = (value,)
    if not isinstance(value, (tuple, list)) or not all(
        d is None or (isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d > 0) for d in value
    ):
        raise ValueError(f"{layer}: {argument} must be a tuple of positive ints (None for unknown), got {value!r}")
    return tuple(None if d is None else int(d) for d in value)


class Layer:
    """Base of slimcore's Keras layers (tf.keras.layers.Layer, graph mode).

    Args:
      name: layer name (default: the class name in snake case, made unique in the graph).
      trainable: whether its variables are trainable.
      input_shape: shape of one example (no batch dimension); on a model's
        first layer it lets the model build at once.
      batch_input_shape: the same with the batch dimension first (None: any).
      dtype: 'float32' (slimcore trains float32).

    Raises:
      TypeError: an unknown keyword argument (Keras' rule).
      ValueError: a malformed input shape, a dtype other than float32.
    """

    _default_name = "layer"
    _training_dependent = False  # behaves differently when training (Dropout)

    def __init__(
        self,
        name: str | None = None,
        trainable: bool = True,
        input_shape: ShapeLike | None = None,
        batch_input_shape: ShapeLike | None = None,
        dtype: DTypeLike | None = None,
        **kwargs: Any,
    ) -> None:
        if kwargs:
            raise TypeError(f"Keyword argument not understood: {sorted(kwargs)[0]!r}")
        kind = type(self).__name__
        if dtype not in (None, "float32") and getattr(dtype, "name", None) != "float32":
            raise ValueError(f"{kind}: dtype must be float32, got {dtype!r}")
        if name is not None and (not isinstance(name, str) or not name):
            raise ValueError(f"{kind}: name must be a non-empty string, got {name!r}")
        self.name = name if name is not None else backend.unique_object_name(self._default_name)
        self.trainable = bool(trainable)
        self._batch_input_shape: tuple | None = None
        if batch_input_shape is not None:
            self._batch_input_shape = (None,) + _shape_tuple(tuple(batch_input_shape)[1:], kind, "batch_input_shape")
        elif input_shape is not None:
            self._batch_input_shape = (None,) + _shape_tuple(input_shape, kind, "input_shape")
        self.built = False
        self._parent_scope: Any = None
        self._weights: list = []
        self._weight_losses: list = []
        self._activity_losses: list = []
        self._last_call_losses: list = []
        self._output_shape: tuple | None = None

    # ---- what subclasses define -------------------------------------------------------
    def call(self, inputs: Tensor, training: bool = False, reuse: bool | _ReuseMode | None = None) -> Tensor:
        """The layer's computation (what subclasses define), run inside
        __call__'s scope; `reuse` is True on every call after the first."""
        raise NotImplementedError(f"{type(self).__name__} does not define call()")

    # ---- calling -----------------------------------------------------------------------
    def __call__(self, inputs: TensorLike, training: bool = False) -> Tensor:
        """Applies the layer (building its variables on the first call).

        Args:
          inputs: a float32 tensor (batch first).
          training: True for the training behaviour (Dropout drops), or a
            scalar bool tensor that switches it per Session.run (tf.cond).

        Returns:
          The output tensor.
        """
        inputs = convert_to_tensor(inputs)
        graph = get_default_graph()
        variables_before = len(graph.get_collection(GraphKeys.GLOBAL_VARIABLES))
        losses_before = len(graph.get_collection(GraphKeys.REGULARIZATION_LOSSES))
        with self._scope():
            training = training if isinstance(training, Tensor) else bool(training)
            outputs = self.call(inputs, training=training, reuse=True if self.built else None)
        new_losses = graph.get_collection(GraphKeys.REGULARIZATION_LOSSES)[losses_before:]
        if not self.built:
            self._weights = graph.get_collection(GraphKeys.GLOBAL_VARIABLES)[variables_before:]
            self._weight_losses = [v.regularization_loss for v in self._weights if v.regularization_loss is not None]
            self._activity_losses = [t for t in new_losses if t not in self._weight_losses]
            self.built = True
            self._last_call_losses = list(self._activity_losses)
        else:
            self._last_call_losses = list(new_losses)
        self._output_shape = tuple(outputs.shape.as_list())
        return outputs

    def _scope(self) -> Any:
        """Later calls re-enter the variable scope of the first one."""
        if self._parent_scope is None:
            self._parent_scope = get_variable_scope()
            return contextlib.nullcontext()
        return variable_scope(self._parent_scope, auxiliary_name_scope=False)

    # ---- Keras attributes --------------------------------------------------------------
    @property
    def weights(self) -> list:
        return list(self._weights)

    variables = weights

    @property
    def trainable_weights(self) -> list:
        return [v for v in self._weights if v.trainable]

    trainable_variables = trainable_weights

    @property
    def non_trainable_weights(self) -> list:
        return [v for v in self._weights if not v.trainable]

    @property
    def losses(self) -> list:
        """The penalty tensors: kernel/bias regularizers, then the activity
        regularizer of the first call (each divided by the batch size)."""
        return self._weight_losses + self._activity_losses

    @property
    def output_shape(self) -> tuple:
        if self._output_shape is None:
            raise AttributeError(f"The layer {self.name} has never been called and thus has no defined output shape.")
        return self._output_shape

    def count_params(self) -> int:
        """Number of scalars in the layer's variables.

        Raises:
          ValueError: the layer is not built.
        """
        if not self.built:
            raise ValueError(f"You tried to call count_params on {self.name}, but the layer isn't built.")
        return int(sum(int(np.prod(v.shape.as_list())) for v in self._weights))

    def get_weights(self) -> list:
        """The variables' values (numpy), in the Keras session."""
        if not self._weights:
            return []
        session = backend.get_session(self._weights[0].graph)
        backend.initialize_uninitialized(session, self._weights)
        return session.run(self._weights)

    def set_weights(self, weights: list) -> None:
        """Loads numpy values into the variables, in order.

        Raises:
          ValueError: a wrong number of arrays or a wrong shape.
        """
        weights = list(weights)
        if len(weights) != len(self._weights):
            raise ValueError(f"{self.name}: set_weights got {len(weights)} arrays for {len(self._weights)} weights")
        if not self._weights:
            return
        session = backend.get_session(self._weights[0].graph)
        for value, v in zip(weights, self._weights):
            value = np.asarray(value)
            if list(value.shape) != v.shape.as_list():
                raise ValueError(
                    f"{self.name}: weight {v.name} has shape {v.shape.as_list()}, got an "
                    f"array of shape {list(value.shape)}"
                )
            v.load(value, session)

    def get_config(self) -> dict:
        """The layer's settings (Keras' get_config), also shown by repr."""
        return {"name": self.name, "trainable": self.trainable}

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "name")
        return f"<keras {type(self).__name__} '{self.name}' {settings}>"


class _Kernel(Layer):
    """Shared settings of Dense and Conv2D."""

    def __init__(
        self,
        activation: str | ActivationFn,
        use_bias: bool,
        kernel_initializer: str | InitializerFn,
        bias_initializer: str | InitializerFn,
        kernel_regularizer: str | RegularizerFn,
        bias_regularizer: str | RegularizerFn,
        activity_regularizer: str | RegularizerFn,
        kernel_constraint: ConstraintFn,
        bias_constraint: ConstraintFn,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        kind = type(self).__name__
        if kernel_constraint is not None or bias_constraint is not None:
            raise ValueError(f"{kind}: kernel_constraint and bias_constraint are not supported by slimcore")
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer, "kernel_initializer")
        self.bias_initializer = initializers.get(bias_initializer, "bias_initializer")
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)

    def _activation_or_none(self) -> Callable | None:
        return None if self.activation is activations.linear else self.activation

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_regularizer": self.kernel_regularizer,
            "bias_regularizer": self.bias_regularizer,
            "activity_regularizer": self.activity_regularizer,
        }


class Dense(_Kernel):
    """keras.layers.Dense: y = activation(x @ kernel + bias), kernel [in, units]
    (tf.layers.dense; inputs of rank > 2 use the last axis).

    Args:
      units: output size, a positive int.
      activation: a name ('relu', 'softmax'...) or callable; None is linear.
      use_bias: add "<name>/bias".
      kernel_initializer: default 'glorot_uniform'; bias_initializer: default 'zeros'.
      kernel_regularizer, bias_regularizer, activity_regularizer: penalties
        (keras.regularizers.l2(0.01) is 0.01 * sum(w^2)).
      input_dim: Keras 1's input_shape=(input_dim,).

    Raises:
      ValueError: units not a positive int, an unknown activation or
        initializer name, constraints (not supported).
    """

    _default_name = "dense"

    def __init__(
        self,
        units: int,
        activation: str | ActivationFn | None = None,
        use_bias: bool = True,
        kernel_initializer: str | InitializerFn = "glorot_uniform",
        bias_initializer: str | InitializerFn = "zeros",
        kernel_regularizer: str | RegularizerFn | None = None,
        bias_regularizer: str | RegularizerFn | None = None,
        activity_regularizer: str | RegularizerFn | None = None,
        kernel_constraint: ConstraintFn | None = None,
        bias_constraint: ConstraintFn | None = None,
        input_dim: int | None = None,
        **kwargs: Any,
    ) -> None:
        self.units = _positive_int(units, "Dense", "units")
        if input_dim is not None and "input_shape" not in kwargs:
            kwargs["input_shape"] = (_positive_int(input_dim, "Dense", "input_dim"),)
        super().__init__(
            activation,
            use_bias,
            kernel_initializer,
            bias_initializer,
            kernel_regularizer,
            bias_regularizer,
            activity_regularizer,
            kernel_constraint,
            bias_constraint,
            **kwargs,
        )

    def call(self, inputs: Tensor, training: bool = False, reuse: bool | _ReuseMode | None = None) -> Tensor:
        return _tf_layers.dense(
            inputs,
            self.units,
            activation=self._activation_or_none(),
            use_bias=self.use_bias,
            kernel_initializer=self.kernel_initializer,
            bias_initializer=self.bias_initializer,
            kernel_regularizer=self.kernel_regularizer,
            bias_regularizer=self.bias_regularizer,
            activity_regularizer=self.activity_regularizer,
            trainable=self.trainable,
            name=self.name,
            reuse=reuse,
        )

    def get_config(self) -> dict:
        return {
            "name": self.name,
            "units": self.units,
            **{k: v for k, v in super().get_config().items() if k != "name"},
        }


class Conv2D(_Kernel):
    """keras.layers.Conv2D: y = activation(conv(x, kernel) + bias), NHWC,
    kernel [kh, kw, in, filters] (tf.layers.conv2d: 'valid' padding by default,
    'same' pads as TF, extra row/column at the bottom/right).

    Raises:
      ValueError: non-positive filters, kernel_size or strides, an unknown
        padding, channels_first data, constraints.
    """

    _default_name = "conv2d"

    def __init__(
        self,
        filters: int,
        kernel_size: int | Sequence[int],
        strides: int | Sequence[int] = (1, 1),
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: int | Sequence[int] = (1, 1),
        activation: str | ActivationFn | None = None,
        use_bias: bool = True,
        kernel_initializer: str | InitializerFn = "glorot_uniform",
        bias_initializer: str | InitializerFn = "zeros",
        kernel_regularizer: str | RegularizerFn | None = None,
        bias_regularizer: str | RegularizerFn | None = None,
        activity_regularizer: str | RegularizerFn | None = None,
        kernel_constraint: ConstraintFn | None = None,
        bias_constraint: ConstraintFn | None = None,
        **kwargs: Any,
    ) -> None:
        self.filters = _positive_int(filters, "Conv2D", "filters")
        self.kernel_size = tuple(_pair(kernel_size, "Conv2D", "kernel_size"))
        self.strides = tuple(_pair(strides, "Conv2D", "strides"))
        self.dilation_rate = tuple(_pair(dilation_rate, "Conv2D", "dilation_rate"))
        if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
            raise ValueError(f"Conv2D: padding must be 'valid' or 'same', got {padding!r}")
        self.padding = padding.lower()
        if data_format not in (None, "channels_last"):
            raise ValueError(f"Conv2D: data_format must be 'channels_last' (NHWC), got {data_format!r}")
        super().__init__(
            activation,
            use_bias,
            kernel_initializer,
            bias_initializer,
            kernel_regularizer,
            bias_regularizer,
            activity_regularizer,
            kernel_constraint,
            bias_constraint,
            **kwargs,
        )

    def call(self, inputs: Tensor, training: bool = False, reuse: bool | _ReuseMode | None = None) -> Tensor:
        return _tf_layers.conv2d(
            inputs,
            self.filters,
            list(self.kernel_size),
            strides=list(self.strides),
            padding=self.padding,
            dilation_rate=list(self.dilation_rate),
            activation=self._activation_or_none(),
            use_bias=self.use_bias,
            kernel_initializer=self.kernel_initializer,
            bias_initializer=self.bias_initializer,
            kernel_regularizer=self.kernel_regularizer,
            bias_regularizer=self.bias_regularizer,
            activity_regularizer=self.activity_regularizer,
            trainable=self.trainable,
            name=self.name,
            reuse=reuse,
        )

    def get_config(self) -> dict:
        return {
            "name": self.name,
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            **{k: v for k, v in super().get_config().items() if k != "name"},
        }


Convolution2D = Conv2D


class Flatten(Layer):
    """keras.layers.Flatten: [N, d1, ..., dk] -> [N, d1*...*dk]."""

    _default_name = "flatten"

    def __init__(self, data_format: str | None = None, **kwargs: Any) -> None:
        if data_format not in (None, "channels_last"):
            raise ValueError(f"Flatten: data_format must be 'channels_last', got {data_format!r}")
        super().__init__(**kwargs)

    def call(self, inputs: Tensor, training: bool = False, reuse: bool | _ReuseMode | None = None) -> Tensor:
        return _tf_layers.flatten(inputs, name=self.name)


class Dropout(Layer):
    """keras.layers.Dropout(rate): when training (inside fit), each element is
    zeroed with probability `rate` and the rest scaled by 1/(1 - rate); the
    identity in evaluate/predict and when called with training=False.

    Raises:
      ValueError: rate outside [0, 1).
    """

    _default_name = "dropout"
    _training_dependent = True

    def __init__(
        self, rate: float, noise_shape: ShapeLike | None = None, seed: int | None = None, **kwargs: Any
    ) -> None:
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate < 1:
            raise ValueError(f"Dropout: rate must be a number in [0, 1), got {rate!r}")
        super().__init__(**kwargs)
        self.rate, self.noise_shape, self.seed = float(rate), noise_shape, seed

    def call(self, inputs: Tensor, training: bool = False, reuse: bool | _ReuseMode | None = None) -> Tensor:
        return _tf_layers.dropout(
            inputs,
            rate=self.rate,
            noise_shape=self.noise_shape,
            seed=self.seed,
            training=training if self.rate > 0 else False,
            name=self.name,
        )

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate}


class _Pooling2D(Layer):
    _function: Callable = staticmethod(_tf_layers.max_pooling2d)

    def __init__(
        self,
        pool_size: int | Sequence[int] = (2, 2),
        strides: int | Sequence[int] | None = None,
        padding: str = "valid",
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        kind = type(self).__name__
        self.pool_size = tuple(_pair(pool_size, kind, "pool_size"))
        self.strides = self.pool_size if strides is None else tuple(_pair(strides, kind, "strides"))
        if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
            raise ValueError(f"{kind}: padding must be 'valid' or 'same', got {padding!r}")
        self.padding = padding.lower()
        if data_format not in (None, "channels_last"):
            raise ValueError(f"{kind}: data_format must be 'channels_last', got {data_format!r}")
        super().__init__(**kwargs)

    def call(self, inputs: Tensor, training: bool = False, reuse: bool | _ReuseMode | None = None) -> Tensor:
        return type(self)._function(inputs, list(self.pool_size), list(self.strides), self.padding, name=self.name)

    def get_config(self) -> dict:
        return {**super().get_config(), "pool_size": self.pool_size, "strides": self.strides, "padding": self.padding}


class MaxPooling2D(_Pooling2D):
    """keras.layers.MaxPooling2D(pool_size=(2, 2), strides=pool_size, padding='valid')."""

    _default_name = "max_pooling2d"
    _function = staticmethod(_tf_layers.max_pooling2d)


class AveragePooling2D(_Pooling2D):
    """keras.layers.AveragePooling2D(pool_size=(2, 2), strides=pool_size,
    padding='valid'); with 'same', padded cells are not counted (TF's rule)."""

    _default_name = "average_pooling2d"
    _function = staticmethod(_tf_layers.average_pooling2d)


MaxPool2D, AvgPool2D = MaxPooling2D, AveragePooling2D


class Activation(Layer):
    """keras.layers.Activation(activation): y = activation(x)."""

    _default_name = "activation"

    def __init__(self, activation: str | ActivationFn, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs: Tensor, training: bool = False, reuse: bool | _ReuseMode | None = None) -> Tensor:
        return self.activation(inputs)

    def get_config(self) -> dict:
        return {**super().get_config(), "activation": activations.serialize(self.activation)}
