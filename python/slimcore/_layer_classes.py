"""tf.layers' classes (TF 1.x ``tf.layers.Dense``, ``Conv2D``, ...), graph mode.

Each class is configured at construction and builds its variables on the
first call, through the functional form of the same name in
``slimcore.layers`` (so the numbers, variable names and penalties are
exactly those of ``tf.layers.dense``, ``tf.layers.conv2d``...); calling it
again reuses them. As TF1, ``tf.layers.Dense`` *is* a Keras layer: the
classes slimcore's Keras already has (Dense, Conv2D, Flatten, Dropout, the
2-D pools) are reused, the others are thin wrappers of their function.

Beyond Keras' attributes (``weights``/``variables``, ``trainable_variables``,
``losses``...) a tf.layers object has ``apply(inputs, ...)`` (= calling it)
and its variables by name: ``.kernel``, ``.bias``, ``.depthwise_kernel``,
``.pointwise_kernel``, ``.gamma``, ``.beta``, ``.moving_mean``,
``.moving_variance`` (AttributeError before the first call, or when the
layer has no such variable). Example::

    layer = tf.layers.Dense(10, activation=tf.nn.relu)
    y = layer.apply(x)                 # builds dense/kernel [in, 10], dense/bias [10]
    y2 = layer(x2)                     # the same variables
    layer.kernel, layer.trainable_variables
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any, Callable

from . import layers as _functional
from .keras import layers as _keras

if TYPE_CHECKING:  # annotations only
    from .framework.ops import Tensor
    from .framework.types import TensorLike
    from .variable_scope import _ReuseMode

__all__ = [
    "Layer",
    "Dense",
    "Conv1D",
    "Conv2D",
    "Conv2DTranspose",
    "Convolution2DTranspose",
    "SeparableConv2D",
    "MaxPooling1D",
    "MaxPooling2D",
    "AveragePooling1D",
    "AveragePooling2D",
    "Flatten",
    "Dropout",
    "BatchNormalization",
]


def _variable_property(short: str) -> property:
    def get(self: Layer) -> Any:
        for v in self.weights:
            if v.name.split(":")[0].rsplit("/", 1)[-1] == short:
                return v
        state = "has not been called yet" if not self.built else f"has no variable '{short}'"
        raise AttributeError(f"{type(self).__name__} layer '{self.name}' {state}")

    return property(get, doc=f'The layer\'s "<name>/{short}" variable (after the first call).')


class Layer(_keras.Layer):
    """tf.layers.Layer: a Keras layer with TF1's ``apply`` and variables by name."""

    kernel = _variable_property("kernel")
    bias = _variable_property("bias")

    def apply(self, inputs: TensorLike, *args: Any, **kwargs: Any) -> Tensor:
        """tf.layers' apply: the same as calling the layer."""
        return self(inputs, *args, **kwargs)


def _glorot_if_none(kwargs: dict, *names: str) -> dict:
    """TF1's None initializer is get_variable's default, glorot_uniform."""
    for n in names:
        if kwargs.get(n, "glorot_uniform") is None:
            kwargs[n] = "glorot_uniform"
    return kwargs


class Dense(Layer, _keras.Dense):
    """tf.layers.Dense(units, activation=None, use_bias=True, kernel_initializer=None, ...):
    y = activation(x @ kernel + bias), tf.layers.dense's variables and numbers."""

    def __init__(self, units: int, *args: Any, **kwargs: Any) -> None:
        _keras.Dense.__init__(self, units, *args, **_glorot_if_none(kwargs, "kernel_initializer"))


class Conv2D(Layer, _keras.Conv2D):
    """tf.layers.Conv2D(filters, kernel_size, strides=(1, 1), padding='valid', ...): tf.layers.conv2d."""

    def __init__(self, filters: int, kernel_size: Any, *args: Any, **kwargs: Any) -> None:
        _keras.Conv2D.__init__(self, filters, kernel_size, *args, **_glorot_if_none(kwargs, "kernel_initializer"))


class Flatten(Layer, _keras.Flatten):
    """tf.layers.Flatten: [N, ...] -> [N, prod(...)]."""


