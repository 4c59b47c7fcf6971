"""Elementwise math with numpy broadcasting, matmul, add_n, and the reductions
reduce_sum, reduce_mean, argmax (tf.*).

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


def divide(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """tf.divide / tf.truediv: x / y elementwise (d/dy = -x / y^2)."""
    return _binary("RealDiv", x, y, name)


truediv = divide


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
    x = convert_to_tensor(input)
    if axis is None:
        if x.shape.ndims > 1:
            warnings.warn(
                f"argmax: axis=None reduces axis 0 of {x.name} (shape {x.shape}), as TF1 "
                "does, not the flattened tensor; pass axis explicitly",
                UserWarning,
                stacklevel=2,
            )
        axis = 0
    axes = _static_ints(axis, "argmax: axis")
    if len(axes) != 1:
        raise TypeError(f"argmax: axis must be a single int, got {axis!r}")
    output_type = _dtypes.as_dtype(output_type)
    if output_type not in (_dtypes.int32, _dtypes.int64):
        raise TypeError(f"argmax: output_type must be int32 or int64, got {output_type.name}")
    return _op1("ArgMax", [x], {"axis": axes[0], "output_type": output_type._core}, name or "ArgMax")


__all__ += ["reduce_sum", "reduce_mean", "argmax"]


def _install_operators() -> None:
    """Tensors' and variables' ``+ - * / @``, unary ``-``, ``abs()`` and
    ``< <= > >=`` call these ops (TF's math_ops overrides Tensor's operators the same way), with
    TF1's op names ("add", "sub", "mul", "truediv", "Neg")."""
    operators = {
        "__add__": lambda x, y: add(x, y, name="add"),
        "__radd__": lambda x, y: add(y, x, name="add"),
        "__sub__": lambda x, y: subtract(x, y, name="sub"),
        "__rsub__": lambda x, y: subtract(y, x, name="sub"),
        "__mul__": lambda x, y: multiply(x, y, name="mul"),
        "__rmul__": lambda x, y: multiply(y, x, name="mul"),
        "__truediv__": lambda x, y: divide(x, y, name="truediv"),
        "__rtruediv__": lambda x, y: divide(y, x, name="truediv"),
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
