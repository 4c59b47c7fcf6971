"""tf.data / tf.compat.v1.data: slimcore.data under TF1's names.

TFRecordDataset, TextLineDataset and FixedLengthRecordDataset are out of
scope: naming one raises an AttributeError that points to the readers
slimcore has (slimcore.data.readers: .npy, .npz, image folders).
"""

from __future__ import annotations

import types as _types
from typing import Any

from slimcore.data import (
    AUTOTUNE,
    Dataset,
    DatasetV1,
    Iterator,
    get_output_classes,
    get_output_shapes,
    get_output_types,
    make_initializable_iterator,
    make_one_shot_iterator,
)

# tf.data.experimental: only AUTOTUNE.
experimental = _types.SimpleNamespace(AUTOTUNE=AUTOTUNE)

__all__ = [
    "Dataset",
    "DatasetV1",
    "Iterator",
    "experimental",
    "get_output_classes",
    "get_output_shapes",
    "get_output_types",
    "make_initializable_iterator",
    "make_one_shot_iterator",
]

_FILE_DATASETS = ("TFRecordDataset", "TextLineDataset", "FixedLengthRecordDataset")


def __getattr__(name: str) -> Any:
    if name in _FILE_DATASETS:
        raise AttributeError(
            f"tf.data.{name} is out of scope in slimcore (no TFRecord or text-line files): read .npy/.npz "
            "files or image folders with slimcore.data.npy_dataset / npz_dataset / image_folder_dataset, "
            "or any file with Dataset.from_generator"
        )
    raise AttributeError(f"module 'tf.data' has no attribute {name!r}")
