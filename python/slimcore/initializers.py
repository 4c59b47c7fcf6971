"""Initializers with TF1's names and exact distributions (tf.*_initializer,
tf.contrib.layers.xavier_initializer / variance_scaling_initializer).

An initializer is called as ``init(shape, dtype=None, partition_info=None)``
and returns a tensor (built in the graph). get_variable calls it under the
variable's "Initializer" name scope.

Fans (tf ``_compute_fans``): scalar 1, 1; rank 1: n, n; [a, b]: a, b; conv
[kh, kw, cin, cout]: kh*kw*cin, kh*kw*cout.

=====================================  ============================================
TF1 core ``variance_scaling_initializer(scale, mode, distribution)``
                                       s = scale / max(1, n); "truncated_normal"
                                       (and "normal"): truncated N(0, sqrt(s)/0.8796)
                                       (realised std sqrt(s)); "untruncated_normal":
                                       N(0, sqrt(s)); "uniform": U(+-sqrt(3 s))
``glorot_uniform_initializer``         U(+-sqrt(6 / (fan_in + fan_out)))
``glorot_normal_initializer``          truncated, realised std sqrt(2/(fan_in+fan_out))
contrib ``variance_scaling_initializer(factor=2, mode='FAN_IN', uniform=False)``
                                       uniform: U(+-sqrt(3 factor / n)); normal:
                                       truncated N(0, sqrt(1.3 factor / n)) (realised
                                       std sqrt(1.0058 factor / n))
contrib ``xavier_initializer(uniform=True)``  contrib variance scaling, factor 1, FAN_AVG
=====================================  ============================================

The two variance-scaling families give different numbers for the same
argument (docs/SEMANTICS.md trap 8.13): contrib's truncated normal has parameter
sigma = sqrt(1.3 factor / n), realised std sqrt(1.0058 factor / n); core's has
sigma = sqrt(s) / 0.8796, realised std exactly sqrt(scale / n). Mode strings are
upper case in contrib ('FAN_IN') and lower case in core ("fan_in").

Example::

    init = slimcore.variance_scaling_initializer(2.0, "fan_in", "truncated_normal")
    w = slimcore.get_variable("w", [3, 3, 64, 128], initializer=init)
    # n = fan_in = 3*3*64 = 576; values in +-2 sqrt(2/576)/0.8796, std sqrt(2/576)

Errors: a random initializer for a non-float dtype raises
:class:`InitializerDTypeError`, which is both a ValueError (what TF1 core's
``_assert_float_dtype`` raises) and a TypeError (what contrib raises), so code
written against either keeps working.
"""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING

import numpy as np

from .framework import dtypes as _dtypes
from .framework.ops import Tensor
from .framework.tensor_shape import _core_shape
from .ops.array_ops import constant, ones, zeros
from .ops.random_ops import random_normal, random_uniform, truncated_normal

if TYPE_CHECKING:  # annotations only
    from .framework.types import DTypeLike, ShapeLike, TensorLike

__all__ = [
    "Initializer",
    "InitializerDTypeError",
    "Zeros",
    "Ones",
    "Constant",
    "RandomUniform",
    "RandomNormal",
    "TruncatedNormal",
    "VarianceScaling",
    "GlorotUniform",
    "GlorotNormal",
    "zeros_initializer",
    "ones_initializer",
    "constant_initializer",
    "random_uniform_initializer",
    "random_normal_initializer",
    "truncated_normal_initializer",
    "variance_scaling_initializer",
    "glorot_uniform_initializer",
    "glorot_normal_initializer",
    "xavier_initializer",
    "contrib_variance_scaling_initializer",
    "xavier_initializer_conv2d",
    "compute_fans",
]

# Standard deviation of N(0, 1) truncated to [-2, 2].
_TRUNCATED_STD = 0.87962566103423978


class InitializerDTypeError(TypeError, ValueError):
    """A random initializer was asked for a non-float dtype. TF1 core raises
    ValueError here and contrib TypeError; this is both."""


def compute_fans(shape: ShapeLike) -> tuple:
    """(fan_in, fan_out) of a weight shape, as TensorFlow's _compute_fans.

    scalar: (1, 1); [n]: (n, n); [a, b]: (a, b); [..., cin, cout] (convolution
    kernels, any rank > 2): (cin * r, cout * r) with r = prod(shape[:-2]).
    """
    shape = [int(d) for d in _core_shape(shape)]
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = int(np.prod(shape[:-2]))
    return shape[-2] * receptive, shape[-1] * receptive


def _float_dtype(dtype: DTypeLike, who: str) -> _dtypes.DType:
    dtype = _dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise InitializerDTypeError(
            f"{who}: expected a floating point dtype (float32 or float64), got {dtype.name}; "
            "use zeros_initializer / ones_initializer / constant_initializer for integer variables"
        )
    return dtype


