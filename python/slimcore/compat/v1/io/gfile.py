"""tf.io.gfile: TF1's file API over the local file system.

TF1 programs read and write files through ``tf.io.gfile`` (``tf.gfile`` in
its older CamelCase spelling) so that the same code works on Cloud Storage
or HDFS. slimcore supports local paths (and ``file://`` URLs) only::

    if not tf.io.gfile.exists(train_dir):
        tf.io.gfile.makedirs(train_dir)
    with tf.io.gfile.GFile(os.path.join(train_dir, "labels.txt"), "w") as f:
        f.write("cat\\n")

Errors are TF1's (``slimcore.errors``), not Python's OSError: a missing file
or directory raises ``NotFoundError`` (in slimcore also a KeyError, as every
NotFoundError the engine raises), creating what exists ``AlreadyExistsError``,
a refused access ``PermissionDeniedError``, removing a directory with
``remove`` or reading a directory ``FailedPreconditionError``, any other
OS error ``UnknownError``; each message names the path. A path with another
URL scheme (``gs://``, ``s3://``, ``hdfs://``) raises ``UnimplementedError``.

Departures from TF1, all on the loud side: ``GFile`` opens its file when
constructed (TF1 waits for the first read or write), so a missing file
raises at ``GFile(path)``; ``glob`` returns its matches sorted.
"""

from __future__ import annotations

import contextlib
import errno
import glob as _glob
import os
import re
import shutil
from collections.abc import Iterator
from typing import Any, NamedTuple

from ....framework import errors

__all__ = [
    "GFile",
    "copy",
    "exists",
    "glob",
    "isdir",
    "listdir",
    "makedirs",
    "mkdir",
    "remove",
    "rename",
    "rmtree",
    "stat",
    "walk",
]

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")

# errno -> TF1's error class, as TensorFlow's own errno mapping (core/platform/errors).
_ERRNO_CLASSES = {
    errno.ENOENT: errors.NotFoundError,
    errno.EEXIST: errors.AlreadyExistsError,
    errno.EACCES: errors.PermissionDeniedError,
    errno.EPERM: errors.PermissionDeniedError,
    errno.EISDIR: errors.FailedPreconditionError,
    errno.ENOTDIR: errors.FailedPreconditionError,
    errno.ENOTEMPTY: errors.FailedPreconditionError,
}


def _local(path: Any) -> str:
    """`path` (str, bytes or os.PathLike) as a local path string.

    Raises:
      TypeError: `path` is not a path.
      slimcore.errors.UnimplementedError: a URL of another scheme than file://.
    """
    try:
        path = os.fsdecode(os.fspath(path))
    except TypeError:
        raise TypeError(f"expected a path (str, bytes or os.PathLike), got {path!r}") from None
    match = _SCHEME.match(path)
    if match:
        if match.group(1).lower() != "file":
            raise errors.UnimplementedError(
                f"File system scheme '{match.group(1)}' not implemented (file: '{path}'): "
                "slimcore reads and writes local paths only; copy the data to a local directory first"
            )
        path = path[match.end() :]
    return path


@contextlib.contextmanager
def _tf_errors(path: str) -> Iterator[None]:
    """Re-raises an OSError as TF1's error class for its errno, naming `path`."""
    try:
        yield
    except OSError as e:
        cls = _ERRNO_CLASSES.get(e.errno, errors.UnknownError)
        raise cls(f"{e.filename or path}; {e.strerror or e}") from e


def exists(path: Any) -> bool:
    """tf.io.gfile.exists (tf.gfile.Exists): whether `path` (a file or directory) exists.

    Raises:
      slimcore.errors.UnimplementedError: a non-local URL.
    """
    return os.path.exists(_local(path))


def isdir(path: Any) -> bool:
    """tf.io.gfile.isdir (tf.gfile.IsDirectory): whether `path` is a directory (False when missing)."""
    return os.path.isdir(_local(path))


