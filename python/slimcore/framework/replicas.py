"""The data-parallel replicas this process trains with, as the MPI-free parts
of slimcore see them (the Saver, the regularization report, the guard, the
CLI's progress output).

``slimcore.distributed.init()`` installs its communicator here; until then
(and in every single-process run) ``current()`` is None, ``count()`` 1 and
``is_root()`` True, so nothing changes for a program that never calls it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # annotations only
    from .session import Session

__all__ = ["Replicas", "current", "count", "is_root", "install"]


class Replicas(Protocol):
    """What slimcore.distributed provides (its communicator)."""

    def rank(self) -> int: ...

    def size(self) -> int: ...

    def broadcast_variables(self, session: Session, variables: list, root_rank: int = 0) -> None: ...


_current: Any = None


def install(replicas: Replicas | None) -> None:
    """Makes `replicas` the process's communicator (None: single process again)."""
    global _current
    _current = replicas


def current() -> Replicas | None:
    """The installed communicator, or None in a single-process run."""
    return _current


def count() -> int:
    """N, the number of replicas training together (1 without slimcore.distributed)."""
    return 1 if _current is None else _current.size()


def is_root() -> bool:
    """Whether this process is rank 0 (the one that writes checkpoints and prints)."""
    return _current is None or _current.rank() == 0