def _real(value: object, what: str, who: str) -> float:
    """value as a float; TypeError for anything that is not a real number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{who}: {what} must be a real number, got {value!r}")
    return float(value)


class Initializer:
    """Base class: ``__call__(shape, dtype=None, partition_info=None) -> Tensor``."""

    dtype: _dtypes.DType = _dtypes.float32

    def __call__(
        self, shape: ShapeLike, dtype: DTypeLike | None = None, partition_info: object | None = None
    ) -> Tensor:
        raise NotImplementedError

    def get_config(self) -> dict:
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class Zeros(Initializer):
    """tf.zeros_initializer(dtype=tf.float32): every value 0 (any dtype; the
    dtype given when called wins). get_variable's default for integer and bool
    variables, and tf_slim's default for biases."""

    def __init__(self, dtype: DTypeLike = _dtypes.float32) -> None:
        self.dtype = _dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return zeros(shape, dtype or self.dtype)

    def get_config(self):
        return {"dtype": self.dtype.name}


class Ones(Initializer):
    """tf.ones_initializer(dtype=tf.float32): every value 1 (any dtype; the
    dtype given when called wins)."""

    def __init__(self, dtype: DTypeLike = _dtypes.float32) -> None:
        self.dtype = _dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return ones(shape, dtype or self.dtype)

    def get_config(self):
        return {"dtype": self.dtype.name}


class Constant(Initializer):
    """tf.constant_initializer(value): a scalar fills the shape; a list or
    array with fewer elements than the shape is padded with its last value
    (TF1's rule); with verify_shape the value's shape must equal the shape.

    TF1 equivalent: ``tf.constant_initializer(value=0, dtype=tf.float32,
    verify_shape=False)``.

    Raises:
      TypeError (construction): a Tensor or a non-numeric value.
      ValueError (call): more values than the shape holds, or no value at all
        for a non-empty shape.
      TypeError (call): verify_shape and a value of another shape (TF1's error).
    """

    def __init__(self, value: TensorLike = 0, dtype: DTypeLike = _dtypes.float32, verify_shape: bool = False) -> None:
        if isinstance(value, Tensor):
            raise TypeError("constant_initializer takes a Python or numpy value, not a Tensor")
        self.value = np.asarray(value)
        if self.value.dtype.kind not in "biuf":
            raise TypeError(f"constant_initializer: invalid value {value!r}")
        self.dtype = _dtypes.as_dtype(dtype)
        self.verify_shape = verify_shape

    def __call__(self, shape, dtype=None, partition_info=None):
        dims = _core_shape(shape)
        dtype = _dtypes.as_dtype(dtype or self.dtype)
        size = int(np.prod(dims))
        if self.verify_shape and list(self.value.shape) != dims:
            raise TypeError(f"constant_initializer: expected shape {dims}, value has {list(self.value.shape)}")
        flat = self.value.reshape(-1)
        if flat.size > size:
            raise ValueError(
                f"constant_initializer: too many elements provided: shape {dims} holds "
                f"at most {size}, but received {flat.size}"
            )
        if flat.size == 0 and size > 0:
            raise ValueError(f"constant_initializer: an empty value cannot fill shape {dims}")
        if 0 < flat.size < size:
            flat = np.concatenate([flat, np.full(size - flat.size, flat[-1])])
        return constant(flat.reshape(dims), dtype=dtype)

    def get_config(self):
        return {"value": self.value.tolist(), "dtype": self.dtype.name}


class RandomUniform(Initializer):
    """tf.random_uniform_initializer(minval=0, maxval=None, seed=None,
    dtype=tf.float32): values from U[minval, maxval), maxval None meaning 1.0.

    Raises:
      ValueError: maxval <= minval.
      InitializerDTypeError: a non-float dtype (TF1 also allows integers here;
        slimcore's random ops are float only).
    """

    def __init__(
        self,
        minval: float = 0,
        maxval: float | None = None,
        seed: int | None = None,
        dtype: DTypeLike = _dtypes.float32,
    ) -> None:
        lo = _real(minval, "minval", "random_uniform_initializer")
        hi = 1.0 if maxval is None else _real(maxval, "maxval", "random_uniform_initializer")
        if not hi > lo:
            raise ValueError(f"random_uniform_initializer: maxval ({hi}) must be greater than minval ({lo})")
        self.minval, self.maxval, self.seed = minval, maxval, seed
        self.dtype = _float_dtype(dtype, "random_uniform_initializer")

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = _float_dtype(dtype or self.dtype, "random_uniform_initializer")
        return random_uniform(shape, self.minval, self.maxval, dtype, seed=self.seed)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed, "dtype": self.dtype.name}


