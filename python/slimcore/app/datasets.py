"""Data sets that ship with slimcore, usable offline."""

from __future__ import annotations

import io
import math
import os
import warnings
import zipfile
import zlib
from typing import NamedTuple

import numpy as np

__all__ = ["Dataset", "load_digits", "load_npz"]


class Dataset(NamedTuple):
    """Train and held-out test arrays: x float32 [N, features], y int64 [N]."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    num_classes: int


def load_digits(test_fraction: float = 0.2, seed: int = 0) -> Dataset:
    """The 1,797 8x8 handwritten digits of UCI (as scikit-learn ships them).

    Pixels are scaled to [0, 1] and flattened to 64 features; a fixed-seed
    permutation holds out `test_fraction` of the images for testing.

    Raises:
      ValueError: test_fraction outside (0, 1).
    """
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "digits.npz")
    with np.load(path) as data:
        images, labels = data["images"], data["labels"]
    x = images.reshape(len(images), -1).astype(np.float32) / 16.0
    y = labels.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(x))
    n_test = round(len(x) * test_fraction)
    test, train = order[:n_test], order[n_test:]
    return Dataset(x[train], y[train], x[test], y[test], 10)


# Class ids at or above this are refused as corrupt labels: the model would
# need a logits layer that wide.
MAX_CLASSES = 1_000_000

# np.savez writes members stored or deflated; deflate expands at most about
# 1032:1, so a member that declares more than this many bytes per compressed
# byte lies about its size (a zip bomb, or a corrupt directory).
_MAX_DEFLATE_RATIO = 1032

# What reading a corrupt zip archive or .npy member can raise (zipfile, zlib,
# numpy's header parser); each becomes a ValueError naming the file.
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: str, key: str) -> np.ndarray:
    """One .npy member, its header checked before any allocation: a numeric,
    non-object dtype and a shape whose size is the bytes the member holds."""
    where = f"{path}: array {key!r}"
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ValueError(f"{where} uses zip compression method {info.compress_type} (np.savez writes stored/deflate)")
    if info.file_size > max(info.compress_size, 1) * _MAX_DEFLATE_RATIO + 4096:
        raise ValueError(
            f"{where} declares {info.file_size} bytes, more than its {info.compress_size} compressed bytes can hold"
        )
    with archive.open(info) as f:
        data = f.read()
    if len(data) != info.file_size:
        raise ValueError(f"{where} holds {len(data)} bytes, its zip entry says {info.file_size} (truncated?)")
    stream = io.BytesIO(data)
    try:  # numpy's parser of the header text raises what its tokenizer and literal_eval raise
        version = np.lib.format.read_magic(stream)
        readers = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
        if version not in readers:
            raise ValueError(f".npy format version {version}, which load_npz does not read (1.0, 2.0)")
        with warnings.catch_warnings():  # a Python 2 header: numpy reads it, and says it is slow
            warnings.simplefilter("ignore", UserWarning)
            shape, fortran_order, dtype = readers[version](stream)
    except Exception as e:
        raise ValueError(f"{where} has no valid .npy header: {type(e).__name__}: {e}") from None
    if dtype.hasobject or dtype.fields is not None or dtype.kind not in "biuf":
        raise ValueError(f"{where} has dtype {dtype}; load_npz reads numeric arrays only (never pickled objects)")
    if any(d < 0 for d in shape):
        raise ValueError(f"{where} has a negative dimension in its shape {shape}")
    count = math.prod(shape)
    if count * dtype.itemsize != len(data) - stream.tell():
        raise ValueError(
            f"{where} has shape {shape} and dtype {dtype} ({count * dtype.itemsize} bytes) but holds "
            f"{len(data) - stream.tell()} bytes of data"
        )
    flat = np.frombuffer(data, dtype=dtype, count=count, offset=stream.tell())
    return flat.reshape(shape, order="F" if fortran_order else "C")


def _read_npz(path: str) -> dict:
    """{name: array} of the .npy members of an .npz archive, never unpickling.

    Raises:
      ValueError: a missing file, a file that is not an .npz archive, a corrupt
        or truncated archive or member, a member that is not a numeric array.
    """
    if not os.path.isfile(path):
        raise ValueError(f"data file {path} does not exist")
    try:
        with open(path, "rb") as f:
            magic = f.read(4)
    except OSError as e:
        raise ValueError(f"data file {path} cannot be read: {e}") from None
    if magic[:2] != b"PK":
        raise ValueError(f"{path} is not a readable .npz file: not a zip archive (np.savez writes one)")
    arrays: dict = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if not info.filename.endswith(".npy"):
                    continue
                key = info.filename[: -len(".npy")]
                if key in arrays:
                    raise ValueError(f"{path}: array {key!r} appears twice in the archive")
                arrays[key] = _read_member(archive, info, path, key)
    except MemoryError:
        raise ValueError(f"{path} is too large to load into memory") from None
    except _READ_ERRORS as e:
        message = str(e)
        if message.startswith(path):
            raise ValueError(message) from None
        raise ValueError(f"{path} is not a readable .npz file: {type(e).__name__}: {message}") from None
    return arrays


def _labels(y: np.ndarray, path: str, key: str) -> np.ndarray:
    """Class ids [N] from class ids [N], a column of class ids [N, 1] or
    one-hot rows [N, K]; anything else is refused, naming the array."""
    where = f"{path}: '{key}' (shape {list(y.shape)}, dtype {y.dtype})"
    if y.dtype.kind not in "biuf":
        raise ValueError(f"{where} must hold integer class ids")
    if y.ndim == 2 and y.shape[1] == 1:  # a column of class ids
        y = y[:, 0]
    elif y.ndim == 2:
        one_hot = bool(np.all((y == 0) | (y == 1))) and bool(np.all(y.sum(axis=1, dtype=np.float64) == 1))
        if not one_hot:
            raise ValueError(
                f"{where}: [N, K] labels must be one-hot (one 1 per row, the rest 0); give class ids [N] otherwise"
            )
        y = y.argmax(axis=1)
    elif y.ndim != 1:
        raise ValueError(f"{where} must be class ids [N], a column [N, 1] or one-hot [N, K]")
    if y.dtype.kind == "f" and (not np.all(np.isfinite(y)) or not np.all(y == np.round(y))):
        raise ValueError(f"{where} must hold integer class ids, got non-integer values")
    if y.size and y.min() < 0:
        raise ValueError(f"{where} holds negative class ids (min {y.min()})")
    if y.size and y.max() >= MAX_CLASSES:
        raise ValueError(f"{where} holds class id {y.max()}; load_npz accepts ids below {MAX_CLASSES:,}")
    return y.astype(np.int64)


def _features(x: np.ndarray, path: str, key: str) -> np.ndarray:
    where = f"{path}: '{key}' (shape {list(x.shape)}, dtype {x.dtype})"
    if x.dtype.kind not in "biuf":
        raise ValueError(f"{where} must be numeric")
    if x.ndim < 2 or x.shape[0] == 0 or math.prod(x.shape[1:]) == 0:
        raise ValueError(f"{where} must be [N, features...] with N >= 1 examples and at least one feature")
    if x.dtype.kind == "f" and not np.all(np.isfinite(x)):
        raise ValueError(f"{where} contains NaN or Inf")
    with np.errstate(over="ignore"):  # float64 beyond float32's range becomes inf, refused below
        x = x.astype(np.float32)
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{where} holds values beyond float32's range")
    return x


def load_npz(path: str, test_fraction: float = 0.2, seed: int = 0, test_path: str | None = None) -> Dataset:
    """A data set from an .npz file: arrays ``x`` [N, ...] and ``y`` (class ids
    [N], a column of class ids [N, 1], or one-hot [N, K]) split by a
    fixed-seed permutation; or ``x_train``/``y_train``/``x_test``/``y_test``;
    or ``x``/``y`` for training and a second file `test_path` with ``x``/``y``
    for testing. Arrays are read without pickle (object arrays are refused),
    each member's header checked before its data is allocated.

    Raises:
      ValueError, naming the file and the array: a missing, corrupt or non-npz
        file; a missing key; lengths that differ; non-numeric, empty or
        non-finite features; labels that are not non-negative integer class ids
        below MAX_CLASSES, or [N, K] labels that are not one-hot.
    """

    def pair(arrays: dict, p: str, kx: str, ky: str) -> tuple:
        missing = [k for k in (kx, ky) if k not in arrays]
        if missing:
            raise ValueError(
                f"{p}: missing array(s) {missing}; found {sorted(arrays)} (expected x and y, "
                "or x_train, y_train, x_test, y_test)"
            )
        x, y = _features(arrays[kx], p, kx), _labels(arrays[ky], p, ky)
        if len(x) != len(y):
            raise ValueError(f"{p}: {kx} has {len(x)} rows (shape {list(x.shape)}) but {ky} has {len(y)}")
        return x, y

    arrays = _read_npz(path)
    if "x_train" in arrays:
        x_train, y_train = pair(arrays, path, "x_train", "y_train")
        x_test, y_test = pair(arrays, path, "x_test", "y_test")
    elif test_path is not None:
        x_train, y_train = pair(arrays, path, "x", "y")
        x_test, y_test = pair(_read_npz(test_path), test_path, "x", "y")
    else:
        if not 0.0 < test_fraction < 1.0:
            raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")
        x, y = pair(arrays, path, "x", "y")
        order = np.random.default_rng(seed).permutation(len(x))
        n_test = round(len(x) * test_fraction)
        if n_test == 0 or n_test == len(x):
            raise ValueError(f"{path}: {len(x)} examples are too few to hold out {test_fraction:.0%} for testing")
        x_train, y_train, x_test, y_test = x[order[n_test:]], y[order[n_test:]], x[order[:n_test]], y[order[:n_test]]
    if x_train.shape[1:] != x_test.shape[1:]:
        where = path if test_path is None else f"{path} and {test_path}"
        raise ValueError(f"{where}: train and test features differ in shape: {x_train.shape[1:]} vs {x_test.shape[1:]}")
    num_classes = int(max(y_train.max(initial=0), y_test.max(initial=0))) + 1
    return Dataset(x_train, y_train, x_test, y_test, num_classes)
