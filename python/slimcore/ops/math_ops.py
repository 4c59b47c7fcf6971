"""Elementwise math with numpy broadcasting (arithmetic, powers, divisions,
comparisons, logical ops, the unary family), matmul, add_n, the reductions
(reduce_sum/mean/max/min/prod/all/any/logsumexp, argmax/argmin), the scans
cumsum/cumprod and clip_by_value (tf.*).

Every binary op accepts tensors, variables and Python numbers on either
side; a number takes the dtype of the tensor it meets.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework.ops import Tensor, _binary_operands, _op1, _override_operator, convert_to_tensor
from ..framework.ops import name_scope as _name_scope

if TYPE_CHECKING:  # annotations only
    from ..framework.types import DTypeLike, TensorLike

__all__ = [
    "add",
    "subtract",
    "multiply",
    "divide",
    "truediv",
    "div_no_nan",
    "clip_by_value",
    "squared_difference",
    "maximum",
    "minimum",
    "equal",
    "not_equal",
    "greater",
    "greater_equal",
    "less",
    "less_equal",
    "add_n",
    "negative",
    "square",
    "abs",
    "sqrt",
    "exp",
    "log",
    "matmul",
]


def _binary(op_type: str, x: TensorLike, y: TensorLike, name: str | None) -> Tensor:
    a, b = _binary_operands(x, y)
    return _op1(op_type, [a, b], {}, name or op_type)


def add(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """tf.add: x + y, broadcast as numpy. d/dx = 1, d/dy = 1 (summed over broadcast axes)."""
    return _binary("Add", x, y, name)


def subtract(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """tf.subtract: x - y, broadcast as numpy."""
    return _binary("Sub", x, y, name)


def multiply(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """tf.multiply: x * y elementwise, broadcast as numpy."""
    return _binary("Mul", x, y, name)


def div_no_nan(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """tf.div_no_nan: x / y, and 0 where y == 0 (not NaN or inf)."""
    return _binary("DivNoNan", x, y, name)


def squared_difference(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """tf.squared_difference: (x - y)^2 elementwise."""
    with _name_scope(name, "SquaredDifference", [x, y]) as scope:
        return square(subtract(x, y), name=scope)


def maximum(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """tf.maximum: max(x, y) elementwise; the gradient goes to x on ties (as TF)."""
    return _binary("Maximum", x, y, name)


def minimum(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """tf.minimum: min(x, y) elementwise; the gradient goes to x on ties (as TF)."""
    return _binary("Minimum", x, y, name)


def equal(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """tf.equal: x == y elementwise, a bool tensor."""
    return _binary("Equal", x, y, name)


def not_equal(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """tf.not_equal: x != y elementwise, a bool tensor."""
    return _binary("NotEqual", x, y, name)


def greater(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """tf.greater: x > y elementwise, a bool tensor."""
    return _binary("Greater", x, y, name)


def greater_equal(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """tf.greater_equal: x >= y elementwise, a bool tensor."""
    return _binary("GreaterEqual", x, y, name)


def less(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """tf.less: x < y elementwise, a bool tensor."""
    return _binary("Less", x, y, name)


def less_equal(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """tf.less_equal: x <= y elementwise, a bool tensor."""
    return _binary("LessEqual", x, y, name)


def add_n(inputs: Sequence[TensorLike], name: str | None = None) -> Tensor:
    """tf.add_n: the elementwise sum of tensors of one shape and dtype.

    Raises:
      ValueError: an empty list, or shapes that differ.
    """
    if isinstance(inputs, (Tensor,)) or not hasattr(inputs, "__iter__"):
        raise TypeError("add_n expects a list of tensors")
    inputs = list(inputs)
    if not inputs:
        raise ValueError("add_n: inputs must be a non-empty list of tensors")
    tensors = [convert_to_tensor(x) for x in inputs]
    if len(tensors) == 1 and name is None:
        return tensors[0]
    return _op1("AddN", tensors, {}, name or "AddN")


def _unary(op_type: str, x: TensorLike, name: str | None) -> Tensor:
    return _op1(op_type, [x], {}, name or op_type)


def negative(x: TensorLike, name: str | None = None) -> Tensor:
    """tf.negative: -x."""
    return _unary("Neg", x, name)


def square(x: TensorLike, name: str | None = None) -> Tensor:
    """tf.square: x^2 (d/dx = 2x)."""
    return _unary("Square", x, name)


def abs(x: TensorLike, name: str | None = None) -> Tensor:  # noqa: A001
    """tf.abs: |x| (d/dx = sign(x), 0 at 0)."""
    return _unary("Abs", x, name)


def sqrt(x: TensorLike, name: str | None = None) -> Tensor:
    """tf.sqrt: sqrt(x) (d/dx = 1 / (2 sqrt(x)))."""
    return _unary("Sqrt", x, name)


def exp(x: TensorLike, name: str | None = None) -> Tensor:
    """tf.exp: e^x."""
    return _unary("Exp", x, name)


def log(x: TensorLike, name: str | None = None) -> Tensor:
    """tf.log: natural logarithm (d/dx = 1/x); log(0) = -inf, log(<0) = nan, as TF."""
    return _unary("Log", x, name)


def matmul(
    a: TensorLike, b: TensorLike, transpose_a: bool = False, transpose_b: bool = False, name: str | None = None
) -> Tensor:
    """tf.matmul: C = op(a) @ op(b) for rank-2 float tensors, op = transpose when flagged.

    Gradients (TF's): dA = G B^T, dB = A^T G (transposes adjusted by the flags).

    Raises:
      ValueError: ranks other than 2 or inner dimensions that differ.
    """
    a, b = _binary_operands(a, b)
    return _op1(
        "MatMul", [a, b], {"transpose_a": bool(transpose_a), "transpose_b": bool(transpose_b)}, name or "MatMul"
    )


# ---- reductions (reduce_sum, reduce_mean, argmax) below ----------------------


def _static_ints(value: TensorLike, what: str) -> list:
    """value (an int, a list of ints, a numpy array, or a constant tensor) as a
    list of Python ints. slimcore's axes are static: they are part of the graph.

    Raises:
      TypeError: a non-constant tensor, or entries that are not integers.
    """
    if isinstance(value, Tensor):
        if value.op.type != "Const":
            raise TypeError(
                f"{what} must be known when the graph is built (an int or a list of "
                f"ints); got the computed tensor {value.name}"
            )
        value = value.op.get_attr("value")
    array = np.asarray(value)
    if (array.dtype.kind not in "iu" and array.size) or array.ndim > 1:
        raise TypeError(f"{what} must be an int or a list of ints, got {value!r}")
    return [int(v) for v in array.reshape(-1)]


def _deprecated_alias(fn: str, value: Any, name: str, old_value: Any, old_name: str, stacklevel: int) -> Any:
    """TF1's deprecated_argument_lookup: `old_name` is accepted, with a
    DeprecationWarning pointing at the user's call (`stacklevel` frames up
    from here); giving both is an error."""
    if old_value is None:
        return value
    if value is not None:
        raise ValueError(f"{fn}: cannot specify both '{name}' and '{old_name}'")
    warnings.warn(f"{fn}: '{old_name}' is deprecated, use '{name}' instead", DeprecationWarning, stacklevel=stacklevel)
    return old_value


def _reduction(
    op_type: str,
    fn: str,
    input_tensor: TensorLike,
    axis: int | Sequence[int],
    keepdims: bool,
    name: str | None,
    reduction_indices: int | Sequence[int],
    keep_dims: bool,
) -> Tensor:
    # frames: _deprecated_alias, _reduction, reduce_sum / reduce_mean, the caller
    axis = _deprecated_alias(fn, axis, "axis", reduction_indices, "reduction_indices", stacklevel=4)
    keepdims = _deprecated_alias(fn, keepdims, "keepdims", keep_dims, "keep_dims", stacklevel=4)
    attrs = {"axes": "all" if axis is None else _static_ints(axis, f"{fn}: axis"), "keepdims": bool(keepdims)}
    return _op1(op_type, [input_tensor], attrs, name or op_type)


def reduce_sum(
    input_tensor: TensorLike,
    axis: int | Sequence[int] | None = None,
    keepdims: bool | None = None,
    name: str | None = None,
    reduction_indices: int | Sequence[int] | None = None,
    keep_dims: bool | None = None,
) -> Tensor:
    """tf.reduce_sum: y = sum of x over `axis` (every axis when None).

    Negative axes count from the end; ``axis=[]`` reduces nothing (TF's rule,
    not numpy's). The gradient broadcasts dy back to x's run-time shape. Integer
    sums wrap around on overflow, as in TF.

    Example: for x = [[1, 2], [3, 4]], ``reduce_sum(x, 0)`` is [4, 6] and
    ``reduce_sum(x, 1, keepdims=True)`` is [[3], [7]].

    Args:
      input_tensor: a numeric tensor.
      axis: an int, a list of ints, or None for all axes.
      keepdims: keep the reduced axes with size 1 (default False).
      name: op name (default "Sum").
      reduction_indices: TF1's deprecated name of `axis` (DeprecationWarning).
      keep_dims: TF1's deprecated name of `keepdims` (DeprecationWarning).

    Returns:
      A tensor of x's dtype.

    Raises:
      ValueError: an axis out of range or given twice (the message names it
        and the rank), or both an argument and its deprecated alias.
      TypeError: a bool tensor, or an axis that is not a (static) int.
    """
    return _reduction("Sum", "reduce_sum", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_mean(
    input_tensor: TensorLike,
    axis: int | Sequence[int] | None = None,
    keepdims: bool | None = None,
    name: str | None = None,
    reduction_indices: int | Sequence[int] | None = None,
    keep_dims: bool | None = None,
) -> Tensor:
    """tf.reduce_mean: y = sum of x over `axis` / n, n the number of elements
    reduced into each output (counted at run time, so an unknown batch
    dimension is fine).

    As in TF, the mean of an integer tensor is an integer: the sum divided
    with truncation toward zero (``reduce_mean([1, 2]) == 1``, not 1.5); cast
    to float first for the real mean. The mean over zero elements is nan for
    floats and an error for integers. The gradient is dy / n broadcast back
    to x's shape.

    Args:
      input_tensor: a numeric tensor.
      axis: an int, a list of ints, or None for all axes.
      keepdims: keep the reduced axes with size 1 (default False).
      name: op name (default "Mean").
      reduction_indices: TF1's deprecated name of `axis` (DeprecationWarning).
      keep_dims: TF1's deprecated name of `keepdims` (DeprecationWarning).

    Returns:
      A tensor of x's dtype.

    Raises:
      ValueError: an axis out of range or given twice, or both an argument and
        its deprecated alias.
      TypeError: a bool tensor, or an axis that is not a (static) int.
    """
    return _reduction("Mean", "reduce_mean", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def _arg_reduce(
    op_type: str, fn: str, input: TensorLike, axis: Any, name: str | None, output_type: DTypeLike
) -> Tensor:
    """ArgMax / ArgMin over one static axis (argmax and argmin share this)."""
    x = convert_to_tensor(input)
    if axis is None:
        if x.shape.ndims is not None and x.shape.ndims > 1:
            warnings.warn(
                f"{fn}: axis=None reduces axis 0 of {x.name} (shape {x.shape}), as TF1 "
                "does, not the flattened tensor; pass axis explicitly",
                UserWarning,
                stacklevel=3,
            )
        axis = 0
    axes = _static_ints(axis, f"{fn}: axis")
    if len(axes) != 1:
        raise TypeError(f"{fn}: axis must be a single int, got {axis!r}")
    output_type = _dtypes.as_dtype(output_type)
    if output_type not in (_dtypes.int32, _dtypes.int64):
        raise TypeError(f"{fn}: output_type must be int32 or int64, got {output_type.name}")
    return _op1(op_type, [x], {"axis": axes[0], "output_type": output_type._core}, name or op_type)


def argmax(
    input: TensorLike,
    axis: int | Sequence[int] | None = None,
    name: str | None = None,
    dimension: int | None = None,
    output_type: DTypeLike = _dtypes.int64,
) -> Tensor:
    """tf.argmax: the index of the largest value along `axis`:
    y[i, k] = argmax_j x[i, j, k] for axis 1.

    Ties go to the first index and nan counts as the largest value (numpy's
    rule). Not differentiable. As TF1, ``axis=None`` means axis 0 (not the
    flattened tensor as numpy); for tensors of rank > 1 that is usually a
    mistake, so slimcore warns (TF1 was silent).

    Args:
      input: a numeric tensor.
      axis: the axis to reduce (negative counts from the end).
      name: op name (default "ArgMax").
      dimension: TF1's deprecated name of `axis` (DeprecationWarning).
      output_type: int64 (default) or int32.

    Returns:
      A tensor of `output_type` with x's shape minus `axis`.

    Raises:
      ValueError: an axis out of range, an empty axis, or both `axis` and `dimension`.
      TypeError: a bool tensor, or output_type other than int32/int64.
    """
    axis = _deprecated_alias("argmax", axis, "axis", dimension, "dimension", stacklevel=3)
    return _arg_reduce("ArgMax", "argmax", input, axis, name, output_type)


def argmin(
    input: TensorLike,
    axis: int | Sequence[int] | None = None,
    name: str | None = None,
    dimension: int | None = None,
    output_type: DTypeLike = _dtypes.int64,
) -> Tensor:
    """tf.argmin: the index of the smallest value along `axis`:
    y[i, k] = argmin_j x[i, j, k] for axis 1.

    Ties go to the first index, nan counts as the smallest value (numpy's
    rule); ``axis=None`` means axis 0, as TF1 (with a warning for rank > 1).
    Not differentiable.

    Args:
      input: a numeric tensor.
      axis: the axis to reduce (negative counts from the end).
      name: op name (default "ArgMin").
      dimension: TF1's deprecated name of `axis` (DeprecationWarning).
      output_type: int64 (default) or int32.

    Returns:
      A tensor of `output_type` with x's shape minus `axis`.

    Raises:
      ValueError: an axis out of range, an empty axis, or both `axis` and `dimension`.
      TypeError: a bool tensor, or output_type other than int32/int64.
    """
    axis = _deprecated_alias("argmin", axis, "axis", dimension, "dimension", stacklevel=3)
    return _arg_reduce("ArgMin", "argmin", input, axis, name, output_type)


def arg_max(
    input: TensorLike, dimension: int, output_type: DTypeLike = _dtypes.int64, name: str | None = None
) -> Tensor:
    """tf.arg_max (TF1's raw op, deprecated there): argmax(input, axis=dimension).

    Args / Returns / Raises: as argmax (here `dimension` is required).
    """
    return _arg_reduce("ArgMax", "arg_max", input, dimension, name, output_type)


def arg_min(
    input: TensorLike, dimension: int, output_type: DTypeLike = _dtypes.int64, name: str | None = None
) -> Tensor:
    """tf.arg_min (TF1's raw op, deprecated there): argmin(input, axis=dimension).

    Args / Returns / Raises: as argmin (here `dimension` is required).
    """
    return _arg_reduce("ArgMin", "arg_min", input, dimension, name, output_type)


def _make_reduction(op_type: str, fn: str, summary: str, dtypes: str) -> Any:
    """A TF1 reduction with reduce_sum's signature: `fn` runs op `op_type`."""

    def reduction(
        input_tensor: TensorLike,
        axis: int | Sequence[int] | None = None,
        keepdims: bool | None = None,
        name: str | None = None,
        reduction_indices: int | Sequence[int] | None = None,
        keep_dims: bool | None = None,
    ) -> Tensor:
        # frames: _deprecated_alias, _reduction, this function, the caller
        return _reduction(op_type, fn, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)

    reduction.__name__ = reduction.__qualname__ = fn
    reduction.__doc__ = f"""tf.{fn}: {summary}

    Args:
      input_tensor: {dtypes}.
      axis: an int, a list of ints, or None for all axes (negative axes count
        from the end; ``axis=[]`` reduces nothing, as TF).
      keepdims: keep the reduced axes with size 1 (default False).
      name: op name (default "{op_type}").
      reduction_indices: TF1's deprecated name of `axis` (DeprecationWarning).
      keep_dims: TF1's deprecated name of `keepdims` (DeprecationWarning).

    Returns:
      A tensor of the input's dtype.

    Raises:
      ValueError: an axis out of range or given twice, or both an argument and
        its deprecated alias.
      TypeError: a tensor of another dtype, or an axis that is not a (static) int.
    """
    return reduction


reduce_max = _make_reduction(
    "Max",
    "reduce_max",
    """y = max of x over `axis` (every axis when None).

    The max of nothing is -inf (the lowest integer for ints), as TF; nan
    propagates (numpy's rule). The gradient is TF1's: dy is shared equally
    between the elements equal to the max (two tied maxima get dy / 2 each).""",
    "a numeric tensor",
)
reduce_min = _make_reduction(
    "Min",
    "reduce_min",
    """y = min of x over `axis` (every axis when None).

    The min of nothing is +inf (the highest integer for ints); nan
    propagates. The gradient is shared equally between tied minima, as TF1.""",
    "a numeric tensor",
)
reduce_prod = _make_reduction(
    "Prod",
    "reduce_prod",
    """y = product of x over `axis` (every axis when None); 1 over nothing.

    The gradient is TF1's _ProdGrad: dx_i = dy * (product of the other
    elements of x_i's group), computed without dividing by x_i, so it is
    exact where x holds zeros. Integer products wrap around, as TF.""",
    "a numeric tensor",
)
reduce_all = _make_reduction(
    "All",
    "reduce_all",
    """y = logical and of x over `axis` (every axis when None); True over nothing.
    Not differentiable.""",
    "a bool tensor",
)
reduce_any = _make_reduction(
    "Any",
    "reduce_any",
    """y = logical or of x over `axis` (every axis when None); False over nothing.
    Not differentiable.""",
    "a bool tensor",
)
reduce_logsumexp = _make_reduction(
    "LogSumExp",
    "reduce_logsumexp",
    """y = log(sum(exp(x))) over `axis` (every axis when None), computed as
    m + log(sum(exp(x - m))) with m the max (0 where the max is infinite, as
    TF1), so large x do not overflow. dx = dy * exp(x - y) (a softmax).""",
    "a float32 or float64 tensor",
)

__all__ += [
    "reduce_sum",
    "reduce_mean",
    "reduce_max",
    "reduce_min",
    "reduce_prod",
    "reduce_all",
    "reduce_any",
    "reduce_logsumexp",
    "argmax",
    "argmin",
    "arg_max",
    "arg_min",
]


# ---- the unary family: one table of names and formulas ---------------------


def _make_unary(op_type: str, fn: str, formula: str, gradient: str, dtypes: str = "float32 or float64") -> Any:
    """The TF1 function `fn`(x, name=None) running the elementwise op `op_type`."""

    def unary(x: TensorLike, name: str | None = None) -> Tensor:
        return _unary(op_type, x, name)

    unary.__name__ = unary.__qualname__ = fn
    unary.__doc__ = f"""tf.{fn}: y = {formula} elementwise. Gradient: {gradient}.

    Args:
      x: a {dtypes} tensor.
      name: op name (default "{op_type}").

    Returns:
      A tensor of x's shape ({"bool" if "bool" in formula else "x's dtype"}).

    Raises:
      TypeError: a tensor of another dtype.
    """
    return unary


# The table: TF1 name = (op, y = f(x), gradient[, input dtypes]).
sin = _make_unary("Sin", "sin", "sin(x)", "dy cos(x)")
cos = _make_unary("Cos", "cos", "cos(x)", "-dy sin(x)")
tan = _make_unary("Tan", "tan", "tan(x)", "dy (1 + y^2)")
asin = _make_unary("Asin", "asin", "asin(x)", "dy / sqrt(1 - x^2)")
acos = _make_unary("Acos", "acos", "acos(x)", "-dy / sqrt(1 - x^2)")
atan = _make_unary("Atan", "atan", "atan(x)", "dy / (1 + x^2)")
sinh = _make_unary("Sinh", "sinh", "sinh(x)", "dy cosh(x)")
cosh = _make_unary("Cosh", "cosh", "cosh(x)", "dy sinh(x)")
asinh = _make_unary("Asinh", "asinh", "asinh(x)", "dy / sqrt(x^2 + 1)")
acosh = _make_unary("Acosh", "acosh", "acosh(x)", "dy / sqrt(x^2 - 1)")
atanh = _make_unary("Atanh", "atanh", "atanh(x)", "dy / (1 - x^2)")
log1p = _make_unary("Log1p", "log1p", "log(1 + x), accurate for small x", "dy / (1 + x)")
expm1 = _make_unary("Expm1", "expm1", "exp(x) - 1, accurate for small x", "dy exp(x)")
rsqrt = _make_unary("Rsqrt", "rsqrt", "1 / sqrt(x)", "-dy y^3 / 2")
reciprocal = _make_unary("Reciprocal", "reciprocal", "1 / x", "-dy y^2")
erf = _make_unary("Erf", "erf", "erf(x)", "dy 2/sqrt(pi) exp(-x^2)")
erfc = _make_unary("Erfc", "erfc", "1 - erf(x)", "-dy 2/sqrt(pi) exp(-x^2)")
lgamma = _make_unary("Lgamma", "lgamma", "log|Gamma(x)|", "dy digamma(x)")
digamma = _make_unary("Digamma", "digamma", "d lgamma(x) / dx", "dy polygamma(1, x)")
floor = _make_unary("Floor", "floor", "the largest integer <= x", "none (None, as TF1)")
ceil = _make_unary("Ceil", "ceil", "the smallest integer >= x", "none (None, as TF1)")
rint = _make_unary("Rint", "rint", "the nearest integer, halves to even (rint(2.5) = 2)", "none (None, as TF1)")
round = _make_unary(  # noqa: A001
    "Round",
    "round",
    "the nearest integer, halves to even (round(2.5) = 2, round(-0.5) = -0), as TF",
    "none (None, as TF1)",
    "numeric",
)
sign = _make_unary("Sign", "sign", "-1, 0 or 1 as x < 0, x == 0, x > 0", "0 (as TF1)", "numeric")
is_nan = _make_unary("IsNan", "is_nan", "bool: x is nan", "none")
is_inf = _make_unary("IsInf", "is_inf", "bool: x is +inf or -inf", "none")
is_finite = _make_unary("IsFinite", "is_finite", "bool: x is neither inf nor nan", "none")
logical_not = _make_unary("LogicalNot", "logical_not", "bool: not x", "none", "bool")
__all__ += [
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "sinh",
    "cosh",
    "asinh",
    "acosh",
    "atanh",
    "log1p",
    "expm1",
    "rsqrt",
    "reciprocal",
    "erf",
    "erfc",
    "lgamma",
    "digamma",
    "floor",
    "ceil",
    "rint",
    "round",
    "sign",
    "is_nan",
    "is_inf",
    "is_finite",
    "logical_not",
]


# ---- binary: powers, divisions, logical ------------------------------------


def pow(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:  # noqa: A001
    """tf.pow: z = x^y elementwise, broadcast as numpy.

    Integers: repeated multiplication (wrapping on overflow); a negative
    integer exponent is an InvalidArgumentError at run time, as TF. Gradients
    (TF1's): dx = dz y x^(y-1); dy = dz z log(x) where x > 0, else 0.

    Args:
      x: the base, a numeric tensor (or number).
      y: the exponent, of x's dtype (a number takes the tensor's dtype).
      name: op name (default "Pow").

    Returns:
      A tensor of the broadcast shape and x's dtype.

    Raises:
      ValueError: shapes that do not broadcast.
      TypeError: dtypes that differ, or bool.
      InvalidArgumentError: (run time) an integer to a negative integer power.
    """
    return _binary("Pow", x, y, name)


def atan2(y: TensorLike, x: TensorLike, name: str | None = None) -> Tensor:
    """tf.atan2: the angle of the point (x, y), atan(y / x) in the right quadrant.

    Gradients: dy = dz x / (x^2 + y^2), dx = -dz y / (x^2 + y^2). Float only.
    Args/Returns/Raises: as pow.
    """
    return _binary("Atan2", y, x, name)


def xlogy(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """tf.math.xlogy: z = x log(y), and 0 where x == 0 (even where y == 0).

    Gradients (TF1's): dx = dz log(y) where x != 0 (else 0); dy = dz x / y
    where x != 0 (else 0). Float only.

    Args:
      x, y: float tensors of one dtype, broadcast as numpy.
      name: op name (default "Xlogy").

    Returns:
      A tensor of the broadcast shape.

    Raises:
      ValueError: shapes that do not broadcast.
      TypeError: dtypes that differ or are not float.
    """
    return _binary("Xlogy", x, y, name)


def xdivy(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """tf.math.xdivy: z = x / y, and 0 where x == 0 (even where y == 0).

    Gradients (TF1's): dx = dz / y where x != 0 (else 0); dy = -dz x / y^2.

    Args/Returns/Raises: as xlogy (default name "Xdivy").
    """
    return _binary("Xdivy", x, y, name)


def floordiv(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """tf.floordiv (and tf.floor_div, ``x // y``): floor(x / y) elementwise,
    rounding toward -inf as Python does (``-7 // 2 == -4``), for ints and floats.

    Not differentiable (None, as TF1).

    Args:
      x, y: numeric tensors (or numbers) of one dtype, broadcast as numpy.
      name: op name (default "FloorDiv").

    Returns:
      A tensor of the broadcast shape and x's dtype.

    Raises:
      ValueError / TypeError: as pow.
      InvalidArgumentError: (run time) an integer division by zero.
    """
    return _binary("FloorDiv", x, y, name)


floor_div = floordiv


def floormod(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """tf.floormod (and tf.mod, tf.math.mod, ``x % y``): x - floor(x / y) y, the
    remainder with the sign of y, as Python's % (``-7 % 3 == 2``).

    Gradients (TF1's): dx = dz, dy = -dz floor(x / y).

    Args/Returns/Raises: as floordiv (default name "FloorMod").
    """
    return _binary("FloorMod", x, y, name)


mod = floormod


def truncatediv(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """tf.truncatediv: x / y rounded toward zero, as C (``-7 / 2 == -3``). Not differentiable.

    Args/Returns/Raises: as floordiv (default name "TruncateDiv").
    """
    return _binary("TruncateDiv", x, y, name)


def truncatemod(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """tf.truncatemod: the remainder of truncatediv, with the sign of x (C's %, fmod).
    Not differentiable.

    Args/Returns/Raises: as floordiv (default name "TruncateMod").
    """
    return _binary("TruncateMod", x, y, name)


# TF1's truediv casts integers to a float before dividing (_TRUEDIV_TABLE).
_TRUEDIV_FLOAT = {
    "int8": _dtypes.float32,
    "uint8": _dtypes.float32,
    "int16": _dtypes.float32,
    "int32": _dtypes.float64,
    "int64": _dtypes.float64,
}


def truediv(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """tf.truediv (and tf.divide, ``x / y``): x / y as Python 3's /, elementwise.

    As TF1, integer operands are first cast to a float (int32 and int64 to
    float64, the smaller ones to float32), so ``tf.constant(7) / 2`` is 3.5 as
    a float64. d/dx = dz / y, d/dy = -dz x / y^2.

    Args:
      x, y: numeric tensors (or numbers) of one dtype, broadcast as numpy.
      name: op name (default "truediv").

    Returns:
      A float tensor of the broadcast shape.

    Raises:
      ValueError: shapes that do not broadcast.
      TypeError: dtypes that differ, or bool.
    """
    a, b = _binary_operands(x, y)
    if a.dtype != b.dtype:
        raise TypeError(f"truediv: x and y must have the same dtype, got {a.dtype.name} and {b.dtype.name}")
    with _name_scope(name, "truediv", [a, b]) as scope:
        float_dtype = _TRUEDIV_FLOAT.get(a.dtype.name)
        if float_dtype is not None:
            a, b = _cast(a, float_dtype), _cast(b, float_dtype)
        return _op1("RealDiv", [a, b], {}, scope)


def divide(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """tf.divide: x / y, i.e. truediv (integers divide as floats).

    Args/Returns/Raises: as truediv.
    """
    return truediv(x, y, name=name)


def realdiv(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """tf.realdiv: x / y with no cast (integers divide truncating toward zero, as C).

    Args/Returns/Raises: as truediv (default name "RealDiv").
    """
    return _binary("RealDiv", x, y, name)


def div(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """tf.div (TF1, deprecated there): Python 2's /: floordiv for integers
    (``tf.div(-7, 2) == -4``), x / y for floats.

    Args/Returns/Raises: as floordiv (default name "div").
    """
    a, b = _binary_operands(x, y)
    if a.dtype.is_integer:
        return floordiv(a, b, name=name or "div")
    return realdiv(a, b, name=name or "div")


def logical_and(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """tf.logical_and (``x & y``): x and y elementwise on bool tensors, broadcast
    as numpy. Not differentiable.

    Args:
      x, y: bool tensors (or Python bools).
      name: op name (default "LogicalAnd").

    Returns:
      A bool tensor of the broadcast shape.

    Raises:
      TypeError: operands that are not bool.
      ValueError: shapes that do not broadcast.
    """
    return _binary("LogicalAnd", x, y, name)


def logical_or(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """tf.logical_or (``x | y``): x or y elementwise on bool tensors. Not differentiable.

    Args/Returns/Raises: as logical_and (default name "LogicalOr").
    """
    return _binary("LogicalOr", x, y, name)


def logical_xor(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """tf.logical_xor (``x ^ y``): (x or y) and not (x and y), as TF1 builds it.

    Args/Returns/Raises: as logical_and (default name "LogicalXor").
    """
    with _name_scope(name, "LogicalXor", [x, y]) as scope:
        return logical_and(logical_or(x, y), logical_not(logical_and(x, y)), name=scope)


__all__ += [
    "pow",
    "atan2",
    "xlogy",
    "xdivy",
    "floordiv",
    "floor_div",
    "floormod",
    "mod",
    "truncatediv",
    "truncatemod",
    "realdiv",
    "div",
    "logical_and",
    "logical_or",
    "logical_xor",
]


# ---- scans -----------------------------------------------------------------


def _scan(op_type: str, fn: str, x: TensorLike, axis: Any, exclusive: bool, reverse: bool, name: str | None) -> Tensor:
    axes = _static_ints(axis, f"{fn}: axis")
    if len(axes) != 1:
        raise TypeError(f"{fn}: axis must be a single int, got {axis!r}")
    attrs = {"axis": axes[0], "exclusive": bool(exclusive), "reverse": bool(reverse)}
    return _op1(op_type, [x], attrs, name or op_type)


def cumsum(
    x: TensorLike, axis: int = 0, exclusive: bool = False, reverse: bool = False, name: str | None = None
) -> Tensor:
    """tf.cumsum: y_i = x_0 + ... + x_i along `axis`.

    ``exclusive=True`` leaves x_i out (y_0 = 0); ``reverse=True`` sums from
    the end (y_i = x_i + ... + x_{n-1}). E.g. cumsum([a, b, c], exclusive=True,
    reverse=True) = [b + c, c, 0]. dx = cumsum(dy, exclusive, not reverse).

    Args:
      x: a numeric tensor.
      axis: the axis to scan (an int, negative counts from the end; static).
      exclusive: leave each element out of its own sum.
      reverse: scan from the end.
      name: op name (default "Cumsum").

    Returns:
      A tensor of x's shape and dtype.

    Raises:
      ValueError: an axis out of range.
      TypeError: a bool tensor, or an axis that is not a static int.
    """
    return _scan("Cumsum", "cumsum", x, axis, exclusive, reverse, name)


def cumprod(
    x: TensorLike, axis: int = 0, exclusive: bool = False, reverse: bool = False, name: str | None = None
) -> Tensor:
    """tf.cumprod: y_i = x_0 * ... * x_i along `axis` (exclusive: y_0 = 1;
    reverse: from the end), as cumsum.

    The gradient is TF1's: dx = cumsum(y * dy, exclusive, not reverse) / x,
    nan where x == 0 (as TF1).

    Args/Returns/Raises: as cumsum (default name "Cumprod").
    """
    return _scan("Cumprod", "cumprod", x, axis, exclusive, reverse, name)


__all__ += ["cumsum", "cumprod"]


# ---- clipping --------------------------------------------------------------


def clip_by_value(
    t: TensorLike, clip_value_min: TensorLike, clip_value_max: TensorLike, name: str | None = None
) -> Tensor:
    """tf.clip_by_value: y = min(max(t, clip_value_min), clip_value_max) elementwise.

    Built as TF1 builds it, maximum(minimum(t, max), min), so the gradient is
    TF1's: dy passes where t is inside [min, max] (bounds included) and is 0
    where t was clipped.

    Args:
      t: a numeric tensor.
      clip_value_min, clip_value_max: scalars or tensors broadcastable to t's shape.
      name: op name scope (default "clip_by_value").

    Returns:
      A tensor of t's shape and dtype.

    Raises:
      ValueError: clip values whose shape would broadcast t to a larger shape.
    """
    with _name_scope(name, "clip_by_value", [t, clip_value_min, clip_value_max]) as scope:
        t = convert_to_tensor(t)
        clipped = maximum(minimum(t, clip_value_max), clip_value_min, name=scope)
        if not clipped.shape.is_compatible_with(t.shape):
            raise ValueError(
                f"clip_by_value: the clip values would broadcast t (shape {t.shape}) to shape {clipped.shape}"
            )
        return clipped


# ---- composites TF1 builds from the ops above ---------------------------------


def count_nonzero(
    input_tensor: TensorLike,
    axis: int | Sequence[int] | None = None,
    keepdims: bool | None = None,
    dtype: DTypeLike = _dtypes.int64,
    name: str | None = None,
    reduction_indices: int | Sequence[int] | None = None,
    keep_dims: bool | None = None,
) -> Tensor:
    """tf.count_nonzero: the number of elements != 0 (True for bool) over `axis`,
    as TF1 builds it: cast(reduce_sum(cast(x != 0, int64), axis), dtype).

    Args:
      input_tensor: a numeric or bool tensor.
      axis, keepdims, reduction_indices, keep_dims: as reduce_sum.
      dtype: the result's dtype (default int64).
      name: op name scope (default "count_nonzero").

    Returns:
      A tensor of `dtype`.

    Raises:
      ValueError / TypeError: as reduce_sum.
    """
    axis = _deprecated_alias("count_nonzero", axis, "axis", reduction_indices, "reduction_indices", stacklevel=3)
    keepdims = _deprecated_alias("count_nonzero", keepdims, "keepdims", keep_dims, "keep_dims", stacklevel=3)
    with _name_scope(name, "count_nonzero", [input_tensor]) as scope:
        x = convert_to_tensor(input_tensor)
        nonzero = _cast(not_equal(x, False if x.dtype == _dtypes.bool_ else 0), _dtypes.int64)
        return _cast(reduce_sum(nonzero, axis, keepdims=keepdims, name=scope), dtype)


def reduce_variance(
    input_tensor: TensorLike, axis: int | Sequence[int] | None = None, keepdims: bool = False, name: str | None = None
) -> Tensor:
    """tf.math.reduce_variance: mean((x - mean(x))^2) over `axis` (the biased,
    population variance, as TF).

    Args:
      input_tensor: a float tensor.
      axis: an int, a list of ints, or None for all axes.
      keepdims: keep the reduced axes with size 1.
      name: op name scope (default "reduce_variance").

    Returns:
      A tensor of x's dtype.

    Raises:
      ValueError / TypeError: as reduce_mean.
    """
    with _name_scope(name, "reduce_variance", [input_tensor]) as scope:
        x = convert_to_tensor(input_tensor)
        means = reduce_mean(x, axis, keepdims=True)
        return reduce_mean(square(subtract(x, means)), axis, keepdims=keepdims, name=scope)


def reduce_std(
    input_tensor: TensorLike, axis: int | Sequence[int] | None = None, keepdims: bool = False, name: str | None = None
) -> Tensor:
    """tf.math.reduce_std: sqrt(reduce_variance(x, axis)).

    Args/Returns/Raises: as reduce_variance (default name "reduce_std").
    """
    with _name_scope(name, "reduce_std", [input_tensor]) as scope:
        return sqrt(reduce_variance(input_tensor, axis, keepdims=keepdims), name=scope)


def reduce_euclidean_norm(
    input_tensor: TensorLike, axis: int | Sequence[int] | None = None, keepdims: bool = False, name: str | None = None
) -> Tensor:
    """tf.math.reduce_euclidean_norm: sqrt(sum(x^2)) over `axis` (every axis when
    None). The gradient is dy x / y, nan where the norm is 0 (as TF's).

    Args/Returns/Raises: as reduce_variance (default name "reduce_euclidean_norm").
    """
    with _name_scope(name, "reduce_euclidean_norm", [input_tensor]) as scope:
        return sqrt(reduce_sum(square(input_tensor), axis, keepdims=keepdims), name=scope)


def zero_fraction(value: TensorLike, name: str | None = None) -> Tensor:
    """tf.math.zero_fraction (tf.nn.zero_fraction): the fraction of elements equal
    to 0, a float32 scalar (the sparsity summaries of slim's layers).

    Args:
      value: a numeric tensor.
      name: op name scope (default "zero_fraction").

    Returns:
      A float32 scalar.
    """
    with _name_scope(name, "zero_fraction", [value]) as scope:
        return reduce_mean(_cast(equal(value, 0), _dtypes.float32), name=scope)


def scalar_mul(scalar: TensorLike, x: TensorLike, name: str | None = None) -> Tensor:
    """tf.scalar_mul: scalar * x, the scalar a number or a 0-D tensor.

    Raises:
      ValueError: a scalar tensor of rank other than 0 (TF1's check).
    """
    s = scalar if isinstance(scalar, Tensor) else None
    if s is not None and s.shape.ndims not in (None, 0):
        raise ValueError(f"scalar_mul: the scalar must be 0-D, got shape {s.shape}")
    return multiply(scalar, x, name=name or "scalar_mul")


def accumulate_n(
    inputs: Sequence[TensorLike], shape: Any = None, tensor_dtype: DTypeLike | None = None, name: str | None = None
) -> Tensor:
    """tf.math.accumulate_n (tf.accumulate_n): the elementwise sum of tensors of
    one shape, as add_n (TF1's version differs only in memory use). `shape`
    and `tensor_dtype`, when given, are checked against the inputs.

    Raises:
      ValueError: an empty list, shapes that differ, or a `shape` that does not match.
      TypeError: a `tensor_dtype` that does not match.
    """
    tensors = [convert_to_tensor(x) for x in inputs]
    if shape is not None and tensors and not tensors[0].shape.is_compatible_with(shape):
        raise ValueError(f"accumulate_n: shape {shape} does not match the inputs' {tensors[0].shape}")
    if tensor_dtype is not None and tensors and _dtypes.as_dtype(tensor_dtype) != tensors[0].dtype:
        raise TypeError(f"accumulate_n: tensor_dtype {tensor_dtype} does not match the inputs' {tensors[0].dtype.name}")
    return add_n(tensors, name=name)


__all__ += [
    "count_nonzero",
    "reduce_variance",
    "reduce_std",
    "reduce_euclidean_norm",
    "zero_fraction",
    "scalar_mul",
    "accumulate_n",
]


def _cast(x: Tensor, dtype: Any) -> Tensor:
    """cast (array_ops) imported late: array_ops imports this module's operators."""
    from .array_ops import cast

    return cast(x, dtype)


def _install_operators() -> None:
    """Tensors' and variables' ``+ - * / // % ** @``, unary ``-``, ``abs()``,
    ``& | ^ ~`` (bool tensors) and ``< <= > >=`` call these ops (TF's math_ops
    overrides Tensor's operators the same way), with
    TF1's op names ("add", "sub", "mul", "truediv", "Neg")."""
    operators = {
        "__add__": lambda x, y: add(x, y, name="add"),
        "__radd__": lambda x, y: add(y, x, name="add"),
        "__sub__": lambda x, y: subtract(x, y, name="sub"),
        "__rsub__": lambda x, y: subtract(y, x, name="sub"),
        "__mul__": lambda x, y: multiply(x, y, name="mul"),
        "__rmul__": lambda x, y: multiply(y, x, name="mul"),
        "__truediv__": lambda x, y: truediv(x, y, name="truediv"),
        "__rtruediv__": lambda x, y: truediv(y, x, name="truediv"),
        "__floordiv__": lambda x, y: floordiv(x, y, name="floordiv"),
        "__rfloordiv__": lambda x, y: floordiv(y, x, name="floordiv"),
        "__mod__": lambda x, y: floormod(x, y, name="mod"),
        "__rmod__": lambda x, y: floormod(y, x, name="mod"),
        "__pow__": lambda x, y: pow(x, y, name="pow"),
        "__rpow__": lambda x, y: pow(y, x, name="pow"),
        "__and__": lambda x, y: logical_and(x, y, name="and"),
        "__rand__": lambda x, y: logical_and(y, x, name="and"),
        "__or__": lambda x, y: logical_or(x, y, name="or"),
        "__ror__": lambda x, y: logical_or(y, x, name="or"),
        "__xor__": lambda x, y: logical_xor(x, y, name="xor"),
        "__rxor__": lambda x, y: logical_xor(y, x, name="xor"),
        "__invert__": lambda x: logical_not(x, name="invert"),
        "__neg__": lambda x: negative(x, name="Neg"),
        "__matmul__": lambda x, y: matmul(x, y),
        "__rmatmul__": lambda x, y: matmul(y, x),
        "__abs__": lambda x: abs(x),
        # Comparisons build Less/LessEqual/Greater/GreaterEqual ops, as TF1;
        # == and != stay identity (tensors are dict keys, e.g. in feed_dict).
        "__lt__": lambda x, y: less(x, y),
        "__le__": lambda x, y: less_equal(x, y),
        "__gt__": lambda x, y: greater(x, y),
        "__ge__": lambda x, y: greater_equal(x, y),
    }
    for name, operator in operators.items():
        _override_operator(name, operator)


_install_operators()
