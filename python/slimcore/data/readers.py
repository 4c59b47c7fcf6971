"""Datasets over files: .npy arrays, .npz archives and folders of images.

TF1 reads files through ``tf.data.TFRecordDataset``, ``TextLineDataset``
and ``tf.image.decode_*``; slimcore reads the formats a numpy user has
(TFRecord files are out of scope)::

    ds = npz_dataset("train.npz", keys=("x", "y"))       # (x[i], y[i]) per element
    ds = npy_dataset("features.npy")                       # rows, memory-mapped
    ds = image_folder_dataset("photos/", image_size=(64, 64))  # (uint8 [64, 64, 3], int64 class)

Each returns a tf.data Dataset, to shuffle, map, batch and prefetch as any.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from .dataset_ops import Dataset

__all__ = ["npy_dataset", "npz_dataset", "image_folder_dataset", "IMAGE_EXTENSIONS"]

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".ppm", ".tif", ".tiff")


def npy_dataset(path: str, mmap: bool = True) -> Dataset:
    """The rows of the array in a .npy file, one element each (from_tensor_slices).

    Args:
      path: a .npy file (np.save), never unpickled.
      mmap: memory-map the file (rows are read when the pipeline reaches
        them) instead of loading it whole.

    Raises:
      ValueError: a missing or unreadable file, an object array, a scalar.
    """
    if not os.path.isfile(path):
        raise ValueError(f"data file {path} does not exist")
    try:
        array = np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path} is not a readable .npy file: {exc}") from None
    if not isinstance(array, np.ndarray) or array.ndim == 0:
        raise ValueError(f"{path} holds no array with rows (a scalar or an archive): use npz_dataset for .npz")
    return Dataset.from_tensor_slices(array)


def npz_dataset(path: str, keys: Sequence[str] | None = None) -> Dataset:
    """The rows of arrays of an .npz archive side by side (from_tensor_slices).

    Args:
      path: an .npz archive (np.savez), read without unpickling.
      keys: the arrays to read, in order: the element is a tuple of their
        rows. None: every array, the element a dict {key: row}.

    Raises:
      ValueError: an unreadable archive, a key it lacks (names the keys it
        has), arrays with different row counts.
    """
    if not os.path.isfile(path):
        raise ValueError(f"data file {path} does not exist")
    try:
        loaded = np.load(path, allow_pickle=False)
        if not isinstance(loaded, np.lib.npyio.NpzFile):
            raise ValueError("it holds a single array, not an archive (use npy_dataset)")
        with loaded as archive:
            arrays = {key: archive[key] for key in archive.files}
    except (OSError, ValueError, EOFError) as exc:
        raise ValueError(f"{path} is not a readable .npz file: {exc}") from None
    if keys is None:
        return Dataset.from_tensor_slices(dict(arrays))
    if isinstance(keys, str):
        raise TypeError(f"keys must be a sequence of array names, got the string {keys!r} (write ({keys!r},))")
    missing = [k for k in keys if k not in arrays]
    if missing:
        raise ValueError(f"{path} has no array {missing[0]!r}; it has {sorted(arrays)}")
    return Dataset.from_tensor_slices(tuple(arrays[k] for k in keys))


def image_folder_dataset(
    directory: str, image_size: tuple | None = None, channels: int = 3, class_names: Sequence[str] | None = None
) -> Dataset:
    """(image, label) per image file of ``directory/<class name>/``, labels by sorted class name.

    The layout of Keras' image_dataset_from_directory: one subdirectory per
    class; its files with an image extension (IMAGE_EXTENSIONS) are the
    examples, in sorted order. Images are decoded (with Pillow, which
    matplotlib installs) when the pipeline reaches them: uint8 [height,
    width, channels]; int64 labels.

    Args:
      directory: the folder of class subdirectories.
      image_size: (height, width) every image is resized to (bilinear), so
        that they batch; None keeps each image's size (the static shape is
        then the first image's, see Dataset.map).
      channels: 1 (grayscale) or 3 (RGB).
      class_names: the subdirectories to use, in label order (default: all,
        sorted).

    Raises:
      ValueError: no such directory, no images, a bad `channels` or `image_size`.
    """
    if channels not in (1, 3):
        raise ValueError(f"channels must be 1 or 3, got {channels}")
    if image_size is not None and (len(image_size) != 2 or min(image_size) < 1):
        raise ValueError(f"image_size must be (height, width) of positive ints, got {image_size}")
    if not os.path.isdir(directory):
        raise ValueError(f"image folder {directory} does not exist")
    names = (
        list(class_names)
        if class_names is not None
        else sorted(e for e in os.listdir(directory) if os.path.isdir(os.path.join(directory, e)))
    )
    paths, labels = [], []
    for label, name in enumerate(names):
        folder = os.path.join(directory, name)
        if not os.path.isdir(folder):
            raise ValueError(f"class folder {folder} does not exist")
        for file in sorted(os.listdir(folder)):
            if file.lower().endswith(IMAGE_EXTENSIONS):
                paths.append(os.path.join(folder, file).encode())
                labels.append(label)
    if not paths:
        raise ValueError(f"{directory} has no images in class subdirectories (extensions {IMAGE_EXTENSIONS})")

    def decode(path: np.ndarray, label: np.ndarray) -> tuple:
        from PIL import Image

        with Image.open(path.item().decode()) as image:
            image = image.convert("L" if channels == 1 else "RGB")
            if image_size is not None:
                image = image.resize((image_size[1], image_size[0]), Image.BILINEAR)
            pixels = np.asarray(image, dtype=np.uint8)
        return pixels.reshape(*pixels.shape[:2], channels), label

    return Dataset.from_tensor_slices((np.array(paths), np.array(labels, dtype=np.int64))).map(decode)
