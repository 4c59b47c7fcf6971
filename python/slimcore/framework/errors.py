"""Exception classes (tf.errors). Errors raised by the C++ engine arrive as
these classes, which subclass the matching Python built-ins:
InvalidArgumentError is a ValueError, TypeMismatchError a TypeError,
DataLossError (a corrupt or truncated file: TF1's name) a ValueError and
ResourceExhaustedError (an allocation the system refused) a MemoryError."""

from .._core import (
    DataLossError,
    Error,
    FailedPreconditionError,
    InvalidArgumentError,
    NonFiniteError,
    NotFoundError,
    ResourceExhaustedError,
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
    "DataLossError",
    "ResourceExhaustedError",
]
