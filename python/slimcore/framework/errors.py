"""Exception classes (tf.errors). Errors raised by the C++ engine arrive as
these classes. Every one subclasses ``Error`` (TF1's ``OpError``: ``except
tf.errors.OpError`` catches them all) and the matching Python built-in:
InvalidArgumentError is a ValueError, TypeMismatchError a TypeError,
NotFoundError a KeyError, DataLossError (a corrupt or truncated file: TF1's
name) a ValueError and ResourceExhaustedError (an allocation the system
refused) a MemoryError.

The classes that only Python code raises (the file functions of
``tf.gfile``, the end of a ``tf.data`` iterator) are defined here, as
subclasses of ``Error``: UnimplementedError (also a NotImplementedError),
AlreadyExistsError, PermissionDeniedError, UnknownError and OutOfRangeError. They take TF1's constructor
arguments, ``(node_def, op, message)``, or just a message.
"""

from typing import Any

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


class _PythonOpError(Error):
    """An OpError raised from Python, constructed as TF1's: (node_def, op, message) or (message)."""

    def __init__(self, *args: Any) -> None:
        node_def, op, message = args if len(args) == 3 else (None, None, args[0] if args else "")
        super().__init__(message)
        self.node_def = node_def
        self.op = op

    @property
    def message(self) -> str:
        """The error message, as TF1's OpError.message."""
        return str(self.args[0]) if self.args else ""


class UnimplementedError(_PythonOpError, NotImplementedError):
    """tf.errors.UnimplementedError: an operation slimcore does not support (a gs:// path)."""


class AlreadyExistsError(_PythonOpError):
    """tf.errors.AlreadyExistsError: a file or directory to create exists already."""


class PermissionDeniedError(_PythonOpError):
    """tf.errors.PermissionDeniedError: the file system refused access."""


class OutOfRangeError(_PythonOpError):
    """tf.errors.OutOfRangeError: a tf.data iterator has no more elements ("End of sequence")."""


class UnknownError(_PythonOpError):
    """tf.errors.UnknownError: an error of no more specific class (an unexpected OS error)."""


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
    "UnimplementedError",
    "AlreadyExistsError",
    "PermissionDeniedError",
    "UnknownError",
    "OutOfRangeError",
]
