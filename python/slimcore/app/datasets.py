"""Data sets that ship with slimcore, usable offline."""

from __future__ import annotations

import os
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


def _labels(y: np.ndarray, path: str, key: str) -> np.ndarray:
    if y.ndim == 2:  # one-hot
        y = y.argmax(axis=1)
    if y.ndim != 1:
        raise ValueError(f"{path}: '{key}' must be class ids [N] or one-hot [N, K], got shape {y.shape}")
    if y.dtype.kind == "f":
        if not np.all(np.isfinite(y)) or not np.all(y == np.round(y)):
            raise ValueError(f"{path}: '{key}' must hold integer class ids, got non-integer values")
    elif y.dtype.kind not in "iub":
        raise ValueError(f"{path}: '{key}' must hold integer class ids, got dtype {y.dtype}")
    y = y.astype(np.int64)
    if y.size and y.min() < 0:
        raise ValueError(f"{path}: '{key}' holds negative class ids (min {y.min()})")
    return y


def _features(x: np.ndarray, path: str, key: str) -> np.ndarray:
    if x.dtype.kind not in "biuf":
        raise ValueError(f"{path}: '{key}' must be numeric, got dtype {x.dtype}")
    x = x.astype(np.float32)
    if x.ndim < 2:
        raise ValueError(f"{path}: '{key}' must be [N, features...], got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{path}: '{key}' contains NaN or Inf")
    return x


def load_npz(path: str, test_fraction: float = 0.2, seed: int = 0, test_path: str | None = None) -> Dataset:
    """A data set from an .npz file: arrays ``x`` [N, ...] and ``y`` [N] (class
    ids, or one-hot [N, K]) split by a fixed-seed permutation; or
    ``x_train``/``y_train``/``x_test``/``y_test``; or ``x``/``y`` for training
    and a second file `test_path` with ``x``/``y`` for testing.

    Raises:
      ValueError: a missing file or key, lengths that differ, non-finite
        features, labels that are not non-negative integers.
    """

    def read(p: str) -> dict:
        if not os.path.isfile(p):
            raise ValueError(f"data file {p} does not exist")
        try:
            with np.load(p, allow_pickle=False) as f:
                return {k: f[k] for k in f.files}
        except Exception as e:  # zip or format errors
            raise ValueError(f"{p} is not a readable .npz file: {e}") from None

    def pair(arrays: dict, p: str, kx: str, ky: str) -> tuple:
        missing = [k for k in (kx, ky) if k not in arrays]
        if missing:
            raise ValueError(
                f"{p}: missing array(s) {missing}; found {sorted(arrays)} (expected x and y, "
                "or x_train, y_train, x_test, y_test)"
            )
        x, y = _features(arrays[kx], p, kx), _labels(arrays[ky], p, ky)
        if len(x) != len(y):
            raise ValueError(f"{p}: {kx} has {len(x)} rows but {ky} has {len(y)}")
        return x, y

    arrays = read(path)
    if "x_train" in arrays:
        x_train, y_train = pair(arrays, path, "x_train", "y_train")
        x_test, y_test = pair(arrays, path, "x_test", "y_test")
    elif test_path is not None:
        x_train, y_train = pair(arrays, path, "x", "y")
        x_test, y_test = pair(read(test_path), test_path, "x", "y")
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
        raise ValueError(f"train and test features differ in shape: {x_train.shape[1:]} vs {x_test.shape[1:]}")
    num_classes = int(max(y_train.max(initial=0), y_test.max(initial=0))) + 1
    return Dataset(x_train, y_train, x_test, y_test, num_classes)