class RandomNormal(Initializer):
    """tf.random_normal_initializer(mean=0, stddev=1, seed=None,
    dtype=tf.float32): values from N(mean, stddev^2).

    Raises:
      ValueError: stddev < 0 (or NaN).
      InitializerDTypeError: a non-float dtype.
    """

    _who = "random_normal_initializer"

    def __init__(
        self, mean: float = 0.0, stddev: float = 1.0, seed: int | None = None, dtype: DTypeLike = _dtypes.float32
    ) -> None:
        _real(mean, "mean", self._who)
        if not _real(stddev, "stddev", self._who) >= 0.0:
            raise ValueError(f"{self._who}: stddev must be >= 0, got {stddev}")
        self.mean, self.stddev, self.seed = mean, stddev, seed
        self.dtype = _float_dtype(dtype, self._who)

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = _float_dtype(dtype or self.dtype, self._who)
        return random_normal(shape, self.mean, self.stddev, dtype, seed=self.seed)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed, "dtype": self.dtype.name}


class TruncatedNormal(RandomNormal):
    """tf.truncated_normal_initializer(mean=0, stddev=1, seed=None,
    dtype=tf.float32): N(mean, stddev^2) with values farther than 2 stddev from
    the mean redrawn, so every value is in [mean - 2 stddev, mean + 2 stddev]
    and the realised std is 0.87962566 * stddev.

    Raises:
      ValueError: stddev < 0 (or NaN).
      InitializerDTypeError: a non-float dtype.
    """

    _who = "truncated_normal_initializer"

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = _float_dtype(dtype or self.dtype, self._who)
        return truncated_normal(shape, self.mean, self.stddev, dtype, seed=self.seed)


class VarianceScaling(Initializer):
    """tf.variance_scaling_initializer(scale=1.0, mode="fan_in",
    distribution="truncated_normal", seed=None, dtype=tf.float32) (TF1 core,
    ``init_ops.VarianceScaling``).

    n = fan_in | fan_out | (fan_in + fan_out) / 2, s = scale / max(1, n):

    * "truncated_normal" (and its old name "normal"): truncated normal with
      sigma = sqrt(s) / 0.87962566103423978, cut at +-2 sigma: realised std sqrt(s);
    * "untruncated_normal": N(0, s);
    * "uniform": U(-sqrt(3 s), +sqrt(3 s)).

    Raises:
      ValueError: scale <= 0 (or NaN), an unknown mode or distribution.
      TypeError: a scale that is not a number.
      InitializerDTypeError: a non-float dtype.
    """

    _MODES = ("fan_in", "fan_out", "fan_avg")
    _DISTRIBUTIONS = ("normal", "truncated_normal", "untruncated_normal", "uniform")

    def __init__(
        self,
        scale: float = 1.0,
        mode: str = "fan_in",
        distribution: str = "truncated_normal",
        seed: int | None = None,
        dtype: DTypeLike = _dtypes.float32,
    ) -> None:
        if not _real(scale, "scale", "variance_scaling_initializer") > 0.0:
            raise ValueError(f"variance_scaling_initializer: `scale` must be a positive float, got {scale}")
        if mode not in self._MODES:
            raise ValueError(
                f"Invalid `mode` argument: {mode!r}; expected one of {self._MODES} "
                "(lower case; contrib's variance_scaling_initializer takes 'FAN_IN')"
            )
        if not isinstance(distribution, str) or distribution.lower() not in self._DISTRIBUTIONS:
            raise ValueError(
                f"Invalid `distribution` argument: {distribution!r}; expected one of {self._DISTRIBUTIONS}"
            )
        distribution = distribution.lower()
        self.scale, self.mode, self.distribution, self.seed = scale, mode, distribution, seed
        self.dtype = _float_dtype(dtype, "variance_scaling_initializer")

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = _float_dtype(dtype or self.dtype, "variance_scaling_initializer")
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        s = self.scale / max(1.0, n)
        if self.distribution in ("normal", "truncated_normal"):
            return truncated_normal(shape, 0.0, math.sqrt(s) / _TRUNCATED_STD, dtype, seed=self.seed)
        if self.distribution == "untruncated_normal":
            return random_normal(shape, 0.0, math.sqrt(s), dtype, seed=self.seed)
        limit = math.sqrt(3.0 * s)
        return random_uniform(shape, -limit, limit, dtype, seed=self.seed)

    def get_config(self):
        return {
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "seed": self.seed,
            "dtype": self.dtype.name,
        }


class GlorotUniform(VarianceScaling):
    """tf.glorot_uniform_initializer: U(+-sqrt(6 / (fan_in + fan_out)))."""

    def __init__(self, seed: int | None = None, dtype: DTypeLike = _dtypes.float32) -> None:
        super().__init__(1.0, "fan_avg", "uniform", seed, dtype)


