"""tf.gfile: TF1's CamelCase file API, the same functions as tf.io.gfile (local paths only).

=====================  ==========================  =========================
tf.gfile               tf.io.gfile                 behaviour
=====================  ==========================  =========================
Exists                 exists                      bool
IsDirectory            isdir                       bool (False when missing)
MakeDirs               makedirs                    parents too; fine if there
MkDir                  mkdir                       AlreadyExistsError if there
Glob                   glob                        sorted list of matches
ListDirectory          listdir                     names; NotFoundError
Remove                 remove                      a file; NotFoundError
DeleteRecursively      rmtree                      a tree; NotFoundError
Copy(old, new,         copy                        AlreadyExistsError unless
overwrite=False)                                   overwrite
Rename(old, new,       rename                      idem
overwrite=False)
Stat                   stat                        length, mtime_nsec,
                                                   is_directory
Walk(top,              walk(top, topdown)          os.walk's triples
in_order=True)
GFile, Open,           GFile                       a file object
FastGFile
=====================  ==========================  =========================

Errors and the departures from TF1 are those of ``tf.io.gfile`` (see
``slimcore.compat.v1.io.gfile``): TF1's error classes, ``UnimplementedError``
for ``gs://``, ``s3://``, ``hdfs://``.
"""

from __future__ import annotations

from typing import Any

from .io import gfile as _io
from .io.gfile import FileStatistics, GFile

__all__ = [
    "Copy",
    "DeleteRecursively",
    "Exists",
    "FastGFile",
    "FileStatistics",
    "GFile",
    "Glob",
    "IsDirectory",
    "ListDirectory",
    "MakeDirs",
    "MkDir",
    "Open",
    "Remove",
    "Rename",
    "Stat",
    "Walk",
]

Exists = _io.exists
IsDirectory = _io.isdir
MakeDirs = _io.makedirs
MkDir = _io.mkdir
Glob = _io.glob
ListDirectory = _io.listdir
Remove = _io.remove
DeleteRecursively = _io.rmtree
Copy = _io.copy
Rename = _io.rename
Stat = _io.stat
Open = GFile
FastGFile = GFile  # TF1's deprecated alias: GFile without thread locking


def Walk(top: Any, in_order: bool = True) -> Any:  # noqa: N802 (TF1's name)
    """tf.gfile.Walk(top, in_order=True): tf.io.gfile.walk with TF1's older argument name."""
    return _io.walk(top, topdown=in_order)