def makedirs(path: Any) -> None:
    """tf.io.gfile.makedirs (tf.gfile.MakeDirs): creates `path` and its missing parents; fine if it exists.

    Raises:
      slimcore.errors.AlreadyExistsError: `path` (or a parent) exists as a file.
      slimcore.errors.PermissionDeniedError: no write access.
    """
    path = _local(path)
    with _tf_errors(path):
        os.makedirs(path, exist_ok=True)


def mkdir(path: Any) -> None:
    """tf.io.gfile.mkdir (tf.gfile.MkDir): creates the directory `path`; its parent must exist.

    Raises:
      slimcore.errors.AlreadyExistsError: `path` exists.
      slimcore.errors.NotFoundError: the parent directory does not exist.
    """
    path = _local(path)
    with _tf_errors(path):
        os.mkdir(path)


def glob(pattern: Any) -> list:
    """tf.io.gfile.glob (tf.gfile.Glob): the paths matching `pattern` (or any of a list of patterns), sorted.

    ``*``, ``?`` and ``[...]`` as TF1 (no recursive ``**``); no match, or a
    missing directory, gives [].
    """
    patterns = [pattern] if isinstance(pattern, (str, bytes, os.PathLike)) else list(pattern)
    matches: set = set()
    for p in patterns:
        matches.update(_glob.glob(_local(p)))
    return sorted(matches)


def remove(path: Any) -> None:
    """tf.io.gfile.remove (tf.gfile.Remove): deletes the file `path`.

    Raises:
      slimcore.errors.NotFoundError: `path` does not exist.
      slimcore.errors.FailedPreconditionError: `path` is a directory (use rmtree).
    """
    path = _local(path)
    with _tf_errors(path):
        os.remove(path)


def rmtree(path: Any) -> None:
    """tf.io.gfile.rmtree (tf.gfile.DeleteRecursively): deletes the directory `path` and all inside it.

    A file is deleted too, as TF1 does.

    Raises:
      slimcore.errors.NotFoundError: `path` does not exist.
    """
    path = _local(path)
    with _tf_errors(path):
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.remove(path)


def listdir(path: Any) -> list:
    """tf.io.gfile.listdir (tf.gfile.ListDirectory): the names in directory `path` (no '.', '..'), unsorted.

    Raises:
      slimcore.errors.NotFoundError: `path` is not a directory, as TF1.
    """
    path = _local(path)
    if not os.path.isdir(path):
        raise errors.NotFoundError(f"Could not find directory {path}")
    with _tf_errors(path):
        return os.listdir(path)


def _check_overwrite(dst: str, overwrite: bool) -> None:
    if not overwrite and os.path.exists(dst):
        raise errors.AlreadyExistsError(f"{dst}; file already exists (pass overwrite=True to replace it)")


def copy(src: Any, dst: Any, overwrite: bool = False) -> None:
    """tf.io.gfile.copy (tf.gfile.Copy): copies the file `src` to `dst`.

    Raises:
      slimcore.errors.NotFoundError: `src` does not exist.
      slimcore.errors.AlreadyExistsError: `dst` exists and `overwrite` is False.
      slimcore.errors.FailedPreconditionError: `src` is a directory.
    """
    src, dst = _local(src), _local(dst)
    _check_overwrite(dst, overwrite)
    with _tf_errors(src):
        shutil.copyfile(src, dst)


def rename(src: Any, dst: Any, overwrite: bool = False) -> None:
    """tf.io.gfile.rename (tf.gfile.Rename): moves the file or directory `src` to `dst`.

    Raises:
      slimcore.errors.NotFoundError: `src` does not exist.
      slimcore.errors.AlreadyExistsError: `dst` exists and `overwrite` is False.
    """
    src, dst = _local(src), _local(dst)
    _check_overwrite(dst, overwrite)
    with _tf_errors(src):
        os.replace(src, dst)


class FileStatistics(NamedTuple):
    """What tf.io.gfile.stat returns: size in bytes, modification time in ns, whether a directory."""

    length: int
    mtime_nsec: int
    is_directory: bool


