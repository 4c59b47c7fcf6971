"""Exception classes (tf.errors). Errors raised by the C++ engine arrive as
these classes, which subclass the matching Python built-ins:
InvalidArgumentError is a ValueError, TypeMismatchError a TypeError."""

from .._core import (
    Error,
    FailedPreconditionError,
    InvalidArgumentError,
    NonFiniteError,
    NotFoundError,
    TypeMismatchError,
)

OpError = Error

__all__ = [
    "Error",
    "OpError",
    "InvalidArgumentError",
    "TypeMismatchError",
    "NotFoundError",
    "FailedPreconditionError",
    "NonFiniteError",
]