class Dropout(Layer, _keras.Dropout):
    """tf.layers.Dropout(rate=0.5, noise_shape=None, seed=None): drops only when
    called with training=True (the default is False, TF1's)."""

    def __init__(self, rate: float = 0.5, *args: Any, **kwargs: Any) -> None:
        _keras.Dropout.__init__(self, rate, *args, **kwargs)


class MaxPooling2D(Layer, _keras.MaxPooling2D):
    """tf.layers.MaxPooling2D(pool_size, strides, padding='valid')."""


class AveragePooling2D(Layer, _keras.AveragePooling2D):
    """tf.layers.AveragePooling2D(pool_size, strides, padding='valid')."""


class _Functional(Layer):
    """A layer whose call is a tf.layers function: the constructor's
    arguments are the function's (after `inputs`), bound at construction
    (a wrong name raises TypeError there); values are checked on the first call."""

    _function: Callable = staticmethod(_functional.conv2d_transpose)
    _builds_variables = True

    def __init__(self, *args: Any, name: str | None = None, trainable: bool = True, **kwargs: Any) -> None:
        dtype = kwargs.pop("dtype", None)
        fn = type(self)._function
        signature = inspect.signature(fn)
        try:
            signature.bind(None, *args, **kwargs)
        except TypeError as e:
            raise TypeError(f"{type(self).__name__}: {e}") from None
        super().__init__(name=name, trainable=trainable, dtype=dtype)
        self._args, self._kwargs = args, kwargs

    def call(self, inputs: Tensor, training: bool = False, reuse: bool | _ReuseMode | None = None) -> Tensor:
        kwargs = dict(self._kwargs)
        if self._builds_variables:
            kwargs.update(reuse=reuse, trainable=self.trainable)
        if self._training_dependent:
            kwargs["training"] = training
        return type(self)._function(inputs, *self._args, name=self.name, **kwargs)

    def get_config(self) -> dict:
        params = list(inspect.signature(type(self)._function).parameters)[1:]
        return {**super().get_config(), **dict(zip(params, self._args)), **self._kwargs}


class Conv1D(_Functional):
    """tf.layers.Conv1D(filters, kernel_size, strides=1, padding='valid', ...): tf.layers.conv1d."""

    _default_name = "conv1d"
    _function = staticmethod(_functional.conv1d)


class Conv2DTranspose(_Functional):
    """tf.layers.Conv2DTranspose(filters, kernel_size, strides=(1, 1), padding='valid', ...):
    tf.layers.conv2d_transpose (kernel [kh, kw, filters, in_channels])."""

    _default_name = "conv2d_transpose"
    _function = staticmethod(_functional.conv2d_transpose)


Convolution2DTranspose = Conv2DTranspose


class SeparableConv2D(_Functional):
    """tf.layers.SeparableConv2D(filters, kernel_size, ...): tf.layers.separable_conv2d."""

    _default_name = "separable_conv2d"
    _function = staticmethod(_functional.separable_conv2d)
    depthwise_kernel = _variable_property("depthwise_kernel")
    pointwise_kernel = _variable_property("pointwise_kernel")


class MaxPooling1D(_Functional):
    """tf.layers.MaxPooling1D(pool_size, strides, padding='valid'): tf.layers.max_pooling1d."""

    _default_name = "max_pooling1d"
    _function = staticmethod(_functional.max_pooling1d)
    _builds_variables = False


class AveragePooling1D(_Functional):
    """tf.layers.AveragePooling1D(pool_size, strides, padding='valid'): tf.layers.average_pooling1d."""

    _default_name = "average_pooling1d"
    _function = staticmethod(_functional.average_pooling1d)
    _builds_variables = False


class BatchNormalization(_Functional):
    """tf.layers.BatchNormalization(axis=-1, momentum=0.99, epsilon=1e-3, ...):
    tf.layers.batch_normalization; call it with training=True to normalise
    with the batch statistics (the moving-average updates go to UPDATE_OPS)."""

    _default_name = "batch_normalization"
    _function = staticmethod(_functional.batch_normalization)
    _training_dependent = True
    gamma = _variable_property("gamma")
    beta = _variable_property("beta")
    moving_mean = _variable_property("moving_mean")
    moving_variance = _variable_property("moving_variance")