def stat(path: Any) -> FileStatistics:
    """tf.io.gfile.stat (tf.gfile.Stat): `path`'s FileStatistics(length, mtime_nsec, is_directory).

    Raises:
      slimcore.errors.NotFoundError: `path` does not exist.
    """
    path = _local(path)
    with _tf_errors(path):
        st = os.stat(path)
    return FileStatistics(st.st_size, st.st_mtime_ns, os.path.isdir(path))


def walk(top: Any, topdown: bool = True, onerror: Any = None) -> Iterator[tuple]:
    """tf.io.gfile.walk (tf.gfile.Walk): (dirname, subdir names, file names) per directory under `top`.

    As os.walk (a missing `top` yields nothing); `onerror` gets the OSError.
    """
    yield from os.walk(_local(top), topdown=topdown, onerror=onerror)


class GFile:
    """tf.io.gfile.GFile(name, mode='r') (tf.gfile.GFile, tf.gfile.Open): a file object.

    Modes as TF1: 'r', 'w', 'a', with '+' and 'b'. Text modes read and write
    str in UTF-8 without newline translation (TF1 reads the bytes as they
    are); ``write`` takes bytes in a text mode and str in a binary mode too,
    as TF1's. Iterating gives lines; ``size()`` is the file's length. The
    file is opened here (TF1 opens on first use).

    Raises:
      ValueError: a mode TF1 does not accept.
      slimcore.errors.NotFoundError: reading a file that does not exist.
      slimcore.errors.FailedPreconditionError: `name` is a directory.
    """

    def __init__(self, name: Any, mode: str = "r") -> None:
        if not isinstance(mode, str) or mode.replace("b", "") not in ("r", "w", "a", "r+", "w+", "a+"):
            raise ValueError(f"mode must be one of 'r', 'w', 'a', 'r+', 'w+', 'a+' (with 'b' for binary), got {mode!r}")
        self.name = _local(name)
        self.mode = mode
        self._binary = "b" in mode
        with _tf_errors(self.name):
            if self._binary:
                self._f = open(self.name, mode)  # noqa: SIM115 (closed by close() / __exit__)
            else:
                self._f = open(self.name, mode, encoding="utf-8", newline="")  # noqa: SIM115

    def read(self, n: int = -1) -> Any:
        """Reads `n` bytes (binary) or characters (text), all when n is -1."""
        return self._f.read(n)

    def readline(self) -> Any:
        """The next line with its newline ('' or b'' at the end)."""
        return self._f.readline()

    def readlines(self) -> list:
        """All remaining lines."""
        return self._f.readlines()

    def write(self, file_content: Any) -> None:
        """Writes str or bytes (converted to the file's mode, UTF-8)."""
        if self._binary and isinstance(file_content, str):
            file_content = file_content.encode("utf-8")
        elif not self._binary and isinstance(file_content, (bytes, bytearray)):
            file_content = bytes(file_content).decode("utf-8")
        self._f.write(file_content)

    def seek(self, offset: int | None = None, whence: int = 0, position: int | None = None) -> None:
        """Moves to `offset` from `whence` (0 start, 1 current, 2 end); `position` is TF1's old name."""
        if position is not None:
            if offset is not None:
                raise ValueError("seek takes offset or its deprecated name position, not both")
            offset = position
        self._f.seek(0 if offset is None else offset, whence)

    def tell(self) -> int:
        """The current position."""
        return self._f.tell()

    def size(self) -> int:
        """The file's length in bytes."""
        self._f.flush()
        return os.fstat(self._f.fileno()).st_size

    def flush(self) -> None:
        """Writes buffered data to the file."""
        self._f.flush()

    def close(self) -> None:
        """Closes the file (safe to call twice)."""
        self._f.close()

    def seekable(self) -> bool:
        """True: a local file can seek."""
        return True

    @property
    def closed(self) -> bool:
        """Whether close() was called."""
        return self._f.closed

    def __iter__(self) -> Iterator[Any]:
        return iter(self._f)

    def __next__(self) -> Any:
        return next(self._f)

    next = __next__  # TF1's Python 2 spelling

    def __enter__(self) -> GFile:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"GFile(name={self.name!r}, mode={self.mode!r})"