class GlorotNormal(VarianceScaling):
    """tf.glorot_normal_initializer: truncated normal, realised std sqrt(2 / (fan_in + fan_out))."""

    def __init__(self, seed: int | None = None, dtype: DTypeLike = _dtypes.float32) -> None:
        super().__init__(1.0, "fan_avg", "truncated_normal", seed, dtype)


class ContribVarianceScaling(Initializer):
    """tf.contrib.layers.variance_scaling_initializer(factor=2.0, mode='FAN_IN',
    uniform=False, seed=None, dtype=tf.float32) (tf_slim's, identical).

    n = fan_in | fan_out | (fan_in + fan_out) / 2 (no max(1, n) in contrib; an
    empty dimension is treated as n = 1 here instead of dividing by zero):

    * uniform: U(-sqrt(3 factor / n), +sqrt(3 factor / n));
    * normal: truncated normal with parameter sigma = sqrt(1.3 factor / n), cut at
      +-2 sigma, so the realised std is 0.8796 sigma = sqrt(1.0058 factor / n).

    The default (factor 2, FAN_IN, normal) is He et al.'s initializer.

    Raises:
      TypeError: an unknown mode (contrib's choice of exception), a factor that
        is not a number, or a non-float dtype (InitializerDTypeError).
      ValueError: factor <= 0 or NaN (contrib would return zeros for 0, or fail
        in math.sqrt when called; slimcore refuses at construction).
    """

    def __init__(
        self,
        factor: float = 2.0,
        mode: str = "FAN_IN",
        uniform: bool = False,
        seed: int | None = None,
        dtype: DTypeLike = _dtypes.float32,
    ) -> None:
        if mode not in ("FAN_IN", "FAN_OUT", "FAN_AVG"):
            raise TypeError(
                f"Unknown mode {mode} [FAN_IN, FAN_OUT, FAN_AVG] (upper case; "
                "tf.variance_scaling_initializer takes 'fan_in')"
            )
        if not _real(factor, "factor", "variance_scaling_initializer") > 0.0:
            raise ValueError(
                f"variance_scaling_initializer: factor must be > 0, got {factor}; use zeros_initializer() for zeros"
            )
        self.factor, self.mode, self.uniform, self.seed = factor, mode, uniform, seed
        self.dtype = _float_dtype(dtype, "variance_scaling_initializer")

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = _float_dtype(dtype or self.dtype, "variance_scaling_initializer")
        fan_in, fan_out = compute_fans(shape)
        n = {"FAN_IN": fan_in, "FAN_OUT": fan_out, "FAN_AVG": (fan_in + fan_out) / 2.0}[self.mode]
        n = max(float(n), 1.0)  # an empty dimension would divide by zero
        if self.uniform:
            limit = math.sqrt(3.0 * self.factor / n)
            return random_uniform(shape, -limit, limit, dtype, seed=self.seed)
        return truncated_normal(shape, 0.0, math.sqrt(1.3 * self.factor / n), dtype, seed=self.seed)

    def get_config(self):
        return {
            "factor": self.factor,
            "mode": self.mode,
            "uniform": self.uniform,
            "seed": self.seed,
            "dtype": self.dtype.name,
        }


zeros_initializer = Zeros
ones_initializer = Ones
constant_initializer = Constant
random_uniform_initializer = RandomUniform
random_normal_initializer = RandomNormal
truncated_normal_initializer = TruncatedNormal
variance_scaling_initializer = VarianceScaling
glorot_uniform_initializer = GlorotUniform
glorot_normal_initializer = GlorotNormal
contrib_variance_scaling_initializer = ContribVarianceScaling


def xavier_initializer(
    uniform: bool = True, seed: int | None = None, dtype: DTypeLike = _dtypes.float32
) -> ContribVarianceScaling:
    """tf.contrib.layers.xavier_initializer(uniform=True, seed=None,
    dtype=tf.float32): contrib variance scaling with factor 1.0 and FAN_AVG.

    uniform: U(-sqrt(6 / (fan_in + fan_out)), +sqrt(6 / (fan_in + fan_out)));
    normal: truncated normal with parameter sigma = sqrt(2.6 / (fan_in + fan_out))
    (values within +-2 sigma, realised std sqrt(2.0116 / (fan_in + fan_out))).
    The default weights initializer of tf_slim's conv2d / fully_connected.

    Raises:
      InitializerDTypeError: a non-float dtype.
    """
    return ContribVarianceScaling(1.0, "FAN_AVG", uniform, seed, dtype)


xavier_initializer_conv2d = xavier_initializer
